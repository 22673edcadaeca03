// npm run store:copy: move the embedded store in DATA_DIR into the PostgreSQL at DATABASE_URL (an empty
// database; the bot stopped). Prints the counts per kind and exits 0 only if every count matches.
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { copyToPostgres, NotEmptyError } from './store/copy.js';
import { databasePassword, DataDirLockedError } from './store/index.js';
import { openLowdbStore } from './store/lowdb/index.js';
import { openPostgresStore } from './store/postgres/index.js';
import { existsSync } from 'node:fs';

try {
  const config = loadConfig();
  if (!config.database) throw new ConfigError(['DATABASE_URL: set it to the PostgreSQL database to copy into']);
  const db = config.database;
  if (!existsSync(config.dataDir)) throw new ConfigError([`DATA_DIR: ${config.dataDir} does not exist; point it at the embedded store to copy`]);
  const from = await openLowdbStore(config.dataDir, { clock: systemClock });
  const to = await openPostgresStore({ connectionString: db.url, clock: systemClock, password: databasePassword(db) });
  try {
    console.log(`Copying ${config.dataDir} into PostgreSQL ...`);
    const report = await copyToPostgres(from.engine, to);
    console.table(report.kinds);
    console.log(report.ok ? 'Every count matches. Start the bot with DATABASE_URL set.' : 'Counts differ: see above. Nothing is deleted from DATA_DIR.');
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await to.close();
    await from.close();
  }
} catch (err) {
  if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof NotEmptyError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error('The copy failed; nothing was written to the database:', err instanceof Error ? err.message : err);
  process.exit(1);
}
