// Everything the bot sends on its own goes through here: a durable record first (with an
// idempotency key), then a worker outside the turn delivers it, retrying with backoff on
// throttling and server errors (Retry-After honoured), and gives up, reporting to a person, on
// 403/404 or after too long. After a restart, pending messages are picked up where they were.
// Messages are taken with a claim that runs out (claimDue), so a worker that dies mid-send leaves
// them to be tried again; conversations are served in parallel (up to `concurrency`), each in
// order (a card, then its update); every call to Teams has a time limit.
// A post whose answer is lost (a timeout, a dropped connection, a crash) may have arrived: it is
// tried again, so nothing is lost and such a message shows at most once more. The Bot Connector
// has no idempotent post.
import { outboxLane } from '../store/outboxClaims.js';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { OutboxMessage, OutboxTarget, StaffKey, Store } from '../store/index.js';

/** A delivery failure as the transport saw it. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** How a message reaches Teams; implemented by the Teams layer. `signal` aborts a call past its time. */
export interface Transport {
  /** Post a new activity; returns where it went. */
  send(target: OutboxTarget, payload: OutboxMessage['payload'], signal?: AbortSignal): Promise<{ conversationId: string; activityId: string }>;
  /** Replace an activity posted earlier. */
  update(sent: NonNullable<OutboxMessage['sent']>, payload: OutboxMessage['payload'], signal?: AbortSignal): Promise<void>;
}

export interface EnqueueRequest {
  idempotencyKey: string;
  target: OutboxTarget;
  operation?: 'send' | 'update';
  /** For updates: the id of the outbox message whose activity is replaced. */
  updates?: string;
  /** For updates of an activity the outbox did not send (a card answered in a turn). */
  replaces?: { conversationId: string; activityId: string };
  payload: OutboxMessage['payload'];
  reportTo?: StaffKey;
  topic?: { kind: string; id: string };
  /**
   * Keep trying on 403 too (the person has not got the app yet, or removed it) until they can be
   * reached or the message is given up; each turn from them tries again at once.
   */
  retryOn403?: boolean;
  /** If a message with this key was given up, try it again from the start instead of returning it. */
  renewIfFailed?: boolean;
  /** The citizen the message is about, if any: an erasure finds it by this, whatever its content. */
  citizenId?: string;
}

export type SettledListener = (message: OutboxMessage) => void | Promise<void>;

/**
 * Messages taken per free lane in one claim. A lane may queue more (a backlog in one channel); each
 * claim is renewed when its turn comes, so it always outlasts the attempt.
 */
const CLAIM_PER_LANE = 4;

/** Which conversation a message goes to: its lane, served in order. */
/** How often an idle worker looks for work other instances left behind. */
const IDLE_POLL_MS = 30_000;

/** Retried: throttling, a precondition race, server and gateway errors, and no answer at all. */
const RETRYABLE = new Set([408, 412, 429, 500, 502, 503, 504]);

export interface OutboxOptions {
  clock: Clock;
  retryBaseMs: number;
  giveUpAfterMs: number;
  maxDelayMs?: number;
  /** The longest one call to Teams may take before it counts as failed (and is tried again). */
  sendTimeoutMs?: number;
  /** How many conversations are served at once. */
  concurrency?: number;
  /** Words for the report to a person when a message is given up, in their language. */
  reportText(reportTo: StaffKey, message: OutboxMessage): Promise<string>;
}

