// Which outbox messages a worker may take (src/store/outboxClaims.ts), as a pure function: lanes in
// queue order, also for messages queued in the same millisecond (ids are random).
import { describe, expect, it } from 'vitest';
import { claimable, nextClaimableAt } from '../../src/store/outboxClaims.js';
import type { OutboxMessage } from '../../src/store/types.js';

const AT = '2026-11-24T09:00:00.000Z';
const msg = (id: string, queued: number, over: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id,
  idempotencyKey: id,
  target: { kind: 'conversation', conversationId: '19:c' },
  operation: 'send',
  payload: { text: id },
  status: 'pending',
  queued,
  attempts: 0,
  nextAttemptAt: AT,
  createdAt: AT,
  updatedAt: AT,
  ...over,
});

describe('claimable', () => {
  it('takes one conversation\'s messages queued in the same millisecond in the order they were queued, whatever their ids', () => {
    const pending = [msg('zz-first', 1), msg('aa-second', 2), msg('mm-third', 3)];
    expect(claimable([...pending].reverse(), 'w', new Date(AT), 10).map((m) => m.id)).toEqual(['zz-first', 'aa-second', 'mm-third']);
    // With a limit, the first ones: never a later one without the earlier.
    expect(claimable(pending, 'w', new Date(AT), 2).map((m) => m.id)).toEqual(['zz-first', 'aa-second']);
  });

  it('holds a conversation behind a message that waits for a retry; others go on', () => {
    const pending = [msg('first', 1, { nextAttemptAt: '2026-11-24T09:10:00.000Z' }), msg('second', 2), msg('other', 3, { target: { kind: 'conversation', conversationId: '19:d' } })];
    expect(claimable(pending, 'w', new Date(AT), 10).map((m) => m.id)).toEqual(['other']);
    expect(nextClaimableAt(pending.slice(0, 2))?.toISOString()).toBe('2026-11-24T09:10:00.000Z');
  });
});
