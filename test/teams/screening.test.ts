// Whole screenings through the real Application: club, preventive, referral and outside all offers;
// bad input on the same card, Back, Cancel, restart-and-continue, another user's payload, stale cards,
// override with a reason, the Danish summary with masked CPR, and the audit trail.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRolesFile } from '../../src/services/directory.js';
import { projectRoot } from '../../src/paths.js';
import { ALEX, MEGAN, TENANT } from '../helpers/activities.js';
import { actionsOf, cardOf, closeAll, conversation, inputOf, textsOf, type Conversation } from '../helpers/conversation.js';
import { shownText } from '../helpers/conversation.js';
import { TestClock } from '../helpers/clock.js';

afterEach(closeAll);

// A fresh clock per conversation: a test that moves its clock cannot move another's.
const clock = () => new TestClock('2026-11-22T10:00:00Z');
const text = (card: any) => textsOf(card).join(' | ');
const refOf = (card: any, verb = 'screening.submit') => {
  const a = actionsOf(card).find((x) => x.verb === verb);
  if (!a) throw new Error(`No ${verb} button on: ${text(card)}`);
  return a.data;
};

class Screening {
  card: any;
  constructor(readonly c: Conversation) {}
  async start() {
    const [reply] = await this.c.say('ny screening');
    this.card = cardOf(reply);
    return this;
  }
  async press(verb: string, inputs: Record<string, unknown> = {}, as = ALEX) {
    const res = await this.c.press(verb, { ...refOf(this.card, verb === 'screening.add' ? 'screening.add' : verb), ...inputs }, { from: as });
    this.card = res.body.value;
    return res;
  }
  citizen(inputs: Partial<Record<'cpr' | 'name' | 'livesAtHome' | 'specialStaff' | 'under65Reason', string>> = {}) {
    return this.press('screening.submit', { cpr: '010150-1234', name: 'Jens Hansen', livesAtHome: 'yes', specialStaff: 'no', ...inputs });
  }
  add(activity: string, subArea: string, importance: number) {
    return this.press('screening.add', { activity, subArea, importance: String(importance) });
  }
  async scoreAll(perf: number[], sat: number[]) {
    const inputs: Record<string, string> = {};
    const ids = inputIds(this.card).filter((id) => id.startsWith('perf_')).map((id) => id.slice(5));
    ids.forEach((id, i) => {
      inputs[`perf_${id}`] = String(perf[i]);
      inputs[`sat_${id}`] = String(sat[i]);
    });
    return this.press('screening.submit', inputs);
  }
  profile(p: { activitySupport: string; relationSupport: string; careDuringHours: string; transport: string }) {
    return this.press('screening.submit', p);
  }
  /** Citizen -> two activities -> choose -> scores -> profile: lands on the outcome card. */
  async throughProfile(profile: Parameters<Screening['profile']>[0]) {
    await this.citizen();
    await this.add('Gå ture i parken', 'activeRecreation', 9);
    await this.add('Lave mad til mig selv', 'householdManagement', 7);
    await this.press('screening.submit');
    await this.press('screening.submit', { chosen: inputOf(this.card, 'chosen').value });
    await this.scoreAll([5, 6], [3, 4]);
    await this.profile(profile);
    return this;
  }
}

function inputIds(card: any): string[] {
  const ids: string[] = [];
  const walk = (n: any) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    if (typeof n.type === 'string' && n.type.startsWith('Input.')) ids.push(n.id);
    Object.values(n).forEach((v) => typeof v === 'object' && walk(v));
  };
  walk(card);
  return ids;
}

const screening = async (options: Parameters<typeof conversation>[0] = {}) => new Screening(await conversation({ clock: clock(), ...options })).start();

