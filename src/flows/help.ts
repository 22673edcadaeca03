// The help card, and what happens when someone picks a flow: the bot's front door.
import { renderCard, type CardAction } from '../../cards/index.js';
import { t, words } from '../i18n/index.js';
import { recognise } from './commands.js';
import { FLOWS, type FlowId, type Reply, type Turn } from './types.js';

/** Flows that are built; the rest say plainly that they are not ready yet. */
const BUILT = new Set<FlowId>();

const backToHelp = (turn: Turn): CardAction => ({ kind: 'execute', title: t(turn.lang, 'common.back'), verb: 'help.show', data: {} });

export function helpReply(turn: Turn): Reply & { kind: 'card' } {
  const shared = turn.scope !== 'personal';
  const card = renderCard('help', {
    title: t(turn.lang, 'help.title'),
    intro: t(turn.lang, shared ? 'help.introShared' : 'help.intro'),
    notice: turn.localMode ? t(turn.lang, 'help.localMode') : '',
    commandsHint: t(turn.lang, 'help.commandsHint'),
    flows: FLOWS.map((id) => ({
      id,
      title: t(turn.lang, `flow.${id}.title`),
      description: t(turn.lang, `flow.${id}.description`),
      button: t(turn.lang, `flow.${id}.button`),
    })),
  });
  return { kind: 'card', card, summary: t(turn.lang, 'summary.help') };
}

function personalChatLink(turn: Turn): string | undefined {
  return turn.botId ? `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(turn.botId)}` : undefined;
}

/** A flow picked on the help card (or by name) in the conversation the turn came from. */
export function openFlow(turn: Turn, flow: FlowId): Reply & { kind: 'card' } {
  const flowName = t(turn.lang, `flow.${flow}.title`);
  if (turn.scope !== 'personal') {
    const link = personalChatLink(turn);
    const actions: CardAction[] = [backToHelp(turn)];
    if (link) actions.unshift({ kind: 'url', title: t(turn.lang, 'flow.personalOnly.button'), url: link });
    const card = renderCard('notice', {
      title: t(turn.lang, 'personalOnly.title'),
      lines: [t(turn.lang, 'personalOnly.text', { flow: flowName }), t(turn.lang, 'personalOnly.howTo')],
      actions,
    });
    return { kind: 'card', card, summary: t(turn.lang, 'personalOnly.title') };
  }
  if (!BUILT.has(flow)) {
    const card = renderCard('notice', {
      title: t(turn.lang, 'notBuilt.title'),
      lines: [t(turn.lang, 'notBuilt.text', { flow: flowName })],
      actions: [backToHelp(turn)],
    });
    return { kind: 'card', card, summary: t(turn.lang, 'notBuilt.title') };
  }
  throw new Error(`Flow ${flow} is marked built but has no handler`);
}

/** A card whose button payload we cannot use (old, changed or forged): say so and show help again. */
export function staleCardReply(turn: Turn): Reply & { kind: 'card' } {
  const card = renderCard('notice', {
    title: t(turn.lang, 'stale.title'),
    lines: [t(turn.lang, 'stale.text')],
    actions: [{ kind: 'execute', title: t(turn.lang, 'common.showHelp'), verb: 'help.show', data: {} }],
  });
  return { kind: 'card', card, summary: t(turn.lang, 'stale.title') };
}

/** Free text: a known command, or the help card for anything the bot does not understand. */
export function onText(turn: Turn, text: string | undefined): Reply[] {
  const command = recognise(text);
  if (!command || command === 'help') return [helpReply(turn)];
  if (turn.scope !== 'personal') {
    const command0 = words(turn.lang, `commands.${command}`)[0] ?? command;
    return [{ kind: 'text', text: t(turn.lang, 'personalOnly.line', { command: command0 }) }];
  }
  return [openFlow(turn, command)];
}
