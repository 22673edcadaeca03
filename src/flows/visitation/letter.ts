// The draft decision letter (Danish, plain text for the care record), marked for legal review.
import { maskCpr } from '../../domain/cpr.js';
import { type AssessedSet } from '../../domain/faellesSprog.js';
import { formatDate, formatIsoDay } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Citizen, Referral } from '../../store/index.js';
import type { Services } from '../types.js';
import { type ReferralData } from '../../services/referrals.js';

/** The draft decision letter: Danish, reasons from the criteria, placeholders the municipality fills in. */
export function decisionLetter(services: Services, referral: Referral, citizen: Citizen | undefined, d: NonNullable<ReferralData['decision']>, assessment: AssessedSet[]): string {
  const L: Lang = 'da';
  const lines = [
    t(L, 'letter.title'),
    t(L, 'letter.to', { name: citizen?.name ?? '', cpr: citizen ? maskCpr(citizen.cpr) : '' }),
    t(L, 'letter.case', { caseNumber: referral.caseNumber, date: formatDate(L, d.decidedAt) }),
    '',
    t(L, `letter.decision.${d.offer}`, { end: d.endDate ? formatIsoDay(L, d.endDate) : '' }),
  ];
  if (d.offer === 'home' && d.trainingByCarer) lines.push(t(L, 'letter.trainingByCarer'));
  if (d.offer === 'single' && d.singleServices?.length) lines.push(t(L, 'letter.singleServices', { services: d.singleServices.map((s) => t(L, `visitation.single.${s}`).toLowerCase()).join(' og ') }));
  lines.push('', t(L, d.offer === 'refused' ? 'letter.reasonRefused' : 'letter.purpose', { purpose: d.purpose }));
  lines.push('', t(L, 'letter.grounds'));
  for (const a of assessment) {
    lines.push(t(L, a.evaluation.met ? 'letter.groundMet' : 'letter.groundNotMet', { offer: t(L, `visitation.decision.${a.set.offer}`).toLowerCase(), basis: a.set.legalBasis }));
  }
  lines.push(t(L, 'letter.scores', { scores: Object.entries(d.scores).map(([code, v]) => `${code}: ${v}`).join(', ') }));
  lines.push('', t(L, 'letter.payment'), '', t(L, 'letter.appeal'), '', t(L, 'letter.signature', { name: d.decidedByName }));
  return lines.join('\n');
}
