// How card buttons travel: Action.Execute (Universal Actions: an invoke, the card answered in the
// HTTP response, per-user views through refresh.userIds) or Action.Submit (a message with the
// inputs as its value; the bot updates the card in place through the message's replyToId). Teams on
// iOS and Android has an open defect where Action.Execute buttons do nothing
// (MicrosoftDocs/msteams-docs#13924), and one chat shows on a person's desktop and tablet alike, so
// the choice is made for all cards (CARD_ACTIONS). Flows always describe buttons by verb and data;
// this is the one place that turns them into what the client gets.
import { z } from 'zod';

export type CardActionMode = 'execute' | 'submit';

/** The key an Action.Submit button's verb travels under, beside the button's data and the inputs. */
export const SUBMIT_VERB_KEY = 'verb';

/** The card as the client should get it in `mode` (a copy; the flow's card is left as it is). */
export function forClient<T>(card: T, mode: CardActionMode): T {
  if (mode === 'execute') return card;
  const convert = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(convert);
    if (!node || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute' && typeof o.verb === 'string') {
      const { verb, data, type: _type, ...rest } = o;
      return { ...rest, type: 'Action.Submit', data: { ...((data as Record<string, unknown>) ?? {}), [SUBMIT_VERB_KEY]: verb } };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      // Per-user views need Universal Actions: with Action.Submit everyone sees the shared card.
      if (k === 'refresh' && o.type === 'AdaptiveCard') continue;
      out[k] = convert(v);
    }
    return out;
  };
  return convert(card) as T;
}

/** What an Action.Submit press carries: our verb, and the button's data with the inputs. */
const SubmitValue = z.record(z.unknown()).refine((v) => typeof v[SUBMIT_VERB_KEY] === 'string' && (v[SUBMIT_VERB_KEY] as string).length <= 100);

/** A message's value as a press of one of our buttons, or undefined (an old card, or not ours). */
export function submittedPress(value: unknown): { verb: string; data: Record<string, unknown> } | undefined {
  const parsed = SubmitValue.safeParse(value);
  if (!parsed.success) return undefined;
  const { [SUBMIT_VERB_KEY]: verb, ...data } = parsed.data;
  return { verb: verb as string, data };
}