describe('a whole screening', () => {
  it('preventive offer: every step in order, "Trin N af 6", transport granted for reduced mobility, summary in Danish with masked CPR', async () => {
    const s = await screening();
    expect(textsOf(s.card)[0]).toBe('Trin 1 af 6');
    await s.citizen();
    expect(textsOf(s.card)[0]).toBe('Trin 2 af 6');
    await s.add('Gå ture i parken', 'activeRecreation', 9);
    await s.add('Lave mad til mig selv', 'householdManagement', 7);
    expect(text(s.card)).toMatch(/Gå ture i parken \| Fritid: Aktiv fritid · betydning 9/);
    await s.press('screening.submit');
    expect(textsOf(s.card)[0]).toBe('Trin 3 af 6');
    expect(inputOf(s.card, 'chosen').value.split(',')).toHaveLength(2);
    await s.press('screening.submit', { chosen: inputOf(s.card, 'chosen').value });
    expect(textsOf(s.card)[0]).toBe('Trin 4 af 6');
    await s.scoreAll([5, 6], [3, 4]);
    expect(textsOf(s.card)[0]).toBe('Trin 5 af 6');
    await s.profile({ activitySupport: 'lightModerate', relationSupport: 'none', careDuringHours: 'no', transport: 'mobility' });
    expect(textsOf(s.card)[0]).toBe('Trin 6 af 6');
    const outcome = text(s.card);
    expect(outcome).toContain('Forslag: Forebyggende tilbud på aktivitetscenter, uden visitation (Serviceloven § 79)');
    expect(outcome).toContain('Afgjort af: støtte til aktiviteter og transport (kræver mest støtte).');
    expect(outcome).toContain('Kørsel: bevilges, fordi borgeren har brug for transport pga. nedsat mobilitet.');
    expect(outcome).toMatch(/Udførelse 5,5 \(gennemsnit af 2 aktiviteter\) \| Tilfredshed 3,5/);
    const done = await s.press('screening.confirm');
    expect(text(done.body.value)).toContain('Screeningen af Jens Hansen (010150-xxxx) er gemt: Forebyggende tilbud.');
    const summary = shownText(done.others[0]);
    expect(summary.split('\n').slice(0, 4)).toEqual(['Sammendrag af startsamtale', 'Dato: 22.11.2026', 'Borger: Jens Hansen, CPR 010150-xxxx', 'Samtale ført af: Alex Wilber']);
    expect(summary).toContain('• Gå ture i parken (Fritid: Aktiv fritid). Betydning 9, udførelse 5, tilfredshed 3 [valgt]');
    expect(summary).toContain('COPM-score: udførelse 5,5, tilfredshed 3,5 (gennemsnit af 2 valgte aktiviteter).');
    expect(summary).toContain('Medarbejderen bekræftede forslaget.');
    expect(summary).toContain('Regelsæt: kk-aktiv-hele-livet-malgrupper');
    expect(summary).not.toContain('1234');
    expect(await s.c.store.referrals.listOpen()).toHaveLength(0);
  });

  it('club offer names matching local offers from the catalogue, marked as examples', async () => {
    const s = await screening();
    await s.throughProfile({ activitySupport: 'none', relationSupport: 'none', careDuringHours: 'no', transport: 'self' });
    const outcome = text(s.card);
    expect(outcome).toContain('Forslag: Klubtilbud: frivillige klubber og foreninger (Serviceloven § 79)');
    expect(outcome).toMatch(/Lokale tilbud, der passer til borgerens aktiviteter/);
    expect(outcome).toMatch(/\(eksempel\)/);
    expect(outcome).toContain('kataloget indeholder kun eksempler');
    // Every answer at the club level: no answer "needs the most support".
    expect(outcome).toContain('Afgjort af: intet svar kræver mere end et klubtilbud.');
    expect(outcome).not.toContain('kræver mest støtte');
  });

  it('referral: extensive support decides, confirming creates a referral in the visitation queue (status new)', async () => {
    const s = await screening();
    await s.throughProfile({ activitySupport: 'none', relationSupport: 'extensiveComplete', careDuringHours: 'no', transport: 'self' });
    expect(text(s.card)).toContain('Afgjort af: støtte til sociale relationer (kræver mest støtte).');
    expect(text(s.card)).toContain('oprettes en henvisning til visitationen');
    const done = await s.press('screening.confirm');
    const [referral] = await s.c.store.referrals.listOpen();
    expect(referral).toMatchObject({ status: 'new', caseNumber: 'V-2026-0001', source: { kind: 'screening' } });
    expect(text(done.body.value)).toContain('Henvisning V-2026-0001 er oprettet i visitationens kø med status ny.');
    expect(shownText(done.others[0])).toContain('Henvist til visitationen som sag V-2026-0001.');
  });

  it('outside all three offers (not living at home): told why at once, with no referral', async () => {
    const s = await screening();
    await s.citizen({ livesAtHome: 'no', specialStaff: 'yes' });
    expect(textsOf(s.card)[0]).toBe('Trin 6 af 6');
    expect(text(s.card)).toContain('Uden for alle tre tilbud');
    expect(text(s.card)).toMatch(/bor ikke i eget hjem.*specialuddannet personale/);
    const done = await s.press('screening.confirm');
    expect(await s.c.store.referrals.listOpen()).toHaveLength(0);
    expect(shownText(done.others[0])).toMatch(/uden for klubtilbud, forebyggende tilbud og vedligeholdende tilbud og henvises ikke/);
  });

  it('lets the staff member override the proposal only with a reason, and records both', async () => {
    const s = await screening();
    await s.throughProfile({ activitySupport: 'lightModerate', relationSupport: 'none', careDuringHours: 'no', transport: 'self' });
    await s.press('screening.override', { offer: 'club', reason: '' });
    expect(text(s.card)).toContain('Skriv en begrundelse.');
    expect(inputOf(s.card, 'offer').value).toBe('club');
    const done = await s.press('screening.override', { offer: 'club', reason: 'Borgeren vil hellere i gå-klubben' });
    expect(shownText(done.others[0])).toContain('Medarbejderen valgte i stedet: Klubtilbud: frivillige klubber og foreninger (Serviceloven § 79). Begrundelse: Borgeren vil hellere i gå-klubben');
  });
});

