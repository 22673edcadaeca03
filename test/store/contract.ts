// The store's contract: what every implementation of src/store/types.ts must do, as tests. Each
// store runs it (test/store/lowdb.contract.test.ts now; PostgreSQL next) with a way to open a fresh
// store, and to open it again on the same data (what a restart sees).
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/store/errors.js';
import type { AuditEntry, Citizen, Coordination, OutboxMessage, Referral, Screening, StaffKey, Store, Visit } from '../../src/store/types.js';
import { TestClock } from '../helpers/clock.js';
import { loadRetentionRules } from '../../rules/index.js';
import { createLogger } from '../../src/log.js';
import { applyRetention } from '../../src/services/retention.js';

export interface ContractHarness {
  /** A new, empty store on the clock; `everything` is every stored value as text (every file, or every row of every table). */
  open(clock: TestClock, options?: { cprPseudonymKey?: string }): Promise<Store & { reopen(): Promise<Store>; everything(): Promise<string> }>;
}

const T = '11111111-1111-4111-8111-111111111111';
const ALEX: StaffKey = { tenantId: T, aadObjectId: '00000000-0000-0000-0000-0000000000a1' };
const MEGAN: StaffKey = { tenantId: T, aadObjectId: '00000000-0000-0000-0000-0000000000a2' };
const AT = '2026-11-24T09:00:00.000Z';

const citizen = (id: string, cpr: string, name = `Borger ${id}`): Citizen => ({ id, cpr, name, createdAt: AT, updatedAt: AT });
const screening = (id: string, over: Partial<Screening> = {}): Screening => ({ id, author: ALEX, status: 'draft', createdAt: AT, updatedAt: AT, data: {}, ...over });
const referral = (id: string, over: Partial<Referral> = {}): Referral => ({
  id,
  caseNumber: `V-2026-${id}`,
  citizenId: 'c1',
  status: 'new',
  createdAt: AT,
  updatedAt: AT,
  source: { kind: 'direct', by: ALEX },
  data: {},
  ...over,
});
const visit = (id: string, over: Partial<Visit> = {}): Visit => ({ id, citizenId: 'c1', staff: ALEX, at: AT, service: 'dementia', status: 'planned', createdAt: AT, updatedAt: AT, data: {}, ...over });
const message = (id: string, over: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id,
  idempotencyKey: `key-${id}`,
  target: { kind: 'user', user: ALEX },
  operation: 'send',
  payload: { text: 'hej' },
  status: 'pending',
  attempts: 0,
  nextAttemptAt: AT,
  createdAt: AT,
  updatedAt: AT,
  ...over,
});
const audit = (citizenId: string, what: string): Omit<AuditEntry, 'seq' | 'at'> => ({ actor: ALEX, citizenId, action: 'read', purpose: 'test', what });

