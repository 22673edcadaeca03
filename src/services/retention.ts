// The daily retention job: what has passed its period in rules/retention.json is deleted or
// anonymised, in both stores alike (RetentionRepository), and files nobody accepted are deleted.
// One transaction, then the embedded store folds its log so no copy stays in its files; run on every instance (it is idempotent: a second run finds nothing). The log
// gets counts only, never what was deleted.
import type { Clock } from '../clock.js';
import { retentionCutoffs } from '../domain/retention.js';
import { RETENTION_KINDS, type RetentionRules } from '../domain/ruleTypes.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';

export type RetentionCounts = Awaited<ReturnType<Store['retention']['purge']>> & { audit: number; files: number };

export async function applyRetention(store: Store, rules: RetentionRules, clock: Clock, log: Logger): Promise<RetentionCounts> {
  const now = clock.now();
  const cutoffs = retentionCutoffs(rules, now);
  // Each step on its own: one that fails (a full disk, a database timeout) is logged and tried again
  // tomorrow, and does not keep the others' data past its period. Counts only, never what went.
  const failed: string[] = [];
  const step = async <T>(name: string, fallback: T, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      failed.push(name);
      log.error(`retention: ${name} failed`, { err });
      return fallback;
    }
  };
  const none = Object.fromEntries([...RETENTION_KINDS.filter((k) => k !== 'audit'), 'formerCitizens'].map((k) => [k, 0])) as Awaited<ReturnType<Store['retention']['purge']>>;
  const counts = await step('records', none, () => store.transaction((tx) => tx.retention.purge(cutoffs)));
  // The access log's own period: after the records it speaks of, so an erasure's entry outlives them.
  // (Not when the records step failed: the log of records still held must stay with them.)
  const audit = failed.includes('records') ? 0 : await step('access log', 0, () => store.pruneAuditLog(cutoffs.audit));
  const files = await step('files', 0, () => store.files.deleteExpired(now));
  const all = { ...counts, audit, files };
  // What was deleted leaves the store's own files too (the embedded store folds its log).
  if (Object.values(all).some((n) => n > 0)) await step('folding the log', undefined, () => store.forgetDeleted());
  log.info('retention applied', failed.length ? { ...all, failed } : all);
  return all;
}
