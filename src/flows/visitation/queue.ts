// The visitators' queue: open referrals, oldest first: status, days waiting, where from, the
// citizen's age and the screening's proposal (what a visitator needs to choose a case; no name, no CPR).
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import type { QueueCardData } from '../../../cards/visitation/types.js';
import { t } from '../../i18n/index.js';
import { button } from '../shared/form.js';
import { personalOnlyLine } from '../shared/replies.js';
import type { Reply, Services, Turn , Verbs } from '../types.js';
import { dataOf } from '../../services/referrals.js';
import { queueFacts } from './details.js';
import { holderName, personalOnly, sourceLabel, statusLabel, visitationChannel, visitatorOnly } from './common.js';

async function queueCard(turn: Turn, services: Services): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const open = await services.store.referrals.listOpen();
  const channel = await visitationChannel(services);
  const now = services.clock.now().getTime();
  const referrals: QueueCardData['referrals'] = [];
  for (const r of open) {
    const d = dataOf(r);
    const days = Math.floor((now - Date.parse(r.createdAt)) / 86_400_000);
    const holder = await holderName(services, r);
    const parts = [statusLabel(L, r, holder), t(L, days === 1 ? 'visitation.queue.day' : 'visitation.queue.days', { count: days }), sourceLabel(L, r, services.rules.organisation), ...(await queueFacts(L, services, r)).map((f) => f.short)];
    if (!d.notified) parts.push(t(L, 'visitation.queue.notNotified'));
    referrals.push({ title: t(L, 'visitation.card.title', { caseNumber: r.caseNumber }), summary: parts.join(' · '), open: button(t(L, 'visitation.button.open'), 'referral.open', { rid: r.id }) });
  }
  return renderCard('visitation/queue', {
    title: t(L, 'visitation.queue.title', { count: open.length }),
    intro: t(L, 'visitation.queue.intro'),
    noChannel: channel ? '' : t(L, 'visitation.queue.noChannel'),
    empty: open.length ? '' : t(L, 'visitation.queue.empty'),
    referrals,
    actions: [button(t(L, 'common.showHelp'), 'help.show', {})],
  });
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
