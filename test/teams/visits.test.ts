// Visit coordination through the real Application: attaching by service and role, planning with the
// double-visit check and its three choices, the colleague's four answers, sharing a citizen, moving
// and cancelling, my visits, statistics, and privacy and role refusals.
import { afterEach, describe, expect, it } from 'vitest';
import type { RoleSeed } from '../../src/services/directory.js';
import type { OutboxMessage, Visit } from '../../src/store/index.js';
import { sameStaff } from '../../src/store/index.js';
import { ALEX, MEGAN, TENANT, type Who } from '../helpers/activities.js';
import { actionsOf, closeAll, conversation, inputOf, shownText, textsOf, type Conversation } from '../helpers/conversation.js';
import { DAY_MS, TestClock } from '../helpers/clock.js';

afterEach(closeAll);

const LEE: Who = { id: '29:lee', name: 'Lee Gu', aadObjectId: '00000000-0000-0000-0000-000000000023' };
const NESTOR: Who = { id: '29:nestor', name: 'Nestor Wilke', aadObjectId: '00000000-0000-0000-0000-000000000024' };
const seed: RoleSeed[] = [
  { aadObjectId: MEGAN.aadObjectId, roles: ['dementiaCoordinator'] },
  { aadObjectId: LEE.aadObjectId, roles: ['preventiveVisitor'] },
  { aadObjectId: NESTOR.aadObjectId, roles: ['manager'] },
  { aadObjectId: ALEX.aadObjectId, roles: ['admin'] },
];
const text = (card: any) => textsOf(card).join(' | ');
const key = (w: Who) => ({ tenantId: TENANT, aadObjectId: w.aadObjectId });
const NOW = '2026-11-22T10:00:00Z';

/** The municipality has set its own figures for what an avoided visit saves (the shipped ones are placeholders). */
const OWN_FIGURES = (r: any) => ({ ...r, visits: { ...r.visits, perVisit: { ...r.visits.perVisit, setByMunicipality: true } } });

async function setup(options: { ownFigures?: boolean } = {}) {
  const c = await conversation({ seed, clock: new TestClock(NOW), ...(options.ownFigures ? { adjustRules: OWN_FIGURES } : {}) });
  for (const who of [ALEX, MEGAN, LEE, NESTOR]) await c.say('hej', { from: who });
  return c;
}

/** Attach by CPR; a colleague with no relation to the citizen yet gives a reason (breaking the glass). */
async function attach(c: Conversation, who: Who, service: string, purpose = 'Opfølgning', reason = 'Skal koordinere besøg med kollegerne') {
  return c.press('visits.attach', { cpr: '010150-1234', name: 'Jens Hansen', service, purpose, reason }, { from: who });
}

async function plan(c: Conversation, who: Who, date: string, time = '10:00', openForJoint = 'yes') {
  const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
  return c.press('visits.plan', { citizenId: citizen.id, date, time, purpose: `Besøg ${date}`, openForJoint, relativesByVideo: 'no' }, { from: who });
}

async function visitsOf(c: Conversation, who: Who): Promise<Visit[]> {
  return c.store.visits.listByStaff(key(who));
}

/** Everything the outbox holds, due by a day after the test's clock. */
const dayAfter = (c: Conversation) => new Date(c.clock.now().getTime() + DAY_MS);

async function pendingFor(c: Conversation, who: Who): Promise<OutboxMessage[]> {
  return (await c.store.outbox.due(dayAfter(c))).filter((m) => m.target.kind === 'user' && m.target.user.aadObjectId === who.aadObjectId);
}

/** Megan has a visit on 24 Nov; Lee plans one on 27 Nov: the overlap card. */
async function overlapping(options: { ownFigures?: boolean } = {}) {
  const c = await setup(options);
  await attach(c, MEGAN, 'demens');
  await attach(c, LEE, 'forebyggende');
  await plan(c, MEGAN, '2026-11-24');
  const res = await plan(c, LEE, '2026-11-27', '13:30');
  return { c, card: res.body.value };
}

