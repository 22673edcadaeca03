// A lowdb adapter for the snapshot: JSON written to a temp file, fsynced, renamed over the old
// one, and the folder fsynced, so a crash leaves either the old snapshot or the new one whole.
// (lowdb's own JSONFile renames without fsync, which a power cut can turn into an empty file.)
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

export class DurableJSONFile<T> implements Adapter<T> {
  constructor(private readonly filename: string) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.filename, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async write(data: T): Promise<void> {
    // Serialise before the first await: the snapshot is the data as it is at this instant.
    const text = JSON.stringify(data);
    const tmp = `${this.filename}.tmp`;
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.filename);
    await fsyncDir(path.dirname(this.filename));
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
