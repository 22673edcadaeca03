// The lowdb implementation of the repositories, over the snapshot + write-ahead-log engine.
import type {
  Attachment,
  AuditEntry,
  Coordination,
  VisitEventRecord,
  Citizen,
  ConversationRecord,
  OutboxMessage,
  Referral,
  Screening,
  StaffKey,
  StaffMember,
  StateItem,
  Store,
  Visit,
} from '../types.js';
import { randomBytes } from 'node:crypto';
import { staffKeyString } from '../types.js';
import { Engine, type EngineOptions, type IndexDefinition } from './engine.js';

const INDEXES: IndexDefinition[] = [
  { collection: 'citizens', name: 'byCpr', keys: (c: Citizen) => [c.cpr] },
  { collection: 'screenings', name: 'byCitizen', keys: (s: Screening) => (s.citizenId ? [s.citizenId] : []) },
  { collection: 'screenings', name: 'draftsByAuthor', keys: (s: Screening) => (s.status === 'draft' ? [staffKeyString(s.author)] : []) },
  { collection: 'referrals', name: 'byCitizen', keys: (r: Referral) => [r.citizenId] },
  { collection: 'referrals', name: 'open', keys: (r: Referral) => (r.status === 'new' || r.status === 'taken' ? ['open'] : []) },
  { collection: 'referrals', name: 'followUp', keys: (r: Referral) => ((r.data as { followUp?: { result?: string } }).followUp && !(r.data as { followUp?: { result?: string } }).followUp?.result ? ['pending'] : []) },
  { collection: 'visits', name: 'byCitizen', keys: (v: Visit) => [v.citizenId] },
  { collection: 'visits', name: 'byStaff', keys: (v: Visit) => [staffKeyString(v.staff), ...(v.jointWith ?? []).map(staffKeyString)] },
  { collection: 'attachments', name: 'byCitizen', keys: (a: Attachment) => [a.citizenId] },
  { collection: 'attachments', name: 'byStaff', keys: (a: Attachment) => [staffKeyString(a.staff)] },
  { collection: 'outbox', name: 'byKey', keys: (m: OutboxMessage) => [m.idempotencyKey] },
  { collection: 'outbox', name: 'pending', keys: (m: OutboxMessage) => (m.status === 'pending' ? ['pending'] : []) },
  { collection: 'outbox', name: 'pendingByUser', keys: (m: OutboxMessage) => (m.status === 'pending' && m.target.kind === 'user' ? [staffKeyString(m.target.user)] : []) },
  { collection: 'outbox', name: 'byTopic', keys: (m: OutboxMessage) => (m.topic ? [`${m.topic.kind}|${m.topic.id}`] : []) },
  { collection: 'audit', name: 'byCitizen', keys: (a: AuditEntry) => [a.citizenId] },
  { collection: 'conversations', name: 'personal', keys: (c: ConversationRecord) => (c.kind === 'personal' && c.user ? [staffKeyString(c.user)] : []) },
  { collection: 'conversations', name: 'byTenant', keys: (c: ConversationRecord) => [c.tenantId ?? ''] },
];

const byCreated = <T extends { createdAt: string }>(a: T, b: T) => a.createdAt.localeCompare(b.createdAt);

