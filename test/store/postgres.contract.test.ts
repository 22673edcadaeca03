// The store contract (test/store/contract.ts) against PostgreSQL: DATABASE_URL, or a throwaway
// server the test starts itself. Each store gets a schema of its own, migrated as at start-up.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TokenCredential } from '@azure/identity';
import { databasePassword } from '../../src/store/index.js';
import { POSTGRES_ENTRA_SCOPE } from '../../src/store/postgres/entra.js';
import { TestClock } from '../helpers/clock.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/store/types.js';
import { startTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { storeContract } from './contract.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.stop();
});
const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
});

storeContract('postgres', {
  async open(clock) {
    const schema = db.schema();
    const store = await openPostgresStore({ connectionString: db.url, schema, clock });
    open.push(store);
    return Object.assign(store, {
      async reopen() {
        await store.close();
        const again = await openPostgresStore({ connectionString: db.url, schema, clock });
        open.push(again);
        return again;
      },
    });
  },
});

describe('signing in with the managed identity', () => {
  it('uses an Entra token for the database service as the password of each new connection; a wrong one is refused', async () => {
    const url = new URL(db.url);
    const password = decodeURIComponent(url.password);
    url.password = '';
    const scopes: string[] = [];
    const credential = (token: string): TokenCredential => ({
      getToken: async (scope) => {
        scopes.push(String(scope));
        return { token, expiresOnTimestamp: Date.now() + 3600_000 };
      },
    });
    const config = { url: url.toString(), poolSize: 2, managedIdentity: { clientId: undefined } };
    // The server checks passwords: a token it does not know is refused.
    await expect(openPostgresStore({ connectionString: config.url, schema: db.schema(), clock: new TestClock('2026-11-24T09:00:00Z'), password: databasePassword(config, credential('not-the-token')) })).rejects.toThrow(/password authentication failed/);
    const store = await openPostgresStore({ connectionString: config.url, schema: db.schema(), clock: new TestClock('2026-11-24T09:00:00Z'), password: databasePassword(config, credential(password)) });
    open.push(store);
    expect(await store.citizens.count()).toBe(0);
    expect(new Set(scopes)).toEqual(new Set([POSTGRES_ENTRA_SCOPE]));
    expect(POSTGRES_ENTRA_SCOPE).toBe('https://ossrdbms-aad.database.windows.net/.default');
  });
});
