// npm run bench (size part): both stores with the data set that broke the embedded one: 100,000
// citizens, each with a finished screening and its audit entries, and 1,000,000 visits. Built
// through the store's own repositories (the embedded store without fsync: a benchmark's data), then
// stopped gracefully; a cold start and the memory it holds are measured in a fresh process (so
// nothing of the build is counted), and so are the reads a turn makes, at that size, side by side.
// Run at 1,000 citizens and at BENCH_SIZE_CITIZENS (100,000); BENCH_SIZE_STORES=embedded leaves PostgreSQL out.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/clock.js';
import { openLowdbStore } from '../src/store/lowdb/index.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import type { StaffKey, Store } from '../src/store/types.js';
import { startTestDatabase, type TestDatabase } from '../scripts/testDatabase.js';

const CITIZENS = Number(process.env.BENCH_SIZE_CITIZENS ?? 100_000);
const VISITS_PER_CITIZEN = 10;
const STAFF: StaffKey = { tenantId: '11111111-1111-4111-8111-111111111111', aadObjectId: '00000000-0000-0000-0000-00000000be02' };
const LOOKUPS = 300;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Close the store as a graceful stop does: how long, and whether it would exit 0. */
async function gracefulStop(store: { close(): Promise<void> }): Promise<string> {
  const t0 = performance.now();
  let outcome = 'exit 0';
  try {
    await store.close();
  } catch (err) {
    outcome = `FAILED: ${(err as Error).message}`;
  }
  return `${((performance.now() - t0) / 1000).toFixed(1)} s, ${outcome}`;
}

/** The data set, through the repositories, 2,000 citizens a transaction, `parallel` transactions at a time. */
async function fill(store: Store, citizens: number, parallel = 1): Promise<number> {
  const t0 = performance.now();
  const at = '2026-11-24T09:00:00.000Z';
  const chunks: number[] = [];
  for (let c = 0; c < citizens; c += 2_000) chunks.push(c);
  const worker = async () => {
    for (let c = chunks.shift(); c !== undefined; c = chunks.shift()) await chunk(c);
  };
  const chunk = (c: number) =>
    store.transaction(async (tx) => {
      for (let i = c; i < Math.min(c + 2_000, citizens); i++) {
        const id = `c${i}`;
        await tx.citizens.save({ id, cpr: String(1_000_000_000 + i), name: `Borger ${i}`, createdAt: at, updatedAt: at });
        await tx.screenings.save({
          id: `s${i}`,
          citizenId: id,
          author: STAFF,
          status: 'done',
          createdAt: at,
          updatedAt: at,
          data: { problems: [1, 2, 3].map((n) => ({ activity: `Aktivitet ${n} for borger ${i}`, subArea: 'activeRecreation', importance: 7, performance: 4, satisfaction: 3 })), outcome: 'club', rev: 6 },
        });
        for (const what of ['screening', 'opdateret', 'afsluttet']) await tx.audit.append({ actor: STAFF, citizenId: id, action: 'update', purpose: 'screening', what, at });
        for (let v = 0; v < VISITS_PER_CITIZEN; v++) {
          await tx.visits.save({ id: `v${i}-${v}`, citizenId: id, staff: STAFF, at: `2026-${String((v % 12) + 1).padStart(2, '0')}-10T09:00:00.000Z`, service: 'dementia', status: 'planned', createdAt: at, updatedAt: at, data: { purpose: 'Opfølgning' } });
        }
      }
    });
  await Promise.all(Array.from({ length: parallel }, worker));
  return performance.now() - t0;
}

/** What a turn about one citizen reads (by CPR, then the citizen's screenings, visits and look-up trail): median ms over random citizens. */
export async function lookups(store: Store, citizens: number): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < LOOKUPS; k++) {
    const i = Math.floor(Math.random() * citizens);
    const t0 = performance.now();
    const citizen = await store.citizens.findByCpr(String(1_000_000_000 + i));
    await Promise.all([store.screenings.listByCitizen(citizen!.id), store.visits.listByCitizen(citizen!.id), store.audit.forCitizen(citizen!.id)]);
    times.push(performance.now() - t0);
  }
  return median(times);
}

