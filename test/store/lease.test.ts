// withLease (src/store/lease.ts) on both stores: work under the same key never overlaps, across two
// stores on one database as across two instances; a holder that died (never gave its lease back)
// blocks its keys only until the lease runs out; a waiter gives up after its time, and the lease's
// holder renews it while the work runs longer than the lease.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/clock.js';
import { LeaseTimeoutError, withLease, type LeaseOptions, type LeaseStats } from '../../src/store/lease.js';
import { openLowdbStore } from '../../src/store/lowdb/index.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/store/types.js';
import { startTestDatabase, type TestDatabase } from '../helpers/postgres.js';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await startTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'aa-lease-'));
}, 60_000);
afterAll(async () => {
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const SHORT: LeaseOptions = { ttlMs: 300, waitMs: 5_000, pollMs: 2, maxPollMs: 20, maxHoldMs: 60_000 };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two handles on one store: two PostgreSQL pools on one schema (two instances), or the one embedded store twice. */
async function twoInstances(kind: 'postgres' | 'lowdb'): Promise<[Store, Store, () => Promise<void>]> {
  if (kind === 'lowdb') {
    const store = await openLowdbStore(mkdtempSync(path.join(dir, 'db-')), { clock: systemClock });
    return [store, store, () => store.close()];
  }
  const schema = db.schema();
  const a = await openPostgresStore({ connectionString: db.url, schema, clock: systemClock });
  const b = await openPostgresStore({ connectionString: db.url, schema, clock: systemClock, migrate: false });
  return [a, b, async () => void (await Promise.all([a.close(), b.close()]))];
}

describe.each(['postgres', 'lowdb'] as const)('withLease on %s', (kind) => {
  it('work on a shared key never overlaps, whichever instance runs it; work on other keys runs alongside', async () => {
    const [a, b, close] = await twoInstances(kind);
    try {
      let inside = 0;
      let most = 0;
      const log: string[] = [];
      const stats: LeaseStats = { waited: 0, waitedMs: 0 };
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          withLease((i % 2 ? a : b).leases, systemClock, ['conversation', `user-${i % 4}`], async () => {
            inside++;
            most = Math.max(most, inside);
            log.push(`in ${i}`);
            await pause(3);
            log.push(`out ${i}`);
            inside--;
          }, SHORT, stats),
        ),
      );
      expect(most).toBe(1);
      for (let j = 0; j < log.length; j += 2) expect(log[j + 1]).toBe(log[j]!.replace('in', 'out'));
      expect(stats.waited).toBeGreaterThan(0);
      // Other keys are not held up by a long holder.
      let other = false;
      await withLease(a.leases, systemClock, ['conversation'], async () => {
        await withLease(b.leases, systemClock, ['another conversation'], async () => void (other = true), SHORT);
      }, SHORT);
      expect(other).toBe(true);
    } finally {
      await close();
    }
  });

  it('a burst on the same keys from two instances: every turn runs, once, none refused by the database (no deadlock)', async () => {
    const [a, b, close] = await twoInstances(kind);
    try {
      let ran = 0;
      for (let round = 0; round < 5; round++) {
        // The keys of one chat and one person, as twenty messages of one burst take them.
        const keys = [`conversation-${round}`, `person-${round}`];
        // Waiting long is allowed here (a loaded machine is slow): the point is that no statement fails.
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => withLease((i % 2 ? a : b).leases, systemClock, i % 3 ? keys : [...keys].reverse(), async () => void ran++, { ...SHORT, waitMs: 60_000 })));
        expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      }
      expect(ran).toBe(100);
    } finally {
      await close();
    }
  }, 120_000);

  it('a waiter on another instance is not starved by a steady stream of turns on the instance that holds the chat', async () => {
    const [a, b, close] = await twoInstances(kind);
    try {
      let streaming = true;
      let streamed = 0;
      // Instance A: one turn after another on the same chat, each taking the lease again at once.
      const stream = (async () => {
        while (streaming) await withLease(a.leases, systemClock, ['conversation', 'user-a'], async () => void (await pause(5), streamed++), SHORT);
      })();
      await pause(50);
      const started = performance.now();
      await withLease(b.leases, systemClock, ['conversation', 'user-b'], async () => undefined, { ...SHORT, waitMs: 2_000 });
      const waited = performance.now() - started;
      streaming = false;
      await stream;
      expect(streamed).toBeGreaterThan(3);
      // One of A's turns at most, and a poll: well under the 2 s it would give up after.
      expect(waited).toBeLessThan(1_000);
    } finally {
      await close();
    }
  });

  it('a holder that died blocks its keys only until its lease runs out; a waiter gives up after its time', async () => {
    const [a, b, close] = await twoInstances(kind);
    try {
      // Taken and never given back: the instance died mid-turn.
      const now = systemClock.now();
      expect(await a.leases.acquire(['conversation'], 'dead instance', now, new Date(now.getTime() + 400))).toBe(true);
      const started = performance.now();
      await withLease(b.leases, systemClock, ['conversation'], async () => undefined, SHORT);
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThan(300);
      expect(waited).toBeLessThan(4_000);
      // Held by a live holder longer than the waiter will wait.
      await expect(
        withLease(a.leases, systemClock, ['conversation'], () => withLease(b.leases, systemClock, ['conversation'], async () => 'never', { ...SHORT, waitMs: 200 }), SHORT),
      ).rejects.toBeInstanceOf(LeaseTimeoutError);
    } finally {
      await close();
    }
  });

  it('a turn that hangs frees its chat: renewed no longer than maxHoldMs, then the lease runs out, and it is reported', async () => {
    const [a, b, close] = await twoInstances(kind);
    try {
      const stats: LeaseStats = { waited: 0, waitedMs: 0, lost: 0 };
      const warnings: string[] = [];
      let release!: () => void;
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const hanging = withLease(a.leases, systemClock, ['conversation'], () => (entered(), new Promise<void>((r) => (release = r))), { ...SHORT, ttlMs: 200, maxHoldMs: 300 }, stats, (w) => warnings.push(w));
      await inside;
      const started = performance.now();
      await withLease(b.leases, systemClock, ['conversation'], async () => undefined, SHORT);
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThan(300);
      expect(waited).toBeLessThan(3_000);
      expect(stats.lost).toBe(1);
      expect(warnings).toEqual([expect.stringMatching(/longer than allowed/)]);
      release();
      await hanging;
    } finally {
      await close();
    }
  });

  it('work that runs longer than the lease keeps it (renewed), so nobody else starts meanwhile', async () => {
    const [a, b, close] = await twoInstances(kind);
    try {
      let longDone = false;
      const long = withLease(a.leases, systemClock, ['conversation'], async () => {
        await pause(1_000);
        longDone = true;
      }, SHORT);
      await pause(50);
      let sawLongDone: boolean | undefined;
      await withLease(b.leases, systemClock, ['conversation'], async () => void (sawLongDone = longDone), SHORT);
      await long;
      expect(sawLongDone).toBe(true);
    } finally {
      await close();
    }
  });
});
