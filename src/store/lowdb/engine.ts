// The storage engine under the repositories: a lowdb snapshot plus an append-only write-ahead log.
// A write appends one JSON line and fsyncs it before it is acknowledged (writes arriving together
// share one fsync), so its cost does not grow with the data; the log is folded into a new
// snapshot when it grows large, and on a graceful stop. Start-up reads the snapshot and replays
// the log; a line torn by a crash was never acknowledged and is cut off.
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { fsyncDir } from './durableFile.js';
import { StreamedSnapshot } from './streamedSnapshot.js';
import type { Clock } from '../../clock.js';
import { acquireLock } from './lock.js';
import { HistoryFile, historyFilename, historyGenerations, removeOtherGenerations } from './history.js';

export type Collection = Record<string, unknown>;

interface Snapshot {
  format: 1 | 2;
  /** The first log file whose lines are not yet in this snapshot. */
  walSeq: number;
  collections: Record<string, Collection>;
  /** How long each history file was when this snapshot was made. */
  history?: Record<string, number>;
  /** Which generation of each history file this snapshot's lengths are of (src/store/lowdb/history.ts). */
  historyGeneration?: Record<string, number>;
}

/** One change: set a record, or delete it. */
export type Op = { c: string; k: string; v: unknown } | { c: string; k: string; d: 1 };
/** A log line: one change, or a transaction's changes (all or none: a torn line is cut off whole). */
type LogLine = Op | { t: Op[] };

export interface EngineOptions {
  /** The bot's clock (the lock file says since when it is held). */
  clock: Clock;
  /** Fold the log into a new snapshot once it is this large (bytes). */
  compactAfterBytes?: number;
  /** Skip fsync: only for building benchmark data sets, never for the bot. */
  unsafeNoSync?: boolean;
  /**
   * Append-only collections kept on disk once the log is folded (src/store/lowdb/history.ts): only
   * added to, never changed or deleted; read through `historyLookup` and `all`, not `get`.
   */
  history?: string[];
}

/** Which history records a fold keeps (retention). */
interface Prune {
  collection: string;
  keep: (value: unknown) => boolean;
}

export interface IndexDefinition {
  collection: string;
  name: string;
  /** The index keys a record is found under (none = not indexed). */
  keys(value: any): string[];
}

export class EngineFailedError extends Error {
  constructor(cause: unknown) {
    super(`The store could not write to disk and has stopped accepting changes: ${(cause as Error)?.message ?? cause}`);
    this.name = 'EngineFailedError';
  }
}

const WAL = /^wal-(\d+)\.log$/;

