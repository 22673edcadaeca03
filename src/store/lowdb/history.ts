// Append-only history of the embedded store (the audit trail, visit events) on disk rather than in
// memory: it only grows (every look-up at a citizen is audited), and the bot reads it by citizen or
// from a date, never all of it on a turn. Once the log is folded, a history collection's records
// leave the snapshot and memory for `history-<collection>.jsonl` (one line per record); memory keeps
// only where each line is, under the collection's index keys (a citizen's trail: a few numbers).
//
// Crash safety: records reach this file only from the write-ahead log, when it is folded, after
// their log lines are on disk; the file is fsynced before the snapshot that no longer holds them
// replaces the old one, and that snapshot records how long the file is. At start-up the file is cut
// back to that length (a fold that died midway left its records in the log and the old snapshot),
// and a record found both here and in the log is kept once.
//
// Retention removes old records by writing the kept lines to a new generation of the file
// (`history-<collection>.<n>.jsonl`), fsynced; the next snapshot names that generation, and only
// then is the old file deleted. A crash before the snapshot leaves the old generation in force (the
// new one is an orphan, deleted at start-up); after it, the old one is the orphan.
import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { IndexDefinition } from './engine.js';

/** Where a record's line is: byte offset and length. */
type Place = [offset: number, length: number];

const CHUNK = 1 << 20;
const NEWLINE = Buffer.from('\n');

/** The file of a history's generation (0: the name from before generations). */
export function historyFilename(dir: string, collection: string, generation: number): string {
  return path.join(dir, generation ? `history-${collection}.${generation}.jsonl` : `history-${collection}.jsonl`);
}

/** The generations of a history found on disk. */
export function historyGenerations(dir: string, collection: string): number[] {
  const mine = new RegExp(`^history-${collection}(?:\\.(\\d+))?\\.jsonl$`);
  return readdirSync(dir).flatMap((f) => {
    const m = mine.exec(f);
    return m ? [Number(m[1] ?? 0)] : [];
  });
}

/** Delete a history's files of other generations than `generation` (orphans of a rewrite a crash cut short, or of one that finished). */
export function removeOtherGenerations(dir: string, collection: string, generation: number): void {
  for (const g of historyGenerations(dir, collection)) if (g !== generation) unlinkSync(historyFilename(dir, collection, g));
}

export class HistoryFile {
  private file!: FileHandle;
  /** Bytes of whole lines: appends go here, and a failed append is cut back to it. */
  size = 0;
  private records = 0;
  private maxKey: string | undefined;
  private readonly index = new Map<string, Map<string, Place[]>>();
  /** Keys on disk, kept only while the store opens (to drop copies still in the log). */
  private loadingKeys: Set<string> | undefined = new Set();
  /** Reads under way: a generation replaced by a rewrite is closed once they are done. */
  private readers = 0;
  private whenIdle: (() => void) | undefined;

  private constructor(
    readonly collection: string,
    readonly filename: string,
    private readonly indexes: IndexDefinition[],
    private readonly sync: boolean,
  ) {
    for (const def of indexes) this.index.set(def.name, new Map());
  }

  /**
   * Open the history, `validBytes` long: what the snapshot says it held when it was written. Bytes
   * after that were appended by a fold that did not finish (its snapshot never replaced the old
   * one); their records are still in the log or the old snapshot, so they are cut off.
   */
  static async open(dir: string, collection: string, indexes: IndexDefinition[], sync: boolean, validBytes: number, generation = 0): Promise<HistoryFile> {
    const history = new HistoryFile(collection, historyFilename(dir, collection, generation), indexes, sync);
    await history.load(validBytes);
    return history;
  }

  /**
   * Write the records `keep` accepts to `filename` (a new generation), durably, and open it. This
   * file is not changed; the caller switches to the new one once a snapshot names it, then retires
   * this one. Nothing is written when every record is kept.
   */
  async rewrite(filename: string, keep: (value: unknown) => boolean): Promise<{ next: HistoryFile; removed: number } | undefined> {
    const kept = (line: Buffer) => keep((JSON.parse(line.toString('utf8')) as { v: unknown }).v);
    let removed = 0;
    // First count (nothing is written when nothing goes), then copy the kept lines a window at a time.
    await this.reading(() => this.lines(0, this.size, (line) => void (kept(line) || removed++)));
    if (!removed) return undefined;
    const out = await open(filename, 'w', 0o600);
    let size = 0;
    let written = false;
    try {
      await this.reading(async () => {
        for (let from = 0, window = CHUNK; from < this.size; ) {
          const pieces: Buffer[] = [];
          const end = await this.lines(from, Math.min(this.size, from + window), (line) => {
            if (kept(line)) pieces.push(Buffer.from(line), NEWLINE);
          });
          // A line longer than the window: a wider one.
          if (end === from) {
            window *= 2;
            continue;
          }
          from = end;
          window = CHUNK;
          const piece = Buffer.concat(pieces);
          if (piece.length) await out.write(piece, 0, piece.length, size);
          size += piece.length;
        }
      });
      if (this.sync) await out.sync();
      written = true;
    } finally {
      await out.close();
      // A rewrite that failed (a full disk) leaves no half copy taking space.
      if (!written) await unlink(filename).catch(() => undefined);
    }
    const next = new HistoryFile(this.collection, filename, this.indexes, this.sync);
    await next.load(size);
    next.opened();
    return { next, removed };
  }

  /** Close once the reads under way are done (a rewrite replaced this generation). */
  async retire(): Promise<void> {
    if (this.readers) await new Promise<void>((resolve) => (this.whenIdle = resolve));
    await this.file.close();
  }

  private async reading<T>(read: () => Promise<T>): Promise<T> {
    this.readers++;
    try {
      return await read();
    } finally {
      if (--this.readers === 0) this.whenIdle?.();
    }
  }

