// The decision: an offer the criteria allow, its purpose and start; then the advis to the centre (advis.ts).
import { countCase } from '../shared/figures.js';
import { documentReplies } from '../shared/replies.js';
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import { dateInputValue, DATE_FIELD_LENGTH, readDate } from '../shared/dates.js';
import { readFields } from '../shared/inputs.js';
import { assess, homeOfferEnd, inForce, singleServicesAllowed, validateScores } from '../../domain/faellesSprog.js';
import { t } from '../../i18n/index.js';
import type { Referral } from '../../store/index.js';
import { sameStaff } from '../../store/index.js';
import { button } from '../shared/form.js';
import type { Services, Turn , Verbs } from '../types.js';
import { DECISIONS, SINGLE_SERVICES, dataOf, withData, type DecisionOffer, type ReferralData } from '../../services/referrals.js';
import { refreshChannelCard } from './channelCard.js';
import { actorOf, addYear, audit, mutate, personalOnly, refusedAnswer, tell, today, visitatorOnly, withReferral } from './common.js';
import { detailsCard } from './details.js';
import { advisRecipients, sendAdvis } from './advis.js';
import { decisionLetter } from './letter.js';
import { assessmentView, reviewOf, triageForm } from './triage.js';

const DAYS_PER_WEEK = [1, 2, 3, 4, 5] as const;

export function decisionForm(turn: Turn, services: Services, referral: Referral, values: Record<string, string> = {}, errors: Record<string, string> = {}): AdaptiveCardJson {
  const L = turn.lang;
  const d = dataOf(referral);
  // The rule sets in force on the decision date decide (the law moved on 1 July 2025).
  const assessment = assess(services.rules.visitation, d.triage!.scores, today(services));
  const met = (offer: 'centre' | 'home') => assessment.some((a) => a.set.offer === offer && a.evaluation.met);
  const offers = DECISIONS.filter((o) => (o === 'centre' ? met('centre') : o === 'home' ? met('home') : o === 'single' ? singleServicesAllowed(assessment) : true));
  const field = (id: string, label: string, fallback = '') => ({ label, value: values[id] ?? fallback, error: errors[id] ?? '' });
  return renderCard('visitation/decide', {
    caseTitle: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    title: t(L, 'visitation.decide.title'),
    intro: t(L, 'visitation.decide.intro'),
    sets: assessmentView(L, assessment),
    review: reviewOf(L, assessment),
    offer: { ...field('offer', t(L, 'visitation.decide.offer')), choices: offers.map((o) => ({ title: t(L, `visitation.decision.${o}`), value: o })) },
    purpose: field('purpose', t(L, 'visitation.decide.purpose')),
    startDate: { ...field('startDate', t(L, 'visitation.decide.startDate')), value: dateInputValue(values.startDate ?? ''), placeholder: t(L, 'date.placeholder') },
    trainingByCarer: {
      ...field('trainingByCarer', t(L, 'visitation.decide.trainingByCarer'), 'no'),
      choices: [{ title: t(L, 'screening.choice.yes'), value: 'yes' }, { title: t(L, 'screening.choice.no'), value: 'no' }],
    },
    services: { ...field('services', t(L, 'visitation.decide.services')), choices: SINGLE_SERVICES.map((s) => ({ title: t(L, `visitation.single.${s}`), value: s })) },
    centreHeading: t(L, 'visitation.decide.centreHeading'),
    centre: { ...field('centre', t(L, 'visitation.decide.centre')), placeholder: t(L, 'screening.select'), choices: services.rules.organisation.centres.map((c) => ({ title: c.name, value: c.id })) },
    daysPerWeek: { ...field('daysPerWeek', t(L, 'visitation.decide.daysPerWeek')), choices: DAYS_PER_WEEK.map((n) => ({ title: t(L, n === 1 ? 'visitation.days.one' : 'visitation.days.many', { n }), value: String(n) })) },
    transport: { ...field('transport', t(L, 'visitation.decide.transport')), choices: [{ title: t(L, 'visitation.decide.transportYes'), value: 'yes' }, { title: t(L, 'visitation.decide.transportNo'), value: 'no' }] },
    actions: [button(t(L, 'visitation.decide.submit'), 'referral.decide', { rid: referral.id, v: referral.version }, 'positive'), button(t(L, 'visitation.triage.again'), 'referral.triageStart', { rid: referral.id }), button(t(L, 'common.back'), 'referral.open', { rid: referral.id })],
  });
}

