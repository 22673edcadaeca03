// Visitation through the real Application: the visitators' channel, referral cards with no personal
// data, take (one winner), refuse, hand over, open (details only in a personal chat), Fælles Sprog
// triage from the rule sets in force, decision with advis and draft letter, direct referrals, the
// queue, follow-ups, role refusals and forged payloads.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadRolesFile } from '../../src/services/directory.js';
import { remindFollowUps } from '../../src/flows/index.js';
import { projectRoot } from '../../src/paths.js';
import type { OutboxMessage, Referral } from '../../src/store/index.js';
import { ALEX, MEGAN, TENANT, type Who } from '../helpers/activities.js';
import { actionsOf, cardOf, closeAll, conversation, inputOf, shownText, textsOf, type Conversation } from '../helpers/conversation.js';
import { TestClock } from '../helpers/clock.js';
import { referByScreening } from '../helpers/referral.js';

afterEach(closeAll);

const ADELE: Who = { id: '29:adele', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-000000000022' };
const LEE: Who = { id: '29:lee', name: 'Lee Gu', aadObjectId: '00000000-0000-0000-0000-000000000023' };
const NESTOR: Who = { id: '29:nestor', name: 'Nestor Wilke', aadObjectId: '00000000-0000-0000-0000-000000000024' };
const CHANNEL = '19:visitation@thread.tacv2';
const inChannel = { conversationType: 'channel' as const, conversationId: `${CHANNEL};messageid=1` };
const key = (w: Who) => ({ tenantId: TENANT, aadObjectId: w.aadObjectId });
const text = (card: any) => textsOf(card).join(' | ');

const clock = new TestClock('2026-11-22T10:00:00Z');

async function setup(options: { channel?: boolean } = {}) {
  clock.set('2026-11-22T10:00:00Z');
  const seed = [
    ...loadRolesFile(path.join(projectRoot, 'test/fixtures/roles.json')),
    { aadObjectId: MEGAN.aadObjectId, name: MEGAN.name, roles: ['visitator' as const] },
    { aadObjectId: NESTOR.aadObjectId, name: NESTOR.name, roles: ['activityStaff' as const] },
  ];
  // Teams mode (an app id), as in production: cards refresh per visitator there.
  const c = await conversation({ seed, clock, config: { credentials: { appId: '99999999-9999-4999-8999-999999999999', type: 'SingleTenant', password: 'x', tenantId: TENANT } } });
  // Everyone says hello once, so the directory knows their Teams ids (for refresh and handover).
  for (const who of [ALEX, MEGAN, ADELE, LEE, NESTOR]) await c.say('hej', { from: who });
  if (options.channel !== false) {
    const [reply] = await c.say('sæt som visitationskanal', { ...inChannel, from: ADELE });
    expect(reply?.text).toContain('Denne kanal er nu visitationskanal');
  }
  return c;
}

async function pending(c: Conversation, filter: (m: OutboxMessage) => boolean = () => true): Promise<OutboxMessage[]> {
  return (await c.store.outbox.due(new Date(clock.now().getTime() + 3600_000))).filter(filter);
}
const toChannel = (m: OutboxMessage) => m.target.kind === 'conversation' && m.target.conversationId === CHANNEL;
const toUser = (w: Who) => (m: OutboxMessage) => m.target.kind === 'user' && m.target.user.aadObjectId === w.aadObjectId;

describe('the visitators\' channel', () => {
  it('is set by a visitator writing in a channel; others are refused', async () => {
    const c = await setup({ channel: false });
    const [refused] = await c.say('sæt som visitationskanal', { ...inChannel, from: LEE });
    expect(refused?.text).toBe('Kun visitatorer kan vælge visitationskanalen.');
    const [personal] = await c.say('sæt som visitationskanal', { from: ADELE });
    expect(personal?.text).toMatch(/i den kanal i et team/);
    const [ok] = await c.say('sæt som visitationskanal', { ...inChannel, from: ADELE });
    expect(ok?.text).toContain('Denne kanal er nu visitationskanal');
    expect(await c.store.settings.get('visitationChannel')).toMatchObject({ conversationId: CHANNEL }); // the channel, not the thread
  });

  it('can also be set with the button on the help card in the channel', async () => {
    const c = await setup({ channel: false });
    const [help] = await c.say('hjælp', { ...inChannel, from: ADELE });
    const button = actionsOf(cardOf(help)).find((a) => a.verb === 'visitation.setChannel');
    expect(button.title).toBe('Brug denne kanal til henvisninger');
    const [lee] = await c.say('hjælp', { ...inChannel, from: LEE });
    expect(actionsOf(cardOf(lee)).some((a) => a.verb === 'visitation.setChannel')).toBe(false);
    const res = await c.press('visitation.setChannel', {}, { ...inChannel, from: ADELE });
    expect(text(res.body.value)).toContain('Denne kanal er nu visitationskanal');
    expect(await c.store.settings.get('visitationChannel')).toMatchObject({ conversationId: CHANNEL });
    const refused = await c.press('visitation.setChannel', {}, { ...inChannel, from: LEE });
    expect(text(refused.body.value)).toContain('Kun visitatorer kan vælge visitationskanalen.');
  });

  it('gets a card for each referral with no CPR, name, initials or health data, and a preview without them', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    const [card] = await pending(c, toChannel);
    expect(card).toBeDefined();
    const json = JSON.stringify(card!.payload);
    for (const secret of ['Jens', 'Hansen', 'J.H', 'JH', '010150', '0101501234', 'Gå ture', 'COPM', 'omfattende', 'extensive']) expect(json).not.toContain(secret);
    expect(card!.payload.summary).toBe(`Ny henvisning ${referral.caseNumber}`);
    expect(text(card!.payload.card)).toMatch(/Henvisning V-2026-0001 \| Fra Screening på aktivitetscenter \| Modtaget 22\.11\.2026 \| Status Ny/);
    // Each visitator's own buttons come through Universal Actions refresh; with Action.Submit there is one shared card.
    if (c.cardActions === 'execute') expect((card!.payload.card as any).refresh.userIds.sort()).toEqual([ADELE.id, MEGAN.id].sort());
    else expect((card!.payload.card as any).refresh).toBeUndefined();
    expect(card!.reportTo).toMatchObject(key(ALEX));
  });

  it('leaves out the per-visitator refresh in local mode, which the Agents Playground does not support', async () => {
    const seed = loadRolesFile(path.join(projectRoot, 'test/fixtures/roles.json'));
    const c = await conversation({ seed, clock });
    await c.say('hej', { from: ADELE });
    await c.say('sæt som visitationskanal', { ...inChannel, from: ADELE });
    await referByScreening(c);
    const [card] = await pending(c, toChannel);
    expect((card!.payload.card as any).refresh).toBeUndefined();
  });

  it('without a channel the referral waits in the queue, marked not announced, and is announced when a channel is set', async () => {
    const c = await setup({ channel: false });
    await referByScreening(c);
    expect(await pending(c, (m) => m.target.kind === 'conversation')).toHaveLength(0);
    const [queue] = await c.say('kø', { from: ADELE });
    expect(text(cardOf(queue))).toMatch(/ingen visitationskanal endnu/);
    // What a visitator needs to choose a case: no name, no CPR, but the age and the proposal.
    expect(text(cardOf(queue))).toMatch(/Ny · 0 dage · Screening på aktivitetscenter · 76 år · forslag: henvisning til visitation · ikke meddelt i kanalen/);
    expect(text(cardOf(queue))).not.toMatch(/Jens|010150/);
    const [set] = await c.say('sæt som visitationskanal', { ...inChannel, from: ADELE });
    expect(set?.text).toContain('Kortet for en henvisning, der ventede, sendes nu hertil.');
    expect(await pending(c, toChannel)).toHaveLength(1);
  });
});

