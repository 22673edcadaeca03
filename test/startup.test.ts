// The process as `npm start` runs it (the built dist/, as after `npm ci`): what an operator sees at
// start-up, health once it takes messages, refusal of bad configuration, and a clean stop on SIGTERM.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/paths.js';
import { clockEnv } from './helpers/childEnv.js';

const entry = path.join(projectRoot, 'dist', 'src', 'index.js');
const children: ChildProcess[] = [];
afterEach(() => children.splice(0).forEach((c) => c.kill('SIGKILL')));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [entry], {
    env: { ...clockEnv(), PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (re: RegExp, ms = 15_000) => {
    const until = Date.now() + ms;
    while (!re.test(out)) {
      if (Date.now() > until) throw new Error(`Timed out waiting for ${re}; output:\n${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return out.match(re)!;
  };
  return { child, exited, waitFor, output: () => out };
}

describe('npm start', () => {
  it('starts in local mode, says so plainly, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'aa-start-')), 'data');
    const p = run({ PORT: '0', DATA_DIR: dataDir });
    const [, url] = await p.waitFor(/listening on (http:\/\/[^ ]+)\/api\/messages/);
    expect(p.output()).toMatch(/LOCAL MODE: no BOT_ID is set/);
    expect(p.output()).toMatch(/OPEN ROLES: .* every user has every role/);
    // Ældreloven's rule sets are in force and marked for the municipality's legal review.
    expect(p.output()).toMatch(/LEGAL REVIEW: rule set aeldreloven-vedligeholdende-center-2025/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output()).toMatch(/SIGTERM: finishing turns in flight/);
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('says retention is marked for legal review and whether the register of former citizens is kept; never prints the pseudonym key or the database password', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'aa-start-')), 'data');
    const p = run({ PORT: '0', DATA_DIR: dataDir });
    await p.waitFor(/listening on/);
    expect(p.output()).toMatch(/LEGAL REVIEW: rules\/retention\.json/);
    expect(p.output()).toMatch(/NO CPR_PSEUDONYM_KEY: .* cannot be found by CPR number/);
    p.child.kill('SIGTERM');
    await p.exited;
    // With the register's key: no such notice, and the key is never printed; a short one is refused by name.
    const KEY = 'Pseudonym-Key-0123456789-abcdefghijklmnop';
    const keyed = run({ PORT: '0', DATA_DIR: dataDir, CPR_PSEUDONYM_KEY: KEY });
    await keyed.waitFor(/listening on/);
    expect(keyed.output()).not.toMatch(/NO CPR_PSEUDONYM_KEY/);
    keyed.child.kill('SIGTERM');
    await keyed.exited;
    expect(keyed.output()).not.toContain(KEY);
    const short = run({ PORT: '0', DATA_DIR: dataDir, CPR_PSEUDONYM_KEY: 'short-Secret-99' });
    expect(await short.exited).toBe(2);
    expect(short.output()).toMatch(/CPR_PSEUDONYM_KEY: must be at least 32 characters/);
    expect(short.output()).not.toContain('short-Secret-99');
    // Nothing listens on port 1: the start fails, and says why without the password.
    const db = run({ PORT: '0', DATABASE_URL: 'postgres://aktiv:S3cret-Pa55w0rd@127.0.0.1:1/aktiv' });
    expect(await db.exited).toBe(1);
    expect(db.output()).toMatch(/could not start/);
    expect(db.output()).not.toContain('S3cret-Pa55w0rd');
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('refuses to start on a bad value and names the variable', async () => {
    const p = run({ PORT: '0', BOT_TYPE: 'Multitenant' });
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/BOT_TYPE: Invalid enum value/);
  });

  it('applies a roles file when one is given (no open roles) and refuses a bad one, naming the entry', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'aa-start-'));
    const ok = run({ PORT: '0', DATA_DIR: dataDir, ROLES_FILE: path.join(projectRoot, 'test/fixtures/roles.json') });
    await ok.waitFor(/listening on/);
    expect(ok.output()).not.toMatch(/OPEN ROLES/);
    ok.child.kill('SIGTERM');
    expect(await ok.exited).toBe(0);
    const bad = run({ PORT: '0', DATA_DIR: dataDir, ROLES_FILE: path.join(projectRoot, 'package.json') });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/ROLES_FILE .*package\.json is not valid:\n {2}- staff: Required/);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses an inconsistent credential combination with a clear error', async () => {
    const p = run({ PORT: '0', BOT_PASSWORD: 'secret-value' });
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/BOT_PASSWORD is set but BOT_ID is not/);
    expect(p.output()).not.toContain('secret-value');
  });
});
