#!/usr/bin/env node
// npm run playground: the built bot in local mode plus the Microsoft 365 Agents Playground (a Teams-like
// web client) pointed at it, from one terminal. Reads env/.env.playground and env/.env.playground.user
// (the process environment wins), waits until the bot answers /healthz, then starts the Playground.
// Ctrl-C (SIGINT) or SIGTERM stops both; if either stops on its own, the other is stopped too.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => console.log(`[playground] ${line}`);
const fail = (line, code = 1) => {
  console.error(`[playground] ${line}`);
  process.exit(code);
};

/** KEY=VALUE lines; blank lines and # comments skipped; optional `export `; quotes stripped. */
function readEnvFile(file) {
  if (!existsSync(file)) return {};
  const vars = {};
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    value = quoted ? quoted[2] : value.replace(/\s+#.*$/, '').trim();
    vars[m[1]] = value;
  }
  return vars;
}

const fromFiles = {
  ...readEnvFile(path.join(root, 'env', '.env.playground')),
  ...readEnvFile(path.join(root, 'env', '.env.playground.user')),
};
const env = { ...fromFiles };
for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;

env.PORT ||= '3978';
env.TEAMSAPPTESTER_PORT ||= '56150';
const noDisplay = process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY;
if (!env.TEAMSAPPTESTER_BROWSER && (env.CI || noDisplay)) env.TEAMSAPPTESTER_BROWSER = 'none';

const botEntry = path.join(root, 'dist', 'src', 'index.js');
if (!existsSync(botEntry)) fail(`${path.relative(root, botEntry)} is missing: run "npm run build" first (npm run playground does).`);
let playgroundCli;
try {
  playgroundCli = path.join(path.dirname(createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
} catch {
  fail('@microsoft/m365agentsplayground is not installed: run "npm ci" (it is a devDependency).');
}
if (env.BOT_ID) say('Warning: BOT_ID is set, so the bot checks tokens; the Playground sends none unless given --client-id. Leave BOT_ID empty for the Playground.');

const children = new Map(); // name -> ChildProcess
let stopping = false;
let exitCode = 0;

function start(name, args, options) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.set(name, child);
  child.stderr.on('data', (d) => process.stderr.write(d));
  child.on('error', (err) => {
    console.error(`[playground] could not start ${name}: ${err.message}`);
    onExit(name, 1, null);
  });
  child.on('exit', (code, signal) => onExit(name, code, signal));
  return child;
}

function onExit(name, code, signal) {
  if (!children.has(name)) return;
  children.delete(name);
  if (!stopping) {
    say(`${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest.`);
    exitCode = code || 1;
    stopAll('SIGTERM');
  }
  if (children.size === 0) process.exit(exitCode);
}

function stopAll(signal) {
  stopping = true;
  for (const child of children.values()) child.kill(signal);
  // The bot waits for turns in flight (SHUTDOWN_TIMEOUT_MS, 10 s by default); do not hang forever.
  setTimeout(() => {
    for (const [name, child] of children) {
      say(`${name} did not stop in time; killing it.`);
      child.kill('SIGKILL');
    }
  }, Number(env.SHUTDOWN_TIMEOUT_MS || 10_000) + 5_000).unref();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    say(`${signal}: stopping the Playground and the bot`);
    stopAll(signal);
    if (children.size === 0) process.exit(exitCode);
  });
}

/** Resolves with the first match of `re` in a child's stdout (which is passed through to ours). */
function watchStdout(child, re) {
  let out = '';
  return new Promise((resolve) => {
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      if (out === null) return;
      out += d;
      const m = re.exec(out);
      if (m) {
        out = null;
        resolve(m);
      } else if (out.length > 100_000) out = out.slice(-10_000);
    });
  });
}

async function waitUntil(what, ms, probe) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (stopping) return new Promise(() => {}); // shutting down: onExit ends the process
    const result = await probe();
    if (result) return result;
    await new Promise((r) => setTimeout(r, 200));
  }
  say(`Timed out after ${ms / 1000} s waiting for ${what}.`);
  exitCode = 1;
  stopAll('SIGTERM');
  return new Promise(() => {});
}

// 1. The bot.
say(`starting the bot on port ${env.PORT} (DATA_DIR ${env.DATA_DIR ?? '(default)'})`);
const bot = start('bot', [botEntry]);
const listening = watchStdout(bot, /listening on (http:\/\/\S+?)\/api\/messages/);
const botUrl = await waitUntil('the bot to say it is listening', 30_000, () => Promise.race([listening.then((m) => m[1]), new Promise((r) => setTimeout(() => r(undefined), 200))]));
await waitUntil(`${botUrl}/healthz to answer 200`, 30_000, () =>
  fetch(`${botUrl}/healthz`).then(
    (res) => res.status === 200,
    () => false,
  ),
);
const endpoint = `${botUrl}/api/messages`;

// 2. The Playground, pointed at the bot.
say(`starting the Agents Playground for ${endpoint}`);
env.BOT_ENDPOINT = endpoint;
const playground = start('Playground', [playgroundCli, '--app-endpoint', endpoint, '--channel-id', 'msteams', '--port', env.TEAMSAPPTESTER_PORT, '--disable-telemetry']);
const pgListening = watchStdout(playground, /Listening on (\d+)/);
const port = await waitUntil('the Playground to start listening', 60_000, () => Promise.race([pgListening.then((m) => m[1]), new Promise((r) => setTimeout(() => r(undefined), 200))]));
if (port !== env.TEAMSAPPTESTER_PORT) say(`Port ${env.TEAMSAPPTESTER_PORT} was taken, so the Playground chose ${port}.`);

console.log('');
console.log(`Open http://localhost:${port} to chat with Aktiv Assistent (Åbn http://localhost:${port} for at chatte med Aktiv Assistent).`);
console.log('Press Ctrl-C to stop both the Playground and the bot.');
console.log('');