describe('bad input keeps what was typed and changes nothing', () => {
  it('a wrong CPR number: the error is under the field, the name and answers stay, nothing is stored', async () => {
    const s = await screening();
    const before = refOf(s.card).rev;
    await s.citizen({ cpr: '310250-1234', name: 'Jens Hansen' });
    expect(inputOf(s.card, 'cpr').value).toBe('310250-1234');
    expect(inputOf(s.card, 'name').value).toBe('Jens Hansen');
    expect(inputOf(s.card, 'livesAtHome').value).toBe('yes');
    expect(text(s.card)).toContain('De første 6 cifre er ikke en gyldig fødselsdato');
    expect(refOf(s.card).rev).toBe(before);
    expect(await s.c.store.citizens.count()).toBe(0);
  });

  it('a CPR number whose birth date lies in the future (070747-7777: 2047) is refused at the field, not shown as a negative age', async () => {
    const s = await screening();
    const before = refOf(s.card).rev;
    await s.citizen({ cpr: '070747-7777', name: 'Jens Hansen' });
    expect(textsOf(s.card)[0]).toBe('Trin 1 af 6');
    expect(text(s.card)).toContain('CPR-nummeret giver fødselsdatoen 07.07.2047, som ligger i fremtiden. Tjek nummeret');
    expect(text(s.card)).not.toMatch(/-\d+ år/);
    expect(inputOf(s.card, 'cpr').value).toBe('070747-7777');
    expect(inputOf(s.card, 'name').value).toBe('Jens Hansen');
    expect(refOf(s.card).rev).toBe(before);
    expect(await s.c.store.citizens.count()).toBe(0);
    // The bot's clock decides, not the machine's: on the test's date (22.11.2026) a birth date of
    // 25.11.2026 lies ahead even when the real date is later; yesterday's is fine.
    await s.citizen({ cpr: '251126-4000', name: 'Jens Hansen', under65Reason: 'Afprøvning' });
    expect(text(s.card)).toContain('CPR-nummeret giver fødselsdatoen 25.11.2026, som ligger i fremtiden.');
    await s.citizen({ cpr: '211126-4000', name: 'Jens Hansen', under65Reason: 'Afprøvning' });
    expect(textsOf(s.card)[0]).toBe('Trin 2 af 6');
  });

  it('a wrong-typed CPR (a number, as a forged card sends it) and a 600-character name get their messages at the fields, the rest kept', async () => {
    const s = await screening();
    const before = refOf(s.card).rev;
    const res = await s.press('screening.submit', { cpr: 123, name: 'J'.repeat(600), livesAtHome: 'yes', specialStaff: 'no' });
    expect(res.status).toBe(200);
    expect(textsOf(s.card)[0]).toBe('Trin 1 af 6');
    expect(text(s.card)).toContain('Værdien kunne ikke læses. Udfyld feltet igen.');
    expect(text(s.card)).toContain('Højst 100 tegn; her er 600.');
    expect(inputOf(s.card, 'livesAtHome').value).toBe('yes');
    expect(inputOf(s.card, 'specialStaff').value).toBe('no');
    expect(refOf(s.card).rev).toBe(before);
    expect(await s.c.store.citizens.count()).toBe(0);
    // Every kind of wrong value on the activity step too: a message at the field, never the error card.
    await s.citizen();
    for (const bad of [{ activity: ['Gå'] }, { activity: 'Gå', subArea: { x: 1 }, importance: '5' }, { activity: 'Gå', subArea: 'activeRecreation', importance: 7 }]) {
      await s.press('screening.add', bad);
      expect(textsOf(s.card)[0]).toBe('Trin 2 af 6');
      expect(text(s.card)).toContain('Værdien kunne ikke læses.');
    }
  });

  it.each([
    ['12345', 'Et CPR-nummer har 10 cifre'],
    ['abcdefghij', 'Et CPR-nummer har 10 cifre'],
  ])('CPR %s is refused', async (cpr, message) => {
    const s = await screening();
    await s.citizen({ cpr });
    expect(text(s.card)).toContain(message);
  });

  it('an out-of-range importance or a missing area is refused on the same card', async () => {
    const s = await screening();
    await s.citizen();
    await s.add('Synge i kor', 'socialisation', 11);
    expect(text(s.card)).toContain('Vælg et tal fra 1 til 10.');
    expect(inputOf(s.card, 'activity').value).toBe('Synge i kor');
    await s.add('Synge i kor', 'singing', 8);
    expect(text(s.card)).toContain('Vælg en af mulighederne.');
    await s.press('screening.submit');
    expect(text(s.card)).toContain('Tilføj mindst én aktivitet, før du går videre.');
  });

  it('scores outside 1-10 are refused, the others kept', async () => {
    const s = await screening();
    await s.citizen();
    await s.add('Gå ture', 'activeRecreation', 9);
    await s.press('screening.submit');
    await s.press('screening.submit', { chosen: inputOf(s.card, 'chosen').value });
    const id = inputIds(s.card).find((x) => x.startsWith('perf_'))!.slice(5);
    await s.press('screening.submit', { [`perf_${id}`]: '0', [`sat_${id}`]: '7' });
    expect(text(s.card)).toContain('Vælg et tal fra 1 til 10.');
    expect(inputOf(s.card, `sat_${id}`).value).toBe('7');
    expect(textsOf(s.card)[0]).toBe('Trin 4 af 6');
  });

  it('more than five most important activities are refused', async () => {
    const s = await screening();
    await s.citizen();
    for (let i = 1; i <= 6; i++) await s.add(`Aktivitet ${i}`, 'quietRecreation', i);
    await s.press('screening.submit');
    expect(inputOf(s.card, 'chosen').value.split(',')).toHaveLength(5); // preselected: the five most important
    const all = inputOf(s.card, 'chosen').choices.map((c: any) => c.value).join(',');
    await s.press('screening.submit', { chosen: all });
    expect(text(s.card)).toContain('Vælg mellem 1 og 5 aktiviteter.');
  });

  it('under 65: a warning, a reason is required, then the screening goes on', async () => {
    const s = await screening();
    await s.citizen({ cpr: '010170-1234' });
    expect(text(s.card)).toContain('Borgeren er 56 år, altså under 65');
    expect(text(s.card)).toContain('Skriv en begrundelse.');
    await s.citizen({ cpr: '010170-1234', under65Reason: 'Tidlig demens, henvist af egen læge' });
    expect(textsOf(s.card)[0]).toBe('Trin 2 af 6');
  });
});

