// npm run bench (turn part): what one screening step costs, in process through botbuilder's
// TestAdapter and the real Application, flows, cards and store (fsync on), beside two baselines
// measured in the same run: a bare teams-ai Application answering a message with a small templated
// card (in-memory state), and one fsynced append on the same disk. Medians of wall and CPU time.
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import pg from 'pg';
import { Application, TurnState } from '@microsoft/teams-ai';
import * as ACData from 'adaptivecards-templating';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { Directory } from '../src/services/directory.js';
import { Outbox } from '../src/services/outbox.js';
import { openStore } from '../src/store/index.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { startTestDatabase } from '../scripts/testDatabase.js';
import { createAdapter } from '../src/teams/adapter.js';
import { createBot } from '../src/teams/app.js';
import { TeamsTransport } from '../src/teams/proactive.js';
import { loadRules } from '../rules/index.js';

const WARMUP = 50;
const RUNS = Number(process.env.BENCH_TURN_RUNS ?? 400);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Sample {
  wallUs: number;
  cpuUs: number;
}

async function sample(run: () => Promise<void>): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wallUs = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wallUs, cpuUs: cpu.user + cpu.system };
}

async function measure(run: (i: number) => Promise<void>): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await sample(() => run(WARMUP + i)));
  return { wall: median(samples.map((s) => s.wallUs)), cpu: median(samples.map((s) => s.cpuUs)) };
}

const who = { id: '29:bench', name: 'Bench Bruger', aadObjectId: '00000000-0000-0000-0000-00000000be01' };
const base = (): Partial<Activity> => ({
  channelId: 'msteams',
  serviceUrl: 'https://smba.example.test/',
  from: who,
  recipient: { id: '28:bot', name: 'Aktiv Assistent' },
  conversation: { id: 'personal-bench', conversationType: 'personal', tenantId: '11111111-1111-4111-8111-111111111111' } as Activity['conversation'],
  channelData: { tenant: { id: '11111111-1111-4111-8111-111111111111' } },
});

/** The bare framework: a message answered with a small templated card, state in memory. */
async function bareTurn(): Promise<{ wall: number; cpu: number }> {
  const app = new Application<TurnState>({ storage: new MemoryStorage(), startTypingTimer: false });
  const template = new ACData.Template({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: '${title}' }, { type: 'TextBlock', text: '${text}', wrap: true }] });
  app.message(/.*/, async (context) => {
    const card = template.expand({ $root: { title: 'Hej', text: context.activity.text } });
    await context.sendActivity({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] });
  });
  const adapter = new TestAdapter(async (ctx) => {
    await app.run(ctx);
  });
  return measure(async (i) => {
    await adapter.processActivity({ ...base(), type: 'message', text: `hej ${i}` });
    adapter.activeQueue.splice(0);
  });
}

/** One screening step: add an activity on step 2 (and take it off again), as a staff member presses it. */
export async function screeningStep(database?: { url: string; schema: string }): Promise<{ wall: number; cpu: number; writesPerStep: number; roundTripsPerStep: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aa-bench-turn-'));
  // Action.Execute: the answer is the invoke's own (Action.Submit, the default, does the same work and updates the card in place).
  const config = loadConfig({ DATA_DIR: dir, ROLES_FILE: '', CARD_ACTIONS: 'execute' });
  const log = createLogger('error');
  const store = database ? await openPostgresStore({ connectionString: database.url, schema: database.schema, clock: systemClock }) : await openStore(dir, systemClock);
  try {
    // Roles from a roles file, as in production (not local mode's "everyone has every role").
    const directory = new Directory(store, { admins: [], seed: [{ aadObjectId: who.aadObjectId, roles: ['activityStaff'] }], localMode: true, clock: systemClock });
    const teams = createAdapter(config);
    const outbox = new Outbox(store, new TeamsTransport(teams, '', store, log, systemClock), log, { clock: systemClock, retryBaseMs: 1000, giveUpAfterMs: 3600_000, reportText: async () => '' });
    const rules = loadRules();
    const bot = createBot({ config, log, store, directory, adapter: teams, outbox, rules, clock: systemClock });
    const adapter = new TestAdapter((ctx) => bot.run(ctx));
    let card: any;
    const send = async (activity: Partial<Activity>) => {
      await adapter.processActivity({ ...base(), ...activity });
      const out = adapter.activeQueue.splice(0);
      const invoke = out.find((a) => a.type === 'invokeResponse');
      card = invoke ? (invoke.value as any).body.value : out[0]?.attachments?.[0]?.content;
    };
    const press = (verb: string, inputs: Record<string, unknown>) => {
      const action = findAction(card, verb);
      return send({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { ...action.data, ...inputs } }, trigger: 'manual' } });
    };
    await send({ type: 'message', text: 'ny screening' });
    await press('screening.submit', { cpr: '010150-1234', name: 'Jens Hansen', livesAtHome: 'yes', specialStaff: 'no' });
    // Durable writes (fsynced log batches) the steps waited for, counted by the store's engine.
    // The embedded store counts its fsynced batches; PostgreSQL commits once per transaction (not counted here).
    const engine = (store as unknown as { engine?: { durableWrites: number } }).engine ?? { durableWrites: Number.NaN };
    const before = engine.durableWrites;
    // Statements sent to PostgreSQL (each one round trip), counted on pg's client.
    let statements = 0;
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      statements++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    let figures: { wall: number; cpu: number };
    try {
      figures = await measure(async (i) => {
        if (i % 2 === 0) await press('screening.add', { activity: `Gå ture ${i}`, subArea: 'activeRecreation', importance: '7' });
        else await press('screening.remove', {});
      });
    } finally {
      pg.Client.prototype.query = query;
    }
    return { ...figures, writesPerStep: (engine.durableWrites - before) / (WARMUP + RUNS), roundTripsPerStep: statements / (WARMUP + RUNS) };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function findAction(card: any, verb: string): any {
  let found: any;
  const walk = (n: any) => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    if (n.type === 'Action.Execute' && n.verb === verb) found = n;
    Object.values(n).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`no ${verb} on the card`);
  return found;
}