describe('attaching', () => {
  it('attaches by a service the role allows, tells colleagues already attached, and lists "mine borgere"', async () => {
    const c = await setup();
    const wrong = await attach(c, MEGAN, 'forebyggende');
    expect(text(wrong.body.value)).toContain('Vælg en indsats, din rolle giver adgang til.');
    expect(inputOf(wrong.body.value, 'purpose').value).toBe('Opfølgning');
    const long = await c.press('visits.attach', { cpr: '010150-1234', name: 'Jens Hansen', service: 'demens', purpose: 'x'.repeat(600) }, { from: MEGAN });
    expect(text(long.body.value)).toContain('Højst 300 tegn; her er 600.');
    expect(inputOf(long.body.value, 'name').value).toBe('Jens Hansen');
    const future = await c.press('visits.attach', { cpr: '070747-7777', name: 'Jens Hansen', service: 'demens', purpose: 'Opfølgning' }, { from: MEGAN });
    expect(text(future.body.value)).toContain('CPR-nummeret giver fødselsdatoen 07.07.2047, som ligger i fremtiden.');
    expect(await c.store.citizens.count()).toBe(0);
    await attach(c, MEGAN, 'demens', 'Demensudredning følges');
    await attach(c, LEE, 'forebyggende', 'Forebyggende besøg');
    const told = (await pendingFor(c, MEGAN))[0]!;
    expect(told.payload.text).toBe('Lee Gu er nu også tilknyttet Jens Hansen, 010150-xxxx (Forebyggende hjemmebesøg). Formål: Forebyggende besøg');
    expect(told.payload.summary).not.toMatch(/Jens|Lee/);
    const [mine] = await c.say('mine borgere', { from: MEGAN });
    expect(text(mine!.attachments![0]!.content)).toMatch(/Jens Hansen, 010150-xxxx \| Demenskoordinator · også: Lee Gu \(Forebyggende hjemmebesøg\) · intet besøg planlagt/);
  });

  it('refuses staff whose role has no visit service, and needs a reason to detach', async () => {
    const c = await setup();
    const [refused] = await c.say('mine borgere', { from: NESTOR });
    expect(textsOf(refused!.attachments![0]!.content)[0]).toBe('Det kræver en anden rolle');
    await attach(c, MEGAN, 'demens');
    const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
    const noReason = await c.press('visits.detach', { citizenId: citizen.id, reason: '' }, { from: MEGAN });
    expect(text(noReason.body.value)).toContain('Skriv en begrundelse.');
    await c.press('visits.detach', { citizenId: citizen.id, reason: 'Flyttet til plejehjem' }, { from: MEGAN });
    expect((await c.store.attachments.listByCitizen(citizen.id))[0]).toMatchObject({ status: 'detached', detachReason: 'Flyttet til plejehjem' });
  });

  it('a colleague with no relation to a citizen the bot knows is asked why first and shown nothing; with a reason attached, the managers told, the trail showing it', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens', 'Demensopfølgning');
    const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
    const trailBefore = (await c.store.audit.forCitizen(citizen.id)).length;
    const asked = await c.press('visits.attach', { cpr: '010150-1234', name: 'J. Hansen', service: 'forebyggende', purpose: 'Forebyggende besøg' }, { from: LEE });
    const card = asked.body.value;
    expect(text(card)).toContain('Du har ingen screening, henvisning, tilknytning eller deling');
    expect(text(card)).toContain('Skriv, hvorfor du skal tilknyttes borgeren.');
    // Nothing of the citizen: not the stored name, not Megan, not her purpose.
    expect(JSON.stringify(card)).not.toMatch(/Jens Hansen|Megan|Demens/);
    expect(inputOf(card, 'name').value).toBe('J. Hansen');
    expect(inputOf(card, 'purpose').value).toBe('Forebyggende besøg');
    expect((await c.store.attachments.listByCitizen(citizen.id)).filter((a) => a.staff.aadObjectId === LEE.aadObjectId)).toEqual([]);
    expect(await c.store.audit.forCitizen(citizen.id)).toHaveLength(trailBefore);
    expect(await pendingFor(c, NESTOR)).toEqual([]);

    const done = await c.press('visits.attach', { cpr: '010150-1234', name: 'J. Hansen', service: 'forebyggende', purpose: 'Forebyggende besøg', reason: 'Borgeren ringede selv og bad om et besøg' }, { from: LEE });
    expect(text(done.body.value)).toContain('Du er nu tilknyttet borgeren.');
    const told = await pendingFor(c, NESTOR);
    expect(told).toHaveLength(1);
    expect(told[0]!.payload.summary).toBe('En medarbejder har tilknyttet sig en borger med begrundelse');
    expect(shownText({ text: told[0]!.payload.text })).toContain('Lee Gu har tilknyttet sig Jens Hansen, 010150-xxxx (Forebyggende hjemmebesøg) uden en forudgående relation i Aktiv Assistent. Begrundelse: Borgeren ringede selv og bad om et besøg.');
    const broke = (await c.store.audit.forCitizen(citizen.id)).find((e) => e.reason && e.actor.aadObjectId === LEE.aadObjectId);
    expect(broke).toMatchObject({ actor: { aadObjectId: LEE.aadObjectId }, action: 'create', what: 'tilknytning uden forudgående relation, med begrundelse (Forebyggende hjemmebesøg)', reason: 'Borgeren ringede selv og bad om et besøg' });
    // The access-log export names the break and its reason.
    const exported = await c.press('audit.export', { cpr: '010150-1234' }, { from: ALEX });
    expect(shownText(exported.others[0])).toContain('begrundelse: »Borgeren ringede selv og bad om et besøg«');
  });

  it('a manager the roles file names is told of a break of the glass before ever writing to the bot', async () => {
    const c = await conversation({ seed, clock: new TestClock(NOW) });
    for (const who of [MEGAN, LEE]) await c.say('hej', { from: who });
    await attach(c, MEGAN, 'demens', 'Demensopfølgning');
    await c.press('visits.attach', { cpr: '010150-1234', name: 'Jens Hansen', service: 'forebyggende', purpose: 'Forebyggende besøg', reason: 'Borgeren bad selv om det' }, { from: LEE });
    const told = await pendingFor(c, NESTOR);
    expect(told).toHaveLength(1);
    expect(told[0]!.payload.summary).toBe('En medarbejder har tilknyttet sig en borger med begrundelse');
  });

  it('the managers the roles file names for the service are told of a break of the glass, not every manager; a service nobody manages tells every manager', async () => {
    const PATTI: Who = { id: '29:patti', name: 'Patti Fernandez', aadObjectId: '00000000-0000-0000-0000-000000000025' };
    const c = await conversation({ seed: [...seed, { aadObjectId: PATTI.aadObjectId, roles: ['manager'], manages: ['forebyggende'] }], clock: new TestClock(NOW) });
    for (const who of [MEGAN, LEE, NESTOR, PATTI]) await c.say('hej', { from: who });
    await attach(c, MEGAN, 'demens', 'Demensopfølgning');
    await c.press('visits.attach', { cpr: '010150-1234', name: 'Jens Hansen', service: 'forebyggende', purpose: 'Forebyggende besøg', reason: 'Borgeren bad selv om det' }, { from: LEE });
    expect(await pendingFor(c, PATTI)).toHaveLength(1);
    expect(await pendingFor(c, NESTOR)).toEqual([]);
    // Demens has no manager of its own: both hear of Megan breaking the glass on a citizen Lee holds.
    await c.press('visits.attach', { cpr: '020250-2345', name: 'Else Berg', service: 'forebyggende', purpose: 'Forebyggende besøg', reason: 'Ny borger' }, { from: LEE });
    await c.press('visits.attach', { cpr: '020250-2345', name: 'Else Berg', service: 'demens', purpose: 'Demensopfølgning', reason: 'Egen læge bad om det' }, { from: MEGAN });
    expect(await pendingFor(c, NESTOR)).toHaveLength(1);
    expect(await pendingFor(c, PATTI)).toHaveLength(2);
  });

  it('a manager assigns a colleague to a citizen with a reason, seeing nothing about the citizen; the colleague attaches with one button, no reason asked', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens', 'Demensopfølgning');
    const [form] = await c.say('tildel borger', { from: NESTOR });
    expect(textsOf((form as any).attachments[0].content)[0]).toBe('Tildel en borger');
    // No reason: the same card, what was typed kept.
    const noReason = await c.press('visits.assign', { cpr: '010150-1234', name: 'J. H.', to: LEE.aadObjectId, reason: ' ' }, { from: NESTOR });
    expect(text(noReason.body.value)).toContain('Skriv, hvorfor kollegaen skal arbejde med borgeren.');
    expect(inputOf(noReason.body.value, 'cpr').value).toBe('010150-1234');
    // A forged colleague who does not work with citizens.
    const forged = await c.press('visits.assign', { cpr: '010150-1234', name: 'J. H.', to: ALEX.aadObjectId, reason: 'Opfølgning' }, { from: NESTOR });
    expect(text(forged.body.value)).toContain('Vælg en kollega fra listen.');
    expect(await pendingFor(c, ALEX)).toEqual([]);
    const known = await c.press('visits.assign', { cpr: '010150-1234', name: 'J. H.', to: LEE.aadObjectId, reason: 'Udskrevet fra sygehuset, brug for forebyggende besøg' }, { from: NESTOR });
    const unknown = await c.press('visits.assign', { cpr: '020250-2345', name: 'Else Berg', to: LEE.aadObjectId, reason: 'Henvendelse fra egen læge' }, { from: NESTOR });
    // The manager learns nothing: not the stored name, not whether the bot knew the citizen.
    expect(JSON.stringify(known.body.value)).not.toMatch(/Jens|Demens/);
    expect(text(known.body.value).replace('J. H.', '')).toBe(text(unknown.body.value).replace('Else Berg', ''));
    expect(text(known.body.value)).toContain('Tildelingen er gemt. Lee Gu får besked');
    const jens = (await c.store.citizens.findByCpr('0101501234'))!;
    expect(jens.name).toBe('Jens Hansen');
    expect((await c.store.audit.forCitizen(jens.id)).find((e) => e.actor.aadObjectId === NESTOR.aadObjectId && e.action === 'update')).toMatchObject({ what: 'tildeling af borgeren til Lee Gu (leder)', reason: 'Udskrevet fra sygehuset, brug for forebyggende besøg' });
    const told = (await pendingFor(c, LEE)).find((m) => m.payload.summary === 'En leder har tildelt dig en borger' && text(m.payload.card).includes('Jens'))!;
    expect(text(told.payload.card)).toContain('Nestor Wilke (leder) har tildelt dig Jens Hansen, 010150-xxxx. Begrundelse: Udskrevet fra sygehuset, brug for forebyggende besøg');
    const start = await c.press('visits.attachStart', actionsOf(told.payload.card)[0].data, { from: LEE });
    expect(text(start.body.value)).toContain('Jens Hansen, 010150-xxxx');
    expect(inputOf(start.body.value, 'cpr')).toBeUndefined();
    const done = await c.press('visits.attach', { ...actionsOf(start.body.value).find((a) => a.verb === 'visits.attach').data, service: 'forebyggende', purpose: 'Forebyggende besøg' }, { from: LEE });
    expect(text(done.body.value)).toContain('Du er nu tilknyttet borgeren.');
    // No break of the glass: the managers are not told.
    expect((await pendingFor(c, NESTOR)).filter((m) => m.payload.summary === 'En medarbejder har tilknyttet sig en borger med begrundelse')).toEqual([]);
    // Assigning again tells nobody twice; someone who is not a manager cannot assign.
    await c.press('visits.assign', { cpr: '010150-1234', name: 'J. H.', to: LEE.aadObjectId, reason: 'Igen' }, { from: NESTOR });
    expect((await pendingFor(c, LEE)).filter((m) => m.payload.summary === 'En leder har tildelt dig en borger')).toHaveLength(2);
    const notManager = await c.press('visits.assign', { cpr: '010150-1234', name: 'J. H.', to: LEE.aadObjectId, reason: 'Opfølgning' }, { from: MEGAN });
    expect(textsOf(notManager.body.value)[0]).toBe('Det kræver en anden rolle');
  });

  it('a direct referral is no way round the glass: its maker is asked why when attaching, like anyone without a relation', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens', 'Demensopfølgning');
    await c.press('referral.createDirect', { cpr: '010150-1234', name: 'J. Hansen', askedBy: 'relative', reason: 'Datteren ringede' }, { from: LEE });
    expect(await c.store.referrals.listOpen()).toHaveLength(1);
    const asked = await c.press('visits.attach', { cpr: '010150-1234', name: 'J. Hansen', service: 'forebyggende', purpose: 'Forebyggende besøg' }, { from: LEE });
    expect(text(asked.body.value)).toContain('Skriv, hvorfor du skal tilknyttes borgeren.');
    expect(JSON.stringify(asked.body.value)).not.toMatch(/Jens Hansen|Megan|Demens/);
  });

  it('a CPR number the bot does not know is asked why the same way (the answer does not tell which), then attached; the managers are not told', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens', 'Demensopfølgning');
    const unknown = await c.press('visits.attach', { cpr: '020250-1234', name: 'Ny Borger', service: 'forebyggende', purpose: 'Første besøg' }, { from: LEE });
    const known = await c.press('visits.attach', { cpr: '010150-1234', name: 'Ny Borger', service: 'forebyggende', purpose: 'Første besøg' }, { from: LEE });
    expect(text(unknown.body.value)).toBe(text(known.body.value));
    expect(await c.store.citizens.findByCpr('0202501234')).toBeUndefined();
    const res = await c.press('visits.attach', { cpr: '020250-1234', name: 'Ny Borger', service: 'forebyggende', purpose: 'Første besøg', reason: 'Ny i kommunens forebyggende ordning\n- 01.01.2026 kl. 10.00: falsk linje' }, { from: LEE });
    expect(text(res.body.value)).toContain('Du er nu tilknyttet borgeren.');
    expect(await pendingFor(c, NESTOR)).toEqual([]);
    // The reason is one line in the trail, quoted: it cannot pose as an entry of its own.
    const citizen = (await c.store.citizens.findByCpr('0202501234'))!;
    expect((await c.store.audit.forCitizen(citizen.id)).find((e) => e.reason)?.reason).toBe('Ny i kommunens forebyggende ordning - 01.01.2026 kl. 10.00: falsk linje');
    const exported = shownText((await c.press('audit.export', { cpr: '020250-1234' }, { from: ALEX })).others[0]).split('\n');
    expect(exported.filter((l) => l.includes('falsk linje'))).toHaveLength(1);
    expect(exported.find((l) => l.includes('falsk linje'))).toMatch(/begrundelse: »Ny i kommunens forebyggende ordning - 01\.01\.2026 kl\. 10\.00: falsk linje«\)$/);
  });

  it('shows a citizen\'s visits only to staff attached to the citizen', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens');
    const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
    const res = await c.press('visits.citizen', { citizenId: citizen.id }, { from: LEE });
    expect(text(res.body.value)).toContain('Du er ikke tilknyttet den borger');
    expect(text(res.body.value)).not.toContain('Jens');
  });
});

