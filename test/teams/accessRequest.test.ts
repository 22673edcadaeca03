// An access request (GDPR art. 15) through the real Application: the data-protection officer gets a
// Danish document of everything the bot holds about one citizen (screening with its answers, the
// referral with its assessment, decision, rule set and legal basis, visits, attachments, the access
// log), the request's reference goes into the access log; nobody else may ask; bad input is
// answered on the same card. Local mode: as cards; Teams: as a file (files.test.ts has the upload).
import { afterEach, describe, expect, it } from 'vitest';
import { FILE_CONSENT } from '../../src/teams/files.js';
import { ALEX, MEGAN } from '../helpers/activities.js';
import { cardOf, closeAll, inputOf, shownText, textsOf } from '../helpers/conversation.js';
import { ADELE, citizenWithRecords, DORTE, RECORDS_SEED as seed } from '../helpers/referral.js';

const withRecords = (teams = false) => citizenWithRecords(seed, teams, [ALEX, ADELE, MEGAN, DORTE]);

afterEach(closeAll);

const text = (card: unknown) => textsOf(card).join(' | ');

describe('an access request', () => {
  it('gives the data-protection officer everything about the citizen in one Danish document, and logs the request', async () => {
    const { c, citizen } = await withRecords();
    const form = cardOf((await c.say('indsigt', { from: DORTE }))[0]);
    expect(textsOf(form)[0]).toBe('Indsigt for en borger');
    const res = await c.press('accessRequest.export', { cpr: '010150-1234', request: 'Sag 2026-4711, borgerens datter ringede' }, { from: DORTE });
    expect(text(res.body.value), c.logs.filter((l) => l.includes('turn failed')).join('\n')).toContain('Dokumentet står herunder.');
    const doc = res.others.filter((a) => cardOf(a)).map((a) => shownText(a)).join('\n');
    for (const part of [
      'Indsigt: oplysninger om borgeren i Aktiv Assistent',
      'Anmodning: Sag 2026-4711, borgerens datter ringede',
      'Navn: Jens Hansen',
      'CPR-nummer: 010150-xxxx',
      'Screeninger og genvurderinger (1)',
      'Bor i eget hjem: Ja; behov for særligt personale: Nej; alder: 76',
      'Aktivitet: Gå ture (Aktiv fritid, vigtighed 9), udførelse 4, tilfredshed 3',
      'Målgruppeprofil: støtte til aktiviteter: Omfattende eller fuldstændig støtte',
      'Henvisninger til visitation (1)',
      'V-2026-0001, modtaget 22.11.2026, Afgjort',
      // The scores in words, as the citizen's letter has them; where, how often, transport.
      'Fælles Sprog-vurdering 22.11.2026: Mobilitet: svære begrænsninger (3); Aktivitet: svære begrænsninger (3); Socialt samvær og netværk: svære begrænsninger (3); Mental/psykisk tilstand: svære begrænsninger (3)',
      'Afgørelse 22.11.2026: Vedligeholdende tilbud på aktivitetscenter. Formål: Fællesskab om maden',
      'Hvor og hvor tit: Aktivitetscenter Nord (eksempel), 2 dage om ugen, med kørsel',
      'hjemmel:',
      'Hjemmebesøg (1)',
      'Demenskoordinator, Megan Bowen, formål: Første besøg, planlagt',
      'Medarbejdere tilknyttet borgeren (1)',
      'Demenskoordinator, Megan Bowen, formål: Demensopfølgning, fra 22.11.2026 til nu',
      'Aftaler mellem kolleger om besøg tæt på hinanden (0)',
      'Adgangslog for borger 010150-xxxx',
      'begrundelse: »Egen læge bad om det«',
    ]) expect(doc).toContain(part);
    expect(doc).not.toContain('010150-1234');
    const last = (await c.store.audit.forCitizen(citizen.id)).at(-1)!;
    expect(last).toMatchObject({ action: 'export', purpose: 'indsigtsanmodning', reason: 'Sag 2026-4711, borgerens datter ringede', actor: { aadObjectId: DORTE.aadObjectId } });
  });

  it('answers bad input on the same card, keeping what was typed; refuses everyone but the data-protection role', async () => {
    const { c } = await withRecords();
    const noRequest = await c.press('accessRequest.export', { cpr: '010150-1234', request: '  ' }, { from: DORTE });
    expect(text(noRequest.body.value)).toContain('Skriv anmodningens sagsnummer eller reference.');
    expect(inputOf(noRequest.body.value, 'cpr').value).toBe('010150-1234');
    const unknown = await c.press('accessRequest.export', { cpr: '020202-0202', request: 'Sag 1' }, { from: DORTE });
    expect(text(unknown.body.value)).toContain('ingen oplysninger om en borger med det CPR-nummer');
    expect(inputOf(unknown.body.value, 'request').value).toBe('Sag 1');
    expect(unknown.others).toEqual([]);
    for (const who of [ALEX, MEGAN, ADELE]) {
      const refused = await c.press('accessRequest.export', { cpr: '010150-1234', request: 'Sag 1' }, { from: who });
      expect(textsOf(refused.body.value)[0]).toBe('Det kræver en anden rolle');
      expect(JSON.stringify(refused)).not.toContain('Jens');
    }
  });

  it('in Teams, the document is a file named by its date only', async () => {
    const { c } = await withRecords(true);
    const res = await c.press('accessRequest.export', { cpr: '010150-1234', request: 'Sag 2026-4711' }, { from: DORTE });
    const consent = res.others.find((a: any) => a.attachments?.[0]?.contentType === FILE_CONSENT) as any;
    expect(consent.attachments[0].name).toBe('indsigt-2026-11-22.txt');
    expect(consent.summary).toBe('Indsigt: Aktiv Assistents oplysninger om en borger');
    expect(JSON.stringify(consent)).not.toMatch(/Jens|010150/);
    const file = (await c.store.files.get(consent.attachments[0].content.acceptContext.fileId))!;
    expect(file.content).toContain('Navn: Jens Hansen');
  });
});
