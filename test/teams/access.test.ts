// Who may see a citizen (issue 15), through the real Application: a colleague who holds every role
// that works with citizens but has no relation to one the bot knows tries every door, and learns
// nothing about the citizen (a throwaway screening of her own included) and leaves no look-up
// beyond her own screening, until she breaks the glass with a reason; then
// the managers are told and the access log shows it.
import { afterEach, describe, expect, it } from 'vitest';
import type { RoleSeed } from '../../src/services/directory.js';
import type { OutboxMessage } from '../../src/store/index.js';
import { ALEX, type Who } from '../helpers/activities.js';
import { actionsOf, cardOf, closeAll, conversation, inputOf, textsOf, type Conversation } from '../helpers/conversation.js';
import { TestClock } from '../helpers/clock.js';
import { referByScreening } from '../helpers/referral.js';

afterEach(closeAll);

const ADELE: Who = { id: '29:adele', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-000000000022' };
const NESTOR: Who = { id: '29:nestor', name: 'Nestor Wilke', aadObjectId: '00000000-0000-0000-0000-000000000024' };
const PIA: Who = { id: '29:pia', name: 'Pia Holm', aadObjectId: '00000000-0000-0000-0000-000000000026' };
const seed: RoleSeed[] = [
  { aadObjectId: ALEX.aadObjectId, roles: ['activityStaff'] },
  { aadObjectId: ADELE.aadObjectId, roles: ['visitator'] },
  { aadObjectId: NESTOR.aadObjectId, roles: ['manager'] },
  // Every role that meets citizens: still no relation to Jens Hansen.
  { aadObjectId: PIA.aadObjectId, roles: ['activityStaff', 'visitator', 'dementiaCoordinator', 'preventiveVisitor', 'networkWorker'] },
];
const text = (card: unknown) => textsOf(card).join(' | ');
/** Anything that would tell about Jens Hansen: his name, his CPR number as stored (masked), what Alex screened. (The CPR number as typed stays in its field.) */
const ABOUT_JENS = /Jens|Hansen|010150-xxxx|Gå ture|COPM|kendt i Aktiv Assistent/;

async function pendingFor(c: Conversation, who: Who): Promise<OutboxMessage[]> {
  return (await c.store.outbox.due(new Date('2100-01-01T00:00:00Z'))).filter((m) => m.target.kind === 'user' && m.target.user.aadObjectId === who.aadObjectId);
}

describe('a colleague with no relation to a citizen', () => {
  it('sees nothing of the citizen by any door, a throwaway screening included, until she breaks the glass; then the managers are told and the access log shows it', async () => {
    const c = await conversation({ seed, clock: new TestClock('2026-11-22T10:00:00Z') });
    for (const who of [ALEX, ADELE, NESTOR, PIA]) await c.say('hej', { from: who });
    // Alex screens Jens Hansen to a referral; Adele takes it.
    const referral = await referByScreening(c);
    await c.press('referral.take', { rid: referral.id }, { from: ADELE });
    const citizenId = referral.citizenId;
    const trailBefore = await c.store.audit.forCitizen(citizenId);
    const seen: unknown[] = [];
    const own = async (verb: string, data: Record<string, unknown>) => (await c.press(verb, data, { from: PIA })).body.value;
    const press = async (verb: string, data: Record<string, unknown>) => {
      const res = await c.press(verb, data, { from: PIA });
      seen.push(res.body.value, ...res.others);
      return res.body.value;
    };

    // 1. A throwaway screening of his CPR number, finished at once, is a first meeting: it opens nothing.
    // (Nor is she told that the bot knows him: screening.test.ts.)
    // (Her own screening's cards show the CPR number she typed, masked: not checked for it below.)
    let card = cardOf((await c.say('ny screening', { from: PIA }))[0]);
    card = await own('screening.submit', { ...actionsOf(card).find((a) => a.verb === 'screening.submit').data, cpr: '010150-1234', name: 'x y', livesAtHome: 'no', specialStaff: 'no' });
    const confirm = actionsOf(card).find((a) => a.verb === 'screening.confirm');
    expect(confirm, textsOf(card).join(' | ')).toBeDefined();
    const done = await c.press('screening.confirm', confirm.data, { from: PIA });
    expect(JSON.stringify([done.body.value, ...done.others])).not.toMatch(/Jens|Hansen|kendt i Aktiv Assistent/);
    // A reassessment by CPR: the answer for an unknown CPR number.
    card = cardOf((await c.say('genvurdering', { from: PIA }))[0]);
    const known = await press('screening.submit', { ...actionsOf(card).find((a) => a.verb === 'screening.submit').data, cpr: '010150-1234' });
    expect(text(known)).toContain('Du har ingen tidligere screening, henvisning eller tilknytning til en borger med det CPR-nummer');

    // Refusing the case she does not hold changes nothing.
    await press('referral.refuse', { rid: referral.id, reason: 'Hører ikke til her' });

    // 2. The visitators' queue and the case: what is needed to choose a case, no more.
    const queue = cardOf((await c.say('kø', { from: PIA }))[0]);
    seen.push(queue);
    expect(text(queue)).toContain('76 år');
    await press('referral.open', { rid: referral.id });
    await press('referral.followUp', { rid: referral.id, result: 'E1' });
    await press('referral.triageStart', { rid: referral.id });

    // 3. Her own citizens and a forged card for his.
    await press('visits.mine', {});
    await press('visits.citizen', { citizenId });
    await press('visits.planStart', { citizenId });

    // 4. Attaching by CPR: asked why first, the same as for a CPR number the bot does not know.
    const asked = await press('visits.attach', { cpr: '010150-1234', name: 'J. H.', service: 'demens', purpose: 'Opfølgning' });
    const askedUnknown = await press('visits.attach', { cpr: '020250-2345', name: 'J. H.', service: 'demens', purpose: 'Opfølgning' });
    expect(text(asked)).toContain('Skriv, hvorfor du skal tilknyttes borgeren.');
    expect(text(asked)).toBe(text(askedUnknown).replace('020250-2345', '010150-1234'));
    expect(inputOf(asked, 'cpr').value).toBe('010150-1234');

    // Nothing about Jens in any answer; no look-up in his access log; no manager told.
    for (const answer of seen) expect(JSON.stringify(answer)).not.toMatch(ABOUT_JENS);
    expect((await c.store.referrals.get(referral.id))!.status).toBe('taken');
    // In his access log: her own screening (the CPR look-up, the draft, the result), audited as any; nothing else.
    const since = (await c.store.audit.forCitizen(citizenId)).slice(trailBefore.length);
    expect(since.every((e) => e.actor.aadObjectId === PIA.aadObjectId && e.purpose === 'screening')).toBe(true);
    expect(await pendingFor(c, NESTOR)).toEqual([]);

    // Breaking the glass: with a reason she is attached and sees him; the manager is told, with a neutral preview.
    const attached = await press('visits.attach', { cpr: '010150-1234', name: 'J. H.', service: 'demens', purpose: 'Opfølgning', reason: 'Egen læge bad om en demensudredning' });
    expect(text(attached)).toContain('Jens Hansen, 010150-xxxx');
    const told = await pendingFor(c, NESTOR);
    expect(told).toHaveLength(1);
    expect(told[0]!.payload.summary).toBe('En medarbejder har tilknyttet sig en borger med begrundelse');
    const hers = (await c.store.audit.forCitizen(citizenId)).filter((e) => e.actor.aadObjectId === PIA.aadObjectId && e.purpose !== 'screening');
    // The look-up of the CPR number, the break itself, then his card shown to her.
    expect(hers.map((e) => e.action)).toEqual(['read', 'create', 'read']);
    expect(hers[1]).toMatchObject({ action: 'create', what: 'tilknytning uden forudgående relation, med begrundelse (Demenskoordinator)', reason: 'Egen læge bad om en demensudredning' });
    // Now related, the case opens with the details for her too.
    expect(text(await press('referral.open', { rid: referral.id }))).toContain('Jens Hansen');
    expect((await c.store.attachments.listByCitizen(citizenId)).filter((a) => a.staff.aadObjectId === PIA.aadObjectId && a.status === 'active')).toHaveLength(1);
  });
});