describe('Back, Cancel, drafts', () => {
  it('Back keeps everything entered', async () => {
    const s = await screening();
    await s.citizen();
    await s.add('Gå ture', 'activeRecreation', 9);
    await s.press('screening.submit');
    await s.press('screening.back');
    expect(textsOf(s.card)[0]).toBe('Trin 2 af 6');
    expect(text(s.card)).toContain('Gå ture');
    await s.press('screening.back');
    expect(inputOf(s.card, 'cpr').value).toBe('010150-1234');
  });

  it('Cancel asks first, then deletes the draft and the citizen it created', async () => {
    const s = await screening();
    await s.citizen();
    expect(await s.c.store.citizens.count()).toBe(1);
    await s.press('screening.cancel');
    expect(text(s.card)).toContain('Udkastet til screeningen af Jens Hansen slettes');
    await s.press('screening.cancelYes');
    // The title says what happened, no longer the question.
    expect(textsOf(s.card).slice(0, 2)).toEqual(['Udkastet er slettet', 'Intet er gemt om screeningen.']);
    expect(await s.c.store.citizens.count()).toBe(0);
    // "fortsæt" with nothing started says so in its title too.
    const [none] = await s.c.say('fortsæt');
    expect(textsOf(cardOf(none)).slice(0, 2)).toEqual(['Ingen påbegyndt screening', 'Der er ikke noget at fortsætte. Start en ny screening, eller gå tilbage til menuen.']);
    expect(actionsOf(cardOf(none)).map((a) => a.title)).toEqual(['Ny screening', 'Tilbage']);
    expect(await s.c.store.screenings.draftsBy({ tenantId: '11111111-1111-4111-8111-111111111111', aadObjectId: ALEX.aadObjectId })).toHaveLength(0);
  });

  it('a draft survives a restart and "fortsæt" resumes it where it stopped', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'aa-resume-'));
    const first = new Screening(await conversation({ clock: clock(), dataDir }));
    await first.start();
    await first.citizen();
    await first.add('Gå ture', 'activeRecreation', 9);
    await first.c.close(true);
    const again = await conversation({ clock: clock(), dataDir });
    const [reply] = await again.say('fortsæt');
    expect(textsOf(cardOf(reply))[0]).toBe('Trin 2 af 6');
    expect(text(cardOf(reply))).toContain('Gå ture');
    // "ny screening" with a draft in progress offers to continue it instead of losing it.
    const [offer] = await again.say('ny screening');
    expect(text(cardOf(offer))).toMatch(/Du har en påbegyndt screening \(Jens Hansen, 010150-xxxx, trin 2 af 6/);
    await again.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses another user\'s draft and changes nothing', async () => {
    const s = await screening();
    await s.citizen();
    const ref = refOf(s.card);
    const res = await s.c.press('screening.submit', { ...ref }, { from: MEGAN });
    expect(text(res.body.value)).toContain('Den screening er ikke din');
    const drafts = await s.c.store.screenings.draftsBy({ tenantId: '11111111-1111-4111-8111-111111111111', aadObjectId: ALEX.aadObjectId });
    expect((drafts[0]!.data as any).rev).toBe(ref.rev);
  });

  it('a stale card (an older step) shows the current step and changes nothing', async () => {
    const s = await screening();
    const old = refOf(s.card);
    await s.citizen();
    const res = await s.c.press('screening.submit', { ...old, cpr: '020202-0202', name: 'X', livesAtHome: 'no', specialStaff: 'no' });
    expect(text(res.body.value)).toContain('Kortet viste et ældre trin');
    expect(textsOf(res.body.value)).toContain('Trin 2 af 6');
  });

  it.each([
    ['a forged screening id', { sid: '00000000-0000-4000-8000-000000000000', rev: 0 }],
    ['no id at all', {}],
  ])('answers %s with a clear message', async (_n, data) => {
    const s = await screening();
    const res = await s.c.press('screening.submit', data);
    expect(text(res.body.value)).toContain('Den screening findes ikke længere');
  });
});