export class Outbox {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private running = false;
  /** Messages queued by this process: their order when queued in the same millisecond. */
  private queuedCount = 0;
  /** Who this worker is in claims: unique per process start. */
  private readonly worker = `w-${randomUUID()}`;
  /** Claimed messages waiting their turn, per conversation (lane), in order. */
  private readonly lanes = new Map<string, OutboxMessage[]>();
  /** Lanes with a runner (at most `concurrency`). */
  private readonly busy = new Set<string>();
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private readonly runners = new Set<Promise<void>>();
  /** Ids of the messages being tried right now. */
  private readonly sending = new Set<string>();
  private readonly listeners = new Map<string, SettledListener[]>();
  private readonly retryListeners = new Map<string, SettledListener[]>();
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly transport: Transport,
    private readonly log: Logger,
    private readonly options: OutboxOptions,
  ) {}

  private get sendTimeoutMs(): number {
    return this.options.sendTimeoutMs ?? 10_000;
  }

  private get concurrency(): number {
    return this.options.concurrency ?? 8;
  }

  /** Long enough for every claimed message of a lane to time out once, one after another. */
  private get leaseMs(): number {
    return this.sendTimeoutMs * (CLAIM_PER_LANE + 1) + 5_000;
  }

  /** Durable before it resolves; the same idempotency key again returns the first message. */
  async enqueue(request: EnqueueRequest): Promise<OutboxMessage> {
    const now = this.options.clock.now();
    const existing = await this.store.outbox.findByIdempotencyKey(request.idempotencyKey);
    if (existing && !(request.renewIfFailed && existing.status === 'failed')) return existing;
    const at = now.toISOString();
    const message: OutboxMessage = {
      id: existing?.id ?? randomUUID(),
      idempotencyKey: request.idempotencyKey,
      target: request.target,
      operation: request.operation ?? 'send',
      updates: request.updates,
      replaces: request.replaces,
      payload: request.payload,
      reportTo: request.reportTo,
      topic: request.topic,
      retryOn403: request.retryOn403,
      citizenId: request.citizenId,
      status: 'pending',
      queued: ++this.queuedCount,
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
      updatedAt: at,
    };
    await this.store.outbox.save(message);
    // Sent once it is stored: inside a turn's transaction, after the commit (never a message the turn then rolls back).
    this.store.afterCommit(() => this.kick());
    return message;
  }

  /** Someone just talked to the bot: what waits for them is tried again now (they can be reached). */
  async retryNowFor(user: StaffKey): Promise<void> {
    const now = this.options.clock.now().toISOString();
    // Runs on every turn: an index lookup, not a scan of everything pending. A message being sent
    // right now (claimed) is left to its worker.
    const waiting = (await this.store.outbox.pendingFor(user)).filter((m) => m.nextAttemptAt > now && !(m.claim && m.claim.until > now));
    let moved = 0;
    for (const m of waiting) {
      // Read again right before writing: while the previous save was on its way to disk, this one
      // may have been taken and sent, and an old copy written back would send it again.
      const current = await this.store.outbox.get(m.id);
      if (current?.status !== 'pending' || current.updatedAt !== m.updatedAt || current.nextAttemptAt <= now || (current.claim && current.claim.until > now)) continue;
      await this.store.outbox.save({ ...current, nextAttemptAt: now });
      moved++;
    }
    if (moved) this.store.afterCommit(() => this.kick());
  }

  /** Called when a message on this topic kind is sent or given up. */
  onSettled(topicKind: string, listener: SettledListener): void {
    const list = this.listeners.get(topicKind) ?? [];
    list.push(listener);
    this.listeners.set(topicKind, list);
  }

  /** Called after a failed attempt that will be retried (the message carries the attempt count). */
  onRetry(topicKind: string, listener: SettledListener): void {
    const list = this.retryListeners.get(topicKind) ?? [];
    list.push(listener);
    this.retryListeners.set(topicKind, list);
  }

  start(): void {
    this.running = true;
    this.kick();
  }

  /** Stop taking new work; resolves when the attempts under way have finished and the rest is handed back. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.pumping;
    await Promise.all([...this.runners]);
    // Claimed but not tried: give them back at once rather than after the lease.
    for (const lane of this.lanes.values()) for (const m of lane.splice(0)) await this.release(m.id);
    this.lanes.clear();
  }

  /** Resolves when nothing is due now and nothing is being sent (tests and graceful waits). */
  async drained(): Promise<void> {
    for (;;) {
      if (!this.running) return; // nothing would send it
      await this.pumping;
      await Promise.all([...this.runners]);
      const now = this.options.clock.now();
      const due = (await this.store.outbox.due(now)).filter((m) => !(m.claim && m.claim.until > now.toISOString()));
      if (!due.length && !this.runners.size && !this.pumping && !this.queued()) return;
      this.kick();
      await new Promise<void>((r) => this.idle.push(r));
    }
  }

  private queued(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.length;
    return n;
  }

  private kick(): void {
    this.schedule(0);
  }

  /** Pump after `delayMs`, unless a pump is already set to come sooner. */
  private schedule(delayMs: number): void {
    if (!this.running) return;
    // Monotonic time for the timer's own bookkeeping (never a date): the bot's clock may be a test's.
    const at = performance.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => void this.pump(), delayMs);
    if (delayMs > 0) this.timer.unref?.();
  }

  /** Take what is due and start a runner for each lane that has work and no runner, up to `concurrency`. */
  private pump(): Promise<void> {
    this.timer = undefined;
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    const take = async () => {
      try {
        do {
          this.pumpAgain = false;
          if (!this.running) break;
          const free = this.concurrency - this.busy.size;
          if (free > 0) {
            const claimed = await this.store.outbox.claimDue(this.worker, this.options.clock.now(), this.leaseMs, free * CLAIM_PER_LANE);
            for (const m of claimed) {
              const key = outboxLane(m);
              const lane = this.lanes.get(key) ?? [];
              // Claimed again after its lease ran out while it waited here: one copy in the lane.
              const i = lane.findIndex((x) => x.id === m.id);
              if (i >= 0) lane[i] = m;
              else if (!this.sending.has(m.id)) lane.push(m);
              this.lanes.set(key, lane);
            }
          }
          for (const key of this.lanes.keys()) {
            if (this.busy.size >= this.concurrency) break;
            if (!this.busy.has(key)) this.run(key);
          }
        } while (this.pumpAgain);
      } catch (err) {
        this.log.error('outbox worker failed', { err });
      }
    };
    // Cleared in a later tick, never before it is set (take() may finish without awaiting anything).
    const pumping: Promise<void> = take().then(async () => {
      if (this.pumping === pumping) this.pumping = undefined;
      this.settleIdle();
      await this.scheduleNext();
    });
    this.pumping = pumping;
    return this.pumping;
  }

  /** One lane's messages, one after another, each its own attempt. */
  private run(key: string): void {
    this.busy.add(key);
    const runner = (async () => {
      try {
        for (;;) {
          const lane = this.lanes.get(key);
          const message = lane?.shift();
          if (!message) break;
          if (!this.running) {
            lane!.unshift(message);
            break;
          }
          try {
            // As stored now: sent or given up meanwhile, or taken by another worker, it is not ours to send.
            let current = await this.store.outbox.get(message.id);
            if (current?.status !== 'pending' || current.claim?.worker !== this.worker) continue;
            this.sending.add(message.id);
            // It may have waited behind others in this lane: the claim must outlast this attempt.
            const now = this.options.clock.now();
            if (Date.parse(current.claim.until) < now.getTime() + this.sendTimeoutMs + 2_000) {
              // Only while it is still ours: another instance may have taken it once the claim ran out.
              const renewed = await this.store.outbox.renewClaim(message.id, this.worker, new Date(now.getTime() + this.leaseMs).toISOString());
              if (!renewed) continue;
              current = renewed;
            }
            await this.attempt(current);
            const after = await this.store.outbox.get(message.id);
            if (after?.status === 'pending') {
              // Tried again later: the rest of this conversation waits behind it, so order holds.
              await this.holdBehind(lane!.splice(0), after.nextAttemptAt);
              break;
            }
          } catch (err) {
            // The store failed while recording the outcome: the claim runs out and it is tried again.
            this.log.error('outbox attempt failed', { err, id: message.id });
          } finally {
            this.sending.delete(message.id);
          }
        }
      } finally {
        if (!this.lanes.get(key)?.length) this.lanes.delete(key);
        this.busy.delete(key);
      }
    })();
    this.runners.add(runner);
    void runner.finally(() => {
      this.runners.delete(runner);
      if (this.running) this.kick();
      this.settleIdle();
    });
  }

  /** Messages of a lane that wait for an earlier one: claims given back, due no sooner than it. */
  private async holdBehind(messages: OutboxMessage[], notBefore: string): Promise<void> {
    for (const m of messages) await this.release(m.id, notBefore);
  }

  /** Give a claim of ours back (optionally not due before `notBefore`). */
  private async release(id: string, notBefore?: string): Promise<void> {
    const current = await this.store.outbox.get(id);
    if (current?.status !== 'pending' || current.claim?.worker !== this.worker) return;
    const nextAttemptAt = notBefore && notBefore > current.nextAttemptAt ? notBefore : current.nextAttemptAt;
    await this.store.outbox.save({ ...current, claim: undefined, nextAttemptAt });
  }

  private settleIdle(): void {
    if (!this.runners.size && !this.pumping) this.idle.splice(0).forEach((r) => r());
  }

  private async scheduleNext(): Promise<void> {
    // Every lane busy: a runner that finishes pumps again; a timer now would only spin.
    if (!this.running || this.busy.size >= this.concurrency) return;
    const next = await this.store.outbox.nextDueAt();
    // Nothing due: look again now and then, for messages another instance queued and can no longer
    // send (it stopped or died; its claims run out). Every minute at most in any case.
    if (!next) return this.schedule(IDLE_POLL_MS);
    this.schedule(Math.max(0, Math.min(next.getTime() - this.options.clock.now().getTime(), 60_000)));
  }

  /** A call to Teams that may not take longer than the send timeout; aborted and failed if it does. */
  private async timed<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new DeliveryError(`no answer from Teams within ${this.sendTimeoutMs} ms`, undefined, 'Timeout'));
      }, this.sendTimeoutMs);
    });
    try {
      return await Promise.race([call(controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempt(message: OutboxMessage): Promise<void> {
    const now = this.options.clock.now();
    let sent: OutboxMessage['sent'];
    try {
      if (message.operation === 'update' && message.replaces) {
        await this.timed((signal) => this.transport.update({ ...message.replaces!, at: message.createdAt }, message.payload, signal));
        sent = { ...message.replaces, at: now.toISOString() };
      } else if (message.operation === 'update') {
        const original = message.updates ? await this.store.outbox.get(message.updates) : undefined;
        if (!original || original.status === 'failed') throw new DeliveryError('the message to update was never delivered', 404, 'OriginalNotDelivered');
        if (!original.sent) {
          // The card is not out yet: try again once it is (its own retries run meanwhile).
          await this.reschedule(message, this.options.retryBaseMs, now, undefined, false);
          return;
        }
        await this.timed((signal) => this.transport.update(original.sent!, message.payload, signal));
        sent = original.sent;
      } else {
        const where = await this.timed((signal) => this.transport.send(message.target, message.payload, signal));
        sent = { ...where, at: now.toISOString() };
      }
    } catch (err) {
      await this.failed(message, err, now);
      return;
    }
    const done: OutboxMessage = { ...message, status: 'sent', attempts: message.attempts + 1, sent, updatedAt: now.toISOString(), lastError: undefined, claim: undefined };
    // The outcome and what its listeners change (a referral marked as announced) are one transaction.
    await this.store.transaction(async () => {
      if (!(await this.stillThere(message))) return;
      await this.store.outbox.save(done);
      await this.notify(done);
    });
    this.log.info('outbox delivered', { id: message.id, topic: message.topic?.kind, attempts: done.attempts });
  }

  private async failed(message: OutboxMessage, err: unknown, now: Date): Promise<void> {
    const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error)?.message ?? String(err));
    const lastError = { status: e.status, code: e.code, message: e.message.slice(0, 300) };
    const retryable = e.status === undefined || RETRYABLE.has(e.status) || (e.status === 403 && message.retryOn403 === true);
    const tooOld = now.getTime() - Date.parse(message.createdAt) > this.options.giveUpAfterMs;
    if (retryable && !tooOld) {
      const backoff = Math.min(this.options.maxDelayMs ?? 15 * 60_000, this.options.retryBaseMs * 2 ** message.attempts);
      const jittered = backoff * (0.8 + Math.random() * 0.4);
      await this.store.transaction(async () => {
        if (!(await this.stillThere(message))) return;
        await this.reschedule(message, e.retryAfterMs ?? jittered, now, lastError, true);
        await this.notify({ ...message, attempts: message.attempts + 1, lastError }, this.retryListeners);
      });
      this.log.warn('outbox delivery will be retried', { id: message.id, status: e.status ?? null, code: e.code ?? null, attempts: message.attempts + 1 });
      return;
    }
    const given: OutboxMessage = { ...message, status: 'failed', attempts: message.attempts + 1, lastError, updatedAt: now.toISOString(), claim: undefined };
    // Given up, the report to whoever should hear of it, and the listeners' changes: one transaction.
    await this.store.transaction(async () => {
      if (!(await this.stillThere(message))) return;
      await this.store.outbox.save(given);
      if (message.reportTo) {
        await this.enqueue({
          idempotencyKey: `report:${message.id}`,
          target: { kind: 'user', user: message.reportTo },
          payload: { text: await this.options.reportText(message.reportTo, given) },
        });
      }
      await this.notify(given);
    });
    this.log.warn('outbox gave up a message', { id: message.id, status: e.status ?? null, code: e.code ?? null, topic: message.topic?.kind });
  }

  /**
   * The message is still in the outbox, waiting: an erasure (src/flows/erasure) may have deleted it
   * while it was being sent, and the outcome must not bring its content back.
   */
  private async stillThere(message: OutboxMessage): Promise<boolean> {
    const current = await this.store.outbox.get(message.id);
    if (current?.status === 'pending') return true;
    this.log.info('outbox message gone while it was being sent (erased); its outcome is not kept', { id: message.id });
    return false;
  }

  private async reschedule(message: OutboxMessage, delayMs: number, now: Date, lastError: OutboxMessage['lastError'], counted: boolean): Promise<void> {
    await this.store.outbox.save({
      ...message,
      attempts: message.attempts + (counted ? 1 : 0),
      nextAttemptAt: new Date(now.getTime() + delayMs).toISOString(),
      lastError: lastError ?? message.lastError,
      updatedAt: now.toISOString(),
      claim: undefined,
    });
  }

  private async notify(message: OutboxMessage, listeners = this.listeners): Promise<void> {
    if (!message.topic) return;
    for (const listener of listeners.get(message.topic.kind) ?? []) {
      try {
        // What a listener changes (a referral marked as announced, a message to the referrer) is one transaction.
        await this.store.transaction(() => Promise.resolve(listener(message)));
      } catch (err) {
        this.log.error('outbox listener failed', { err, topic: message.topic.kind });
      }
    }
  }
}