export class Engine {
  private db!: Low<Snapshot>;
  private wal!: FileHandle;
  private walBytes = 0;
  private pending: { line: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private failed: unknown;
  private closed = false;
  private releaseLock!: () => void;
  private readonly indexes = new Map<string, { def: IndexDefinition; map: Map<string, Set<string>> }[]>();
  private readonly histories = new Map<string, HistoryFile>();
  private readonly compactAfterBytes: number;

  private constructor(readonly dir: string, private readonly options: EngineOptions) {
    this.compactAfterBytes = options.compactAfterBytes ?? 64 * 1024 * 1024;
  }

  static async open(dir: string, indexes: IndexDefinition[] = [], options: EngineOptions): Promise<Engine> {
    const engine = new Engine(dir, options);
    engine.releaseLock = acquireLock(dir, options.clock);
    try {
      for (const def of indexes) {
        const list = engine.indexes.get(def.collection) ?? [];
        list.push({ def, map: new Map() });
        engine.indexes.set(def.collection, list);
      }
      await engine.load(indexes);
    } catch (err) {
      for (const h of engine.histories.values()) await h.close().catch(() => undefined);
      engine.releaseLock();
      throw err;
    }
    return engine;
  }

  private snapshotPath(): string {
    return path.join(this.dir, 'snapshot.jsonl');
  }

  private walPath(seq: number): string {
    return path.join(this.dir, `wal-${seq}.log`);
  }

  private async load(indexes: IndexDefinition[]): Promise<void> {
    const adapter = new StreamedSnapshot(this.snapshotPath());
    adapter.beforeRename = async () => {
      await this.flush();
      if (this.failed) throw new EngineFailedError(this.failed);
    };
    this.db = new Low<Snapshot>(adapter, { format: 2, walSeq: 1, collections: dict<Collection>() });
    await this.db.read();
    // Keys come from requests (a conversation id, a staff id): with no prototype, "constructor" or
    // "__proto__" is a record like any other, never Object's own machinery.
    const loaded = this.db.data.collections;
    this.db.data.collections = dict<Collection>();
    // (The record-at-a-time snapshot reads them into such maps already: copying a million keys costs seconds.)
    for (const name of Object.keys(loaded)) this.db.data.collections[name] = Object.getPrototypeOf(loaded[name]) === null ? loaded[name]! : Object.assign(dict(), loaded[name]);
    const seqs = readdirSync(this.dir)
      .map((f) => WAL.exec(f))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    for (const c of this.options.history ?? []) {
      const sizes = this.db.data.history ?? {};
      const generation = this.db.data.historyGeneration?.[c] ?? 0;
      // A new generation is never numbered like one already on disk (a snapshot may name it).
      this.nextGeneration.set(c, Math.max(generation, ...historyGenerations(this.dir, c)) + 1);
      // The generation the snapshot names opens (and is checked) first; only then do the others go.
      this.histories.set(c, await HistoryFile.open(this.dir, c, indexes.filter((d) => d.collection === c), !this.options.unsafeNoSync, sizes[c] ?? 0, generation));
      removeOtherGenerations(this.dir, c, generation);
    }
    for (const seq of seqs) {
      // Logs older than the snapshot were folded into it; a crash before their removal leaves them.
      if (seq < this.db.data.walSeq) unlinkSync(this.walPath(seq));
      else this.replay(seq);
    }
    // A history record both on disk and in memory (its log line went into the next log while a fold
    // moved it): the copy on disk is the one kept.
    for (const [c, history] of this.histories) {
      const records = this.db.data.collections[c];
      if (records) for (const k of Object.keys(records)) if (history.hadAtOpen(k)) delete records[k];
      history.opened();
    }
    for (const [collection, list] of this.indexes) {
      const records = this.db.data.collections[collection] ?? {};
      for (const { def, map } of list) {
        for (const [key, value] of Object.entries(records)) for (const ik of def.keys(value)) addTo(map, ik, key);
      }
    }
    const current = Math.max(this.db.data.walSeq, ...seqs);
    this.wal = await open(this.walPath(current), 'a', 0o600);
    this.walBytes = existsSync(this.walPath(current)) ? statSync(this.walPath(current)).size : 0;
    this.currentSeq = current;
    this.firstSeqOnDisk = seqs[0] !== undefined ? Math.min(seqs[0], current) : current;
  }

  private currentSeq = 1;
  /** The number the next rewrite of each history takes. */
  private readonly nextGeneration = new Map<string, number>();

  private replay(seq: number): void {
    const file = this.walPath(seq);
    const text = readFileSync(file, 'utf8');
    let offset = 0;
    while (offset < text.length) {
      const end = text.indexOf('\n', offset);
      if (end === -1) {
        // A torn last line: the process died mid-append, before acknowledging it.
        truncateSync(file, Buffer.byteLength(text.slice(0, offset)));
        break;
      }
      const line = text.slice(offset, end);
      offset = end + 1;
      if (!line) continue;
      let entry: LogLine;
      try {
        entry = JSON.parse(line) as LogLine;
      } catch {
        if (offset < text.length) {
          // Only the last line can be torn by a crash; a bad line in the middle is damage, not a crash.
          throw new Error(`The store's log ${file} is damaged before its end; restore DATA_DIR from backup.`);
        }
        truncateSync(file, Buffer.byteLength(text.slice(0, offset - line.length - 1)));
        break;
      }
      for (const op of 't' in entry ? entry.t : [entry]) {
        const records = this.collection(op.c);
        if ('d' in op) delete records[op.k];
        else records[op.k] = op.v;
      }
    }
  }

  get<T>(collection: string, key: string): T | undefined {
    const records = this.db.data.collections[collection];
    return records && Object.hasOwn(records, key) ? (records[key] as T) : undefined;
  }

  private collection(name: string): Collection {
    const collections = this.db.data.collections;
    if (!Object.hasOwn(collections, name)) collections[name] = dict();
    return collections[name]!;
  }

  has(collection: string, key: string): boolean {
    const records = this.db.data.collections[collection];
    return !!records && Object.prototype.hasOwnProperty.call(records, key);
  }

  /** Records in a collection (a history's on disk too). */
  count(collection: string): number {
    return Object.keys(this.db.data.collections[collection] ?? {}).length + (this.histories.get(collection)?.count ?? 0);
  }

  /** Every record of a collection, a history's on disk too (in the order added), then those in memory. */
  async all<T>(collection: string): Promise<T[]> {
    const inMemory = [...this.entries<T>(collection)];
    const onDisk = await (this.histories.get(collection)?.scanKeyed<T>() ?? Promise.resolve([]));
    const seen = new Set(onDisk.map(([k]) => k));
    return [...onDisk.map(([, v]) => v), ...inMemory.filter(([k]) => !seen.has(k)).map(([, v]) => v)];
  }

  /** A history's records on disk that an index finds under `indexKey` (those still in memory: `lookup`). Called in the same tick as `lookup`, the two see every record once or twice, never not at all. */
  historyLookup<T>(collection: string, indexName: string, indexKey: string): Promise<T[]> {
    return this.histories.get(collection)?.lookup<T>(indexName, indexKey) ?? Promise.resolve([]);
  }

  /** A history's records on disk that `keep` accepts (those still in memory: `entries`). */
  historyScan<T>(collection: string, keep: (value: T) => boolean): Promise<T[]> {
    return this.histories.get(collection)?.scan<T>(keep) ?? Promise.resolve([]);
  }

  /** Whether a history's records on disk include one an index finds under `indexKey`. */
  historyHas(collection: string, indexName: string, indexKey: string): boolean {
    return this.histories.get(collection)?.has(indexName, indexKey) ?? false;
  }

  /** The greatest key of a history on disk. */
  historyLastKey(collection: string): string | undefined {
    return this.histories.get(collection)?.lastKey;
  }

  *entries<T>(collection: string): IterableIterator<[string, T]> {
    const records = this.db.data.collections[collection] ?? {};
    for (const key of Object.keys(records)) yield [key, records[key] as T];
  }

  /** The keys a value is found under in an index (for a transaction's view of its own changes). */
  indexKeysOf(collection: string, indexName: string, value: unknown): string[] {
    const index = this.indexes.get(collection)?.find((i) => i.def.name === indexName);
    if (!index) throw new Error(`No index ${collection}.${indexName}`);
    return index.def.keys(value);
  }

  /** Keys of the records an index finds under `indexKey`. */
  lookup(collection: string, indexName: string, indexKey: string): string[] {
    const index = this.indexes.get(collection)?.find((i) => i.def.name === indexName);
    if (!index) throw new Error(`No index ${collection}.${indexName}`);
    return [...(index.map.get(indexKey) ?? [])];
  }

  /**
   * Set a record. Memory changes at once (so a read right after sees it, and a compare-and-set
   * decided now cannot be overtaken); the promise resolves once the change is on disk.
   */
  put(collection: string, key: string, value: unknown): Promise<void> {
    this.assertWritable();
    const records = this.collection(collection);
    this.reindex(collection, key, Object.hasOwn(records, key) ? records[key] : undefined, value);
    const stored = structuredClone(value);
    records[key] = stored;
    return this.append({ c: collection, k: key, v: stored });
  }

  delete(collection: string, key: string): Promise<void> {
    this.assertWritable();
    const records = this.db.data.collections[collection];
    if (!records || !Object.hasOwn(records, key)) return Promise.resolve();
    this.reindex(collection, key, records[key], undefined);
    delete records[key];
    return this.append({ c: collection, k: key, d: 1 });
  }

  /**
   * Several changes as one: memory changes at once, and they go to the log as one line (one
   * durable write), so after a crash either all of them are there or none. Values are stored as
   * given (the caller hands over copies nobody else holds).
   */
  commit(ops: Op[]): Promise<void> {
    this.assertWritable();
    if (!ops.length) return Promise.resolve();
    for (const op of ops) {
      const records = this.collection(op.c);
      const before = Object.hasOwn(records, op.k) ? records[op.k] : undefined;
      if ('d' in op) {
        if (before === undefined) continue;
        this.reindex(op.c, op.k, before, undefined);
        delete records[op.k];
      } else {
        this.reindex(op.c, op.k, before, op.v);
        records[op.k] = op.v;
      }
    }
    return this.append(ops.length === 1 ? ops[0]! : { t: ops });
  }

  /** Durable writes (fsynced log batches) since the store opened: the benchmark counts them. */
  durableWrites = 0;

  status(): { status: 'ok' | 'error'; detail?: string } {
    if (this.failed) return { status: 'error', detail: 'the store could not write to disk' };
    if (this.closed || this.closing) return { status: 'error', detail: 'the store is closed' };
    return { status: 'ok' };
  }

  /** Flush what is pending, fold the log into a snapshot, release the folder. */
  async close(options: { compact?: boolean } = {}): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    await this.flush();
    await this.compacting?.catch(() => undefined);
    if (options.compact !== false && !this.failed && this.walBytes > 0) await this.foldLog();
    this.closed = true;
    await this.wal.close();
    for (const h of this.histories.values()) await h.close();
    this.releaseLock();
  }

