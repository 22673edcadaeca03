// Acting on a referral: open (details in a personal chat), take (one visitator wins), refuse with a
// reason, hand over to a colleague.
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import { countCase } from '../shared/figures.js';
import { readFields } from '../shared/inputs.js';
import { can } from '../../domain/roles.js';
import { t } from '../../i18n/index.js';
import type { Referral, StaffKey } from '../../store/index.js';
import { tellStaff } from '../shared/tell.js';
import { sameStaff } from '../../store/index.js';
import { button } from '../shared/form.js';
import type { Services, Turn , Verbs } from '../types.js';
import { withData } from '../../services/referrals.js';
import { channelCard, refreshChannelCard } from './channelCard.js';
import { actorOf, answer, audit, holderName, mutate, personalOnly, refusedAnswer, str, tell, viaPersonalChat, visitatorOnly, withReferral, channelView } from './common.js';
import { detailsCard } from './details.js';

function refuseForm(turn: Turn, referral: Referral, value = '', error = ''): AdaptiveCardJson {
  const L = turn.scope === 'personal' ? turn.lang : 'da';
  return renderCard('visitation/refuse', {
    caseTitle: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    title: t(L, 'visitation.refuse.title'),
    intro: t(L, 'visitation.refuse.intro'),
    reason: { label: t(L, 'visitation.refuse.reason'), value, error },
    actions: [button(t(L, 'visitation.button.refuse'), 'referral.refuse', { rid: referral.id }, 'destructive'), button(t(L, 'visitation.refuse.keep'), turn.scope === 'personal' ? 'referral.open' : 'referral.refresh', { rid: referral.id })],
  });
}

async function handoverForm(turn: Turn, services: Services, referral: Referral, error = ''): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const people = [];
  for (const m of await services.directory.list(turn.staff.tenantId)) {
    if (!sameStaff(m, turn.staff) && can(await services.directory.rolesOf(m), 'queue')) people.push({ title: m.name || m.aadObjectId, value: m.aadObjectId });
  }
  return renderCard('visitation/handover', {
    caseTitle: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    title: t(L, 'visitation.handover.title'),
    intro: t(L, people.length ? 'visitation.handover.intro' : 'visitation.handover.nobody'),
    // With nobody to pick there is no list, and so no error under it.
    to: { label: t(L, 'visitation.handover.to'), value: '', error, placeholder: t(L, 'screening.select'), choices: people },
    actions: [...(people.length ? [button(t(L, 'visitation.handover.submit'), 'referral.handover', { rid: referral.id }, 'positive')] : []), button(t(L, 'common.back'), 'referral.open', { rid: referral.id })],
  });
}

/** The new holder is told with a card: the case opens, or the queue, with one press (no typing). */
async function tellHandedOver(services: Services, to: StaffKey, referral: Referral, byName: string): Promise<void> {
  const L = await services.directory.languageOf(to);
  const card = renderCard('notice', {
    title: t(L, 'visitation.told.handedOverTitle', { caseNumber: referral.caseNumber }),
    lines: [t(L, 'visitation.told.handedOver', { caseNumber: referral.caseNumber, name: byName })],
    actions: [
      { kind: 'execute', title: t(L, 'visitation.told.openCase'), verb: 'referral.open', data: { rid: referral.id } },
      { kind: 'execute', title: t(L, 'visitation.button.queue'), verb: 'queue.show', data: {} },
    ],
  });
  await tellStaff(services, to, { card, summary: t(L, 'visitation.preview.news') }, `told-handover:${referral.id}:${referral.version}`, { citizenId: referral.citizenId });
}

