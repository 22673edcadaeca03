// The lowdb implementation of the repositories, over the snapshot + write-ahead-log engine.
//
// Transactions: a transaction's changes are kept aside (an overlay its own reads see) and handed to
// the engine as one log line when it ends: one durable write, all or nothing. In one process,
// transactions run one at a time (a callback does no network I/O, so it holds the store for
// microseconds to a millisecond of CPU), and their disk writes are shared: a transaction's fsync
// happens after the next may already have started. The store's own repositories join the
// transaction of the async context they are called in (AsyncLocalStorage), so services built on the
// store take part without being handed the transaction.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type {
  FormerCitizen,
  Attachment,
  AuditEntry,
  Citizen,
  ConversationRecord,
  PendingFile,
  Coordination,
  OutboxMessage,
  LeaseRepository,
  Referral,
  Repositories,
  Screening,
  StaffKey,
  StaffMember,
  StateItem,
  Store,
  Versioned,
  Visit,
  VisitEventRecord,
  CaseCount,
  CountingWeek,
} from '../types.js';
import { staffKeyString } from '../types.js';
import { ConflictError } from '../errors.js';
import { afterCommitOf, joinedRepositories, runAfterCommit } from '../joined.js';
import { claimable, nextClaimableAt } from '../outboxClaims.js';
import { Engine, type EngineOptions, type IndexDefinition, type Op } from './engine.js';
import { cprPseudonymizer } from '../pseudonym.js';

const INDEXES: IndexDefinition[] = [
  { collection: 'citizens', name: 'byCpr', keys: (c: Citizen) => [c.cpr] },
  { collection: 'screenings', name: 'byCitizen', keys: (s: Screening) => (s.citizenId ? [s.citizenId] : []) },
  { collection: 'screenings', name: 'draftsByAuthor', keys: (s: Screening) => (s.status === 'draft' ? [staffKeyString(s.author)] : []) },
  { collection: 'referrals', name: 'byCitizen', keys: (r: Referral) => [r.citizenId] },
  { collection: 'referrals', name: 'open', keys: (r: Referral) => (r.status === 'new' || r.status === 'taken' ? ['open'] : []) },
  { collection: 'referrals', name: 'followUp', keys: (r: Referral) => (r.followUpDueAt ? ['pending'] : []) },
  { collection: 'visits', name: 'byCitizen', keys: (v: Visit) => [v.citizenId] },
  { collection: 'visits', name: 'byStaff', keys: (v: Visit) => [staffKeyString(v.staff), ...(v.jointWith ?? []).map(staffKeyString)] },
  { collection: 'attachments', name: 'byCitizen', keys: (a: Attachment) => [a.citizenId] },
  { collection: 'attachments', name: 'byStaff', keys: (a: Attachment) => [staffKeyString(a.staff)] },
  { collection: 'outbox', name: 'byKey', keys: (m: OutboxMessage) => [m.idempotencyKey] },
  { collection: 'outbox', name: 'pending', keys: (m: OutboxMessage) => (m.status === 'pending' ? ['pending'] : []) },
  { collection: 'outbox', name: 'pendingByUser', keys: (m: OutboxMessage) => (m.status === 'pending' && m.target.kind === 'user' ? [staffKeyString(m.target.user)] : []) },
  { collection: 'outbox', name: 'byTopic', keys: (m: OutboxMessage) => (m.topic ? [`${m.topic.kind}|${m.topic.id}`] : []) },
  { collection: 'audit', name: 'byCitizen', keys: (a: AuditEntry) => [a.citizenId] },
  { collection: 'formerCitizens', name: 'byPseudonym', keys: (f: FormerCitizen) => [f.pseudonym] },
  { collection: 'conversations', name: 'personal', keys: (c: ConversationRecord) => (c.kind === 'personal' && c.user ? [staffKeyString(c.user)] : []) },
  { collection: 'conversations', name: 'byTenant', keys: (c: ConversationRecord) => [c.tenantId ?? ''] },
];

