// Coordinating with the colleague: the colleague's card and the four answers (joint visit, I take
// it, you take it, both needed), each changing the visits and the planner's card.
import { randomUUID } from 'node:crypto';
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import { readFields } from '../shared/inputs.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Coordination, Visit } from '../../store/index.js';
import { sameStaff } from '../../store/index.js';
import { button } from '../shared/form.js';
import { personalOnlyReply } from '../shared/replies.js';
import type { Services, Verbs } from '../types.js';
import { ANSWERS, type Answer, Id, audit, citizenLine, event, isVisit, langOf, loadOwnVisit, overlapsFor, staffName, staleVisit, str, tell, vdata, when, withStaff } from './common.js';
import { plannedCard } from './plan.js';

/** An answer's words: a joint visit says when (it is the colleague's own visit the planner joins). */
function answerLabel(lang: Lang, answer: Answer, theirs: Visit | undefined): string {
  return t(lang, `visits.answer.${answer}`, { when: theirs ? when(lang, theirs.at) : '' }).trim();
}

/** The colleague's card; `done` thanks them once answered (their answer repeated), `error` is what was wrong with the reason. */
async function coordinationCard(lang: Lang, services: Services, c: Coordination, done = '', error = ''): Promise<AdaptiveCardJson> {
  const planned = await services.store.visits.get(c.plannerVisitId);
  const theirs = await services.store.visits.get(c.colleagueVisitId);
  const citizen = await services.store.citizens.get(c.citizenId);
  const pending = c.status === 'pending';
  return renderCard('visits/coordination', {
    title: t(lang, 'visits.coord.title'),
    intro: t(lang, pending ? 'visits.coord.intro' : 'visits.coord.answered'),
    done,
    facts: [
      { title: t(lang, 'visits.coord.citizen'), value: citizen ? citizenLine(citizen) : '' },
      { title: t(lang, 'visits.coord.planner'), value: `${await staffName(services, c.planner)}: ${planned ? `${when(lang, planned.at)} – ${vdata(planned).purpose}` : ''}` },
      { title: t(lang, 'visits.coord.yours'), value: theirs ? `${when(lang, theirs.at)} – ${vdata(theirs).purpose}` : '' },
      ...(c.answer ? [{ title: t(lang, 'visits.coord.yourAnswer'), value: [answerLabel(lang, c.answer, theirs), c.reason].filter(Boolean).join(': ') }] : []),
    ],
    reason: { label: t(lang, 'visits.field.bothReason'), value: '', error },
    answers: pending ? ANSWERS.map((a) => button(answerLabel(lang, a, theirs), 'visits.answer', { cid: c.id, answer: a }, a === 'joint' ? 'positive' : 'default')) : [],
  });
}

