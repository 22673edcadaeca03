// Ten thousand hostile requests against the real bot running as a child process (a crash is an
// exit): broken bodies, compressed and over-sized ones, deep nesting and prototype keys; wrong types
// in every activity field the bot reads; forged, stale, wrong-typed and another user's card payloads
// for every verb; bad tokens. Most carry a valid token from the test OpenID stand-in, so they reach
// the turn. Counted: answers by kind and status, exits, failed turns (from the log), lines that are
// not JSON on the bot's output, and what each request changed on disk. Required: no exit, no 5xx, no
// failed turn; a 4xx changes no stored byte; a refused card press changes nothing but the person's
// last-seen time and turn state. The figures are printed and kept in test-results/fuzz.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync, deflateSync } from 'node:zlib';
import { projectRoot } from '../../src/paths.js';
import { execute, message, submitted, TENANT, type Who } from '../helpers/activities.js';
import { startChildBot, type ChildBot } from '../helpers/childBot.js';
import { startConnector, type Connector } from '../helpers/connector.js';
import { startOpenIdStandIn, type OpenIdStandIn } from '../helpers/openid.js';

const APP_ID = '66666666-6666-4666-8666-666666666666';
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const TOTAL = { raw: 1_000, http: 500, activity: 3_000, press: 5_500, token: 500 };

const who = (n: number, name: string): Who => ({ id: `29:${name.toLowerCase()}`, name, aadObjectId: `00000000-0000-0000-0000-0000000009${String(n).padStart(2, '0')}` });
const ALEX = who(1, 'Alex');
const PATTI = who(2, 'Patti');
const ADELE = who(3, 'Adele');
const MEGAN = who(4, 'Megan');
const LEE = who(5, 'Lee');
const NESTOR = who(6, 'Nestor');
const PEOPLE = [ALEX, PATTI, ADELE, MEGAN, LEE, NESTOR];
const CHANNEL = '19:fuzz-visitation@thread.tacv2';

// ---------------------------------------------------------------------------------------------
// A seeded generator, so a failure can be replayed (FUZZ_SEED).

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const uuid = () => 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(rnd() * 16).toString(16));

/** Values no card of ours sends: wrong types, extremes, keys with meaning to JavaScript, markup. */
function hostile(): unknown {
  return pick<() => unknown>([
    () => Math.floor(rnd() * 1e9) - 5e8,
    () => -1,
    () => 1.5,
    () => 1e308,
    () => true,
    () => false,
    () => null,
    () => [],
    () => [1, 'a', null],
    () => ({}),
    () => ({ nested: { deeper: { value: 'x' } } }),
    () => '',
    () => ' ',
    () => 'x'.repeat(5_000),
    () => '__proto__',
    () => 'constructor',
    () => 'toString',
    () => 'hasOwnProperty',
    () => uuid(),
    () => '00000000-0000-0000-0000-000000000000',
    () => '<script>alert(1)</script>',
    () => "'; DROP TABLE citizens; --",
    () => '${jndi:ldap://x}',
    () => '\u0000\u0001\u202e',
    () => '😀'.repeat(50),
    () => 'NaN',
    () => '-0',
    () => '9'.repeat(40),
    () => '2026-02-30',
    () => '25:61',
    () => 'yes',
    () => 'no',
  ])();
}

// ---------------------------------------------------------------------------------------------
// The bot as a child, its data on disk, and the requests.

let openid: OpenIdStandIn;
let connector: Connector;
let bot: ChildBot;
let botUrl: string;
let workDir: string;
let dataDir: string;
let token: string;
const exitsOf = () => bot?.exits() ?? 0;

async function startBot(): Promise<void> {
  openid = await startOpenIdStandIn();
  connector = await startConnector();
  workDir = mkdtempSync(path.join(tmpdir(), 'aa-fuzz-'));
  dataDir = path.join(workDir, 'data');
  const roles = path.join(workDir, 'roles.json');
  writeFileSync(roles, JSON.stringify({ staff: [
    { aadObjectId: ALEX.aadObjectId, roles: ['activityStaff', 'admin'] },
    { aadObjectId: PATTI.aadObjectId, roles: ['activityStaff'] },
    { aadObjectId: ADELE.aadObjectId, roles: ['visitator'] },
    { aadObjectId: MEGAN.aadObjectId, roles: ['dementiaCoordinator'] },
    { aadObjectId: LEE.aadObjectId, roles: ['preventiveVisitor'] },
    { aadObjectId: NESTOR.aadObjectId, roles: ['manager'] },
  ] }));
  bot = await startChildBot({
    DATA_DIR: dataDir,
    BOT_ID: APP_ID,
    BOT_PASSWORD: 'not-a-real-secret',
    BOT_TENANT_ID: TENANT,
    BOT_OPENID_METADATA_URL: openid.metadataUrl,
    ROLES_FILE: roles,
    MAX_BODY_BYTES: '65536',
    OUTBOX_RETRY_BASE_MS: '100',
  }, workDir);
  botUrl = bot.url;
  token = openid.token({ aud: APP_ID, serviceUrl: connector.url }, { expiresInSeconds: 3 * 3600 });
}

interface Answer {
  status: number;
  body: string;
}

function send(body: Buffer | string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(`${botUrl}/api/messages`, { method: 'POST', headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: '' }));
    });
    // A refused body may be cut off by the bot before it is all sent: the answer came first.
    req.on('error', () => resolve({ status: -1, body: '' }));
    req.end(body);
  });
}

