// npm run bench (store part): the cost of saving one citizen with 1,000 and with 100,000 stored,
// with fsync, against the naive baseline of rewriting one JSON file; and the cold start at 100,000.
// A benchmark prints figures; it asserts nothing. Medians, since these machines are noisy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { openLowdbStore } from '../src/store/lowdb/index.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { startTestDatabase } from '../scripts/testDatabase.js';
import { systemClock } from '../src/clock.js';
import type { Citizen, Store } from '../src/store/types.js';

const SIZES = [1_000, 100_000];
const WRITES = 300;

function citizen(i: number): Citizen {
  const now = new Date().toISOString();
  const dd = String((i % 28) + 1).padStart(2, '0');
  const mm = String((i % 12) + 1).padStart(2, '0');
  return { id: randomUUID(), cpr: `${dd}${mm}${String(30 + (i % 30))}${String(i % 10000).padStart(4, '0')}`, name: `Borger ${i}`, createdAt: now, updatedAt: now };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

/** How long each of WRITES saves of one more citizen takes (ms), after 20 to warm up. */
async function writeTimes(store: Store, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WRITES + 20; i++) {
    const c = citizen(n + i);
    const t0 = performance.now();
    await store.citizens.save(c);
    if (i >= 20) times.push(performance.now() - t0);
  }
  return times;
}

/** `n` citizens, 10,000 to a transaction. */
async function fill(store: Store, n: number): Promise<void> {
  for (let i = 0; i < n; i += 10_000) {
    await store.transaction(async (tx) => {
      for (let j = i; j < Math.min(i + 10_000, n); j++) await tx.citizens.save(citizen(j));
    });
  }
}

async function build(dir: string, n: number): Promise<void> {
  const store = await openLowdbStore(dir, { clock: systemClock, unsafeNoSync: true });
  await fill(store, n);
  await store.close(); // folds the log into the snapshot (fsynced)
}

async function measure(n: number) {
  const dir = mkdtempSync(path.join(tmpdir(), `aa-bench-${n}-`));
  try {
    await build(dir, n);
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const s = await openLowdbStore(dir, { clock: systemClock });
      starts.push(performance.now() - t0);
      await s.close();
    }
    const store = await openLowdbStore(dir, { clock: systemClock });
    const times = await writeTimes(store, n);
    const count = await store.citizens.count();
    await store.close();
    return { n, count, coldStartMs: median(starts), writeMedianMs: median(times), writeP90Ms: p90(times) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function naive(n: number, writes: number) {
  const dir = mkdtempSync(path.join(tmpdir(), `aa-naive-${n}-`));
  try {
    const db = new Low<{ citizens: Record<string, Citizen> }>(new JSONFile(path.join(dir, 'db.json')), { citizens: {} });
    for (let i = 0; i < n; i++) {
      const c = citizen(i);
      db.data.citizens[c.id] = c;
    }
    await db.write();
    const times: number[] = [];
    for (let i = 0; i < writes; i++) {
      const c = citizen(n + i);
      const t0 = performance.now();
      db.data.citizens[c.id] = c;
      await db.write();
      times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same on PostgreSQL (a throwaway server on this machine, same disk; or DATABASE_URL). */
async function measurePostgres(url: string, schema: string, n: number) {
  const store = await openPostgresStore({ connectionString: url, schema, clock: systemClock });
  try {
    await fill(store, n);
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const s = await openPostgresStore({ connectionString: url, schema, clock: systemClock });
      await s.citizens.count();
      starts.push(performance.now() - t0);
      await s.close();
    }
    const times = await writeTimes(store, n);
    return { n, coldStartMs: median(starts), writeMedianMs: median(times), writeP90Ms: p90(times) };
  } finally {
    await store.close();
  }
}

export async function benchStore(): Promise<void> {
  console.log('Store: save one citizen (fsync before acknowledging), median of %d writes', WRITES);
  const results: Awaited<ReturnType<typeof measure>>[] = [];
  for (const n of SIZES) results.push(await measure(n));
  const naiveSmall = await naive(SIZES[0]!, 50);
  const naiveLarge = await naive(SIZES[1]!, 10);
  console.table(
    results.map((r, i) => ({
      'citizens stored': r.n.toLocaleString('en'),
      'write median (ms)': r.writeMedianMs.toFixed(3),
      'write p90 (ms)': r.writeP90Ms.toFixed(3),
      'cold start (ms)': r.coldStartMs.toFixed(0),
      'naive rewrite, no fsync (ms)': (i === 0 ? naiveSmall : naiveLarge).toFixed(2),
    })),
  );
  const ratio = results[1]!.writeMedianMs / results[0]!.writeMedianMs;
  console.log(`write cost ratio 100,000 / 1,000: ${ratio.toFixed(2)}x (target <= 2x) ${ratio <= 2 ? 'OK' : 'OVER TARGET'}`);
  console.log(`cold start with 100,000 citizens: ${(results[1]!.coldStartMs / 1000).toFixed(2)} s (target < 5 s) ${results[1]!.coldStartMs < 5000 ? 'OK' : 'OVER TARGET'}`);
  console.log(`naive baseline ratio (one JSON file rewritten per write): ${(naiveLarge / naiveSmall).toFixed(1)}x`);

  console.log('Store on PostgreSQL, side by side: save one citizen (a transaction: commit waits for the WAL flush), median of %d writes', WRITES);
  const db = await startTestDatabase();
  try {
    const pg = [];
    for (const n of SIZES) pg.push(await measurePostgres(db.url, db.schema(), n));
    console.table(
      pg.map((r, i) => ({
        'citizens stored': r.n.toLocaleString('en'),
        'embedded write median (ms)': results[i]!.writeMedianMs.toFixed(3),
        'PostgreSQL write median (ms)': r.writeMedianMs.toFixed(3),
        'PostgreSQL write p90 (ms)': r.writeP90Ms.toFixed(3),
        'embedded cold start (ms)': results[i]!.coldStartMs.toFixed(0),
        'PostgreSQL open (ms)': r.coldStartMs.toFixed(0),
      })),
    );
  } finally {
    await db.stop();
  }
}
