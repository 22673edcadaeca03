// A whole screening that ends in a referral to visitation, through the real Application: what
// several test files start from.
import type { Referral } from '../../src/store/index.js';
import { ALEX } from './activities.js';
import { actionsOf, cardOf, inputOf, type Conversation } from './conversation.js';

/** Alex (activity-centre staff) screens Jens Hansen to a referral (one activity, scored performance 4, satisfaction 3 unless told). */
export async function referByScreening(c: Conversation, scores: { performance: string; satisfaction: string } = { performance: '4', satisfaction: '3' }): Promise<Referral> {
  const press = async (card: any, verb: string, inputs: Record<string, unknown> = {}) => {
    const ref = actionsOf(card).find((a) => a.verb === verb)!.data;
    return (await c.press(verb, { ...ref, ...inputs }, { from: ALEX })).body.value;
  };
  let card = cardOf((await c.say('ny screening', { from: ALEX }))[0]);
  card = await press(card, 'screening.submit', { cpr: '010150-1234', name: 'Jens Hansen', livesAtHome: 'yes', specialStaff: 'no' });
  card = await press(card, 'screening.add', { activity: 'Gå ture', subArea: 'activeRecreation', importance: '9' });
  card = await press(card, 'screening.submit');
  card = await press(card, 'screening.submit', { chosen: inputOf(card, 'chosen').value });
  const perf = JSON.stringify(card).match(/"id":"(perf_[^"]+)"/)![1]!;
  card = await press(card, 'screening.submit', { [perf]: scores.performance, [perf.replace('perf_', 'sat_')]: scores.satisfaction });
  card = await press(card, 'screening.submit', { activitySupport: 'extensiveComplete', relationSupport: 'none', careDuringHours: 'yes', transport: 'mobility' });
  await press(card, 'screening.confirm');
  const [referral] = await c.store.referrals.listOpen();
  return referral!;
}
