// npm run bench (overlaps part): finding one citizen's colleague visits as the bot does, with 1,000,000 visits stored, against a naive scan of them all.
// 100,000 citizens and about 10 visits each over a year is well above Aabenraa's scale (seed 002:
// 7,233 citizens in the preventive target group, 1,000 preventive visits a year); the lookup must
// still cost microseconds, because the bot runs it on every visit planned. Figures only, no pass/fail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findOverlaps } from '../src/domain/overlap.js';
import { openLowdbStore } from '../src/store/lowdb/index.js';
import { systemClock } from '../src/clock.js';
import type { StaffKey, Visit } from '../src/store/types.js';

const CITIZENS = 100_000;
const VISITS_PER_CITIZEN = 10;
const BATCH = 10_000;
const CANDIDATES = 20_000;
const WARM_UP = 1_000;
const NAIVE_CANDIDATES = 50;
const WINDOW_DAYS = 14;
const SERVICES = ['forebyggende', 'demens', 'netvaerk', 'aktivitetscenter', 'hjemmetraening'];
const STAFF_PER_SERVICE = 40;
const YEAR_START = Date.UTC(2026, 0, 1);
/** Visits before this are done, after it planned: a store in mid-year holds both. */
const NOW = Date.UTC(2026, 6, 1);

/** A fixed-seed generator (mulberry32), so every run builds the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const staff: StaffKey[][] = SERVICES.map((_, s) => Array.from({ length: STAFF_PER_SERVICE }, (_, i) => ({ tenantId: 't1', aadObjectId: `s${s}-${i}` })));
const allStaff = staff.flat();

/** A working-hours instant on one of the year's days (07:00-16:45 UTC; the exact local hour does not matter here). */
function instant(rnd: () => number): number {
  return YEAR_START + Math.floor(rnd() * 365) * 86_400_000 + (7 * 60 + Math.floor(rnd() * 40) * 15) * 60_000;
}

const citizenId = (i: number) => `c${i.toString(36)}`;

/**
 * One citizen's visits: attached to two or three services, each through one staff member, with the
 * visits spread over the year among them. Ids and keys are short and createdAt is shared, because
 * the store keeps a million of these in memory.
 */
function visitsOf(i: number, rnd: () => number, nextId: () => string): Visit[] {
  const order = [...SERVICES.keys()];
  for (let k = order.length - 1; k > 0; k--) {
    const j = Math.floor(rnd() * (k + 1));
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  const attached = order.slice(0, 2 + Math.floor(rnd() * 2));
  const who = attached.map((s) => ({ service: SERVICES[s]!, staff: staff[s]![Math.floor(rnd() * STAFF_PER_SERVICE)]! }));
  const out: Visit[] = [];
  for (let n = 0; n < VISITS_PER_CITIZEN; n++) {
    const { service, staff: s } = who[Math.floor(rnd() * who.length)]!;
    const t = instant(rnd);
    const at = new Date(t).toISOString();
    const status = rnd() < 0.05 ? 'cancelled' : t < NOW ? 'done' : 'planned';
    out.push({ id: nextId(), citizenId: citizenId(i), staff: s, at, service, status, createdAt: at, updatedAt: at, data: {} });
  }
  return out;
}

const sorted = (xs: number[]) => Float64Array.from(xs).sort();
const quantile = (s: Float64Array, q: number) => s[Math.min(s.length - 1, Math.floor(s.length * q))]!;

function randomCandidate(rnd: () => number) {
  return { citizenId: citizenId(Math.floor(rnd() * CITIZENS)), staff: allStaff[Math.floor(rnd() * allStaff.length)]!, at: new Date(instant(rnd)).toISOString() };
}

export async function benchOverlaps(): Promise<void> {
  console.log('Overlaps: one citizen\'s colleague visits within %d days, with %s visits stored', WINDOW_DAYS, (CITIZENS * VISITS_PER_CITIZEN).toLocaleString('en'));
  const dir = mkdtempSync(path.join(tmpdir(), 'aa-bench-overlaps-'));
  // No fsync and no compaction while building: the data set is thrown away, and a snapshot of a
  // million visits would take longer to write than the whole measurement.
  const store = await openLowdbStore(dir, { clock: systemClock, unsafeNoSync: true, compactAfterBytes: Number.MAX_SAFE_INTEGER });
  try {
    const rnd = random(2026);
    let seq = 0;
    const nextId = () => `v${(seq++).toString(36)}`;
    const t0 = performance.now();
    const perBatch = BATCH / VISITS_PER_CITIZEN;
    for (let c = 0; c < CITIZENS; c += perBatch) {
      await store.transaction(async (tx) => {
        for (let i = c; i < Math.min(c + perBatch, CITIZENS); i++) for (const v of visitsOf(i, rnd, nextId)) await tx.visits.save(v);
      });
    }
    const buildMs = performance.now() - t0;
    const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;

    const q = random(16);
    let found = 0;
    const times: number[] = [];
    for (let n = 0; n < WARM_UP + CANDIDATES; n++) {
      const candidate = randomCandidate(q);
      const s = performance.now();
      const overlaps = findOverlaps(candidate, await store.visits.listByCitizen(candidate.citizenId), WINDOW_DAYS);
      const e = performance.now();
      if (n >= WARM_UP) {
        times.push((e - s) * 1000);
        found += overlaps.length;
      }
    }
    const byIndex = sorted(times);

    // The contrast: no index, every visit looked at. Gathering them into an array is not timed, so
    // this is the cheapest a scan can be.
    const all = [...store.engine.entries<Visit>('visits')].map(([, v]) => v);
    const naive: number[] = [];
    for (let n = 0; n < NAIVE_CANDIDATES; n++) {
      const candidate = randomCandidate(q);
      const s = performance.now();
      findOverlaps(candidate, all, WINDOW_DAYS);
      naive.push((performance.now() - s) * 1000);
    }
    const naiveMedian = quantile(sorted(naive), 0.5);
    const indexMedian = quantile(byIndex, 0.5);

    console.table([
      {
        'visits stored': all.length.toLocaleString('en'),
        'build (s)': (buildMs / 1000).toFixed(1),
        'heap after build (MB)': heapMb.toFixed(0),
        'lookup median (µs)': indexMedian.toFixed(1),
        'lookup p99 (µs)': quantile(byIndex, 0.99).toFixed(1),
        'overlaps found per candidate': (found / CANDIDATES).toFixed(2),
        'naive scan median (µs)': naiveMedian.toFixed(0),
      },
    ]);
    console.log(`lookup through the byCitizen index, ${CANDIDATES.toLocaleString('en')} random candidates; naive scan of all visits, ${NAIVE_CANDIDATES} candidates: ${(naiveMedian / indexMedian).toFixed(0)}x the indexed median`);
  } finally {
    // Not store.close(): that would fold a million visits into a snapshot nobody will read.
    await store.engine.close({ compact: false });
    rmSync(dir, { recursive: true, force: true });
  }
}