export const takeVerbs = {
  'referral.refresh': withReferral(async (turn, services, { referral }) => ({ card: await channelCard(services, referral, channelView(turn, services).viewer) })),

  'referral.open': withReferral(async (turn, services, { referral }) => {
    // Visitators, and the centre staff member who referred (to add a pre-triage): access follows need.
    const referrer = turn.scope === 'personal' && can(turn.roles, 'screening') && sameStaff(referral.source.by, turn.staff);
    if (!can(turn.roles, 'queue') && !referrer) return visitatorOnly(turn)!;
    if (turn.scope === 'personal') return { card: await detailsCard(turn, services, referral) };
    // Pressed in the channel: the details go to the presser's personal chat, never to the channel.
    await services.outbox?.enqueue({
      citizenId: referral.citizenId,
      idempotencyKey: `referral-open:${referral.id}:${turn.staff.aadObjectId}:${services.clock.now().toISOString()}`,
      target: { kind: 'user', user: turn.staff },
      payload: { card: await detailsCard(turn, services, referral), summary: t(turn.lang, 'visitation.card.title', { caseNumber: referral.caseNumber }) },
    });
    const view = channelView(turn, services, t('da', 'visitation.openedInPersonal'));
    return { card: await channelCard(services, referral, view.viewer, view.note) };
  }),

  'referral.take': withReferral(async (turn, services, { referral }) => {
    const refused = visitatorOnly(turn);
    if (refused) return refused;
    let lost: Referral | undefined;
    const saved = await mutate(services, referral.id, (r, d) => {
      if (r.status !== 'new') {
        lost = r;
        return undefined;
      }
      d.history.push({ at: services.clock.now().toISOString(), by: turn.staff, byName: turn.user.name ?? '', action: 'taken' });
      return withData({ ...r, status: 'taken', holder: turn.staff }, d);
    });
    if (lost || !saved) {
      const current = lost ?? referral;
      const who = await holderName(services, current);
      const note = current.status === 'taken' ? t('da', 'visitation.alreadyTaken', { name: who }) : t('da', 'visitation.notNew');
      return refusedAnswer(turn, services, current, note);
    }
    await audit(services, actorOf(turn), saved.citizenId, 'update', t('da', 'audit.visitation.taken', { caseNumber: saved.caseNumber }));
    await refreshChannelCard(services, saved);
    await tell(services, saved.source.by, 'visitation.told.taken', { caseNumber: saved.caseNumber, name: turn.user.name ?? '' }, `told-taken:${saved.id}:${saved.version}`, saved.citizenId);
    return answer(turn, services, saved, turn.scope === 'personal' ? undefined : t('da', 'visitation.youTookIt'));
  }),

  'referral.refuseStart': withReferral(async (turn, services, { referral }) => {
    const refused = visitatorOnly(turn);
    if (refused) return refused;
    // Without per-person answers (Action.Submit) a form in the channel would replace the case card for
    // everyone, so the reason is asked for in the presser's personal chat, like the other next steps.
    if (turn.scope !== 'personal' && !services.cardViews.privateAnswers) {
      return viaPersonalChat(turn, services, referral, refuseForm({ ...turn, scope: 'personal' }, referral), 'refuse');
    }
    return { card: refuseForm(turn, referral) };
  }),

  'referral.refuse': withReferral(async (turn, services, { referral }, data) => {
    const refused = visitatorOnly(turn);
    if (refused) return refused;
    const fields = readFields(turn.lang, data, { reason: 1000 });
    const reason = fields.values.reason.trim();
    if (!reason || fields.errors.reason) return { card: refuseForm(turn, referral, fields.values.reason, fields.errors.reason ?? t(turn.lang, 'screening.error.reason')) };
    let blocked = false;
    const saved = await mutate(services, referral.id, (r, d) => {
      if (!(r.status === 'new' || (r.status === 'taken' && sameStaff(r.holder, turn.staff)))) {
        blocked = true;
        return undefined;
      }
      const at = services.clock.now().toISOString();
      d.refusal = { reason, at, by: turn.staff, byName: turn.user.name ?? '' };
      d.history.push({ at, by: turn.staff, byName: turn.user.name ?? '', action: 'refused' });
      // Refusing a new case does not make it hers: she never held it, so it is no relation to the citizen.
      return withData({ ...r, status: 'refused' }, d);
    });
    if (blocked || !saved) return refusedAnswer(turn, services, (await services.store.referrals.get(referral.id)) ?? referral, t('da', 'visitation.cannotRefuse'));
    const centre = saved.source.centre ?? (await services.directory.centreOf(saved.source.by));
    await countCase(services, { kind: 'decided', value: 'notCase' }, centre);
    await audit(services, actorOf(turn), saved.citizenId, 'update', t('da', 'audit.visitation.refused', { caseNumber: saved.caseNumber }));
    await refreshChannelCard(services, saved);
    await tell(services, saved.source.by, 'visitation.told.refused', { caseNumber: saved.caseNumber, reason }, `told-refused:${saved.id}`, saved.citizenId);
    return answer(turn, services, saved);
  }),

  'referral.handoverStart': withReferral(async (turn, services, { referral }) => {
    const refused = visitatorOnly(turn);
    if (refused) return refused;
    if (!(referral.status === 'taken' && sameStaff(referral.holder, turn.staff))) return refusedAnswer(turn, services, referral, t('da', 'visitation.notHolder'));
    const form = await handoverForm({ ...turn, scope: 'personal' }, services, referral);
    return turn.scope === 'personal' ? { card: form } : viaPersonalChat(turn, services, referral, form, 'handover');
  }),

  'referral.handover': withReferral(async (turn, services, { referral }, data) => {
    const refused = personalOnly(turn) ?? visitatorOnly(turn);
    if (refused) return refused;
    const to = str(data.to);
    const target = to ? await services.store.staff.get({ tenantId: turn.staff.tenantId, aadObjectId: to }) : undefined;
    if (!target || !can(await services.directory.rolesOf(target), 'queue') || sameStaff(target, turn.staff)) {
      return { card: await handoverForm(turn, services, referral, t(turn.lang, 'visitation.handover.pick')) };
    }
    let blocked = false;
    const saved = await mutate(services, referral.id, (r, d) => {
      if (!(r.status === 'taken' && sameStaff(r.holder, turn.staff))) {
        blocked = true;
        return undefined;
      }
      d.history.push({ at: services.clock.now().toISOString(), by: turn.staff, byName: turn.user.name ?? '', action: 'handedOver', to: target, toName: target.name });
      return withData({ ...r, holder: { tenantId: target.tenantId, aadObjectId: target.aadObjectId } }, d);
    });
    if (blocked || !saved) return refusedAnswer(turn, services, referral, t('da', 'visitation.notHolder'));
    await audit(services, actorOf(turn), saved.citizenId, 'update', t('da', 'audit.visitation.handedOver', { caseNumber: saved.caseNumber, name: target.name }));
    await refreshChannelCard(services, saved);
    await tellHandedOver(services, target, saved, turn.user.name ?? '');
    return { card: await detailsCard(turn, services, saved, t(turn.lang, 'visitation.handover.done', { name: target.name })) };
  }),
} satisfies Verbs;
