// What both stores share about transactions: the store's own repositories join the transaction of
// the async context they are called in (reads outside one see what is committed, and each write
// outside one is a transaction of its own), and what waits for a commit runs after it.
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Repositories } from './types.js';

/** The repository methods that only read: outside a transaction they need none. */
const READS = new Set(['get', 'list', 'findByCpr', 'formerIds', 'count', 'listByCitizen', 'draftsBy', 'listOpen', 'followUpsDue', 'listByStaff', 'since', 'findByIdempotencyKey', 'due', 'nextDueAt', 'listByTopic', 'pendingFor', 'forCitizen', 'personalChatOf', 'anyInTenant', 'entry', 'getMany', 'all']);

type Methods = Record<string, (...args: unknown[]) => Promise<unknown>>;

/**
 * The store's repositories: each method goes to the running transaction's repositories if there is
 * one, else to `readView` for a read, else into a transaction of its own.
 */
export function joinedRepositories(readView: Repositories, running: () => Repositories | undefined, transaction: <T>(fn: (tx: Repositories) => Promise<T>) => Promise<T>): Repositories {
  const joined: Record<string, Methods> = {};
  for (const [repo, methods] of Object.entries(readView) as [string, Methods][]) {
    joined[repo] = {};
    for (const name of Object.keys(methods)) {
      joined[repo][name] = (...args: unknown[]) => {
        const call = (r: Repositories) => (r as unknown as Record<string, Methods>)[repo]![name]!(...args);
        const tx = running();
        if (tx) return call(tx);
        if (READS.has(name)) return call(readView);
        return transaction(call);
      };
    }
  }
  return joined as unknown as Repositories;
}

/**
 * Run what waited for a commit, outside the transaction's context. It cannot undo the commit: a
 * failure there (waking the outbox) is reported, not thrown.
 */
export function runAfterCommit(callbacks: (() => void)[], context: AsyncLocalStorage<unknown>): void {
  for (const f of callbacks) {
    try {
      context.exit(f);
    } catch (err) {
      process.emitWarning(`A callback after a commit failed: ${(err as Error)?.message ?? err}`);
    }
  }
}

/** Hand `fn` to the running transaction to run after its commit; with none running, run it now. */
export function afterCommitOf(running: { after: (() => void)[] } | undefined, fn: () => void): void {
  if (running) running.after.push(fn);
  else fn();
}
