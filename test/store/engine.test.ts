// The store under failure: kill -9 mid-stream keeps every acknowledged write, a torn last line is
// cut off, a graceful close flushes and folds the log, a second process on the same folder is refused.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/clock.js';
import { openLowdbStore } from '../../src/store/lowdb/index.js';
import { DataDirLockedError } from '../../src/store/lowdb/lock.js';
import { HistoryFile } from '../../src/store/lowdb/history.js';
import { projectRoot } from '../../src/paths.js';
import { clockEnv } from '../helpers/childEnv.js';
import type { Citizen } from '../../src/store/types.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'aa-store-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const citizen = (id: string, name = `Borger ${id}`): Citizen => ({ id, cpr: `0101${id.padStart(6, '0')}`.slice(0, 10), name, createdAt: 'x', updatedAt: 'x' });

describe('durability', () => {
  it('keeps every acknowledged write when the process is killed with SIGKILL mid-stream', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, [path.join(projectRoot, 'test/fixtures/writer.mjs'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked = new Set<string>();
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const l of lines) if (l.startsWith('ack ')) acked.add(`c${l.slice(4)}`);
        if (acked.size >= 600) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited early: ${code}`))));
    });
    await new Promise((r) => child.once('exit', r).on('error', r) && setTimeout(r, 500));
    // The killed process left its lock behind; the store takes it over and reads everything back.
    const store = await openLowdbStore(dir, { clock: systemClock });
    const missing = [...acked].filter((id) => !(store as any).engine.has('citizens', id));
    expect(missing).toEqual([]);
    expect(await store.citizens.count()).toBeGreaterThanOrEqual(acked.size);
    await store.close();
  });

  it('cuts off a line torn by a crash and keeps everything before it', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    await store.citizens.save(citizen('1'));
    await store.citizens.save(citizen('2'));
    await (store as any).engine.close({ compact: false });
    const wal = readdirSync(dir).find((f) => f.startsWith('wal-'))!;
    appendFileSync(path.join(dir, wal), '{"c":"citizens","k":"3","v":{"id":"3","na');
    const again = await openLowdbStore(dir, { clock: systemClock });
    expect((await again.citizens.get('2'))?.name).toBe('Borger 2');
    expect(await again.citizens.get('3')).toBeUndefined();
    await again.citizens.save(citizen('4'));
    await again.close();
    const third = await openLowdbStore(dir, { clock: systemClock });
    expect(await third.citizens.count()).toBe(3);
    await third.close();
  });

  it('a transaction is one log line: torn by a crash, none of its changes come back; whole, all of them', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    await store.citizens.save(citizen('1'));
    const engine = (store as any).engine;
    const before = engine.durableWrites;
    await store.transaction(async (tx) => {
      await tx.citizens.save(citizen('2'));
      await tx.citizens.save(citizen('3'));
      await tx.audit.append({ actor: { tenantId: 't', aadObjectId: 'a' }, citizenId: '2', action: 'create', purpose: 'test', what: 'x' });
    });
    expect(engine.durableWrites - before).toBe(1);
    await engine.close({ compact: false });
    const wal = path.join(dir, readdirSync(dir).find((f) => f.startsWith('wal-'))!);
    const whole = readFileSync(wal, 'utf8');
    const lines = whole.trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1)!).t).toHaveLength(3);
    // The crash came mid-write: half of the transaction's line reached the disk.
    writeFileSync(wal, whole.slice(0, whole.length - Math.floor(lines.at(-1)!.length / 2)));
    const torn = await openLowdbStore(dir, { clock: systemClock });
    expect([await torn.citizens.get('1'), await torn.citizens.get('2'), await torn.citizens.get('3')].map(Boolean)).toEqual([true, false, false]);
    expect(await torn.audit.forCitizen('2')).toEqual([]);
    await (torn as any).engine.close({ compact: false });
    writeFileSync(wal, whole);
    const again = await openLowdbStore(dir, { clock: systemClock });
    expect([await again.citizens.get('2'), await again.citizens.get('3')].map(Boolean)).toEqual([true, true]);
    expect(await again.audit.forCitizen('2')).toHaveLength(1);
    await again.close();
  });

  it('refuses to start on a log damaged in the middle rather than silently dropping data', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    await store.citizens.save(citizen('1'));
    await (store as any).engine.close({ compact: false });
    const wal = path.join(dir, readdirSync(dir).find((f) => f.startsWith('wal-'))!);
    writeFileSync(wal, 'garbage\n' + readFileSync(wal, 'utf8'));
    await expect(openLowdbStore(dir, { clock: systemClock })).rejects.toThrow(/damaged before its end/);
  });

  it('flushes and folds the log into the snapshot on a graceful close', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    const writes = Array.from({ length: 50 }, (_, i) => store.citizens.save(citizen(String(i))));
    await store.close(); // not awaiting the writes first: close must flush them
    await Promise.all(writes);
    const files = readdirSync(dir);
    expect(files).toContain('snapshot.jsonl');
    const lines = readFileSync(path.join(dir, 'snapshot.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ format: 2 });
    expect(lines.at(-1)).toEqual({ end: 50 });
    expect(lines.find((l) => l.c === 'citizens' && l.k === '49').v.name).toBe('Borger 49');
    expect(existsSync(path.join(dir, 'store.lock'))).toBe(false);
    const again = await openLowdbStore(dir, { clock: systemClock });
    expect(await again.citizens.count()).toBe(50);
    await again.close();
  });

  it('keeps working across a compaction triggered by log size, with writes arriving during it', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock, compactAfterBytes: 4096 });
    await Promise.all(Array.from({ length: 500 }, (_, i) => store.citizens.save(citizen(String(i)))));
    await Promise.all(Array.from({ length: 500 }, (_, i) => store.citizens.save(citizen(String(i), `Ny ${i}`))));
    await (store as any).engine.close({ compact: false });
    expect(readdirSync(dir).filter((f) => f.startsWith('wal-')).length).toBeLessThanOrEqual(2);
    const again = await openLowdbStore(dir, { clock: systemClock });
    expect(await again.citizens.count()).toBe(500);
    expect((await again.citizens.get('499'))?.name).toBe('Ny 499');
    await again.close();
  });
});

describe('a store of any size', () => {
  it('writes and reads its snapshot a record at a time: no string ever holds the whole store', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    const big = 'x'.repeat(2_000);
    await store.transaction(async (tx) => {
      for (let i = 0; i < 2_000; i++) await tx.citizens.save({ ...citizen(String(i)), name: `${big}${i}` });
    });
    // About 4 MB of records; any JSON text of more than 256 KB fails, in writing or in reading.
    const { stringify, parse } = JSON;
    const LIMIT = 256 * 1024;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      const text = stringify(...args);
      if (text && text.length > LIMIT) throw new RangeError('Invalid string length (the test caps it at 256 KB)');
      return text;
    }) as typeof JSON.stringify;
    JSON.parse = ((text: string, ...rest: unknown[]) => {
      if (text.length > LIMIT) throw new RangeError('a JSON text over 256 KB');
      return (parse as (t: string, ...r: unknown[]) => unknown)(text, ...rest);
    }) as typeof JSON.parse;
    try {
      await store.close();
      const again = await openLowdbStore(dir, { clock: systemClock });
      expect(await again.citizens.count()).toBe(2_000);
      expect((await again.citizens.get('1999'))?.name).toBe(`${big}1999`);
      await again.close();
    } finally {
      JSON.stringify = stringify;
      JSON.parse = parse;
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('wal-')).map((f) => readFileSync(path.join(dir, f), 'utf8').length)).toEqual([0]);
  });

  it('goes on taking writes while the snapshot is written, and keeps them all', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    await store.transaction(async (tx) => {
      for (let i = 0; i < 3_000; i++) await tx.citizens.save(citizen(String(i)));
    });
    const engine = (store as any).engine;
    const folding = engine.compact();
    const during = Promise.all(Array.from({ length: 200 }, (_, i) => store.citizens.save(citizen(String(i), `Ændret ${i}`))));
    await Promise.all([folding, during]);
    await engine.close({ compact: false });
    const again = await openLowdbStore(dir, { clock: systemClock });
    expect(await again.citizens.count()).toBe(3_000);
    expect((await again.citizens.get('199'))?.name).toBe('Ændret 199');
    expect((await again.citizens.get('2999'))?.name).toBe('Borger 2999');
    await again.close();
  });

  it('refuses a snapshot cut short, rather than starting with less', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    await store.transaction(async (tx) => {
      for (let i = 0; i < 50; i++) await tx.citizens.save(citizen(String(i)));
    });
    await store.close();
    const file = path.join(dir, 'snapshot.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual({ end: 50 });
    // The disk lost the end of the file, at a line boundary.
    writeFileSync(file, `${lines.slice(0, 30).join('\n')}\n`);
    await expect(openLowdbStore(dir, { clock: systemClock })).rejects.toThrow(/snapshot.jsonl is incomplete \(29 records, no last line\)/);
  });

  it('reads a snapshot in the earlier one-document format, and replaces it with the record-at-a-time one', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'snapshot.json'), JSON.stringify({ format: 1, walSeq: 1, collections: { citizens: { '7': citizen('7') } } }));
    const store = await openLowdbStore(dir, { clock: systemClock });
    expect((await store.citizens.get('7'))?.name).toBe('Borger 7');
    await store.citizens.save(citizen('8'));
    await store.close();
    expect(readdirSync(dir)).toContain('snapshot.jsonl');
    expect(readdirSync(dir)).not.toContain('snapshot.json');
    const again = await openLowdbStore(dir, { clock: systemClock });
    expect(await again.citizens.count()).toBe(2);
    await again.close();
  });
});

describe('one process per data folder', () => {
  it('refuses a second store on the same folder in this process', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    await expect(openLowdbStore(dir, { clock: systemClock })).rejects.toThrow(DataDirLockedError);
    await store.close();
    const again = await openLowdbStore(dir, { clock: systemClock });
    await again.close();
  });

  it('refuses a second bot process on the same DATA_DIR with a clear message', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    try {
      const child = spawn(process.execPath, [path.join(projectRoot, 'dist/src/index.js')], {
        env: { ...clockEnv(), PATH: process.env.PATH ?? '', PORT: '0', DATA_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code).not.toBe(0);
      expect(out).toMatch(/DATA_DIR .* is in use by another Aktiv Assistent process \(pid \d+/);
    } finally {
      await store.close();
    }
  });
});

describe('queries', () => {
  it('finds citizens by CPR and referrals oldest first through indexes kept across restarts', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    await store.citizens.save(citizen('7'));
    const by = { tenantId: 't', aadObjectId: 'a' };
    for (const [id, createdAt, status] of [['r2', '2026-01-02', 'new'], ['r1', '2026-01-01', 'taken'], ['r3', '2026-01-03', 'decided']] as const) {
      await store.referrals.save({ id, caseNumber: id, citizenId: '7', status, createdAt, updatedAt: createdAt, source: { kind: 'direct', by }, data: {} });
    }
    await store.close();
    const again = await openLowdbStore(dir, { clock: systemClock });
    expect((await again.citizens.findByCpr('0101000007'))?.id).toBe('7');
    expect((await again.referrals.listOpen()).map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(await again.referrals.nextCaseNumber(2026)).toBe('V-2026-0001');
    expect(await again.referrals.nextCaseNumber(2026)).toBe('V-2026-0002');
    await again.close();
  });
});

describe('the audit trail and visit events on disk, not in memory', () => {
  const T = '11111111-1111-4111-8111-111111111111';
  const ALEX = { tenantId: T, aadObjectId: '00000000-0000-0000-0000-0000000000a1' };
  const entry = (citizenId: string, what: string) => ({ actor: ALEX, citizenId, action: 'read' as const, purpose: 'test', what });
  const inMemory = (store: unknown, c: string) => [...((store as any).engine.entries(c) as Iterable<unknown>)].length;

  it('a fold moves them to history files; every query, restart and the next number still see them, once', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    for (let i = 0; i < 30; i++) await store.audit.append(entry(`c${i % 3}`, `opslag ${i} – æøå`));
    await store.visitEvents.append({ at: '2026-11-01T09:00:00.000Z', service: 'dementia', kind: 'planned' });
    await store.countingWeeks.append({ at: '2026-11-20T09:00:00.000Z', centre: 'nord', year: 2026, season: 'autumn', users: 300 });
    await (store as any).engine.compact();
    expect(inMemory(store, 'audit')).toBe(0);
    expect(inMemory(store, 'visitEvents')).toBe(0);
    expect(inMemory(store, 'countingWeeks')).toBe(0);
    await store.countingWeeks.append({ at: '2026-11-19T09:00:00.000Z', centre: 'nord', year: 2026, season: 'autumn', users: 310 });
    expect((await store.countingWeeks.all()).map((w) => w.users)).toEqual([300, 310]);
    // Recent ones stay in memory until the next fold; a query sees both, in order.
    await store.audit.append(entry('c0', 'efter folden'));
    await store.visitEvents.append({ at: '2026-11-20T09:00:00.000Z', service: 'dementia', kind: 'overlapFound' });
    const trail = await store.audit.forCitizen('c0');
    expect(trail.map((e) => e.what)).toEqual([...Array.from({ length: 10 }, (_, i) => `opslag ${i * 3} – æøå`), 'efter folden']);
    expect(trail.map((e) => e.seq)).toEqual([...trail.map((e) => e.seq)].sort((a, b) => a - b));
    expect((await store.visitEvents.since('2026-11-01T00:00:00.000Z')).map((e) => e.kind)).toEqual(['planned', 'overlapFound']);
    expect((await store.visitEvents.since('2026-11-10T00:00:00.000Z')).map((e) => e.kind)).toEqual(['overlapFound']);
    // Inside a transaction, its own entries too.
    await store.transaction(async (tx) => {
      await tx.audit.append(entry('c0', 'i transaktionen'));
      expect((await tx.audit.forCitizen('c0')).at(-1)?.what).toBe('i transaktionen');
    });
    await store.close();
    expect(readFileSync(path.join(dir, 'history-audit.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(32);
    expect(readFileSync(path.join(dir, 'snapshot.jsonl'), 'utf8')).not.toContain('opslag');

    const again = await openLowdbStore(dir, { clock: systemClock });
    expect(inMemory(again, 'audit')).toBe(0);
    expect((await again.audit.forCitizen('c0')).map((e) => e.what).slice(-2)).toEqual(['efter folden', 'i transaktionen']);
    expect((await again.audit.forCitizen('c1'))).toHaveLength(10);
    expect((await again.visitEvents.since('2026-01-01T00:00:00.000Z'))).toHaveLength(2);
    expect((await again.countingWeeks.all()).map((w) => w.users)).toEqual([300, 310]);
    expect(inMemory(again, 'countingWeeks')).toBe(0);
    expect((again as any).engine.count('audit')).toBe(32);
    // Numbers go on from the last one on disk.
    const next = await again.audit.append(entry('c2', 'ny'));
    expect(next.seq).toBe(Math.max(...(await again.audit.forCitizen('c0')).map((e) => e.seq)) + 1);
    await again.close();
  });

  it('a fold that died after writing the history but before its snapshot: the history is cut back, and each entry is there once', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    for (let i = 0; i < 10; i++) await store.audit.append(entry('c0', `før ${i}`));
    await (store as any).engine.compact();
    for (let i = 0; i < 5; i++) await store.audit.append(entry('c0', `efter ${i}`));
    await (store as any).engine.close({ compact: false });
    // As if a fold had appended the five to the history and died before its snapshot replaced the old one.
    const file = path.join(dir, 'history-audit.jsonl');
    const logged = readdirSync(dir)
      .filter((f) => f.startsWith('wal-'))
      .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l)))
      .flatMap((l) => ('t' in l ? l.t : [l]))
      .filter((op) => op.c === 'audit');
    expect(logged).toHaveLength(5);
    appendFileSync(file, logged.map((op) => JSON.stringify({ k: op.k, v: op.v })).join('\n') + '\n{"k":"torn');
    const again = await openLowdbStore(dir, { clock: systemClock });
    expect((await again.audit.forCitizen('c0')).map((e) => e.what)).toEqual([...Array.from({ length: 10 }, (_, i) => `før ${i}`), ...Array.from({ length: 5 }, (_, i) => `efter ${i}`)]);
    await again.close();
    const again2 = await openLowdbStore(dir, { clock: systemClock });
    expect((await again2.audit.forCitizen('c0'))).toHaveLength(15);
    await again2.close();
  });

  describe('retention of the access log: old entries go by a new generation of the file', () => {
    const OLD = '2020-01-01T00:00:00.000Z';
    const CUT = '2022-01-01T00:00:00.000Z';
    const NEW = '2026-11-20T00:00:00.000Z';
    const filesIn = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('history-audit')).sort();
    const everyFile = (dir: string) => readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');

    it('entries on disk and still in memory alike; the old file goes, no copy stays in any file, and a restart sees the same', async () => {
      const dir = tempDir();
      const store = await openLowdbStore(dir, { clock: systemClock });
      for (let i = 0; i < 6; i++) await store.audit.append({ ...entry(`c${i % 2}`, `gammel ${i} – æøå`), at: OLD });
      for (let i = 0; i < 4; i++) await store.audit.append({ ...entry(`c${i % 2}`, `ny ${i}`), at: NEW });
      await (store as any).engine.compact();
      // Two more after the fold: one old (in memory until the next fold), one new.
      await store.audit.append({ ...entry('c0', 'gammel i hukommelsen'), at: OLD });
      await store.audit.append({ ...entry('c0', 'ny i hukommelsen'), at: NEW });
      expect(await store.pruneAuditLog(CUT)).toBe(7);
      expect((await store.audit.forCitizen('c0')).map((e) => e.what)).toEqual(['ny 0', 'ny 2', 'ny i hukommelsen']);
      expect((await store.audit.forCitizen('c1')).map((e) => e.what)).toEqual(['ny 1', 'ny 3']);
      expect(filesIn(dir)).toEqual(['history-audit.1.jsonl']);
      expect(everyFile(dir)).not.toContain('gammel');
      // Nothing more to go: no new generation.
      expect(await store.pruneAuditLog(CUT)).toBe(0);
      expect(filesIn(dir)).toEqual(['history-audit.1.jsonl']);
      const next = await store.audit.append({ ...entry('c1', 'efter'), at: NEW });
      await store.close();

      const again = await openLowdbStore(dir, { clock: systemClock });
      expect((await again.audit.forCitizen('c0')).map((e) => e.what)).toEqual(['ny 0', 'ny 2', 'ny i hukommelsen']);
      expect((await again.audit.forCitizen('c1')).map((e) => e.what)).toEqual(['ny 1', 'ny 3', 'efter']);
      expect((await again.audit.append({ ...entry('c1', 'næste'), at: '2030-01-01T00:00:00.000Z' })).seq).toBe(next.seq + 1);
      // A later period: the next generation.
      expect(await again.pruneAuditLog('2027-01-01T00:00:00.000Z')).toBe(6);
      expect(filesIn(dir)).toEqual(['history-audit.2.jsonl']);
      expect((await again.audit.forCitizen('c1')).map((e) => e.what)).toEqual(['næste']);
      await again.close();
      const third = await openLowdbStore(dir, { clock: systemClock });
      expect((await third.audit.forCitizen('c1')).map((e) => e.what)).toEqual(['næste']);
      expect((await third.audit.forCitizen('c0'))).toEqual([]);
      await third.close();
    });

    it('a crash before the snapshot names the new generation: the old one is in force and the new one is removed', async () => {
      const dir = tempDir();
      const store = await openLowdbStore(dir, { clock: systemClock });
      for (let i = 0; i < 4; i++) await store.audit.append({ ...entry('c0', `gammel ${i}`), at: OLD });
      await store.close();
      // What a rewrite that died before its snapshot left: a new generation nobody names (here half written).
      writeFileSync(path.join(dir, 'history-audit.1.jsonl'), '{"k":"0000000001","v":{');
      const again = await openLowdbStore(dir, { clock: systemClock });
      expect(filesIn(dir)).toEqual(['history-audit.jsonl']);
      expect((await again.audit.forCitizen('c0'))).toHaveLength(4);
      expect(await again.pruneAuditLog(CUT)).toBe(4);
      await again.close();
    });

    it('a crash after the snapshot named the new generation, before the old file was deleted: the old one is removed at start', async () => {
      const dir = tempDir();
      const store = await openLowdbStore(dir, { clock: systemClock });
      for (let i = 0; i < 4; i++) await store.audit.append({ ...entry('c0', `gammel ${i}`), at: OLD });
      await store.audit.append({ ...entry('c0', 'ny'), at: NEW });
      await store.close();
      const before = readFileSync(path.join(dir, 'history-audit.jsonl'));
      const again = await openLowdbStore(dir, { clock: systemClock });
      expect(await again.pruneAuditLog(CUT)).toBe(4);
      await again.close();
      writeFileSync(path.join(dir, 'history-audit.jsonl'), before);
      const third = await openLowdbStore(dir, { clock: systemClock });
      expect(filesIn(dir)).toEqual(['history-audit.1.jsonl']);
      expect((await third.audit.forCitizen('c0')).map((e) => e.what)).toEqual(['ny']);
      await third.close();
      expect(everyFile(dir)).not.toContain('gammel');
    });

    it('a snapshot write that fails after its rename (the new generation may be named or not): nothing is deleted, and either way a restart finds every entry it should', async () => {
      for (const crash of [false, true]) {
        const dir = tempDir();
        const store = await openLowdbStore(dir, { clock: systemClock });
        for (let i = 0; i < 4; i++) await store.audit.append({ ...entry('c0', `gammel ${i}`), at: OLD });
        for (let i = 0; i < 3; i++) await store.audit.append({ ...entry('c0', `ny ${i}`), at: NEW });
        await (store as any).engine.compact();
        // The old one-document snapshot's name taken by a folder: the write fails after the rename.
        mkdirSync(path.join(dir, 'snapshot.json', 'x'), { recursive: true });
        await expect(store.pruneAuditLog(CUT)).rejects.toThrow();
        // Here the old generation is still in force, with every entry; both files are kept.
        expect((await store.audit.forCitizen('c0'))).toHaveLength(7);
        expect(filesIn(dir)).toEqual(['history-audit.1.jsonl', 'history-audit.jsonl']);
        await store.audit.append({ ...entry('c0', 'efter fejlen'), at: NEW });
        rmSync(path.join(dir, 'snapshot.json'), { recursive: true });
        if (crash) await (store as any).engine.close({ compact: false });
        else await store.close();
        const again = await openLowdbStore(dir, { clock: systemClock });
        const whats = (await again.audit.forCitizen('c0')).map((e) => e.what);
        // A crash: the snapshot on disk names the new generation (old entries gone); a clean stop names the old one.
        expect(whats).toEqual([...(crash ? [] : ['gammel 0', 'gammel 1', 'gammel 2', 'gammel 3']), 'ny 0', 'ny 1', 'ny 2', 'efter fejlen']);
        expect(filesIn(dir)).toHaveLength(1);
        expect(await again.pruneAuditLog(CUT)).toBe(crash ? 0 : 4);
        expect((await again.audit.forCitizen('c0')).map((e) => e.what)).toEqual(['ny 0', 'ny 1', 'ny 2', 'efter fejlen']);
        await again.close();
      }
    });

    it('reads under way when the generation changes finish on the old file', async () => {
      const dir = tempDir();
      const store = await openLowdbStore(dir, { clock: systemClock });
      for (let i = 0; i < 200; i++) await store.audit.append({ ...entry('c0', `opslag ${i}`), at: i % 2 ? NEW : OLD });
      await (store as any).engine.compact();
      const reads = Array.from({ length: 20 }, () => store.audit.forCitizen('c0'));
      const [pruned, ...trails] = await Promise.all([store.pruneAuditLog(CUT), ...reads]);
      expect(pruned).toBe(100);
      for (const trail of trails) expect([200, 100]).toContain(trail.length);
      expect((await store.audit.forCitizen('c0'))).toHaveLength(100);
      await store.close();
      // A generation retired while a read is under way is closed only once the read is done.
      const file = path.join(dir, 'history-audit.1.jsonl');
      const history = await HistoryFile.open(dir, 'audit', [{ collection: 'audit', name: 'byCitizen', keys: (v: { citizenId: string }) => [v.citizenId] }], false, statSync(file).size, 1);
      history.opened();
      const reading = history.lookup<{ what: string }>('byCitizen', 'c0');
      await history.retire();
      expect(await reading).toHaveLength(100);
    });
  });

  it('a history file shorter than its snapshot says is refused, not read as less', async () => {
    const dir = tempDir();
    const store = await openLowdbStore(dir, { clock: systemClock });
    for (let i = 0; i < 10; i++) await store.audit.append(entry('c0', `opslag ${i}`));
    await store.close();
    const file = path.join(dir, 'history-audit.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
    await expect(openLowdbStore(dir, { clock: systemClock })).rejects.toThrow(/history-audit\.jsonl is shorter than its snapshot says/);
  });
});
