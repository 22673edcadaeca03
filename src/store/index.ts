// The store's front door: open the data folder; the rest of the bot sees only the interfaces.
import type { Clock } from '../clock.js';
import type { Store } from './types.js';
import { openLowdbStore } from './lowdb/index.js';
import { ensureDataDir } from './dataDir.js';
import { readFile } from 'node:fs/promises';
import type { Config, DatabaseConfig } from '../config.js';
import type { TokenCredential } from '@azure/identity';
import { entraPassword, managedIdentity } from './postgres/entra.js';
import { openPostgresStore } from './postgres/index.js';

export type * from './types.js';
export { staffKeyString, sameStaff } from './types.js';
export { DataDirLockedError } from './lowdb/lock.js';
export { ConflictError, isConflict } from './errors.js';

/** The embedded store in `dataDir` (one process). */
export async function openStore(dataDir: string, clock: Clock, cprPseudonymKey?: string): Promise<Store> {
  ensureDataDir(dataDir);
  return openLowdbStore(dataDir, { clock, cprPseudonymKey });
}

/** The configured store: PostgreSQL when DATABASE_URL is set (several instances), else the embedded one. */
export async function openConfiguredStore(config: Pick<Config, 'dataDir' | 'database' | 'cprPseudonymKey'>, clock: Clock): Promise<Store> {
  const db = config.database;
  if (!db) return openStore(config.dataDir, clock, config.cprPseudonymKey);
  return openPostgresStore({ connectionString: db.url, clock, max: db.poolSize, password: databasePassword(db), cprPseudonymKey: config.cprPseudonymKey });
}

/** The password for each new connection: an Entra token, the file's content (so a rotated password needs no restart), or the URL's. */
export function databasePassword(db: DatabaseConfig, credential?: TokenCredential): (() => Promise<string>) | undefined {
  if (db.managedIdentity) return entraPassword(credential ?? managedIdentity(db.managedIdentity.clientId));
  const file = db.passwordFile;
  return file ? async () => (await readFile(file, 'utf8')).trim() : undefined;
}