  private async load(validBytes: number): Promise<void> {
    const exists = existsSync(this.filename);
    this.file = await open(this.filename, exists ? 'r+' : 'w+', 0o600);
    const { size: onDisk } = await this.file.stat();
    if (onDisk < validBytes) throw new Error(`The store's history ${this.filename} is shorter than its snapshot says (${onDisk} of ${validBytes} bytes); restore DATA_DIR from backup.`);
    if (onDisk > validBytes) await this.file.truncate(validBytes);
    const size = validBytes;
    if (!size) return;
    const whole = await this.lines(0, size, (line, offset) => {
      let entry: { k: string; v: unknown };
      try {
        entry = JSON.parse(line.toString('utf8')) as { k: string; v: unknown };
      } catch {
        throw new Error(`The store's history ${this.filename} is damaged; restore DATA_DIR from backup.`);
      }
      this.register(entry.k, entry.v, [offset, line.length]);
      this.loadingKeys!.add(entry.k);
    });
    if (whole !== size) throw new Error(`The store's history ${this.filename} does not end with a whole line; restore DATA_DIR from backup.`);
    this.size = whole;
  }

  private register(key: string, value: unknown, place: Place): void {
    this.records++;
    if (this.maxKey === undefined || key > this.maxKey) this.maxKey = key;
    for (const def of this.indexes) {
      const map = this.index.get(def.name)!;
      for (const ik of def.keys(value)) {
        const list = map.get(ik);
        if (list) list.push(place);
        else map.set(ik, [place]);
      }
    }
  }

  /** Whether a record was on disk when the store opened (only while it opens). */
  hadAtOpen(key: string): boolean {
    return this.loadingKeys?.has(key) ?? false;
  }

  /** The store is open: the keys read at start are not needed any more. */
  opened(): void {
    this.loadingKeys = undefined;
  }

  /** Whether an index finds any record under `indexKey`. */
  has(indexName: string, indexKey: string): boolean {
    return !!this.index.get(indexName)?.get(indexKey)?.length;
  }

  get count(): number {
    return this.records;
  }

  /** The greatest key on disk (audit keys are zero-padded numbers: the last number handed out). */
  get lastKey(): string | undefined {
    return this.maxKey;
  }

  /** Add records (folded out of the log) at the end, durably. All of them, or none. */
  async append(records: [key: string, value: unknown][]): Promise<void> {
    if (!records.length) return;
    const places: Place[] = [];
    const lines: string[] = [];
    let offset = this.size;
    for (const [k, v] of records) {
      const line = JSON.stringify({ k, v });
      const length = Buffer.byteLength(line);
      places.push([offset, length]);
      lines.push(line);
      offset += length + 1;
    }
    try {
      // Whatever a failed append left behind is cut off first.
      await this.file.truncate(this.size);
      // Written at explicit positions from the end of the last whole line (never the handle's own position).
      let at = this.size;
      for (let i = 0; i < lines.length; ) {
        let text = '';
        while (i < lines.length && text.length < CHUNK) text += `${lines[i++]}\n`;
        const piece = Buffer.from(text, 'utf8');
        await this.file.write(piece, 0, piece.length, at);
        at += piece.length;
      }
      if (this.sync) await this.file.sync();
    } catch (err) {
      await this.file.truncate(this.size).catch(() => undefined);
      throw err;
    }
    // Appends run one at a time (inside the engine's fold); reads use the size of whole lines.
    this.size = offset;
    records.forEach(([k, v], i) => this.register(k, v, places[i]!));
  }

  /** The records an index finds under `indexKey`, in the order they were added. */
  async lookup<T>(indexName: string, indexKey: string): Promise<T[]> {
    const places = this.index.get(indexName)?.get(indexKey);
    if (!places?.length) return [];
    return this.reading(async () => {
      const out: T[] = [];
      for (const [offset, length] of places) {
        const buffer = Buffer.alloc(length);
        await this.file.read(buffer, 0, length, offset);
        out.push((JSON.parse(buffer.toString('utf8')) as { v: T }).v);
      }
      return out;
    });
  }

  /** Every record on disk with its key, in the order added. */
  async scanKeyed<T>(): Promise<[string, T][]> {
    const out: [string, T][] = [];
    await this.reading(() =>
      this.lines(0, this.size, (line) => {
        const { k, v } = JSON.parse(line.toString('utf8')) as { k: string; v: T };
        out.push([k, v]);
      }),
    );
    return out;
  }

  /** Every record on disk, in the order added, that `keep` accepts (read a piece at a time). */
  async scan<T>(keep: (value: T) => boolean = () => true): Promise<T[]> {
    const out: T[] = [];
    await this.reading(() =>
      this.lines(0, this.size, (line) => {
        const value = (JSON.parse(line.toString('utf8')) as { v: T }).v;
        if (keep(value)) out.push(value);
      }),
    );
    return out;
  }

  /** Each whole line between `from` and `to` (bytes, cut at newlines: a character is never split). */
  private async lines(from: number, to: number, each: (line: Buffer, offset: number) => void): Promise<number> {
    let position = from;
    let pending = Buffer.alloc(0);
    let offset = from;
    while (position < to) {
      const chunk = Buffer.alloc(Math.min(CHUNK, to - position));
      const { bytesRead } = await this.file.read(chunk, 0, chunk.length, position);
      if (!bytesRead) break;
      position += bytesRead;
      const buffer = pending.length ? Buffer.concat([pending, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let end = buffer.indexOf(10); end !== -1; end = buffer.indexOf(10, start)) {
        each(buffer.subarray(start, end), offset);
        offset += end - start + 1;
        start = end + 1;
      }
      pending = Buffer.from(buffer.subarray(start));
    }
    return offset;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
