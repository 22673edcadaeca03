// Start-up: config -> data folder -> Teams layer -> HTTP server; stop gracefully on a signal.
import { loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { startServer, type RunningServer } from './server.js';
import { dataDirStatus, ensureDataDir } from './store/dataDir.js';
import { createBot, type BotOptions } from './teams/app.js';
import { version } from './version.js';

export interface Started {
  config: Config;
  server: RunningServer;
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Offline tests only: see src/teams/adapter.ts. */
  credentialsFactory?: BotOptions['credentialsFactory'];
}

export async function start(env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Promise<Started> {
  const config = loadConfig(env);
  const logger = options.log ?? createLogger(config.logLevel);
  ensureDataDir(config.dataDir);
  const bot = createBot({ config, log: logger, credentialsFactory: options.credentialsFactory });
  const server = await startServer({
    port: config.port,
    host: config.host,
    maxBodyBytes: config.maxBodyBytes,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    bot,
    health: { version, store: () => dataDirStatus(config.dataDir) },
    log: logger,
  });
  return {
    config,
    server,
    async stop() {
      await server.stop();
    },
  };
}

export function describeMode(config: Config): string[] {
  if (!config.credentials) {
    return [
      'LOCAL MODE: no BOT_ID is set, so requests are not authenticated. This is for the Agents Playground on this machine only;',
      `  the bot listens on ${config.host} only. Set BOT_ID, BOT_PASSWORD/BOT_TYPE and BOT_TENANT_ID to run in Teams.`,
    ];
  }
  return [`Teams mode: ${config.credentials.type} app ${config.credentials.appId}; every request needs a valid Bot Framework token.`];
}
