// The real bot as a child process (test/fixtures/fuzzBot.mjs: npm start's wiring, outgoing calls
// with a fixed token), so a crash is an exit and a kill -9 is a real death. Its JSON log lines are
// kept; anything else it prints is kept apart as raw output (there should be none).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../src/paths.js';
import { clockEnv } from './childEnv.js';

export interface ChildBot {
  url: string;
  process: ChildProcess;
  logs: string[];
  raw(): string;
  exits(): number;
  /** SIGKILL: no graceful stop, nothing flushed beyond what was acknowledged. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startChildBot(env: Record<string, string>, cwd: string): Promise<ChildBot> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'test/fixtures/fuzzBot.mjs')], {
    cwd,
    env: { ...clockEnv(), PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exits = 0;
  const exited = new Promise<void>((resolve) => child.on('exit', () => (exits++, resolve())));
  const logs: string[] = [];
  let raw = '';
  let pending = '';
  child.stderr!.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('{')) logs.push(line);
      else if (line.trim()) raw += `${line}\n`;
    }
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const until = Date.now() + 30_000;
  while (!/listening on (http:\/\/\S+)\/api\/messages/.test(out)) {
    if (Date.now() > until || exits) throw new Error(`The bot did not start:\n${out}\n${raw}${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const bot: ChildBot = {
    url: /listening on (http:\/\/\S+)\/api\/messages/.exec(out)![1]!,
    process: child,
    logs,
    raw: () => raw,
    exits: () => exits,
    async kill() {
      if (exits) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (exits) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (!exits) await bot.kill();
    },
  };
  return bot;
}