interface ColdStart {
  openMs: number;
  citizens: number;
  rss: number;
  heapUsed: number;
  lookupMs: number;
}

/** Open the store in a fresh process (bench/sizeColdStart.ts): the time, the memory it then holds, and the reads a turn makes. */
function coldStart(env: Record<string, string>, citizens: number): ColdStart {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sizeColdStart.js');
  const out = execFileSync(process.execPath, [script], { env: { ...process.env, ...env, BENCH_SIZE_CITIZENS: String(citizens) }, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as ColdStart;
}

export async function benchSize(): Promise<void> {
  const db = await startTestDatabase();
  try {
    for (const citizens of [...new Set([Math.min(1_000, CITIZENS), CITIZENS])]) await sizeOnBoth(db, citizens);
  } finally {
    await db.stop();
  }
}

async function sizeOnBoth(db: TestDatabase, citizens: number): Promise<void> {
  console.log(`Size: ${citizens.toLocaleString('en')} citizens with a finished screening and 3 audit entries each, ${(citizens * VISITS_PER_CITIZEN).toLocaleString('en')} visits; cold start in a fresh process`);
  const dir = mkdtempSync(path.join(tmpdir(), 'aa-bench-size-'));
  try {
    const embedded = await openLowdbStore(dir, { clock: systemClock, unsafeNoSync: true });
    const builtEmbedded = await fill(embedded, citizens);
    const stopped = await gracefulStop(embedded);
    const snapshot = statSync(path.join(dir, 'snapshot.jsonl')).size;
    const history = ['audit', 'visitEvents'].reduce((n, c) => n + (existsSync(path.join(dir, `history-${c}.jsonl`)) ? statSync(path.join(dir, `history-${c}.jsonl`)).size : 0), 0);
    const embeddedCold = coldStart({ BENCH_SIZE_STORE: 'embedded', BENCH_SIZE_DIR: dir }, citizens);

    let builtPg = NaN;
    let size = NaN;
    let stoppedPg = '-';
    let pgCold: ColdStart = { openMs: NaN, citizens: NaN, rss: NaN, heapUsed: NaN, lookupMs: NaN };
    if (process.env.BENCH_SIZE_STORES !== 'embedded') {
      const schema = db.schema();
      const pg = await openPostgresStore({ connectionString: db.url, schema, clock: systemClock });
      builtPg = await fill(pg, citizens, 4);
      size = Number((await pg.pool.query('SELECT sum(pg_total_relation_size(c.oid))::bigint AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1', [schema])).rows[0].n);
      stoppedPg = await gracefulStop(pg);
      pgCold = coldStart({ BENCH_SIZE_STORE: 'postgres', BENCH_SIZE_URL: db.url, BENCH_SIZE_SCHEMA: schema }, citizens);
    }

    console.table([
      { what: 'built through the repositories', embedded: `${(builtEmbedded / 1000).toFixed(1)} s (no fsync)`, PostgreSQL: `${(builtPg / 1000).toFixed(1)} s (4 transactions at a time)` },
      { what: 'graceful stop', embedded: stopped, PostgreSQL: stoppedPg },
      { what: 'on disk', embedded: `${mb(snapshot)} snapshot, ${mb(history)} audit and visit-event history`, PostgreSQL: `${mb(size)} tables and indexes` },
      { what: 'cold start (open, count citizens)', embedded: `${(embeddedCold.openMs / 1000).toFixed(2)} s, ${embeddedCold.citizens.toLocaleString('en')} citizens`, PostgreSQL: `${(pgCold.openMs / 1000).toFixed(2)} s, ${pgCold.citizens.toLocaleString('en')} citizens` },
      { what: 'memory after cold start', embedded: `RSS ${mb(embeddedCold.rss)}, heap ${mb(embeddedCold.heapUsed)}`, PostgreSQL: `RSS ${mb(pgCold.rss)}, heap ${mb(pgCold.heapUsed)} (the rows stay in the database)` },
      { what: `one citizen's reads (by CPR; screenings, visits, trail), median of ${LOOKUPS}`, embedded: `${embeddedCold.lookupMs.toFixed(3)} ms`, PostgreSQL: `${pgCold.lookupMs.toFixed(3)} ms` },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