describe('planning and the double-visit check', () => {
  it('saves at once when no colleague visits within the window (15 days apart is outside 14)', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens');
    await attach(c, LEE, 'forebyggende');
    await plan(c, MEGAN, '2026-11-24');
    const res = await plan(c, LEE, '2026-12-09');
    expect(textsOf(res.body.value)[0]).toBe('Besøget er planlagt');
    expect((await visitsOf(c, LEE))[0]).toMatchObject({ status: 'planned', at: '2026-12-09T09:00:00.000Z' });
  });

  it('shows who, when and why before saving, with the three choices; nothing is planned yet', async () => {
    const { c, card } = await overlapping();
    expect(textsOf(card)[0]).toBe('En kollega besøger også borgeren');
    expect(text(card)).toContain('• Megan Bowen (Demenskoordinator) 24.11.2026 kl. 10.00: Besøg 2026-11-24 (åbent for fælles besøg)');
    expect(actionsOf(card).map((a: any) => a.title)).toEqual(['Koordinér', 'Slå sammen', 'Planlæg alligevel', 'Annullér']);
    expect((await visitsOf(c, LEE))[0]!.status).toBe('draft');
  });

  it('"Planlæg alligevel" needs a reason, then saves with it', async () => {
    const { c, card } = await overlapping();
    const ref = actionsOf(card).find((a: any) => a.verb === 'visits.keep').data;
    const missing = await c.press('visits.keep', { ...ref, reason: '' }, { from: LEE });
    expect(text(missing.body.value)).toContain('Skriv en begrundelse.');
    await c.press('visits.keep', { ...ref, reason: 'Borgeren har bedt om det' }, { from: LEE });
    expect((await visitsOf(c, LEE))[0]).toMatchObject({ status: 'planned', data: { overlapNote: { kind: 'keptWithReason', reason: 'Borgeren har bedt om det' } } });
  });

  it('"Slå sammen" joins the colleague\'s open visit: one joint visit, and the colleague is told', async () => {
    const { c, card } = await overlapping();
    const res = await c.press('visits.merge', actionsOf(card).find((a: any) => a.verb === 'visits.merge').data, { from: LEE });
    expect(text(res.body.value)).toContain('Du er med på det besøg, Megan Bowen har planlagt: ét fælles besøg.');
    const [megans] = await visitsOf(c, MEGAN);
    expect(megans!.jointWith).toEqual([key(LEE)]);
    expect((await visitsOf(c, LEE)).map((v) => v.id)).toEqual([megans!.id]); // Lee's own draft is gone
    expect((await pendingFor(c, MEGAN)).some((m) => m.payload.text?.includes('Lee Gu deltager i dit besøg'))).toBe(true);
  });

  it('"Slå sammen" is not offered, and refused, when the colleague\'s visit is not open for a joint visit', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens');
    await attach(c, LEE, 'forebyggende');
    await plan(c, MEGAN, '2026-11-24', '10:00', 'no');
    const card = (await plan(c, LEE, '2026-11-27')).body.value;
    expect(actionsOf(card).map((a: any) => a.title)).not.toContain('Slå sammen');
    const other = (await visitsOf(c, MEGAN))[0]!;
    const forged = await c.press('visits.merge', { vid: (await visitsOf(c, LEE))[0]!.id, with: other.id }, { from: LEE });
    expect(text(forged.body.value)).toContain('ikke åbent for fælles besøg');
  });

  it('a visit the planner has joined still counts: Lee joins Megan\'s visit on the 24th, then plans his own on the 23rd and is warned, the joint visit named', async () => {
    const { c, card } = await overlapping();
    await c.press('visits.merge', actionsOf(card).find((a: any) => a.verb === 'visits.merge').data, { from: LEE });
    const megans = (await visitsOf(c, MEGAN))[0]!;
    expect(megans.jointWith).toEqual([key(LEE)]);
    const warned = (await plan(c, LEE, '2026-11-23', '13:00')).body.value;
    expect(textsOf(warned)[0]).toBe('Du er allerede med på et besøg hos borgeren tæt på den dag');
    expect(text(warned)).toContain('Dit besøg hos Jens Hansen, 010150-xxxx 23.11.2026 kl. 13.00 ligger tæt på en kollegas besøg:');
    expect(text(warned)).toContain('• Megan Bowen (Demenskoordinator) 24.11.2026 kl. 10.00: Besøg 2026-11-24 (fælles besøg, som du selv deltager i)');
    expect(text(warned)).toContain('Planlæg alligevel med en begrundelse, eller annullér det nye besøg.');
    // Coordinating with, or joining, a visit he already goes on makes no sense: not offered, and refused if forged.
    expect(actionsOf(warned).map((a: any) => a.title)).toEqual(['Planlæg alligevel', 'Annullér']);
    const draft = (await visitsOf(c, LEE)).find((v) => v.status === 'draft')!;
    expect(draft.at).toBe('2026-11-23T12:00:00.000Z');
    const forgedCoordinate = await c.press('visits.coordinate', { vid: draft.id, with: megans.id }, { from: LEE });
    expect(textsOf(forgedCoordinate.body.value)[0]).toBe('Kortet er forældet');
    const forgedMerge = await c.press('visits.merge', { vid: draft.id, with: megans.id }, { from: LEE });
    expect(text(forgedMerge.body.value)).toContain('Du er allerede med på det besøg.');
    expect((await c.store.visits.get(megans.id))!.jointWith).toEqual([key(LEE)]);
    expect((await c.store.visits.get(draft.id))!.status).toBe('draft');
    // The week list marks both: his own visit near Megan's, and Megan's near his.
    const [week] = await c.say('mine besøg', { from: LEE });
    expect(text(week!.attachments![0]!.content).match(/⚠ et kollegabesøg tæt på/g)).toBeNull(); // the draft is not planned yet
    await c.press('visits.keep', { vid: draft.id, reason: 'Træning dagen før demensbesøget' }, { from: LEE });
    const [after] = await c.say('mine besøg', { from: LEE });
    expect(text(after!.attachments![0]!.content).match(/⚠ et kollegabesøg tæt på/g)).toHaveLength(2);
  });

  it('the planner\'s own visits are a series, not a double visit: a second one two days later is planned at once', async () => {
    const c = await setup();
    await attach(c, LEE, 'forebyggende');
    await plan(c, LEE, '2026-11-27');
    const second = (await plan(c, LEE, '2026-11-29')).body.value;
    expect(textsOf(second)[0]).toBe('Besøget er planlagt');
    expect((await visitsOf(c, LEE)).map((v) => v.status)).toEqual(['planned', 'planned']);
  });

  it('"Planlæg alligevel" after the colleague\'s visit was cancelled meanwhile plans the visit without asking for a reason', async () => {
    const { c, card } = await overlapping();
    const megans = (await visitsOf(c, MEGAN))[0]!;
    await c.press('visits.cancel', { vid: megans.id, why: 'notNeeded' }, { from: MEGAN });
    const res = await c.press('visits.keep', { ...actionsOf(card).find((a: any) => a.verb === 'visits.keep').data, reason: '' }, { from: LEE });
    expect(textsOf(res.body.value)[0]).toBe('Besøget er planlagt');
    expect(text(res.body.value)).toContain('Kollegaens besøg er flyttet eller aflyst i mellemtiden');
    expect((await visitsOf(c, LEE))[0]!.status).toBe('planned');
  });
});

