// npm run bench (HTTP part): 200 staff at once over HTTP, each running screenings card by card as in
// Teams (a message, then Action.Execute presses whose data comes from the card the bot answered),
// against the real bot as a child process (npm start's wiring; JWTs checked against an OpenID
// stand-in; replies to a stand-in Bot Connector). Three set-ups in one run: one instance on the
// embedded store, one on PostgreSQL, two on one PostgreSQL behind a loopback round-robin balancer.
// No think time: every person presses as soon as the answer is there, so this is the most the
// set-up carries (closed loop), and p50 is mostly time spent queued. Prints turns per second, p50,
// p99, errors, and what was stored (no work lost).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../src/clock.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { startChildBot } from '../scripts/childBot.js';
import { startOpenIdStandIn } from '../scripts/openidStandIn.js';
import { startRoundRobin } from '../scripts/roundRobin.js';
import { startTestDatabase } from '../scripts/testDatabase.js';

const STAFF = Number(process.env.BENCH_HTTP_STAFF ?? 200);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 2);
const APP_ID = '77777777-7777-4777-8777-777777777777';
const TENANT = '11111111-1111-4111-8111-111111111111';

const quantile = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]! : NaN);

interface Bot {
  url: string;
  failedTurns(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

/** The bot as the tests start it (scripts/childBot.ts), with what the benchmark reads of it. */
async function startBot(env: Record<string, string>, cwd: string): Promise<Bot> {
  const bot = await startChildBot({ LOG_LEVEL: 'warn', ...env }, cwd);
  return {
    url: bot.url,
    failedTurns: () => bot.logs.filter((l) => /"msg":"(turn failed|request failed)"/.test(l)).length,
    rssMb: () => {
      try {
        return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${bot.process.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      } catch {
        return NaN;
      }
    },
    stop: () => bot.stop(),
  };
}

/** A stand-in Bot Connector: every reply is accepted. */
async function startConnector() {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: randomUUID() }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls: () => calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The data of the first button with `verb` anywhere in a card (Action.Execute: verb beside data; Action.Submit: inside it). */
function buttonData(card: unknown, verb: string): Record<string, unknown> | undefined {
  if (!card || typeof card !== 'object') return undefined;
  const o = card as Record<string, unknown>;
  if (o.verb === verb) {
    if (o.type === 'Action.Execute') return (o.data ?? {}) as Record<string, unknown>;
    const { verb: _v, ...data } = o;
    return data;
  }
  for (const v of Object.values(o)) {
    const found = buttonData(v, verb);
    if (found) return found;
  }
  return undefined;
}

interface Outcome {
  setup: string;
  instances: number;
  turns: number;
  seconds: number;
  latencies: number[];
  errors: number;
  failedTurns: number;
  screeningsStored?: number;
  rssMb: number[];
}

/** 200 people, each through ROUNDS screenings' first steps, all at once; every HTTP request is one turn. */
async function load(setup: string, targetUrl: string, bots: Bot[], connectorUrl: string, token: string, count?: () => Promise<number>): Promise<Outcome> {
  const latencies: number[] = [];
  let errors = 0;
  const post = async (activity: Record<string, unknown>): Promise<unknown> => {
    const t0 = performance.now();
    try {
      const res = await fetch(`${targetUrl}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(activity) });
      const body = (await res.text()) || '{}';
      latencies.push(performance.now() - t0);
      if (res.status !== 200) errors++;
      return (JSON.parse(body) as { value?: unknown }).value;
    } catch {
      errors++;
      return undefined;
    }
  };
  async function person(i: number) {
    const who = { id: `29:bench-${i}`, name: `Medarbejder ${i}`, aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` };
    const base = () => ({
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: connectorUrl,
      from: who,
      recipient: { id: '28:bot', name: 'Aktiv Assistent' },
      conversation: { id: `a:bench-${i}`, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
    });
    const press = (verb: string, data: Record<string, unknown>) =>
      post({ ...base(), type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } });
    await post({ ...base(), type: 'message', text: 'hej' });
    let card = await press('screening.start', {});
    for (let round = 0; round < ROUNDS; round++) {
      const first = buttonData(card, 'screening.submit');
      if (!first) {
        errors++;
        return;
      }
      const cpr = `${String((i % 28) + 1).padStart(2, '0')}${String((Math.floor(i / 28) % 12) + 1).padStart(2, '0')}40-${String(1000 + round).slice(-4)}`;
      card = await press('screening.submit', { ...first, cpr, name: `Borger ${i}`, livesAtHome: 'yes', specialStaff: 'no' });
      for (const n of [1, 2]) {
        const add = buttonData(card, 'screening.add');
        if (!add) {
          errors++;
          return;
        }
        card = await press('screening.add', { ...add, activity: `Aktivitet ${n}`, subArea: 'activeRecreation', importance: '7' });
      }
      // "Ny screening" again finds the draft; "Start forfra" throws it away and answers with a new step 1.
      const resume = await press('screening.start', {});
      const discard = buttonData(resume, 'screening.discard');
      if (!discard) {
        errors++;
        return;
      }
      card = await press('screening.discard', discard);
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: STAFF }, (_, i) => person(i)));
  const seconds = (performance.now() - t0) / 1000;
  return {
    setup,
    instances: bots.length,
    turns: latencies.length,
    seconds,
    latencies,
    errors,
    failedTurns: bots.reduce((n, b) => n + b.failedTurns(), 0),
    screeningsStored: count ? await count() : undefined,
    rssMb: bots.map((b) => b.rssMb()),
  };
}

export async function benchHttp(): Promise<void> {
  console.log(`HTTP: ${STAFF} staff at once, ${ROUNDS} screenings each (hej, start, then per screening: step 1, 2 activities, start again, start over: ${2 + ROUNDS * 5} turns a person), no think time`);
  const dir = mkdtempSync(path.join(tmpdir(), 'aa-bench-http-'));
  const [openid, connector, db] = await Promise.all([startOpenIdStandIn(), startConnector(), startTestDatabase()]);
  const roles = path.join(dir, 'roles.json');
  writeFileSync(roles, JSON.stringify({ staff: Array.from({ length: STAFF }, (_, i) => ({ aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, roles: ['activityStaff'] })) }));
  const token = openid.token({ aud: APP_ID, serviceUrl: connector.url });
  const common = { BOT_ID: APP_ID, BOT_PASSWORD: 'x', BOT_TENANT_ID: TENANT, BOT_OPENID_METADATA_URL: openid.metadataUrl, ROLES_FILE: roles };
  const outcomes: Outcome[] = [];
  try {
    {
      const bot = await startBot({ ...common, DATA_DIR: path.join(dir, 'data') }, dir);
      try {
        outcomes.push(await load('embedded store, 1 instance', bot.url, [bot], connector.url, token));
      } finally {
        await bot.stop();
      }
    }
    for (const instances of [1, 2]) {
      const url = await db.database();
      const env = { ...common, DATABASE_URL: url, DATA_DIR: path.join(dir, 'unused') };
      const bots = [await startBot(env, dir)];
      if (instances === 2) bots.push(await startBot(env, dir));
      const balancer = await startRoundRobin(() => bots.map((b) => b.url));
      const store = await openPostgresStore({ connectionString: url, clock: systemClock, migrate: false });
      try {
        // Each person ends with one draft (the one "Start forfra" began): one per person, none twice, none lost.
        const left = async () => Number((await store.pool.query("SELECT count(*) AS n FROM screenings WHERE status = 'draft'")).rows[0].n);
        outcomes.push(await load(`PostgreSQL, ${instances} instance${instances > 1 ? 's' : ''}${instances > 1 ? ' (round robin)' : ''}`, balancer.url, bots, connector.url, token, left));
      } finally {
        await Promise.all([store.close(), balancer.close()]);
        await Promise.all(bots.map((b) => b.stop()));
      }
    }
  } finally {
    await Promise.all([openid.close(), connector.close(), db.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  console.table(
    outcomes.map((o) => ({
      'set-up': o.setup,
      turns: o.turns,
      'turns/s': (o.turns / o.seconds).toFixed(0),
      'p50 (ms)': quantile(o.latencies, 0.5).toFixed(0),
      'p99 (ms)': quantile(o.latencies, 0.99).toFixed(0),
      'errors (HTTP or missing card)': o.errors,
      'failed turns (log)': o.failedTurns,
      [`drafts stored (${STAFF} expected)`]: o.screeningsStored ?? '-',
      'RSS per instance (MB)': o.rssMb.map((m) => m.toFixed(0)).join(' + '),
    })),
  );
  const rate = (o: Outcome) => o.turns / o.seconds;
  const [embedded, one, two] = outcomes;
  if (embedded && one && two) {
    console.log(`turns/s, same run: PostgreSQL 1 instance / embedded ${(rate(one) / rate(embedded)).toFixed(2)}x; PostgreSQL 2 instances / 1 instance ${(rate(two) / rate(one)).toFixed(2)}x`);
    const lost = outcomes.reduce((n, o) => n + o.errors + o.failedTurns, 0) + [one, two].filter((o) => o.screeningsStored !== STAFF).length;
    console.log(lost ? `goal (no errors, no lost work): NOT MET (${lost})` : 'goal (no errors, no lost work): met');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHttp();