export const decideVerbs = {
  'referral.decide': withReferral(async (turn, services, { referral, citizen }, data) => {
    const refused = personalOnly(turn) ?? visitatorOnly(turn);
    if (refused) return refused;
    const L = turn.lang;
    const d = dataOf(referral);
    if (!(referral.status === 'taken' && sameStaff(referral.holder, turn.staff)) || !d.triage) return refusedAnswer(turn, services, referral, t('da', 'visitation.notHolder'));
    const fields = readFields(L, data, { offer: 20, purpose: 1000, startDate: DATE_FIELD_LENGTH, trainingByCarer: 3, services: 500, centre: 64, daysPerWeek: 2, transport: 3 });
    const values = { ...fields.values, trainingByCarer: fields.values.trainingByCarer || 'no' };
    const errors: Record<string, string> = { ...fields.errors };
    const decisionDate = today(services);
    if (validateScores(inForce(services.rules.visitation, decisionDate), d.triage.scores).length) {
      // The rule sets changed since the scoring (another vocabulary): score again by the ones in force.
      return { card: await triageForm(turn, services, referral, {}, {}, t(L, 'visitation.decide.rulesChanged')) };
    }
    const assessment = assess(services.rules.visitation, d.triage.scores, decisionDate);
    const centreMet = assessment.some((a) => a.set.offer === 'centre' && a.evaluation.met);
    const homeMet = assessment.some((a) => a.set.offer === 'home' && a.evaluation.met);
    const offer = values.offer as DecisionOffer;
    const allowed = offer === 'refused' || (offer === 'centre' && centreMet) || (offer === 'home' && homeMet) || (offer === 'single' && singleServicesAllowed(assessment));
    if (!(DECISIONS as readonly string[]).includes(offer) || !allowed) errors.offer ??= t(L, 'visitation.decide.pickOffer');
    if (!values.purpose.trim()) errors.purpose ??= t(L, offer === 'refused' ? 'screening.error.reason' : 'visitation.decide.purposeRequired');
    // A picker sends 2026-12-01; where it is a text field, 01.12.2026 is typed.
    const startDate = readDate(values.startDate, L);
    if (!startDate.ok) errors.startDate ??= startDate.error;
    const singles = values.services.split(',').map((s) => s.trim()).filter(Boolean);
    if (offer === 'single' && (!singles.length || singles.some((s) => !(SINGLE_SERVICES as readonly string[]).includes(s)))) errors.services ??= t(L, 'visitation.decide.pickServices');
    // At a centre: which one (from the municipality's list), how many days (the offer), transport or not.
    const atCentre = offer === 'centre' || offer === 'single';
    const centre = services.rules.organisation.centres.find((c) => c.id === values.centre);
    const days = Number(values.daysPerWeek);
    if (atCentre && !centre) errors.centre ??= t(L, 'visitation.decide.pickCentre');
    if (offer === 'centre' && !(DAYS_PER_WEEK as readonly number[]).includes(days)) errors.daysPerWeek ??= t(L, 'visitation.decide.pickDays');
    if (atCentre && values.transport !== 'yes' && values.transport !== 'no') errors.transport ??= t(L, 'visitation.decide.pickTransport');
    if (Number(data.v) !== referral.version) errors.offer = t(L, 'visitation.changedMeanwhile');
    if (Object.keys(errors).length) return { card: decisionForm(turn, services, referral, values, errors) };
    const now = services.clock.now().toISOString();
    const typedStart = startDate.ok ? startDate.iso : '';
    const start = typedStart || today(services);
    const decision: NonNullable<ReferralData['decision']> = {
      offer,
      purpose: values.purpose.trim().slice(0, 1000),
      startDate: typedStart || undefined,
      endDate: offer === 'home' ? homeOfferEnd(start) : undefined,
      trainingByCarer: offer === 'home' ? values.trainingByCarer === 'yes' : undefined,
      singleServices: offer === 'single' ? (singles as (typeof SINGLE_SERVICES)[number][]) : undefined,
      centre: atCentre && centre ? { id: centre.id, name: centre.name } : undefined,
      daysPerWeek: offer === 'centre' ? days : undefined,
      transport: atCentre ? values.transport === 'yes' : undefined,
      ruleSets: assessment.map((a) => a.set),
      met: assessment.map((a) => ({ id: a.set.id, met: a.evaluation.met })),
      scores: d.triage.scores,
      decidedBy: turn.staff,
      decidedByName: turn.user.name ?? '',
      decidedAt: now,
    };
    const advisTo = referral.source.kind !== 'screening' && offer !== 'refused' ? await advisRecipients(services, referral, decision.centre?.id) : undefined;
    const saved = await mutate(services, referral.id, (r, rd) => {
      if (r.version !== referral.version) return undefined;
      rd.decision = decision;
      if (advisTo) rd.advisTo = advisTo;
      rd.history.push({ at: now, by: turn.staff, byName: turn.user.name ?? '', action: 'decided' });
      if (offer !== 'refused') rd.followUp = { kind: offer === 'home' ? 'homeEnd' : 'yearly', dueAt: offer === 'home' ? `${decision.endDate}T08:00:00.000Z` : addYear(now) };
      // A stored field, so the store finds due follow-ups without reading the flow's data.
      return withData({ ...r, status: offer === 'refused' ? 'refused' : 'decided', followUpDueAt: rd.followUp?.dueAt }, rd);
    });
    if (!saved || saved.version === referral.version) return { card: decisionForm(turn, services, (await services.store.referrals.get(referral.id)) ?? referral, values, { offer: t(L, 'visitation.changedMeanwhile') }) };
    // Counted for the centre of the offer, else for the centre that referred (the managers' figures).
    const countedFor = decision.centre?.id ?? saved.source.centre ?? (await services.directory.centreOf(saved.source.by));
    await countCase(services, { kind: 'decided', value: offer }, countedFor);
    await audit(services, actorOf(turn), saved.citizenId, 'update', t('da', 'audit.visitation.decided', { caseNumber: saved.caseNumber }));
    await refreshChannelCard(services, saved);
    await sendAdvis(services, saved, citizen, decision);
    await tell(services, saved.source.by, 'visitation.told.decided', { caseNumber: saved.caseNumber }, `told-decided:${saved.id}`, saved.citizenId);
    const letter = decisionLetter(services, saved, citizen, decision, assessment);
    return {
      card: await detailsCard(turn, services, saved, t(L, 'visitation.decide.done')),
      also: documentReplies(turn, 'visitation.letterPreview', letter, 'visitation.letterPreview'),
    };
  }),
} satisfies Verbs;