const auth = (t = token) => ({ 'Content-Type': 'application/json', Authorization: `Bearer ${t}` });
const post = (activity: unknown) => send(JSON.stringify(activity), auth());
const personal = (from: Who) => ({ serviceUrl: connector.url, from, tenantId: TENANT });
const inChannel = (from: Who) => ({ ...personal(from), conversationType: 'channel' as const, conversationId: `${CHANNEL};messageid=1` });
const press = async (verb: string, data: Record<string, unknown>, from: Who) => {
  const res = await post(execute(verb, data, personal(from)));
  return { ...res, card: res.body ? JSON.parse(res.body)?.value : undefined };
};

// ---------------------------------------------------------------------------------------------
// What changed on disk: the store's log only grows (no compaction below 64 MB), so the bytes
// appended during a request are exactly what it changed.

function walFiles(): { name: string; size: number }[] {
  return readdirSync(dataDir)
    .filter((f) => /^wal-\d+\.log$/.test(f))
    .map((f) => ({ name: f, size: statSync(path.join(dataDir, f)).size }));
}
function diskMark(): { wal: string; snapshot: string } {
  const snap = path.join(dataDir, 'snapshot.jsonl');
  let snapshot = '';
  try {
    const s = statSync(snap);
    snapshot = `${s.size}:${s.mtimeMs}`;
  } catch {
    /* none yet */
  }
  return { wal: walFiles().map((f) => `${f.name}:${f.size}`).join(','), snapshot };
}
let walOffset = new Map<string, number>();
/** A log line's changes: one, or a transaction's ({ t: [...] }). */
const changesIn = (line: any): { c: string; k: string; v?: any; d?: 1 }[] => (Array.isArray(line.t) ? line.t : [line]);
function appendedLines(): { c: string; k: string; v?: any; d?: 1 }[] {
  const lines: { c: string; k: string; v?: any; d?: 1 }[] = [];
  for (const f of walFiles()) {
    const from = walOffset.get(f.name) ?? 0;
    if (f.size > from) {
      const text = readFileSync(path.join(dataDir, f.name)).subarray(from, f.size).toString('utf8');
      for (const l of text.split('\n')) if (l) lines.push(...changesIn(JSON.parse(l)));
      walOffset.set(f.name, f.size);
    }
  }
  return lines;
}
/** Staff records as last written: a refused press may change a person's lastSeen, nothing else. */
const staffNow = new Map<string, any>();
/** Outbox messages that exist: the worker updates them in the background (claims, sent). */
const outboxKnown = new Set<string>();
function track(lines: ReturnType<typeof appendedLines>): void {
  for (const l of lines) {
    if (l.c === 'staff' && l.v) staffNow.set(l.k, l.v);
    if (l.c === 'outbox') outboxKnown.add(l.k);
  }
}

