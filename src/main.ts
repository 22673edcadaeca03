// Start-up: config -> store -> staff directory -> Teams layer and outbox -> HTTP server; and the
// stop that lets turns finish, lets the outbox finish its attempt, then flushes the store.
import { systemClock, type Clock } from './clock.js';
import { loadConfig, type Config } from './config.js';
import { hasKey, t } from './i18n/index.js';
import { createLogger, type Logger } from './log.js';
import { startServer, type RunningServer } from './server.js';
import { checkManages, Directory, loadRolesFile } from './services/directory.js';
import { Outbox } from './services/outbox.js';
import { openConfiguredStore, type Store } from './store/index.js';
import { createAdapter } from './teams/adapter.js';
import { createBot, type Bot, type BotOptions } from './teams/app.js';
import { TeamsTransport } from './teams/proactive.js';
import { version } from './version.js';
import { loadRules } from '../rules/index.js';
import { inForce } from './domain/faellesSprog.js';
import { copenhagenParts } from './i18n/format.js';
import { remindFollowUps } from './flows/index.js';
import { applyRetention } from './services/retention.js';

export interface Started {
  config: Config;
  clock: Clock;
  log: Logger;
  server: RunningServer;
  store: Store;
  outbox: Outbox;
  directory: Directory;
  bot: Bot;
  /** Things an operator should know, said once at start-up. */
  notices: string[];
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Offline tests only: see src/teams/adapter.ts. */
  credentialsFactory?: Parameters<typeof createAdapter>[1];
  extend?: BotOptions['extend'];
  /** The clock everything reads the time from; the system's unless a test gives its own. */
  clock?: Clock;
}

export async function start(env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Promise<Started> {
  const config = loadConfig(env);
  const log = options.log ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const seed = config.rolesFile ? loadRolesFile(config.rolesFile) : [];
  const rules = loadRules();
  if (config.rolesFile) checkManages(config.rolesFile, seed, rules.visits.services.map((s) => s.id), rules.organisation.centres.map((c) => c.id));
  const store = await openConfiguredStore(config, clock);
  try {
    const directory = new Directory(store, { admins: config.admins, seed, localMode: !config.credentials, clock, language: config.language });
    const adapter = createAdapter(config, options.credentialsFactory);
    const botId = config.credentials?.appId ?? '';
    const outbox = new Outbox(store, new TeamsTransport(adapter, botId, store, log, clock, config.cardActions), log, {
      clock,
      retryBaseMs: config.outbox.retryBaseMs,
      giveUpAfterMs: config.outbox.giveUpAfterMs,
      sendTimeoutMs: config.outbox.sendTimeoutMs,
      concurrency: config.outbox.concurrency,
      reportText: async (to, message) => {
        const lang = await directory.languageOf(to);
        const status = message.lastError?.status;
        const reason = t(lang, status === 403 || status === 404 ? `outbox.reason.${status}` : 'outbox.reason.other');
        const what = message.topic && hasKey(`outbox.what.${message.topic.kind}`) ? t(lang, `outbox.what.${message.topic.kind}`) : t(lang, 'outbox.what.generic');
        return t(lang, 'outbox.report', { what, reason });
      },
    });
    const bot = createBot({ config, log, store, directory, adapter, outbox, rules, extend: options.extend, clock });
    if (config.visitationChannelId && !(await store.settings.get('visitationChannel'))) {
      await store.settings.set('visitationChannel', { conversationId: config.visitationChannelId, at: clock.now().toISOString() });
    }
    const server = await startServer({
      port: config.port,
      host: config.host,
      maxBodyBytes: config.maxBodyBytes,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      requireBearer: !!config.credentials,
      bot,
      health: { version, store: () => store.status() },
      log,
    });
    outbox.start();
    // Follow-ups (yearly status, end of a home course) come due while nobody is talking to the bot.
    const followUps = setInterval(() => {
      remindFollowUps(bot.services).catch((err: unknown) => log.error('follow-up reminders failed', { err }));
    }, config.followUpCheckMs);
    followUps.unref();
    // Retention (rules/retention.json): a minute after start, then daily.
    const retention = () => applyRetention(store, rules.retention, clock, log).catch((err: unknown) => log.error('retention failed', { err }));
    const firstRetention = setTimeout(retention, 60_000);
    firstRetention.unref();
    const dailyRetention = setInterval(retention, 24 * 3600_000);
    dailyRetention.unref();
    const notices: string[] = [];
    if (rules.targetGroups.reviewNote) notices.push(`LEGAL REVIEW: rules/targetGroups.json (${rules.targetGroups.id} ${rules.targetGroups.version}): ${rules.targetGroups.reviewNote}`);
    const p = copenhagenParts(clock.now());
    for (const set of inForce(rules.visitation, `${p.year}-${p.month}-${p.day}`)) {
      if (set.legalReview) notices.push(`LEGAL REVIEW: rule set ${set.id} ${set.version} (in force since ${set.effectiveFrom}) is marked for the municipality's legal review: ${set.reviewNote ?? set.legalBasis}`);
    }
    if (rules.retention.reviewNote) notices.push(`LEGAL REVIEW: rules/retention.json (${rules.retention.id} ${rules.retention.version}): ${rules.retention.reviewNote}`);
    if (!config.cprPseudonymKey) notices.push('NO CPR_PSEUDONYM_KEY: once a citizen\'s record is gone (erased, or by retention), their access log cannot be found by CPR number. Set a random secret of 32 characters or more (README "Retention").');
    if (!rules.visits.perVisit.setByMunicipality) notices.push('PLACEHOLDERS: rules/visits.json perVisit holds no figures of the municipality\'s own yet; the statistics show no km or hours saved until it sets them and setByMunicipality is true.');
    if (rules.offers.examplesOnly) notices.push('EXAMPLES: rules/offersCatalogue.json holds example offers only; add the municipality\'s own local offers.');
    if (await directory.openMode()) {
      notices.push('OPEN ROLES: no ADMINS, no ROLES_FILE and no roles given yet, so in local mode every user has every role.');
    }
    return {
      config,
      clock,
      log,
      server,
      store,
      outbox,
      directory,
      bot,
      notices,
      async stop() {
        clearInterval(followUps);
        clearTimeout(firstRetention);
        clearInterval(dailyRetention);
        await server.stop();
        await outbox.stop();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

export function describeMode(config: Config): string[] {
  const lines = !config.credentials
    ? [
        'LOCAL MODE: no BOT_ID is set, so requests are not authenticated. This is for the Agents Playground on this machine only;',
        `  the bot listens on ${config.host} only. Set BOT_ID, BOT_PASSWORD/BOT_TYPE and BOT_TENANT_ID to run in Teams.`,
      ]
    : [`Teams mode: ${config.credentials.type} app ${config.credentials.appId}; every request needs a valid Bot Framework token.`];
  lines.push(config.database ? `Store: PostgreSQL ${databaseWhere(config.database.url)} (several instances may share it).` : `Store: embedded, in ${config.dataDir} (one process; set DATABASE_URL for PostgreSQL).`);
  return lines;
}

/** Host and database of a PostgreSQL URL, never its user or password. */
function databaseWhere(url: string): string {
  const u = new URL(url);
  return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}
