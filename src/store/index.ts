// The store's front door: open the data folder; the rest of the bot sees only the interfaces.
import type { Clock } from '../clock.js';
import type { Store } from './types.js';
import { openLowdbStore } from './lowdb/index.js';
import { ensureDataDir } from './dataDir.js';

export type * from './types.js';
export { staffKeyString, sameStaff } from './types.js';
export { DataDirLockedError } from './lowdb/lock.js';
export { ConflictError, isConflict } from './errors.js';

export async function openStore(dataDir: string, clock: Clock): Promise<Store> {
  ensureDataDir(dataDir);
  return openLowdbStore(dataDir, { clock });
}