/** One durable append: what a step's store write waits for at least. */
async function fsyncAppend(): Promise<{ wall: number; cpu: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aa-bench-fsync-'));
  const file = await open(path.join(dir, 'log'), 'a');
  try {
    return await measure(async (i) => {
      await file.write(`{"c":"bench","k":"${i}","v":{"n":${i}}}\n`);
      await file.datasync();
    });
  } finally {
    await file.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchTurn(): Promise<void> {
  console.log('Turn: one screening step against the bare framework and one fsync, medians of %d runs (after %d warm-up)', RUNS, WARMUP);
  const bare = await bareTurn();
  const step = await screeningStep();
  const fsync = await fsyncAppend();
  // The same step on PostgreSQL (DATABASE_URL, or a throwaway server on this machine: same disk).
  const db = await startTestDatabase();
  let onPostgres: Awaited<ReturnType<typeof screeningStep>>;
  try {
    onPostgres = await screeningStep({ url: db.url, schema: db.schema() });
  } finally {
    await db.stop();
  }
  console.table([
    { what: 'bare teams-ai turn, templated card, memory state', 'wall (µs)': bare.wall.toFixed(0), 'CPU (µs)': bare.cpu.toFixed(0) },
    { what: 'screening step (add/remove an activity), embedded store', 'wall (µs)': step.wall.toFixed(0), 'CPU (µs)': step.cpu.toFixed(0) },
    { what: 'screening step, PostgreSQL on this machine', 'wall (µs)': onPostgres.wall.toFixed(0), 'CPU (µs)': onPostgres.cpu.toFixed(0) },
    { what: 'one fsynced append, same disk', 'wall (µs)': fsync.wall.toFixed(0), 'CPU (µs)': fsync.cpu.toFixed(0) },
  ]);
  console.log(`PostgreSQL step / embedded step: ${(onPostgres.wall / step.wall).toFixed(1)}x wall, ${(onPostgres.cpu / step.cpu).toFixed(1)}x CPU (this process's CPU; the server's is not counted)`);
  console.log(`screening step / bare turn: ${(step.wall / bare.wall).toFixed(1)}x wall, ${(step.cpu / bare.cpu).toFixed(1)}x CPU; step / one fsync: ${(step.wall / fsync.wall).toFixed(1)}x wall`);
  console.log(`durable writes per screening step: ${step.writesPerStep.toFixed(2)} (the floor for a step that changes data: 1)`);
  console.log(`statements sent to PostgreSQL per screening step (one round trip each): ${onPostgres.roundTripsPerStep.toFixed(1)}`);
  const goal = fsync.wall + 3 * bare.wall;
  console.log(`goal: a step within one fsync + 3x the bare turn = ${goal.toFixed(0)} µs; measured ${step.wall.toFixed(0)} µs (${((step.wall / goal) * 100).toFixed(0)}% of the goal); CPU beyond the bare turn: ${(step.cpu - bare.cpu).toFixed(0)} µs`);
}