describe('who may screen, and what is recorded', () => {
  it('refuses staff without the activity-centre role, on the server', async () => {
    const seed = loadRolesFile(path.join(projectRoot, 'test/fixtures/roles.json'));
    const c = await conversation({ seed, clock: clock() });
    const [reply] = await c.say('ny screening', { from: MEGAN });
    expect(textsOf(cardOf(reply))[0]).toBe('Det kræver en anden rolle');
    const res = await c.press('screening.start', {}, { from: MEGAN });
    expect(textsOf(res.body.value)[0]).toBe('Det kræver en anden rolle');
  });

  it('refuses a screening in a channel in one line', async () => {
    const c = await conversation({ clock: clock() });
    const replies = await c.say('ny screening', { conversationType: 'channel' });
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toMatch(/personlige chat/);
  });

  it('reuses a known citizen (an audited look-up) and audits every change with purpose "screening"', async () => {
    const s = await screening();
    await s.throughProfile({ activitySupport: 'none', relationSupport: 'none', careDuringHours: 'no', transport: 'self' });
    await s.press('screening.confirm');
    const second = await new Screening(s.c).start();
    await second.citizen({ name: 'J. Hansen' });
    expect(text(second.card)).toContain('Borgeren er kendt i Aktiv Assistent: Jens Hansen.');
    expect(await s.c.store.citizens.count()).toBe(1);
    const [citizen] = [await s.c.store.citizens.findByCpr('0101501234')];
    const trail = await s.c.store.audit.forCitizen(citizen!.id);
    expect(trail.every((e) => e.purpose === 'screening')).toBe(true);
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'update', 'read']));
    expect(trail.find((e) => e.action === 'read')?.what).toMatch(/kendt borger/);
  });

  it('a colleague with no relation to a known citizen is not told that the bot knows the citizen, nor the stored name', async () => {
    const s = await screening();
    await s.throughProfile({ activitySupport: 'none', relationSupport: 'none', careDuringHours: 'no', transport: 'self' });
    await s.press('screening.confirm');
    const other = new Screening(s.c);
    other.card = cardOf((await s.c.say('ny screening', { from: MEGAN }))[0]);
    await other.press('screening.submit', { cpr: '010150-1234', name: 'J. Hansen', livesAtHome: 'yes', specialStaff: 'no' }, MEGAN);
    expect(text(other.card)).not.toMatch(/kendt|Jens/);
    const citizen = (await s.c.store.citizens.findByCpr('0101501234'))!;
    const theirs = (await s.c.store.screenings.listByCitizen(citizen.id)).find((x) => x.author.aadObjectId === MEGAN.aadObjectId)!;
    expect((theirs.data as any).citizen.name).toBe('J. Hansen');
    // Still one citizen; the stored name is not changed by what the colleague typed.
    expect(await s.c.store.citizens.count()).toBe(1);
    expect((await s.c.store.citizens.findByCpr('0101501234'))!.name).toBe('Jens Hansen');
  });

  it('sends the full CPR number only when asked, and audits that', async () => {
    const s = await screening();
    await s.throughProfile({ activitySupport: 'none', relationSupport: 'none', careDuringHours: 'no', transport: 'self' });
    await s.press('screening.confirm');
    const res = await s.c.press('screening.fullCpr', refOf(s.card, 'screening.fullCpr'));
    expect(shownText(res.others[0])).toContain('Borger: Jens Hansen, CPR 010150-1234');
    const citizen = await s.c.store.citizens.findByCpr('0101501234');
    expect((await s.c.store.audit.forCitizen(citizen!.id)).at(-1)?.what).toContain('fuldt CPR-nummer');
  });

  it('never writes the CPR number or the name to the log', async () => {
    const s = await screening();
    await s.throughProfile({ activitySupport: 'none', relationSupport: 'extensiveComplete', careDuringHours: 'no', transport: 'self' });
    await s.press('screening.confirm');
    expect(s.c.logs.join('\n')).not.toMatch(/010150|0101501234|Jens/);
  });
});

