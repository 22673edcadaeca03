// The draft decision letter to the citizen (Danish, plain text to copy into the municipality's letter
// template): what is granted, where, how often, from when; the purpose; why, with the functional
// assessment in words (each area and its score as the scale names it); payment and appeal left for
// the municipality to fill in. Marked as a draft for legal review.
import { maskCpr } from '../../domain/cpr.js';
import { type AssessedSet } from '../../domain/faellesSprog.js';
import { assessmentInWords } from '../shared/assessment.js';
import { copenhagenIsoDay, formatDate, formatIsoDay, formatList } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Citizen, Referral } from '../../store/index.js';
import type { Services } from '../types.js';
import { type ReferralData } from '../../services/referrals.js';

type Decision = NonNullable<ReferralData['decision']>;

/** The draft decision letter: Danish, reasons from the criteria, placeholders the municipality fills in. */
export function decisionLetter(services: Services, referral: Referral, citizen: Citizen | undefined, d: Decision, assessment: AssessedSet[]): string {
  const L: Lang = 'da';
  // No start date chosen: a home course starts on the decision day (its end is counted from it, in
  // Danish time); at a centre the start is agreed with the citizen, and the letter says so.
  const homeStart = formatIsoDay(L, d.startDate ?? copenhagenIsoDay(new Date(d.decidedAt)));
  const from = d.startDate ? t(L, 'letter.from', { date: formatIsoDay(L, d.startDate) }) : '';
  const name = citizen?.name ?? '';
  const lines = [
    t(L, 'letter.title'),
    t(L, 'letter.case', { caseNumber: referral.caseNumber, date: formatDate(L, d.decidedAt) }),
    t(L, 'letter.to', { name, cpr: citizen ? maskCpr(citizen.cpr) : '' }),
    '',
    t(L, 'letter.dear', { name }),
    '',
    t(L, `letter.decision.${d.offer}`, {
      end: d.endDate ? formatIsoDay(L, d.endDate) : '',
      start: homeStart,
      from,
      centre: d.centre?.name ?? t(L, 'letter.centreUnnamed'),
      days: d.daysPerWeek ? t(L, d.daysPerWeek === 1 ? 'visitation.days.one' : 'visitation.days.many', { n: d.daysPerWeek }) : '',
    }),
  ];
  if ((d.offer === 'centre' || d.offer === 'single') && !d.startDate) lines.push(t(L, 'letter.startAgreed'));
  if (d.offer === 'single' && d.singleServices?.length) lines.push(t(L, 'letter.singleServices', { services: formatList(L, d.singleServices.map((s) => t(L, `visitation.single.${s}`).toLowerCase())) }));
  if (d.transport !== undefined) lines.push(t(L, d.transport ? 'letter.transportYes' : 'letter.transportNo'));
  if (d.offer === 'home' && d.trainingByCarer) lines.push(t(L, 'letter.trainingByCarer'));
  lines.push('', t(L, d.offer === 'refused' ? 'letter.reasonRefused' : 'letter.purpose', { purpose: d.purpose }));
  lines.push('', t(L, 'letter.assessment'), ...assessmentInWords(L, services.rules.visitation, d.scores, copenhagenIsoDay(new Date(d.decidedAt))).map((l) => `- ${l}`));
  lines.push('', t(L, 'letter.grounds'));
  for (const a of assessment) {
    lines.push(`- ${t(L, a.evaluation.met ? 'letter.groundMet' : 'letter.groundNotMet', { offer: t(L, `visitation.decision.${a.set.offer}`).toLowerCase(), basis: a.set.legalBasis })}`);
  }
  lines.push('', t(L, 'letter.payment'), '', t(L, 'letter.appeal'), '', t(L, 'letter.regards'), d.decidedByName, t(L, 'letter.unit'));
  return lines.join('\n');
}
