// Who may see a citizen: only someone the bot knows a relation for (Sundhedsloven § 42 a: health
// data only when the work at hand needs it). A relation is a finished screening they ran (not one
// begun on a citizen the bot knew already, without a relation: that is a first meeting, and opens
// nothing else); a referral from such a screening, or one they hold or decided, or whose advis
// they received at the centre; or an active attachment. Every door that shows a citizen's data asks
// here first (attaching, reassessment, a new screening of a known citizen, the referral details),
// and without a relation shows nothing about the citizen (README "Data, privacy and safety").
// An offer (a colleague's share, a manager's assignment) is no relation here: it lets its one
// receiver attach, while it is still good (validOffer), and nothing else.
import type { Attachment, Citizen, Screening, StaffKey, Store } from '../store/index.js';
import { sameStaff } from '../store/index.js';

export type Relation = 'screening' | 'referral' | 'attachment';

/** A screening that is a relation: finished, and not begun on a citizen its author had no relation to. */
const countsAsRelation = (s: Screening) => s.status === 'done' && !(s.data as { knownWithoutRelation?: boolean }).knownWithoutRelation;

/** The staff member's relations to the citizen (none: they may not see the citizen). */
export async function relationsTo(store: Pick<Store, 'screenings' | 'referrals' | 'attachments'>, staff: StaffKey, citizenId: Citizen['id']): Promise<Relation[]> {
  const [screenings, referrals, attachments] = await Promise.all([store.screenings.listByCitizen(citizenId), store.referrals.listByCitizen(citizenId), store.attachments.listByCitizen(citizenId)]);
  const out: Relation[] = [];
  const mine = screenings.filter((s) => sameStaff(s.author, staff) && countsAsRelation(s));
  if (mine.length) out.push('screening');
  const decidedBy = (data: Record<string, unknown>) => ((data.history as { action?: string; by?: StaffKey }[] | undefined) ?? []).some((h) => h.action === 'decided' && sameStaff(h.by, staff));
  const received = (data: Record<string, unknown>) => sameStaff((data.received as { by?: StaffKey } | undefined)?.by, staff);
  // A direct referral is no relation of its maker's: anyone may make one (seed 001) by typing a CPR
  // number, so it must not open the citizen's other records. A referral from a screening is the
  // screener's, if the screening is a relation.
  const made = (r: (typeof referrals)[number]) => r.source.kind === 'screening' && sameStaff(r.source.by, staff) && mine.some((s) => s.id === r.source.screeningId);
  if (referrals.some((r) => made(r) || sameStaff(r.holder, staff) || decidedBy(r.data) || received(r.data))) out.push('referral');
  if (attachments.some((a) => a.status === 'active' && sameStaff(a.staff, staff))) out.push('attachment');
  return out;
}

/**
 * An offer is good while whoever made it may still make it: a manager's assignment while she is a
 * manager, a colleague's share while the colleague is attached to the citizen.
 */
export async function validOffer(store: Pick<Store, 'attachments'>, offer: Attachment, isManager: (who: StaffKey) => Promise<boolean>): Promise<boolean> {
  if (offer.status !== 'offered') return false;
  if (offer.assignedBy) return isManager(offer.assignedBy);
  if (!offer.offeredBy) return false;
  return (await store.attachments.listByCitizen(offer.citizenId)).some((a) => a.status === 'active' && sameStaff(a.staff, offer.offeredBy));
}