describe('coordinating with the colleague', () => {
  async function coordinating() {
    const { c, card } = await overlapping();
    const res = await c.press('visits.coordinate', actionsOf(card).find((a: any) => a.verb === 'visits.coordinate').data, { from: LEE, replyToId: 'lee-card-1' } as never);
    const request = (await pendingFor(c, MEGAN)).find((m) => m.payload.card)!;
    return { c, res, request };
  }

  it('sends the colleague a card (masked CPR, name, dates, purposes; no health, no names in the preview); the planner may go ahead', async () => {
    const { c, res, request } = await coordinating();
    expect(text(res.body.value)).toContain('Jeg har spurgt Megan Bowen');
    expect((await visitsOf(c, LEE))[0]!.status).toBe('planned');
    const card = request.payload.card as any;
    expect(text(card)).toContain('Borger Jens Hansen, 010150-xxxx');
    expect(text(card)).toContain('Kollegaens besøg Lee Gu: 27.11.2026 kl. 13.30 – Besøg 2026-11-27');
    expect(request.payload.summary).toBe('En kollega vil koordinere et besøg');
    // The joint visit is Megan's own: its button says when.
    expect(actionsOf(card).map((a: any) => a.title)).toEqual(['Fælles besøg 24.11.2026 kl. 10.00', 'Jeg besøger for os begge', 'Du besøger for os begge', 'Begge besøg er nødvendige']);
    expect(request.reportTo).toMatchObject(key(LEE));
  });

  it.each([
    ['joint', 'svarede: fælles besøg 24.11.2026 kl. 10.00. I kommer sammen på det besøg, Megan Bowen havde planlagt, og dit eget besøg er aflyst.', (lee: Visit[], megan: Visit[]) => expect(megan.find((v) => v.status === 'planned')!.jointWith).toEqual([key(LEE)])],
    ['iTakeIt', 'svarede, at Megan Bowen besøger borgeren for jer begge 24.11.2026 kl. 10.00. Dit besøg er aflyst.', (_lee: Visit[], megan: Visit[]) => expect(megan.find((v) => v.status === 'planned')!.data).toMatchObject({ onBehalfOf: [key(LEE)] })],
    ['youTakeIt', 'svarede, at du besøger borgeren for jer begge 27.11.2026 kl. 13.30. Det besøg, Megan Bowen havde planlagt, er aflyst.', (lee: Visit[], megan: Visit[]) => {
      expect(lee.find((v) => v.status === 'planned')!.data).toMatchObject({ onBehalfOf: [key(MEGAN)] });
      expect(megan[0]!.status).toBe('cancelled');
    }],
  ] as const)('the colleague answers "%s": the visits change and the planner\'s card says so', async (answer, words, check) => {
    const { c, request } = await coordinating();
    const button = actionsOf(request.payload.card).find((a: any) => a.data.answer === answer);
    const res = await c.press('visits.answer', button.data, { from: MEGAN });
    expect(text(res.body.value)).toContain('Tak, kollegaen har fået dit svar.');
    // The card keeps her answer, in the words of its button.
    expect(text(res.body.value)).toContain(`Dit svar ${button.title}`);
    check(await visitsOf(c, LEE), await c.store.visits.listByStaff(key(MEGAN)));
    const toLee = await pendingFor(c, LEE);
    expect(toLee.some((m) => m.payload.text?.includes(`Megan Bowen ${words}`))).toBe(true);
    const update = (await c.store.outbox.due(dayAfter(c))).find((m) => m.operation === 'update')!;
    expect(text(update.payload.card)).toContain(`Megan Bowen ${words}`);
    expect(update.replaces).toEqual({ conversationId: expect.any(String), activityId: 'lee-card-1' });
  });

  it('a joint visit says with whom on each one\'s list of visits, and when', async () => {
    const { c, request } = await coordinating();
    await c.press('visits.answer', actionsOf(request.payload.card).find((a: any) => a.data.answer === 'joint').data, { from: MEGAN });
    const [lees] = await c.say('mine besøg', { from: LEE });
    expect(text(lees!.attachments![0]!.content)).toContain('24.11.2026 kl. 10.00 (fælles besøg med Megan Bowen)');
    const [megans] = await c.say('mine besøg', { from: MEGAN });
    expect(text(megans!.attachments![0]!.content)).toContain('24.11.2026 kl. 10.00 (fælles besøg med Lee Gu)');
  });

  it('an answer on a coordination card left open after either visit was cancelled changes nothing', async () => {
    const { c, request } = await coordinating();
    const megans = (await visitsOf(c, MEGAN))[0]!;
    await c.press('visits.cancel', { vid: megans.id, why: 'notNeeded' }, { from: MEGAN });
    const before = await visitsOf(c, LEE);
    const res = await c.press('visits.answer', actionsOf(request.payload.card).find((a: any) => a.data.answer === 'joint').data, { from: MEGAN });
    expect(text(res.body.value)).toContain('Intet er ændret');
    expect(await visitsOf(c, LEE)).toEqual(before);
    expect((await pendingFor(c, LEE)).some((m) => m.payload.text?.includes('svarede'))).toBe(false);
  });

  it('when a visit others relied on is cancelled (they joined it, or theirs was cancelled for it), they are told and asked to plan again', async () => {
    for (const answer of ['joint', 'iTakeIt'] as const) {
      const { c, request } = await coordinating();
      await c.press('visits.answer', actionsOf(request.payload.card).find((a: any) => a.data.answer === answer).data, { from: MEGAN });
      // Lee's own visit is cancelled; Megan's is the one for them both. Megan now cancels it.
      const megans = (await c.store.visits.listByStaff(key(MEGAN))).find((v) => v.status === 'planned' && sameStaff(v.staff, key(MEGAN)))!;
      await c.press('visits.cancel', { vid: megans.id, at: megans.at, why: 'staffAbsent' }, { from: MEGAN });
      const told = (await pendingFor(c, LEE)).filter((m) => m.payload.text?.includes('har aflyst'));
      expect(told.map((m) => m.payload.text)).toEqual([
        'Megan Bowen har aflyst besøget hos Jens Hansen, 010150-xxxx 24.11.2026 kl. 10.00, som I havde aftalt i stedet for dit eget. Borgeren har nu intet besøg: planlæg et nyt, hvis det stadig er nødvendigt. Begrundelse: Medarbejderen er forhindret og planlægger et nyt besøg.',
      ]);
    }
  });

  it('"begge besøg er nødvendige" needs a reason; only the colleague may answer', async () => {
    const { c, request } = await coordinating();
    const button = actionsOf(request.payload.card).find((a: any) => a.data.answer === 'bothNeeded');
    const forged = await c.press('visits.answer', button.data, { from: LEE });
    expect(text(forged.body.value)).toContain('Intet er ændret');
    const missing = await c.press('visits.answer', { ...button.data, reason: '' }, { from: MEGAN });
    expect(text(missing.body.value)).toContain('Skriv hvorfor begge besøg er nødvendige.');
    await c.press('visits.answer', { ...button.data, reason: 'Demensudredning kræver eget besøg' }, { from: MEGAN });
    expect((await visitsOf(c, LEE))[0]).toMatchObject({ status: 'planned', data: { overlapNote: { kind: 'keptWithReason', reason: 'Demensudredning kræver eget besøg' } } });
  });
});

