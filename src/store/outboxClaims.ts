// Which outbox messages a worker may take now, the same for every store. Messages to one conversation
// (a lane) go out in the order they were queued, also with several workers on several instances: a
// lane's messages are handed out in order, and never one while an earlier message of its lane is
// held by another worker's live claim or waits for a retry.
import type { OutboxMessage } from './types.js';

/** The conversation a message goes to: its lane (a card's update goes the way of the card). */
export function outboxLane(m: OutboxMessage): string {
  if (m.replaces) return `c:${m.replaces.conversationId}`;
  return m.target.kind === 'conversation' ? `c:${m.target.conversationId}` : `u:${m.target.user.tenantId}|${m.target.user.aadObjectId}`;
}

/** Queue order: when queued, then the order its process queued them in (the same millisecond), then the id. */
const byQueued = (a: OutboxMessage, b: OutboxMessage) => a.createdAt.localeCompare(b.createdAt) || (a.queued ?? 0) - (b.queued ?? 0) || a.id.localeCompare(b.id);

/** Of the pending messages, those `worker` may claim at `now` (at most `limit`, the soonest due), in the order they were queued. */
export function claimable(pending: OutboxMessage[], worker: string, now: Date, limit: number): OutboxMessage[] {
  const at = now.toISOString();
  const lanes = new Map<string, OutboxMessage[]>();
  for (const m of pending) {
    const lane = lanes.get(outboxLane(m)) ?? [];
    lane.push(m);
    lanes.set(outboxLane(m), lane);
  }
  const free: { m: OutboxMessage; lane: string; place: number }[] = [];
  for (const [lane, messages] of lanes) {
    let place = 0;
    for (const m of messages.sort(byQueued)) {
      const claimed = !!m.claim && m.claim.until > at;
      // Already ours: it waits in this worker's lane, in order; the ones after it may follow it there.
      if (claimed && m.claim!.worker === worker) continue;
      // Held elsewhere, or waiting for a retry: the rest of the lane waits behind it.
      if (claimed || m.nextAttemptAt > at) break;
      free.push({ m, lane, place: place++ });
    }
  }
  const chosen = free.sort((a, b) => a.m.nextAttemptAt.localeCompare(b.m.nextAttemptAt) || byQueued(a.m, b.m)).slice(0, limit);
  // Never a later message of a lane without the earlier ones the limit left out.
  const taken = new Map<string, number>();
  for (const c of [...chosen].sort((a, b) => a.place - b.place)) if ((taken.get(c.lane) ?? 0) === c.place) taken.set(c.lane, c.place + 1);
  // In the order they were queued: a worker sends each lane's messages in the order it gets them.
  return chosen
    .filter((c) => c.place < (taken.get(c.lane) ?? 0))
    .map((c) => c.m)
    .sort(byQueued);
}

/**
 * When a worker could next take something: per lane, the moment its first message in queue order is
 * free (due, and no live claim on it); the soonest of those. A later message of a lane that is due
 * already does not count while the lane's first one waits, or a worker would wake to find nothing.
 */
export function nextClaimableAt(pending: OutboxMessage[]): Date | undefined {
  const heads = new Map<string, OutboxMessage>();
  for (const m of pending) {
    const lane = outboxLane(m);
    const head = heads.get(lane);
    if (!head || byQueued(m, head) < 0) heads.set(lane, m);
  }
  let soonest: string | undefined;
  for (const m of heads.values()) {
    const free = m.claim && m.claim.until > m.nextAttemptAt ? m.claim.until : m.nextAttemptAt;
    if (!soonest || free < soonest) soonest = free;
  }
  return soonest ? new Date(soonest) : undefined;
}
