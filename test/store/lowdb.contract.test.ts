// The store contract (test/store/contract.ts) against the embedded lowdb store, on a temporary folder.
import { afterEach } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLowdbStore } from '../../src/store/lowdb/index.js';
import type { Store } from '../../src/store/types.js';
import { storeContract } from './contract.js';

const dirs: string[] = [];
const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

storeContract('lowdb', {
  async open(clock, options = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), 'aa-contract-'));
    dirs.push(dir);
    const store = await openLowdbStore(dir, { clock, ...options });
    open.push(store);
    return Object.assign(store, {
      async everything() {
        const read = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(path.join(d, n)).isDirectory() ? read(path.join(d, n)) : [readFileSync(path.join(d, n)).toString('utf8')]));
        return read(dir).join('\n');
      },
      async reopen() {
        await store.close();
        const again = await openLowdbStore(dir, { clock, ...options });
        open.push(again);
        return again;
      },
    });
  },
});
