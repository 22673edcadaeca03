// A whole screening that ends in a referral to visitation, through the real Application: what
// several test files start from.
import type { RoleSeed } from '../../src/services/directory.js';
import type { Referral } from '../../src/store/index.js';
import { ALEX, MEGAN, type Who } from './activities.js';
import { TestClock } from './clock.js';
import { actionsOf, cardOf, conversation, inputOf, type Conversation } from './conversation.js';

export const ADELE: Who = { id: '29:adele', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-000000000022' };
/** The data-protection officer. */
export const DORTE: Who = { id: '29:dorte', name: 'Dorte Dam', aadObjectId: '00000000-0000-0000-0000-000000000027' };
/** Roles for citizenWithRecords, with the data-protection officer. */
export const RECORDS_SEED: RoleSeed[] = [
  { aadObjectId: ALEX.aadObjectId, roles: ['activityStaff', 'admin'] },
  { aadObjectId: ADELE.aadObjectId, roles: ['visitator'] },
  { aadObjectId: MEGAN.aadObjectId, roles: ['dementiaCoordinator'] },
  { aadObjectId: DORTE.aadObjectId, roles: ['dataProtection'] },
];

/** A staff member screens a citizen through every card, with one activity, and confirms the proposal. */
export async function screenCitizen(
  c: Conversation,
  who: Who,
  o: { cpr: string; name: string; activity: string; scores: { performance: string; satisfaction: string }; profile: Record<string, string>; note?: string },
): Promise<void> {
  const press = async (card: any, verb: string, inputs: Record<string, unknown> = {}) => {
    const ref = actionsOf(card).find((a) => a.verb === verb)!.data;
    return (await c.press(verb, { ...ref, ...inputs }, { from: who })).body.value;
  };
  let card = cardOf((await c.say('ny screening', { from: who }))[0]);
  card = await press(card, 'screening.submit', { cpr: o.cpr, name: o.name, livesAtHome: 'yes', specialStaff: 'no' });
  card = await press(card, 'screening.add', { activity: o.activity, subArea: 'activeRecreation', importance: '9' });
  card = await press(card, 'screening.submit');
  card = await press(card, 'screening.submit', { chosen: inputOf(card, 'chosen').value });
  const perf = JSON.stringify(card).match(/"id":"(perf_[^"]+)"/)![1]!;
  card = await press(card, 'screening.submit', { [perf]: o.scores.performance, [perf.replace('perf_', 'sat_')]: o.scores.satisfaction });
  card = await press(card, 'screening.submit', o.profile);
  await press(card, 'screening.confirm', o.note ? { note: o.note } : {});
}

/** Alex (activity-centre staff) screens Jens Hansen to a referral (one activity, scored performance 4, satisfaction 3 unless told). */
export async function referByScreening(c: Conversation, scores: { performance: string; satisfaction: string } = { performance: '4', satisfaction: '3' }, note = ''): Promise<Referral> {
  await screenCitizen(c, ALEX, { cpr: '010150-1234', name: 'Jens Hansen', activity: 'Gå ture', scores, note, profile: { activitySupport: 'extensiveComplete', relationSupport: 'none', careDuringHours: 'yes', transport: 'mobility' } });
  const [referral] = await c.store.referrals.listOpen();
  return referral!;
}

/**
 * Jens Hansen with a bit of everything: Alex's screening and its referral, taken, triaged and
 * decided by Adele (ADELE_ID) as a centre offer; Megan attached (breaking the glass) with a visit
 * planned. `seed` must give Alex activityStaff, Adele visitator and Megan dementiaCoordinator.
 */
export async function citizenWithRecords(seed: RoleSeed[], teams: boolean, people: Who[]) {
  const c = await conversation({ seed, clock: new TestClock('2026-11-22T10:00:00Z'), config: teams ? { credentials: { appId: '99999999-9999-4999-8999-999999999999', type: 'SingleTenant', password: 'x', tenantId: '11111111-1111-4111-8111-111111111111' } } : {} });
  for (const who of people) await c.say('hej', { from: who });
  const referral = await referByScreening(c);
  await c.press('referral.take', { rid: referral.id }, { from: ADELE });
  const triaged = await c.press('referral.triage', { rid: referral.id, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
  await c.press('referral.decide', { ...actionsOf(triaged.body.value).find((a) => a.verb === 'referral.decide').data, offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'Fællesskab om maden' }, { from: ADELE });
  await c.press('visits.attach', { cpr: '010150-1234', name: 'Jens Hansen', service: 'demens', purpose: 'Demensopfølgning', reason: 'Egen læge bad om det' }, { from: MEGAN });
  const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
  await c.press('visits.plan', { citizenId: citizen.id, date: '2026-11-25', time: '10:00', purpose: 'Første besøg', openForJoint: 'no', relativesByVideo: 'no' }, { from: MEGAN });
  return { c, citizen };
}
