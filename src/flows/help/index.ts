// The help card, and what happens when someone picks a flow: the bot's front door. Each person sees
// what their roles allow; the server checks the same roles again when a button is pressed.
import { renderCard, type HelpCardData } from '../../../cards/index.js';
import { notAllowedReply, personalOnlyReply, requiresText, roleNames } from '../shared/replies.js';
import { can, type Permission } from '../../domain/roles.js';
import { t } from '../../i18n/index.js';
import { FLOWS, type FlowId, type Reply, type Turn } from '../types.js';

const PERMISSION: Record<FlowId, Permission> = { screening: 'screening', refer: 'refer', queue: 'queue', visits: 'visits' };

export function helpReply(turn: Turn, options: { notUnderstood?: boolean } = {}): Reply & { kind: 'card' } {
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
  if (!shared && can(turn.roles, 'accessRequest')) {
    flows.push({ id: 'accessRequest', title: t(turn.lang, 'flow.accessRequest.title'), description: t(turn.lang, 'flow.accessRequest.description'), button: t(turn.lang, 'flow.accessRequest.button'), verb: 'accessRequest.start', data: {}, allowed: true, requires: '' });
  }
  if (!shared && can(turn.roles, 'erasure')) {
    flows.push({ id: 'erasure', title: t(turn.lang, 'flow.erasure.title'), description: t(turn.lang, 'flow.erasure.description'), button: t(turn.lang, 'flow.erasure.button'), verb: 'erasure.start', data: {}, allowed: true, requires: '' });
  }
  if (!shared && can(turn.roles, 'assign')) {
    flows.push({ id: 'assign', title: t(turn.lang, 'flow.assign.title'), description: t(turn.lang, 'flow.assign.description'), button: t(turn.lang, 'flow.assign.button'), verb: 'visits.assignStart', data: {}, allowed: true, requires: '' });
  }
  // The figures: a manager's key figures, a centre's counting week.
  for (const [id, verb, permission] of [['stats', 'visits.stats', 'statistics'], ['countingWeek', 'figures.countStart', 'countingWeek']] as const) {
    if (!shared && can(turn.roles, permission)) {
      flows.push({ id, title: t(turn.lang, `flow.${id}.title`), description: t(turn.lang, `flow.${id}.description`), button: t(turn.lang, `flow.${id}.button`), verb, data: {}, allowed: true, requires: '' });
    }
  }
  // Everyone may choose the language the bot writes to them in.
  if (!shared) {
    flows.push({
      id: 'language',
      title: t(turn.lang, 'flow.language.title'),
      description: t(turn.lang, 'flow.language.description'),
      button: t(turn.lang, 'flow.language.button'),
      verb: 'language.show',
      data: {},
      allowed: true,
      requires: '',
    });
  }
  const notices = [turn.localMode ? t(turn.lang, 'help.localMode') : '', turn.openMode ? t(turn.lang, 'help.openMode') : ''].filter(Boolean);
  const card = renderCard('help', {
    notUnderstood: options.notUnderstood ? t(turn.lang, 'help.notUnderstood') : '',
    title: t(turn.lang, 'help.title'),
    intro: t(turn.lang, shared ? 'help.introShared' : 'help.intro'),
    notice: notices.join(' '),
    rolesLine: shared ? '' : t(turn.lang, 'help.yourRoles', { roles: roleNames(turn.lang, turn.roles) }),
    commandsHint: t(turn.lang, 'help.commandsHint'),
    flows,
  });
  return { kind: 'card', card, summary: t(turn.lang, 'summary.help') };
}

/** Why a flow picked on the help card cannot open here (a shared conversation, a missing role), if it cannot. */
export function flowRefusal(turn: Turn, flow: FlowId): (Reply & { kind: 'card' }) | undefined {
  const flowName = t(turn.lang, `flow.${flow}.title`);
  if (turn.scope !== 'personal') return personalOnlyReply(turn, flowName);
  if (!can(turn.roles, PERMISSION[flow])) return notAllowedReply(turn, flowName, PERMISSION[flow]);
  return undefined;
}

/** "hjælp" (or a message with no text): the help card. */
export const helpCommand = async (turn: Turn): Promise<Reply[]> => [helpReply(turn)];

/** Text that names no command: said so (without repeating it: it may hold a CPR number), then the help card. */
export const notUnderstoodCommand = async (turn: Turn): Promise<Reply[]> => [helpReply(turn, { notUnderstood: true })];