describe('taking, refusing, handing over', () => {
  it('a visitator takes the case in the channel: her own buttons, the shared card updated in place, the referrer told', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    const res = await c.press('referral.take', { rid: referral.id }, { ...inChannel, from: ADELE });
    expect(actionsOf(res.body.value).map((a: any) => a.title)).toEqual(['Vurdér (Fælles Sprog)', 'Overdrag', 'Åbn', 'Afvis']);
    if (c.cardActions === 'execute') expect(res.body.value.refresh.action.verb).toBe('referral.refresh'); // her own view, refreshed per visitator
    else expect(res.body.value.refresh).toBeUndefined(); // Action.Submit: one shared card, no per-user views
    expect(text(res.body.value)).toContain('Status Taget af Adele Vance');
    const stored = await c.store.referrals.get(referral.id);
    expect(stored).toMatchObject({ status: 'taken', holder: key(ADELE) });
    const update = (await pending(c, (m) => m.operation === 'update'))[0]!;
    expect(update.updates).toBe((await pending(c, toChannel)).find((m) => m.operation === 'send')!.id);
    expect(text(update.payload.card)).toContain('Taget af Adele Vance');
    expect((await pending(c, toUser(ALEX))).map((m) => m.payload.text)).toContain(`Din henvisning ${referral.caseNumber} er taget af visitator Adele Vance.`);
  });

  it('two visitators pressing "Tag sagen" at once: exactly one gets it, the other is told who did', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    const [a, m] = await Promise.all([
      c.press('referral.take', { rid: referral.id }, { ...inChannel, from: ADELE }),
      c.press('referral.take', { rid: referral.id }, { ...inChannel, from: MEGAN }),
    ]);
    const texts = [text(a.body.value), text(m.body.value)];
    const holder = (await c.store.referrals.get(referral.id))!.holder!;
    const holderName = holder.aadObjectId === ADELE.aadObjectId ? 'Adele Vance' : 'Megan Bowen';
    if (c.cardActions === 'execute') {
      // Each sees their own answer: the loser is told who took it.
      expect(texts.filter((x) => x.includes('Sagen er allerede taget af'))).toHaveLength(1);
      expect(texts.find((x) => x.includes('allerede'))!).toContain(holderName);
    } else {
      // Action.Submit: the card everyone sees says who took it.
      for (const x of texts) expect(x).toContain(`Status Taget af ${holderName}`);
    }
  });

  it('another writer (a second bot instance) changes the case between the read and the save: nothing of the turn is kept, and the visitator sees the case as it is now', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    const auditBefore = (await c.store.audit.forCitizen(referral.citizenId)).length;
    const messagesBefore = (await pending(c)).length;
    // Just before Adele's take is saved, Megan's take lands through another instance: straight into the
    // store's engine, past this process's transactions.
    const engine = (c.store as any).engine;
    const save = c.store.referrals.save;
    c.store.referrals.save = async (r) => {
      c.store.referrals.save = save;
      const now = engine.get('referrals', r.id);
      await engine.commit([{ c: 'referrals', k: r.id, v: { ...now, status: 'taken', holder: key(MEGAN), version: now.version + 1 } }]);
      return save(r);
    };
    const res = await c.press('referral.take', { rid: referral.id }, { ...inChannel, from: ADELE });
    expect(textsOf(res.body.value)[0]).toBe('⚠ Nogen andre ændrede det samme, mens du arbejdede, så det, du gjorde, er ikke gemt. Sådan ser det ud nu. Se det igennem, og gør det igen, hvis det stadig er nødvendigt.');
    expect(text(res.body.value)).toContain('Taget af Megan Bowen');
    const stored = (await c.store.referrals.get(referral.id))!;
    expect(stored).toMatchObject({ holder: key(MEGAN), version: referral.version! + 1 });
    // Adele's "taken" entry in the case history went with the rest of her turn.
    expect((stored.data as { history: { byName: string; action: string }[] }).history.filter((h) => h.action === 'taken')).toEqual([]);
    // Not Adele's audit entry, not her messages to the channel or the referrer.
    const trail = await c.store.audit.forCitizen(referral.citizenId);
    expect(trail.filter((e) => e.actor.aadObjectId === ADELE.aadObjectId && e.action !== 'read')).toEqual([]);
    expect(trail.length).toBeLessThanOrEqual(auditBefore + 1); // at most the look at the case as it is now
    expect((await pending(c)).length).toBe(messagesBefore);
  });

  it('the store decides the race even without the per-conversation queue (versions)', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    const results = await Promise.allSettled([
      c.store.referrals.save({ ...referral, status: 'taken', holder: key(ADELE) }),
      c.store.referrals.save({ ...referral, status: 'taken', holder: key(MEGAN) }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.name)).toEqual(['ConflictError']);
    expect((await c.store.referrals.get(referral.id))!.holder).toEqual(key(ADELE));
  });

  it('refuses a colleague without the visitator role, on the server, and changes nothing', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    const res = await c.press('referral.take', { rid: referral.id }, { ...inChannel, from: LEE });
    expect(textsOf(res.body.value)[0]).toBe('Det kræver en anden rolle');
    expect((await c.store.referrals.get(referral.id))!.status).toBe('new');
  });

  it('"Åbn" in the channel sends the case to the presser\'s personal chat only: what the queue shows until she takes it, then the details, audited', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    const res = await c.press('referral.open', { rid: referral.id }, { ...inChannel, from: ADELE });
    // Only the presser sees the note with Action.Execute; with Action.Submit the card is the channel's.
    if (c.cardActions === 'execute') expect(text(res.body.value)).toContain('Detaljerne er sendt til din personlige chat');
    else expect(text(res.body.value)).not.toContain('er sendt til din personlige chat');
    expect(text(res.body.value)).not.toContain('Jens');
    const trailBefore = await c.store.audit.forCitizen(referral.citizenId);
    // No relation to the citizen yet (the open queue is one only to what she needs to choose a case).
    const caseOnly = text((await pending(c, toUser(ADELE)))[0]!.payload.card);
    expect(caseOnly).toMatch(/Alder 76 år/);
    expect(caseOnly).toMatch(/Forslag Henvisning til visitation/);
    expect(caseOnly).toContain('Borgerens navn, CPR-nummer og screeningen vises, når du har taget sagen.');
    expect(caseOnly).not.toMatch(/Jens|010150|Afgjort af|COPM/);
    expect(await c.store.audit.forCitizen(referral.citizenId)).toEqual(trailBefore);
    await c.press('referral.take', { rid: referral.id }, { ...inChannel, from: ADELE });
    clock.set('2026-11-22T10:05:00Z');
    await c.press('referral.open', { rid: referral.id }, { ...inChannel, from: ADELE });
    const details = text((await pending(c, toUser(ADELE))).at(-1)!.payload.card);
    expect(details).toMatch(/Borger Jens Hansen, 010150-xxxx, 76 år/);
    expect(details).toMatch(/Afgjort af støtte til aktiviteter, pleje og omsorg i timerne/);
    const trail = await c.store.audit.forCitizen(referral.citizenId);
    expect(trail.at(-1)).toMatchObject({ action: 'read', purpose: 'visitation', actor: { aadObjectId: ADELE.aadObjectId } });
  });

  it('"Vurdér" on the channel card sends the triage card to the holder\'s personal chat, never to the channel', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    await c.press('referral.take', { rid: referral.id }, { ...inChannel, from: ADELE });
    const res = await c.press('referral.triageStart', { rid: referral.id }, { ...inChannel, from: ADELE });
    if (c.cardActions === 'execute') expect(text(res.body.value)).toContain('Næste trin er sendt til din personlige chat');
    else expect(text(res.body.value)).not.toContain('er sendt til din personlige chat');
    const triage = (await pending(c, toUser(ADELE))).find((m) => m.payload.card && text(m.payload.card).includes('Vurdering i Fælles Sprog'));
    expect(inputOf(triage!.payload.card, 'fs_5')).toBeDefined();
  });

  it('refusing needs a reason; the referrer gets it, the channel card shows "Afvist"', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    const start = await c.press('referral.refuseStart', { rid: referral.id }, { ...inChannel, from: ADELE });
    if (c.cardActions === 'execute') expect(inputOf(start.body.value, 'reason')).toBeDefined();
    else {
      // Action.Submit replaces the channel card for everyone: the form goes to her personal chat instead.
      expect(inputOf(start.body.value, 'reason')).toBeUndefined();
      expect(text(start.body.value)).toContain('Status Ny');
      const form = (await pending(c, toUser(ADELE))).find((m) => m.payload.card && inputOf(m.payload.card, 'reason'));
      expect(text(form!.payload.card)).toContain('Afvis henvisningen');
    }
    const empty = await c.press('referral.refuse', { rid: referral.id, reason: ' ' }, { ...inChannel, from: ADELE });
    expect(text(empty.body.value)).toContain('Skriv en begrundelse.');
    expect((await c.store.referrals.get(referral.id))!.status).toBe('new');
    await c.press('referral.refuse', { rid: referral.id, reason: 'Borgeren er allerede visiteret til dagcenter' }, { ...inChannel, from: ADELE });
    expect((await c.store.referrals.get(referral.id))!.status).toBe('refused');
    expect((await pending(c, toUser(ALEX))).some((m) => m.payload.text?.includes('Begrundelse: Borgeren er allerede visiteret til dagcenter'))).toBe(true);
    expect(text((await pending(c, (m) => m.operation === 'update')).at(-1)!.payload.card)).toContain('Status Afvist');
  });

  it('hands a case to another visitator, who is told; the first can no longer act on it', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    await c.press('referral.take', { rid: referral.id }, { from: ADELE });
    const form = await c.press('referral.handoverStart', { rid: referral.id }, { from: ADELE });
    expect(inputOf(form.body.value, 'to').choices.map((x: any) => x.title)).toEqual(['Megan Bowen']);
    const done = await c.press('referral.handover', { rid: referral.id, to: MEGAN.aadObjectId }, { from: ADELE });
    expect(text(done.body.value)).toContain('Sagen er overdraget til Megan Bowen.');
    expect((await c.store.referrals.get(referral.id))!.holder).toMatchObject(key(MEGAN));
    // Megan is told with a card: one press opens the case (or the queue); the preview names nobody.
    const told = (await pending(c, toUser(MEGAN))).find((m) => m.idempotencyKey.startsWith('told-handover:'))!;
    expect(text(told.payload.card)).toContain(`Adele Vance har overdraget sag ${referral.caseNumber} til dig.`);
    expect(told.payload.summary).toBe('Nyt om en henvisning');
    const open = actionsOf(told.payload.card).find((a) => a.verb === 'referral.open');
    expect(actionsOf(told.payload.card).map((a) => a.title)).toEqual(['Åbn sagen', 'Visitationskøen']);
    const opened = await c.press(open.verb, open.data, { from: MEGAN });
    expect(text(opened.body.value)).toContain(referral.caseNumber);
    expect(text(opened.body.value)).toContain('Jens Hansen');
    const triage = await c.press('referral.triageStart', { rid: referral.id }, { from: ADELE });
    expect(text(triage.body.value)).toContain('Det kan kun den visitator, der har sagen.');
  });
});