export function storeContract(name: string, harness: ContractHarness): void {
  const fresh = () => harness.open(new TestClock(AT));

  describe(`${name}: every repository keeps and finds what it is given`, () => {
    it('staff: save, get, list by tenant; touch is bookkeeping that never writes back roles', async () => {
      const store = await fresh();
      const created = await store.staff.touch(ALEX, { name: 'Alex Wilber', userId: '29:alex' }, AT);
      expect(created).toMatchObject({ name: 'Alex Wilber', roles: ['staff'], firstSeen: AT, lastSeen: AT });
      const read = (await store.staff.get(ALEX))!;
      const saved = await store.staff.save({ ...read, roles: ['visitator'] });
      expect(saved.version).toBe((read.version ?? 0) + 1);
      // A touch with an old copy of nothing: it merges, so the roles stay.
      await store.staff.touch(ALEX, { locale: 'da-DK' }, '2026-11-25T09:00:00.000Z');
      expect(await store.staff.get(ALEX)).toMatchObject({ roles: ['visitator'], locale: 'da-DK', lastSeen: '2026-11-25T09:00:00.000Z', version: saved.version });
      await store.staff.touch({ tenantId: 'other', aadObjectId: 'x' }, {}, AT);
      expect((await store.staff.list(T)).map((m) => m.aadObjectId)).toEqual([ALEX.aadObjectId]);
      expect(await store.staff.list()).toHaveLength(2);
      await store.close();
    });

    it('citizens: by id and CPR number, counted, deleted; one citizen per CPR number', async () => {
      const store = await fresh();
      await store.citizens.save(citizen('c1', '0101501234'));
      expect((await store.citizens.findByCpr('0101501234'))?.id).toBe('c1');
      expect(await store.citizens.count()).toBe(1);
      const other = await store.citizens.save(citizen('c2', '0101501234')).catch((e) => e);
      expect(other).toBeInstanceOf(ConflictError);
      expect(other).toMatchObject({ kind: 'unique', collection: 'citizens' });
      expect(String(other.message)).not.toContain('0101501234');
      // Two people record the same new citizen at once: one record.
      const [a, b] = await Promise.all([
        store.citizens.findOrCreateByCpr('0202602345', () => citizen('n1', '0202602345')),
        store.citizens.findOrCreateByCpr('0202602345', () => citizen('n2', '0202602345')),
      ]);
      expect([a.created, b.created].sort()).toEqual([false, true]);
      expect(a.citizen.id).toBe(b.citizen.id);
      expect(await store.citizens.count()).toBe(2);
      await store.citizens.delete('c1');
      expect(await store.citizens.findByCpr('0101501234')).toBeUndefined();
      await store.close();
    });

    it('screenings: by citizen in creation order; drafts by author', async () => {
      const store = await fresh();
      await store.screenings.save(screening('s2', { citizenId: 'c1', createdAt: '2026-11-25T00:00:00.000Z', status: 'done' }));
      await store.screenings.save(screening('s1', { citizenId: 'c1' }));
      await store.screenings.save(screening('s3', { author: MEGAN }));
      expect((await store.screenings.listByCitizen('c1')).map((s) => s.id)).toEqual(['s1', 's2']);
      expect((await store.screenings.draftsBy(ALEX)).map((s) => s.id)).toEqual(['s1']);
      await store.screenings.delete('s1');
      expect(await store.screenings.draftsBy(ALEX)).toEqual([]);
      await store.close();
    });

    it('referrals: open ones oldest first, by citizen, follow-ups due by their stored date, case numbers never twice', async () => {
      const store = await fresh();
      await store.referrals.save(referral('r2', { createdAt: '2026-11-25T00:00:00.000Z' }));
      await store.referrals.save(referral('r1', { status: 'taken' }));
      await store.referrals.save(referral('r3', { status: 'decided', followUpDueAt: '2026-12-01T08:00:00.000Z' }));
      await store.referrals.save(referral('r4', { status: 'decided', followUpDueAt: '2027-11-24T08:00:00.000Z', citizenId: 'c2' }));
      expect((await store.referrals.listOpen()).map((r) => r.id)).toEqual(['r1', 'r2']);
      expect((await store.referrals.listByCitizen('c2')).map((r) => r.id)).toEqual(['r4']);
      expect((await store.referrals.followUpsDue(new Date('2026-11-30T00:00:00Z'))).map((r) => r.id)).toEqual([]);
      expect((await store.referrals.followUpsDue(new Date('2026-12-01T08:00:00Z'))).map((r) => r.id)).toEqual(['r3']);
      expect((await store.referrals.followUpsDue(new Date('2028-01-01T00:00:00Z'))).map((r) => r.id)).toEqual(['r3', 'r4']);
      const r3 = (await store.referrals.get('r3'))!;
      await store.referrals.save({ ...r3, followUpDueAt: undefined });
      expect((await store.referrals.followUpsDue(new Date('2028-01-01T00:00:00Z'))).map((r) => r.id)).toEqual(['r4']);
      const numbers = await Promise.all(Array.from({ length: 20 }, () => store.referrals.nextCaseNumber(2026)));
      expect(new Set(numbers).size).toBe(20);
      expect(numbers.every((n) => /^V-2026-\d{4}$/.test(n))).toBe(true);
      expect(await store.referrals.nextCaseNumber(2027)).toBe('V-2027-0001');
      // Data moved from another store: numbering goes on after the last one there.
      await store.referrals.caseNumbersAfter(2028, 41);
      expect(await store.referrals.nextCaseNumber(2028)).toBe('V-2028-0042');
      // After a restart, numbers go on from where they were.
      const again = await store.reopen();
      const next = await again.referrals.nextCaseNumber(2026);
      expect(numbers).not.toContain(next);
      await again.close();
    });

    it('visits: by citizen and by staff (joined ones too), in time order; attachments and coordination', async () => {
      const store = await fresh();
      await store.visits.save(visit('v2', { at: '2026-12-02T09:00:00.000Z', staff: MEGAN, jointWith: [ALEX] }));
      await store.visits.save(visit('v1', { at: '2026-12-01T09:00:00.000Z' }));
      expect((await store.visits.listByCitizen('c1')).map((v) => v.id)).toEqual(['v1', 'v2']);
      expect((await store.visits.listByStaff(ALEX)).map((v) => v.id)).toEqual(['v1', 'v2']);
      expect((await store.visits.listByStaff(MEGAN)).map((v) => v.id)).toEqual(['v2']);
      await store.visits.delete('v1');
      expect((await store.visits.listByStaff(ALEX)).map((v) => v.id)).toEqual(['v2']);
      await store.attachments.save({ id: 'a1', citizenId: 'c1', staff: ALEX, service: 'dementia', purpose: 'x', since: AT, status: 'active' });
      expect((await store.attachments.listByCitizen('c1')).map((a) => a.id)).toEqual(['a1']);
      expect((await store.attachments.listByStaff(ALEX)).map((a) => a.id)).toEqual(['a1']);
      const coordination: Coordination = { id: 'k1', citizenId: 'c1', planner: ALEX, plannerVisitId: 'v1', colleague: MEGAN, colleagueVisitId: 'v2', status: 'pending', createdAt: AT };
      await store.coordinations.save(coordination);
      expect((await store.coordinations.get('k1'))?.status).toBe('pending');
      await store.visitEvents.append({ at: AT, service: 'dementia', kind: 'planned' });
      await store.visitEvents.append({ at: AT, service: 'dementia', kind: 'planned' });
      await store.visitEvents.append({ at: '2026-10-01T00:00:00.000Z', service: 'dementia', kind: 'planned' });
      expect(await store.visitEvents.since('2026-11-01T00:00:00.000Z')).toHaveLength(2);
      // Case counters: one per month, centre and key, added to; none per case.
      await store.caseCounts.add({ month: '2026-11', kind: 'screened', value: 'club', centre: 'nord' });
      await store.caseCounts.add({ month: '2026-11', kind: 'screened', value: 'club', centre: 'nord' });
      await store.transaction(async (tx) => tx.caseCounts.add({ month: '2026-11', kind: 'screened', value: 'club', centre: 'nord' }, 3));
      await store.caseCounts.add({ month: '2026-11', kind: 'screened', value: 'club' });
      await store.caseCounts.add({ month: '2026-10', kind: 'referred', value: 'direct' });
      const sortCounts = (xs: any[]) => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      expect(sortCounts(await store.caseCounts.since('2026-11'))).toEqual(sortCounts([
        { month: '2026-11', kind: 'screened', value: 'club', centre: 'nord', n: 5 },
        { month: '2026-11', kind: 'screened', value: 'club', n: 1 },
      ]));
      expect(await store.caseCounts.since('2026-10')).toHaveLength(3);
      // A rolled-back transaction adds nothing.
      await store.transaction(async (tx) => {
        await tx.caseCounts.add({ month: '2026-11', kind: 'screened', value: 'club', centre: 'nord' });
        throw new Error('rolled back');
      }).catch(() => undefined);
      expect((await store.caseCounts.since('2026-11')).find((c) => c.centre === 'nord')?.n).toBe(5);
      // Counting weeks in the order recorded, whatever their clocks said (several instances).
      await store.countingWeeks.append({ at: '2026-11-20T10:00:00.000Z', centre: 'syd', year: 2026, season: 'autumn', users: 17, by: ALEX });
      await store.countingWeeks.append({ at: '2026-11-20T09:59:57.000Z', centre: 'syd', year: 2026, season: 'autumn', users: 18 });
      await store.countingWeeks.append({ at: '2026-11-20T10:01:00.000Z', centre: 'syd', year: 2026, season: 'autumn', users: null });
      expect((await store.countingWeeks.all()).map((w) => w.users)).toEqual([17, 18, null]);
      expect((await store.countingWeeks.all())[0]).toEqual({ at: '2026-11-20T10:00:00.000Z', centre: 'syd', year: 2026, season: 'autumn', users: 17, by: ALEX });
      await store.close();
    });

    it('audit: numbered in order, never the same number twice, read per citizen in order', async () => {
      const store = await fresh();
      const entries = await Promise.all(Array.from({ length: 10 }, (_, i) => store.audit.append(audit(i % 2 ? 'c1' : 'c2', `e${i}`))));
      expect(new Set(entries.map((e) => e.seq)).size).toBe(10);
      const trail = await store.audit.forCitizen('c1');
      // Appended side by side: all there, read in the order of their numbers (not necessarily the calls').
      expect(trail.map((e) => e.what).sort()).toEqual(['e1', 'e3', 'e5', 'e7', 'e9']);
      for (const e of trail) expect(entries.find((x) => x.what === e.what)!.seq).toBe(e.seq);
      const one = await store.audit.append(audit('c1', 'one after the other'));
      expect((await store.audit.forCitizen('c1')).at(-1)).toEqual(one);
      expect(trail.every((e, i) => i === 0 || e.seq > trail[i - 1]!.seq)).toBe(true);
      expect(trail[0]!.at).toBe(AT);
      const again = await store.reopen();
      const later = await again.audit.append(audit('c1', 'after restart'));
      expect(later.seq).toBeGreaterThan(Math.max(...entries.map((e) => e.seq)));
      await again.close();
    });

    it('conversations: by id, a person\'s personal chat, any in a tenant', async () => {
      const store = await fresh();
      await store.conversations.save({ id: 'a:1', kind: 'personal', tenantId: T, user: ALEX, reference: { x: 1 }, updatedAt: AT });
      await store.conversations.save({ id: '19:c', kind: 'channel', tenantId: T, reference: {}, updatedAt: AT });
      expect((await store.conversations.personalChatOf(ALEX))?.id).toBe('a:1');
      expect(await store.conversations.personalChatOf(MEGAN)).toBeUndefined();
      expect((await store.conversations.anyInTenant(T))?.tenantId).toBe(T);
      expect((await store.conversations.get('19:c'))?.kind).toBe('channel');
      await store.close();
    });
  });

  describe(`${name}: retention`, () => {
    it('deletes or anonymises each kind past its cutoff by the date that counts for it, and nothing else; a citizen goes once nothing about them is left', async () => {
      const store = await fresh();
      const OLD = '2024-01-01T00:00:00.000Z';
      const NEW = '2026-11-20T00:00:00.000Z';
      const CUT = '2025-06-01T00:00:00.000Z';
      const cut = { drafts: CUT, screenings: CUT, referrals: CUT, visits: CUT, attachments: CUT, coordinations: CUT, outboxPayloads: CUT, turnState: CUT, citizens: CUT };
      await store.transaction(async (tx) => {
        // c1: everything old and finished; c2: old too, but with an open referral; c3: recent.
        await tx.citizens.save({ ...citizen('c1', '0101501234'), updatedAt: OLD });
        await tx.citizens.save({ ...citizen('c2', '0202501234'), updatedAt: OLD });
        await tx.citizens.save(citizen('c3', '0303501234'));
        await tx.screenings.save(screening('s-draft-old', { citizenId: 'c1', updatedAt: OLD }));
        await tx.screenings.save(screening('s-cancelled-old', { citizenId: 'c1', status: 'cancelled', updatedAt: OLD }));
        await tx.screenings.save(screening('s-draft-new', { citizenId: 'c3', updatedAt: NEW }));
        await tx.screenings.save(screening('s-done-old', { citizenId: 'c1', status: 'done', updatedAt: OLD }));
        await tx.screenings.save(screening('s-done-new', { citizenId: 'c3', status: 'done', updatedAt: NEW }));
        await tx.referrals.save(referral('r-closed-old', { citizenId: 'c1', status: 'closed', updatedAt: OLD }));
        await tx.referrals.save(referral('r-refused-old', { citizenId: 'c1', status: 'refused', updatedAt: OLD }));
        await tx.referrals.save(referral('r-open-old', { citizenId: 'c2', status: 'taken', updatedAt: OLD }));
        await tx.referrals.save(referral('r-decided-old', { citizenId: 'c2', status: 'decided', updatedAt: OLD, followUpDueAt: '2027-06-01T08:00:00.000Z' }));
        await tx.referrals.save(referral('r-decided-done', { citizenId: 'c1', status: 'decided', updatedAt: OLD }));
        await tx.visits.save(visit('v-old', { citizenId: 'c1', at: OLD, status: 'done' }));
        await tx.visits.save(visit('v-new', { citizenId: 'c3', at: NEW }));
        await tx.attachments.save({ id: 'a-detached-old', citizenId: 'c1', staff: ALEX, service: 'demens', purpose: 'x', since: OLD, status: 'detached', detachedAt: OLD });
        await tx.attachments.save({ id: 'a-offered-old', citizenId: 'c1', staff: MEGAN, service: '', purpose: 'x', since: OLD, status: 'offered' });
        await tx.attachments.save({ id: 'a-active-old', citizenId: 'c2', staff: ALEX, service: 'demens', purpose: 'x', since: OLD, status: 'active' });
        await tx.attachments.save({ id: 'a-detached-new', citizenId: 'c3', staff: ALEX, service: 'demens', purpose: 'x', since: OLD, status: 'detached', detachedAt: NEW });
        await tx.coordinations.save({ id: 'k-old', citizenId: 'c1', planner: ALEX, plannerVisitId: 'v-old', colleague: MEGAN, colleagueVisitId: 'v-old', status: 'answered', createdAt: OLD });
        await tx.coordinations.save({ id: 'k-new', citizenId: 'c3', planner: ALEX, plannerVisitId: 'v-new', colleague: MEGAN, colleagueVisitId: 'v-new', status: 'pending', createdAt: NEW });
        await tx.outbox.save(message('m-sent-old', { status: 'sent', updatedAt: OLD, payload: { text: 'Jens Hansen' } }));
        await tx.outbox.save(message('m-pending-old', { status: 'pending', updatedAt: OLD, payload: { text: 'venter' } }));
        await tx.outbox.save(message('m-sent-new', { status: 'sent', updatedAt: NEW, payload: { text: 'ny' } }));
      });
      // Turn state written now (after the cutoff) stays.
      await store.state.compareAndSet('state-now', { n: 1 }, undefined);
      const counts = await store.transaction((tx) => tx.retention.purge(cut));
      expect(counts).toEqual({ drafts: 2, screenings: 1, referrals: 3, visits: 1, attachments: 2, coordinations: 1, outboxPayloads: 1, turnState: 0, citizens: 1, formerCitizens: 0 });
      expect(await store.state.get('state-now')).toBeDefined();
      expect(await store.citizens.get('c1')).toBeUndefined();
      expect((await store.citizens.get('c2'))?.name).toBe('Borger c2');
      expect(await store.citizens.get('c3')).toBeDefined();
      expect((await store.screenings.listByCitizen('c3')).map((x) => x.id).sort()).toEqual(['s-done-new', 's-draft-new']);
      expect((await store.referrals.listByCitizen('c2')).map((x) => x.id).sort()).toEqual(['r-decided-old', 'r-open-old']);
      expect((await store.visits.listByCitizen('c3')).map((x) => x.id)).toEqual(['v-new']);
      expect((await store.attachments.listByCitizen('c2')).map((x) => x.id)).toEqual(['a-active-old']);
      expect((await store.attachments.listByCitizen('c3')).map((x) => x.id)).toEqual(['a-detached-new']);
      expect(await store.coordinations.get('k-old')).toBeUndefined();
      expect(await store.coordinations.get('k-new')).toBeDefined();
      // The sent message keeps who it went to and what became of it; its content is gone.
      expect(await store.outbox.get('m-sent-old')).toMatchObject({ status: 'sent', target: { kind: 'user' }, payload: {} });
      expect((await store.outbox.get('m-pending-old'))?.payload).toEqual({ text: 'venter' });
      expect((await store.outbox.get('m-sent-new'))?.payload).toEqual({ text: 'ny' });
      // Run again: nothing more to do.
      expect(Object.values(await store.transaction((tx) => tx.retention.purge(cut))).every((n) => n === 0)).toBe(true);
      await store.close();
    });
  });

  describe(`${name}: the access log's own period`, () => {
    it('entries dated before the cutoff go, and no later entry of any citizen; numbers go on; a restart sees the same', async () => {
      const store = await fresh();
      const OLD = '2020-03-01T00:00:00.000Z';
      const CUT = '2021-11-24T09:00:00.000Z';
      await store.audit.append({ ...audit('c1', 'gammel 1'), at: OLD });
      await store.audit.append({ ...audit('c2', 'gammel 2'), at: OLD });
      await store.audit.append({ ...audit('c1', 'ny 1'), at: AT });
      const last = await store.audit.append({ ...audit('c2', 'ny 2'), at: CUT });
      expect(await store.pruneAuditLog(CUT)).toBe(2);
      expect((await store.audit.forCitizen('c1')).map((e) => e.what)).toEqual(['ny 1']);
      expect((await store.audit.forCitizen('c2')).map((e) => e.what)).toEqual(['ny 2']);
      expect(await store.pruneAuditLog(CUT)).toBe(0);
      expect(await store.everything()).not.toContain('gammel');
      const again = await store.reopen();
      expect((await again.audit.forCitizen('c2')).map((e) => e.what)).toEqual(['ny 2']);
      const next = await again.audit.append(audit('c1', 'næste'));
      expect(next.seq).toBeGreaterThan(last.seq);
      // Every entry gone: after a restart, numbers still go on, never handed out twice.
      expect(await again.pruneAuditLog('2100-01-01T00:00:00.000Z')).toBe(3);
      await again.close();
      const third = await store.reopen();
      expect((await third.audit.append(audit('c1', 'efter alt'))).seq).toBeGreaterThan(next.seq);
      await third.close();
    });
  });

  describe(`${name}: the register of former citizens`, () => {
    const KEY = 'a-key-of-thirty-two-characters-or-more';
    it('a citizen erased, deleted or removed by retention stays findable by CPR number through a keyed pseudonym, never the number; a new record is not former; the register goes with the last access-log entry', async () => {
      const store = await harness.open(new TestClock(AT), { cprPseudonymKey: KEY });
      await store.transaction(async (tx) => {
        for (const [id, cpr] of [['c1', '0101501234'], ['c2', '0202501234'], ['c3', '0303501234']] as const) {
          await tx.citizens.save({ ...citizen(id, cpr), updatedAt: '2020-01-01T00:00:00.000Z' });
          await tx.audit.append({ ...audit(id, `opslag ${id}`), at: '2020-01-01T00:00:00.000Z' });
        }
        await tx.screenings.save(screening('s3', { citizenId: 'c3', status: 'done' }));
      });
      expect(await store.citizens.formerIds('0101501234')).toEqual([]);
      await store.transaction((tx) => tx.erasure.eraseCitizen('c1', [['0101501234']]));
      await store.citizens.delete('c2');
      const CUT = '2021-01-01T00:00:00.000Z';
      const cut = { drafts: CUT, screenings: CUT, referrals: CUT, visits: CUT, attachments: CUT, coordinations: CUT, outboxPayloads: CUT, turnState: CUT, citizens: CUT };
      // c3 still has a screening: kept.
      expect((await store.transaction((tx) => tx.retention.purge(cut))).citizens).toBe(0);
      await store.screenings.delete('s3');
      expect((await store.transaction((tx) => tx.retention.purge(cut))).citizens).toBe(1);
      expect(await store.citizens.formerIds('0101501234')).toEqual(['c1']);
      expect(await store.citizens.formerIds('0202501234')).toEqual(['c2']);
      expect(await store.citizens.formerIds('0303501234')).toEqual(['c3']);
      expect(await store.citizens.formerIds('0404501234')).toEqual([]);
      // Recorded again: the new record is found as before, the old one as former.
      await store.citizens.save(citizen('c4', '0101501234'));
      expect((await store.citizens.findByCpr('0101501234'))?.id).toBe('c4');
      expect(await store.citizens.formerIds('0101501234')).toEqual(['c1']);
      await store.forgetDeleted();
      const everything = await store.everything();
      for (const n of ['0202501234', '020250-', '0303501234']) expect(everything).not.toContain(n);
      const again = await store.reopen();
      expect(await again.citizens.formerIds('0202501234')).toEqual(['c2']);
      // The access log's own period removes the last entries; the next run removes their register entries.
      expect(await again.pruneAuditLog(CUT)).toBe(3);
      expect((await again.transaction((tx) => tx.retention.purge(cut))).formerCitizens).toBe(3);
      expect(await again.citizens.formerIds('0202501234')).toEqual([]);
      await again.close();
    });

    it('without a key no register is kept', async () => {
      const store = await fresh();
      await store.citizens.save(citizen('c1', '0101501234'));
      await store.audit.append(audit('c1', 'opslag'));
      await store.transaction((tx) => tx.erasure.eraseCitizen('c1', [['0101501234']]));
      expect(await store.citizens.formerIds('0101501234')).toEqual([]);
      await store.close();
    });
  });

  describe(`${name}: the daily retention job`, () => {
    it('with the clock moved forward past each period, by the shipped rules: deleted, anonymised, counted; the log has counts only', async () => {
      const clock = new TestClock(AT);
      const store = await harness.open(clock);
      await store.transaction(async (tx) => {
        await tx.citizens.save(citizen('c1', '0101501234', 'Jens Hansen'));
        await tx.screenings.save(screening('s1', { citizenId: 'c1', status: 'done' }));
        await tx.visits.save(visit('v1'));
        await tx.outbox.save(message('m1', { status: 'sent', payload: { text: 'Jens Hansen, 010150-xxxx' } }));
        await tx.audit.append(audit('c1', 'screening'));
        await tx.state.compareAndSet('conversation-1', { step: 'x' }, undefined);
      });
      const lines: string[] = [];
      const log = createLogger('debug', (line) => lines.push(line));
      const rules = loadRetentionRules();
      // A day later nothing has passed its period.
      clock.set('2026-11-25T09:00:00.000Z');
      expect(Object.values(await applyRetention(store, rules, clock, log)).every((n) => n === 0)).toBe(true);
      // Three years later everything has.
      clock.set('2029-11-25T09:00:00.000Z');
      expect(await applyRetention(store, rules, clock, log)).toEqual({ drafts: 0, screenings: 1, referrals: 0, visits: 1, attachments: 0, coordinations: 0, outboxPayloads: 1, turnState: 1, citizens: 1, formerCitizens: 0, audit: 0, files: 0 });
      expect(await store.state.get('conversation-1')).toBeUndefined();
      expect(await store.citizens.findByCpr('0101501234')).toBeUndefined();
      expect((await store.outbox.get('m1'))?.payload).toEqual({});
      // Who looked stays: the access log keeps the citizen's id.
      expect((await store.audit.forCitizen('c1')).map((e) => e.what)).toEqual(['screening']);
      // Six years later the access log's own period has passed too.
      clock.set('2032-11-25T09:00:00.000Z');
      expect((await applyRetention(store, rules, clock, log)).audit).toBe(1);
      expect(await store.audit.forCitizen('c1')).toEqual([]);
      expect(lines.filter((l) => l.includes('retention applied'))).toHaveLength(3);
      expect(lines.join('\n')).not.toMatch(/Jens|0101501234|010150/);
      await store.close();
    });
  });

  describe(`${name}: the daily retention job, when a step fails`, () => {
    it('the other steps still run, and the log names the step that failed (counts only)', async () => {
      const clock = new TestClock(AT);
      const store = await harness.open(clock);
      await store.transaction(async (tx) => {
        await tx.screenings.save(screening('s1', { citizenId: 'c1', status: 'done' }));
        await tx.files.save({ id: 'f1', owner: ALEX, name: 'statistik.csv', contentType: 'text/csv', content: 'a;b', createdAt: AT, expiresAt: '2026-11-25T09:00:00.000Z' });
      });
      const lines: string[] = [];
      const log = createLogger('debug', (line) => lines.push(line));
      clock.set('2029-11-25T09:00:00.000Z');
      const broken: Store = { ...store, pruneAuditLog: async () => Promise.reject(new Error('disk full')) };
      const counts = await applyRetention(broken, loadRetentionRules(), clock, log);
      expect(counts).toMatchObject({ screenings: 1, audit: 0, files: 1 });
      expect(await store.screenings.get('s1')).toBeUndefined();
      expect(await store.files.get('f1')).toBeUndefined();
      expect(lines.some((l) => l.includes('retention: access log failed'))).toBe(true);
      expect(lines.find((l) => l.includes('retention applied'))).toContain('access log');
      await store.close();
    });
  });

  describe(`${name}: the daily retention job, when the records step fails`, () => {
    it('the access log is not pruned: the log of records still held stays with them', async () => {
      const clock = new TestClock(AT);
      const store = await harness.open(clock);
      await store.audit.append({ ...audit('c1', 'gammel'), at: '2020-01-01T00:00:00.000Z' });
      const log = createLogger('error', () => undefined);
      clock.set('2029-11-25T09:00:00.000Z');
      const broken: Store = { ...store, transaction: async () => Promise.reject(new Error('database timeout')) };
      expect((await applyRetention(broken, loadRetentionRules(), clock, log)).audit).toBe(0);
      expect(await store.audit.forCitizen('c1')).toHaveLength(1);
      await store.close();
    });
  });

  describe(`${name}: erasure`, () => {
    it('erases every record, outbox payload, file and turn-state item about the citizen, and nothing of anyone else; the audit log stays', async () => {
      const store = await fresh();
      await store.transaction(async (tx) => {
        await tx.citizens.save(citizen('c1', '0101501234', 'Jens Hansen'));
        await tx.citizens.save(citizen('c2', '0202501234', 'Else Berg'));
        await tx.screenings.save(screening('s1', { citizenId: 'c1', status: 'done', data: { citizen: { name: 'Jens Hansen' }, problems: [{ activity: 'Gå ture' }] } }));
        await tx.screenings.save(screening('s2', { citizenId: 'c2', status: 'done', data: { citizen: { name: 'Else Berg' } } }));
        await tx.referrals.save(referral('r1', { citizenId: 'c1', caseNumber: 'V-2026-0042', data: { direct: { reason: 'Demens' } } }));
        await tx.visits.save(visit('v1', { citizenId: 'c1', data: { purpose: 'Demensopfølgning' } }));
        await tx.attachments.save({ id: 'a1', citizenId: 'c1', staff: ALEX, service: 'demens', purpose: 'Demensopfølgning', since: AT, status: 'active' });
        await tx.coordinations.save({ id: 'k1', citizenId: 'c1', planner: ALEX, plannerVisitId: 'v1', colleague: MEGAN, colleagueVisitId: 'v1', status: 'pending', createdAt: AT });
        await tx.outbox.save(message('m-pending', { payload: { text: 'Megan har tilknyttet sig Jens Hansen, 010150-xxxx' } }));
        await tx.outbox.save(message('m-sent', { status: 'sent', payload: { card: { body: [{ text: 'Advis V-2026-0042' }] }, summary: 'Advis' } }));
        await tx.outbox.save(message('m-other', { payload: { text: 'Else Berg, 020250-xxxx' } }));
        await tx.outbox.save(message('m-namesake', { payload: { text: 'Jens Hansen, 050560-xxxx (en anden)' } }));
        // Sent long ago: retention emptied it, but it still says whom it was about.
        await tx.outbox.save(message('m-old-sent', { status: 'sent', payload: {}, citizenId: 'c1' }));
        await tx.files.save({ id: 'f1', owner: ALEX, name: 'indsigt.txt', contentType: 'text/plain', content: 'Navn: Jens Hansen\nCPR-nummer: 010150-xxxx', createdAt: AT, expiresAt: '2099-01-01T00:00:00.000Z' });
        // An access-log export: the masked number only, but it records whom it is about.
        await tx.files.save({ id: 'f2', owner: ALEX, name: 'adgangslog.txt', contentType: 'text/plain', content: 'Adgangslog for borger 010150-xxxx', citizenId: 'c1', createdAt: AT, expiresAt: '2099-01-01T00:00:00.000Z' });
        await tx.files.save({ id: 'f3', owner: ALEX, name: 'adgangslog.txt', contentType: 'text/plain', content: 'Adgangslog for borger 020250-xxxx', citizenId: 'c2', createdAt: AT, expiresAt: '2099-01-01T00:00:00.000Z' });
        await tx.state.compareAndSet('state-1', { draft: { name: 'Jens Hansen', cpr: '0101501234' } }, undefined);
        await tx.state.compareAndSet('state-2', { x: 1 }, undefined);
        await tx.audit.append(audit('c1', 'screening'));
      });
      expect((await store.coordinations.listByCitizen('c1')).map((k) => k.id)).toEqual(['k1']);
      expect(await store.coordinations.listByCitizen('c2')).toEqual([]);
      const marks = [['Jens Hansen', '010150-xxxx'], ['0101501234'], ['V-2026-0042']];
      const { counts, sent } = await store.transaction((tx) => tx.erasure.eraseCitizen('c1', marks));
      expect(counts).toEqual({ screenings: 1, referrals: 1, visits: 1, attachments: 1, coordinations: 1, outbox: 3, files: 2, state: 1, citizen: 1 });
      expect(await store.files.get('f3')).toBeDefined();
      expect(sent.map((m) => m.id).sort()).toEqual(['m-old-sent', 'm-sent']);
      await store.forgetDeleted();
      const all = await store.everything();
      for (const word of ['Jens Hansen, 010150', '0101501234', '010150-xxxx', 'Gå ture', 'Demensopfølgning', 'V-2026-0042', 'Demens"']) expect(all, word).not.toContain(word);
      // Another citizen, and a namesake with another birth date, untouched; the audit stays.
      expect((await store.citizens.get('c2'))?.name).toBe('Else Berg');
      expect(await store.screenings.get('s2')).toBeDefined();
      expect((await store.outbox.get('m-other'))?.payload).toEqual({ text: 'Else Berg, 020250-xxxx' });
      expect((await store.outbox.get('m-namesake'))?.payload.text).toContain('050560-xxxx');
      expect(await store.outbox.get('m-pending')).toBeUndefined();
      expect((await store.outbox.get('m-sent'))?.payload).toEqual({});
      expect(await store.state.get('state-2')).toBeDefined();
      expect((await store.audit.forCitizen('c1')).map((e) => e.what)).toEqual(['screening']);
      await store.close();
    });
  });

  describe(`${name}: files waiting for their owner`, () => {
    it('a file is kept until it is deleted or runs out; expired ones go together, counted, in a transaction or not', async () => {
      const store = await fresh();
      const file = (id: string, expiresAt: string) => ({ id, owner: ALEX, name: `${id}.csv`, contentType: 'text/csv', content: '\uFEFFmåned;besøg\n', createdAt: AT, expiresAt });
      await store.files.save(file('f1', '2026-11-25T10:00:00.000Z'));
      await store.transaction(async (tx) => {
        await tx.files.save(file('f2', '2026-11-26T10:00:00.000Z'));
        await tx.files.save(file('f3', '2026-11-27T10:00:00.000Z'));
      });
      expect(await store.files.get('f1')).toEqual(file('f1', '2026-11-25T10:00:00.000Z'));
      await store.files.delete('f3');
      expect(await store.files.get('f3')).toBeUndefined();
      expect(await store.files.deleteExpired(new Date('2026-11-25T10:00:00.000Z'))).toBe(1);
      expect(await store.files.get('f1')).toBeUndefined();
      const again = await store.reopen();
      expect((await again.files.get('f2'))?.content).toBe('\uFEFFmåned;besøg\n');
      expect(await again.files.deleteExpired(new Date('2030-01-01T00:00:00.000Z'))).toBe(1);
      await again.close();
    });
  });

  describe(`${name}: versions where people edit`, () => {
    it('a save over a version someone else saved meanwhile is refused, with the record as it is now', async () => {
      const store = await fresh();
      const first = await store.visits.save(visit('v1'));
      expect(first.version).toBe(1);
      const mine = (await store.visits.get('v1'))!;
      const theirs = (await store.visits.get('v1'))!;
      const saved = await store.visits.save({ ...theirs, status: 'cancelled' });
      expect(saved.version).toBe(2);
      const refused = await store.visits.save({ ...mine, at: '2026-12-24T09:00:00.000Z' }).catch((e) => e);
      expect(refused).toBeInstanceOf(ConflictError);
      expect(refused).toMatchObject({ kind: 'version', collection: 'visits', id: 'v1', current: { status: 'cancelled', version: 2 } });
      expect(await store.visits.get('v1')).toMatchObject({ status: 'cancelled', at: AT });
      await store.close();
    });

    it('a new record cannot be saved over one that exists, nor a stale one over one that was removed', async () => {
      const store = await fresh();
      await store.screenings.save(screening('s1'));
      await expect(store.screenings.save(screening('s1', { status: 'done' }))).rejects.toBeInstanceOf(ConflictError);
      const read = (await store.screenings.get('s1'))!;
      await store.screenings.delete('s1');
      await expect(store.screenings.save(read)).rejects.toBeInstanceOf(ConflictError);
      await store.close();
    });

    it('every record people edit is versioned: screenings, referrals, visits, attachments, coordination, staff, settings', async () => {
      const store = await fresh();
      const stale = async (save: () => Promise<unknown>) => expect(await save().then(() => 'saved', (e) => (e instanceof ConflictError ? 'conflict' : e))).toBe('conflict');
      await store.screenings.save(screening('s1'));
      await stale(() => store.screenings.save(screening('s1')));
      await store.referrals.save(referral('r1'));
      await stale(() => store.referrals.save(referral('r1')));
      await store.visits.save(visit('v1'));
      await stale(() => store.visits.save(visit('v1')));
      await store.attachments.save({ id: 'a1', citizenId: 'c1', staff: ALEX, service: 'x', purpose: 'x', since: AT, status: 'active' });
      await stale(() => store.attachments.save({ id: 'a1', citizenId: 'c1', staff: ALEX, service: 'x', purpose: 'x', since: AT, status: 'detached' }));
      const k: Coordination = { id: 'k1', citizenId: 'c1', planner: ALEX, plannerVisitId: 'v1', colleague: MEGAN, colleagueVisitId: 'v2', status: 'pending', createdAt: AT };
      await store.coordinations.save(k);
      await stale(() => store.coordinations.save({ ...k, status: 'answered' }));
      const member = await store.staff.touch(ALEX, {}, AT);
      await store.staff.save(member);
      await stale(() => store.staff.save({ ...member, roles: ['admin'] }));
      const setting = await store.settings.entry('channel');
      expect(setting).toEqual({ value: undefined, version: 0 });
      await store.settings.set('channel', { id: 'a' }, 0);
      expect(await store.settings.entry('channel')).toEqual({ value: { id: 'a' }, version: 1 });
      await stale(() => store.settings.set('channel', { id: 'b' }, 0));
      // Without a version: set as asked (last one wins).
      await store.settings.set('channel', { id: 'c' });
      expect(await store.settings.get('channel')).toEqual({ id: 'c' });
      await store.close();
    });

    it('bookkeeping is not versioned: conversation records and turn state', async () => {
      const store = await fresh();
      await store.conversations.save({ id: 'a:1', kind: 'personal', reference: {}, updatedAt: AT });
      await store.conversations.save({ id: 'a:1', kind: 'personal', reference: { y: 1 }, updatedAt: AT });
      expect((await store.conversations.get('a:1'))?.reference).toEqual({ y: 1 });
      await store.close();
    });
  });

  describe(`${name}: transactions`, () => {
    it('commit together: records, audit entries and outbox messages all appear at once, also after a restart', async () => {
      const store = await fresh();
      await store.transaction(async (tx) => {
        await tx.citizens.save(citizen('c1', '0101501234'));
        await tx.referrals.save(referral('r1'));
        await tx.audit.append(audit('c1', 'created'));
        await tx.outbox.save(message('m1'));
      });
      const again = await store.reopen();
      expect(await again.citizens.get('c1')).toBeDefined();
      expect(await again.referrals.get('r1')).toBeDefined();
      expect(await again.audit.forCitizen('c1')).toHaveLength(1);
      expect(await again.outbox.get('m1')).toBeDefined();
      await again.close();
    });

    it('roll back on an error: nothing of it is kept, not the audit entry nor the outbox message', async () => {
      const store = await fresh();
      await store.citizens.save(citizen('c0', '0101500000'));
      const failed = store.transaction(async (tx) => {
        await tx.citizens.save(citizen('c1', '0101501234'));
        await tx.audit.append(audit('c1', 'created'));
        await tx.outbox.save(message('m1'));
        await tx.citizens.delete('c0');
        throw new Error('the step failed half-way');
      });
      await expect(failed).rejects.toThrow('the step failed half-way');
      expect(await store.citizens.get('c1')).toBeUndefined();
      expect(await store.citizens.get('c0')).toBeDefined();
      expect(await store.audit.forCitizen('c1')).toEqual([]);
      expect(await store.outbox.get('m1')).toBeUndefined();
      expect(await store.outbox.due(new Date('2030-01-01T00:00:00Z'))).toEqual([]);
      const again = await store.reopen();
      expect(await again.citizens.get('c1')).toBeUndefined();
      expect(await again.citizens.count()).toBe(1);
      await again.close();
    });

    it('a conflict inside a transaction rolls back all of it', async () => {
      const store = await fresh();
      await store.visits.save(visit('v1'));
      const stale = (await store.visits.get('v1'))!;
      await store.visits.save({ ...stale, status: 'done' });
      const result = await store
        .transaction(async (tx) => {
          await tx.visits.save(visit('v2'));
          await tx.visits.save({ ...stale, status: 'cancelled' });
        })
        .catch((e) => e);
      expect(result).toBeInstanceOf(ConflictError);
      expect(await store.visits.get('v2')).toBeUndefined();
      expect((await store.visits.get('v1'))?.status).toBe('done');
      await store.close();
    });

    it('inside, reads see the transaction\'s own changes (also through indexes); outside, nothing until it commits', async () => {
      const store = await fresh();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let seenInside: unknown[] = [];
      const tx = store.transaction(async (t) => {
        await t.visits.save(visit('v1'));
        await t.referrals.save(referral('r1'));
        seenInside = [(await t.visits.listByStaff(ALEX)).map((v) => v.id), (await t.referrals.listOpen()).map((r) => r.id)];
        await gate;
      });
      await new Promise((r) => setTimeout(r, 10));
      // Another caller, not in the transaction: sees what is committed only.
      expect(await store.visits.get('v1')).toBeUndefined();
      expect(await store.referrals.listOpen()).toEqual([]);
      release();
      await tx;
      expect(seenInside).toEqual([['v1'], ['r1']]);
      expect((await store.visits.listByStaff(ALEX)).map((v) => v.id)).toEqual(['v1']);
      await store.close();
    });

    it('saving a record twice in one transaction: from the copy the first save returned, one change; from the copy read before it, refused', async () => {
      const store = await fresh();
      const read = await store.referrals.save(referral('r1'));
      const saved = await store.transaction(async (tx) => {
        const first = await tx.referrals.save({ ...read, status: 'taken' });
        return tx.referrals.save({ ...first, holder: MEGAN });
      });
      expect(saved.version).toBe(read.version! + 1);
      expect(await store.referrals.get('r1')).toMatchObject({ status: 'taken', holder: MEGAN, version: read.version! + 1 });
      // The copy read before the first save would undo it: refused, and the whole transaction with it.
      const lost = await store
        .transaction(async (tx) => {
          const now = (await tx.referrals.get('r1'))!;
          await tx.referrals.save({ ...now, status: 'decided' });
          await tx.referrals.save({ ...now, holder: ALEX });
        })
        .catch((e) => e);
      expect(lost).toBeInstanceOf(ConflictError);
      expect(await store.referrals.get('r1')).toMatchObject({ status: 'taken', holder: MEGAN });
      await store.close();
    });

    it('what a caller edits in place on a record it read is not stored, unless saved; a rollback undoes it', async () => {
      const store = await fresh();
      await store.referrals.save(referral('r1', { data: { history: [] } }));
      await store
        .transaction(async (tx) => {
          const r = (await tx.referrals.get('r1'))!;
          (r.data.history as unknown[]).push('taken by Adele');
          await tx.referrals.save(r);
          throw new Error('undo');
        })
        .catch(() => undefined);
      const r = (await store.referrals.get('r1'))!;
      (r.data.history as unknown[]).push('edited, never saved');
      expect((await store.referrals.get('r1'))!.data.history).toEqual([]);
      await store.referrals.save({ ...(await store.referrals.get('r1'))!, status: 'taken' });
      const again = await store.reopen();
      expect((await again.referrals.get('r1'))!.data.history).toEqual([]);
      await again.close();
    });

    it('a transaction inside a transaction is the same one; the store\'s repositories join it', async () => {
      const store = await fresh();
      await expect(
        store.transaction(async () => {
          // Services built on the store (not handed the transaction) take part.
          await store.citizens.save(citizen('c1', '0101501234'));
          await store.transaction(async (inner) => inner.audit.append(audit('c1', 'inner')));
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await store.citizens.get('c1')).toBeUndefined();
      expect(await store.audit.forCitizen('c1')).toEqual([]);
      await store.close();
    });

    it('an inner transaction that fails undoes only its own changes; the outer one, catching it, commits the rest whole', async () => {
      const store = await fresh();
      const ran: string[] = [];
      await store.transaction(async (tx) => {
        await tx.citizens.save(citizen('c1', '0101501234'));
        await store
          .transaction(async (inner) => {
            await inner.audit.append(audit('c1', 'inner'));
            await inner.visits.save(visit('v1'));
            store.afterCommit(() => ran.push('inner'));
            throw new Error('a listener failed');
          })
          .catch(() => undefined);
        await tx.audit.append(audit('c1', 'outer'));
      });
      expect(await store.citizens.get('c1')).toBeDefined();
      expect(await store.visits.get('v1')).toBeUndefined();
      expect((await store.audit.forCitizen('c1')).map((e) => e.what)).toEqual(['outer']);
      expect(ran).toEqual([]);
      await store.close();
    });

    it('afterCommit runs once it is stored, and never for a transaction that rolled back', async () => {
      const store = await fresh();
      const ran: string[] = [];
      await store.transaction(async (tx) => {
        await tx.outbox.save(message('m1'));
        store.afterCommit(() => ran.push('sent m1'));
        expect(ran).toEqual([]);
      });
      expect(ran).toEqual(['sent m1']);
      await store
        .transaction(async () => {
          store.afterCommit(() => ran.push('never'));
          throw new Error('no');
        })
        .catch(() => undefined);
      store.afterCommit(() => ran.push('outside: at once'));
      expect(ran).toEqual(['sent m1', 'outside: at once']);
      await store.close();
    });

    it('transactions that change the same record, started together: each lands whole or is refused whole, none is lost', async () => {
      const store = await fresh();
      await store.referrals.save(referral('r1'));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          store.transaction(async (tx) => {
            const r = (await tx.referrals.get('r1'))!;
            await tx.referrals.save({ ...r, data: { ...r.data, [`n${i}`]: i } });
            await tx.audit.append(audit('c1', `change ${i}`));
          }),
        ),
      );
      const landed = outcomes.filter((o) => o.status === 'fulfilled').length;
      const refused = outcomes.filter((o) => o.status === 'rejected');
      // A store may run them one after another (all land) or side by side (the later ones conflict).
      expect(refused.every((o) => (o as PromiseRejectedResult).reason instanceof ConflictError)).toBe(true);
      expect(landed).toBeGreaterThan(0);
      expect(Object.keys((await store.referrals.get('r1'))!.data)).toHaveLength(landed);
      expect(await store.audit.forCitizen('c1')).toHaveLength(landed);
      expect((await store.referrals.get('r1'))!.version).toBe(1 + landed);
      await store.close();
    });
  });

  describe(`${name}: outbox claims and leases`, () => {
    it('a message is claimed by one worker at a time; a claim that runs out can be taken again', async () => {
      const store = await fresh();
      // Five conversations (lanes), one message each.
      for (let i = 0; i < 5; i++) await store.outbox.save(message(`m${i}`, { createdAt: `2026-11-24T09:00:0${i}.000Z`, target: { kind: 'conversation', conversationId: `19:c${i}` } }));
      const now = new Date(AT);
      const [a, b] = await Promise.all([store.outbox.claimDue('w1', now, 60_000, 3), store.outbox.claimDue('w2', now, 60_000, 3)]);
      const ids = [...a, ...b].map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(a.map((m) => m.id)).toEqual(['m0', 'm1', 'm2']);
      expect(await store.outbox.claimDue('w3', now, 60_000, 10)).toEqual([]);
      expect((await store.outbox.nextDueAt())?.toISOString()).toBe('2026-11-24T09:01:00.000Z');
      // A claim is renewed only by its own worker, and only while it is still theirs.
      expect((await store.outbox.renewClaim('m0', 'w1', '2026-11-24T09:05:00.000Z'))?.claim).toEqual({ worker: 'w1', until: '2026-11-24T09:05:00.000Z' });
      expect(await store.outbox.renewClaim('m0', 'w2', '2026-11-24T09:09:00.000Z')).toBeUndefined();
      expect((await store.outbox.get('m0'))?.claim?.worker).toBe('w1');
      const later = new Date('2026-11-24T09:05:00.001Z');
      expect((await store.outbox.claimDue('w3', later, 60_000, 10)).map((m) => m.claim?.worker)).toEqual(['w3', 'w3', 'w3', 'w3', 'w3']);
      await store.close();
    });

    it('one conversation\'s messages go out in order, whoever takes them: never one while an earlier one is held elsewhere or waits for a retry', async () => {
      const store = await fresh();
      const lane = (id: string, i: number, over: Partial<OutboxMessage> = {}) => message(id, { createdAt: `2026-11-24T09:00:0${i}.000Z`, target: { kind: 'conversation', conversationId: '19:channel' }, ...over });
      await store.outbox.save(lane('a0', 0));
      await store.outbox.save(lane('a1', 1));
      await store.outbox.save(lane('a2', 2));
      await store.outbox.save(message('b0', { target: { kind: 'conversation', conversationId: '19:other' } }));
      const now = new Date('2026-11-24T09:01:00Z');
      // The limit takes the first of the lane, never a later one without it.
      expect((await store.outbox.claimDue('w1', now, 60_000, 1)).map((m) => m.id)).toEqual(['a0']);
      // w2 on another instance: a0 is held by w1, so a1 and a2 wait; the other conversation's is free.
      expect((await store.outbox.claimDue('w2', now, 60_000, 10)).map((m) => m.id)).toEqual(['b0']);
      // w1 may take the rest of its lane, in order.
      expect((await store.outbox.claimDue('w1', now, 60_000, 10)).map((m) => m.id)).toEqual(['a1', 'a2']);
      // A retry: a0 is due again only later, unclaimed; a message queued after it waits for it, for everyone.
      const a0 = (await store.outbox.get('a0'))!;
      await store.outbox.save({ ...a0, claim: undefined, nextAttemptAt: '2026-11-24T10:00:00.000Z' });
      for (const id of ['a1', 'a2']) await store.outbox.save({ ...(await store.outbox.get(id))!, status: 'sent', claim: undefined });
      await store.outbox.save(lane('a3', 3, { createdAt: '2026-11-24T09:00:30.000Z' }));
      expect(await store.outbox.claimDue('w2', now, 60_000, 10)).toEqual([]);
      // a3 is due, but waits behind a0 (10:00): the soonest a worker could take anything is when
      // b0's claim runs out (09:02), not a3's due time (09:00) — or workers would wake for nothing.
      expect((await store.outbox.nextDueAt())?.toISOString()).toBe('2026-11-24T09:02:00.000Z');
      // In the lane's order, whatever their due times.
      expect((await store.outbox.claimDue('w2', new Date('2026-11-24T10:00:00Z'), 60_000, 10)).map((m) => m.id).filter((id) => id.startsWith('a'))).toEqual(['a0', 'a3']);
      await store.close();
    });

    it('due, pending for a person, by topic, by idempotency key', async () => {
      const store = await fresh();
      await store.outbox.save(message('m1', { topic: { kind: 'referral.card', id: 'r1' } }));
      await store.outbox.save(message('m2', { nextAttemptAt: '2026-11-25T00:00:00.000Z', target: { kind: 'conversation', conversationId: '19:c' } }));
      await store.outbox.save(message('m3', { status: 'sent' }));
      expect((await store.outbox.due(new Date(AT))).map((m) => m.id)).toEqual(['m1']);
      expect((await store.outbox.pendingFor(ALEX)).map((m) => m.id)).toEqual(['m1']);
      expect((await store.outbox.listByTopic('referral.card', 'r1')).map((m) => m.id)).toEqual(['m1']);
      expect((await store.outbox.findByIdempotencyKey('key-m2'))?.id).toBe('m2');
      await store.close();
    });
  });

  describe(`${name}: turn state with MemoryStorage's eTag rules`, () => {
    it('no eTag or "*" writes; a stale eTag is refused with the current item; an eTag only guards an item that exists', async () => {
      const store = await fresh();
      const first = await store.state.compareAndSet('k', { n: 1 }, undefined);
      expect(first.ok).toBe(true);
      const eTag = (first as { eTag: string }).eTag;
      const second = await store.state.compareAndSet('k', { n: 2 }, eTag);
      expect(second.ok).toBe(true);
      const stale = await store.state.compareAndSet('k', { n: 3 }, eTag);
      expect(stale).toMatchObject({ ok: false, current: { value: { n: 2 } } });
      expect((await store.state.compareAndSet('k', { n: 4 }, '*')).ok).toBe(true);
      expect((await store.state.compareAndSet('new', { n: 1 }, 'made-up')).ok).toBe(true);
      expect((await store.state.get('k'))?.value).toEqual({ n: 4 });
      // Several keys in one read: those stored, the rest left out.
      expect(await store.state.getMany(['k', 'new', 'never'])).toEqual({ k: { value: { n: 4 }, eTag: expect.any(String) }, new: { value: { n: 1 }, eTag: expect.any(String) } });
      await store.state.delete('k');
      expect(await store.state.get('k')).toBeUndefined();
      await store.close();
    });
  });

  describe(`${name}: leases (a conversation's turns one at a time, on every instance)`, () => {
    const now = () => new Date(AT);
    const later = (ms: number) => new Date(Date.parse(AT) + ms);
    it('all keys or none; a held key is refused to others until released or run out; only its holder renews or releases it', async () => {
      const store = await fresh();
      const { leases } = store;
      expect(await leases.acquire(['conv', 'user-a'], 'h1', now(), later(30_000))).toBe(true);
      // Another turn of the same user in another chat: one key is held, so none is taken.
      expect(await leases.acquire(['user-a', 'conv-2'], 'h2', now(), later(30_000))).toBe(false);
      expect(await leases.acquire(['conv-2', 'user-b'], 'h3', now(), later(30_000))).toBe(true);
      // h2 did not keep conv-2 from its refused try: h3 has it, and h2 may not release h3's.
      await leases.release(['conv-2', 'user-b'], 'h2');
      expect(await leases.acquire(['conv-2'], 'h4', now(), later(30_000))).toBe(false);
      // Only the holder renews.
      expect(await leases.renew(['conv', 'user-a'], 'h1', later(60_000))).toBe(true);
      expect(await leases.renew(['conv'], 'h2', later(60_000))).toBe(false);
      // Renewed past 30 s: still held at 45 s; run out at 60 s, and then another may take it.
      expect(await leases.acquire(['conv'], 'h5', later(45_000), later(75_000))).toBe(false);
      expect(await leases.acquire(['conv'], 'h5', later(60_000), later(90_000))).toBe(true);
      // The old holder's renewal and release no longer touch it.
      expect(await leases.renew(['conv', 'user-a'], 'h1', later(120_000))).toBe(false);
      await leases.release(['conv', 'user-a'], 'h1');
      expect(await leases.acquire(['conv'], 'h6', later(61_000), later(91_000))).toBe(false);
      expect(await leases.acquire(['user-a'], 'h6', later(61_000), later(91_000))).toBe(true);
      await leases.release(['conv'], 'h5');
      expect(await leases.acquire(['conv'], 'h6', later(61_000), later(91_000))).toBe(true);
      await store.close();
    });

    it('a refused holder reserves the keys: when they are given back, it is next, not a newcomer; a reservation runs out', async () => {
      const store = await fresh();
      const { leases } = store;
      expect(await leases.acquire(['conv', 'user-a'], 'first', now(), later(30_000))).toBe(true);
      // Waiting on another instance: refused, and its first key (conv) reserved for 1 s.
      expect(await leases.acquire(['user-b', 'conv'], 'waiter', now(), later(30_000), later(1_000))).toBe(false);
      // user-b was free, and is not kept by the refused try.
      expect(await leases.acquire(['user-b'], 'someone', now(), later(30_000))).toBe(true);
      await leases.release(['user-b'], 'someone');
      await leases.release(['conv', 'user-a'], 'first');
      // The first holder's instance has its next turn ready at once: it must wait its turn.
      expect(await leases.acquire(['conv', 'user-a'], 'newcomer', later(10), later(30_000), later(1_010))).toBe(false);
      expect(await leases.acquire(['conv', 'user-b'], 'waiter', later(20), later(30_000), later(1_020))).toBe(true);
      // The newcomer tries again while the waiter holds it: now it has the reservation.
      expect(await leases.acquire(['conv', 'user-a'], 'newcomer', later(25), later(30_000), later(1_025))).toBe(false);
      await leases.release(['conv', 'user-b'], 'waiter');
      expect(await leases.acquire(['conv'], 'third', later(30), later(30_000))).toBe(false);
      expect(await leases.acquire(['conv', 'user-a'], 'newcomer', later(40), later(30_000))).toBe(true);
      await leases.release(['conv', 'user-a'], 'newcomer');
      // A waiter that went away: its reservation runs out and anyone may take the keys.
      expect(await leases.acquire(['conv'], 'holder', later(50), later(30_000))).toBe(true);
      expect(await leases.acquire(['conv'], 'gone', later(60), later(30_000), later(500))).toBe(false);
      await leases.release(['conv'], 'holder');
      expect(await leases.acquire(['conv'], 'other', later(100), later(30_000))).toBe(false);
      expect(await leases.acquire(['conv'], 'other', later(600), later(30_000))).toBe(true);
      await store.close();
    });

    it('many holders at once for the same keys: exactly one wins each round', async () => {
      const store = await fresh();
      for (let round = 0; round < 5; round++) {
        const tries = await Promise.all(Array.from({ length: 12 }, (_, i) => store.leases.acquire([`u${i % 3}`, 'conv', `u${(i + 1) % 3}`], `r${round}.h${i}`, now(), later(30_000)).then((ok) => (ok ? i : -1))));
        const winners = tries.filter((i) => i >= 0);
        expect(winners).toHaveLength(1);
        await store.leases.release(['conv', 'u0', 'u1', 'u2'], `r${round}.h${winners[0]}`);
      }
      await store.close();
    });
  });
}
