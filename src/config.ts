// The environment -> a typed, checked configuration. A bad value stops the start with a message
// that names the variable; nothing else in the bot reads process.env.
import path from 'node:path';
import { z } from 'zod';
import { parse } from 'pg-connection-string';
import type { LanguagePolicy } from './i18n/index.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Empty strings in env files mean "not set" (Teams Toolkit writes `BOT_ID=` before provisioning). */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const guidList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(GUID, 'each entry must be a GUID')));

const EnvSchema = z.object({
  PORT: optional(z.coerce.number().int().min(0).max(65535)),
  HOST: optional(z.string()),
  DATA_DIR: optional(z.string()),
  BOT_ID: optional(z.string().regex(GUID, 'must be the Azure Bot app id (a GUID)')),
  BOT_PASSWORD: optional(z.string()),
  BOT_TYPE: optional(z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI'])),
  BOT_TENANT_ID: optional(z.string().regex(GUID, 'must be the Entra tenant id (a GUID)')),
  BOT_OPENID_METADATA_URL: optional(z.string().url()),
  ALLOWED_TENANTS: optional(guidList),
  MAX_BODY_BYTES: optional(z.coerce.number().int().min(1024).max(10 * 1024 * 1024)),
  SHUTDOWN_TIMEOUT_MS: optional(z.coerce.number().int().min(0).max(120_000)),
  LOG_LEVEL: optional(z.enum(['error', 'warn', 'info', 'debug'])),
  ADMINS: optional(guidList),
  ROLES_FILE: optional(z.string()),
  OUTBOX_RETRY_BASE_MS: optional(z.coerce.number().int().min(10).max(600_000)),
  OUTBOX_GIVE_UP_AFTER_HOURS: optional(z.coerce.number().min(0.001).max(24 * 14)),
  DEFAULT_LANGUAGE: optional(z.enum(['da', 'en'])),
  CARD_ACTIONS: optional(z.enum(['submit', 'execute'])),
  LANGUAGE_FROM_CLIENT: optional(z.enum(['true', 'false'])),
  OUTBOX_SEND_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(120_000)),
  OUTBOX_CONCURRENCY: optional(z.coerce.number().int().min(1).max(64)),
  FOLLOW_UP_CHECK_MINUTES: optional(z.coerce.number().min(0.01).max(24 * 60)),
  VISITATION_CHANNEL_ID: optional(z.string().regex(/^19:[^;\s]+$/, 'must be a Teams channel id (19:...@thread.tacv2)')),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL (postgres://user@host:5432/database?sslmode=verify-full)')),
  DATABASE_PASSWORD_FILE: optional(z.string()),
  DATABASE_POOL_SIZE: optional(z.coerce.number().int().min(1).max(100)),
  DATABASE_AUTH: optional(z.enum(['password', 'managedIdentity'])),
  DATABASE_MANAGED_IDENTITY_CLIENT_ID: optional(z.string().regex(GUID, 'must be the managed identity\'s client id (a GUID)')),
  CPR_PSEUDONYM_KEY: optional(z.string().min(32, 'must be at least 32 characters (a random secret, e.g. openssl rand -base64 48); keep it in Key Vault, never in git').max(1024)),
  FILE_UPLOAD_HOSTS: optional(z.string().regex(/^[a-z0-9.-]+(,[a-z0-9.-]+)*$/i, 'must be host names or suffixes, comma-separated (sharepoint.com)')),
});

export type BotType = 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';

export interface BotCredentials {
  appId: string;
  password?: string;
  type: BotType;
  tenantId?: string;
}

export interface DatabaseConfig {
  url: string;
  /** A file holding the password (read for each new connection, so it can be rotated). */
  passwordFile?: string;
  poolSize: number;
  /** Sign in with an Entra token of the managed identity (this client id; none: the system-assigned one). */
  managedIdentity?: { clientId?: string };
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL (several instances); undefined = the embedded store in dataDir. */
  database?: DatabaseConfig;
  /** undefined = local mode: no JWT checks, for the Agents Playground only. */
  credentials?: BotCredentials;
  openIdMetadataUrl?: string;
  allowedTenants?: string[];
  maxBodyBytes: number;
  shutdownTimeoutMs: number;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Entra object ids that always have the admin role. */
  admins: string[];
  /** A JSON file mapping Entra object ids to roles, read and checked at start. */
  rolesFile?: string;
  outbox: { retryBaseMs: number; giveUpAfterMs: number; sendTimeoutMs: number; concurrency: number };
  /** Danish unless configured; a person's own choice wins; the client's locale only if allowed. */
  language: LanguagePolicy;
  /** How card buttons travel (src/teams/cardActions.ts): Action.Submit works on every Teams client. */
  cardActions: 'submit' | 'execute';
  /** How often due follow-ups (yearly status, end of a home course) are looked for. */
  followUpCheckMs: number;
  /** The visitators' channel, when set by configuration rather than from Teams. */
  visitationChannelId?: string;
  /**
   * Where a file accepted in Teams may be uploaded (the uploadUrl Teams gives): these hosts and
   * their subdomains, over https (http only to this machine, for tests).
   */
  fileUploadHosts: string[];
  /**
   * The key of the register of former citizens (src/store/pseudonym.ts): with it, a citizen whose
   * record is gone can still be found by CPR number in the access log. A secret, never logged.
   */
  cprPseudonymKey?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Aktiv Assistent cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse the environment; throws ConfigError listing every bad variable by name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const entry = typeof i.path[1] === 'number' ? ` (entry ${i.path[1] + 1})` : '';
        return `${String(i.path[0] ?? '(environment)')}: ${i.message}${entry}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  let credentials: BotCredentials | undefined;

  if (!e.BOT_ID) {
    for (const name of ['BOT_PASSWORD', 'BOT_TENANT_ID'] as const) {
      if (e[name]) problems.push(`${name} is set but BOT_ID is not: set BOT_ID too, or remove ${name} for local mode`);
    }
  } else {
    const type: BotType = e.BOT_TYPE ?? 'SingleTenant';
    if (type === 'UserAssignedMSI') {
      if (e.BOT_PASSWORD) problems.push('BOT_PASSWORD must not be set with BOT_TYPE=UserAssignedMSI (the managed identity has no secret)');
      if (!e.BOT_TENANT_ID) problems.push('BOT_TENANT_ID is required with BOT_TYPE=UserAssignedMSI');
    } else {
      if (!e.BOT_PASSWORD) problems.push(`BOT_PASSWORD is required with BOT_TYPE=${type} (put it in env/.env.*.user, never in git)`);
      if (type === 'SingleTenant' && !e.BOT_TENANT_ID) problems.push('BOT_TENANT_ID is required with BOT_TYPE=SingleTenant');
      if (type === 'MultiTenant' && e.BOT_TENANT_ID) problems.push('BOT_TENANT_ID must not be set with BOT_TYPE=MultiTenant; use SingleTenant for a single tenant');
    }
    credentials = { appId: e.BOT_ID, password: e.BOT_PASSWORD, type, tenantId: e.BOT_TENANT_ID };
  }
  if (e.DATABASE_URL) problems.push(...databaseProblems(e.DATABASE_URL));
  if (e.DATABASE_PASSWORD_FILE && !e.DATABASE_URL) problems.push('DATABASE_PASSWORD_FILE is set but DATABASE_URL is not');
  if (e.DATABASE_AUTH === 'managedIdentity' && e.DATABASE_PASSWORD_FILE) problems.push('DATABASE_PASSWORD_FILE must not be set with DATABASE_AUTH=managedIdentity (the token is the password)');
  if (e.DATABASE_AUTH === 'managedIdentity' && !e.DATABASE_URL) problems.push('DATABASE_AUTH is set but DATABASE_URL is not');
  if (problems.length) throw new ConfigError(problems);

  return {
    port: e.PORT ?? 3978,
    // Local mode has no authentication, so by default it only listens on this machine.
    host: e.HOST ?? (credentials ? '0.0.0.0' : '127.0.0.1'),
    dataDir: path.resolve(cwd, e.DATA_DIR ?? 'data'),
    credentials,
    openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
    // GUIDs compare case-insensitively: kept lower case, and compared with the lower-cased tenant.
    allowedTenants: e.ALLOWED_TENANTS?.length ? e.ALLOWED_TENANTS.map((id) => id.toLowerCase()) : undefined,
    maxBodyBytes: e.MAX_BODY_BYTES ?? 256 * 1024,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    logLevel: e.LOG_LEVEL ?? 'info',
    admins: (e.ADMINS ?? []).map((id) => id.toLowerCase()),
    rolesFile: e.ROLES_FILE ? path.resolve(cwd, e.ROLES_FILE) : undefined,
    outbox: {
      retryBaseMs: e.OUTBOX_RETRY_BASE_MS ?? 2000,
      giveUpAfterMs: (e.OUTBOX_GIVE_UP_AFTER_HOURS ?? 48) * 3600_000,
      sendTimeoutMs: e.OUTBOX_SEND_TIMEOUT_MS ?? 10_000,
      concurrency: e.OUTBOX_CONCURRENCY ?? 8,
    },
    followUpCheckMs: (e.FOLLOW_UP_CHECK_MINUTES ?? 60) * 60_000,
    language: { default: e.DEFAULT_LANGUAGE ?? 'da', fromClient: e.LANGUAGE_FROM_CLIENT === 'true' },
    cardActions: e.CARD_ACTIONS ?? 'submit',
    visitationChannelId: e.VISITATION_CHANNEL_ID,
    fileUploadHosts: (e.FILE_UPLOAD_HOSTS ?? 'sharepoint.com,sharepoint.us').split(',').map((h) => h.toLowerCase()),
    cprPseudonymKey: e.CPR_PSEUDONYM_KEY,
    database: e.DATABASE_URL
      ? {
          url: e.DATABASE_URL,
          passwordFile: e.DATABASE_PASSWORD_FILE ? path.resolve(cwd, e.DATABASE_PASSWORD_FILE) : undefined,
          poolSize: e.DATABASE_POOL_SIZE ?? 10,
          // The bot's own user-assigned identity unless another is named.
          ...(e.DATABASE_AUTH === 'managedIdentity' ? { managedIdentity: { clientId: e.DATABASE_MANAGED_IDENTITY_CLIENT_ID ?? (credentials?.type === 'UserAssignedMSI' ? credentials.appId : undefined) } } : {}),
        }
      : undefined,
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * A database across a network is reached over TLS with the server's certificate checked
 * (sslmode=verify-full); a connection that encrypts but trusts any certificate is refused.
 */
function databaseProblems(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return ['DATABASE_URL is not a URL'];
  }
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode === 'no-verify' || parsed.searchParams.get('sslrootcert') === 'system-insecure') return ['DATABASE_URL must not turn certificate checks off (sslmode=no-verify); use sslmode=verify-full'];
  // The host pg connects to, as pg reads the URL (a ?host= parameter wins over the URL's host).
  const host = String(parse(url).host ?? parsed.hostname);
  if (!LOOPBACK.has(host) && sslmode !== 'verify-full') return [`DATABASE_URL points at ${host}: add sslmode=verify-full, so the connection is encrypted and the server's certificate checked`];
  return [];
}