describe('reassessment', () => {
  it('asks the same problems again, compares per problem and on average, marks changes of 2 or more, and shows a chart', async () => {
    const s = await screening();
    await s.throughProfile({ activitySupport: 'lightModerate', relationSupport: 'none', careDuringHours: 'no', transport: 'self' });
    await s.press('screening.confirm');
    const [first] = await s.c.say('genvurdering');
    s.card = cardOf(first);
    expect(textsOf(s.card)[0]).toBe('Trin 1 af 5');
    await s.press('screening.submit', { cpr: '999999-9999' });
    expect(text(s.card)).toContain('ikke en gyldig fødselsdato');
    expect(inputOf(s.card, 'cpr').value).toBe('999999-9999');
    await s.press('screening.submit', { cpr: '010150-1234' });
    expect(textsOf(s.card)[0]).toBe('Trin 2 af 5');
    expect(text(s.card)).toContain('Gå ture i parken');
    await s.add('Synge i kor', 'socialisation', 8);
    await s.press('screening.submit');
    const all = inputOf(s.card, 'chosen').choices.map((c: any) => c.value).join(',');
    await s.press('screening.submit', { chosen: all });
    await s.scoreAll([7, 5, 6], [4, 5, 6]); // was 5/3 and 6/4: +2 (important) and -1
    expect(textsOf(s.card)[0]).toBe('Trin 5 af 5');
    const compare = text(s.card);
    expect(compare).toContain('Udførelse 5 → 7 (+2) (klinisk betydende)');
    expect(compare).toContain('Udførelse 6 → 5 (-1)');
    expect(compare).toContain('3. Synge i kor (ny)');
    expect(compare).toMatch(/Udførelse 5,5 → 6,0 \(\+0,5\)/);
    const charts = JSON.stringify(s.card).match(/"Chart\.VerticalBar"/g);
    expect(charts).toHaveLength(2);
    // Each chart says what it shows, in a heading of its own above it.
    expect(compare).toContain('Udførelse før og nu, pr. aktivitet (1-10)');
    expect(compare).toContain('Tilfredshed før og nu, pr. aktivitet (1-10)');
    const done = await s.press('screening.confirm');
    const summary = shownText(done.others[0]);
    expect(summary.split('\n')[0]).toBe('Sammendrag af genvurdering (COPM)');
    expect(summary).toContain('• Gå ture i parken: udførelse 5 → 7 (+2) (klinisk betydende), tilfredshed 3 → 4 (+1)');
    expect(summary).toContain('• Synge i kor (ny): udførelse 6, tilfredshed 6');
    expect(summary).not.toContain('1234');
  });

  it('says so when the citizen has no earlier screening to compare with', async () => {
    const c = await conversation({ clock: clock() });
    await c.store.citizens.save({ id: 'x', cpr: '0101501234', name: 'Jens', createdAt: 'x', updatedAt: 'x' });
    // Attached to the citizen: a relation, but no screening to compare with.
    await c.store.attachments.save({ id: 'a1', citizenId: 'x', staff: { tenantId: TENANT, aadObjectId: ALEX.aadObjectId }, service: 'demens', purpose: 'Opfølgning', since: '2026-11-01', status: 'active' });
    const s = new Screening(c);
    const [first] = await c.say('genvurdering');
    s.card = cardOf(first);
    await s.press('screening.submit', { cpr: '010150-1234' });
    expect(text(s.card)).toContain('ingen afsluttet screening med COPM at sammenligne med');
  });

  it('a colleague with no relation to the citizen gets the same answer as for an unknown CPR number, sees nothing and leaves no look-up', async () => {
    const s = await screening();
    await s.throughProfile({ activitySupport: 'lightModerate', relationSupport: 'none', careDuringHours: 'no', transport: 'self' });
    await s.press('screening.confirm');
    const citizen = (await s.c.store.citizens.findByCpr('0101501234'))!;
    const trailBefore = (await s.c.store.audit.forCitizen(citizen.id)).length;
    const answers: string[] = [];
    const [first] = await s.c.say('genvurdering', { from: MEGAN });
    let card = cardOf(first);
    // The citizen Alex screened, then a CPR number nobody knows: the same answer, on the same card.
    for (const cpr of ['010150-1234', '020250-1234']) {
      const res = await s.c.press('screening.submit', { ...refOf(card), cpr }, { from: MEGAN });
      card = res.body.value;
      answers.push(text(card));
      expect(text(card)).not.toMatch(/Jens Hansen|Gå ture i parken/);
      expect(inputOf(card, 'cpr').value).toBe(cpr);
    }
    expect(answers[0]).toContain('Du har ingen tidligere screening, henvisning eller tilknytning til en borger med det CPR-nummer');
    expect(answers[0]).toBe(answers[1]);
    expect(await s.c.store.audit.forCitizen(citizen.id)).toHaveLength(trailBefore);
  });
});

describe('rules as data', () => {
  it('stores the rule set that decided, and recomputes to the same outcome from the stored answers', async () => {
    const { decide } = await import('../../src/domain/targetGroup.js');
    const { loadTargetGroupRules } = await import('../../rules/index.js');
    const s = await screening();
    await s.throughProfile({ activitySupport: 'lightModerate', relationSupport: 'extensiveComplete', careDuringHours: 'yes', transport: 'mobility' });
    await s.press('screening.confirm');
    const [done] = (await s.c.store.screenings.listByCitizen((await s.c.store.citizens.findByCpr('0101501234'))!.id));
    const data = done!.data as any;
    expect(data.decision.outcome.ruleSet).toEqual({ id: 'kk-aktiv-hele-livet-malgrupper', version: expect.any(String) });
    const again = decide({ livesAtHome: true, needsSpecialStaff: false }, data.profile, loadTargetGroupRules());
    expect(again).toEqual(data.decision.outcome);
    expect(again).toMatchObject({ kind: 'referral', decidedBy: ['relationSupport', 'careDuringHours'] });
  });
});
