// One clock: only src/clock.ts (and the logger's own timestamps) read the system time, and the whole
// bot, run over HTTP on a test clock years away from today, stamps everything it keeps with that
// clock's time: records, audit entries, outbox messages and their delivery, staff and conversations.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/paths.js';
import { ALEX, execute, MEGAN, message, type Who } from './helpers/activities.js';
import { DAY_MS, TestClock } from './helpers/clock.js';
import { startConnector, type Connector } from './helpers/connector.js';
import { actionsOf } from './helpers/cardView.js';
import { pressOverHttp, startTestBot, type TestBot } from './helpers/server.js';

/** Reading the time without the clock: `new Date` with no arguments, `Date.now` (called or passed on), or `Date()` called as a function. */
const READS_TIME = /\bnew\s+Date\b(?!\s*\(\s*[^)\s])|\bDate\s*\.\s*now\b|(?<![\w.]|new\s+)Date\s*\(\s*\)/;

/** Where reading the system time is the point: the clock itself, and the logger's own timestamp. */
const ALLOWED: Record<string, RegExp> = {
  'src/clock.ts': /now: \(\) => new Date\(\)/,
  'src/log.ts': /time: new Date\(\)\.toISOString\(\)/,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.(ts|mts|js|mjs)$/.test(name) ? [full] : [];
  });
}

describe('one clock', () => {
  it('recognises every way of reading the time, and nothing else', () => {
    for (const bad of ['const t = new Date();', 'new Date ( )', 'const t = new Date;', 'x = Date.now()', 'Date . now()', 'const f = Date.now;', 'const s = Date();']) expect(bad).toMatch(READS_TIME);
    for (const fine of ['new Date(iso)', 'new Date(0)', 'Date.parse(s)', 'clock.now()', 'toDate()', 'isValidDate()', 'new Date(Date.UTC(y, m, d))', 'new Date (iso)', 'new Date(\n  iso)']) expect(fine).not.toMatch(READS_TIME);
  });

  it('only src/clock.ts and the logger read the system time in src/, rules/ and cards/', () => {
    const offenders: string[] = [];
    const allowedSeen = new Set<string>();
    for (const dir of ['src', 'rules', 'cards']) {
      for (const file of sourceFiles(path.join(projectRoot, dir))) {
        const rel = path.relative(projectRoot, file).split(path.sep).join('/');
        // The whole file, not line by line: arguments may start on the next line.
        const source = readFileSync(file, 'utf8');
        for (const m of source.matchAll(new RegExp(READS_TIME, 'g'))) {
          const lineNo = source.slice(0, m.index).split('\n').length;
          const line = source.split('\n')[lineNo - 1]!;
          if (ALLOWED[rel]?.test(line)) allowedSeen.add(rel);
          else offenders.push(`${rel}:${lineNo}: ${line.trim()}`);
        }
      }
    }
    expect(offenders, 'read the time from the injected Clock (services.clock, or the clock passed in) instead').toEqual([]);
    // The scan looks where the clock is: if these moved, the scan would be looking at nothing.
    expect([...allowedSeen].sort()).toEqual(Object.keys(ALLOWED).sort());
  });
});

