// The store contract (test/store/contract.ts) against PostgreSQL: DATABASE_URL, or a throwaway
// server the test starts itself. Each store gets a schema of its own, migrated as at start-up.
import { afterAll, afterEach, beforeAll } from 'vitest';
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