describe('Fælles Sprog triage and decision', () => {
  async function taken() {
    const c = await setup();
    const referral = await referByScreening(c);
    await c.press('referral.take', { rid: referral.id }, { from: ADELE });
    return { c, referral };
  }

  it('builds the triage card from the rule sets in force, one input per area on the Danish scale, with the legal-review warning', async () => {
    const { c, referral } = await taken();
    const form = await c.press('referral.triageStart', { rid: referral.id }, { from: ADELE });
    const card = form.body.value;
    expect(['fs_3', 'fs_5', 'fs_6', 'fs_7'].map((id) => inputOf(card, id)?.label)).toEqual(['3. Mobilitet (vigtigt)', '5. Aktivitet (kerneområde)', '6. Socialt samvær og netværk (kerneområde)', '7. Mental/psykisk tilstand (vigtigt)']);
    expect(inputOf(card, 'fs_5').choices.map((x: any) => x.title)).toEqual(['0 – Ingen/ubetydelige begrænsninger', '1 – Lette begrænsninger', '2 – Moderate begrænsninger', '3 – Svære begrænsninger', '4 – Totale begrænsninger', '9 – Ikke relevant']);
    expect(text(card)).toContain('mærket til juridisk gennemgang');
    const missing = await c.press('referral.triage', { rid: referral.id, fs_3: '3', fs_5: '3' }, { from: ADELE });
    expect(inputOf(missing.body.value, 'fs_3').value).toBe('3');
    expect(text(missing.body.value)).toContain('Vælg en score.');
  });

  it('shows which offers the scores meet and why, then decides: advis to the centre, a draft letter, the card "Afgjort"', async () => {
    const { c, referral } = await taken();
    const res = await c.press('referral.triage', { rid: referral.id, fs_3: '3', fs_5: '9', fs_6: '3', fs_7: '2' }, { from: ADELE });
    const card = res.body.value;
    expect(text(card)).toContain('✓ Opfylder kriterierne for Vedligeholdende tilbud på aktivitetscenter');
    expect(text(card)).toContain('✗ Opfylder ikke kriterierne for Vedligeholdende forløb i eget hjem');
    expect(text(card)).toContain('✗ 5. Aktivitet: 9, ikke relevant (kræver mindst 3)');
    expect(text(card)).toContain('✓ 6. Socialt samvær og netværk: 3 (kræver mindst 3)');
    expect(inputOf(card, 'offer').choices.map((x: any) => x.value)).toEqual(['centre', 'single', 'refused']);
    // The legal-review note once, though both rule sets carry it; no rule-set ids, the legal basis in words.
    const review = textsOf(card).filter((s: string) => s.includes('kommunens jurister skal gennemgå'));
    expect(review).toHaveLength(1);
    expect(review[0]).toMatch(/^⚠ /);
    expect(JSON.stringify(card)).not.toMatch(/aeldreloven-vedligeholdende|version 1\b/);
    expect(text(card)).toContain('Lovgrundlag: ');
    const forged = await c.press('referral.decide', { ...actionsOf(card).find((a) => a.verb === 'referral.decide').data, offer: 'home', purpose: 'x' }, { from: ADELE });
    expect(text(forged.body.value)).toContain('Vælg et af de tilbud, kriterierne giver');
    expect((await c.store.referrals.get(referral.id))!.status).toBe('taken');
    // An offer at a centre needs the centre, the days and transport; what was typed stays.
    const decideRef = actionsOf(card).find((a) => a.verb === 'referral.decide').data;
    expect(inputOf(card, 'centre').choices.map((x: any) => x.title)).toEqual(['Aktivitetscenter Nord (eksempel)', 'Aktivitetscenter Syd (eksempel)', 'Lokalcentret (eksempel)']);
    const incomplete = await c.press('referral.decide', { ...decideRef, offer: 'centre', purpose: 'Komme ud', centre: '', daysPerWeek: '', transport: '' }, { from: ADELE });
    expect(text(incomplete.body.value)).toContain('⚠ Vælg centret.');
    expect(text(incomplete.body.value)).toContain('⚠ Vælg, hvor mange dage om ugen.');
    expect(text(incomplete.body.value)).toContain('⚠ Vælg, om kørsel er bevilget.');
    expect(inputOf(incomplete.body.value, 'purpose').value).toBe('Komme ud');
    const forgedCentre = await c.press('referral.decide', { ...decideRef, offer: 'centre', purpose: 'Komme ud', centre: 'et-andet-sted', daysPerWeek: '9', transport: 'yes' }, { from: ADELE });
    expect(text(forgedCentre.body.value)).toContain('⚠ Vælg centret.');
    expect(text(forgedCentre.body.value)).toContain('⚠ Vælg, hvor mange dage om ugen.');
    expect((await c.store.referrals.get(referral.id))!.status).toBe('taken');
    const decided = await c.press('referral.decide', { ...decideRef, offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'Komme ud og mødes med andre to gange om ugen', startDate: '2026-12-01' }, { from: ADELE });
    expect(text(decided.body.value)).toContain('Afgørelsen er gemt');
    const stored = await c.store.referrals.get(referral.id);
    expect(stored!.status).toBe('decided');
    const decision = (stored!.data as any).decision;
    expect(decision).toMatchObject({ offer: 'centre', centre: { id: 'nord', name: 'Aktivitetscenter Nord (eksempel)' }, daysPerWeek: 2, transport: true, scores: { '3': 3, '5': 9, '6': 3, '7': 2 }, decidedBy: key(ADELE) });
    expect(text(decided.body.value)).toContain('Vedligeholdende tilbud på aktivitetscenter: Aktivitetscenter Nord (eksempel), 2 dage om ugen, med kørsel');
    expect(decision.ruleSets.map((s: any) => s.id)).toEqual(['aeldreloven-vedligeholdende-center-2025', 'aeldreloven-vedligeholdende-hjem-2025']);
    // Recomputed from what was stored, the decision's basis comes out the same.
    const { assess } = await import('../../src/domain/faellesSprog.js');
    const { loadVisitationRuleSets } = await import('../../rules/index.js');
    const again = assess(loadVisitationRuleSets(), decision.scores, decision.decidedAt.slice(0, 10));
    expect(again.map((a) => ({ id: a.set.id, met: a.evaluation.met }))).toEqual(decision.met);
    expect((stored!.data as any).followUp).toMatchObject({ kind: 'yearly', dueAt: '2027-11-22T10:00:00.000Z' });
    const letter = shownText(decided.others[0]);
    // A letter to the citizen: where, how often, from when, transport; the assessment in words; the placeholders.
    expect(letter.split('\n').slice(0, 6)).toEqual(['UDKAST TIL AFGØRELSE (kopiér ind i kommunens brevskabelon)', `Sag ${referral.caseNumber} · 22.11.2026`, 'Til Jens Hansen (CPR 010150-xxxx)', '', 'Kære Jens Hansen', '']);
    expect(letter).toContain('Du er bevilget et vedligeholdende tilbud på Aktivitetscenter Nord (eksempel), 2 dage om ugen fra 01.12.2026.');
    expect(letter).toContain('Du er bevilget kørsel til og fra centret.');
    expect(letter).toContain('Formålet, som vi har aftalt med dig: Komme ud og mødes med andre to gange om ugen');
    expect(letter).toContain('• Mobilitet: svære begrænsninger (3)');
    expect(letter).toContain('• Aktivitet: ikke relevant for dig');
    expect(letter).toContain('• Mental/psykisk tilstand: moderate begrænsninger (2)');
    expect(letter).not.toMatch(/\b[357]: \d/);
    expect(letter).toContain('Klagevejledning: [KOMMUNEN UDFYLDER');
    expect(letter.split('\n').slice(-3)).toEqual(['Med venlig hilsen', 'Adele Vance', 'Visitationen']);
    const advis = (await pending(c, toUser(ALEX))).find((m) => m.topic?.kind === 'referral.advis')!;
    expect(text(advis.payload.card)).toContain('Bevilget: Vedligeholdende tilbud på aktivitetscenter');
    expect(text(advis.payload.card)).toContain('Hvor og hvor tit: Aktivitetscenter Nord (eksempel), 2 dage om ugen, med kørsel');
    expect(text(advis.payload.card)).not.toMatch(/Aktivitet: 9|Mobilitet/); // no function scores in the advis
    expect(text((await pending(c, (m) => m.operation === 'update')).at(-1)!.payload.card)).toContain('Status Afgjort');
  });

  it('with no start date chosen, the letter says the centre agrees the start with the citizen, and names no date', async () => {
    const { c, referral } = await taken();
    const res = await c.press('referral.triage', { rid: referral.id, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
    const ref = actionsOf(res.body.value).find((a) => a.verb === 'referral.decide').data;
    const ok = await c.press('referral.decide', { ...ref, offer: 'centre', centre: 'syd', daysPerWeek: '1', transport: 'no', purpose: 'Træne balancen' }, { from: ADELE });
    const letter = shownText(ok.others[0]);
    expect(letter).toContain('Du er bevilget et vedligeholdende tilbud på Aktivitetscenter Syd (eksempel), 1 dag om ugen. Tilbuddet');
    expect(letter).toContain('Centret aftaler med dig, hvornår du begynder.');
    expect(letter).toContain('Kørsel er ikke bevilget; du sørger selv for at komme til og fra centret.');
    expect(letter).not.toMatch(/om ugen,? fra /);
  });

  it('a home course ends at most 3 months after its start, printed on the letter', async () => {
    const { c, referral } = await taken();
    const res = await c.press('referral.triage', { rid: referral.id, fs_3: '4', fs_5: '3', fs_6: '0', fs_7: '0' }, { from: ADELE });
    const ref = actionsOf(res.body.value).find((a) => a.verb === 'referral.decide').data;
    const bad = await c.press('referral.decide', { ...ref, offer: 'home', purpose: 'Klare trappen', startDate: '2026-13-01' }, { from: ADELE });
    expect(text(bad.body.value)).toContain('Skriv datoen som DD.MM.ÅÅÅÅ');
    const ok = await c.press('referral.decide', { ...ref, offer: 'home', purpose: 'Klare trappen', startDate: '2026-11-30', trainingByCarer: 'yes' }, { from: ADELE });
    expect((await c.store.referrals.get(referral.id))!.data).toMatchObject({ decision: { endDate: '2027-02-28', trainingByCarer: true } });
    expect(shownText(ok.others[0])).toContain('fra 30.11.2026 til og med 28.02.2027 (højst 3 måneder)');
    expect(shownText(ok.others[0])).toContain('Træning ved hjælper');
  });

  it('a stale decision card (the case changed meanwhile) changes nothing', async () => {
    const { c, referral } = await taken();
    const res = await c.press('referral.triage', { rid: referral.id, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
    const ref = actionsOf(res.body.value).find((a) => a.verb === 'referral.decide').data;
    await c.press('referral.triage', { rid: referral.id, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
    const stale = await c.press('referral.decide', { ...ref, offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'x' }, { from: ADELE });
    expect(text(stale.body.value)).toContain('Sagen er ændret imens');
    expect((await c.store.referrals.get(referral.id))!.status).toBe('taken');
  });

  it('the visitator decides seeing what the screening found: each activity with its COPM scores, the profile answers, transport and the centre\'s note; a visitator with no relation sees none of it', async () => {
    const c = await setup();
    const referral = await referByScreening(c, { performance: '4', satisfaction: '3' }, 'Borgeren er nyligt blevet enke og kommer sjældent ud');
    const lines = [
      'Gå ture (Aktiv fritid): vigtighed 9, udførelse 4, tilfredshed 3',
      'Støtte til aktiviteter: Omfattende eller fuldstændig støtte',
      'Støtte til sociale relationer: Ingen støtte',
      'Pleje og omsorg i timerne: Ja',
      'Transport: Har brug for transport pga. nedsat mobilitet',
      'Bemærkning fra centret: Borgeren er nyligt blevet enke og kommer sjældent ud',
    ];
    // Before taking it: the queue's facts only.
    const before = await c.press('referral.open', { rid: referral.id }, { from: ADELE });
    for (const l of lines) expect(text(before.body.value)).not.toContain(l);
    await c.press('referral.take', { rid: referral.id }, { from: ADELE });
    const details = await c.press('referral.open', { rid: referral.id }, { from: ADELE });
    for (const l of lines) expect(text(details.body.value)).toContain(`• ${l}`);
    // Beside the scoring too.
    const triage = await c.press('referral.triageStart', { rid: referral.id }, { from: ADELE });
    expect(text(triage.body.value)).toContain('Fra screeningen');
    for (const l of lines) expect(text(triage.body.value)).toContain(`• ${l}`);
  });

  it('centre staff who referred may add an indicative pre-triage, which the visitator sees', async () => {
    const { c, referral } = await taken();
    const form = await c.press('referral.triageStart', { rid: referral.id }, { from: ALEX });
    expect(text(form.body.value)).toContain('Foreløbig vurdering (vejledende)');
    const saved = await c.press('referral.triage', { rid: referral.id, fs_3: '2', fs_5: '3', fs_6: '3', fs_7: '1' }, { from: ALEX });
    // What it would meet, with the legal-review note once.
    expect(textsOf(saved.body.value).filter((s: string) => s.includes('kommunens jurister skal gennemgå'))).toHaveLength(1);
    expect((await c.store.referrals.get(referral.id))!.data).toMatchObject({ preTriage: { scores: { '5': 3 } } });
    const details = await c.press('referral.open', { rid: referral.id }, { from: ADELE });
    expect(text(details.body.value)).toContain('Foreløbig vurdering fra centret (Alex Wilber): Mobilitet 2, Aktivitet 3, Socialt samvær og netværk 3, Mental/psykisk tilstand 1');
    expect((await c.store.referrals.get(referral.id))!.status).toBe('taken');
  });

  it('follows another municipality\'s rule set (Fælles Sprog III codes, another structure, another date) with no code change', async () => {
    const seed = [...loadRolesFile(path.join(projectRoot, 'test/fixtures/roles.json'))];
    const c = await conversation({ seed, clock, visitationRulesDir: path.join(projectRoot, 'test/fixtures/rules-fs3') });
    for (const who of [ALEX, ADELE]) await c.say('hej', { from: who });
    const referral = await referByScreening(c);
    await c.press('referral.take', { rid: referral.id }, { from: ADELE });
    const form = (await c.press('referral.triageStart', { rid: referral.id }, { from: ADELE })).body.value;
    expect(['fs_J3.8', 'fs_J4.2', 'fs_J4.6'].map((id) => inputOf(form, id)?.label)).toEqual(['J3.8 Gå (vigtigt)', 'J4.2 Hukommelse (vigtigt)', 'J4.6 Energi og handlekraft (kerneområde)']);
    expect(inputOf(form, 'fs_5')).toBeUndefined();
    const res = (await c.press('referral.triage', { rid: referral.id, 'fs_J3.8': '3', 'fs_J4.2': '2', 'fs_J4.6': '1' }, { from: ADELE })).body.value;
    expect(text(res)).toContain('✓ Opfylder kriterierne for Vedligeholdende tilbud på aktivitetscenter');
    expect(text(res)).toContain('✓ Ikke dette:');
    expect(inputOf(res, 'offer').choices.map((x: any) => x.value)).toEqual(['centre', 'single', 'refused']);
    await c.press('referral.decide', { ...actionsOf(res).find((a) => a.verb === 'referral.decide').data, offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'Energi i hverdagen' }, { from: ADELE });
    expect((await c.store.referrals.get(referral.id))!.data).toMatchObject({ decision: { ruleSets: [{ id: 'test-fs3-vedligeholdende-center' }], scores: { 'J3.8': 3 } } });
  });

  it('a forged referral id is answered plainly', async () => {
    const c = await setup();
    const res = await c.press('referral.take', { rid: '00000000-0000-4000-8000-000000000000' }, { from: ADELE });
    expect(text(res.body.value)).toContain('Den henvisning findes ikke');
  });
});

describe('direct referrals, the queue and follow-ups', () => {
  it('any staff member refers a citizen directly; bad input is kept on the same card', async () => {
    const c = await setup();
    const [form] = await c.say('henvis', { from: LEE });
    expect(inputOf(cardOf(form), 'askedBy')).toBeDefined();
    const bad = await c.press('referral.createDirect', { cpr: '310299-1234', name: 'Else Berg', askedBy: 'relative', reason: '' }, { from: LEE });
    expect(text(bad.body.value)).toMatch(/gyldig fødselsdato.*Skriv kort, hvorfor/);
    expect(inputOf(bad.body.value, 'name').value).toBe('Else Berg');
    expect(await c.store.referrals.listOpen()).toHaveLength(0);
    const future = await c.press('referral.createDirect', { cpr: '070747-7777', name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig' }, { from: LEE });
    expect(text(future.body.value)).toContain('CPR-nummeret giver fødselsdatoen 07.07.2047, som ligger i fremtiden.');
    expect(inputOf(future.body.value, 'reason').value).toBe('Isolerer sig');
    expect(await c.store.referrals.listOpen()).toHaveLength(0);
    const ok = await c.press('referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'relative', reason: 'Datteren oplever, at moren isolerer sig', unit: 'hjemmeplejen' }, { from: LEE });
    expect(text(ok.body.value)).toContain('Henvisning V-2026-0001 ligger i visitationens kø');
    const [card] = await pending(c, toChannel);
    expect(text(card!.payload.card)).toContain('Fra Direkte henvisning fra Hjemmeplejen');
    expect(JSON.stringify(card!.payload)).not.toMatch(/Else|120340|isolerer/);
  });

  it('the unit is a choice from the municipality\'s list; anything typed is refused on the same card and never reaches the channel', async () => {
    const c = await setup();
    const [form] = await c.say('henvis', { from: LEE });
    const unit = inputOf(cardOf(form), 'unit');
    expect(unit.type).toBe('Input.ChoiceSet');
    expect(unit.choices.map((x: { title: string }) => x.title)).toContain('Hjemmeplejen');
    // A forged press with free text (a name and a diagnosis) in the unit.
    const forged = await c.press('referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig', unit: 'Karen Sørensens datter (demens)' }, { from: LEE });
    expect(text(forged.body.value)).toContain('Vælg en enhed på listen (eller ingen).');
    expect(inputOf(forged.body.value, 'reason').value).toBe('Isolerer sig');
    expect(await c.store.referrals.listOpen()).toHaveLength(0);
    expect(await pending(c, toChannel)).toHaveLength(0);
    // No unit at all is fine: "Direkte henvisning".
    await c.press('referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig' }, { from: LEE });
    const [card] = await pending(c, toChannel);
    expect(text(card!.payload.card)).toContain('Fra Direkte henvisning');
    expect(text(card!.payload.card)).not.toContain('Direkte henvisning fra');
  });

  it('a decided direct referral tells every centre colleague a citizen is on the way, with no name; the first to receive the citizen sees the advis, the others who did', async () => {
    const c = await setup();
    await c.press('referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig', unit: 'hjemmeplejen' }, { from: LEE });
    const [referral] = await c.store.referrals.listOpen();
    const rid = referral!.id;
    await c.press('referral.take', { rid }, { from: ADELE });
    const triaged = await c.press('referral.triage', { rid, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
    await c.press('referral.decide', { ...actionsOf(triaged.body.value).find((a) => a.verb === 'referral.decide').data, offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'Fællesskab om maden' }, { from: ADELE });
    for (const who of [ALEX, NESTOR]) {
      const advis = (await pending(c, toUser(who))).find((m) => m.topic?.kind === 'referral.advis')!;
      expect(advis.payload.summary).toBe('Advis om henvisning V-2026-0001');
      expect(text(advis.payload.card)).toContain('Bevilget: Vedligeholdende tilbud på aktivitetscenter');
      expect(text(advis.payload.card)).not.toMatch(/Else|Berg|120340|Fællesskab om maden/);
      expect(actionsOf(advis.payload.card).map((a) => a.verb)).toEqual(['referral.receive']);
    }
    expect((await pending(c, toUser(LEE))).some((m) => m.topic?.kind === 'referral.advis')).toBe(false);
    // Someone without the activity-centre role cannot receive the citizen.
    expect(text((await c.press('referral.receive', { rid }, { from: LEE })).body.value)).not.toMatch(/Else|120340/);
    const received = text((await c.press('referral.receive', { rid }, { from: NESTOR })).body.value);
    expect(received).toContain('Borger: Else Berg, CPR 120340-xxxx');
    expect(received).toContain('Formål: Fællesskab om maden');
    expect((await c.store.audit.forCitizen(referral!.citizenId)).at(-1)).toMatchObject({ action: 'update', actor: { aadObjectId: NESTOR.aadObjectId } });
    const late = text((await c.press('referral.receive', { rid }, { from: ALEX })).body.value);
    expect(late).toContain('Borgeren er allerede modtaget af Nestor Wilke.');
    expect(late).not.toMatch(/Else|120340|Fællesskab om maden/);
    // Pressed again, Nestor reads it again (audited as a read); the first receiver stays.
    expect(text((await c.press('referral.receive', { rid }, { from: NESTOR })).body.value)).toContain('Else Berg');
    expect((await c.store.audit.forCitizen(referral!.citizenId)).at(-1)).toMatchObject({ action: 'read', actor: { aadObjectId: NESTOR.aadObjectId } });
    expect((await c.store.referrals.get(rid))!.data).toMatchObject({ received: { byName: 'Nestor Wilke' } });
  });

  it('a direct referral\'s advis goes to the staff of the centre the offer is at, once their centre is known; to every centre colleague while nobody works there', async () => {
    const c = await setup();
    // Nestor works at Nord (the admin gives it with his roles); Alex has no centre.
    await c.press('roles.save', { person: NESTOR.aadObjectId, roles: 'activityStaff', centre: 'nord' }, { from: ALEX });
    const decideAt = async (cpr: string, centre: string) => {
      await c.press('referral.createDirect', { cpr, name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig' }, { from: LEE });
      const referral = (await c.store.referrals.listOpen()).find((r) => r.status === 'new')!;
      await c.press('referral.take', { rid: referral.id }, { from: ADELE });
      const triaged = await c.press('referral.triage', { rid: referral.id, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
      await c.press('referral.decide', { ...actionsOf(triaged.body.value).find((a) => a.verb === 'referral.decide').data, offer: 'centre', centre, daysPerWeek: '2', transport: 'no', purpose: 'Fællesskab' }, { from: ADELE });
      const told = async (who: Who) => (await pending(c, toUser(who))).some((m) => m.topic?.kind === 'referral.advis' && m.topic.id === referral.id);
      return { alex: await told(ALEX), nestor: await told(NESTOR), rid: referral.id };
    };
    const nord = await decideAt('120340-2222', 'nord');
    expect(nord).toMatchObject({ alex: false, nestor: true });
    // Only those told may receive the citizen.
    expect(text((await c.press('referral.receive', { rid: nord.rid }, { from: ALEX })).body.value)).not.toMatch(/Else|120340/);
    expect(await decideAt('130340-3333', 'syd')).toMatchObject({ alex: true, nestor: true });
  });

  it('refusing a new case without taking it leaves the refuser with no relation: the answer and the case show what the queue shows', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    const refused = await c.press('referral.refuse', { rid: referral.id, reason: 'Hører til forebyggelse' }, { from: MEGAN });
    expect(text(refused.body.value)).not.toMatch(/Jens|010150/);
    const stored = (await c.store.referrals.get(referral.id))!;
    expect(stored.status).toBe('refused');
    expect(stored.holder).toBeUndefined();
    expect(text((await c.press('referral.open', { rid: referral.id }, { from: MEGAN })).body.value)).not.toMatch(/Jens|010150/);
  });

  it('only the centre colleagues told of a direct referral\'s advis may receive the citizen (a forged press by anyone else is refused)', async () => {
    const c = await setup();
    await c.press('referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig' }, { from: LEE });
    const [referral] = await c.store.referrals.listOpen();
    const rid = referral!.id;
    await c.press('referral.take', { rid }, { from: ADELE });
    const triaged = await c.press('referral.triage', { rid, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
    await c.press('referral.decide', { ...actionsOf(triaged.body.value).find((a) => a.verb === 'referral.decide').data, offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'Fællesskab' }, { from: ADELE });
    expect((await c.store.referrals.get(rid))!.data).toHaveProperty('advisTo');
    // A centre colleague the bot met only after the advis went out was not told.
    const PATTI: Who = { id: '29:patti', name: 'Patti Fernandez', aadObjectId: '00000000-0000-0000-0000-000000000025' };
    await c.say('hej', { from: PATTI });
    await c.press('roles.save', { person: PATTI.aadObjectId, roles: 'activityStaff' }, { from: ALEX });
    const forged = await c.press('referral.receive', { rid }, { from: PATTI });
    expect(text(forged.body.value)).not.toMatch(/Else|120340/);
    expect((await c.store.referrals.get(rid))!.data).not.toHaveProperty('received');
  });

  it('a unit typed as free text before the list existed is never shown on the channel card, the queue or the details', async () => {
    const c = await setup();
    await c.press('referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig', unit: 'hjemmeplejen' }, { from: LEE });
    const [stored] = await c.store.referrals.listOpen();
    // As stored by the earlier version: the unit as typed.
    await c.store.referrals.save({ ...stored!, source: { ...stored!.source, unit: 'Karen Sørensens datter (demens)' }, data: { ...stored!.data, direct: { ...(stored!.data as any).direct, unit: 'Karen Sørensens datter (demens)' } } });
    const [queue] = await c.say('kø', { from: MEGAN });
    expect(text(cardOf(queue))).toContain('Direkte henvisning');
    expect(text(cardOf(queue))).not.toMatch(/Karen|demens/);
    const opened = await c.press('referral.open', { rid: stored!.id }, { from: MEGAN });
    expect(JSON.stringify(opened)).not.toMatch(/Karen Sørensen|demens/);
  });

  it('"kø" lists open referrals oldest first, with age and status; not for non-visitators', async () => {
    const c = await setup();
    await referByScreening(c);
    clock.set('2026-11-25T10:00:00Z');
    await c.press('referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'citizen', reason: 'Vil gerne i gang igen' }, { from: LEE });
    const [queue] = await c.say('kø', { from: MEGAN });
    const items = textsOf(cardOf(queue)).filter((x) => x.startsWith('Henvisning '));
    expect(items).toEqual(['Henvisning V-2026-0001', 'Henvisning V-2026-0002']);
    expect(text(cardOf(queue))).toMatch(/Ny · 3 dage · Screening på aktivitetscenter/);
    const [refused] = await c.say('kø', { from: LEE });
    expect(textsOf(cardOf(refused))[0]).toBe('Det kræver en anden rolle');
  });

  it('a due follow-up reminds the visitator and the centre once, and the result is recorded (E1-E4)', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    await c.press('referral.take', { rid: referral.id }, { from: ADELE });
    const res = await c.press('referral.triage', { rid: referral.id, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
    await c.press('referral.decide', { ...actionsOf(res.body.value).find((a) => a.verb === 'referral.decide').data, offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'Fællesskab' }, { from: ADELE });
    expect(await remindFollowUps(c.bot.services)).toBe(0);
    clock.set('2027-11-23T10:00:00Z');
    expect(await remindFollowUps(c.bot.services)).toBe(1);
    expect(await remindFollowUps(c.bot.services)).toBe(0); // once
    const reminder = (await pending(c, toUser(ADELE))).find((m) => m.payload.card && text(m.payload.card).includes('Årlig status'))!;
    expect(actionsOf(reminder.payload.card).map((a) => a.title)).toEqual(['E1 Fortsæt', 'E2 Ændring inden for rammen', 'E3 Afslut', 'E4 Revisitation']);
    expect((await pending(c, toUser(ALEX))).some((m) => m.payload.text?.includes('årlig status'))).toBe(true);
    // Another visitator, with no relation to the citizen, cannot record it (nor see the case's details).
    const other = await c.press('referral.followUp', { rid: referral.id, result: 'E1' }, { from: MEGAN });
    expect(text(other.body.value)).toContain('Opfølgningen registreres af den visitator, der har eller afgjorde sagen.');
    expect(text(other.body.value)).not.toMatch(/Jens|010150/);
    expect((await c.store.referrals.get(referral.id))!.data).not.toHaveProperty('followUp.result');
    await c.press('referral.followUp', { rid: referral.id, result: 'E3' }, { from: ADELE });
    expect((await c.store.referrals.get(referral.id))).toMatchObject({ status: 'closed', data: { followUp: { result: 'E3' } } });
  });

  it('a visitator who neither holds nor decided the case sees by every door what the queue shows, and no more', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    await c.press('referral.take', { rid: referral.id }, { from: ADELE });
    const noName = (card: unknown) => expect(text(card)).not.toMatch(/Jens|Hansen|010150|COPM|Afgjort af/);
    const opened = (await c.press('referral.open', { rid: referral.id }, { from: MEGAN })).body.value;
    noName(opened);
    expect(text(opened)).toContain('vises kun for den visitator, der har sagen');
    expect(actionsOf(opened).map((a) => a.verb)).toEqual(['queue.show']);
    for (const [verb, extra] of [['referral.take', {}], ['referral.triageStart', {}], ['referral.handoverStart', {}], ['referral.refuse', { reason: 'Ikke relevant' }], ['referral.triage', { fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }]] as const) {
      noName((await c.press(verb, { rid: referral.id, ...extra }, { from: MEGAN })).body.value);
    }
    const triaged = await c.press('referral.triage', { rid: referral.id, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
    await c.press('referral.decide', { ...actionsOf(triaged.body.value).find((a) => a.verb === 'referral.decide').data, offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'Fællesskab' }, { from: ADELE });
    noName((await c.press('referral.open', { rid: referral.id }, { from: MEGAN })).body.value);
    expect((await c.store.audit.forCitizen(referral.citizenId)).some((e) => e.actor.aadObjectId === MEGAN.aadObjectId)).toBe(false);
    // The one who decided still sees it all.
    expect(text((await c.press('referral.open', { rid: referral.id }, { from: ADELE })).body.value)).toContain('Jens Hansen');
  });

  it('audits every look-up and change with purpose "visitation"', async () => {
    const c = await setup();
    const referral = await referByScreening(c);
    await c.press('referral.take', { rid: referral.id }, { from: ADELE });
    await c.press('referral.open', { rid: referral.id }, { from: ADELE });
    const visitation = (await c.store.audit.forCitizen(referral.citizenId)).filter((e) => e.purpose === 'visitation');
    // Taking it in a personal chat shows the details: that is a read too.
    expect(visitation.map((e) => e.action)).toEqual(['create', 'update', 'read', 'read']);
    expect(visitation.every((e) => e.actor.aadObjectId === (e.action === 'create' ? ALEX : ADELE).aadObjectId)).toBe(true);
  });
});

describe('numbers and dates as people read them', () => {
  // English is each person's own choice ("sprog"): the bot writes Danish whatever the Teams client says.
  const english = { locale: 'en-US' };
  const choosesEnglish = (c: Awaited<ReturnType<typeof setup>>, who: typeof ADELE) => c.press('language.set', { lang: 'en' }, { from: who });

  it('the details card shows the COPM scores with a decimal comma in Danish and a point in English', async () => {
    const c = await setup();
    const referral = await referByScreening(c, { performance: '2', satisfaction: '5' });
    await c.press('referral.take', { rid: referral.id }, { from: ADELE });
    const da = text((await c.press('referral.open', { rid: referral.id }, { from: ADELE })).body.value);
    expect(da).toContain('COPM udførelse 2,0, tilfredshed 5,0');
    expect(da).not.toMatch(/\b2\.0\b|\b5\.0\b/);
    expect(da).toContain('Modtaget 22.11.2026');
    await choosesEnglish(c, ADELE);
    const en = text((await c.press('referral.open', { rid: referral.id }, { ...english, from: ADELE })).body.value);
    expect(en).toContain('COPM performance 2.0, satisfaction 5.0');
    expect(en).toContain('Received 22/11/2026');
  });

  /** A taken referral scored so that the home course is allowed, and the decision card. */
  async function decisionCard(where: { locale?: string } = {}) {
    const c = await setup();
    const referral = await referByScreening(c);
    await c.press('referral.take', { rid: referral.id }, { from: ADELE });
    if (where.locale?.startsWith('en')) await choosesEnglish(c, ADELE);
    const card = (await c.press('referral.triage', { rid: referral.id, fs_3: '4', fs_5: '3', fs_6: '0', fs_7: '0' }, { ...where, from: ADELE })).body.value;
    return { c, referral, card, ref: actionsOf(card).find((a) => a.verb === 'referral.decide').data };
  }

  it('the decision asks for its start date with a date picker, with how to type one where it is a text field', async () => {
    const { card } = await decisionCard();
    expect(inputOf(card, 'startDate')).toMatchObject({ type: 'Input.Date', placeholder: 'Vælg dato eller skriv DD.MM.ÅÅÅÅ' });
    expect(inputOf(card, 'startDate').label).not.toMatch(/ÅÅÅÅ-MM-DD/);
    expect(JSON.stringify(card)).not.toMatch(/ÅÅÅÅ-MM-DD|YYYY-MM-DD/);
  });

  it.each(['01.12.2026', '1.12.2026', '01-12-2026', '2026-12-01', ' 01.12.2026 '])('takes the start date typed as %j: 1 December 2026, shown as 01.12.2026', async (typed) => {
    const { c, referral, ref } = await decisionCard();
    const res = await c.press('referral.decide', { ...ref, offer: 'home', purpose: 'Klare trappen', startDate: typed }, { from: ADELE });
    expect(text(res.body.value)).toContain('Afgørelsen er gemt');
    expect((await c.store.referrals.get(referral.id))!.data).toMatchObject({ decision: { startDate: '2026-12-01', endDate: '2027-03-01' } });
    expect(text(res.body.value)).toContain('Afgjort: Vedligeholdende forløb i eget hjem til og med 01.03.2027 (Adele Vance, 22.11.2026)');
    expect(shownText(res.others[0])).toContain('til og med 01.03.2027 (højst 3 måneder)');
    const advis = (await pending(c, toUser(ALEX))).find((m) => m.topic?.kind === 'referral.advis')!;
    expect(text(advis.payload.card)).toContain('Start: 01.12.2026');
    expect(text(advis.payload.card)).toContain('til og med 01.03.2027');
  });

  it.each([
    ['31.04.2027', 'Den dato findes ikke i kalenderen. Skriv datoen som DD.MM.ÅÅÅÅ, fx 01.12.2026, eller vælg den i kalenderen.'],
    ['29.02.2027', 'Den dato findes ikke i kalenderen.'],
    ['01.12.26', 'Skriv datoen som DD.MM.ÅÅÅÅ, fx 01.12.2026, eller vælg den i kalenderen.'],
    ['1. december', 'Skriv datoen som DD.MM.ÅÅÅÅ'],
  ])('refuses the start date %j, says which form it expects and keeps what was typed', async (typed, message) => {
    const { c, referral, ref } = await decisionCard();
    const res = await c.press('referral.decide', { ...ref, offer: 'home', purpose: 'Klare trappen', startDate: typed }, { from: ADELE });
    expect(text(res.body.value)).toContain(message);
    expect(inputOf(res.body.value, 'startDate').value).toBe(typed);
    expect((await c.store.referrals.get(referral.id))!.status).toBe('taken');
  });

  it('a typed start date comes back as the picker\'s 2026-12-01 when another field is missing', async () => {
    const { c, ref } = await decisionCard();
    const res = await c.press('referral.decide', { ...ref, offer: 'home', purpose: '', startDate: '01.12.2026' }, { from: ADELE });
    expect(text(res.body.value)).toContain('Skriv formålet, aftalt med borgeren.');
    expect(text(res.body.value)).not.toContain('Skriv datoen');
    expect(inputOf(res.body.value, 'startDate').value).toBe('2026-12-01');
  });

  it('in English the decision card asks for DD/MM/YYYY, takes 01/12/2026 and shows 01/03/2027', async () => {
    const { c, referral, card, ref } = await decisionCard(english);
    expect(inputOf(card, 'startDate')).toMatchObject({ type: 'Input.Date', placeholder: 'Pick a date or type DD/MM/YYYY' });
    const bad = await c.press('referral.decide', { ...ref, offer: 'home', purpose: 'Stairs', startDate: '12/01/26' }, { ...english, from: ADELE });
    expect(text(bad.body.value)).toContain('Write the date as DD/MM/YYYY, e.g. 01/12/2026, or pick it in the calendar.');
    const ok = await c.press('referral.decide', { ...ref, offer: 'home', purpose: 'Stairs', startDate: '01/12/2026' }, { ...english, from: ADELE });
    expect((await c.store.referrals.get(referral.id))!.data).toMatchObject({ decision: { startDate: '2026-12-01', endDate: '2027-03-01' } });
    expect(text(ok.body.value)).toContain('Decided: Maintenance course in the citizen\'s own home until 01/03/2027 (Adele Vance, 22/11/2026)');
  });
});
