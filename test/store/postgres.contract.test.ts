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
import pg from 'pg';
import { rememberConversation } from '../../src/teams/proactive.js';

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
  async open(clock, options = {}) {
    const schema = db.schema();
    const store = await openPostgresStore({ connectionString: db.url, schema, clock, ...options });
    open.push(store);
    return Object.assign(store, {
      // Every row of every table of the store's schema, as text (each text and JSON column).
      async everything() {
        const tables = await store.pool.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
        const out: string[] = [];
        for (const { table_name } of tables.rows) out.push(...(await store.pool.query(`SELECT t::text AS row FROM "${schema}"."${table_name}" t`)).rows.map((r) => r.row as string));
        return out.join('\n');
      },
      async reopen() {
        await store.close();
        const again = await openPostgresStore({ connectionString: db.url, schema, clock, ...options });
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

describe('round trips a turn does not need', () => {
  /** The statements a store sends while `fn` runs, as their first words. */
  async function statements(store: Store, fn: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, text: unknown, ...rest: unknown[]) {
      sent.push(String(typeof text === 'string' ? text : (text as { text?: string })?.text).replace(/\s+/g, ' ').slice(0, 40));
      return (query as (...a: unknown[]) => unknown).call(this, text, ...rest);
    } as typeof query;
    try {
      await fn();
    } finally {
      pg.Client.prototype.query = query;
    }
    void store;
    return sent;
  }

  it('a transaction that only reads sends no BEGIN or COMMIT; one that writes is one transaction, and a failed write inside rolls all of it back', async () => {
    const store = await openPostgresStore({ connectionString: db.url, schema: db.schema(), clock: new TestClock('2026-11-24T09:00:00Z') });
    open.push(store);
    const AT = '2026-11-24T09:00:00.000Z';
    const reads = await statements(store, () => store.transaction(async (tx) => [await tx.citizens.findByCpr('0101401234'), await tx.state.getMany(['a', 'b'])]));
    expect(reads.filter((s) => /^(BEGIN|COMMIT)/.test(s))).toEqual([]);
    const writes = await statements(store, () =>
      store.transaction(async (tx) => {
        await tx.citizens.findByCpr('0101401234');
        await tx.citizens.save({ id: 'c1', cpr: '0101401234', name: 'Borger', createdAt: AT, updatedAt: AT });
      }),
    );
    // Reads first, outside; BEGIN just before the first write; COMMIT at the end; once each.
    const begin = writes.findIndex((s) => s.startsWith('BEGIN'));
    expect(begin).toBeGreaterThan(0);
    expect(writes.slice(0, begin).every((s) => s.startsWith('SELECT'))).toBe(true);
    expect(writes[begin + 1]).toMatch(/^INSERT INTO citizens/);
    expect(writes.filter((s) => /^(BEGIN|COMMIT)/.test(s))).toEqual(['BEGIN ISOLATION LEVEL READ COMMITTED', 'COMMIT']);
    expect(writes.at(-1)).toBe('COMMIT');
    // A read first, then two writes, the second refused: neither is kept.
    await expect(
      store.transaction(async (tx) => {
        await tx.citizens.get('c1');
        await tx.citizens.save({ id: 'c2', cpr: '0201401234', name: 'Borger 2', createdAt: AT, updatedAt: AT });
        await tx.citizens.save({ id: 'c3', cpr: '0101401234', name: 'Samme CPR', createdAt: AT, updatedAt: AT });
      }),
    ).rejects.toThrow();
    expect(await store.citizens.get('c2')).toBeUndefined();
    expect(await store.citizens.count()).toBe(1);
  });

  it('statements issued together reach the server in the order issued, after BEGIN; one issued after the end is refused, not run elsewhere', async () => {
    const store = await openPostgresStore({ connectionString: db.url, schema: db.schema(), clock: new TestClock('2026-11-24T09:00:00Z') });
    open.push(store);
    const entry = (what: string) => ({ actor: { tenantId: 't', aadObjectId: 'a' }, citizenId: 'c1', action: 'read' as const, purpose: 'test', what });
    let straggler: Promise<unknown> | undefined;
    await store.transaction(async (tx) => {
      await Promise.all(['første', 'anden', 'tredje', 'fjerde'].map((w) => tx.audit.append(entry(w))));
      straggler = new Promise((r) => setTimeout(r, 50)).then(() => tx.audit.append(entry('for sent')));
    });
    await expect(straggler).rejects.toThrow(/ended/);
    expect((await store.audit.forCitizen('c1')).map((e) => e.what)).toEqual(['første', 'anden', 'tredje', 'fjerde']);
  });

  it('a conversation\'s reference is written when it changes, not on every turn (jsonb gives keys back in its own order)', async () => {
    const store = await openPostgresStore({ connectionString: db.url, schema: db.schema(), clock: new TestClock('2026-11-24T09:00:00Z') });
    open.push(store);
    const activity = {
      type: 'message',
      channelId: 'msteams',
      serviceUrl: 'https://smba.example.test/',
      from: { id: '29:alex', name: 'Alex', aadObjectId: '00000000-0000-0000-0000-000000000020' },
      recipient: { id: '28:bot', name: 'Aktiv Assistent' },
      conversation: { id: 'a:pg-reference', conversationType: 'personal', tenantId: '11111111-1111-4111-8111-111111111111' },
      channelData: { tenant: { id: '11111111-1111-4111-8111-111111111111' } },
    };
    const clock = new TestClock('2026-11-24T09:00:00Z');
    const first = await statements(store, () => rememberConversation(store, activity, clock));
    expect(first.filter((s) => s.startsWith('INSERT INTO conversations'))).toHaveLength(1);
    const again = await statements(store, () => rememberConversation(store, activity, clock));
    expect(again.filter((s) => !s.startsWith('SELECT'))).toEqual([]);
    const moved = await statements(store, () => rememberConversation(store, { ...activity, serviceUrl: 'https://smba.example.test/emea/' }, clock));
    expect(moved.filter((s) => s.startsWith('INSERT INTO conversations'))).toHaveLength(1);
  });
});
