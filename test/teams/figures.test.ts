// The managers' figures and the centres' counting weeks, through the real Application: what a
// screening, a referral and a decision add, per centre and month; the counting week (Tabel 1);
// filters, forged values and roles; the CSV. Counts only: no citizen on any card or in any event.
import { afterEach, describe, expect, it } from 'vitest';
import type { RoleSeed } from '../../src/services/directory.js';
import { ALEX, MEGAN, TENANT, type Who } from '../helpers/activities.js';
import { TestClock } from '../helpers/clock.js';
import { actionsOf, cardOf, closeAll, conversation, inputOf, shownText, textsOf, type Conversation } from '../helpers/conversation.js';
import { ADELE, DORTE, referByScreening, screenCitizen } from '../helpers/referral.js';

afterEach(closeAll);

const NESTOR: Who = { id: '29:nestor', name: 'Nestor Wilke', aadObjectId: '00000000-0000-0000-0000-000000000024' };
const LEE: Who = { id: '29:lee', name: 'Lee Gu', aadObjectId: '00000000-0000-0000-0000-000000000023' };
const seed: RoleSeed[] = [
  { aadObjectId: ALEX.aadObjectId, roles: ['activityStaff', 'admin'], centre: 'syd' },
  { aadObjectId: ADELE.aadObjectId, roles: ['visitator'] },
  { aadObjectId: MEGAN.aadObjectId, roles: ['dementiaCoordinator'] },
  { aadObjectId: LEE.aadObjectId, roles: ['activityStaff'] },
  { aadObjectId: NESTOR.aadObjectId, roles: ['manager'] },
  { aadObjectId: DORTE.aadObjectId, roles: ['dataProtection'] },
];
const text = (card: any) => textsOf(card).join(' | ');
const SYD = 'Aktivitetscenter Syd (eksempel)';
const NORD = 'Aktivitetscenter Nord (eksempel)';

async function setup(now = '2026-11-22T10:00:00Z'): Promise<Conversation> {
  const c = await conversation({ seed, clock: new TestClock(now) });
  for (const who of [ALEX, ADELE, MEGAN, LEE, NESTOR, DORTE]) await c.say('hej', { from: who });
  return c;
}

/** Nestor's figures card, with the filters given. */
async function figures(c: Conversation, filters: Record<string, unknown> = {}) {
  return (await c.press('visits.stats', filters, { from: NESTOR })).body.value;
}

