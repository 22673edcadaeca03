// A message erased (src/flows/erasure) while the outbox is sending it: whatever the send's outcome,
// the outbox does not bring the message and its content back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/log.js';
import { DeliveryError, Outbox, type Transport } from '../../src/services/outbox.js';
import { openLowdbStore } from '../../src/store/lowdb/index.js';
import type { Store } from '../../src/store/index.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const USER = { tenantId: 't', aadObjectId: '00000000-0000-0000-0000-000000000001' };

async function sendingWhileErased(outcome: 'sent' | 'retry' | 'given up') {
  const dir = mkdtempSync(path.join(tmpdir(), 'aa-outbox-erase-'));
  dirs.push(dir);
  const store = await openLowdbStore(dir, { clock: systemClock });
  stores.push(store);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const sending = new Promise<void>((r) => (started = r));
  const transport: Transport = {
    async send() {
      started();
      await gate;
      if (outcome === 'retry') throw new DeliveryError('busy', 503);
      if (outcome === 'given up') throw new DeliveryError('gone', 404);
      return { conversationId: 'a:1', activityId: 'act-1' };
    },
    async update() {},
  };
  const outbox = new Outbox(store, transport, createLogger('error', () => undefined), { clock: systemClock, retryBaseMs: 10, giveUpAfterMs: 3600_000, reportText: async () => 'report' });
  const message = await outbox.enqueue({ idempotencyKey: 'k1', target: { kind: 'user', user: USER }, payload: { text: 'Jens Hansen, 010150-xxxx', summary: 'Besked' } });
  outbox.start();
  await sending;
  // Erased meanwhile.
  await store.transaction((tx) => tx.erasure.eraseCitizen('c1', [['Jens Hansen', '010150-xxxx']]));
  release();
  await outbox.stop();
  return { store, id: message.id };
}

describe('an outbox message erased while it is being sent', () => {
  it.each(['sent', 'retry', 'given up'] as const)('%s: the message stays gone', async (outcome) => {
    const { store, id } = await sendingWhileErased(outcome);
    expect(await store.outbox.get(id)).toBeUndefined();
  });
});
