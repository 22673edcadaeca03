// Moving a municipality's data from the embedded store to PostgreSQL: everything, in one database
// transaction (all or nothing), into a database that holds nothing yet; then the counts per kind are
// compared. Run with the bot stopped (`npm run store:copy`). Records keep their versions, so cards
// left open and messages keyed by a version (a referral card's update) go on as before.
import type { Engine } from './lowdb/engine.js';
import type { PostgresStore } from './postgres/index.js';
import type { AuditEntry, CaseCount, CountingWeek, Citizen, ConversationRecord, FormerCitizen, OutboxMessage, PendingFile, Repositories, StaffMember, StateItem, Versioned, VisitEventRecord } from './types.js';
import { staffKeyString } from './types.js';

/** Each kind of data: its collection in the embedded store and its table in PostgreSQL. */
const KINDS = [
  ['staff', 'staff'],
  ['citizens', 'citizens'],
  ['screenings', 'screenings'],
  ['referrals', 'referrals'],
  ['visits', 'visits'],
  ['attachments', 'attachments'],
  ['coordinations', 'coordinations'],
  ['visitEvents', 'visit_events'],
  ['caseCounts', 'case_counts'],
  ['countingWeeks', 'counting_weeks'],
  ['outbox', 'outbox'],
  ['audit', 'audit'],
  ['conversations', 'conversations'],
  ['state', 'turn_state'],
  ['settings', 'settings'],
  ['files', 'files'],
  ['formerCitizens', 'former_citizens'],
] as const;

/** The kinds people edit, with versions (their collection is their table's name). */
const VERSIONED = ['staff', 'screenings', 'referrals', 'visits', 'attachments', 'coordinations'] as const;

export class NotEmptyError extends Error {
  constructor(readonly holding: string[]) {
    super(`The database already holds data (${holding.join(', ')}); the copy writes only into an empty one.`);
    this.name = 'NotEmptyError';
  }
}

export interface CopyReport {
  kinds: { kind: string; embedded: number; postgres: number }[];
  ok: boolean;
}

async function counts(pool: PostgresStore['pool']): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [, table] of KINDS) out.set(table, Number((await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n));
  out.set('case_numbers', Number((await pool.query('SELECT count(*)::int AS n FROM case_numbers')).rows[0].n));
  return out;
}

export async function copyToPostgres(from: Engine, to: PostgresStore): Promise<CopyReport> {
  const before = await counts(to.pool);
  const holding = [...before].filter(([, n]) => n > 0).map(([t, n]) => `${t}: ${n}`);
  if (holding.length) throw new NotEmptyError(holding);
  const all = <T>(collection: string): T[] => [...from.entries<T>(collection)].map(([, v]) => v);
  const fresh = <T extends { version?: number }>(r: T): T => ({ ...r, version: 0 });
  const keep = async (table: string, id: string, version: number | undefined) => {
    if (version) await to.restoreVersion(table, id, version);
  };

  await to.transaction(async (tx: Repositories) => {
    for (const c of all<Citizen>('citizens')) await tx.citizens.save(c);
    // Records people edit: saved as new, then given back the version they had.
    for (const collection of VERSIONED) {
      const repo = tx[collection] as unknown as { save(r: Versioned): Promise<unknown> };
      for (const r of all<Versioned & { id?: string }>(collection)) {
        await repo.save(fresh(r));
        await keep(collection, collection === 'staff' ? staffKeyString(r as StaffMember) : r.id!, r.version);
      }
    }
    for (const e of (await from.all<VisitEventRecord>('visitEvents')).sort((a, b) => a.at.localeCompare(b.at))) {
      const { id: _id, ...event } = e;
      await tx.visitEvents.append(event);
    }
    for (const { n, ...count } of all<CaseCount>('caseCounts')) await tx.caseCounts.add(count, n);
    // In the order they were recorded: the last of a week is the count that stands.
    for (const { id: _id, ...week } of await from.all<CountingWeek & { id: string }>('countingWeeks')) await tx.countingWeeks.append(week);
    for (const m of all<OutboxMessage>('outbox')) await tx.outbox.save(m);
    // In the order of their numbers, so the trail reads the same (the numbers themselves are new).
    for (const e of (await from.all<AuditEntry>('audit')).sort((a, b) => a.seq - b.seq)) {
      const { seq: _seq, ...entry } = e;
      await tx.audit.append(entry);
    }
    for (const c of all<ConversationRecord>('conversations')) await tx.conversations.save(c);
    for (const f of all<PendingFile>('files')) await tx.files.save(f);
    for (const f of all<FormerCitizen>('formerCitizens')) await tx.citizens.addFormer(f);
    for (const [key, item] of from.entries<StateItem>('state')) await tx.state.compareAndSet(key, item.value, undefined);
    for (const [key, stored] of from.entries<unknown>('settings')) {
      const value = stored && typeof stored === 'object' && (stored as { $setting?: number }).$setting === 1 ? (stored as { value: unknown }).value : stored;
      await tx.settings.set(key, value);
    }
    // Case numbers go on from where they were.
    for (const [key, last] of from.entries<number>('meta')) {
      const year = /^caseNumber:(\d{4})$/.exec(key)?.[1];
      if (year) await tx.referrals.caseNumbersAfter(Number(year), last);
    }
  });

  const after = await counts(to.pool);
  const kinds = KINDS.map(([collection, table]) => ({ kind: collection, embedded: from.count(collection), postgres: after.get(table) ?? 0 }));
  return { kinds, ok: kinds.every((k) => k.embedded === k.postgres) };
}
