// Everything the bot sends on its own goes through here: a durable record first (with an
// idempotency key), then a worker outside the turn delivers it, retrying with backoff on
// throttling and server errors (Retry-After honoured), and gives up, reporting to a person, on
// 403/404 or after too long. After a restart, pending messages are picked up where they were.
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

/** How a message reaches Teams; implemented by the Teams layer. */
export interface Transport {
  /** Post a new activity; returns where it went. */
  send(target: OutboxTarget, payload: OutboxMessage['payload']): Promise<{ conversationId: string; activityId: string }>;
  /** Replace an activity posted earlier. */
  update(sent: NonNullable<OutboxMessage['sent']>, payload: OutboxMessage['payload']): Promise<void>;
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
}

export type SettledListener = (message: OutboxMessage) => void | Promise<void>;

/** Retried: throttling, a precondition race, server and gateway errors, and no answer at all. */
const RETRYABLE = new Set([408, 412, 429, 500, 502, 503, 504]);

export interface OutboxOptions {
  clock: Clock;
  retryBaseMs: number;
  giveUpAfterMs: number;
  maxDelayMs?: number;
  /** Words for the report to a person when a message is given up, in their language. */
  reportText(reportTo: StaffKey, message: OutboxMessage): Promise<string>;
}

export class Outbox {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private working: Promise<void> | undefined;
  private readonly listeners = new Map<string, SettledListener[]>();
  private readonly retryListeners = new Map<string, SettledListener[]>();
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly transport: Transport,
    private readonly log: Logger,
    private readonly options: OutboxOptions,
  ) {}

  /** Durable before it resolves; the same idempotency key again returns the first message. */
  async enqueue(request: EnqueueRequest): Promise<OutboxMessage> {
    const now = this.options.clock.now();
    const existing = await this.store.outbox.findByIdempotencyKey(request.idempotencyKey);
    if (existing) return existing;
    const at = now.toISOString();
    const message: OutboxMessage = {
      id: randomUUID(),
      idempotencyKey: request.idempotencyKey,
      target: request.target,
      operation: request.operation ?? 'send',
      updates: request.updates,
      replaces: request.replaces,
      payload: request.payload,
      reportTo: request.reportTo,
      topic: request.topic,
      retryOn403: request.retryOn403,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
      updatedAt: at,
    };
    await this.store.outbox.save(message);
    this.kick();
    return message;
  }

  /** Someone just talked to the bot: what waits for them is tried again now (they can be reached). */
  async retryNowFor(user: StaffKey): Promise<void> {
    const now = this.options.clock.now();
    // Runs on every turn: an index lookup, not a scan of everything pending.
    const waiting = (await this.store.outbox.pendingFor(user)).filter((m) => m.nextAttemptAt > now.toISOString());
    for (const m of waiting) await this.store.outbox.save({ ...m, nextAttemptAt: now.toISOString() });
    if (waiting.length) this.kick();
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

  /** Stop taking new work; resolves when the attempt under way (if any) has finished. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.working;
  }

  /** Resolves when nothing is due now (tests and graceful waits). */
  async drained(): Promise<void> {
    for (;;) {
      await this.working;
      const due = await this.store.outbox.due(this.options.clock.now());
      if (!due.length && !this.working) return;
      this.kick();
      await new Promise<void>((r) => this.idle.push(r));
    }
  }

  private kick(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.work(), 0);
  }

  private async work(): Promise<void> {
    this.timer = undefined;
    if (this.working || !this.running) return;
    let done!: () => void;
    this.working = new Promise<void>((r) => (done = r));
    try {
      for (;;) {
        if (!this.running) break;
        const due = await this.store.outbox.due(this.options.clock.now());
        if (!due.length) break;
        for (const message of due) {
          if (!this.running) break;
          await this.attempt(message);
        }
      }
    } catch (err) {
      this.log.error('outbox worker failed', { err });
    } finally {
      this.working = undefined;
      done();
      this.idle.splice(0).forEach((r) => r());
      await this.scheduleNext();
    }
  }

  private async scheduleNext(): Promise<void> {
    if (!this.running) return;
    const next = await this.store.outbox.nextDueAt();
    if (!next) return;
    const delay = Math.max(0, Math.min(next.getTime() - this.options.clock.now().getTime(), 60_000));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.work(), delay);
    this.timer.unref?.();
  }

  private async attempt(message: OutboxMessage): Promise<void> {
    const now = this.options.clock.now();
    let sent: OutboxMessage['sent'];
    try {
      if (message.operation === 'update' && message.replaces) {
        await this.transport.update({ ...message.replaces, at: message.createdAt }, message.payload);
        sent = { ...message.replaces, at: now.toISOString() };
      } else if (message.operation === 'update') {
        const original = message.updates ? await this.store.outbox.get(message.updates) : undefined;
        if (!original || original.status === 'failed') throw new DeliveryError('the message to update was never delivered', 404, 'OriginalNotDelivered');
        if (!original.sent) {
          // The card is not out yet: try again once it is (its own retries run meanwhile).
          await this.reschedule(message, this.options.retryBaseMs, now, undefined, false);
          return;
        }
        await this.transport.update(original.sent, message.payload);
        sent = original.sent;
      } else {
        const where = await this.transport.send(message.target, message.payload);
        sent = { ...where, at: now.toISOString() };
      }
    } catch (err) {
      await this.failed(message, err, now);
      return;
    }
    const done: OutboxMessage = { ...message, status: 'sent', attempts: message.attempts + 1, sent, updatedAt: now.toISOString(), lastError: undefined };
    await this.store.outbox.save(done);
    this.log.info('outbox delivered', { id: message.id, topic: message.topic?.kind, attempts: done.attempts });
    await this.notify(done);
  }

  private async failed(message: OutboxMessage, err: unknown, now: Date): Promise<void> {
    const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error)?.message ?? String(err));
    const lastError = { status: e.status, code: e.code, message: e.message.slice(0, 300) };
    const retryable = e.status === undefined || RETRYABLE.has(e.status) || (e.status === 403 && message.retryOn403 === true);
    const tooOld = now.getTime() - Date.parse(message.createdAt) > this.options.giveUpAfterMs;
    if (retryable && !tooOld) {
      const backoff = Math.min(this.options.maxDelayMs ?? 15 * 60_000, this.options.retryBaseMs * 2 ** message.attempts);
      const jittered = backoff * (0.8 + Math.random() * 0.4);
      await this.reschedule(message, e.retryAfterMs ?? jittered, now, lastError, true);
      this.log.warn('outbox delivery will be retried', { id: message.id, status: e.status ?? null, code: e.code ?? null, attempts: message.attempts + 1 });
      await this.notify({ ...message, attempts: message.attempts + 1, lastError }, this.retryListeners);
      return;
    }
    const given: OutboxMessage = { ...message, status: 'failed', attempts: message.attempts + 1, lastError, updatedAt: now.toISOString() };
    await this.store.outbox.save(given);
    this.log.warn('outbox gave up a message', { id: message.id, status: e.status ?? null, code: e.code ?? null, topic: message.topic?.kind });
    if (message.reportTo) {
      await this.enqueue({
        idempotencyKey: `report:${message.id}`,
        target: { kind: 'user', user: message.reportTo },
        payload: { text: await this.options.reportText(message.reportTo, given) },
      });
    }
    await this.notify(given);
  }

  private async reschedule(message: OutboxMessage, delayMs: number, now: Date, lastError: OutboxMessage['lastError'], counted: boolean): Promise<void> {
    await this.store.outbox.save({
      ...message,
      attempts: message.attempts + (counted ? 1 : 0),
      nextAttemptAt: new Date(now.getTime() + delayMs).toISOString(),
      lastError: lastError ?? message.lastError,
      updatedAt: now.toISOString(),
    });
  }

  private async notify(message: OutboxMessage, listeners = this.listeners): Promise<void> {
    if (!message.topic) return;
    for (const listener of listeners.get(message.topic.kind) ?? []) {
      try {
        await listener(message);
      } catch (err) {
        this.log.error('outbox listener failed', { err, topic: message.topic.kind });
      }
    }
  }
}