/** Alex's screening (centre Syd) to a referral, decided by Adele at Nord; Megan's direct referral, turned down. */
async function aMonthOfCases(c: Conversation) {
  const referral = await referByScreening(c);
  await c.press('referral.take', { rid: referral.id }, { from: ADELE });
  const triaged = await c.press('referral.triage', { rid: referral.id, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
  await c.press('referral.decide', { ...actionsOf(triaged.body.value).find((a) => a.verb === 'referral.decide').data, offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'Fællesskab om maden' }, { from: ADELE });
  await c.press('referral.createDirect', { cpr: '020250-2345', name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig', unit: 'hjemmeplejen' }, { from: MEGAN });
  const direct = (await c.store.referrals.listOpen()).find((r) => r.source.kind === 'direct')!;
  await c.press('referral.refuse', { rid: direct.id, reason: 'Borgeren har allerede et tilbud' }, { from: ADELE });
}

describe('the managers\' figures', () => {
  it('counts a screening, its referral and the decision for the centres they belong to, per month, with nothing of the citizen', async () => {
    const c = await setup();
    await aMonthOfCases(c);
    const all = await figures(c);
    expect(text(all)).toContain('Viser: Alle centre, seneste 12 måneder');
    expect(text(all)).toContain('Screeninger efter udfald | Klubtilbud 0 | Forebyggende tilbud 0 | Henvist til visitation 1 | Uden for målgruppen 0 | I alt 1');
    expect(text(all)).toContain('Henvisninger til visitation | Fra en screening 1 | Direkte henvisninger 1');
    expect(text(all)).toContain('Afgørelser efter tilbud | Vedligeholdende tilbud på center 1 | Vedligeholdende tilbud i hjemmet 0 | Enkeltydelser 0 | Afslag 0 | Henvisning afvist (ikke en sag for visitationen) 1');
    // The screening and its referral count for Alex's centre (Syd); the decision for the centre of the offer (Nord).
    const syd = await figures(c, { filterCentre: 'syd', filterMonth: 'all' });
    expect(text(syd)).toContain(`Viser: ${SYD}, seneste 12 måneder`);
    expect(text(syd)).toContain('Henvist til visitation 1 | Uden for målgruppen 0 | I alt 1');
    expect(text(syd)).toContain('Fra en screening 1 | Direkte henvisninger 0');
    expect(text(syd)).toContain('Vedligeholdende tilbud på center 0');
    expect(inputOf(syd, 'filterCentre').value).toBe('syd');
    const nord = await figures(c, { filterCentre: 'nord' });
    expect(text(nord)).toContain('I alt 0');
    expect(text(nord)).toContain('Vedligeholdende tilbud på center 1');
    // Megan has no centre: her direct referral, and Adele's turning it down, belong to none.
    const none = await figures(c, { filterCentre: 'none' });
    expect(text(none)).toContain('Fra en screening 0 | Direkte henvisninger 1');
    expect(text(none)).toContain('Henvisning afvist (ikke en sag for visitationen) 1');
    expect(text(none)).not.toContain('Brugere pr. uge');
    // One month: November has them, October none; no charts over one month.
    const november = await figures(c, { filterCentre: 'all', filterMonth: '2026-11' });
    expect(text(november)).toContain('Viser: Alle centre, nov. 2026');
    expect(text(november)).toContain('I alt 1');
    const october = await figures(c, { filterMonth: '2026-10' });
    expect(text(october)).toContain('I alt 0');
    expect(JSON.stringify(october)).not.toContain('Chart.');
    // Over 12 months: screenings per month, a bar for each month with its number beside it.
    const chart = all.body.flatMap((b: any) => b.items ?? []).find((i: any) => i.type === 'Chart.HorizontalBar');
    expect(chart.displayMode).toBe('AbsoluteNoAxis');
    expect(chart.data.at(-1)).toEqual({ x: 'nov. 2026', y: 1 });
    expect(chart.data.slice(0, -1).every((b: any) => b.y === 0)).toBe(true);
    for (const card of [all, syd, nord, none, november]) expect(JSON.stringify(card)).not.toMatch(/Jens|Else|0101|0202|Alex|Megan|Adele/);
    // The counters the figures are made of hold no citizen, no person and no text: a number per month, centre and outcome.
    const events = await c.store.caseCounts.since('2000-01');
    expect(events.map((e) => `${e.kind} ${e.value} ${e.centre ?? '-'} ${e.n}`).sort()).toEqual(['decided centre nord 1', 'decided notCase - 1', 'referred direct - 1', 'referred screening syd 1', 'screened referral syd 1']);
    const citizens = await Promise.all(['0101501234', '0202502345'].map((cpr) => c.store.citizens.findByCpr(cpr)));
    for (const id of [...citizens.map((x) => x!.id), ALEX.aadObjectId, MEGAN.aadObjectId, ADELE.aadObjectId]) expect(JSON.stringify(events)).not.toContain(id);
    expect(JSON.stringify(events)).not.toMatch(/Jens|Else|Isolerer|tilbud"/);
  });

  it('the CSV file has every figure per month, centre and area, in Danish for Excel', async () => {
    const c = await setup();
    await aMonthOfCases(c);
    await c.press('figures.count', { centre: 'syd', week: '2026-autumn', users: '26' }, { from: ALEX });
    await c.press('figures.count', { centre: 'syd', week: '2026-spring', users: '20' }, { from: ALEX });
    const pressed = await c.press('visits.stats', { csv: 'yes' }, { from: NESTOR });
    const csv = shownText(pressed.others[0]);
    const lines = csv.split('\n');
    expect(lines[0]).toBe('Periode;Center;Område;Nøgletal;Antal');
    expect(lines).toContain(`2026 forår;${SYD};Tælleuge;Brugere i ugen;20`);
    expect(lines).toContain(`2026 efterår;${SYD};Tælleuge;Brugere i ugen;26`);
    expect(lines).toContain(`2026;${SYD};Tælleuge;Brugere pr. uge (gennemsnit);23`);
    expect(lines).toContain(`2026-11;${SYD};Screening;Henvist til visitation;1`);
    expect(lines).toContain(`2026-11;${SYD};Henvisning;Fra en screening;1`);
    expect(lines).toContain(`2026-11;${NORD};Afgørelse;Vedligeholdende tilbud på center;1`);
    expect(lines).toContain('2026-11;Uden center;Henvisning;Direkte henvisninger;1');
    expect(lines).toContain('2026-11;Uden center;Afgørelse;Henvisning afvist (ikke en sag for visitationen);1');
    expect(csv).not.toMatch(/Jens|Else|0101|0202/);
  });

  it('a forged or stale filter gets its message on the card, and all is shown', async () => {
    const c = await setup();
    await aMonthOfCases(c);
    const centre = await figures(c, { filterCentre: 'mars', filterMonth: '2026-11' });
    expect(text(centre)).toContain('⚠ Vælg et center på listen.');
    expect(text(centre)).toContain('Viser: Alle centre, nov. 2026');
    expect(inputOf(centre, 'filterMonth').value).toBe('2026-11');
    // A month the card no longer offers (a card left open for a year), or no month at all.
    for (const month of ['2025-11', '2026-12', 'nov', 7]) {
      const stale = await figures(c, { filterMonth: month });
      expect(text(stale)).toContain('Viser: Alle centre, seneste 12 måneder');
      if (typeof month === 'string') expect(text(stale)).toContain('⚠ Vælg en af de seneste 12 måneder.');
    }
    const odd = await figures(c, { filterCentre: { $gt: '' }, filterMonth: ['2026-11'] });
    expect(text(odd)).toContain('Viser: Alle centre, seneste 12 måneder');
    expect(text(odd)).toContain('⚠ Vælg et center på listen.');
    expect(text(odd)).toContain('⚠ Vælg en af de seneste 12 måneder.');
    // A wrong-typed centre does not drop the month beside it.
    const typed = await figures(c, { filterCentre: 7, filterMonth: '2026-11' });
    expect(text(typed)).toContain('⚠ Vælg et center på listen.');
    expect(text(typed)).toContain('Viser: Alle centre, nov. 2026');
    expect(text(await figures(c, { filterCentre: 'x'.repeat(500) }))).toContain('⚠ Vælg et center på listen.');
  });

  it('only a manager sees the figures, only in a personal chat, and finds them on the help card', async () => {
    const c = await setup();
    const [refused] = await c.say('nøgletal', { from: ALEX });
    expect(textsOf(cardOf(refused))[0]).toBe('Det kræver en anden rolle');
    const [inChannel] = await c.say('statistik', { from: NESTOR, conversationType: 'channel' });
    expect(shownText(inChannel)).toMatch(/personlig/);
    const [help] = await c.say('hjælp', { from: NESTOR });
    const buttons = actionsOf(cardOf(help)).map((a) => a.verb);
    expect(buttons).toContain('visits.stats');
    expect(buttons).toContain('figures.countStart');
    const [alexHelp] = await c.say('hjælp', { from: ALEX });
    expect(actionsOf(cardOf(alexHelp)).map((a) => a.verb)).toContain('figures.countStart');
    expect(actionsOf(cardOf(alexHelp)).map((a) => a.verb)).not.toContain('visits.stats');
  });
});

describe('the counting week (Tabel 1)', () => {
  it('centre staff record spring and autumn; the figure per week is their average; a week counted again replaces its number', async () => {
    const c = await setup();
    const [start] = await c.say('tælleuge', { from: ALEX });
    const card = cardOf(start);
    // Alex works at Syd (the roles file): his centre only. The week is his to choose (none chosen for him).
    expect(inputOf(card, 'centre').value).toBe('syd');
    expect(inputOf(card, 'centre').choices.map((x: any) => x.value)).toEqual(['syd']);
    expect(inputOf(card, 'week').value).toBe('');
    expect(inputOf(card, 'week').choices.map((w: any) => w.title)).toEqual(['Efterår 2026', 'Forår 2026', 'Efterår 2025', 'Forår 2025']);
    expect(text(card)).toContain(`${SYD} ingen tælling endnu`);
    const autumn = (await c.press('figures.count', { centre: 'syd', week: '2026-autumn', users: '26' }, { from: ALEX })).body.value;
    expect(text(autumn)).toContain(`✓ Gemt: 26 brugere i ${SYD}, Efterår 2026.`);
    expect(text(autumn)).toContain(`${SYD} efterår 2026: 26 (forårets tælling mangler)`);
    expect(inputOf(autumn, 'users').value).toBeUndefined();
    const spring = (await c.press('figures.count', { centre: 'syd', week: '2026-spring', users: 20 }, { from: ALEX })).body.value;
    expect(text(spring)).toContain(`${SYD} 23 i 2026 (forår 20, efterår 26)`);
    const again = (await c.press('figures.count', { centre: 'syd', week: '2026-spring', users: '22' }, { from: ALEX })).body.value;
    expect(text(again)).toContain(`✓ Gemt: 22 brugere i ${SYD}, Forår 2026. Det erstatter det tidligere tal: 20, registreret af Alex Wilber 22.11.2026.`);
    expect(text(again)).toContain(`${SYD} 24 i 2026 (forår 22, efterår 26)`);
    const one = (await c.press('figures.count', { centre: 'syd', week: '2025-spring', users: '1' }, { from: ALEX })).body.value;
    expect(text(one)).toContain(`✓ Gemt: 1 bruger i ${SYD}, Forår 2025.`);
    // Last year's count stays last year's: this year's is the one shown.
    await c.press('figures.count', { centre: 'syd', week: '2025-autumn', users: '300' }, { from: ALEX });
    const stats = await figures(c);
    expect(text(stats)).toContain(`Brugere pr. uge (tælleuger) | ${NORD} ingen tælling endnu | ${SYD} 24 i 2026 (forår 22, efterår 26)`);
    const syd = await figures(c, { filterCentre: 'syd' });
    expect(text(syd)).not.toContain(NORD + ' ingen');
    // "Se nøgletal" on the counting-week card sends that card's inputs along (as Teams does): they are no filter.
    const fromCount = await figures(c, { centre: 'syd', week: '2026-spring', users: '22' });
    expect(text(fromCount)).toContain('Viser: Alle centre, seneste 12 måneder');
    expect(text(fromCount)).not.toContain('⚠');
  });

  it('a count saved by mistake is removed; the average of the last whole year shows while this year has one count; the CSV keeps every year', async () => {
    const c = await setup('2027-04-20T10:00:00Z');
    for (const [week, users] of [['2026-spring', '20'], ['2026-autumn', '26'], ['2027-spring', '30']] as const) await c.press('figures.count', { centre: 'syd', week, users }, { from: ALEX });
    const [start] = await c.say('tælleuge', { from: ALEX });
    expect(text(cardOf(start))).toContain(`${SYD} forår 2027: 30 (efterårets tælling mangler); hele året 2026: 23`);
    // Spring 2027 was typed for the wrong week: removed, with what it was and who recorded it.
    const removed = (await c.press('figures.countRemove', { centre: 'syd', week: '2027-spring', users: '' }, { from: ALEX })).body.value;
    expect(text(removed)).toContain(`✓ Tællingen for ${SYD}, Forår 2027 er fjernet (den var 30, registreret af Alex Wilber 20.04.2027).`);
    expect(text(removed)).toContain(`${SYD} 23 i 2026 (forår 20, efterår 26)`);
    const nothing = (await c.press('figures.countRemove', { centre: 'syd', week: '2027-spring' }, { from: ALEX })).body.value;
    expect(text(nothing)).toContain(`⚠ Der er ingen tælling for ${SYD}, Forår 2027 at fjerne.`);
    await c.press('figures.count', { centre: 'syd', week: '2027-spring', users: '31' }, { from: ALEX });
    const csv = shownText((await c.press('visits.stats', { csv: 'yes' }, { from: NESTOR })).others[0]).split('\n');
    expect(csv).toContain(`2026;${SYD};Tælleuge;Brugere pr. uge (gennemsnit);23`);
    expect(csv).toContain(`2027 forår;${SYD};Tælleuge;Brugere i ugen;31`);
    expect(csv.filter((l) => l.includes('2027 forår'))).toHaveLength(1);
  });

  it('centre staff record only their own centre\'s weeks; a manager any centre\'s', async () => {
    const c = await setup();
    const other = (await c.press('figures.count', { centre: 'nord', week: '2026-autumn', users: '3' }, { from: ALEX })).body.value;
    expect(text(other)).toContain('⚠ Vælg et center på listen.');
    expect((await c.press('figures.countRemove', { centre: 'nord', week: '2026-autumn' }, { from: ALEX })).body.value).toBeDefined();
    expect(await c.store.countingWeeks.all()).toEqual([]);
    // Lee has no centre given yet: any centre.
    const lee = (await c.press('figures.count', { centre: 'nord', week: '2026-autumn', users: '320' }, { from: LEE })).body.value;
    expect(text(lee)).toContain(`✓ Gemt: 320 brugere i ${NORD}, Efterår 2026.`);
    const nestor = (await c.press('figures.count', { centre: 'nord', week: '2026-autumn', users: '310' }, { from: NESTOR })).body.value;
    expect(text(nestor)).toContain('Det erstatter det tidligere tal: 320, registreret af Lee Gu 22.11.2026.');
  });

  it('a wrong number, week or centre is said on the same card, keeps what was typed, and saves nothing', async () => {
    const c = await setup();
    const cases: [Record<string, unknown>, string][] = [
      [{ centre: 'syd', week: '2026-autumn', users: 'mange' }, '⚠ Skriv antallet af forskellige brugere som et helt tal fra 0 til 5.000.'],
      [{ centre: 'syd', week: '2026-autumn', users: '-3' }, '⚠ Skriv antallet af forskellige brugere som et helt tal fra 0 til 5.000.'],
      [{ centre: 'syd', week: '2026-autumn', users: '12,5' }, '⚠ Skriv antallet af forskellige brugere som et helt tal fra 0 til 5.000.'],
      [{ centre: 'syd', week: '2026-autumn', users: '5001' }, '⚠ Skriv antallet af forskellige brugere som et helt tal fra 0 til 5.000.'],
      [{ centre: 'syd', week: '2026-autumn', users: '' }, '⚠ Skriv antallet af forskellige brugere som et helt tal fra 0 til 5.000.'],
      [{ centre: 'syd', week: '2027-spring', users: '30' }, '⚠ Vælg en tælleuge på listen.'],
      [{ centre: 'syd', week: '2024-autumn', users: '30' }, '⚠ Vælg en tælleuge på listen.'],
      [{ centre: 'vest', week: '2026-autumn', users: '30' }, '⚠ Vælg et center på listen.'],
      [{ centre: ['syd'], week: { year: 2026 }, users: '30' }, '⚠ Vælg et center på listen.'],
    ];
    for (const [data, error] of cases) {
      const res = (await c.press('figures.count', data, { from: ALEX })).body.value;
      expect(text(res)).toContain(error);
      if (typeof data.week === 'string') expect(inputOf(res, 'week').value).toBe(data.week);
      if (data.users === '30') expect(inputOf(res, 'users').value).toBe(30);
    }
    // A number that is wrong but a number is shown back to correct ("5.001" as a Dane writes it, too).
    for (const [users, shown] of [['12,5', 12.5], ['-3', -3], ['5001', 5001], ['5.001', 5001]] as const) {
      expect(inputOf((await c.press('figures.count', { centre: 'syd', week: '2026-autumn', users }, { from: ALEX })).body.value, 'users').value).toBe(shown);
    }
    expect(await c.store.countingWeeks.all()).toEqual([]);
    // With a thousands point it is the number meant.
    const thousand = (await c.press('figures.count', { centre: 'syd', week: '2026-autumn', users: '1.000' }, { from: ALEX })).body.value;
    expect(text(thousand)).toContain(`✓ Gemt: 1.000 brugere i ${SYD}, Efterår 2026.`);
    expect((await c.store.countingWeeks.all()).map((w) => w.users)).toEqual([1000]);
  });

  it('only centre staff and managers record, only in a personal chat', async () => {
    const c = await setup();
    const refused = (await c.press('figures.count', { centre: 'syd', week: '2026-autumn', users: '30' }, { from: MEGAN })).body.value;
    expect(textsOf(refused)[0]).toBe('Det kræver en anden rolle');
    const [typed] = await c.say('tælleuge', { from: MEGAN });
    expect(textsOf(cardOf(typed))[0]).toBe('Det kræver en anden rolle');
    const channel = (await c.press('figures.count', { centre: 'syd', week: '2026-autumn', users: '30' }, { from: ALEX, conversationType: 'channel' })).body.value;
    expect(text(channel)).not.toContain('Gemt');
    expect(await c.store.countingWeeks.all()).toEqual([]);
    // A manager may record (or correct) a centre's count; with no centre of her own, she picks one.
    const [manager] = await c.say('tælleuge', { from: NESTOR });
    expect(inputOf(cardOf(manager), 'centre').value).toBe('');
    const saved = (await c.press('figures.count', { centre: 'nord', week: '2026-spring', users: '310' }, { from: NESTOR })).body.value;
    expect(text(saved)).toContain(`✓ Gemt: 310 brugere i ${NORD}, Forår 2026.`);
  });

  it('in spring, the autumn week of this year is not offered yet', async () => {
    const c = await setup('2027-03-10T10:00:00Z');
    const [start] = await c.say('tælleuge', { from: ALEX });
    expect(inputOf(cardOf(start), 'week').choices.map((w: any) => w.value)).toEqual(['2027-spring', '2026-autumn', '2026-spring']);
    const future = (await c.press('figures.count', { centre: 'syd', week: '2027-autumn', users: '30' }, { from: ALEX })).body.value;
    expect(text(future)).toContain('⚠ Vælg en tælleuge på listen.');
  });
});

describe('a colleague\'s centre', () => {
  it('an admin sets it with the roles; a centre not on the list is refused and nothing changes; screenings then count there', async () => {
    const c = await setup();
    const forged = (await c.press('roles.save', { person: LEE.aadObjectId, roles: 'activityStaff', centre: 'mars' }, { from: ALEX })).body.value;
    expect(text(forged)).toContain('⚠ Det center kender jeg ikke. Vælg et center på listen.');
    expect(await c.directory.centreOf({ tenantId: TENANT, aadObjectId: LEE.aadObjectId })).toBeUndefined();
    const saved = (await c.press('roles.save', { person: LEE.aadObjectId, roles: 'activityStaff', centre: 'lokalcentret' }, { from: ALEX })).body.value;
    expect(text(saved)).toContain('Center: Lokalcentret (eksempel).');
    expect(inputOf(saved, 'centre').value).toBe('lokalcentret');
    // Lee screens a citizen to a club offer: it counts for Lokalcentret.
    await screenCitizen(c, LEE, { cpr: '030350-3456', name: 'Ole Olsen', activity: 'Kortspil', scores: { performance: '6', satisfaction: '6' }, profile: { activitySupport: 'none', relationSupport: 'none', careDuringHours: 'no', transport: 'self' } });
    const lokal = await figures(c, { filterCentre: 'lokalcentret' });
    expect(text(lokal)).toContain('Screeninger efter udfald | Klubtilbud 1 | Forebyggende tilbud 0 | Henvist til visitation 0 | Uden for målgruppen 0 | I alt 1');
    // A roles card without the centre field (left open from before) leaves the centre as it was.
    await c.press('roles.save', { person: LEE.aadObjectId, roles: 'activityStaff,networkWorker' }, { from: ALEX });
    expect(await c.directory.centreOf({ tenantId: TENANT, aadObjectId: LEE.aadObjectId })).toBe('lokalcentret');
    // An empty choice is no centre, as "Intet center" is.
    await c.press('roles.save', { person: LEE.aadObjectId, roles: 'activityStaff', centre: '' }, { from: ALEX });
    expect(await c.directory.centreOf({ tenantId: TENANT, aadObjectId: LEE.aadObjectId })).toBeUndefined();
    await c.press('roles.save', { person: LEE.aadObjectId, roles: 'activityStaff', centre: 'lokalcentret' }, { from: ALEX });
    // And "Intet center" takes it away again.
    await c.press('roles.save', { person: LEE.aadObjectId, roles: 'activityStaff', centre: 'none' }, { from: ALEX });
    expect(await c.directory.centreOf({ tenantId: TENANT, aadObjectId: LEE.aadObjectId })).toBeUndefined();
  });

  it('a colleague whose roles an admin set before centres existed keeps the roles file\'s centre', async () => {
    const c = await setup();
    // Alex's record as the previous release saved it: roles set on the card, no centre field.
    const alex = (await c.store.staff.get({ tenantId: TENANT, aadObjectId: ALEX.aadObjectId }))!;
    await c.store.staff.save({ ...alex, roles: ['activityStaff', 'admin'], rolesSetBy: { by: 'admin', adminAadObjectId: ALEX.aadObjectId, at: '2026-01-01T00:00:00.000Z' } });
    expect(await c.directory.centreOf({ tenantId: TENANT, aadObjectId: ALEX.aadObjectId })).toBe('syd');
    // Saved on the card with its centre field: what the card says.
    await c.press('roles.save', { person: ALEX.aadObjectId, roles: 'activityStaff,admin', centre: 'nord' }, { from: ALEX });
    expect(await c.directory.centreOf({ tenantId: TENANT, aadObjectId: ALEX.aadObjectId })).toBe('nord');
  });
});

describe('what the figures keep', () => {
  it('erasing the citizen leaves the counts; cases are counters with the month only, so neither time nor order joins one to the access log', async () => {
    const c = await setup('2026-11-22T10:17:23.456Z');
    await aMonthOfCases(c);
    // Three more direct referrals, decided in another order than made: the counters say how many, not which.
    for (const cpr of ['040450-1567', '050550-1678', '060650-2789']) {
      const made = await c.press('referral.createDirect', { cpr, name: 'Anden Borger', askedBy: 'relative', reason: 'Ensom' }, { from: MEGAN });
      expect(text(made.body.value)).toContain('Henvisningen er sendt');
    }
    const open = (await c.store.referrals.listOpen()).filter((r) => r.status === 'new').reverse();
    for (const [i, r] of open.entries()) {
      await c.press('referral.take', { rid: r.id }, { from: ADELE });
      const triaged = await c.press('referral.triage', { rid: r.id, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
      await c.press('referral.decide', { ...actionsOf(triaged.body.value).find((a) => a.verb === 'referral.decide').data, offer: 'centre', centre: ['syd', 'nord', 'syd'][i], daysPerWeek: '1', transport: 'no', purpose: 'Fællesskab' }, { from: ADELE });
    }
    const before = text(await figures(c));
    const counters = await c.store.caseCounts.since('2000-01');
    expect(counters.every((x) => Object.keys(x).sort().join() === (x.centre ? 'centre,kind,month,n,value' : 'kind,month,n,value'))).toBe(true);
    expect(counters.filter((x) => x.kind === 'decided').map((x) => `${x.value} ${x.centre ?? '-'} ${x.n}`).sort()).toEqual(['centre nord 2', 'centre syd 2', 'notCase - 1']);
    expect(JSON.stringify(counters)).not.toMatch(/T\d\d:/);
    const asked = await c.press('erasure.confirm', { cpr: '010150-1234', reason: 'Borgeren bad om sletning' }, { from: DORTE });
    const erase = actionsOf(asked.body.value).find((a) => a.verb === 'erasure.erase');
    await c.press(erase.verb, erase.data, { from: DORTE });
    expect(await c.store.citizens.findByCpr('0101501234')).toBeUndefined();
    expect(text(await figures(c))).toBe(before);
  });
});
