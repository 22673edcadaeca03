// Work that must not run twice at once on any instance sharing the store (a conversation's turns):
// it runs under a lease on its keys. Waiting is polling, with a growing pause, because the ways a
// database could wake a waiter (LISTEN/NOTIFY, session advisory locks) break behind PgBouncer in
// transaction mode, which Azure Database for PostgreSQL puts in front. The lease is renewed while the
// work runs; a holder that dies leaves it to run out after `ttlMs`. A waiter that was refused
// reserves the keys, so a newcomer (the holder's own instance's next turn, taking them at once)
// does not overtake it.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import type { LeaseRepository } from './types.js';

export interface LeaseOptions {
  /** How long a lease holds without renewal (a dead holder blocks its keys this long at most). */
  ttlMs: number;
  /** Give up waiting after this long. */
  waitMs: number;
  /** The first pause between tries; it doubles up to `maxPollMs`. */
  pollMs: number;
  maxPollMs: number;
  /** Renewed no longer than this: a turn that hangs (a call that never returns) frees its chat when the lease then runs out. */
  maxHoldMs: number;
}

/**
 * A turn normally holds its lease for well under a second. If its instance dies, the chat waits at
 * most 15 s; a waiter gives up after 20 s (Teams has given up on the request by then).
 */
export const DEFAULT_LEASE: LeaseOptions = { ttlMs: 15_000, waitMs: 20_000, pollMs: 2, maxPollMs: 50, maxHoldMs: 120_000 };

/** Waited longer than `waitMs` for keys someone else held the whole time. */
export class LeaseTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(`Waited ${Math.round(waitedMs)} ms for a lease another turn held`);
    this.name = 'LeaseTimeoutError';
  }
}

const instance = randomBytes(6).toString('base64url');
let counter = 0;
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface LeaseStats {
  /** Runs that had to wait for someone else's lease, and how long they waited in all (ms). */
  waited: number;
  waitedMs: number;
  /** Runs whose lease could not be renewed (it ran out and may have been taken), or was held past `maxHoldMs`. */
  lost: number;
}

/** Run `work` holding a lease on every one of `keys` (taken together, in one order, so two holders never wait on each other). */
export async function withLease<T>(
  leases: LeaseRepository,
  clock: Clock,
  keys: string[],
  work: () => Promise<T>,
  options: LeaseOptions = DEFAULT_LEASE,
  stats?: LeaseStats,
  warn?: (message: string) => void,
): Promise<T> {
  const unique = [...new Set(keys)].sort();
  const holder = `${instance}.${(++counter).toString(36)}`;
  const until = () => new Date(clock.now().getTime() + options.ttlMs);
  const start = performance.now();
  let delay = options.pollMs;
  let waited = false;
  // A refused try reserves the keys a little longer than the longest pause, so a waiter is next.
  const reserve = () => new Date(clock.now().getTime() + Math.max(1_000, 10 * options.maxPollMs));
  while (!(await leases.acquire(unique, holder, clock.now(), until(), reserve()))) {
    waited = true;
    const elapsed = performance.now() - start;
    if (elapsed > options.waitMs) throw new LeaseTimeoutError(elapsed);
    await pause(delay);
    delay = Math.min(delay * 2, options.maxPollMs);
  }
  if (waited && stats) {
    stats.waited++;
    stats.waitedMs += performance.now() - start;
  }
  // Renewed at a third of its time, so one late renewal does not lose it; never past maxHoldMs.
  const held = performance.now();
  let lost = false;
  const lose = (why: string) => {
    clearInterval(renewal);
    if (lost) return;
    lost = true;
    if (stats) stats.lost++;
    warn?.(why);
  };
  const renewal = setInterval(() => {
    if (performance.now() - held > options.maxHoldMs) return lose('a turn held its chat longer than allowed; its lease is left to run out');
    leases.renew(unique, holder, until()).then(
      (ok) => ok || lose('a turn lost its lease (not renewed in time); another turn of the chat may run alongside'),
      () => undefined, // the database did not answer: the next renewal tries again
    );
  }, Math.max(1, Math.floor(options.ttlMs / 3)));
  renewal.unref();
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    // Not given up (the database did not answer): it runs out by itself.
    await leases.release(unique, holder).catch(() => undefined);
  }
}
