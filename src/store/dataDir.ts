// DATA_DIR holds citizens' data: created owner-only (0700), and checked writable for /healthz.
import { accessSync, chmodSync, constants, mkdirSync, statSync } from 'node:fs';

export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  if (mode !== 0o700) chmodSync(dir, 0o700);
}

export function dataDirStatus(dir: string): { status: 'ok' | 'error'; detail?: string } {
  try {
    accessSync(dir, constants.R_OK | constants.W_OK);
    return { status: 'ok' };
  } catch {
    return { status: 'error', detail: 'DATA_DIR is not writable' };
  }
}
