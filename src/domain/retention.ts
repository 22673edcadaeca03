// How long each kind of data is kept (rules/retention.json): the instant before which a record's
// counting date means it is past its period. Which date counts is the store's (RetentionRepository):
// a draft's last change, a visit's own date, a detached attachment's end, and so on.
import { RETENTION_KINDS, type RetentionKind, type RetentionRules } from './ruleTypes.js';

const DAY_MS = 86_400_000;

export type RetentionCutoffs = Record<RetentionKind, string>;

/** For each kind, `now` less its period in days, as an ISO instant (a record dated before it goes). */
export function retentionCutoffs(rules: RetentionRules, now: Date): RetentionCutoffs {
  const out = {} as RetentionCutoffs;
  for (const kind of RETENTION_KINDS) {
    const period = rules.kinds.find((k) => k.id === kind);
    if (!period) throw new Error(`rules/retention.json gives no period for "${kind}"`);
    out[kind] = new Date(now.getTime() - period.days * DAY_MS).toISOString();
  }
  return out;
}
