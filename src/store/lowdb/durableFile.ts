// A folder's entries made durable: after a rename or a file's removal, the folder itself is
// fsynced, so a power cut cannot bring back the old name. (lowdb's own JSONFile renames without it.)
import { open } from 'node:fs/promises';

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