async function quiet(): Promise<void> {
  // Background work (the outbox) done: the log stops growing.
  let last = diskMark().wal;
  let stable = 0;
  for (let i = 0; i < 200 && stable < 5; i++) {
    await new Promise((r) => setTimeout(r, 60));
    const now = diskMark().wal;
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  track(appendedLines());
}

// ---------------------------------------------------------------------------------------------
// Figures

type Kind = string;
const byKind = new Map<Kind, Map<number, number>>();
const violations: string[] = [];
let failedTurnsBefore = 0;
const count = (kind: Kind, status: number) => {
  const m = byKind.get(kind) ?? new Map<number, number>();
  m.set(status, (m.get(status) ?? 0) + 1);
  byKind.set(kind, m);
};
const failedTurns = () => bot.logs.filter((l) => /"msg":"(turn failed|request failed)"/.test(l)).length;

/** A request that must be refused at the edge or the token: a 4xx, and no stored byte changed. */
async function expectRefused(kind: Kind, body: Buffer | string, headers: Record<string, string>): Promise<void> {
  const before = diskMark();
  const res = await send(body, headers);
  count(kind, res.status);
  if (!(res.status >= 400 && res.status < 500)) violations.push(`${kind}: expected 4xx, got ${res.status} ${res.body.slice(0, 200)}`);
  const after = diskMark();
  if (after.wal !== before.wal || after.snapshot !== before.snapshot) violations.push(`${kind}: a ${res.status} changed stored data`);
  appendedLines();
}

let presses = 0;
/**
 * A press's body, sent the two ways a button reaches the bot, in turn: Action.Execute (an invoke,
 * answered in the HTTP response) and Action.Submit (a message, answered by replacing the card through
 * the Bot Connector). `data` as a string is raw JSON, for payloads JSON.stringify cannot make.
 */
function pressBody(verb: string, data: Record<string, unknown> | string, from: Who): { body: string; replyToId?: string } {
  if (presses++ % 2 === 0) {
    const activity = execute(verb, typeof data === 'string' ? {} : data, personal(from));
    return { body: typeof data === 'string' ? JSON.stringify(activity).replace('"data":{}', `"data":${data}`) : JSON.stringify(activity) };
  }
  const replyToId = `card-${presses}`;
  const activity = submitted(verb, typeof data === 'string' ? {} : data, { ...personal(from), replyToId });
  const raw = typeof data === 'string' ? data.replace(/^\{/, `{"verb":${JSON.stringify(verb)},`) : undefined;
  return { body: raw ? JSON.stringify({ ...activity, value: '__RAW__' }).replace('"__RAW__"', raw) : JSON.stringify(activity), replyToId };
}

/** Presses sent as Action.Submit that the bot answered by replacing the card. */
let submitAnswered = 0;
/** The card a press was answered with: in the invoke's answer, or the one that replaced the pressed card. */
async function answeredCard(res: Answer, replyToId: string | undefined): Promise<any> {
  if (!replyToId) return JSON.parse(res.body)?.value;
  const put = (calls: typeof connector.calls) => calls.find((c) => c.method === 'PUT' && c.activityId === replyToId);
  await connector.waitFor((calls) => !!put(calls), 10_000).catch(() => undefined);
  const card = put(connector.calls)?.body?.attachments?.[0]?.content;
  if (card) submitAnswered++;
  return card;
}

/** A card press that must be refused: answered (200, a card), and nothing changed but lastSeen and turn state. */
async function expectRefusedPress(kind: Kind, verb: string, data: Record<string, unknown> | string, from: Who): Promise<void> {
  const { body, replyToId } = pressBody(verb, data, from);
  const res = await send(body, auth());
  count(kind, res.status);
  if (res.status !== 200) violations.push(`${kind} ${verb}: expected 200, got ${res.status} ${res.body.slice(0, 200)}`);
  else if (!(await answeredCard(res, replyToId))?.type) violations.push(`${kind} ${verb}${replyToId ? ' (Action.Submit)' : ''}: no card in the answer`);
  for (const line of appendedLines()) {
    if (line.c === 'state') continue;
    // The outbox worker finishing earlier messages (claims, sent) in the background; never a new message.
    if (line.c === 'outbox' && outboxKnown.has(line.k)) continue;
    if (line.c === 'staff' && line.v) {
      const before = staffNow.get(line.k);
      const { lastSeen: _a, ...rest } = line.v;
      const { lastSeen: _b, ...was } = before ?? {};
      if (before && JSON.stringify(rest) === JSON.stringify(was)) {
        staffNow.set(line.k, line.v);
        continue;
      }
    }
    violations.push(`${kind} ${verb} by ${from.name}: changed ${line.c}/${line.k} (${JSON.stringify(line.v ?? 'deleted').slice(0, 160)})`);
    track([line]);
  }
}

/** A request that may pass or be refused: never a 5xx, never a failed turn (checked at the end). */
async function expectAnswered(kind: Kind, body: string, headers = auth()): Promise<Answer> {
  const res = await send(body, headers);
  count(kind, res.status);
  if (res.status >= 500 || res.status <= 0) violations.push(`${kind}: ${res.status} ${res.body.slice(0, 200)}`);
  track(appendedLines());
  return res;
}

// ---------------------------------------------------------------------------------------------
// Real state for the payloads to point at: a draft, a done screening, referrals, visits, a coordination.

interface World {
  draft: { sid: string; rev: number };
  doneSid: string;
  decided: string;
  open: string;
  citizenId: string;
  meganVisit: string;
  leeVisit: string;
  cancelledVisit: string;
  coordination: string;
}

const actionOf = (card: any, verb: string): any => {
  let found: any;
  const walk = (n: any) => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    if (n.verb === verb || n.data?.verb === verb) found = n;
    Object.values(n).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`No ${verb} on ${JSON.stringify(card).slice(0, 500)}`);
  // Action.Execute carries the verb beside its data, Action.Submit (the default) inside it.
  const { verb: _verb, ...data } = found.data ?? {};
  return data;
};

async function buildWorld(): Promise<World> {
  for (const p of PEOPLE) expect((await post(message('hej', personal(p)))).status).toBe(200);
  expect((await post(message('sæt som visitationskanal', inChannel(ADELE)))).status).toBe(200);
  // Alex screens a citizen to a referral.
  let card = (await press('screening.start', {}, ALEX)).card;
  const step = async (verb: string, inputs: Record<string, unknown> = {}) => (card = (await press(verb, { ...actionOf(card, verb), ...inputs }, ALEX)).card);
  await step('screening.submit', { cpr: '010150-1234', name: 'Jens Hansen', livesAtHome: 'yes', specialStaff: 'no' });
  await step('screening.add', { activity: 'Gå ture', subArea: 'activeRecreation', importance: '9' });
  await step('screening.submit');
  const chosen = JSON.stringify(card).match(/"id":"chosen"[^}]*"value":"([^"]+)"/)![1]!;
  await step('screening.submit', { chosen });
  const perf = JSON.stringify(card).match(/"id":"(perf_[^"]+)"/)![1]!;
  await step('screening.submit', { [perf]: '4', [perf.replace('perf_', 'sat_')]: '3' });
  await step('screening.submit', { activitySupport: 'extensiveComplete', relationSupport: 'none', careDuringHours: 'yes', transport: 'mobility' });
  const doneSid = actionOf(card, 'screening.confirm').sid;
  await step('screening.confirm');
  // A second screening left as a draft at the activities step.
  card = (await press('screening.start', {}, ALEX)).card;
  await step('screening.submit', { cpr: '120340-2222', name: 'Else Berg', livesAtHome: 'yes', specialStaff: 'no' });
  const draft = actionOf(card, 'screening.submit');
  // Adele takes and decides the screening's referral; Lee refers another directly (left new).
  await quiet();
  const referrals = await listReferrals();
  const decided = referrals[0]!;
  let v = (await press('referral.take', { rid: decided }, ADELE)).card;
  v = (await press('referral.triage', { rid: decided, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, ADELE)).card;
  await press('referral.decide', { ...actionOf(v, 'referral.decide'), offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'Fællesskab' }, ADELE);
  await press('referral.createDirect', { cpr: '020245-3333', name: 'Karen Holm', askedBy: 'citizen', reason: 'Vil gerne i gang' }, LEE);
  const open = (await listReferrals()).find((r) => r !== decided)!;
  // Megan and Lee follow Jens; their visits overlap; Lee asks Megan to coordinate; one visit cancelled.
  for (const [p, service] of [[MEGAN, 'demens'], [LEE, 'forebyggende']] as const) await press('visits.attach', { cpr: '010150-1234', name: 'Jens Hansen', service, purpose: 'Følges', reason: 'Koordinering' }, p);
  const mine = (await press('visits.mine', {}, MEGAN)).card;
  const citizenId = JSON.stringify(mine).match(/"citizenId":"([0-9a-f-]{36})"/)![1]!;
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  await press('visits.plan', { citizenId, date: day(3), time: '10:00', purpose: 'Demensopfølgning', openForJoint: 'yes' }, MEGAN);
  const overlap = (await press('visits.plan', { citizenId, date: day(4), time: '10:00', purpose: 'Forebyggende', openForJoint: 'yes' }, LEE)).card;
  const coordinate = actionOf(overlap, 'visits.coordinate');
  await press('visits.coordinate', coordinate, LEE);
  const week = (await press('visits.week', {}, MEGAN)).card;
  const meganVisit = actionOf(week, 'visits.changeStart').vid;
  const later = (await press('visits.plan', { citizenId, date: day(40), time: '09:00', purpose: 'Senere', openForJoint: 'no' }, LEE)).card;
  const lw = (await press('visits.week', {}, LEE)).card;
  const leeVisits = JSON.stringify(lw).match(/"vid":"([0-9a-f-]{36})"/g)!.map((m) => m.slice(7, -1));
  const cancelledVisit = leeVisits.at(-1)!;
  await press('visits.cancel', { vid: cancelledVisit, why: 'notNeeded' }, LEE);
  expect(later).toBeDefined();
  await quiet();
  const coordination = coordinationId();
  return { draft, doneSid, decided, open, citizenId, meganVisit, leeVisit: coordinate.vid, cancelledVisit, coordination };
}

