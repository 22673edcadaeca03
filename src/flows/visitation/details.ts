// A referral's details, shown only in a personal chat and audited as a read, to those with a
// relation to the citizen (src/services/access.ts). A visitator without one sees what the queue
// shows (case number, where from, age, the proposal) until she takes the case.
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import type { Button, Fact } from '../../../cards/visitation/types.js';
import { ageOn, maskCpr, parseCpr } from '../../domain/cpr.js';
import { areasOf, inForce, type Scores } from '../../domain/faellesSprog.js';
import { can } from '../../domain/roles.js';
import { copenhagenDay, formatDate, formatDecimal, formatIsoDay } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Citizen, Referral } from '../../store/index.js';
import { sameStaff } from '../../store/index.js';
import { button } from '../shared/form.js';
import type { Services, Turn } from '../types.js';
import { dataOf, type ReferralData } from '../../services/referrals.js';
import { relationsTo } from '../../services/access.js';
import { screeningContentLines, type ScreeningContent } from '../shared/screeningContent.js';
import { actorOf, audit, holderName, sourceLabel, statusLabel } from './common.js';
import { arrangementText } from '../shared/arrangement.js';

export async function detailsCard(turn: Turn, services: Services, referral: Referral, note?: string): Promise<AdaptiveCardJson> {
  if (!(await relationsTo(services.store, turn.staff, referral.citizenId)).length) return caseCard(turn, services, referral, note);
  const L = turn.lang;
  const d = dataOf(referral);
  const citizen = await services.store.citizens.get(referral.citizenId);
  await audit(services, actorOf(turn), referral.citizenId, 'read', t('da', 'audit.visitation.read', { caseNumber: referral.caseNumber }));
  const holder = await holderName(services, referral);
  const facts = [
    { title: t(L, 'visitation.details.citizen'), value: citizen ? `${citizen.name}, ${maskCpr(citizen.cpr)}${ageText(L, citizen, services)}` : '-' },
    { title: t(L, 'visitation.card.from'), value: sourceLabel(L, referral, services.rules.organisation) },
    { title: t(L, 'visitation.card.received'), value: formatDate(L, referral.createdAt) },
    { title: t(L, 'visitation.card.status'), value: statusLabel(L, referral, holder) },
  ];
  const by = await services.store.staff.get(referral.source.by);
  if (by?.name) facts.push({ title: t(L, 'visitation.details.referrer'), value: by.name });
  const screeningFacts: Fact[] = [];
  if (d.screening) {
    const s = d.screening;
    if (s.proposed) screeningFacts.push({ title: t(L, 'visitation.details.proposed'), value: t(L, `screening.offerShort.${s.proposed === 'outside' ? 'referral' : s.proposed}`) });
    if (s.decidedBy?.length) screeningFacts.push({ title: t(L, 'visitation.details.decidedBy'), value: s.decidedBy.map((a) => t(L, `screening.answer.${a}`)).join(', ') });
    if (s.scores) screeningFacts.push({ title: t(L, 'visitation.details.copm'), value: t(L, 'visitation.details.copmValue', { performance: formatDecimal(L, s.scores.performance), satisfaction: formatDecimal(L, s.scores.satisfaction) }) });
  }
  const rid = referral.id;
  const actions: Button[] = [];
  const isHolder = referral.status === 'taken' && sameStaff(referral.holder, turn.staff);
  if (can(turn.roles, 'queue')) {
    if (referral.status === 'new') actions.push(button(t(L, 'visitation.button.take'), 'referral.take', { rid }, 'positive'));
    if (isHolder) actions.push(button(t(L, 'visitation.button.triage'), 'referral.triageStart', { rid }, 'positive'));
    if (isHolder) actions.push(button(t(L, 'visitation.button.handover'), 'referral.handoverStart', { rid }));
    if (referral.status === 'new' || isHolder) actions.push(button(t(L, 'visitation.button.refuse'), 'referral.refuseStart', { rid }, 'destructive'));
  } else if (can(turn.roles, 'screening') && sameStaff(referral.source.by, turn.staff) && (referral.status === 'new' || referral.status === 'taken')) {
    actions.push(button(t(L, 'visitation.button.preTriage'), 'referral.triageStart', { rid }));
  }
  actions.push(button(t(L, 'visitation.button.queue'), 'queue.show', {}));
  return renderCard('visitation/details', {
    title: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    note: note ?? '',
    facts,
    screeningTitle: d.screening ? t(L, 'visitation.details.screening') : '',
    screeningFacts,
    screeningLines: await screeningLinesOf(L, services, referral),
    directFacts: d.direct
      ? [
          { title: t(L, 'visitation.details.askedBy'), value: t(L, `visitation.askedBy.${d.direct.askedBy}`) },
          { title: t(L, 'visitation.details.reason'), value: d.direct.reason },
        ]
      : [],
    preTriage: d.preTriage ? t(L, 'visitation.details.preTriage', { name: d.preTriage.byName, scores: scoresText(services, d.preTriage.scores, d.preTriage.date) }) : '',
    triage: d.triage ? t(L, 'visitation.details.triage', { scores: scoresText(services, d.triage.scores, d.triage.date) }) : '',
    refusal: d.refusal ? t(L, 'visitation.details.refused', { reason: d.refusal.reason, name: d.refusal.byName }) : '',
    decision: d.decision ? decisionLine(L, d.decision) : '',
    actions,
  });
}

