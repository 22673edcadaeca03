// The help card, and what happens when someone picks a flow: the bot's front door. Each person sees
// what their roles allow; the server checks the same roles again when a button is pressed.
import { renderCard, type CardAction, type HelpCardData } from '../../cards/index.js';
import { can, rolesFor, type Permission, type Role } from '../domain/roles.js';
import { t, words, type Lang } from '../i18n/index.js';
import { recognise, type Command } from './commands.js';
import { FLOWS, type FlowId, type Reply, type Turn } from './types.js';

const PERMISSION: Record<FlowId, Permission> = { screening: 'screening', refer: 'refer', queue: 'queue', visits: 'visits' };

export const backToHelp = (turn: Turn): CardAction => ({ kind: 'execute', title: t(turn.lang, 'common.back'), verb: 'help.show', data: {} });

export function roleNames(lang: Lang, roles: readonly Role[]): string {
  return roles.map((r) => t(lang, `role.${r}`)).join(', ');
}

function requiresText(turn: Turn, permission: Permission): string {
  return t(turn.lang, 'help.requires', { roles: roleNames(turn.lang, rolesFor(permission)) });
}

export function helpReply(turn: Turn): Reply & { kind: 'card' } {
  const shared = turn.scope !== 'personal';
  const flows: HelpCardData['flows'] = FLOWS.map((id) => ({
    id,
    title: t(turn.lang, `flow.${id}.title`),
    description: t(turn.lang, `flow.${id}.description`),
    button: t(turn.lang, `flow.${id}.button`),
    verb: 'flow.open',
    data: { flow: id },
    allowed: can(turn.roles, PERMISSION[id]),
    requires: requiresText(turn, PERMISSION[id]),
  }));
  // In a team channel, visitators can make it the channel where referral cards appear.
  if (turn.scope === 'channel' && can(turn.roles, 'queue')) {
    flows.push({
      id: 'queue',
      title: t(turn.lang, 'visitation.channel.title'),
      description: t(turn.lang, 'visitation.channel.description'),
      button: t(turn.lang, 'visitation.channel.button'),
      verb: 'visitation.setChannel',
      data: {},
      allowed: true,
      requires: '',
    });
  }
  if (!shared && can(turn.roles, 'roles')) {
    for (const [id, verb] of [['roles', 'roles.start'], ['auditTrail', 'audit.start']] as const) {
      flows.push({
        id,
        title: t(turn.lang, `flow.${id}.title`),
        description: t(turn.lang, `flow.${id}.description`),
        button: t(turn.lang, `flow.${id}.button`),
        verb,
        data: {},
        allowed: true,
        requires: '',
      });
    }
  }
  const notices = [turn.localMode ? t(turn.lang, 'help.localMode') : '', turn.openMode ? t(turn.lang, 'help.openMode') : ''].filter(Boolean);
  const card = renderCard('help', {
    title: t(turn.lang, 'help.title'),
    intro: t(turn.lang, shared ? 'help.introShared' : 'help.intro'),
    notice: notices.join(' '),
    rolesLine: shared ? '' : t(turn.lang, 'help.yourRoles', { roles: roleNames(turn.lang, turn.roles) }),
    commandsHint: t(turn.lang, 'help.commandsHint'),
    flows,
  });
  return { kind: 'card', card, summary: t(turn.lang, 'summary.help') };
}

function personalChatLink(turn: Turn): string | undefined {
  return turn.botId ? `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(turn.botId)}` : undefined;
}

export function notice(turn: Turn, titleKey: string, lines: string[], actions: CardAction[] = [backToHelp(turn)]): Reply & { kind: 'card' } {
  const title = t(turn.lang, titleKey);
  return { kind: 'card', card: renderCard('notice', { title, lines, actions }), summary: title };
}

/** Health and citizens' data never go to a shared conversation: lead to the personal chat instead. */
export function personalOnlyReply(turn: Turn, what: string): Reply & { kind: 'card' } {
  const link = personalChatLink(turn);
  const actions: CardAction[] = [backToHelp(turn)];
  if (link) actions.unshift({ kind: 'url', title: t(turn.lang, 'flow.personalOnly.button'), url: link });
  return notice(turn, 'personalOnly.title', [t(turn.lang, 'personalOnly.text', { flow: what }), t(turn.lang, 'personalOnly.howTo')], actions);
}

export function notAllowedReply(turn: Turn, what: string, permission: Permission): Reply & { kind: 'card' } {
  return notice(turn, 'notAllowed.title', [t(turn.lang, 'notAllowed.text', { flow: what, roles: roleNames(turn.lang, rolesFor(permission)) })]);
}

/** Why a flow picked on the help card cannot open here (a shared conversation, a missing role), if it cannot. */
export function flowRefusal(turn: Turn, flow: FlowId): (Reply & { kind: 'card' }) | undefined {
  const flowName = t(turn.lang, `flow.${flow}.title`);
  if (turn.scope !== 'personal') return personalOnlyReply(turn, flowName);
  if (!can(turn.roles, PERMISSION[flow])) return notAllowedReply(turn, flowName, PERMISSION[flow]);
  return undefined;
}

/** A card whose button payload we cannot use (old, changed or forged): say so and show help again. */
export function staleCardReply(turn: Turn): Reply & { kind: 'card' } {
  return notice(turn, 'stale.title', [t(turn.lang, 'stale.text')], [{ kind: 'execute', title: t(turn.lang, 'common.showHelp'), verb: 'help.show', data: {} }]);
}

/** One line for a personal-data command typed in a channel or group chat. */
export function personalOnlyLine(turn: Turn, command: Command): Reply {
  const first = words(turn.lang, `commands.${command}`)[0] ?? command;
  return { kind: 'text', text: t(turn.lang, 'personalOnly.line', { command: first }) };
}

/** Free text for the flows help knows: a flow name, or the help card for anything not understood. */
export function onText(turn: Turn, text: string | undefined): Reply[] {
  const command = recognise(text);
  return [helpReply(turn)];
}
