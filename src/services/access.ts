// Who may see a citizen: only someone the bot knows a relation for (Sundhedsloven § 42 a: health
// data only when the work at hand needs it). A relation is a screening they ran or run; a referral
// from their screening, or one they hold or decided, or whose advis they received at the centre; an active attachment; or
// an offer: a colleague's share ("del borger") or a manager's assignment. Every door that shows a
// citizen's data asks here first (attaching, reassessment, a new screening of a known citizen, the
// referral details and follow-ups), and without a relation shows nothing about the citizen
// (README "Data, privacy and safety").
import type { Citizen, StaffKey, Store } from '../store/index.js';
import { sameStaff } from '../store/index.js';

export type Relation = 'screening' | 'referral' | 'attachment' | 'offer';

/** The staff member's relations to the citizen (none: they may not see the citizen). `except` leaves out the screening under way. */
export async function relationsTo(store: Pick<Store, 'screenings' | 'referrals' | 'attachments'>, staff: StaffKey, citizenId: Citizen['id'], except?: { screeningId?: string }): Promise<Relation[]> {
  const [screenings, referrals, attachments] = await Promise.all([store.screenings.listByCitizen(citizenId), store.referrals.listByCitizen(citizenId), store.attachments.listByCitizen(citizenId)]);
  const out: Relation[] = [];
  if (screenings.some((s) => s.id !== except?.screeningId && s.status !== 'cancelled' && sameStaff(s.author, staff))) out.push('screening');
  const decidedBy = (data: Record<string, unknown>) => ((data.history as { action?: string; by?: StaffKey }[] | undefined) ?? []).some((h) => h.action === 'decided' && sameStaff(h.by, staff));
  const received = (data: Record<string, unknown>) => sameStaff((data.received as { by?: StaffKey } | undefined)?.by, staff);
  // A direct referral is no relation of its maker's: anyone may make one (seed 001) by typing a CPR
  // number, so it must not open the citizen's other records. A referral from a screening is the
  // screener's (the screening is a relation anyway).
  const made = (r: (typeof referrals)[number]) => r.source.kind === 'screening' && sameStaff(r.source.by, staff);
  if (referrals.some((r) => made(r) || sameStaff(r.holder, staff) || decidedBy(r.data) || received(r.data))) out.push('referral');
  if (attachments.some((a) => a.status === 'active' && sameStaff(a.staff, staff))) out.push('attachment');
  if (attachments.some((a) => a.status === 'offered' && sameStaff(a.staff, staff))) out.push('offer');
  return out;
}
