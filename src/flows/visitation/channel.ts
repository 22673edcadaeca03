// Setting the visitators' channel; referrals that waited for one get their card then.
import { can } from '../../domain/roles.js';
import { t } from '../../i18n/index.js';
import { backToHelp, notice } from '../shared/replies.js';
import type { Reply, Services, Turn , Verbs } from '../types.js';
import { dataOf, type ChannelSetting } from '../../services/referrals.js';
import { announce } from './channelCard.js';

export async function setChannelCommand(turn: Turn, services: Services): Promise<Reply[]> {
  return [{ kind: 'text', text: await setChannel(turn, services) }];
}

/** Make the conversation the turn came from the visitators' channel; the answer in words. */
async function setChannel(turn: Turn, services: Services): Promise<string> {
  const L = turn.lang;
  if (turn.scope !== 'channel') return t(L, 'visitation.channel.onlyInChannel');
  if (!can(turn.roles, 'queue')) return t(L, 'visitation.channel.onlyVisitators');
  const setting: ChannelSetting = { conversationId: turn.conversationId, tenantId: turn.tenantId, setBy: turn.staff, at: services.clock.now().toISOString() };
  await services.store.settings.set('visitationChannel', setting);
  services.log.info('visitation channel set', { by: turn.staff.aadObjectId });
  // Referrals that waited for a channel get their card now; counted only if a card is on its way.
  let announced = 0;
  for (const r of await services.store.referrals.listOpen()) {
    if (!dataOf(r).notified && (await announce(services, r))?.status === 'pending') announced++;
  }
  return t(L, announced ? 'visitation.channel.setWithWaiting' : 'visitation.channel.set', { count: announced });
}

export const channelVerbs = {
  'visitation.setChannel': async (turn, services) => {
    const said = await setChannel(turn, services);
    return { card: notice(turn, 'visitation.channel.title', [said], [backToHelp(turn)]).card };
  },
} satisfies Verbs;