/** Ids as the store wrote them (the test reads the log, as it reads every change). */
function records(collection: string): Map<string, any> {
  const out = new Map<string, any>();
  for (const f of walFiles().sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))) {
    for (const l of readFileSync(path.join(dataDir, f.name), 'utf8').split('\n')) {
      if (!l) continue;
      for (const e of changesIn(JSON.parse(l))) {
        if (e.c !== collection) continue;
        if (e.d) out.delete(e.k);
        else out.set(e.k, e.v);
      }
    }
  }
  return out;
}
async function listReferrals(): Promise<string[]> {
  return [...records('referrals').values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((r) => r.id);
}
function coordinationId(): string {
  return [...records('coordinations').keys()][0]!;
}

// ---------------------------------------------------------------------------------------------
// The verbs and the fields each reads.

const VERBS: Record<string, string[]> = {
  'help.show': [],
  'flow.open': ['flow'],
  'screening.start': [],
  'screening.reassess': [],
  'screening.resume': ['sid'],
  'screening.discard': ['sid', 'rev', 'kind'],
  'screening.submit': ['sid', 'rev', 'cpr', 'name', 'livesAtHome', 'specialStaff', 'under65Reason', 'chosen', 'activitySupport', 'relationSupport', 'careDuringHours', 'transport'],
  'screening.add': ['sid', 'rev', 'activity', 'subArea', 'importance'],
  'screening.remove': ['sid', 'rev', 'pid'],
  'screening.back': ['sid', 'rev'],
  'screening.cancel': ['sid', 'rev'],
  'screening.cancelYes': ['sid', 'rev'],
  'screening.confirm': ['sid', 'rev'],
  'screening.override': ['sid', 'rev', 'offer', 'reason'],
  'screening.fullCpr': ['sid'],
  'referral.form': [],
  'referral.createDirect': ['cpr', 'name', 'askedBy', 'reason', 'unit'],
  'queue.show': [],
  'referral.open': ['rid'],
  'referral.refresh': ['rid'],
  'referral.take': ['rid'],
  'referral.refuseStart': ['rid'],
  'referral.refuse': ['rid', 'reason'],
  'referral.handoverStart': ['rid'],
  'referral.handover': ['rid', 'to'],
  'referral.triageStart': ['rid'],
  'referral.triage': ['rid', 'fs_3', 'fs_5', 'fs_6', 'fs_7'],
  'referral.decide': ['rid', 'v', 'offer', 'purpose', 'startDate', 'trainingByCarer', 'services', 'centre', 'daysPerWeek', 'transport'],
  'referral.followUp': ['rid', 'result'],
  'visitation.setChannel': [],
  'visits.mine': [],
  'visits.week': [],
  'visits.stats': ['csv', 'filterCentre', 'filterMonth'],
  'figures.countStart': [],
  'figures.count': ['centre', 'week', 'users'],
  'figures.countRemove': ['centre', 'week'],
  'visits.attachStart': ['offer'],
  'visits.attach': ['cpr', 'name', 'service', 'purpose', 'reason', 'offer'],
  'visits.citizen': ['citizenId'],
  'visits.detachStart': ['citizenId'],
  'visits.detach': ['citizenId', 'reason'],
  'visits.planStart': ['citizenId'],
  'visits.plan': ['citizenId', 'date', 'time', 'purpose', 'openForJoint', 'relativesByVideo'],
  'visits.keep': ['vid', 'reason'],
  'visits.discard': ['vid'],
  'visits.merge': ['vid', 'with'],
  'visits.coordinate': ['vid', 'with'],
  'visits.answer': ['cid', 'answer', 'reason'],
  'visits.changeStart': ['vid'],
  'visits.move': ['vid', 'date', 'time'],
  'visits.cancelStart': ['vid'],
  'visits.cancel': ['vid', 'why', 'note'],
  'visits.shareStart': ['citizenId'],
  'visits.share': ['citizenId', 'to', 'reason'],
  'roles.start': [],
  'roles.pick': ['person'],
  'roles.save': ['person', 'roles'],
  'audit.start': [],
  'audit.export': ['cpr'],
};
/** Verbs that show something and take no id: a forged payload is just a press, and may read (and audit) or start a draft. */
const VIEWS = new Set(Object.entries(VERBS).filter(([, keys]) => !keys.some((k) => ['sid', 'rid', 'vid', 'cid', 'citizenId', 'person', 'cpr'].includes(k))).map(([v]) => v));

function forged(verb: string): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const k of VERBS[verb]!) if (rnd() < 0.8) data[k] = hostile();
  if (rnd() < 0.3) data[pick(['constructor', 'prototype', 'toString', 'x'.repeat(300)])] = hostile();
  return data;
}

