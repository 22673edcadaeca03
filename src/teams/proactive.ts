// Proactive messages in Teams: where the bot can reach people (conversation references, a channel's
// own id rather than a reply thread's), and the outbox's transport: post, update in place (PUT),
// or open a 1:1 chat with a staff member who has the app but never wrote to the bot.
import { isDeepStrictEqual } from 'node:util';
import {
  CardFactory,
  MessageFactory,
  TurnContext,
  type Activity,
  type ConversationParameters,
  type ConversationReference,
} from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { proactiveClient } from './adapter.js';
import { renderCard } from '../../cards/index.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { DeliveryError, type Transport } from '../services/outbox.js';
import type { ConversationRecord, OutboxMessage, OutboxTarget, StaffKey, Store } from '../store/index.js';
import { forClient, type CardActionMode } from './cardActions.js';
import { scopeOf, tenantOf } from './turn.js';

/** A channel message's conversation id carries ";messageid=..." for its thread; the channel is the part before. */
export function channelConversationId(id: string): string {
  return id.split(';messageid=')[0]!;
}

export function staffKeyOf(activity: Partial<Activity>): StaffKey | undefined {
  const aad = activity.from?.aadObjectId;
  if (!aad && !activity.from?.id) return undefined;
  return { tenantId: tenantOf(activity) ?? 'local', aadObjectId: aad ?? activity.from!.id };
}

export function conversationRecordOf(activity: Partial<Activity>, now: Date): ConversationRecord | undefined {
  if (!activity.conversation?.id || !activity.serviceUrl) return undefined;
  const kind = scopeOf(activity);
  const id = kind === 'channel' ? channelConversationId(activity.conversation.id) : activity.conversation.id;
  const reference = TurnContext.getConversationReference(activity);
  reference.conversation = { ...reference.conversation!, id };
  delete (reference as Partial<ConversationReference>).activityId;
  return {
    id,
    kind,
    tenantId: tenantOf(activity),
    user: kind === 'personal' ? staffKeyOf(activity) : undefined,
    reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
    updatedAt: now.toISOString(),
  };
}

/** Keep the reference of every conversation the bot is in; written only when it changes. */
export async function rememberConversation(store: Store, activity: Partial<Activity>, clock: Clock): Promise<void> {
  const record = conversationRecordOf(activity, clock.now());
  if (!record) return;
  const existing = await store.conversations.get(record.id);
  // Compared as values: PostgreSQL's jsonb gives the keys back in its own order.
  if (existing && isDeepStrictEqual(existing.reference, record.reference) && isDeepStrictEqual(existing.user ?? null, record.user ?? null)) return;
  await store.conversations.save(record);
}

/**
 * Our text is plain (documents copied into the care record, names as typed), but Teams and Web Chat
 * render markdown: escape what markdown would eat, and make every line break a hard break.
 */