const byCreated = <T extends { createdAt: string }>(a: T, b: T) => a.createdAt.localeCompare(b.createdAt);

const DELETED = Symbol('deleted');

/** One transaction's changes, kept aside until it commits. */
class Tx {
  live = true;
  readonly overlay = new Map<string, Map<string, unknown>>();
  /** Versioned records written in this transaction: the version they had before it. */
  readonly bases = new Map<string, number>();
  readonly after: (() => void)[] = [];
  repos!: Repositories;

  changes(collection: string): Map<string, unknown> | undefined {
    return this.overlay.get(collection);
  }

  set(collection: string, key: string, value: unknown): void {
    let m = this.overlay.get(collection);
    if (!m) this.overlay.set(collection, (m = new Map()));
    m.set(key, value);
  }

  ops(): Op[] {
    const ops: Op[] = [];
    for (const [c, m] of this.overlay) for (const [k, v] of m) ops.push(v === DELETED ? { c, k, d: 1 } : { c, k, v });
    return ops;
  }
}

/**
 * Data written before follow-up due dates were a field of their own: decided referrals whose
 * follow-up has been neither reminded nor answered get `followUpDueAt` from it, once, at opening
 * (a format migration; afterwards the store never reads the flow's data).
 */
async function backfillFollowUpDueDates(engine: Engine): Promise<void> {
  const ops: Op[] = [];
  for (const [k, r] of engine.entries<Referral>('referrals')) {
    const f = (r.data as { followUp?: { dueAt?: unknown; result?: unknown; remindedAt?: unknown } } | undefined)?.followUp;
    if (!r.followUpDueAt && typeof f?.dueAt === 'string' && !f.result && !f.remindedAt) ops.push({ c: 'referrals', k, v: { ...r, followUpDueAt: f.dueAt } });
  }
  if (ops.length) await engine.commit(ops);
}

/** A settings value as stored: the value and its version (settings written before versions are plain values). */
interface SettingEntry {
  $setting: 1;
  value: unknown;
  version: number;
}
const isSettingEntry = (x: unknown): x is SettingEntry => !!x && typeof x === 'object' && (x as SettingEntry).$setting === 1;