// ---------------------------------------------------------------------------------------------

describe('ten thousand hostile requests against the bot as a child process', () => {
  let world: World;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    await startBot();
    world = await buildWorld();
    failedTurnsBefore = failedTurns();
    walOffset = new Map(walFiles().map((f) => [f.name, f.size]));
    track(appendedLines());
    for (const [k, v] of records('staff')) staffNow.set(k, v);
  }, 120_000);

  afterAll(async () => {
    await bot?.stop();
    await connector?.close();
    await openid?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('the world the payloads point at is real', () => {
    expect(world.draft.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(world.coordination).toMatch(/^[0-9a-f-]{36}$/);
    expect(failedTurnsBefore).toBe(0);
  });

  it('raw bodies: broken, compressed, over-sized, deeply nested, prototype keys, wrong media types', async () => {
    const valid = JSON.stringify(message('hjælp', personal(ALEX)));
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    const cases: [string, () => Promise<void>][] = [
      ['raw: broken JSON', () => expectRefused('raw: broken JSON', valid.slice(0, Math.floor(rnd() * valid.length)) + pick(['', '}', ']', ',', '"', '\\']), auth())],
      ['raw: not an activity', () => expectRefused('raw: not an activity', JSON.stringify(pick([[], 1, 'x', null, true, {}, { type: 'message' }, [message('hjælp', personal(ALEX))]])), auth())],
      ['raw: empty', () => expectRefused('raw: empty', '', auth())],
      ['raw: gzip junk', () => expectRefused('raw: gzip junk', Buffer.from(`not gzip ${rnd()}`), { ...auth(), 'Content-Encoding': 'gzip' })],
      ['raw: gzip of a valid activity', () => expectRefused('raw: gzip of a valid activity', gzipSync(valid), { ...auth(), 'Content-Encoding': pick(['gzip', 'GZIP', 'x-gzip']) })],
      ['raw: deflate/br', () => expectRefused('raw: deflate/br', deflateSync(valid), { ...auth(), 'Content-Encoding': pick(['deflate', 'br', 'compress', 'identity, gzip']) })],
      ['raw: gzip bomb', () => expectRefused('raw: gzip bomb', bomb, { ...auth(), 'Content-Encoding': 'gzip' })],
      ['raw: over-sized', () => expectRefused('raw: over-sized', JSON.stringify(message('x'.repeat(70_000 + Math.floor(rnd() * 50_000)), personal(ALEX))), auth())],
      [
        'raw: deep nesting',
        () => {
          // Valid JSON, only too deep: refused by the depth check, not by the parser.
          const n = 33 + Math.floor(rnd() * 5000);
          return expectRefused('raw: deep nesting', valid.replace(/}$/, `,"value":${'['.repeat(n)}${']'.repeat(n)}}`), auth());
        },
      ],
      ['raw: wrong media type', () => expectRefused('raw: wrong media type', valid, { Authorization: auth().Authorization, 'Content-Type': pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/jsonp']) })],
      [
        'raw: prototype keys in an activity',
        async () => {
          const polluted = valid.replace('{', pick(['{"__proto__":{"admin":true},', '{"constructor":{"prototype":{"x":1}},', '{"from":{"__proto__":{"roles":["admin"]}},']));
          // A valid activity once the keys are dropped: answered as one.
          const res = await expectAnswered('raw: prototype keys in an activity', polluted);
          if (res.status !== 200) violations.push(`prototype keys: ${res.status} ${res.body.slice(0, 200)}`);
        },
      ],
    ];
    for (let i = 0; i < TOTAL.raw; i++) await cases[i % cases.length]![1]();
    expect(exitsOf()).toBe(0);
  }, 300_000);

  it('request lines and headers: bad Host, absolute URLs, odd methods and paths, Upgrade: answered, never a hang or an exit', async () => {
    const { port, hostname } = new URL(botUrl);
    const requests: [string, string][] = [
      ['http: Host not a URL', 'GET /healthz HTTP/1.1\r\nHost: [\r\n\r\n'],
      ['http: Host not a URL', 'POST /api/messages HTTP/1.1\r\nHost: a:99999\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}'],
      ['http: Host not a URL', 'GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n'],
      ['http: Host very long', `GET /healthz HTTP/1.1\r\nHost: ${'h'.repeat(10_000)}\r\n\r\n`],
      ['http: absolute-form URL', 'POST http://[/api/messages HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n'],
      ['http: absolute-form URL', 'GET http://evil.example/healthz HTTP/1.1\r\nHost: localhost\r\n\r\n'],
      ['http: Upgrade', 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'],
      ['http: Upgrade', 'POST /api/messages HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n'],
      ...['HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'FOO'].map((m): [string, string] => ['http: other methods', `${m} /api/messages HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n`]),
      ['http: odd paths', 'GET /%zz HTTP/1.1\r\nHost: localhost\r\n\r\n'],
      ['http: odd paths', 'POST /api/messages?__proto__[admin]=1&constructor[prototype][x]=1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n'],
      ['http: odd paths', `GET /${'a'.repeat(15_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`],
      ['http: odd paths', 'GET /api/messages/../healthz HTTP/1.1\r\nHost: localhost\r\n\r\n'],
      ['http: broken request line', 'GET\r\n\r\n'],
      ['http: broken request line', 'POST /api/messages HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ];
    const raw = (text: string) =>
      new Promise<number>((resolve) => {
        const socket = connect(Number(port), hostname, () => socket.write(text));
        let head = '';
        const done = (status: number) => {
          socket.destroy();
          resolve(status);
        };
        const timer = setTimeout(() => done(-2), 3_000); // no answer: held open
        socket.on('data', (d: Buffer) => {
          head += d.toString('latin1');
          const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
          if (m) {
            clearTimeout(timer);
            done(Number(m[1]));
          }
        });
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearTimeout(timer);
          done(-1); // closed without an answer (Node does so for some malformed requests)
        });
      });
    for (let i = 0; i < TOTAL.http; i++) {
      const [kind, text] = requests[i % requests.length]!;
      const before = diskMark();
      const status = await raw(text);
      count(kind, status);
      if (status >= 500 || status === -2) violations.push(`${kind}: ${status === -2 ? 'no answer in 3 s' : status}`);
      if (diskMark().wal !== before.wal) violations.push(`${kind}: changed stored data`);
      appendedLines();
    }
    const health = await fetch(`${botUrl.replace(/\/api\/messages$/, '')}/healthz`);
    expect(health.status).toBe(200);
    expect(exitsOf()).toBe(0);
  }, 300_000);

  it('activities with a wrong type in a field the bot reads: 400 and nothing stored; right types pass', async () => {
    // Each field the bot reads, and what Teams sends there (the wire contract): a value outside it must
    // be a 400 that changes nothing; a value inside it must be answered (200, or 401 where the token
    // no longer fits, e.g. another channelId).
    const str = (max: number, nullable = true) => (v: unknown) => (typeof v === 'string' ? v.length <= max : nullable && v === null);
    const nonEmpty = (max: number) => (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= max;
    const id = (nullable = false) => (v: unknown) => (typeof v === 'string' ? v.length > 0 && v.length <= 1024 && /^[\x20-\x7e]+$/.test(v) : nullable && v === null);
    const objectId = (v: unknown) => v === null || (typeof v === 'string' && /^[0-9a-f][0-9a-f-]{30,38}[0-9a-f]$/i.test(v));
    const object = (v: unknown) => v === null || (typeof v === 'object' && !Array.isArray(v));
    const list = (item: (x: unknown) => boolean) => (v: unknown) => v === null || (Array.isArray(v) && v.every(item));
    const never = () => false;
    const fields: [string, (a: any, v: unknown) => void, (v: unknown) => boolean][] = [
      ['type', (a, v) => (a.type = v), nonEmpty(64)],
      ['id', (a, v) => (a.id = v), str(1024)],
      ['channelId', (a, v) => (a.channelId = v), nonEmpty(64)],
      ['serviceUrl', (a, v) => (a.serviceUrl = v), never], // none of the hostile values is a URL
      ['from', (a, v) => (a.from = v), never], // none has an id
      ['from.id', (a, v) => (a.from.id = v), id()],
      ['from.name', (a, v) => (a.from.name = v), str(512)],
      ['from.aadObjectId', (a, v) => (a.from.aadObjectId = v), objectId],
      ['from.role', (a, v) => (a.from.role = v), str(64)],
      ['recipient', (a, v) => (a.recipient = v), never],
      ['recipient.id', (a, v) => (a.recipient.id = v), id()],
      ['recipient.name', (a, v) => (a.recipient.name = v), str(512)],
      ['conversation', (a, v) => (a.conversation = v), never],
      ['conversation.id', (a, v) => (a.conversation.id = v), id()],
      ['conversation.conversationType', (a, v) => (a.conversation.conversationType = v), str(64)],
      ['conversation.tenantId', (a, v) => (a.conversation.tenantId = v), objectId],
      ['conversation.isGroup', (a, v) => (a.conversation.isGroup = v), (v) => v === null || typeof v === 'boolean'],
      ['channelData', (a, v) => (a.channelData = v), object],
      ['channelData.tenant', (a, v) => (a.channelData.tenant = v), object],
      ['channelData.tenant.id', (a, v) => (a.channelData.tenant.id = v), objectId],
      ['locale', (a, v) => (a.locale = v), str(64)],
      ['text', (a, v) => (a.text = v), str(100_000)],
      ['name', (a, v) => (a.name = v), str(256)],
      ['replyToId', (a, v) => (a.replyToId = v), id(true)],
      ['value', (a, v) => (a.value = v), () => true],
      ['membersAdded', (a, v) => (a.membersAdded = v), list(never)],
      ['entities', (a, v) => (a.entities = v), list((x) => !!x && typeof x === 'object' && typeof (x as any).type === 'string')],
      ['attachments', (a, v) => (a.attachments = v), list((x) => !!x && typeof x === 'object' && typeof (x as any).contentType === 'string')],
    ];
    // People of their own, so names and ids the fuzz gives them never touch the staff the presses use.
    const FUZZERS = Array.from({ length: 20 }, (_, n) => who(50 + n, `Fuzz${n}`));
    const bases = [
      () => message(pick(['hjælp', 'hej', 'kø', 'mine borgere', 'ny screening', 'statistik', 'roller']), personal(pick(FUZZERS))),
      () => execute(pick(Object.keys(VERBS)), {}, personal(pick(FUZZERS))),
      () => ({ ...message('', personal(pick(FUZZERS))), type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '28:bot' }] }),
      () => ({ ...message('', personal(pick(FUZZERS))), type: 'installationUpdate', text: undefined, action: 'add' }),
    ];
    for (let i = 0; i < TOTAL.activity; i++) {
      const activity: any = structuredClone(pick(bases)());
      const value = hostile();
      const [field, set, accepts] = pick(fields);
      set(activity, value);
      const ok = accepts(value); // the contract decides what is expected, not the outcome
      const before = diskMark();
      const res = await send(JSON.stringify(activity), auth());
      count(ok ? 'activity: right type, answered' : 'activity: wrong type, refused', res.status);
      if (ok ? !(res.status === 200 || res.status === 401) : res.status !== 400) violations.push(`activity ${field}=${JSON.stringify(value)?.slice(0, 40)}: expected ${ok ? '200/401' : '400'}, got ${res.status} ${res.body.slice(0, 160)}`);
      if (res.status >= 400 && diskMark().wal !== before.wal) violations.push(`activity ${field}: a ${res.status} changed stored data`);
      track(appendedLines());
    }
    expect(exitsOf()).toBe(0);
  }, 600_000);

  it('card presses for every verb: forged, stale, wrong-typed and another user\'s payloads are refused on a card and change nothing', async () => {
    const w = world;
    await quiet();
    const stale: [string, Record<string, unknown>, Who][] = [
      ['screening.submit', { sid: w.draft.sid, rev: w.draft.rev - 1, activity: 'x' }, ALEX],
      ['screening.add', { sid: w.draft.sid, rev: w.draft.rev + 7, activity: 'Gå', subArea: 'activeRecreation', importance: '5' }, ALEX],
      ['screening.back', { sid: w.draft.sid, rev: 0 }, ALEX],
      ['screening.cancelYes', { sid: w.draft.sid, rev: w.draft.rev - 1 }, ALEX],
      ['screening.submit', { sid: w.doneSid, rev: 1 }, ALEX],
      ['screening.confirm', { sid: w.doneSid, rev: 99 }, ALEX],
      ['referral.take', { rid: w.decided }, ADELE],
      ['referral.refuse', { rid: w.decided, reason: 'for sent' }, ADELE],
      ['referral.handover', { rid: w.decided, to: MEGAN.aadObjectId }, ADELE],
      ['referral.triage', { rid: w.decided, fs_3: '2', fs_5: '2', fs_6: '2', fs_7: '2' }, ADELE],
      ['referral.decide', { rid: w.decided, v: 1, offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'igen' }, ADELE],
      ['visits.move', { vid: w.cancelledVisit, date: '2031-01-01', time: '10:00' }, LEE],
      ['visits.cancel', { vid: w.cancelledVisit }, LEE],
      ['visits.keep', { vid: w.cancelledVisit, reason: 'gammel' }, LEE],
      ['visits.coordinate', { vid: w.cancelledVisit, with: w.meganVisit }, LEE],
      ['visits.answer', { cid: uuid(), answer: 'joint' }, MEGAN],
    ];
    const others: [string, Record<string, unknown>, Who][] = [
      ['screening.submit', { sid: w.draft.sid, rev: w.draft.rev }, PATTI],
      ['screening.add', { sid: w.draft.sid, rev: w.draft.rev, activity: 'Gå', subArea: 'activeRecreation', importance: '5' }, PATTI],
      ['screening.cancelYes', { sid: w.draft.sid, rev: w.draft.rev }, PATTI],
      ['screening.discard', { sid: w.draft.sid, rev: w.draft.rev }, PATTI],
      ['screening.fullCpr', { sid: w.doneSid }, PATTI],
      ['screening.submit', { sid: w.draft.sid, rev: w.draft.rev }, MEGAN],
      ['referral.take', { rid: w.open }, NESTOR],
      ['referral.take', { rid: w.open }, ALEX],
      ['referral.refuse', { rid: w.open, reason: 'nej' }, LEE],
      ['referral.decide', { rid: w.decided, v: 3, offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'x' }, NESTOR],
      ['referral.followUp', { rid: w.decided, result: 'E3' }, MEGAN],
      ['visits.move', { vid: w.meganVisit, date: '2031-01-01', time: '10:00' }, LEE],
      ['visits.cancel', { vid: w.meganVisit, why: 'notNeeded' }, LEE],
      ['visits.cancelStart', { vid: w.meganVisit }, LEE],
      ['visits.changeStart', { vid: w.meganVisit }, LEE],
      ['visits.discard', { vid: w.meganVisit }, LEE],
      ['visits.merge', { vid: w.leeVisit, with: w.meganVisit }, MEGAN],
      ['visits.answer', { cid: w.coordination, answer: 'iTakeIt' }, LEE],
      ['visits.answer', { cid: w.coordination, answer: 'joint' }, NESTOR],
      ['visits.citizen', { citizenId: w.citizenId }, NESTOR],
      ['visits.detach', { citizenId: w.citizenId, reason: 'flyttet' }, ALEX],
      ['visits.share', { citizenId: w.citizenId, to: LEE.aadObjectId, reason: 'del' }, NESTOR],
      ['roles.save', { person: LEE.aadObjectId, roles: 'admin' }, MEGAN],
      ['roles.pick', { person: ALEX.aadObjectId }, LEE],
      ['audit.export', { cpr: '010150-1234' }, MEGAN],
    ];
    const wrongTyped: (() => [string, Record<string, unknown>, Who])[] = [
      () => ['screening.add', { sid: w.draft.sid, rev: w.draft.rev, activity: hostileNotString(), subArea: 'activeRecreation', importance: '5' }, ALEX],
      () => ['screening.add', { sid: w.draft.sid, rev: w.draft.rev, activity: 'Gå', subArea: hostileNotString(), importance: '5' }, ALEX],
      () => ['screening.add', { sid: hostileNotString(), rev: w.draft.rev, activity: 'Gå', subArea: 'activeRecreation', importance: '5' }, ALEX],
      () => ['screening.submit', { sid: w.draft.sid, rev: hostileNotString() }, ALEX],
      () => ['visits.attach', { cpr: hostileNotString(), name: 'Jens Hansen', service: 'demens', purpose: 'x' }, MEGAN],
      () => ['visits.attach', { cpr: '010150-1234', name: hostileNotString(), service: 'demens', purpose: 'x' }, MEGAN],
      () => ['visits.plan', { citizenId: w.citizenId, date: hostileNotString(), time: '10:00', purpose: 'x' }, MEGAN],
      () => ['visits.move', { vid: w.meganVisit, date: '2031-01-01', time: hostileNotString() }, MEGAN],
      () => ['visits.answer', { cid: w.coordination, answer: 'bothNeeded', reason: hostileNotString() }, MEGAN],
      () => ['visits.keep', { vid: hostileNotString(), reason: 'x' }, LEE],
      () => ['referral.createDirect', { cpr: '020245-3333', name: hostileNotString(), askedBy: 'citizen', reason: 'x' }, LEE],
      () => ['referral.refuse', { rid: w.open, reason: hostileNotString() }, ADELE],
      () => ['referral.take', { rid: hostileNotString() }, ADELE],
      () => ['audit.export', { cpr: hostileNotString() }, ALEX],
      () => ['roles.save', { person: hostileNotString(), roles: 'admin' }, ALEX],
    ];
    const verbs = Object.keys(VERBS);
    const quarter = Math.floor(TOTAL.press / 4);
    for (let i = 0; i < TOTAL.press; i++) {
      const from = pick(PEOPLE);
      if (i < quarter * 2) {
        // Forged: every verb, random fields. A view (no id) is a plain press: answered, may read.
        const verb = verbs[i % verbs.length]!;
        if (VIEWS.has(verb)) await expectAnswered('press: forged (a view)', pressBody(verb, forged(verb), from).body);
        else if (rnd() < 0.1) await expectRefusedPress('press: forged', verb, `{"__proto__":{"admin":true},"rid":"${uuid()}","sid":"${uuid()}"}`, from);
        else await expectRefusedPress('press: forged', verb, forged(verb), from);
      } else if (i < quarter * 3) {
        const [verb, data, as] = i % 2 ? pick(stale) : pick(others);
        await expectRefusedPress(i % 2 ? 'press: stale' : "press: another user's", verb, data, as);
      } else {
        const [verb, data, as] = pick(wrongTyped)();
        await expectRefusedPress('press: wrong-typed', verb, data, as);
      }
    }
    expect(exitsOf()).toBe(0);
  }, 600_000);

  it('tokens: none, forged, for another app, expired, malformed: 401 and nothing stored', async () => {
    const valid = () => JSON.stringify(message('hjælp', personal(pick(PEOPLE))));
    const tokens = [
      () => '',
      () => 'Bearer',
      () => 'Bearer ' + 'x'.repeat(Math.floor(rnd() * 2000)),
      () => `Bearer ${openid.token({ aud: APP_ID, serviceUrl: connector.url }, { key: openid.foreignKey })}`,
      () => `Bearer ${openid.token({ aud: '77777777-7777-4777-8777-777777777777', serviceUrl: connector.url })}`,
      () => `Bearer ${openid.token({ aud: APP_ID, serviceUrl: connector.url }, { expiresInSeconds: -600 })}`,
      () => `Bearer ${openid.token({ aud: APP_ID, serviceUrl: 'https://evil.example/' })}`,
      () => `Basic ${Buffer.from('a:b').toString('base64')}`,
      () => `Bearer ${token.split('.').slice(0, 2).join('.')}.`,
    ];
    for (let i = 0; i < TOTAL.token; i++) {
      const header = tokens[i % tokens.length]!();
      await expectRefused('token: refused', valid(), header ? { 'Content-Type': 'application/json', Authorization: header } : { 'Content-Type': 'application/json' });
    }
    expect(exitsOf()).toBe(0);
  }, 300_000);

  it('adds up: no exit, no 5xx, no failed turn, no raw output, no change from a refusal', async () => {
    await quiet();
    const total = [...byKind.values()].reduce((n, m) => n + [...m.values()].reduce((a, b) => a + b, 0), 0);
    const fiveXX = [...byKind.values()].reduce((n, m) => n + [...m.entries()].filter(([s]) => s >= 500 || s <= 0).reduce((a, [, c]) => a + c, 0), 0);
    Object.assign(figures, {
      seed: SEED,
      requests: total,
      byKind: Object.fromEntries([...byKind].map(([k, m]) => [k, Object.fromEntries([...m].sort((a, b) => a[0] - b[0]))])),
      exits: exitsOf(),
      fiveXX,
      failedTurns: failedTurns() - failedTurnsBefore,
      rawOutputLines: bot.raw().split('\n').filter(Boolean).length,
      submitPressesAnsweredOnTheCard: submitAnswered,
      violations: violations.length,
    });
    mkdirSync(path.join(projectRoot, 'test-results'), { recursive: true });
    const failures = bot.logs.filter((l) => /"msg":"(turn failed|request failed)"/.test(l)).slice(0, 20);
    writeFileSync(path.join(projectRoot, 'test-results', 'fuzz.json'), JSON.stringify({ ...figures, firstViolations: violations.slice(0, 50), failures }, null, 2));
    console.log(`fuzz figures (seed ${SEED}):\n${JSON.stringify(figures, null, 2)}`);
    expect(total).toBeGreaterThanOrEqual(10_000);
    // Half the refused presses came as Action.Submit messages, each answered on its card.
    expect(submitAnswered).toBeGreaterThan(2_000);
    expect(violations.slice(0, 20)).toEqual([]);
    expect(exitsOf()).toBe(0);
    expect(fiveXX).toBe(0);
    expect(bot.logs.filter((l) => /"msg":"(turn failed|request failed)"/.test(l)).slice(0, 5)).toEqual([]);
    expect(bot.raw()).toBe('');
  });
});

function hostileNotString(): unknown {
  for (;;) {
    const v = hostile();
    if (typeof v !== 'string') return v;
  }
}
