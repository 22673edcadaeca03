// npm run bench (access-log part): what the daily retention run costs once access-log entries pass
// their 5 years (rules/retention.json, audit). The embedded store rewrites its whole history file
// (src/store/lowdb/history.ts) to drop a day's entries; PostgreSQL deletes them in batches by the
// date index. 100,000 citizens with 3 entries each (BENCH_PRUNE_CITIZENS), spread over 5 years and
// a week, so each daily run removes about one day's; the store reopened with fsync on, as in
// production. Medians of the days, beside one fsynced append on the same disk in the same run.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../src/clock.js';
import { openLowdbStore } from '../src/store/lowdb/index.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import type { StaffKey, Store } from '../src/store/types.js';
import { startTestDatabase } from '../scripts/testDatabase.js';

const CITIZENS = Number(process.env.BENCH_PRUNE_CITIZENS ?? 100_000);
const ENTRIES_PER_CITIZEN = 3;
const DAYS = 7;
const STAFF: StaffKey = { tenantId: '11111111-1111-4111-8111-111111111111', aadObjectId: '00000000-0000-0000-0000-00000000be03' };
const DAY_MS = 86_400_000;
/** The oldest entry; the newest is 5 years and DAYS days later. */
const FIRST = Date.parse('2021-11-01T09:00:00.000Z');
const SPAN = 5 * 365 * DAY_MS + DAYS * DAY_MS;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The entries, evenly over the span, 2,000 citizens a transaction. */
async function fill(store: Store, parallel: number): Promise<void> {
  const total = CITIZENS * ENTRIES_PER_CITIZEN;
  const chunks: number[] = [];
  for (let c = 0; c < CITIZENS; c += 2_000) chunks.push(c);
  const worker = async () => {
    for (let c = chunks.shift(); c !== undefined; c = chunks.shift()) {
      const from = c;
      await store.transaction(async (tx) => {
        for (let i = from; i < Math.min(from + 2_000, CITIZENS); i++) {
          for (let e = 0; e < ENTRIES_PER_CITIZEN; e++) {
            const n = e * CITIZENS + i;
            const at = new Date(FIRST + Math.floor((n / total) * SPAN)).toISOString();
            await tx.audit.append({ actor: STAFF, citizenId: `c${i}`, action: 'read', purpose: 'screening', what: 'Screening læst', at });
          }
        }
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** Each day's retention run: entries older than 5 years before that day go. Milliseconds per run and entries removed. */
async function dailyRuns(store: Store): Promise<{ ms: number[]; removed: number[] }> {
  const ms: number[] = [];
  const removed: number[] = [];
  for (let d = 1; d <= DAYS; d++) {
    const cutoff = new Date(FIRST + d * DAY_MS).toISOString();
    const t0 = performance.now();
    removed.push(await store.pruneAuditLog(cutoff));
    ms.push(performance.now() - t0);
  }
  return { ms, removed };
}

/** One durable append on the same disk: the unit the other figures are read against. */
async function fsyncAppend(dir: string): Promise<number> {
  const file = await open(path.join(dir, 'fsync-probe'), 'a');
  const times: number[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await file.write(`{"c":"bench","k":"${i}"}\n`);
      await file.datasync();
      times.push(performance.now() - t0);
    }
  } finally {
    await file.close();
  }
  return median(times.slice(20));
}

export async function benchPrune(): Promise<void> {
  const entries = CITIZENS * ENTRIES_PER_CITIZEN;
  console.log(`Access log: the daily retention run once entries pass 5 years; ${entries.toLocaleString('en')} entries over 5 years and ${DAYS} days, median of ${DAYS} daily runs`);
  const dir = mkdtempSync(path.join(tmpdir(), 'aa-bench-prune-'));
  try {
    const building = await openLowdbStore(dir, { clock: systemClock, unsafeNoSync: true });
    await fill(building, 1);
    await building.close(); // folds: the entries move to history-audit.jsonl
    const size = statSync(path.join(dir, 'history-audit.jsonl')).size;
    const embedded = await openLowdbStore(dir, { clock: systemClock });
    const lowdb = await dailyRuns(embedded);
    await embedded.close();
    const fsync = await fsyncAppend(dir);

    let pg = { ms: [NaN], removed: [NaN] };
    if (process.env.BENCH_PRUNE_STORES !== 'embedded') {
      const db = await startTestDatabase();
      try {
        const store = await openPostgresStore({ connectionString: db.url, schema: db.schema(), clock: systemClock });
        await fill(store, 4);
        await store.pool.query('ANALYZE');
        pg = await dailyRuns(store);
        await store.close();
      } finally {
        await db.stop();
      }
    }
    const row = (what: string, r: { ms: number[]; removed: number[] }) => ({
      store: what,
      'removed a day (median)': median(r.removed),
      'one run, median (ms)': median(r.ms).toFixed(0),
      'fastest / slowest (ms)': `${Math.min(...r.ms).toFixed(0)} / ${Math.max(...r.ms).toFixed(0)}`,
      'x one fsync': (median(r.ms) / fsync).toFixed(0),
    });
    console.table([row(`embedded (rewrites the ${mb(size)} history file)`, lowdb), row('PostgreSQL (batched DELETE by date)', pg)]);
    console.log(`one fsynced append on the same disk: ${fsync.toFixed(2)} ms (median of 180)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