  /** Resolves once every write issued so far is on disk. */
  flush(): Promise<void> {
    return this.io(() => this.writeBatch());
  }

  /** Fold the log into a new snapshot (one at a time; a second call joins the one under way). */
  compact(): Promise<void> {
    return (this.compacting ?? this.fold()).then(() => undefined);
  }

  private compacting: Promise<unknown> | undefined;

  /** A fold that starts after every write so far (one already under way may have begun before them). */
  async compactAfterWrites(): Promise<void> {
    await this.fold();
  }

  /**
   * Remove a history's records that `keep` rejects, those on disk and those still in memory (a fold
   * moves these to disk first), crash-safely (src/store/lowdb/history.ts); how many went. For
   * retention only: history records are otherwise never deleted.
   */
  pruneHistory<T>(collection: string, keep: (value: T) => boolean): Promise<number> {
    if (!this.histories.has(collection)) throw new Error(`${collection} is not a history`);
    this.assertWritable();
    return this.fold({ collection, keep: keep as (value: unknown) => boolean });
  }

  /** A fold after the one under way, if any (folds run one at a time). */
  private fold(prune?: Prune): Promise<number> {
    const run = (this.compacting ?? Promise.resolve()).catch(() => undefined).then(() => this.foldLog(prune));
    this.compacting = run;
    void run.catch(() => undefined).finally(() => {
      if (this.compacting === run) this.compacting = undefined;
    });
    return run;
  }

