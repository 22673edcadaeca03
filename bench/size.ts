// npm run bench (size part): the embedded store with the data set that broke it: 100,000 citizens,
// each with a finished screening and its audit entries, and 1,000,000 visits. Built without fsync
// (a benchmark's data), then stopped gracefully (the snapshot written), started cold and stopped
// again; prints the times, the snapshot's size and the memory held. BENCH_SIZE_CITIZENS shrinks it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../src/clock.js';
import { openLowdbStore } from '../src/store/lowdb/index.js';
import type { StaffKey } from '../src/store/types.js';

const CITIZENS = Number(process.env.BENCH_SIZE_CITIZENS ?? 100_000);
const VISITS_PER_CITIZEN = 10;
const STAFF: StaffKey = { tenantId: '11111111-1111-4111-8111-111111111111', aadObjectId: '00000000-0000-0000-0000-00000000be02' };

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

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

export async function benchSize(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aa-bench-size-'));
  try {
    console.log(`Size: ${CITIZENS.toLocaleString('en')} citizens with a finished screening and 3 audit entries each, ${(CITIZENS * VISITS_PER_CITIZEN).toLocaleString('en')} visits`);
    const t0 = performance.now();
    const store = await openLowdbStore(dir, { clock: systemClock, unsafeNoSync: true });
    const at = '2026-11-24T09:00:00.000Z';
    for (let c = 0; c < CITIZENS; c += 2_000) {
      await store.transaction(async (tx) => {
        for (let i = c; i < Math.min(c + 2_000, CITIZENS); i++) {
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
    }
    const built = performance.now() - t0;
    const heapBuilt = process.memoryUsage();
    const stopped = await gracefulStop(store);
    const snapshot = statSync(path.join(dir, 'snapshot.jsonl')).size;
    const c0 = performance.now();
    const again = await openLowdbStore(dir, { clock: systemClock });
    const coldMs = performance.now() - c0;
    const memory = process.memoryUsage();
    const counted = await again.citizens.count();
    const stoppedAgain = await gracefulStop(again);
    console.table([
      { what: 'built (no fsync)', figure: `${(built / 1000).toFixed(1)} s, heap ${mb(heapBuilt.heapUsed)}, RSS ${mb(heapBuilt.rss)}` },
      { what: 'graceful stop (snapshot written)', figure: stopped },
      { what: 'snapshot on disk', figure: mb(snapshot) },
      { what: 'cold start', figure: `${(coldMs / 1000).toFixed(1)} s, ${counted.toLocaleString('en')} citizens` },
      { what: 'memory after cold start', figure: `heap ${mb(memory.heapUsed)}, RSS ${mb(memory.rss)}` },
      { what: 'graceful stop again (nothing new)', figure: stoppedAgain },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