describe('my visits, moving, cancelling, sharing, statistics', () => {
  it('"mine besøg" marks overlaps; moving re-checks and tells the colleagues it concerned; cancelling tells them too', async () => {
    const { c, card } = await overlapping();
    await c.press('visits.keep', { ...actionsOf(card).find((a: any) => a.verb === 'visits.keep').data, reason: 'Nødvendigt' }, { from: LEE });
    const [week] = await c.say('mine besøg', { from: LEE });
    expect(text(week!.attachments![0]!.content)).toContain('⚠ et kollegabesøg tæt på');
    const lees = (await visitsOf(c, LEE))[0]!;
    const moved = await c.press('visits.move', { vid: lees.id, date: '2026-12-30', time: '09:00' }, { from: LEE });
    expect(textsOf(moved.body.value)[0]).toBe('Besøget er planlagt');
    expect((await pendingFor(c, MEGAN)).some((m) => m.payload.text?.includes('Lee Gu har flyttet sit besøg hos Jens Hansen, 010150-xxxx til 30.12.2026 kl. 09.00.'))).toBe(true);
    const megans = (await visitsOf(c, MEGAN))[0]!;
    await plan(c, LEE, '2026-11-25'); // a draft next to Megan's again, then cancel Megan's: Lee is not concerned by drafts
    await c.press('visits.cancel', { vid: megans.id, why: 'citizenCancelled' }, { from: MEGAN });
    expect((await c.store.visits.get(megans.id))!.status).toBe('cancelled');
  });

  it('"Aflys besøget" asks why first; nothing is cancelled without a reason; the colleagues close by are told it', async () => {
    const { c, card } = await overlapping();
    await c.press('visits.keep', { ...actionsOf(card).find((a: any) => a.verb === 'visits.keep').data, reason: 'Nødvendigt' }, { from: LEE });
    const megans = (await visitsOf(c, MEGAN))[0]!;
    const change = await c.press('visits.changeStart', { vid: megans.id }, { from: MEGAN });
    const ask = await c.press('visits.cancelStart', actionsOf(change.body.value).find((a: any) => a.title === 'Aflys besøget').data, { from: MEGAN });
    expect(textsOf(ask.body.value).slice(0, 2)).toEqual(['Aflys besøget?', 'Besøget hos Jens Hansen, 010150-xxxx 24.11.2026 kl. 10.00 aflyses, når du trykker "Aflys besøget". Kolleger med et besøg hos borgeren tæt på får besked med begrundelsen.']);
    expect(inputOf(ask.body.value, 'why').choices.map((x: any) => x.title)).toContain('Borgeren har meldt afbud');
    expect(actionsOf(ask.body.value).map((a: any) => a.title)).toEqual(['Aflys besøget', 'Fortryd']);
    expect((await c.store.visits.get(megans.id))!.status).toBe('planned');
    // No reason: asked again, nothing changed; "Andet" needs a note, and what was typed stays.
    const none = await c.press('visits.cancel', { vid: megans.id, why: '' }, { from: MEGAN });
    expect(inputOf(none.body.value, 'why').error ?? text(none.body.value)).toContain('Vælg, hvorfor besøget aflyses.');
    const other = await c.press('visits.cancel', { vid: megans.id, why: 'other', note: '' }, { from: MEGAN });
    expect(text(other.body.value)).toContain('Skriv kort, hvorfor besøget aflyses.');
    expect(inputOf(other.body.value, 'why').value).toBe('other');
    expect((await c.store.visits.get(megans.id))!.status).toBe('planned');
    expect((await pendingFor(c, LEE)).some((m) => m.payload.text?.includes('har aflyst'))).toBe(false);
    await c.press('visits.cancel', { vid: megans.id, why: 'citizenCancelled', note: 'Ringede i morges' }, { from: MEGAN });
    expect((await c.store.visits.get(megans.id))!.status).toBe('cancelled');
    const told = (await pendingFor(c, LEE)).find((m) => m.payload.text?.includes('har aflyst'))!;
    expect(told.payload.text).toBe('Megan Bowen har aflyst sit besøg hos Jens Hansen, 010150-xxxx 24.11.2026 kl. 10.00. Begrundelse: Borgeren har meldt afbud: Ringede i morges');
    expect(told.payload.summary).not.toMatch(/Jens|010150|afbud/);
  });

  it('"del borger" with a citizen one is not attached to tells nothing of who is (a forged citizen id)', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens');
    await attach(c, LEE, 'forebyggende');
    const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
    await c.press('visits.detach', { citizenId: citizen.id, reason: 'Forløbet er slut' }, { from: MEGAN });
    expect((await c.store.attachments.listByCitizen(citizen.id)).filter((a) => a.status === 'active').map((a) => a.staff.aadObjectId)).toEqual([LEE.aadObjectId]);
    const form = await c.press('visits.shareStart', { citizenId: citizen.id }, { from: MEGAN });
    expect(inputOf(form.body.value, 'to').choices.map((x: any) => x.title)).toContain('Lee Gu');
  });

  it('a cancel card left open while the visit was moved cancels nothing', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens');
    await plan(c, MEGAN, '2026-11-24');
    const visit = (await visitsOf(c, MEGAN))[0]!;
    const ask = await c.press('visits.cancelStart', { vid: visit.id }, { from: MEGAN });
    await c.press('visits.move', { vid: visit.id, date: '2026-11-26', time: '09:00' }, { from: MEGAN });
    const old = actionsOf(ask.body.value).find((a: any) => a.verb === 'visits.cancel').data;
    const res = await c.press('visits.cancel', { ...old, why: 'notNeeded' }, { from: MEGAN });
    expect(text(res.body.value)).toContain('Intet er ændret');
    expect((await c.store.visits.get(visit.id))!.status).toBe('planned');
  });

  it('"del borger" does not offer a colleague already attached to the citizen, and refuses a forged pick of one', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens', 'Demensudredning');
    await attach(c, LEE, 'forebyggende');
    const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
    const form = await c.press('visits.shareStart', { citizenId: citizen.id }, { from: MEGAN });
    expect(inputOf(form.body.value, 'to').choices.map((x: any) => x.title)).not.toContain('Lee Gu');
    const refused = await c.press('visits.share', { citizenId: citizen.id, to: LEE.aadObjectId, reason: 'Hun bor alene' }, { from: MEGAN });
    expect(text(refused.body.value)).toContain('Lee Gu er allerede tilknyttet borgeren. Vælg en anden kollega.');
    expect(inputOf(refused.body.value, 'reason').value).toBe('Hun bor alene');
    expect((await pendingFor(c, LEE)).some((m) => m.payload.card && text(m.payload.card).includes('vil dele en borger'))).toBe(false);
  });

  it('shares a citizen with a colleague: name, sender and reason, nothing of the service or health, and a button to attach', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens', 'Demensudredning');
    const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
    const form = await c.press('visits.shareStart', { citizenId: citizen.id }, { from: MEGAN });
    expect(inputOf(form.body.value, 'to').choices.map((x: any) => x.title)).toEqual(['Lee Gu']);
    await c.press('visits.share', { citizenId: citizen.id, to: LEE.aadObjectId, reason: 'Hun bor alene og virker ensom' }, { from: MEGAN });
    const card = (await pendingFor(c, LEE)).find((m) => m.payload.card)!;
    expect(text(card.payload.card)).toBe('En kollega vil dele en borger med dig | Megan Bowen vil gerne dele en borger med dig: Jens Hansen, 010150-xxxx. Begrundelse: Hun bor alene og virker ensom');
    expect(JSON.stringify(card.payload)).not.toMatch(/Demens|demens/);
    expect(actionsOf(card.payload.card)[0].verb).toBe('visits.attachStart');
    const trail = await c.store.audit.forCitizen(citizen.id);
    expect(trail.find((e) => e.what === 'borgeren (delt med Lee Gu)')).toMatchObject({ purpose: 'besøgskoordinering', actor: { aadObjectId: MEGAN.aadObjectId } });
  });

  it('a shared citizen is taken up with the button: no CPR to type, no reason, the managers not told', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens', 'Demensudredning');
    const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
    await c.press('visits.share', { citizenId: citizen.id, to: LEE.aadObjectId, reason: 'Hun bor alene' }, { from: MEGAN });
    const shared = (await pendingFor(c, LEE)).find((m) => m.payload.card)!;
    const button = actionsOf(shared.payload.card)[0];
    const form = await c.press(button.verb, button.data, { from: LEE });
    expect(text(form.body.value)).toContain('En kollega har delt borgeren med dig');
    expect(text(form.body.value)).toContain('Jens Hansen, 010150-xxxx');
    expect(inputOf(form.body.value, 'cpr')).toBeUndefined();
    expect(inputOf(form.body.value, 'reason')).toBeUndefined();
    const save = actionsOf(form.body.value).find((a: any) => a.verb === 'visits.attach');
    const done = await c.press('visits.attach', { ...save.data, service: 'forebyggende', purpose: 'Forebyggende besøg' }, { from: LEE });
    expect(text(done.body.value)).toContain('Du er nu tilknyttet borgeren.');
    expect((await c.store.attachments.listByCitizen(citizen.id)).filter((a) => a.status === 'active').map((a) => a.staff.aadObjectId).sort()).toEqual([MEGAN.aadObjectId, LEE.aadObjectId].sort());
    expect(await pendingFor(c, NESTOR)).toEqual([]);
    // The same button again: the share is used; the ordinary form, nothing of the citizen.
    const again = await c.press(button.verb, button.data, { from: LEE });
    expect(text(again.body.value)).not.toContain('Jens Hansen');
    // "Tilknyt" on the offer's form pressed twice: the citizen's card, already attached.
    const twice = await c.press('visits.attach', { ...save.data, service: 'forebyggende', purpose: 'Forebyggende besøg' }, { from: LEE });
    expect(text(twice.body.value)).toContain('Du er allerede tilknyttet borgeren.');
  });

  it('a share is no use once the colleague who made it has detached', async () => {
    const c = await setup();
    await attach(c, MEGAN, 'demens', 'Demensudredning');
    const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
    await c.press('visits.share', { citizenId: citizen.id, to: LEE.aadObjectId, reason: 'Hun bor alene' }, { from: MEGAN });
    const button = actionsOf((await pendingFor(c, LEE)).find((m) => m.payload.card)!.payload.card)[0];
    await c.press('visits.detach', { citizenId: citizen.id, reason: 'Flyttet' }, { from: MEGAN });
    const form = await c.press(button.verb, button.data, { from: LEE });
    expect(text(form.body.value)).not.toContain('Jens Hansen');
    expect(inputOf(form.body.value, 'cpr')).toBeDefined();
    // Nor by typing the CPR number: the offer that ran out is no relation, so he is asked why.
    const typed = await c.press('visits.attach', { cpr: '010150-1234', name: 'J. H.', service: 'forebyggende', purpose: 'Besøg' }, { from: LEE });
    expect(text(typed.body.value)).toContain('Skriv, hvorfor du skal tilknyttes borgeren.');
    expect(JSON.stringify(typed.body.value)).not.toMatch(/Jens Hansen|Demens/);
  });

  it('an assignment is no use once the manager who made it is no longer a manager', async () => {
    const c = await setup();
    await c.press('visits.assign', { cpr: '010150-1234', name: 'Jens Hansen', to: LEE.aadObjectId, reason: 'Udskrevet fra sygehuset' }, { from: NESTOR });
    const button = actionsOf((await pendingFor(c, LEE)).find((m) => m.payload.summary === 'En leder har tildelt dig en borger')!.payload.card)[0];
    const saved = await c.press('roles.save', { person: NESTOR.aadObjectId, roles: 'preventiveVisitor' }, { from: ALEX });
    expect(text(saved.body.value)).not.toContain('Leder');
    const form = await c.press(button.verb, button.data, { from: LEE });
    expect(text(form.body.value)).not.toContain('Jens Hansen');
    expect(inputOf(form.body.value, 'cpr')).toBeDefined();
  });

  it('gives managers counts only, as a chart and as CSV; others are refused', async () => {
    const { c, card } = await overlapping({ ownFigures: true });
    await c.press('visits.merge', actionsOf(card).find((a: any) => a.verb === 'visits.merge').data, { from: LEE });
    const [refused] = await c.say('statistik', { from: LEE });
    expect(textsOf(refused!.attachments![0]!.content)[0]).toBe('Det kræver en anden rolle');
    const [stats] = await c.say('statistik', { from: NESTOR });
    const statsCard = stats!.attachments![0]!.content;
    expect(text(statsCard)).toMatch(/Planlagte besøg 1 \| Mulige dobbeltbesøg fundet 1 \| Undgået \(fælles eller overdraget\) 1 \| Beholdt med begrundelse 0 \| Sparede km \(skøn\) 12,0 \| Sparede timer \(skøn\) 1,0/);
    // Per service too: Lee's visit (the double one found) was merged into Megan's, planned.
    expect(text(statsCard)).toContain('Forebyggende hjemmebesøg planlagt 0 · mulige dobbeltbesøg 1 · undgået 1 · beholdt 0 | Demenskoordinator planlagt 1 · mulige dobbeltbesøg 0 · undgået 0 · beholdt 0');
    expect(JSON.stringify(statsCard)).toContain('Chart.HorizontalBar');
    expect(JSON.stringify(statsCard)).not.toMatch(/Jens|0101/);
    const csv = await c.press('visits.stats', { csv: 'yes' }, { from: NESTOR });
    expect(shownText(csv.others[0]).split('\n')[0]).toMatch(/;/);
    // What the figures rest on: the municipality's own per-visit figures, nobody else's.
    expect(text(statsCard)).toContain('Besparelsen er skønnet ud fra kommunens egne tal: 12,0 km og 1,0 timer pr. undgået besøg.');
    expect(text(statsCard)).not.toMatch(/Aabenraa|Grundlaget/);
  });

  it('with the shipped placeholders, shows no km or hours saved, and says when it will', async () => {
    const { c, card } = await overlapping();
    await c.press('visits.merge', actionsOf(card).find((a: any) => a.verb === 'visits.merge').data, { from: LEE });
    const [stats] = await c.say('statistik', { from: NESTOR });
    const statsCard = stats!.attachments![0]!.content;
    expect(text(statsCard)).toContain('Undgået (fælles eller overdraget) 1');
    expect(text(statsCard)).not.toMatch(/Sparede km \(skøn\)|Sparede timer \(skøn\)|12,0/);
    expect(text(statsCard)).toContain('Sparede km og timer vises, når kommunen har sat sine egne tal');
    const csv = await c.press('visits.stats', { csv: 'yes' }, { from: NESTOR });
    expect(shownText(csv.others[0])).not.toContain('Sparede');
  });
});