export const coordinateVerbs = {
  'visits.coordinate': async (turn, services, data) => {
    const visit = await loadOwnVisit(turn, services, data, ['draft']);
    if (!isVisit(visit)) return visit;
    const other = Id.safeParse(data.with).success ? await services.store.visits.get(str(data.with)) : undefined;
    const overlaps = await overlapsFor(services, visit);
    if (!other || !overlaps.some((o) => o.visit.id === other.id && o.relation === 'colleague')) return { card: staleVisit(turn) };
    const now = services.clock.now().toISOString();
    const coordination: Coordination = {
      id: randomUUID(),
      citizenId: visit.citizenId,
      planner: turn.staff,
      plannerVisitId: visit.id,
      colleague: other.staff,
      colleagueVisitId: other.id,
      status: 'pending',
      plannerCard: turn.cardActivityId ? { conversationId: turn.conversationId, activityId: turn.cardActivityId } : undefined,
      createdAt: now,
    };
    await services.store.coordinations.save(coordination);
    // The planner may go ahead: the visit is planned, and changes if the colleague answers so.
    await services.store.visits.save({ ...visit, status: 'planned', updatedAt: now, data: { ...visit.data, overlapNote: { kind: 'coordinating', coordinationId: coordination.id } } });
    await event(services, visit.service, 'planned');
    await audit(turn, services, visit.citizenId, 'create', t('da', 'audit.visits.planned'));
    const lang = await langOf(services, other.staff);
    await tell(services, other.staff, { card: await coordinationCard(lang, services, coordination), summary: t(lang, 'visits.preview.coordinate') }, `coordinate:${coordination.id}`, coordination.citizenId, turn.staff);
    const citizen = await services.store.citizens.get(visit.citizenId);
    return { card: plannedCard(turn, citizen, visit, t(turn.lang, 'visits.planned.pending', { name: await staffName(services, other.staff) })) };
  },

  'visits.answer': async (turn, services, data) => {
    if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(turn.lang, 'flow.visits.title')).card };
    const L = turn.lang;
    const cid = Id.safeParse(data.cid);
    const c = cid.success ? await services.store.coordinations.get(cid.data) : undefined;
    if (!c || !sameStaff(c.colleague, turn.staff)) return { card: staleVisit(turn) };
    if (c.status !== 'pending') return { card: await coordinationCard(L, services, c) };
    const answer = str(data.answer) as Answer;
    if (!(ANSWERS as readonly string[]).includes(answer)) return { card: await coordinationCard(L, services, c) };
    const fields = readFields(L, data, { reason: 300 });
    const reason = fields.values.reason.trim();
    if ((answer === 'bothNeeded' && !reason) || fields.errors.reason) return { card: await coordinationCard(L, services, c, '', fields.errors.reason ?? t(L, 'visits.error.bothReason')) };
    const planned = await services.store.visits.get(c.plannerVisitId);
    const theirs = await services.store.visits.get(c.colleagueVisitId);
    // Either visit cancelled (or gone) meanwhile: the answer would act on a visit that will not happen.
    if (!planned || !theirs || planned.status !== 'planned' || theirs.status !== 'planned') return { card: staleVisit(turn) };
    const now = services.clock.now().toISOString();
    const cancel = (v: Visit): Visit => ({ ...v, status: 'cancelled', updatedAt: now });
    if (answer === 'joint') {
      await services.store.visits.save({ ...theirs, jointWith: withStaff(theirs.jointWith, c.planner), updatedAt: now });
      await services.store.visits.save(cancel(planned));
      await event(services, planned.service, 'avoidedJoint');
    } else if (answer === 'iTakeIt') {
      await services.store.visits.save({ ...theirs, updatedAt: now, data: { ...theirs.data, onBehalfOf: [...(vdata(theirs).onBehalfOf ?? []), c.planner] } });
      await services.store.visits.save(cancel(planned));
      await event(services, planned.service, 'avoidedHandedOver');
    } else if (answer === 'youTakeIt') {
      await services.store.visits.save({ ...planned, updatedAt: now, data: { ...planned.data, onBehalfOf: [...(vdata(planned).onBehalfOf ?? []), c.colleague] } });
      await services.store.visits.save(cancel(theirs));
      await event(services, planned.service, 'avoidedHandedOver');
    } else {
      await services.store.visits.save({ ...planned, updatedAt: now, data: { ...planned.data, overlapNote: { kind: 'keptWithReason', reason } } });
      await event(services, planned.service, 'keptWithReason');
    }
    const answered: Coordination = { ...c, status: 'answered', answer, reason: reason || undefined, answeredAt: now };
    await services.store.coordinations.save(answered);
    await audit(turn, services, c.citizenId, 'update', t('da', 'audit.visits.answered'));
    // The planner's card changes with the answer, and a message says it in words.
    const plannerLang = await langOf(services, c.planner);
    // When the visit that stays is: the colleague's (joint, or they visit for both), or the planner's own.
    const kept = answer === 'youTakeIt' || answer === 'bothNeeded' ? planned : theirs;
    const words = t(plannerLang, `visits.told.answer.${answer}`, { name: turn.user.name ?? '', reason, when: when(plannerLang, kept.at) });
    if (c.plannerCard && services.outbox) {
      const card = renderCard('visits/planned', { title: t(plannerLang, 'visits.planned.title'), text: words, note: '', actions: [button(t(plannerLang, 'visits.button.myVisits'), 'visits.week', {})] });
      await services.outbox.enqueue({ citizenId: c.citizenId, idempotencyKey: `coordination-card:${c.id}`, target: { kind: 'conversation', conversationId: c.plannerCard.conversationId }, operation: 'update', replaces: c.plannerCard, payload: { card, summary: t(plannerLang, 'visits.preview.answer') } });
    }
    await tell(services, c.planner, { text: words, summary: t(plannerLang, 'visits.preview.answer') }, `coordination-answer:${c.id}`, c.citizenId);
    return { card: await coordinationCard(L, services, answered, t(L, 'visits.coord.thanks')) };
  },
} satisfies Verbs;
