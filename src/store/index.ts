// The store's front door: open the data folder; the rest of the bot sees only the interfaces.
import type { Clock } from '../clock.js';
import type { Store } from './types.js';
import { openLowdbStore } from './lowdb/index.js';
import { ensureDataDir } from './dataDir.js';
import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { openPostgresStore } from './postgres/index.js';

export type * from './types.js';
export { staffKeyString, sameStaff } from './types.js';
export { DataDirLockedError } from './lowdb/lock.js';
export { ConflictError, isConflict } from './errors.js';

/** The embedded store in `dataDir` (one process). */
export async function openStore(dataDir: string, clock: Clock): Promise<Store> {
  ensureDataDir(dataDir);
  return openLowdbStore(dataDir, { clock });
}

/** The configured store: PostgreSQL when DATABASE_URL is set (several instances), else the embedded one. */
export async function openConfiguredStore(config: Pick<Config, 'dataDir' | 'database'>, clock: Clock): Promise<Store> {
  const db = config.database;
  if (!db) return openStore(config.dataDir, clock);
  const passwordFile = db.passwordFile;
  return openPostgresStore({
    connectionString: db.url,
    clock,
    max: db.poolSize,
    // Read for each new connection, so a rotated password is picked up without a restart.
    ...(passwordFile ? { password: async () => (await readFile(passwordFile, 'utf8')).trim() } : {}),
  });
}
