// The visitators' queue: open referrals, oldest first, with age and status.
import { renderCard, type AdaptiveCardJson, type FormField } from '../../../cards/index.js';
import { t } from '../../i18n/index.js';
import { button, info, item } from '../shared/form.js';
import { personalOnlyLine } from '../shared/replies.js';
import type { Reply, Services, Turn , Verbs } from '../types.js';
import { dataOf } from '../../services/referrals.js';
import { holderName, personalOnly, sourceLabel, statusLabel, visitationChannel, visitatorOnly } from './common.js';

async function queueCard(turn: Turn, services: Services): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const open = await services.store.referrals.listOpen();
  const fields: FormField[] = [];
  const channel = await visitationChannel(services);
  if (!channel) fields.push(info(t(L, 'visitation.queue.noChannel'), 'Warning'));
  if (!open.length) fields.push(info(t(L, 'visitation.queue.empty')));
  const now = services.clock.now().getTime();
  for (const r of open) {
    const d = dataOf(r);
    const days = Math.floor((now - Date.parse(r.createdAt)) / 86_400_000);
    const holder = await holderName(services, r);
    const parts = [statusLabel(L, r, holder), t(L, days === 1 ? 'visitation.queue.day' : 'visitation.queue.days', { count: days }), sourceLabel(L, r)];
    if (!d.notified) parts.push(t(L, 'visitation.queue.notNotified'));
    fields.push(item(t(L, 'visitation.card.title', { caseNumber: r.caseNumber }), parts.join(' · '), { title: t(L, 'visitation.button.open'), verb: 'referral.open', data: { rid: r.id } }));
  }
  return renderCard('form', { stepLabel: '', title: t(L, 'visitation.queue.title', { count: open.length }), intro: [t(L, 'visitation.queue.intro')], fields, actions: [button(t(L, 'common.showHelp'), 'help.show', {})] });
}

export async function queueCommand(turn: Turn, services: Services): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'queue')];
  const refused = visitatorOnly(turn);
  const card = refused?.card ?? (await queueCard(turn, services));
  return [{ kind: 'card', card, summary: t(turn.lang, 'flow.queue.title') }];
}

export const queueVerbs = {
  'queue.show': async (turn, services) => personalOnly(turn) ?? visitatorOnly(turn) ?? { card: await queueCard(turn, services) },
} satisfies Verbs;