describe('numbers and dates as people read them', () => {
  /** The avoided-visits chart (the last of the two): whole numbers beside bars, no axis to step by 0,25. */
  const chartOf = (card: any) => card.body.flatMap((b: any) => b.items ?? []).filter((i: any) => i.type === 'Chart.HorizontalBar').at(-1);
  const bars = (chart: any) => chart.data.filter((b: any) => b.y > 0);

  it('statistics: a decimal comma and Danish months in Danish, a point and English months in English, as the CSV has it', async () => {
    const { c, card } = await overlapping({ ownFigures: true });
    await c.press('visits.merge', actionsOf(card).find((a: any) => a.verb === 'visits.merge').data, { from: LEE });
    const [da] = await c.say('statistik', { from: NESTOR });
    const daCard = da!.attachments![0]!.content;
    expect(text(daCard)).toContain('Sparede km (skøn) 12,0');
    expect(text(daCard)).toContain('Sparede timer (skøn) 1,0');
    expect(text(daCard)).not.toMatch(/\b12\.0\b|\b1\.0\b/);
    expect(chartOf(daCard).displayMode).toBe('AbsoluteNoAxis');
    expect(chartOf(daCard).data).toHaveLength(12);
    expect(chartOf(daCard).data[0]).toEqual({ x: 'dec. 2025', y: 0 });
    expect(bars(chartOf(daCard))).toEqual([{ x: 'nov. 2026', y: 1 }]);
    // The chart's title in a heading of its own, above it (not every client draws a chart's title).
    expect(text(daCard)).toContain('Undgåede dobbeltbesøg pr. måned');
    const csv = await c.press('visits.stats', { csv: 'yes' }, { from: NESTOR });
    expect(shownText(csv.others[0])).toContain('2026-11;;Demenskoordinator;Sparede km (skøn);0,0');
    expect(shownText(csv.others[0])).toContain('2026-11;;Forebyggende hjemmebesøg;Sparede km (skøn);12,0');
    expect(shownText(csv.others[0])).toContain('2026-11;;Forebyggende hjemmebesøg;Sparede timer (skøn);1,0');
    // English is Nestor's own choice ("sprog"); the Teams client's en-US alone does not change it.
    const [stillDanish] = await c.say('statistics', { from: NESTOR, locale: 'en-US' });
    expect(text(stillDanish!.attachments![0]!.content)).toContain('Sparede km (skøn) 12,0');
    await c.press('language.set', { lang: 'en' }, { from: NESTOR });
    const [en] = await c.say('statistics', { from: NESTOR, locale: 'en-US' });
    const enCard = en!.attachments![0]!.content;
    expect(text(enCard)).toContain('Km saved (estimate) 12.0');
    expect(text(enCard)).toContain('Hours saved (estimate) 1.0');
    expect(bars(chartOf(enCard))).toEqual([{ x: 'Nov 2026', y: 1 }]);
    for (const card of [daCard, enCard]) for (const bar of chartOf(card).data) expect(bar.x).not.toMatch(/\d{4}-\d{2}/);
  });

  it.each(['09.12.2026', '9.12.2026', '09-12-2026', '2026-12-09', ' 09.12.2026 '])('plans a visit on a date typed as %j (a date picker shown as a text field)', async (typed) => {
    const c = await setup();
    await attach(c, LEE, 'forebyggende');
    const res = await plan(c, LEE, typed);
    expect(textsOf(res.body.value)[0]).toBe('Besøget er planlagt');
    expect(text(res.body.value)).toContain('09.12.2026 kl. 10.00');
    expect((await visitsOf(c, LEE))[0]).toMatchObject({ status: 'planned', at: '2026-12-09T09:00:00.000Z' });
  });

  it('the planning card says how to type a date, refuses one that is not in the calendar or has passed, and keeps a typed one for the picker', async () => {
    const c = await setup();
    await attach(c, LEE, 'forebyggende');
    const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
    const form = await c.press('visits.planStart', { citizenId: citizen.id }, { from: LEE });
    expect(inputOf(form.body.value, 'date')).toMatchObject({ type: 'Input.Date', placeholder: 'Vælg dato eller skriv DD.MM.ÅÅÅÅ' });
    expect(text((await plan(c, LEE, '31.11.2026')).body.value)).toContain('Den dato findes ikke i kalenderen. Skriv datoen som DD.MM.ÅÅÅÅ');
    expect(text((await plan(c, LEE, '09.12.26')).body.value)).toContain('Skriv datoen som DD.MM.ÅÅÅÅ, fx 01.12.2026, eller vælg den i kalenderen.');
    expect(text((await plan(c, LEE, '')).body.value)).toContain('Vælg en dato.');
    expect(text((await plan(c, LEE, '21.11.2026')).body.value)).toContain('Datoen er passeret.');
    const badTime = await plan(c, LEE, '09.12.2026', '25:00');
    expect(text(badTime.body.value)).not.toContain('Skriv datoen');
    expect(inputOf(badTime.body.value, 'date').value).toBe('2026-12-09');
    expect(inputOf((await plan(c, LEE, '31.11.2026')).body.value, 'date').value).toBe('31.11.2026');
    expect(await visitsOf(c, LEE)).toHaveLength(0);
  });

  it('moves a visit to a date typed as 30.12.2026; the change card shows the picker\'s date and how to type one', async () => {
    const c = await setup();
    await attach(c, LEE, 'forebyggende');
    await plan(c, LEE, '2026-12-09');
    const visit = (await visitsOf(c, LEE))[0]!;
    const form = await c.press('visits.changeStart', { vid: visit.id }, { from: LEE });
    expect(inputOf(form.body.value, 'date')).toMatchObject({ type: 'Input.Date', value: '2026-12-09', placeholder: 'Vælg dato eller skriv DD.MM.ÅÅÅÅ' });
    expect(text(form.body.value)).toContain('Besøget er 09.12.2026 kl. 10.00.');
    const bad = await c.press('visits.move', { vid: visit.id, date: '31.04.2027', time: '09:00' }, { from: LEE });
    expect(text(bad.body.value)).toContain('Den dato findes ikke i kalenderen.');
    expect(inputOf(bad.body.value, 'date').value).toBe('31.04.2027');
    const moved = await c.press('visits.move', { vid: visit.id, date: '30.12.2026', time: '09:00' }, { from: LEE });
    expect(text(moved.body.value)).toContain('30.12.2026 kl. 09.00');
    expect((await c.store.visits.get(visit.id))!.at).toBe('2026-12-30T08:00:00.000Z');
  });

  it('takes a time typed the Danish way, 13.30, where the time picker is a text field', async () => {
    const c = await setup();
    await attach(c, LEE, 'forebyggende');
    const res = await plan(c, LEE, '09.12.2026', '13.30');
    expect(text(res.body.value)).toContain('09.12.2026 kl. 13.30');
    expect((await visitsOf(c, LEE))[0]).toMatchObject({ at: '2026-12-09T12:30:00.000Z' });
    const bad = await plan(c, LEE, '10.12.2026', '25.00');
    expect(text(bad.body.value)).toContain('Vælg et tidspunkt (TT:MM).');
    expect(inputOf(bad.body.value, 'time').value).toBe('25.00');
    const dated = await plan(c, LEE, '31.11.2026', '9.30');
    expect(inputOf(dated.body.value, 'time').value).toBe('09:30');
  });

  it('in English the visit cards show and take dates as DD/MM/YYYY', async () => {
    const c = await setup();
    await attach(c, LEE, 'forebyggende');
    const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
    const en = { from: LEE, locale: 'en-GB' };
    await c.press('language.set', { lang: 'en' }, { from: LEE });
    const form = await c.press('visits.planStart', { citizenId: citizen.id }, en);
    expect(inputOf(form.body.value, 'date').placeholder).toBe('Pick a date or type DD/MM/YYYY');
    const bad = await c.press('visits.plan', { citizenId: citizen.id, date: '12/9/26', time: '10:00', purpose: 'Visit', openForJoint: 'yes', relativesByVideo: 'no' }, en);
    expect(text(bad.body.value)).toContain('Write the date as DD/MM/YYYY');
    const ok = await c.press('visits.plan', { citizenId: citizen.id, date: '09/12/2026', time: '10:00', purpose: 'Visit', openForJoint: 'yes', relativesByVideo: 'no' }, en);
    expect(text(ok.body.value)).toContain('09/12/2026');
    expect((await visitsOf(c, LEE))[0]).toMatchObject({ at: '2026-12-09T09:00:00.000Z' });
  });
});