  /**
   * Start a new log, then write the snapshot while writes go on into the new log: only the switch
   * holds up writes, not the snapshot, which takes seconds when the store is large. The snapshot
   * is fuzzy (a record changed meanwhile may be newer in it), and replaying the new log over it
   * gives every record its last state, as after any restart.
   */
  private async foldLog(prune?: Prune): Promise<number> {
    const { next, moving } = await this.io(async () => {
      // What is in memory now is on disk in the old logs: history records among it may leave memory.
      await this.writeBatch();
      const next = await this.switchLog();
      const moving = [...this.histories.keys()].map((c) => [c, Object.entries(this.db.data.collections[c] ?? {})] as const);
      return { next, moving };
    });
    // History first, durably; then out of memory; then the snapshot that no longer holds them says
    // how long the history is. A crash in between leaves them in the old logs and snapshot.
    for (const [c, records] of moving) await this.histories.get(c)!.append(records);
    for (const [c, records] of moving) {
      const inMemory = this.db.data.collections[c]!;
      for (const [k, v] of records) {
        this.reindex(c, k, v, undefined);
        delete inMemory[k];
      }
    }
    // Pruned: the kept records go to the history's next generation, which the snapshot then names.
    let pruned: { collection: string; generation: number; next: HistoryFile; removed: number } | undefined;
    if (prune) {
      const generation = this.nextGeneration.get(prune.collection)!;
      this.nextGeneration.set(prune.collection, generation + 1);
      const rewritten = await this.histories.get(prune.collection)!.rewrite(historyFilename(this.dir, prune.collection, generation), prune.keep);
      if (rewritten) {
        pruned = { collection: prune.collection, generation, ...rewritten };
        await fsyncDir(this.dir);
      }
    }
    const sizes = (swap?: typeof pruned) => Object.fromEntries([...this.histories].map(([c, h]) => [c, (swap?.collection === c ? swap.next : h).size]));
    const generations = this.db.data.historyGeneration;
    if (this.histories.size) this.db.data.history = sizes(pruned);
    if (pruned) this.db.data.historyGeneration = { ...generations, [pruned.collection]: pruned.generation };
    try {
      await this.db.write();
    } catch (err) {
      if (pruned) {
        // The old generation stays in force here. Which one the snapshot on disk names is not known
        // (the write may have failed after its rename), so neither file is deleted: the next start
        // opens the one named and removes the other; the next prune takes a new number.
        this.db.data.history = sizes();
        this.db.data.historyGeneration = generations;
        await pruned.next.retire();
      }
      throw err;
    }
    if (pruned) {
      const old = this.histories.get(pruned.collection)!;
      this.histories.set(pruned.collection, pruned.next);
      await old.retire();
      removeOtherGenerations(this.dir, pruned.collection, pruned.generation);
    }
    for (let seq = this.firstSeqOnDisk; seq < next; seq++) if (existsSync(this.walPath(seq))) unlinkSync(this.walPath(seq));
    this.firstSeqOnDisk = next;
    await fsyncDir(this.dir);
    return pruned?.removed ?? 0;
  }

