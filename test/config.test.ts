// Configuration: every variable parsed by one zod schema; bad values and inconsistent credential
// combinations stop the start with a message that names the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const ID = '66666666-6666-4666-8666-666666666666';
const TENANT = '77777777-7777-4777-8777-777777777777';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/bot');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('defaults', () => {
  it('runs in local mode on port 3978 with ./data, listening on loopback only', () => {
    const c = loadConfig({}, '/srv/bot');
    expect(c.credentials).toBeUndefined();
    expect(c.port).toBe(3978);
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).toBe('/srv/bot/data');
    expect(c.allowedTenants).toBeUndefined();
  });

  it('treats empty values as unset, as Teams Toolkit env files leave them before provisioning', () => {
    expect(loadConfig({ BOT_ID: '', BOT_PASSWORD: '', PORT: '' }, '/srv/bot').credentials).toBeUndefined();
  });

  it('listens on every interface with credentials, since Azure Bot Service must reach it', () => {
    const c = loadConfig({ BOT_ID: ID, BOT_PASSWORD: 's', BOT_TENANT_ID: TENANT });
    expect(c.host).toBe('0.0.0.0');
    expect(c.credentials).toEqual({ appId: ID, password: 's', type: 'SingleTenant', tenantId: TENANT });
  });
});

describe('bad values name the variable', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ BOT_ID: 'my-bot' }, 'BOT_ID'],
    [{ BOT_TYPE: 'SingleTenent', BOT_ID: ID, BOT_PASSWORD: 'x', BOT_TENANT_ID: TENANT }, 'BOT_TYPE'],
    [{ ALLOWED_TENANTS: `${TENANT},contoso` }, 'ALLOWED_TENANTS'],
    [{ MAX_BODY_BYTES: '10' }, 'MAX_BODY_BYTES'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ BOT_OPENID_METADATA_URL: 'not a url' }, 'BOT_OPENID_METADATA_URL'],
  ])('%o -> %s', (env, name) => {
    const p = problems(env as Record<string, string>);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(new RegExp(`^${name}:`));
  });

  it('lists every bad variable at once', () => {
    expect(problems({ PORT: 'x', LOG_LEVEL: 'y' }).map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT']);
  });
});

describe('credential combinations', () => {
  it.each([
    [{ BOT_PASSWORD: 's' }, /BOT_PASSWORD is set but BOT_ID is not/],
    [{ BOT_TENANT_ID: TENANT }, /BOT_TENANT_ID is set but BOT_ID is not/],
    [{ BOT_ID: ID, BOT_TENANT_ID: TENANT }, /BOT_PASSWORD is required with BOT_TYPE=SingleTenant/],
    [{ BOT_ID: ID, BOT_PASSWORD: 's' }, /BOT_TENANT_ID is required with BOT_TYPE=SingleTenant/],
    [{ BOT_ID: ID, BOT_PASSWORD: 's', BOT_TYPE: 'MultiTenant', BOT_TENANT_ID: TENANT }, /BOT_TENANT_ID must not be set with BOT_TYPE=MultiTenant/],
    [{ BOT_ID: ID, BOT_TYPE: 'UserAssignedMSI', BOT_TENANT_ID: TENANT, BOT_PASSWORD: 's' }, /BOT_PASSWORD must not be set with BOT_TYPE=UserAssignedMSI/],
    [{ BOT_ID: ID, BOT_TYPE: 'UserAssignedMSI' }, /BOT_TENANT_ID is required with BOT_TYPE=UserAssignedMSI/],
  ])('%o is refused', (env, message) => {
    expect(problems(env as Record<string, string>).join('\n')).toMatch(message);
  });

  it.each([
    [{ BOT_ID: ID, BOT_PASSWORD: 's', BOT_TYPE: 'MultiTenant' }, 'MultiTenant'],
    [{ BOT_ID: ID, BOT_TYPE: 'UserAssignedMSI', BOT_TENANT_ID: TENANT }, 'UserAssignedMSI'],
  ])('%o is accepted', (env, type) => {
    expect(loadConfig(env as Record<string, string>).credentials?.type).toBe(type);
  });

  it('parses ALLOWED_TENANTS as a comma-separated list', () => {
    expect(loadConfig({ ALLOWED_TENANTS: ` ${TENANT}, ${ID} ` }).allowedTenants).toEqual([TENANT, ID]);
  });
});

describe('the database', () => {
  it('is the embedded store unless DATABASE_URL is set', () => {
    expect(loadConfig({}, '/srv/bot').database).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://aktiv@localhost:5432/aktiv', DATABASE_PASSWORD_FILE: 'env/db.user' }, '/srv/bot').database).toEqual({
      url: 'postgres://aktiv@localhost:5432/aktiv',
      passwordFile: '/srv/bot/env/db.user',
      poolSize: 10,
    });
  });

  it.each([
    ['postgres://aktiv@db.postgres.database.azure.com:5432/aktiv', /add sslmode=verify-full/],
    ['postgres://aktiv@db.postgres.database.azure.com:5432/aktiv?sslmode=require', /add sslmode=verify-full/],
    ['postgres://aktiv@localhost/aktiv?sslmode=no-verify', /must not turn certificate checks off/],
    ['postgres://aktiv@localhost/aktiv?host=db.example.org', /points at db.example.org: add sslmode=verify-full/],
    ['mysql://x@y/z', /^DATABASE_URL: must be a PostgreSQL URL/],
  ])('%s is refused: TLS with the certificate checked across a network, never without checks', (url, message) => {
    const p = problems({ DATABASE_URL: url });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(message);
  });

  it('takes a server across a network with sslmode=verify-full, and says where without the password', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://aktiv:secret@db.postgres.database.azure.com:5432/aktiv?sslmode=verify-full' }, '/srv/bot');
    expect(config.database?.url).toContain('sslmode=verify-full');
    const { describeMode } = await import('../src/main.js');
    const lines = describeMode(config).join('\n');
    expect(lines).toContain('Store: PostgreSQL db.postgres.database.azure.com:5432/aktiv');
    expect(lines).not.toContain('secret');
  });

  it('DATABASE_PASSWORD_FILE needs DATABASE_URL', () => {
    expect(problems({ DATABASE_PASSWORD_FILE: 'x' })).toEqual(['DATABASE_PASSWORD_FILE is set but DATABASE_URL is not']);
  });
});

describe('the database with the managed identity', () => {
  it('signs in with the bot\'s own user-assigned identity unless another client id is named; no password file with it', () => {
    const msi = { BOT_ID: ID, BOT_TYPE: 'UserAssignedMSI', BOT_TENANT_ID: TENANT, DATABASE_URL: 'postgres://aktiv-bot@db.postgres.database.azure.com/aktiv?sslmode=verify-full', DATABASE_AUTH: 'managedIdentity' };
    expect(loadConfig(msi, '/srv/bot').database?.managedIdentity).toEqual({ clientId: ID });
    const other = '88888888-8888-4888-8888-888888888888';
    expect(loadConfig({ ...msi, DATABASE_MANAGED_IDENTITY_CLIENT_ID: other }, '/srv/bot').database?.managedIdentity).toEqual({ clientId: other });
    expect(problems({ ...msi, DATABASE_PASSWORD_FILE: 'x' })).toEqual(['DATABASE_PASSWORD_FILE must not be set with DATABASE_AUTH=managedIdentity (the token is the password)']);
    expect(problems({ DATABASE_AUTH: 'managedIdentity' })).toEqual(['DATABASE_AUTH is set but DATABASE_URL is not']);
  });
});