export async function openLowdbStore(dir: string, options: EngineOptions): Promise<Store & { engine: Engine }> {
  const { clock } = options;
  const engine = await Engine.open(dir, INDEXES, options);
  const all = <T>(collection: string, keys: string[]) => keys.map((k) => engine.get<T>(collection, k)!).filter(Boolean);

  let auditSeq = 0;
  for (const [key] of engine.entries('audit')) auditSeq = Math.max(auditSeq, Number(key));
  let eTagCounter = 0;
  let eventCounter = 0;
  // Unique across restarts without reading a clock: a random prefix per opening, then a counter.
  const eTagPrefix = randomBytes(6).toString('base64url');
  const newETag = () => `${eTagPrefix}.${(++eTagCounter).toString(36)}`;

  return {
    engine,
    staff: {
      get: async (key: StaffKey) => engine.get<StaffMember>('staff', staffKeyString(key)),
      save: (m) => engine.put('staff', staffKeyString(m), m),
      list: async (tenantId) => [...engine.entries<StaffMember>('staff')].map(([, m]) => m).filter((m) => !tenantId || m.tenantId === tenantId),
    },
    citizens: {
      get: async (id) => engine.get<Citizen>('citizens', id),
      findByCpr: async (cpr) => all<Citizen>('citizens', engine.lookup('citizens', 'byCpr', cpr))[0],
      save: (c) => engine.put('citizens', c.id, c),
      delete: (id) => engine.delete('citizens', id),
      count: async () => engine.count('citizens'),
    },
    screenings: {
      get: async (id) => engine.get<Screening>('screenings', id),
      save: (s) => engine.put('screenings', s.id, s),
      delete: (id) => engine.delete('screenings', id),
      listByCitizen: async (citizenId) => all<Screening>('screenings', engine.lookup('screenings', 'byCitizen', citizenId)).sort(byCreated),
      draftsBy: async (author) => all<Screening>('screenings', engine.lookup('screenings', 'draftsByAuthor', staffKeyString(author))).sort(byCreated),
    },
    referrals: {
      get: async (id) => engine.get<Referral>('referrals', id),
      save: (r) => engine.put('referrals', r.id, r),
      listOpen: async () => all<Referral>('referrals', engine.lookup('referrals', 'open', 'open')).sort(byCreated),
      listByCitizen: async (citizenId) => all<Referral>('referrals', engine.lookup('referrals', 'byCitizen', citizenId)).sort(byCreated),
      async compareAndSave(next, expectedVersion) {
        // Checked and set in one synchronous step: of two visitators pressing at once, one wins.
        const current = engine.get<Referral>('referrals', next.id);
        if ((current?.version ?? 0) !== expectedVersion) return undefined;
        const saved = { ...next, version: expectedVersion + 1 };
        await engine.put('referrals', next.id, saved);
        return saved;
      },
      async followUpsDue(now) {
        const at = now.toISOString();
        return all<Referral>('referrals', engine.lookup('referrals', 'followUp', 'pending')).filter((r) => ((r.data as { followUp?: { dueAt?: string } }).followUp?.dueAt ?? '9') <= at);
      },
      async nextCaseNumber(year) {
        // Decided synchronously in memory, so two referrals in the same instant get different numbers.
        const key = `caseNumber:${year}`;
        const n = (engine.get<number>('meta', key) ?? 0) + 1;
        const done = engine.put('meta', key, n);
        await done;
        return `V-${year}-${String(n).padStart(4, '0')}`;
      },
    },
    visits: {
      get: async (id) => engine.get<Visit>('visits', id),
      save: (v) => engine.put('visits', v.id, v),
      delete: (id) => engine.delete('visits', id),
      listByCitizen: async (citizenId) => all<Visit>('visits', engine.lookup('visits', 'byCitizen', citizenId)).sort((a, b) => a.at.localeCompare(b.at)),
      listByStaff: async (staff) => all<Visit>('visits', engine.lookup('visits', 'byStaff', staffKeyString(staff))).sort((a, b) => a.at.localeCompare(b.at)),
    },
    attachments: {
      get: async (id) => engine.get<Attachment>('attachments', id),
      save: (a) => engine.put('attachments', a.id, a),
      listByCitizen: async (citizenId) => all<Attachment>('attachments', engine.lookup('attachments', 'byCitizen', citizenId)).sort((a, b) => a.since.localeCompare(b.since)),
      listByStaff: async (staff) => all<Attachment>('attachments', engine.lookup('attachments', 'byStaff', staffKeyString(staff))).sort((a, b) => a.since.localeCompare(b.since)),
    },
    coordinations: {
      get: async (id) => engine.get<Coordination>('coordinations', id),
      save: (c) => engine.put('coordinations', c.id, c),
    },
    visitEvents: {
      async append(event) {
        const id = `${event.at}:${(++eventCounter).toString(36)}`;
        await engine.put('visitEvents', id, { ...event, id });
      },
      async since(iso) {
        return [...engine.entries<VisitEventRecord>('visitEvents')].map(([, e]) => e).filter((e) => e.at >= iso);
      },
    },
    outbox: {
      get: async (id) => engine.get<OutboxMessage>('outbox', id),
      findByIdempotencyKey: async (key) => all<OutboxMessage>('outbox', engine.lookup('outbox', 'byKey', key))[0],
      save: (m) => engine.put('outbox', m.id, m),
      async due(now) {
        const at = now.toISOString();
        return all<OutboxMessage>('outbox', engine.lookup('outbox', 'pending', 'pending'))
          .filter((m) => m.nextAttemptAt <= at)
          .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt) || byCreated(a, b));
      },
      async claimDue(worker, now, leaseMs, limit) {
        const at = now.toISOString();
        const until = new Date(now.getTime() + leaseMs).toISOString();
        // Chosen and marked in one synchronous step: no other claim can come between.
        const taken = all<OutboxMessage>('outbox', engine.lookup('outbox', 'pending', 'pending'))
          .filter((m) => m.nextAttemptAt <= at && (!m.claim || m.claim.until <= at))
          .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt) || byCreated(a, b))
          .slice(0, limit)
          .map((m) => ({ ...m, claim: { worker, until } }));
        await Promise.all(taken.map((m) => engine.put('outbox', m.id, m)));
        return taken;
      },
      async nextDueAt() {
        const pending = all<OutboxMessage>('outbox', engine.lookup('outbox', 'pending', 'pending'));
        if (!pending.length) return undefined;
        const free = (m: OutboxMessage) => (m.claim && m.claim.until > m.nextAttemptAt ? m.claim.until : m.nextAttemptAt);
        return new Date(pending.reduce((min, m) => (free(m) < min ? free(m) : min), free(pending[0]!)));
      },
      pendingFor: async (user) => all<OutboxMessage>('outbox', engine.lookup('outbox', 'pendingByUser', staffKeyString(user))),
      listByTopic: async (kind, id) => all<OutboxMessage>('outbox', engine.lookup('outbox', 'byTopic', `${kind}|${id}`)).sort(byCreated),
    },
    audit: {
      async append(entry) {
        const full: AuditEntry = { ...entry, at: entry.at ?? clock.now().toISOString(), seq: ++auditSeq };
        await engine.put('audit', String(full.seq).padStart(12, '0'), full);
        return full;
      },
      forCitizen: async (citizenId) => all<AuditEntry>('audit', engine.lookup('audit', 'byCitizen', citizenId)).sort((a, b) => a.seq - b.seq),
    },
    conversations: {
      save: (r) => engine.put('conversations', r.id, r),
      get: async (id) => engine.get<ConversationRecord>('conversations', id),
      personalChatOf: async (user) => all<ConversationRecord>('conversations', engine.lookup('conversations', 'personal', staffKeyString(user)))[0],
      anyInTenant: async (tenantId) => all<ConversationRecord>('conversations', engine.lookup('conversations', 'byTenant', tenantId ?? ''))[0],
    },
    state: {
      get: async (key) => engine.get<StateItem>('state', key),
      async compareAndSet(key, value, expected) {
        // Check and set happen in one synchronous step: no other write can come between them.
        const current = engine.get<StateItem>('state', key);
        // As MemoryStorage: an eTag only guards an item that exists.
        if (expected !== undefined && expected !== '*' && current && current.eTag !== expected) return { ok: false, current };
        const eTag = newETag();
        await engine.put('state', key, { value, eTag });
        return { ok: true, eTag };
      },
      delete: (key) => engine.delete('state', key),
    },
    settings: {
      get: async <T>(key: string) => engine.get<T>('settings', key),
      set: (key, value) => engine.put('settings', key, value),
    },
    status: () => engine.status(),
    close: () => engine.close(),
  };
}