/**
 * The case as the queue shows it, for a visitator with no relation to the citizen yet: no name, no
 * CPR, nothing from the screening but its proposal. Nothing about the citizen is read but the age,
 * so it is not audited as a look-up (the queue is not either). Taking the case opens the details.
 */
async function caseCard(turn: Turn, services: Services, referral: Referral, note?: string): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const holder = await holderName(services, referral);
  const facts: Fact[] = [
    { title: t(L, 'visitation.card.from'), value: sourceLabel(L, referral, services.rules.organisation) },
    { title: t(L, 'visitation.card.received'), value: formatDate(L, referral.createdAt) },
    { title: t(L, 'visitation.card.status'), value: statusLabel(L, referral, holder) },
    ...(await queueFacts(L, services, referral)).map(({ title, value }) => ({ title, value })),
  ];
  const rid = referral.id;
  const actions: Button[] = [];
  if (can(turn.roles, 'queue') && referral.status === 'new') {
    actions.push(button(t(L, 'visitation.button.take'), 'referral.take', { rid }, 'positive'));
    actions.push(button(t(L, 'visitation.button.refuse'), 'referral.refuseStart', { rid }, 'destructive'));
  }
  actions.push(button(t(L, 'visitation.button.queue'), 'queue.show', {}));
  return renderCard('visitation/details', {
    title: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    note: [note, t(L, referral.status === 'new' ? 'visitation.details.onTaking' : 'visitation.details.noRelation')].filter(Boolean).join(' '),
    facts,
    screeningTitle: '',
    screeningFacts: [],
    screeningLines: [],
    directFacts: [],
    preTriage: '',
    triage: '',
    refusal: '',
    decision: '',
    actions,
  });
}

/** The referring screening's content, for those with a relation to the citizen (the caller checks). */
export async function screeningLinesOf(L: Lang, services: Services, referral: Referral): Promise<string[]> {
  const id = referral.source.kind === 'screening' ? referral.source.screeningId : undefined;
  const screening = id ? await services.store.screenings.get(id) : undefined;
  // Only the screening that made this referral, about this citizen (deleted by retention: nothing).
  if (!screening || screening.citizenId !== referral.citizenId) return [];
  return screeningContentLines(L, screening.data as ScreeningContent);
}

/**
 * What a visitator needs to choose a case from the queue: the citizen's age and the screening's
 * proposal, as facts and (`short`) as parts of the queue's line.
 */
export async function queueFacts(L: Lang, services: Services, referral: Referral): Promise<(Fact & { short: string })[]> {
  const citizen = await services.store.citizens.get(referral.citizenId);
  const age = citizen ? ageOf(citizen, services) : undefined;
  const proposed = dataOf(referral).screening?.proposed;
  const out: (Fact & { short: string })[] = [];
  if (age !== undefined) {
    const years = t(L, 'visitation.queue.years', { age });
    out.push({ title: t(L, 'visitation.queue.age'), value: years, short: years });
  }
  if (proposed) {
    const offer = t(L, `screening.offerShort.${proposed === 'outside' ? 'referral' : proposed}`);
    out.push({ title: t(L, 'visitation.details.proposed'), value: offer, short: t(L, 'visitation.queue.proposed', { offer: offer.toLowerCase() }) });
  }
  return out;
}

function ageOf(citizen: Citizen, services: Services): number | undefined {
  const today = copenhagenDay(services.clock.now());
  const parsed = parseCpr(citizen.cpr, today);
  return parsed.ok ? ageOn(parsed.cpr, today) : undefined;
}

function ageText(L: Lang, citizen: Citizen, services: Services): string {
  const today = copenhagenDay(services.clock.now());
  const parsed = parseCpr(citizen.cpr, today);
  if (!parsed.ok) return '';
  return t(L, 'visitation.details.age', { age: ageOn(parsed.cpr, today) });
}

function scoresText(services: Services, scores: Scores, date: string): string {
  const sets = inForce(services.rules.visitation, date);
  return areasOf(sets)
    .map((a) => `${a.name} ${scores[a.code] ?? '-'}`)
    .join(', ');
}

function decisionLine(L: Lang, d: NonNullable<ReferralData['decision']>): string {
  const offer = t(L, `visitation.decision.${d.offer}`);
  const where = arrangementText(L, d);
  const end = d.endDate ? ` ${t(L, 'visitation.decision.until', { date: formatIsoDay(L, d.endDate) })}` : '';
  return t(L, 'visitation.details.decided', { offer: `${offer}${where ? `: ${where}` : ''}${end}`, name: d.decidedByName, date: formatDate(L, d.decidedAt) });
}
