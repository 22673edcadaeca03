// Bot Framework activities as Teams sends them, for conversation and HTTP tests.
import { randomUUID } from 'node:crypto';
import { typedCitizenNames } from './cardRecorder.js';

export const TENANT = '11111111-1111-4111-8111-111111111111';
export const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';
export const BOT = { id: '28:bot', name: 'Aktiv Assistent' };

export interface Who {
  id: string;
  name: string;
  aadObjectId: string;
}

export const ALEX: Who = { id: '29:alex', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-000000000020' };
export const MEGAN: Who = { id: '29:megan', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-000000000021' };

export type ConversationType = 'personal' | 'groupChat' | 'channel';

export interface Where {
  serviceUrl: string;
  conversationType?: ConversationType;
  conversationId?: string;
  tenantId?: string;
  locale?: string;
  from?: Who;
}

function base(where: Where) {
  const conversationType = where.conversationType ?? 'personal';
  const tenantId = where.tenantId ?? TENANT;
  const from = where.from ?? ALEX;
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: where.serviceUrl,
    timestamp: new Date().toISOString(),
    from,
    recipient: BOT,
    conversation: {
      id: where.conversationId ?? `${conversationType}-${from.id}`,
      conversationType,
      tenantId,
      ...(conversationType !== 'personal' ? { isGroup: true } : {}),
    },
    channelData: { tenant: { id: tenantId }, ...(conversationType === 'channel' ? { channel: { id: '19:general@thread.tacv2' }, team: { id: '19:team@thread.tacv2' } } : {}) },
    ...(where.locale ? { locale: where.locale } : {}),
  };
}

export function message(text: string, where: Where) {
  return { ...base(where), type: 'message', text, textFormat: 'plain' };
}

/** A citizen's name typed into a form (its `name` field) is remembered for the preview check (test/setup/cards.ts). */
function noteTypedName(data: Record<string, unknown>): void {
  if (typeof data.name === 'string' && data.name.trim().length > 2) typedCitizenNames.add(data.name.trim());
}

export function execute(verb: string, data: Record<string, unknown>, where: Where & { replyToId?: string }) {
  noteTypedName(data);
  return {
    ...base(where),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: where.replyToId ?? 'card-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/**
 * An Action.Submit press as Teams sends it: a message with no text whose value is the button's data
 * (with its verb) plus the card's inputs, replying to the card's activity.
 */
export function submitted(verb: string, data: Record<string, unknown>, where: Where & { replyToId?: string }) {
  noteTypedName(data);
  return { ...base(where), type: 'message', value: { ...data, verb }, replyToId: where.replyToId ?? 'card-1' };
}

/** The answer to a file consent card, as Teams sends it (fileConsent/invoke). */
export function fileConsent(action: 'accept' | 'decline', fileId: unknown, uploadInfo: Record<string, unknown> | undefined, where: Where) {
  return { ...base(where), type: 'invoke', name: 'fileConsent/invoke', value: { type: 'fileUpload', action, context: { fileId }, ...(uploadInfo ? { uploadInfo } : {}) } };
}

export function botAdded(where: Where) {
  return { ...base(where), type: 'conversationUpdate', membersAdded: [{ id: BOT.id }] };
}