export async function openLowdbStore(dir: string, options: EngineOptions & { cprPseudonymKey?: string }): Promise<Store & { engine: Engine }> {
  const { clock } = options;
  const pseudonym = cprPseudonymizer(options.cprPseudonymKey);
  // The audit trail and visit events only grow: kept on disk, not in memory, once the log is folded.
  const engine = await Engine.open(dir, INDEXES, { ...options, history: ['audit', 'visitEvents', 'countingWeeks'] });
  await backfillFollowUpDueDates(engine);

  // Sequences live in memory and are taken at once (a number given to a transaction that rolls back
  // is skipped, as with a database sequence); what a transaction took is stored with it.
  const counters = new Map<string, number>();
  let auditSeq = 0;
  for (const [key] of engine.entries('audit')) auditSeq = Math.max(auditSeq, Number(key));
  auditSeq = Math.max(auditSeq, Number(engine.historyLastKey('audit') ?? 0), engine.get<number>('meta', 'auditSeq') ?? 0);
  counters.set('audit', auditSeq);
  let eTagCounter = 0;
  // Unique across restarts without reading a clock: a random prefix per opening, then a counter.
  const prefix = randomBytes(6).toString('base64url');
  const unique = () => `${prefix}.${(++eTagCounter).toString(36)}`;

  /** The repositories over one transaction's view: the engine's records with the transaction's changes on top. */
  function repositories(tx: Tx): Repositories {
    // Reads hand out copies: a caller that edits what it read in place (a history entry pushed onto a
    // record) changes nothing stored until it saves, and nothing at all if the transaction rolls back.
    const peek = <T>(c: string, k: string): T | undefined => {
      const m = tx.changes(c);
      if (m?.has(k)) {
        const v = m.get(k);
        return v === DELETED ? undefined : (v as T);
      }
      return engine.get<T>(c, k);
    };
    const get = <T>(c: string, k: string): T | undefined => {
      const v = peek<T>(c, k);
      return v === undefined ? undefined : structuredClone(v);
    };
    const put = (c: string, k: string, v: unknown): void => tx.set(c, k, structuredClone(v));
    const del = (c: string, k: string): void => tx.set(c, k, DELETED);
    const lookup = (c: string, index: string, ikey: string): string[] => {
      const m = tx.changes(c);
      const keys = engine.lookup(c, index, ikey);
      if (!m) return keys;
      const out = keys.filter((k) => !m.has(k));
      for (const [k, v] of m) if (v !== DELETED && engine.indexKeysOf(c, index, v).includes(ikey)) out.push(k);
      return out;
    };
    const all = <T>(c: string, keys: string[]): T[] => keys.map((k) => get<T>(c, k)).filter((x): x is T => x !== undefined);
    const entries = <T>(c: string): T[] => {
      const m = tx.changes(c);
      const out: T[] = [];
      for (const [k, v] of engine.entries<T>(c)) if (!m?.has(k)) out.push(v);
      if (m) for (const v of m.values()) if (v !== DELETED) out.push(v as T);
      return structuredClone(out);
    };
    /** An append-only log of counts (a history: on disk once folded), read from a date on. */
    const eventLog = <E extends { at: string }>(c: 'visitEvents' | 'countingWeeks') => ({
      async append(event: E): Promise<void> {
        const id = `${event.at}:${unique()}`;
        put(c, id, { ...event, id });
      },
      async since(iso: string): Promise<(E & { id: string })[]> {
        // Those in memory (and this transaction's), then those on disk, in the same tick: each is seen.
        const recent = entries<E & { id: string }>(c).filter((e) => e.at >= iso);
        const older = await engine.historyScan<E & { id: string }>(c, (e) => e.at >= iso);
        const ids = new Set(older.map((e) => e.id));
        return [...older, ...recent.filter((e) => !ids.has(e.id))];
      },
    });
    const nextSeq = (name: string, stored: () => number): number => {
      const n = Math.max(counters.get(name) ?? 0, stored()) + 1;
      counters.set(name, n);
      return n;
    };

    /** Save a record people edit: only over the version it was read at; it gets the next one. */
    const saveVersioned = <T extends Versioned>(c: string, k: string, record: T): T => {
      const current = peek<T>(c, k);
      const currentVersion = current ? (current.version ?? 0) : 0;
      const expected = record.version ?? 0;
      const id = `${c}\u0000${k}`;
      const base = tx.bases.get(id);
      // Saved again in the same transaction: only from the copy the first save returned (a copy read
      // before it would silently undo the first save's changes).
      const ok = current ? expected === currentVersion : expected === 0;
      if (!ok) throw new ConflictError('version', c, k, current);
      if (base === undefined) tx.bases.set(id, currentVersion);
      const saved = { ...record, version: tx.bases.get(id)! + 1 };
      put(c, k, saved);
      return saved;
    };

    /** A turn-state item as the repository gives it: value and eTag (its date is the store's, for retention). */
    const stateItem = (key: string): StateItem | undefined => {
      const item = get<StateItem>('state', key);
      return item ? { value: item.value, eTag: item.eTag } : undefined;
    };

    /** Delete a citizen's record; with a pseudonym key, the id stays findable by CPR number for the access log. */
    const forgetCitizen = (c: Citizen): void => {
      del('citizens', c.id);
      if (!pseudonym) return;
      const p = pseudonym(c.cpr);
      put('formerCitizens', `${p}|${c.id}`, { pseudonym: p, citizenId: c.id, at: clock.now().toISOString() } satisfies FormerCitizen);
    };

    const saveCitizen = (c: Citizen): void => {
      const other = lookup('citizens', 'byCpr', c.cpr).find((k) => k !== c.id);
      // The error names the other record, never the CPR number (errors reach the log).
      if (other) throw new ConflictError('unique', 'citizens', other);
      put('citizens', c.id, c);
    };

    return {
      staff: {
        get: async (key: StaffKey) => get<StaffMember>('staff', staffKeyString(key)),
        save: async (m) => saveVersioned('staff', staffKeyString(m), m),
        async touch(key, seen, at) {
          const k = staffKeyString(key);
          const current = get<StaffMember>('staff', k);
          const member: StaffMember = current
            ? { ...current, userId: seen.userId ?? current.userId, name: seen.name ?? current.name, locale: seen.locale ?? current.locale, lastSeen: at }
            : { tenantId: key.tenantId, aadObjectId: key.aadObjectId, userId: seen.userId, name: seen.name ?? '', roles: ['staff'], locale: seen.locale, firstSeen: at, lastSeen: at };
          put('staff', k, member);
          return member;
        },
        list: async (tenantId) => entries<StaffMember>('staff').filter((m) => !tenantId || m.tenantId === tenantId),
      },
      citizens: {
        get: async (id) => get<Citizen>('citizens', id),
        findByCpr: async (cpr) => all<Citizen>('citizens', lookup('citizens', 'byCpr', cpr))[0],
        async findOrCreateByCpr(cpr, create) {
          const existing = all<Citizen>('citizens', lookup('citizens', 'byCpr', cpr))[0];
          if (existing) return { citizen: existing, created: false };
          const citizen = create();
          if (citizen.cpr !== cpr) throw new Error('findOrCreateByCpr: the new citizen has another CPR number');
          saveCitizen(citizen);
          return { citizen, created: true };
        },
        save: async (c) => saveCitizen(c),
        async delete(id) {
          const c = get<Citizen>('citizens', id);
          if (c) forgetCitizen(c);
        },
        count: async () => entries('citizens').length,
        addFormer: async (f) => put('formerCitizens', `${f.pseudonym}|${f.citizenId}`, f),
        async formerIds(cpr) {
          if (!pseudonym) return [];
          return all<FormerCitizen>('formerCitizens', lookup('formerCitizens', 'byPseudonym', pseudonym(cpr)))
            .sort((a, b) => a.at.localeCompare(b.at))
            .map((f) => f.citizenId)
            .filter((id) => !get<Citizen>('citizens', id));
        },
      },
      screenings: {
        get: async (id) => get<Screening>('screenings', id),
        save: async (s) => saveVersioned('screenings', s.id, s),
        delete: async (id) => del('screenings', id),
        listByCitizen: async (citizenId) => all<Screening>('screenings', lookup('screenings', 'byCitizen', citizenId)).sort(byCreated),
        draftsBy: async (author) => all<Screening>('screenings', lookup('screenings', 'draftsByAuthor', staffKeyString(author))).sort(byCreated),
      },
      referrals: {
        get: async (id) => get<Referral>('referrals', id),
        save: async (r) => saveVersioned('referrals', r.id, r),
        listOpen: async () => all<Referral>('referrals', lookup('referrals', 'open', 'open')).sort(byCreated),
        listByCitizen: async (citizenId) => all<Referral>('referrals', lookup('referrals', 'byCitizen', citizenId)).sort(byCreated),
        async followUpsDue(now) {
          const at = now.toISOString();
          return all<Referral>('referrals', lookup('referrals', 'followUp', 'pending'))
            .filter((r) => r.followUpDueAt! <= at)
            .sort((a, b) => a.followUpDueAt!.localeCompare(b.followUpDueAt!));
        },
        async nextCaseNumber(year) {
          const key = `caseNumber:${year}`;
          const n = nextSeq(key, () => get<number>('meta', key) ?? 0);
          put('meta', key, Math.max(n, get<number>('meta', key) ?? 0));
          return `V-${year}-${String(n).padStart(4, '0')}`;
        },
        async caseNumbersAfter(year, last) {
          const key = `caseNumber:${year}`;
          put('meta', key, Math.max(last, get<number>('meta', key) ?? 0));
          counters.set(key, Math.max(last, counters.get(key) ?? 0));
        },
      },
      visits: {
        get: async (id) => get<Visit>('visits', id),
        save: async (v) => saveVersioned('visits', v.id, v),
        delete: async (id) => del('visits', id),
        listByCitizen: async (citizenId) => all<Visit>('visits', lookup('visits', 'byCitizen', citizenId)).sort((a, b) => a.at.localeCompare(b.at)),
        listByStaff: async (staff) => all<Visit>('visits', lookup('visits', 'byStaff', staffKeyString(staff))).sort((a, b) => a.at.localeCompare(b.at)),
      },
      attachments: {
        get: async (id) => get<Attachment>('attachments', id),
        save: async (a) => saveVersioned('attachments', a.id, a),
        listByCitizen: async (citizenId) => all<Attachment>('attachments', lookup('attachments', 'byCitizen', citizenId)).sort((a, b) => a.since.localeCompare(b.since)),
        listByStaff: async (staff) => all<Attachment>('attachments', lookup('attachments', 'byStaff', staffKeyString(staff))).sort((a, b) => a.since.localeCompare(b.since)),
      },
      coordinations: {
        get: async (id) => get<Coordination>('coordinations', id),
        save: async (c) => saveVersioned('coordinations', c.id, c),
        listByCitizen: async (citizenId) => entries<Coordination>('coordinations').filter((k) => k.citizenId === citizenId).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      },
      visitEvents: eventLog<Omit<VisitEventRecord, 'id'>>('visitEvents'),
      caseCounts: {
        async add(count, n = 1) {
          const key = [count.month, count.centre ?? '', count.kind, count.value].join('|');
          const have = peek<CaseCount>('caseCounts', key);
          put('caseCounts', key, { ...count, n: (have?.n ?? 0) + n });
        },
        since: async (month) => entries<CaseCount>('caseCounts').filter((c) => c.month >= month),
      },
      countingWeeks: {
        append: async (week) => eventLog<CountingWeek>('countingWeeks').append(week),
        // In the order recorded (the key begins with the time, then a number that only grows).
        all: async () => (await eventLog<CountingWeek>('countingWeeks').since('')).map(({ id: _id, ...w }) => w),
      },
      outbox: {
        get: async (id) => get<OutboxMessage>('outbox', id),
        findByIdempotencyKey: async (key) => all<OutboxMessage>('outbox', lookup('outbox', 'byKey', key))[0],
        save: async (m) => put('outbox', m.id, m),
        async due(now) {
          const at = now.toISOString();
          return all<OutboxMessage>('outbox', lookup('outbox', 'pending', 'pending'))
            .filter((m) => m.nextAttemptAt <= at)
            .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt) || byCreated(a, b));
        },
        async claimDue(worker, now, leaseMs, limit) {
          const until = new Date(now.getTime() + leaseMs).toISOString();
          const taken = claimable(all<OutboxMessage>('outbox', lookup('outbox', 'pending', 'pending')), worker, now, limit).map((m) => ({ ...m, claim: { worker, until } }));
          for (const m of taken) put('outbox', m.id, m);
          return taken;
        },
        async renewClaim(id, worker, until) {
          const m = get<OutboxMessage>('outbox', id);
          if (m?.status !== 'pending' || m.claim?.worker !== worker) return undefined;
          const renewed = { ...m, claim: { worker, until } };
          put('outbox', id, renewed);
          return renewed;
        },
        nextDueAt: async () => nextClaimableAt(all<OutboxMessage>('outbox', lookup('outbox', 'pending', 'pending'))),
        pendingFor: async (user) => all<OutboxMessage>('outbox', lookup('outbox', 'pendingByUser', staffKeyString(user))),
        listByTopic: async (kind, id) => all<OutboxMessage>('outbox', lookup('outbox', 'byTopic', `${kind}|${id}`)).sort(byCreated),
      },
      audit: {
        async append(entry) {
          const seq = nextSeq('audit', () => 0);
          const full: AuditEntry = { ...entry, at: entry.at ?? clock.now().toISOString(), seq };
          put('audit', String(seq).padStart(12, '0'), full);
          return full;
        },
        async forCitizen(citizenId) {
          // Those in memory (and this transaction's), then those on disk, in the same tick: each is seen.
          const recent = all<AuditEntry>('audit', lookup('audit', 'byCitizen', citizenId));
          const older = await engine.historyLookup<AuditEntry>('audit', 'byCitizen', citizenId);
          const seqs = new Set(older.map((e) => e.seq));
          return [...older, ...recent.filter((e) => !seqs.has(e.seq))].sort((a, b) => a.seq - b.seq);
        },
      },
      erasure: {
        async eraseCitizen(citizenId, marks) {
          const about = (value: unknown) => {
            const text = JSON.stringify(value ?? null);
            return marks.some((group) => group.length > 0 && group.every((m) => text.includes(m)));
          };
          const drop = (c: string, keys: string[]) => {
            for (const k of keys) del(c, k);
            return keys.length;
          };
          const counts = {
            screenings: drop('screenings', lookup('screenings', 'byCitizen', citizenId)),
            referrals: drop('referrals', lookup('referrals', 'byCitizen', citizenId)),
            visits: drop('visits', lookup('visits', 'byCitizen', citizenId)),
            attachments: drop('attachments', lookup('attachments', 'byCitizen', citizenId)),
            coordinations: drop('coordinations', entries<Coordination>('coordinations').filter((k) => k.citizenId === citizenId).map((k) => k.id)),
            outbox: 0,
            files: drop('files', entries<PendingFile>('files').filter((f) => f.citizenId === citizenId || about(f.content)).map((f) => f.id)),
            state: 0,
            citizen: get<Citizen>('citizens', citizenId) ? 1 : 0,
          };
          const sent: OutboxMessage[] = [];
          for (const m of entries<OutboxMessage>('outbox')) {
            if (m.citizenId !== citizenId && !about(m.payload)) continue;
            counts.outbox++;
            if (m.status === 'pending') del('outbox', m.id);
            else {
              const emptied = { ...m, payload: {} };
              put('outbox', m.id, emptied);
              sent.push(emptied);
            }
          }
          for (const [key, item] of engine.entries<StateItem>('state')) {
            if (!about(item.value)) continue;
            del('state', key);
            counts.state++;
          }
          const gone = get<Citizen>('citizens', citizenId);
          if (gone) forgetCitizen(gone);
          return { counts, sent };
        },
      },
      retention: {
        async purge(cut) {
          const drop = <T extends { id: string }>(c: string, gone: (x: T) => boolean): number => {
            const list = entries<T>(c).filter(gone);
            for (const x of list) del(c, x.id);
            return list.length;
          };
          const counts = {
            drafts: drop<Screening>('screenings', (s) => (s.status === 'draft' || s.status === 'cancelled') && s.updatedAt < cut.drafts),
            screenings: drop<Screening>('screenings', (s) => s.status === 'done' && s.updatedAt < cut.screenings),
            referrals: drop<Referral>('referrals', (r) => (r.status === 'refused' || r.status === 'closed' || (r.status === 'decided' && !r.followUpDueAt)) && r.updatedAt < cut.referrals),
            visits: drop<Visit>('visits', (v) => v.at < cut.visits),
            attachments: drop<Attachment>('attachments', (a) => (a.status === 'detached' && (a.detachedAt ?? a.since) < cut.attachments) || (a.status === 'offered' && a.since < cut.attachments)),
            coordinations: drop<Coordination>('coordinations', (k) => k.createdAt < cut.coordinations),
            outboxPayloads: 0,
            turnState: 0,
            citizens: 0,
          };
          for (const [key, item] of engine.entries<StateItem>('state')) {
            if ((item.at ?? '') < cut.turnState && !tx.changes('state')?.has(key)) {
              del('state', key);
              counts.turnState++;
            }
          }
          for (const m of entries<OutboxMessage>('outbox')) {
            if (m.status !== 'pending' && m.updatedAt < cut.outboxPayloads && Object.keys(m.payload).length) {
              put('outbox', m.id, { ...m, payload: {} });
              counts.outboxPayloads++;
            }
          }
          const unused = entries<Citizen>('citizens').filter(
            (c) => c.updatedAt < cut.citizens && !(['screenings', 'referrals', 'visits', 'attachments'] as const).some((col) => lookup(col, 'byCitizen', c.id).length > 0),
          );
          for (const c of unused) forgetCitizen(c);
          counts.citizens = unused.length;
          // A former citizen with no access-log entry left (their last went by the log's own period).
          const orphans = [...engine.entries<FormerCitizen>('formerCitizens')].filter(([, f]) => !lookup('audit', 'byCitizen', f.citizenId).length && !engine.historyHas('audit', 'byCitizen', f.citizenId));
          for (const [k] of orphans) del('formerCitizens', k);
          return { ...counts, formerCitizens: orphans.length };
        },
      },
      files: {
        save: async (f) => put('files', f.id, f),
        get: async (id) => get<PendingFile>('files', id),
        delete: async (id) => del('files', id),
        async deleteExpired(now) {
          const at = now.toISOString();
          const gone = entries<PendingFile>('files').filter((f) => f.expiresAt <= at);
          for (const f of gone) del('files', f.id);
          return gone.length;
        },
      },
      conversations: {
        save: async (r) => put('conversations', r.id, r),
        get: async (id) => get<ConversationRecord>('conversations', id),
        personalChatOf: async (user) => all<ConversationRecord>('conversations', lookup('conversations', 'personal', staffKeyString(user)))[0],
        anyInTenant: async (tenantId) => all<ConversationRecord>('conversations', lookup('conversations', 'byTenant', tenantId ?? ''))[0],
      },
      state: {
        get: async (key) => stateItem(key),
        async getMany(keys) {
          const items: Record<string, StateItem> = {};
          for (const key of keys) {
            const item = stateItem(key);
            if (item) items[key] = item;
          }
          return items;
        },
        async compareAndSet(key, value, expected) {
          const current = stateItem(key);
          // As MemoryStorage: an eTag only guards an item that exists.
          if (expected !== undefined && expected !== '*' && current && current.eTag !== expected) return { ok: false, current };
          const eTag = unique();
          put('state', key, { value, eTag, at: clock.now().toISOString() });
          return { ok: true, eTag };
        },
        delete: async (key) => del('state', key),
      },
      settings: {
        get: async <T>(key: string) => {
          const stored = get<unknown>('settings', key);
          return (isSettingEntry(stored) ? stored.value : stored) as T | undefined;
        },
        async entry<T>(key: string) {
          const stored = get<unknown>('settings', key);
          if (stored === undefined) return { value: undefined, version: 0 };
          return isSettingEntry(stored) ? { value: stored.value as T, version: stored.version } : { value: stored as T, version: 0 };
        },
        async set(key, value, expectedVersion) {
          const stored = get<unknown>('settings', key);
          const version = stored === undefined ? 0 : isSettingEntry(stored) ? stored.version : 0;
          const id = `settings\u0000${key}`;
          const base = tx.bases.get(id);
          if (expectedVersion !== undefined && expectedVersion !== (base ?? version)) throw new ConflictError('version', 'settings', key, stored);
          if (base === undefined) tx.bases.set(id, version);
          put('settings', key, { $setting: 1, value, version: tx.bases.get(id)! + 1 } satisfies SettingEntry);
        },
      },
    };
  }

  // --- transactions -------------------------------------------------------------------------------
  const context = new AsyncLocalStorage<Tx>();
  let queue: Promise<void> = Promise.resolve();
  /** One transaction at a time in this process: resolves with the function that lets the next one in. */
  const turnstile = (): Promise<() => void> => {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const entered = queue.then(() => release);
    queue = queue.then(() => mine);
    return entered;
  };
  const liveTx = (): Tx | undefined => {
    const tx = context.getStore();
    return tx?.live ? tx : undefined;
  };

  async function transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    const running = liveTx();
    if (running) return savepoint(running, fn);
    const release = await turnstile();
    const tx = new Tx();
    tx.repos = repositories(tx);
    let durable: Promise<void>;
    let result: T;
    try {
      result = await context.run(tx, () => fn(tx.repos));
      // Applied in memory now, in one step; on disk with the next batch.
      durable = engine.commit(tx.ops());
    } finally {
      tx.live = false;
      release();
    }
    await durable;
    runAfterCommit(tx.after, context);
    return result;
  }

  /**
   * A transaction inside a transaction: part of it, but an error in it undoes only its own changes
   * (a savepoint), so a caller that catches the error goes on with the rest whole.
   */
  async function savepoint<T>(tx: Tx, fn: (tx: Repositories) => Promise<T>): Promise<T> {
    const overlay = new Map([...tx.overlay].map(([c, m]) => [c, new Map(m)] as const));
    const bases = new Map(tx.bases);
    const after = tx.after.length;
    try {
      return await fn(tx.repos);
    } catch (err) {
      tx.overlay.clear();
      for (const [c, m] of overlay) tx.overlay.set(c, m);
      tx.bases.clear();
      for (const [k, v] of bases) tx.bases.set(k, v);
      tx.after.length = after;
      throw err;
    }
  }

  // Outside a transaction, reads see what is committed; each write is a transaction of its own.
  const readView = repositories(new Tx());
  const joined = joinedRepositories(readView, () => liveTx()?.repos, transaction);

  // One process holds DATA_DIR (the lock file), so leases live in memory.
  const held = new Map<string, { holder: string; until: string; wantedBy?: string; wantedUntil?: string }>();
  const leases: LeaseRepository = {
    async acquire(keys, holder, now, until, reserveUntil) {
      const wanted = [...new Set(keys)];
      const at = now.toISOString();
      const free = (k: string) => {
        const h = held.get(k);
        if (!h) return true;
        const reservedElsewhere = h.wantedBy !== undefined && h.wantedBy !== holder && h.wantedUntil! > at;
        return (h.holder === holder || h.until <= at) && !reservedElsewhere;
      };
      if (wanted.every(free)) {
        for (const k of wanted) held.set(k, { holder, until: until.toISOString() });
        return true;
      }
      if (reserveUntil) {
        // Only the first key (in sorted order), as in PostgreSQL: one key each, never a circle.
        const first = [...wanted].sort()[0]!;
        const h = held.get(first);
        if (!h) held.set(first, { holder: '', until: '', wantedBy: holder, wantedUntil: reserveUntil.toISOString() });
        else if (h.wantedBy === undefined || h.wantedBy === holder || h.wantedUntil! <= at) Object.assign(h, { wantedBy: holder, wantedUntil: reserveUntil.toISOString() });
      }
      return false;
    },
    async renew(keys, holder, until) {
      let all = true;
      for (const k of new Set(keys)) {
        const h = held.get(k);
        if (h?.holder === holder) h.until = until.toISOString();
        else all = false;
      }
      return all;
    },
    async release(keys, holder) {
      for (const k of keys) {
        const h = held.get(k);
        if (h?.holder !== holder) continue;
        // Free, not gone, while someone has it reserved.
        if (h.wantedBy === undefined) held.delete(k);
        else Object.assign(h, { holder: '', until: '' });
      }
    },
  };

  return {
    engine,
    ...joined,
    leases,
    transaction,
    afterCommit: (fn) => afterCommitOf(liveTx(), fn),
    // Folding the log writes a new snapshot and removes the old logs, which still held what was deleted.
    forgetDeleted: () => engine.compactAfterWrites(),
    async pruneAuditLog(before) {
      // Numbers are never handed out twice, also when retention removed every entry up to the last.
      await engine.put('meta', 'auditSeq', counters.get('audit') ?? 0);
      return engine.pruneHistory<AuditEntry>('audit', (e) => e.at >= before);
    },
    status: () => engine.status(),
    close: async () => {
      // Let transactions under way finish first.
      (await turnstile())();
      await engine.close();
    },
  };
}
