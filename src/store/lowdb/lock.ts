// One process per DATA_DIR: a lock file holding the owner's pid. A lock left by a process that
// died (kill -9, power cut) is taken over; a live owner makes the second process refuse to start.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Clock } from '../../clock.js';

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `DATA_DIR ${dir} is in use by another Aktiv Assistent process (pid ${pid} on this machine). ` +
        'Stop that process first, or give this one its own DATA_DIR. Two processes on one data folder would overwrite each other.',
    );
    this.name = 'DataDirLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Folders this process holds: a lock naming our own pid is ours only if it is listed here. */
const heldHere = new Set<string>();

export function acquireLock(dir: string, clock: Clock): () => void {
  const file = path.join(dir, 'store.lock');
  if (heldHere.has(file)) throw new DataDirLockedError(dir, process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: clock.now().toISOString() }));
      closeSync(fd);
      heldHere.add(file);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldHere.delete(file);
        try {
          unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: { pid?: number; host?: string } = {};
      try {
        owner = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        /* a torn lock file: its writer died while writing it */
      }
      // Our own pid in a lock we do not hold is a previous process that had the same pid (containers).
      if (owner.pid && owner.pid !== process.pid && (owner.host === undefined || owner.host === hostname()) && alive(owner.pid)) {
        throw new DataDirLockedError(dir, owner.pid);
      }
      try {
        unlinkSync(file); // stale: its owner is gone
      } catch {
        /* someone else removed it first; try again */
      }
    }
  }
  throw new Error(`Could not lock DATA_DIR ${dir}`);
}