describe('the whole bot on a test clock', () => {
  const ADELE: Who = { id: '29:adele', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-000000000022' };
  const LEE: Who = { id: '29:lee', name: 'Lee Gu', aadObjectId: '00000000-0000-0000-0000-000000000023' };
  const CHANNEL = '19:visitation@thread.tacv2';
  let connector: Connector | undefined;
  let bot: TestBot | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await bot?.close();
    await connector?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stamps every record, audit entry, outbox message, staff member and conversation with the clock\'s time, not the system\'s', async () => {
    // Seven years from today, whatever today is: far from the system time (and from faketime's).
    const today = Date.now();
    const start = new Date(today + 7 * 365 * DAY_MS);
    start.setUTCHours(10, 0, 0, 0);
    const clock = new TestClock(start.toISOString());
    connector = await startConnector();
    dir = mkdtempSync(path.join(tmpdir(), 'aa-clock-'));
    const roles = path.join(dir, 'roles.json');
    writeFileSync(roles, JSON.stringify({ staff: [
      { aadObjectId: ALEX.aadObjectId, roles: ['activityStaff', 'admin'] },
      { aadObjectId: ADELE.aadObjectId, roles: ['visitator'] },
      { aadObjectId: MEGAN.aadObjectId, roles: ['dementiaCoordinator'] },
      { aadObjectId: LEE.aadObjectId, roles: ['preventiveVisitor'] },
    ] }));
    const dataDir = path.join(dir, 'data');
    bot = await startTestBot({ DATA_DIR: dataDir, ROLES_FILE: roles, OUTBOX_RETRY_BASE_MS: '50' }, { clock });
    const as = (from: Who, channel = false) => ({ serviceUrl: connector!.url, from, ...(channel ? { conversationType: 'channel' as const, conversationId: `${CHANNEL};messageid=1` } : {}) });
    const ok = async (activity: unknown) => expect((await bot!.post(activity)).status).toBe(200);

    for (const who of [ALEX, ADELE, MEGAN, LEE]) await ok(message('hej', as(who)));
    await ok(message('sæt som visitationskanal', as(ADELE, true)));
    clock.advance(3600_000);
    await ok(execute('referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'relative', reason: 'Vil gerne i gang' }, as(ALEX)));
    const [referral] = await bot.store.referrals.listOpen();
    await bot.outbox.drained();
    await ok(execute('referral.take', { rid: referral!.id }, { ...as(ADELE, true), replyToId: 'card-1' }));
    for (const [who, service] of [[MEGAN, 'demens'], [LEE, 'forebyggende']] as const) {
      await ok(execute('visits.attach', { cpr: '010150-1234', name: 'Jens Hansen', service, purpose: 'Følges', reason: 'Koordinering' }, as(who)));
    }
    const citizen = (await bot.store.citizens.findByCpr('0101501234'))!;
    const day = (n: number) => new Date(clock.now().getTime() + n * DAY_MS).toISOString().slice(0, 10);
    await ok(execute('visits.plan', { citizenId: citizen.id, date: day(3), time: '10:00', purpose: 'Demensopfølgning', openForJoint: 'yes' }, as(MEGAN)));
    const overlap = (await pressOverHttp(bot, connector!, 'visits.plan', { citizenId: citizen.id, date: day(4), time: '10:00', purpose: 'Forebyggende besøg', openForJoint: 'yes' }, as(LEE))).body.value;
    const coordinate = actionsOf(overlap).find((a: any) => a.verb === 'visits.coordinate');
    expect(coordinate, 'the overlap card offers to coordinate').toBeDefined();
    await ok(execute('visits.coordinate', coordinate.data, as(LEE)));
    await ok(execute('roles.save', { person: LEE.aadObjectId, roles: 'preventiveVisitor,networkWorker' }, as(ALEX)));
    await bot.outbox.drained();
    const sent = await bot.store.outbox.listByTopic('referral.card', referral!.id);
    expect(sent[0]?.sent?.at).toBe(new Date(start.getTime() + 3600_000).toISOString());
    expect((await bot.store.audit.forCitizen(citizen.id)).length).toBeGreaterThan(0);
    await bot.close();
    bot = undefined;

    // Everything the bot kept, as written to disk: every instant must come from the test clock.
    const kept = readdirSync(dataDir).filter((f) => statSync(path.join(dataDir, f)).isFile()).map((f) => readFileSync(path.join(dataDir, f), 'utf8')).join('\n');
    const instants = [...kept.matchAll(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g)].map((m) => m[0]);
    expect(instants.length).toBeGreaterThan(20);
    // From the clock's start to the end of a yearly follow-up, at most: never today's date. (Visit
    // events carry the middle of the clock's month, which may be before its start.)
    const foreign = instants.filter((at) => Date.parse(at) < start.getTime() - 31 * DAY_MS || Date.parse(at) > start.getTime() + 400 * DAY_MS);
    expect(foreign, `instants not from the test clock (it started ${start.toISOString()})`).toEqual([]);
  });
});
