// A lowdb adapter that writes the snapshot as JSON lines, a record at a time, and reads it back the
// same way: no single string ever holds the whole store, so the snapshot can be written and read
// however large the data grows (V8's largest string is about 512 MB; one JSON string of 100,000
// citizens with screenings and 1,000,000 visits is past it). The first line says which log comes
// next; then one line per record, { c: collection, k: key, v: value }; the last line counts them,
// { end: n }, so a snapshot cut short is refused rather than read as less. Written to a temp file,
// fsynced, renamed over the old one and the folder fsynced: a crash leaves the old snapshot or the
// new one, whole. A snapshot in the earlier one-JSON-document format (snapshot.json) is still read.
import { createReadStream, existsSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { fsyncDir } from './durableFile.js';

export interface SnapshotData {
  format: 1 | 2;
  /** The first log file whose lines are not yet in this snapshot. */
  walSeq: number;
  collections: Record<string, Record<string, unknown>>;
  /** How long each history file was when this snapshot was made (src/store/lowdb/history.ts). */
  history?: Record<string, number>;
  /** Which generation of each history file is in force (0 or absent: the first; src/store/lowdb/history.ts). */
  historyGeneration?: Record<string, number>;
}

/** Lines are gathered into writes of about this many bytes. */
const CHUNK_BYTES = 1 << 20;

export class StreamedSnapshot implements Adapter<SnapshotData> {
  /** The snapshot written before JSON lines (read once, removed after the next snapshot). */
  readonly legacy: string;
  /**
   * Run before the new snapshot replaces the old one: the engine makes durable every change the
   * snapshot may hold (changes are in memory before their log line is on disk), and refuses if it
   * cannot, so a snapshot never holds a change that was not acknowledged.
   */
  beforeRename?: () => Promise<void>;

  constructor(readonly filename: string) {
    this.legacy = path.join(path.dirname(filename), 'snapshot.json');
  }

  async read(): Promise<SnapshotData | null> {
    if (!existsSync(this.filename)) {
      if (!existsSync(this.legacy)) return null;
      return JSON.parse(await readFile(this.legacy, 'utf8')) as SnapshotData;
    }
    const data: SnapshotData = { format: 2, walSeq: 1, collections: Object.create(null) };
    let first = true;
    let records = 0;
    let end: number | undefined;
    const take = (line: string) => {
      if (!line) return;
      const entry = JSON.parse(line) as { format?: number; walSeq?: number; history?: Record<string, number>; historyGeneration?: Record<string, number>; end?: number; c: string; k: string; v: unknown };
      if (end !== undefined) throw new Error(`${this.filename} goes on after its last line; restore DATA_DIR from backup`);
      if (typeof entry.end === 'number') {
        end = entry.end;
        return;
      }
      if (first) {
        first = false;
        if (entry.format !== 2 || typeof entry.walSeq !== 'number') throw new Error(`${this.filename} does not start with a snapshot header`);
        data.walSeq = entry.walSeq;
        if (entry.history) data.history = entry.history;
        if (entry.historyGeneration) data.historyGeneration = entry.historyGeneration;
        return;
      }
      const collection = (data.collections[entry.c] ??= Object.create(null) as Record<string, unknown>);
      collection[entry.k] = entry.v;
      records++;
    };
    // Read in large pieces and cut into lines here: several times faster than node:readline.
    let rest = '';
    for await (const piece of createReadStream(this.filename, { encoding: 'utf8', highWaterMark: CHUNK_BYTES })) {
      const text = rest + (piece as string);
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        take(text.slice(start, end));
        start = end + 1;
      }
      rest = text.slice(start);
    }
    take(rest);
    // The last line counts the records: a snapshot cut short (a disk that lost its end) is refused, not read as less.
    if (end !== records) throw new Error(`${this.filename} is incomplete (${records} records${end === undefined ? ', no last line' : `, ${end} written`}); restore DATA_DIR from backup`);
    return data;
  }

  /**
   * Write the data a record at a time. Records may change while this runs (the bot keeps working):
   * each line holds a record as it was when its line was made, and the log from `walSeq` on, replayed
   * over the snapshot at start-up, brings every record to its last state.
   */
  async write(data: SnapshotData): Promise<void> {
    const tmp = `${this.filename}.tmp`;
    const file = await open(tmp, 'w', 0o600);
    try {
      let chunk = `${JSON.stringify({ format: 2, walSeq: data.walSeq, ...(data.history ? { history: data.history } : {}), ...(data.historyGeneration ? { historyGeneration: data.historyGeneration } : {}) })}\n`;
      let count = 0;
      for (const c of Object.keys(data.collections)) {
        const records = data.collections[c]!;
        for (const k of Object.keys(records)) {
          if (!Object.hasOwn(records, k)) continue;
          chunk += `${JSON.stringify({ c, k, v: records[k] })}\n`;
          count++;
          if (chunk.length >= CHUNK_BYTES) {
            await file.write(chunk);
            chunk = '';
          }
        }
      }
      await file.write(`${chunk}${JSON.stringify({ end: count })}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await this.beforeRename?.();
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await rename(tmp, this.filename);
    await fsyncDir(path.dirname(this.filename));
    if (existsSync(this.legacy)) await unlink(this.legacy);
  }
}