  private closing = false;
  private ioChain: Promise<unknown> = Promise.resolve();
  private batchScheduled = false;

  /** Disk operations (batch writes, compaction) run one at a time, in order. */
  private io<T>(op: () => Promise<T>): Promise<T> {
    const result = this.ioChain.then(op);
    this.ioChain = result.catch(() => undefined);
    return result;
  }

  private assertWritable(): void {
    if (this.failed) throw new EngineFailedError(this.failed);
    if (this.closed || this.closing) throw new Error('The store is closed');
  }

  private reindex(collection: string, key: string, before: unknown, after: unknown): void {
    const list = this.indexes.get(collection);
    if (!list) return;
    for (const { def, map } of list) {
      if (before !== undefined) for (const ik of def.keys(before)) removeFrom(map, ik, key);
      if (after !== undefined) for (const ik of def.keys(after)) addTo(map, ik, key);
    }
  }

  private append(entry: LogLine): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line: JSON.stringify(entry) + '\n', resolve, reject });
      if (this.batchScheduled) return;
      this.batchScheduled = true;
      // Writes issued in the same tick, and those arriving during the previous fsync, share one batch.
      setImmediate(() => {
        this.batchScheduled = false;
        void this.io(() => this.writeBatch());
      });
    });
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending.splice(0);
    if (!batch.length) return;
    if (this.failed) {
      for (const p of batch) p.reject(new EngineFailedError(this.failed));
      return;
    }
    try {
      const buffer = Buffer.from(batch.map((p) => p.line).join(''), 'utf8');
      await this.wal.write(buffer);
      if (!this.options.unsafeNoSync) await this.wal.datasync();
      this.durableWrites++;
      this.walBytes += buffer.length;
    } catch (err) {
      this.failed = err;
      for (const p of batch) p.reject(new EngineFailedError(err));
      return;
    }
    for (const p of batch) p.resolve();
    if (this.walBytes > this.compactAfterBytes && !this.closing && !this.compacting) {
      // Not awaited here (this runs inside the disk queue, which the fold needs for its switch).
      // The log still holds everything: a failed compaction costs start-up time, not data.
      void this.compact().catch((err: unknown) => process.emitWarning(`Store compaction failed: ${(err as Error).message}`));
    }
  }

  /** Only inside io(): no batch is being written while the log files change. Returns the new log's number. */
  private async switchLog(): Promise<number> {
    const next = this.currentSeq + 1;
    const newWal = await open(this.walPath(next), 'a', 0o600);
    const oldWal = this.wal;
    this.wal = newWal;
    this.currentSeq = next;
    this.walBytes = 0;
    await oldWal.close();
    this.db.data.walSeq = next;
    return next;
  }

  private firstSeqOnDisk = 1;
}

/** A record map with no prototype: any string is a key of its own. */
function dict<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function addTo(map: Map<string, Set<string>>, indexKey: string, key: string): void {
  let set = map.get(indexKey);
  if (!set) map.set(indexKey, (set = new Set()));
  set.add(key);
}

function removeFrom(map: Map<string, Set<string>>, indexKey: string, key: string): void {
  const set = map.get(indexKey);
  if (!set) return;
  set.delete(key);
  if (!set.size) map.delete(indexKey);
}
