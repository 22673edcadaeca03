// Moving a municipality's data from the embedded store to PostgreSQL (src/store/copy.ts and
// npm run store:copy): everything arrives, the counts per kind match, case numbers go on, and a
// database that already holds data is refused, with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { copyToPostgres, NotEmptyError } from '../../src/store/copy.js';
import { openLowdbStore } from '../../src/store/lowdb/index.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { projectRoot } from '../../src/paths.js';
import type { StaffKey } from '../../src/store/types.js';
import { TestClock } from '../helpers/clock.js';
import { clockEnv } from '../helpers/childEnv.js';
import { startTestDatabase, type TestDatabase } from '../helpers/postgres.js';

const AT = '2026-11-24T09:00:00.000Z';
const clock = new TestClock(AT);
const ALEX: StaffKey = { tenantId: 't', aadObjectId: 'a1' };
let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await startTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'aa-copy-'));
}, 60_000);
afterAll(async () => {
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const KEY = 'the-register-key-of-thirty-two-characters';

async function embeddedWithData(at: string) {
  mkdirSync(at, { recursive: true });
  const store = await openLowdbStore(at, { clock, cprPseudonymKey: KEY });
  await store.transaction(async (tx) => {
    const member = await tx.staff.touch(ALEX, { name: 'Alex Wilber' }, AT);
    await tx.staff.save({ ...member, roles: ['visitator'] });
    await tx.citizens.save({ id: 'c1', cpr: '0101501234', name: 'Jens Hansen', createdAt: AT, updatedAt: AT });
    await tx.screenings.save({ id: 's1', citizenId: 'c1', author: ALEX, status: 'done', createdAt: AT, updatedAt: AT, data: { x: 1 } });
    const caseNumber = await tx.referrals.nextCaseNumber(2026);
    await tx.referrals.save({ id: 'r1', caseNumber, citizenId: 'c1', status: 'decided', createdAt: AT, updatedAt: AT, source: { kind: 'direct', by: ALEX }, followUpDueAt: '2027-11-24T08:00:00.000Z', data: {} });
    await tx.visits.save({ id: 'v1', citizenId: 'c1', staff: ALEX, at: AT, service: 'dementia', status: 'planned', createdAt: AT, updatedAt: AT, data: {} });
    await tx.attachments.save({ id: 'a1', citizenId: 'c1', staff: ALEX, service: 'dementia', purpose: 'x', since: AT, status: 'active' });
    await tx.coordinations.save({ id: 'k1', citizenId: 'c1', planner: ALEX, plannerVisitId: 'v1', colleague: ALEX, colleagueVisitId: 'v1', status: 'pending', createdAt: AT });
    await tx.visitEvents.append({ at: AT, service: 'dementia', kind: 'planned' });
    await tx.caseCounts.add({ month: '2026-11', kind: 'decided', value: 'centre', centre: 'nord' }, 2);
    await tx.countingWeeks.append({ at: '2026-11-02T00:00:00.000Z', centre: 'nord', year: 2026, season: 'autumn', users: 300 });
    await tx.countingWeeks.append({ at: '2026-11-01T00:00:00.000Z', centre: 'nord', year: 2026, season: 'autumn', users: 310 });
    await tx.outbox.save({ id: 'm1', idempotencyKey: 'k', target: { kind: 'user', user: ALEX }, operation: 'send', payload: { text: 'hej' }, status: 'pending', attempts: 0, nextAttemptAt: AT, createdAt: AT, updatedAt: AT });
    for (const what of ['first', 'second', 'third']) await tx.audit.append({ actor: ALEX, citizenId: 'c1', action: 'read', purpose: 'test', what });
    await tx.conversations.save({ id: 'a:1', kind: 'personal', tenantId: 't', user: ALEX, reference: { r: 1 }, updatedAt: AT });
    await tx.state.compareAndSet('state-key', { n: 1 }, undefined);
    await tx.settings.set('visitationChannel', { conversationId: '19:x' });
    // A former citizen (in the register, under a pseudonym of the CPR number).
    await tx.citizens.save({ id: 'c9', cpr: '0909501234', name: 'Tidligere Borger', createdAt: AT, updatedAt: AT });
    await tx.citizens.delete('c9');
    await tx.files.save({ id: 'f1', owner: ALEX, name: 'statistik.csv', contentType: 'text/csv', content: 'a;b', createdAt: AT, expiresAt: '2099-01-01T00:00:00.000Z' });
  });
  // Edited twice since: version 3.
  for (const status of ['decided', 'closed'] as const) await store.referrals.save({ ...(await store.referrals.get('r1'))!, status });
  return store;
}

describe('moving the embedded store into PostgreSQL', () => {
  it('copies every kind of data, the counts match, and case numbers go on from where they were', async () => {
    const from = await embeddedWithData(path.join(dir, 'a'));
    const to = await openPostgresStore({ connectionString: db.url, schema: db.schema(), clock, cprPseudonymKey: KEY });
    try {
      const report = await copyToPostgres(from.engine, to);
      expect(report.ok).toBe(true);
      expect(await to.citizens.formerIds('0909501234')).toEqual(['c9']);
      expect(report.kinds.every((k) => k.embedded > 0)).toBe(true);
      expect(await to.staff.get(ALEX)).toMatchObject({ name: 'Alex Wilber', roles: ['visitator'], version: (await from.staff.get(ALEX))!.version });
      // Versions as they were: a card or a message key that carries one means the same after the move.
      for (const id of ['r1']) expect((await to.referrals.get(id))!.version).toBe((await from.referrals.get(id))!.version);
      expect((await to.visits.get('v1'))!.version).toBe((await from.visits.get('v1'))!.version);
      expect((await to.citizens.findByCpr('0101501234'))?.name).toBe('Jens Hansen');
      expect((await to.referrals.followUpsDue(new Date('2028-01-01T00:00:00Z'))).map((r) => r.id)).toEqual(['r1']);
      expect((await to.referrals.get('r1'))!.version).toBe(3);
      expect((await to.audit.forCitizen('c1')).map((e) => e.what)).toEqual(['first', 'second', 'third']);
      expect(await to.settings.get('visitationChannel')).toEqual({ conversationId: '19:x' });
      expect((await to.state.get('state-key'))?.value).toEqual({ n: 1 });
      expect((await to.files.get('f1'))?.content).toBe('a;b');
      expect(await to.caseCounts.since('2000-01')).toEqual([{ month: '2026-11', kind: 'decided', value: 'centre', centre: 'nord', n: 2 }]);
      // In the order recorded, not by their times: the later record stands.
      expect((await to.countingWeeks.all()).map((w) => w.users)).toEqual([300, 310]);
      expect(await to.referrals.nextCaseNumber(2026)).toBe('V-2026-0002');
      // Copied again into a database that now holds data: refused, nothing written.
      const refused = await copyToPostgres(from.engine, to).catch((e) => e);
      expect(refused).toBeInstanceOf(NotEmptyError);
      expect(await to.citizens.count()).toBe(1);
    } finally {
      await to.close();
      await from.close();
    }
  });

  it('npm run store:copy refuses a database that is not empty, and says so', async () => {
    const dataDir = path.join(dir, 'b');
    await (await embeddedWithData(dataDir)).close();
    // A database of its own, as the command would be given.
    const url = new URL(await db.database());
    const taken = await openPostgresStore({ connectionString: url.toString(), clock });
    await taken.citizens.save({ id: 'other', cpr: '0202602345', name: 'Else Berg', createdAt: AT, updatedAt: AT });
    await taken.close();
    const run = spawnSync(process.execPath, [path.join(projectRoot, 'dist/src/copyStore.js')], {
      env: { ...clockEnv(), PATH: process.env.PATH ?? '', DATA_DIR: dataDir, DATABASE_URL: url.toString() },
      encoding: 'utf8',
    });
    expect(run.stderr + run.stdout).toMatch(/already holds data \(citizens: 1\)/);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/already holds data \(citizens: 1\)/);
  });
});
