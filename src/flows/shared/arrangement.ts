// Where and how often a visitation decision's offer is given, in words: for the details card, the
// advis, the access-request document.
import { t, type Lang } from '../../i18n/index.js';
import type { ReferralData } from '../../services/referrals.js';

/** "Aktivitetscenter Nord, 2 dage om ugen, med kørsel" ('' when the offer names none of it). */
export function arrangementText(L: Lang, d: NonNullable<ReferralData['decision']>): string {
  const parts: string[] = [];
  if (d.centre) parts.push(d.centre.name);
  if (d.daysPerWeek) parts.push(t(L, d.daysPerWeek === 1 ? 'visitation.days.one' : 'visitation.days.many', { n: d.daysPerWeek }));
  if (d.transport !== undefined) parts.push(t(L, d.transport ? 'visitation.arrangement.transportYes' : 'visitation.arrangement.transportNo'));
  return parts.join(', ');
}
