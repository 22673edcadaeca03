// Erasure on request (GDPR art. 17) through the real Application: the data-protection officer sees
// what will go, confirms, and afterwards no file in the data folder holds the citizen's CPR number,
// name or health data (read byte by byte, log and snapshot alike), while the access log remains
// with the erasure in it; a card already posted about the citizen is replaced; another citizen is
// untouched; nobody else may erase. PostgreSQL: test/store/contract.ts (every text and JSON column).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALEX, MEGAN } from '../helpers/activities.js';
import { actionsOf, cardOf, closeAll, inputOf, shownText, textsOf } from '../helpers/conversation.js';
import { ADELE, citizenWithRecords, DORTE, RECORDS_SEED as seed } from '../helpers/referral.js';

afterEach(closeAll);

const text = (card: unknown) => textsOf(card).join(' | ');

/** Every byte of every file under `dir`, as text. */
function everyFile(dir: string): { file: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? everyFile(full) : [{ file: full, text: readFileSync(full).toString('utf8') }];
  });
}

describe('erasing a citizen on request', () => {
  it('leaves no CPR number, name or health data in any file of the store; the access log stays, with the erasure; other citizens untouched', async () => {
    const { c, citizen } = await citizenWithRecords(seed, false, [ALEX, ADELE, MEGAN, DORTE]);
    // Another citizen, who must not be touched.
    await c.press('visits.attach', { cpr: '120340-2222', name: 'Else Berg', service: 'demens', purpose: 'Hukommelse', reason: 'Ny borger' }, { from: MEGAN });
    const words = ['Jens Hansen', '0101501234', '010150-1234', '010150-xxxx', 'Gå ture', 'Fællesskab om maden', 'Demensopfølgning', 'Første besøg'];
    expect(everyFile(c.dataDir).some((f) => words.some((w) => f.text.includes(w)))).toBe(true);

    const form = cardOf((await c.say('slet borger', { from: DORTE }))[0]);
    expect(textsOf(form)[0]).toBe('Slet en borger');
    const noReason = await c.press('erasure.confirm', { cpr: '010150-1234', reason: '' }, { from: DORTE });
    expect(text(noReason.body.value)).toContain('Skriv begrundelsen eller sagsnummeret.');
    expect(inputOf(noReason.body.value, 'cpr').value).toBe('010150-1234');
    const sure = await c.press('erasure.confirm', { cpr: '010150-1234', reason: 'Sag 2026-4712: borgeren bad om sletning' }, { from: DORTE });
    expect(text(sure.body.value)).toContain('Slet alle oplysninger om borgeren med CPR-nummer 010150-xxxx? Det kan ikke fortrydes.');
    expect(text(sure.body.value)).toContain('1 screeninger, 1 henvisninger, 1 besøg og 1 tilknytninger');
    // Nothing is gone yet, and the card carries no CPR number.
    expect(await c.store.citizens.get(citizen.id)).toBeDefined();
    expect(JSON.stringify(sure.body.value)).not.toMatch(/0101501234|010150-1234/);
    const erase = actionsOf(sure.body.value).find((a) => a.verb === 'erasure.erase');
    const done = await c.press('erasure.erase', erase.data, { from: DORTE });
    expect(text(done.body.value)).toContain('Borgerens oplysninger er slettet.');

    expect(await c.store.citizens.findByCpr('0101501234')).toBeUndefined();
    expect(await c.store.screenings.listByCitizen(citizen.id)).toEqual([]);
    // The store rewrites its files right after the erasure is committed.
    const clean = () => everyFile(c.dataDir).every((f) => !words.some((w) => f.text.includes(w)));
    for (let i = 0; i < 100 && !clean(); i++) await new Promise((r) => setTimeout(r, 50));
    for (const f of everyFile(c.dataDir)) {
      const found = words.find((w) => f.text.includes(w));
      const at = found ? f.text.indexOf(found) : -1;
      expect(found, `${path.relative(c.dataDir, f.file)} still holds "${found}": …${f.text.slice(Math.max(0, at - 300), at + 100)}…`).toBeUndefined();
    }
    // The access log stays, and says who erased, when and why.
    const trail = await c.store.audit.forCitizen(citizen.id);
    expect(trail.length).toBeGreaterThan(5);
    expect(trail.at(-1)).toMatchObject({ action: 'delete', purpose: 'sletning', reason: 'Sag 2026-4712: borgeren bad om sletning', actor: { aadObjectId: DORTE.aadObjectId } });
    // Else Berg is untouched.
    const else_ = (await c.store.citizens.findByCpr('1203402222'))!;
    expect(else_.name).toBe('Else Berg');
    expect(await c.store.attachments.listByCitizen(else_.id)).toHaveLength(1);
    // Pressed again: nothing left to erase, said so.
    expect(text((await c.press('erasure.erase', erase.data, { from: DORTE })).body.value)).toContain('findes ikke (længere)');
    // Asked again by CPR number: already erased, only the access log is kept; that she looked is in it.
    const again = await c.press('erasure.confirm', { cpr: '010150-1234', reason: 'Sag 2026-4712, igen' }, { from: DORTE });
    expect(inputOf(again.body.value, 'cpr').error ?? text(again.body.value)).toContain('allerede slettet');
    expect((await c.store.audit.forCitizen(citizen.id)).at(-1)).toMatchObject({ action: 'read', reason: 'Sag 2026-4712, igen', actor: { aadObjectId: DORTE.aadObjectId } });
  });

  it('after the erasure, the access log is still found by CPR number (through a keyed pseudonym, never the number), for the access-log export and an access request', async () => {
    const { c, citizen } = await citizenWithRecords(seed, false, [ALEX, ADELE, MEGAN, DORTE]);
    const sure = await c.press('erasure.confirm', { cpr: '010150-1234', reason: 'Sag 7' }, { from: DORTE });
    await c.press('erasure.erase', actionsOf(sure.body.value).find((a) => a.verb === 'erasure.erase').data, { from: DORTE });
    const before = (await c.store.audit.forCitizen(citizen.id)).length;
    // The export of the look-up trail: every entry, the erasure last.
    const exported = await c.press('audit.export', { cpr: '010150-1234' }, { from: DORTE });
    expect(text(exported.body.value)).toContain(`Adgangsloggen for 010150-xxxx er sendt herunder (${before} registreringer)`);
    const trailText = exported.others.map(shownText).join('\n');
    expect(trailText).toContain(`Adgangslog for borger 010150-xxxx (${before} registreringer):`);
    expect(trailText).toContain('Sag 7');
    // The access request: no record, the access log only, said so.
    const access = await c.press('accessRequest.export', { cpr: '010150-1234', request: 'Anmodning 9' }, { from: DORTE });
    const document = access.others.map(shownText).join('\n');
    expect(document).toContain('Kun adgangsloggen er gemt');
    expect(document).not.toContain('Jens Hansen');
    expect(document).toContain('Sag 7');
    // Both exports are in the citizen's trail.
    expect((await c.store.audit.forCitizen(citizen.id)).slice(-2).map((e) => e.action)).toEqual(['export', 'export']);
    // A CPR number never recorded is still unknown.
    const unknown = await c.press('audit.export', { cpr: '020250-1234' }, { from: DORTE });
    expect(text(unknown.body.value)).toContain('ingen oplysninger om en borger med det CPR-nummer');
    // To an administrator without the data-protection role, the erased citizen is unknown too: whether
    // someone erased was ever in the bot is the data-protection officer's to learn, and nothing is logged.
    const trailBefore = (await c.store.audit.forCitizen(citizen.id)).length;
    const admin = await c.press('audit.export', { cpr: '010150-1234' }, { from: ALEX });
    expect(text(admin.body.value)).toContain('ingen oplysninger om en borger med det CPR-nummer');
    expect(await c.store.audit.forCitizen(citizen.id)).toHaveLength(trailBefore);
    // The register holds no CPR number: every file was read above for the first erasure; here the pseudonym.
    expect(everyFile(c.dataDir).some((f) => f.text.includes('0101501234') || f.text.includes('010150-'))).toBe(false);
  });

  it('cards already posted about the citizen are replaced by a notice that names nobody', async () => {
    const { c, citizen } = await citizenWithRecords(seed, false, [ALEX, ADELE, MEGAN, DORTE]);
    // Deliver what is waiting (as the outbox would): the advis to Alex names Jens.
    const due = await c.store.outbox.due(new Date('2100-01-01T00:00:00Z'));
    const advis = due.find((m) => m.topic?.kind === 'referral.advis')!;
    expect(JSON.stringify(advis.payload)).toContain('Jens Hansen');
    for (const m of due) await c.store.outbox.save({ ...m, status: 'sent', sent: { conversationId: 'a:x', activityId: `act-${m.id}`, at: m.updatedAt } });
    const sure = await c.press('erasure.confirm', { cpr: '010150-1234', reason: 'Sag 1' }, { from: DORTE });
    await c.press('erasure.erase', actionsOf(sure.body.value).find((a) => a.verb === 'erasure.erase').data, { from: DORTE });
    expect((await c.store.outbox.get(advis.id))!.payload).toEqual({});
    const update = (await c.store.outbox.due(new Date('2100-01-01T00:00:00Z'))).find((m) => m.operation === 'update' && m.updates === advis.id)!;
    expect(update.payload.summary).toBe('Oplysninger slettet');
    expect(JSON.stringify(update.payload)).not.toMatch(/Jens|010150/);
    expect(await c.store.citizens.get(citizen.id)).toBeUndefined();
  });

  it('nobody but the data-protection role may erase, and a forged press changes nothing', async () => {
    const { c, citizen } = await citizenWithRecords(seed, false, [ALEX, ADELE, MEGAN, DORTE]);
    for (const who of [ALEX, MEGAN, ADELE]) {
      const refused = await c.press('erasure.erase', { cid: citizen.id, reason: 'x' }, { from: who });
      expect(textsOf(refused.body.value)[0]).toBe('Det kræver en anden rolle');
    }
    const forged = await c.press('erasure.erase', { cid: 'not-an-id', reason: 'x' }, { from: DORTE });
    expect(text(forged.body.value)).toContain('findes ikke (længere)');
    expect(await c.store.citizens.get(citizen.id)).toBeDefined();
  });
});
