// The audit trail: an admin exports one citizen's access log (who, when, what, why) as a message,
// for an access request; bad CPR numbers are answered on the same card; the export is audited too.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadRolesFile } from '../../src/services/directory.js';
import { projectRoot } from '../../src/paths.js';
import { ALEX, MEGAN, TENANT } from '../helpers/activities.js';
import { cardOf, closeAll, conversation, inputOf, textsOf, type Conversation } from '../helpers/conversation.js';
import { shownText } from '../helpers/conversation.js';

afterEach(closeAll);
const seed = loadRolesFile(path.join(projectRoot, 'test/fixtures/roles.json'));

async function withCitizen(c: Conversation) {
  await c.store.citizens.save({ id: 'cit-1', cpr: '0101501234', name: 'Jens Hansen', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
  const visitator = { tenantId: TENANT, aadObjectId: '00000000-0000-0000-0000-000000000022', name: 'Adele Vance' };
  await c.store.audit.append({ actor: visitator, citizenId: 'cit-1', action: 'read', purpose: 'visitation', what: 'henvisning V-2026-0001', at: '2026-03-04T09:15:00Z' });
  await c.store.audit.append({ actor: visitator, citizenId: 'cit-1', action: 'update', purpose: 'visitation', what: 'Fælles Sprog-vurdering', at: '2026-03-04T09:40:00Z' });
}

describe('access log export', () => {
  it('finds a citizen stored with a future birth date (recorded before such numbers were refused), for the access request', async () => {
    const c = await conversation({ seed });
    await c.store.citizens.save({ id: 'cit-2', cpr: '0707477777', name: 'Karen Holm', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
    await c.store.audit.append({ actor: { tenantId: TENANT, aadObjectId: ALEX.aadObjectId, name: ALEX.name }, citizenId: 'cit-2', action: 'read', purpose: 'screening', what: 'screening', at: '2026-03-04T09:15:00Z' });
    const res = await c.press('audit.export', { cpr: '070747-7777' });
    expect(textsOf(res.body.value).join(' ')).toMatch(/Adgangsloggen for 070747-xxxx er sendt herunder \(1 registrering/);
  });

  it('sends the trail as a plain message, masked CPR, Danish times, and logs the export itself', async () => {
    const c = await conversation({ seed });
    await withCitizen(c);
    const [form] = await c.say('adgangslog');
    expect(inputOf(cardOf(form), 'cpr')).toBeDefined();
    const res = await c.press('audit.export', { cpr: '010150-1234' });
    expect(textsOf(res.body.value).join(' ')).toMatch(/Adgangsloggen for 010150-xxxx er sendt herunder \(2 registreringer\)/);
    const text = shownText(res.others[0]);
    expect(text.split('\n')).toEqual([
      'Adgangslog for borger 010150-xxxx (2 registreringer):',
      '• 04.03.2026 kl. 10.15: Adele Vance så henvisning V-2026-0001 (formål: visitation)',
      '• 04.03.2026 kl. 10.40: Adele Vance ændrede Fælles Sprog-vurdering (formål: visitation)',
    ]);
    expect(text).not.toContain('1234');
    const trail = await c.store.audit.forCitizen('cit-1');
    expect(trail.at(-1)).toMatchObject({ action: 'export', purpose: 'indsigtsanmodning', actor: { aadObjectId: ALEX.aadObjectId } });
  });

  it('a trail of years goes as several cards, each well under Teams\' message size, every entry once and in order', async () => {
    const c = await conversation({ seed });
    await withCitizen(c);
    const visitator = { tenantId: TENANT, aadObjectId: '00000000-0000-0000-0000-000000000022', name: 'Adele Vance' };
    await c.store.transaction(async (tx) => {
      for (let i = 0; i < 1_000; i++) await tx.audit.append({ actor: visitator, citizenId: 'cit-1', action: 'read', purpose: 'besøgskoordinering', what: `borgerens besøg (opslag ${i})`, at: '2026-05-04T09:15:00Z' });
    });
    const res = await c.press('audit.export', { cpr: '010150-1234' });
    // Local mode (no OneDrive for a file): the document as cards, then a line saying Teams sends a file.
    expect(res.others.at(-1)?.text).toBe('I Teams kommer dette som en fil i din OneDrive; her i den lokale testopsætning vises det som tekst.');
    const cards = res.others.filter((a) => cardOf(a));
    expect(cards.length).toBeGreaterThan(1);
    for (const a of cards) expect(Buffer.byteLength(JSON.stringify(a.attachments))).toBeLessThan(28_000);
    const titles = cards.map((a) => textsOf(cardOf(a))[0]);
    expect(titles[0]).toBe(`Adgangslog for en borger (1/${cards.length})`);
    const lines = cards.flatMap((a) => shownText(a).split('\n'));
    const numbers = lines.map((l) => /opslag (\d+)\)/.exec(l)?.[1]).filter(Boolean).map(Number);
    expect(numbers).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });

  it.each([
    ['12345', 'Et CPR-nummer har 10 cifre'],
    ['321350-1234', 'ikke en gyldig fødselsdato'],
    ['020202-0202', 'ingen oplysninger om en borger med det CPR-nummer'],
  ])('answers %s on the same card, keeping what was typed', async (cpr, message) => {
    const c = await conversation({ seed });
    await withCitizen(c);
    const res = await c.press('audit.export', { cpr });
    expect(textsOf(res.body.value).join(' ')).toContain(message);
    expect(inputOf(res.body.value, 'cpr').value).toBe(cpr);
    expect(res.others).toHaveLength(0);
    expect(await c.store.audit.forCitizen('cit-1')).toHaveLength(2);
  });

  it('refuses a non-admin, even with a forged payload, and logs nothing', async () => {
    const c = await conversation({ seed });
    await withCitizen(c);
    const res = await c.press('audit.export', { cpr: '010150-1234' }, { from: MEGAN });
    expect(textsOf(res.body.value)[0]).toBe('Det kræver en anden rolle');
    expect(res.others).toHaveLength(0);
    expect(await c.store.audit.forCitizen('cit-1')).toHaveLength(2);
  });
});
