// Every Adaptive Card the bot sends during a test file, from the conversation harness (replies and
// invoke responses) and from the Bot Connector stand-in (proactive posts and updates). The setup
// file test/setup/cards.ts checks them when the file ends: every button's verb has a handler, and
// every card parses in the adaptivecards renderer with no warnings (Teams' Chart.* aside).
export interface RecordedCard {
  /** Where it was seen, for the message when one is wrong. */
  where: string;
  card: Record<string, unknown>;
}

export const recordedCards: RecordedCard[] = [];

const CARD = 'application/vnd.microsoft.card.adaptive';

/** Record the cards in an activity (attachments) or an invoke response (its body). */
export function recordCardsIn(where: string, activity: unknown): void {
  const a = activity as { type?: string; attachments?: { contentType?: string; content?: unknown }[]; value?: { body?: { type?: string; value?: unknown } } } | undefined;
  if (!a || typeof a !== 'object') return;
  for (const att of a.attachments ?? []) if (att?.contentType === CARD && att.content && typeof att.content === 'object') recordedCards.push({ where, card: att.content as Record<string, unknown> });
  const body = a.type === 'invokeResponse' ? a.value?.body : undefined;
  if (body?.type === CARD && body.value && typeof body.value === 'object') recordedCards.push({ where, card: body.value as Record<string, unknown> });
}

/**
 * What Teams builds a notification and the activity feed from: each message's `text` and
 * `summary`, from the conversation harness and the Bot Connector stand-in. test/setup/cards.ts
 * checks them when the file ends: no CPR number, no citizen's name typed in the file, no health word.
 */
export interface RecordedPreview {
  where: string;
  text?: string;
  summary?: string;
}

export const recordedPreviews: RecordedPreview[] = [];

/** Citizens' names typed into the bot during the test file (a form's `name` field). */
export const typedCitizenNames = new Set<string>();

export function recordPreviewIn(where: string, activity: unknown): void {
  const a = activity as { type?: string; text?: unknown; summary?: unknown } | undefined;
  if (!a || typeof a !== 'object' || (a.type !== undefined && a.type !== 'message')) return;
  const text = typeof a.text === 'string' ? a.text : undefined;
  const summary = typeof a.summary === 'string' ? a.summary : undefined;
  if (text || summary) recordedPreviews.push({ where, text, summary });
}