export function asMarkdownLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/([\\`*_{}[\]#|<>~])/g, '\\$1').replace(/^- /, '• '))
    .join('  \n');
}

export function activityOf(payload: OutboxMessage['payload'], mode: CardActionMode): Partial<Activity> {
  const activity: Partial<Activity> = payload.card
    ? MessageFactory.attachment(CardFactory.adaptiveCard(forClient(payload.card, mode)))
    : MessageFactory.text(asMarkdownLines(payload.text ?? ''));
  if (payload.card && payload.text) activity.text = payload.text;
  // Teams shows `summary` in notifications and the feed: callers keep it free of personal data.
  if (payload.summary) activity.summary = payload.summary;
  return activity;
}

/** A connector error -> status, the Bot Connector's error code and Retry-After (a date is read against `now`), for the outbox. */
export function deliveryErrorOf(err: unknown, now: Date): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string; response?: { headers?: { get?(n: string): string | undefined }; bodyAsText?: string } };
  let code = typeof e?.code === 'string' ? e.code : undefined;
  try {
    const body = e?.response?.bodyAsText ? (JSON.parse(e.response.bodyAsText) as { error?: { code?: string } }) : undefined;
    code = body?.error?.code ?? code;
  } catch {
    /* not JSON */
  }
  const retryAfter = e?.response?.headers?.get?.('retry-after');
  let retryAfterMs: number | undefined;
  if (retryAfter) {
    const seconds = Number(retryAfter);
    // An HTTP date is the server's real time, read against the bot's clock (the same in production).
    retryAfterMs = Number.isFinite(seconds) ? seconds * 1000 : Math.max(0, Date.parse(retryAfter) - now.getTime()) || undefined;
  }
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  return new DeliveryError(e?.message ?? String(err), status, code, retryAfterMs);
}

export class TeamsTransport implements Transport {
  constructor(
    private readonly adapter: TeamsAdapter,
    private readonly botAppId: string,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly clock: Clock,
    /** How buttons travel on the cards it sends (CARD_ACTIONS). */
    private readonly mode: CardActionMode = 'submit',
  ) {}

  async send(target: OutboxTarget, payload: OutboxMessage['payload'], signal?: AbortSignal): Promise<{ conversationId: string; activityId: string }> {
    try {
      const record = target.kind === 'conversation' ? await this.store.conversations.get(target.conversationId) : await this.store.conversations.personalChatOf(target.user);
      if (record) return await this.post(record, payload, signal);
      if (target.kind === 'conversation') throw new DeliveryError('the bot does not know this conversation', 404, 'ConversationUnknown');
      return await this.openChatAndPost(target.user, payload, signal);
    } catch (err) {
      throw deliveryErrorOf(err, this.clock.now());
    }
  }

  async update(sent: NonNullable<OutboxMessage['sent']>, payload: OutboxMessage['payload'], signal?: AbortSignal): Promise<void> {
    const record = await this.store.conversations.get(sent.conversationId);
    if (!record) throw new DeliveryError('the bot does not know this conversation', 404, 'ConversationUnknown');
    try {
      const reference = record.reference as unknown as ConversationReference;
      const client = await proactiveClient(this.adapter, this.botAppId, reference.serviceUrl);
      const activity = addressed(payload, reference, this.mode);
      await client.conversations.updateActivity(sent.conversationId, sent.activityId, { ...activity, id: sent.activityId } as Activity, { abortSignal: signal });
    } catch (err) {
      throw deliveryErrorOf(err, this.clock.now());
    }
  }

  /** A new top-level message (never a reply to some earlier activity), straight to the Bot Connector. */
  private async post(record: ConversationRecord, payload: OutboxMessage['payload'], signal?: AbortSignal): Promise<{ conversationId: string; activityId: string }> {
    const reference = record.reference as unknown as ConversationReference;
    const client = await proactiveClient(this.adapter, this.botAppId, reference.serviceUrl);
    const result = await client.conversations.sendToConversation(record.id, addressed(payload, reference, this.mode) as Activity, { abortSignal: signal });
    return { conversationId: record.id, activityId: result.id ?? '' };
  }

  /** A 1:1 chat with someone who has the app but never wrote: Teams creates it on request. */
  private async openChatAndPost(user: StaffKey, payload: OutboxMessage['payload'], signal?: AbortSignal): Promise<{ conversationId: string; activityId: string }> {
    const member = await this.store.staff.get(user);
    const via = await this.store.conversations.anyInTenant(user.tenantId === 'local' ? undefined : user.tenantId);
    const viaRef = via?.reference as unknown as ConversationReference | undefined;
    // Nowhere to ask yet: retried until someone in the tenant talks to the bot or the message is given up.
    if (!viaRef?.serviceUrl) throw new DeliveryError('no conversation in this tenant to reach the Bot Connector through', undefined, 'NoServiceUrl');
    const client = await proactiveClient(this.adapter, this.botAppId, viaRef.serviceUrl);
    const memberId = member?.userId ?? user.aadObjectId;
    const created = await client.conversations.createConversation({
      isGroup: false,
      bot: viaRef.bot,
      members: [{ id: memberId, name: member?.name ?? '' }],
      tenantId: user.tenantId,
      channelData: { tenant: { id: user.tenantId } },
    } as ConversationParameters, { abortSignal: signal });
    const reference: ConversationReference = {
      channelId: 'msteams',
      serviceUrl: created.serviceUrl ?? viaRef.serviceUrl,
      bot: viaRef.bot,
      user: { id: memberId, name: member?.name ?? '', aadObjectId: user.aadObjectId } as ConversationReference['user'],
      conversation: { id: created.id, conversationType: 'personal', tenantId: user.tenantId, isGroup: false, name: '' } as ConversationReference['conversation'],
    };
    await this.store.conversations.save({ id: created.id, kind: 'personal', tenantId: user.tenantId, user, reference: JSON.parse(JSON.stringify(reference)), updatedAt: this.clock.now().toISOString() });
    const result = await client.conversations.sendToConversation(created.id, addressed(payload, reference, this.mode) as Activity, { abortSignal: signal });
    this.log.info('opened a personal chat for a proactive message');
    return { conversationId: created.id, activityId: result.id ?? '' };
  }
}

/**
 * Sent on its own, a text reaches a locked phone as a notification showing its first words, which
 * may name a citizen or a colleague. Such a text goes as a plain card instead: Teams then shows the
 * payload's neutral summary in notifications and the feed.
 */
function proactivePayload(payload: OutboxMessage['payload']): OutboxMessage['payload'] {
  if (payload.card || !payload.summary || !payload.text) return payload;
  return { card: renderCard('notice', { title: payload.summary, lines: payload.text.split('\n'), actions: [] }), summary: payload.summary };
}

/** What Teams receives for a message the bot sends on its own (before it is addressed): its card, text and summary. */
export function proactiveActivityOf(payload: OutboxMessage['payload'], mode: CardActionMode): Partial<Activity> {
  return activityOf(proactivePayload(payload), mode);
}

/** The payload as an activity addressed from the bot to the conversation in `reference`. */
function addressed(payload: OutboxMessage['payload'], reference: ConversationReference, mode: CardActionMode): Partial<Activity> {
  const activity = TurnContext.applyConversationReference(proactiveActivityOf(payload, mode), { ...reference, activityId: undefined });
  delete activity.replyToId;
  return activity;
}
