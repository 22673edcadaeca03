// The process entry point (npm start): start, say how we run, stop cleanly on SIGTERM/SIGINT.
import { ConfigError } from './config.js';
import { RolesFileError } from './services/directory.js';
import { DataDirLockedError } from './store/index.js';
import { RuleFileError } from '../rules/index.js';
import { routeConsoleToLog } from './consoleLog.js';
import { describeMode, start } from './main.js';
import { version } from './version.js';

try {
  const bot = await start();
  routeConsoleToLog(bot.log);
  for (const line of [...describeMode(bot.config), ...bot.notices]) console.log(line);
  console.log(`Aktiv Assistent ${version} listening on ${bot.server.url}/api/messages (health: ${bot.server.url}/healthz)`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing turns in flight, then stopping`);
    bot.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('Stop failed:', err instanceof Error ? err.message : err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  if (err instanceof ConfigError || err instanceof RolesFileError || err instanceof DataDirLockedError || err instanceof RuleFileError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error('Aktiv Assistent could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
}
