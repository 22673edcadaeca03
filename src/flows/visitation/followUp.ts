// Follow-ups: the yearly status and the end of a home course, reminded when due; the result recorded.
import { renderCard } from '../../../cards/index.js';
import { FOLLOW_UP_RESULTS, type FollowUpResult } from '../../domain/faellesSprog.js';
import { t } from '../../i18n/index.js';
import { button } from '../shared/form.js';
import type { Services , Verbs } from '../types.js';
import { dataOf, withData } from '../../services/referrals.js';
import type { Outbox } from '../../services/outbox.js';
import { isConflict, sameStaff } from '../../store/index.js';
import { actorOf, audit, mutate, personalOnly, refusedAnswer, str, visitatorOnly, withReferral } from './common.js';
import { detailsCard } from './details.js';

/** Follow-ups that have come due: remind the centre and the visitator once each (called periodically). */
export async function remindFollowUps(services: Services): Promise<number> {
  if (!services.outbox) return 0;
  let sent = 0;
  for (const due of await services.store.referrals.followUpsDue(services.clock.now())) {
    // Each reminder is one transaction: both messages and the mark that it was sent, or none. Another
    // instance reminding the same referral at the same moment wins the race; this one lets it be.
    try {
      if (await services.store.transaction(() => remind(services as Services & { outbox: Outbox }, due.id))) sent++;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  return sent;
}

async function remind(services: Services & { outbox: Outbox }, id: string): Promise<boolean> {
  const r = await services.store.referrals.get(id);
  if (!r?.followUpDueAt) return false;
  const d = dataOf(r);
  if (!d.followUp || d.followUp.remindedAt || d.followUp.result) {
    await services.store.referrals.save({ ...r, followUpDueAt: undefined });
    return false;
  }
  const kind = d.followUp.kind;
  const rid = r.id;
  const visitator = r.holder ?? d.decision?.decidedBy;
  if (visitator) {
    const card = renderCard('visitation/followUp', {
      caseTitle: t('da', 'visitation.card.title', { caseNumber: r.caseNumber }),
      title: t('da', `visitation.followUp.${kind}`),
      intro: t('da', 'visitation.followUp.intro'),
      actions: FOLLOW_UP_RESULTS.map((result) => button(t('da', `visitation.followUp.${result}`), 'referral.followUp', { rid, result })),
    });
    await services.outbox.enqueue({ citizenId: r.citizenId, idempotencyKey: `followup:${rid}:${d.followUp.dueAt}:visitator`, target: { kind: 'user', user: visitator }, payload: { card, summary: t('da', 'visitation.followUp.preview') } });
  }
  await services.outbox.enqueue({
    citizenId: r.citizenId,
    idempotencyKey: `followup:${rid}:${d.followUp.dueAt}:centre`,
    target: { kind: 'user', user: r.source.by },
    payload: { text: t('da', `visitation.followUp.centre.${kind}`, { caseNumber: r.caseNumber }), summary: t('da', 'visitation.followUp.preview') },
  });
  // Reminded: off the list of due follow-ups (the answer is still welcome).
  await mutate(services, rid, (x, xd) => withData({ ...x, followUpDueAt: undefined }, { ...xd, followUp: { ...xd.followUp!, remindedAt: services.clock.now().toISOString() } }));
  return true;
}

export const followUpVerbs = {
  'referral.followUp': withReferral(async (turn, services, { referral }, data) => {
    const refused = personalOnly(turn) ?? visitatorOnly(turn);
    if (refused) return refused;
    // The visitator who holds or decided this case; nobody else, whatever else she has to do with the citizen.
    if (!(sameStaff(referral.holder, turn.staff) || sameStaff(dataOf(referral).decision?.decidedBy, turn.staff))) return refusedAnswer(turn, services, referral, t('da', 'visitation.followUp.noRelation'));
    const result = str(data.result);
    if (!(FOLLOW_UP_RESULTS as readonly string[]).includes(result) || !dataOf(referral).followUp) return refusedAnswer(turn, services, referral, t('da', 'visitation.followUp.pick'));
    const saved = await mutate(services, referral.id, (r, d) => {
      const at = services.clock.now().toISOString();
      d.followUp = { ...d.followUp!, result: result as FollowUpResult, resultAt: at };
      d.history.push({ at, by: turn.staff, byName: turn.user.name ?? '', action: `followUp:${result}` });
      return withData({ ...r, status: result === 'E3' ? 'closed' : r.status, followUpDueAt: undefined }, d);
    });
    await audit(services, actorOf(turn), referral.citizenId, 'update', t('da', 'audit.visitation.followUp', { caseNumber: referral.caseNumber, result }));
    return { card: await detailsCard(turn, services, saved!, t(turn.lang, 'visitation.followUp.saved', { result: t(turn.lang, `visitation.followUp.${result}`) })) };
  }),
} satisfies Verbs;
