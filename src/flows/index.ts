// The routing table: every flow's text commands and card verbs, merged in one place. The Teams
// layer asks it what answers a command or a verb; nothing else routes. A verb without a handler,
// or a handler for a verb nobody knows, does not compile (src/flows/verbs.ts).
import { accessRequestFlow } from './accessRequest/index.js';
import { erasureFlow } from './erasure/index.js';
import { auditTrailFlow } from './auditTrail/index.js';
import { flowRefusal, helpCommand, helpReply, notUnderstoodCommand } from './help/index.js';
import { languageFlow } from './language/index.js';
import { rolesFlow } from './roles/index.js';
import { screeningFlow } from './screening/index.js';
import { recognise, type Command } from './shared/commands.js';
import { staleCardReply } from './shared/replies.js';
import { FLOWS, type ExecuteResult, type FlowId, type Services, type TextHandler, type Turn, type VerbHandler, type Verbs } from './types.js';
import { withBanner } from '../../cards/index.js';
import { can } from '../domain/roles.js';
import { t } from '../i18n/index.js';
import type { ConflictError } from '../store/errors.js';
import type { Verb } from './verbs.js';
import { visitationFlow } from './visitation/index.js';
import { visitsFlow } from './visits/index.js';
import { figuresFlow } from './figures/index.js';

/** The first card of each flow on the help card. */
const FIRST_STEP: Record<FlowId, Verb> = {
  screening: 'screening.start',
  refer: 'referral.form',
  queue: 'queue.show',
  visits: 'visits.mine',
};

const helpVerbs = {
  'help.show': async (turn) => ({ card: helpReply(turn).card }),
  'flow.open': async (turn, services, data): Promise<ExecuteResult> => {
    const flow = (FLOWS as readonly unknown[]).includes(data.flow) ? (data.flow as FlowId) : undefined;
    if (!flow) return { card: staleCardReply(turn).card };
    const refused = flowRefusal(turn, flow);
    return refused ? { card: refused.card } : (VERB_HANDLERS as Record<Verb, VerbHandler>)[FIRST_STEP[flow]](turn, services, {});
  },
} satisfies Verbs;

/** Every card button the bot answers, by verb: exactly the verbs of src/flows/verbs.ts. */
export const VERB_HANDLERS = {
  ...helpVerbs,
  ...screeningFlow.verbs,
  ...visitationFlow.verbs,
  ...visitsFlow.verbs,
  ...figuresFlow.verbs,
  ...rolesFlow.verbs,
  ...auditTrailFlow.verbs,
  ...accessRequestFlow.verbs,
  ...erasureFlow.verbs,
  ...languageFlow.verbs,
} satisfies Record<Verb, VerbHandler>;

/** Every typed command the bot understands (words in src/i18n: commands.<command>). */
export const COMMAND_HANDLERS = {
  help: helpCommand,
  ...screeningFlow.commands,
  ...visitationFlow.commands,
  ...visitsFlow.commands,
  ...figuresFlow.commands,
  ...rolesFlow.commands,
  ...auditTrailFlow.commands,
  ...accessRequestFlow.commands,
  ...erasureFlow.commands,
  ...languageFlow.commands,
} satisfies Record<Command, TextHandler>;

/**
 * Someone else changed what this turn was changing (another visitator, another instance of the
 * bot): nothing of the turn was saved. The person gets the card of what they were working on as it
 * is now, with a line that says so, and can do it again from there.
 */
export async function conflictAnswer(turn: Turn, services: Services, conflict: ConflictError): Promise<ExecuteResult> {
  const current = (conflict.current ?? {}) as { citizenId?: unknown };
  const view: [Verb, Record<string, unknown>] =
    conflict.collection === 'referrals'
      ? // In a channel, the shared case card (no details sent anywhere); in the personal chat, the details.
        [turn.scope === 'personal' ? 'referral.open' : 'referral.refresh', { rid: conflict.id }]
      : conflict.collection === 'screenings'
        ? ['screening.start', {}]
        : conflict.collection === 'attachments' && typeof current.citizenId === 'string'
          ? ['visits.citizen', { citizenId: current.citizenId }]
          : conflict.collection === 'visits' || conflict.collection === 'coordinations' || conflict.collection === 'attachments'
            ? ['visits.week', {}]
            : conflict.collection === 'staff'
              ? [can(turn.roles, 'roles') ? 'roles.start' : 'language.show', {}]
              : ['help.show', {}];
  const result = await VERB_HANDLERS[view[0]](turn, services, view[1]);
  return { card: withBanner(result.card, t(turn.lang, 'conflict.text')) };
}

/** The handler of a verb a card sent, if it is one of ours. */
export function verbHandler(verb: string): VerbHandler | undefined {
  return Object.hasOwn(VERB_HANDLERS, verb) ? VERB_HANDLERS[verb as Verb] : undefined;
}

/** What answers typed text: the command it names, or the help card (saying it was not understood). */
export function textHandler(text: string | undefined): TextHandler {
  const command = recognise(text);
  if (command) return COMMAND_HANDLERS[command];
  return text?.trim() ? notUnderstoodCommand : helpCommand;
}

export { listenForReferralCards, remindFollowUps } from './visitation/index.js';
