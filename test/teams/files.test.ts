// Files in a personal chat through the real Application, in Teams mode: the statistics CSV and the
// access-log export are offered with Teams' file consent card; accepted, the bot uploads them (over
// HTTP, to a stand-in for the OneDrive upload URL Teams gives) and posts the file's card; declined,
// expired, someone else's or to a host not allowed, nothing is uploaded and the person is told.
// In local mode (the Agents Playground) they come as document cards instead (auditTrail.test.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RoleSeed } from '../../src/services/directory.js';
import { FILE_CONSENT, FILE_INFO } from '../../src/teams/files.js';
import { ALEX, MEGAN, fileConsent, type Who } from '../helpers/activities.js';
import { closeAll, conversation, type Conversation } from '../helpers/conversation.js';
import { TestClock } from '../helpers/clock.js';

afterEach(closeAll);

const NESTOR: Who = { id: '29:nestor', name: 'Nestor Wilke', aadObjectId: '00000000-0000-0000-0000-000000000024' };
const seed: RoleSeed[] = [
  { aadObjectId: ALEX.aadObjectId, roles: ['admin', 'activityStaff'] },
  { aadObjectId: NESTOR.aadObjectId, roles: ['manager'] },
];
const TEAMS = { credentials: { appId: '99999999-9999-4999-8999-999999999999', type: 'SingleTenant' as const, password: 'x', tenantId: '11111111-1111-4111-8111-111111111111' } };

/** A stand-in for the OneDrive upload URL: records each PUT. */
let uploads: { path: string; headers: Record<string, unknown>; body: Buffer }[] = [];
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    uploads.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(req.url?.includes('fail') ? 500 : 201, { 'Content-Type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function setup(): Promise<Conversation> {
  uploads = [];
  const c = await conversation({ seed, clock: new TestClock('2026-11-22T10:00:00Z'), config: { ...TEAMS, fileUploadHosts: ['127.0.0.1'] } });
  for (const who of [ALEX, NESTOR, MEGAN]) await c.say('hej', { from: who });
  return c;
}

const consentOf = (activities: any[]) => activities.find((a) => a.attachments?.[0]?.contentType === FILE_CONSENT);
const uploadInfo = (path: string, name = 'noegletal-2026-11-22.csv') => ({ name, uploadUrl: `${base}${path}`, contentUrl: `https://contoso-my.sharepoint.com/personal/nestor/Documents/${name}`, uniqueId: 'unique-1', fileType: 'csv' });
const texts = (sent: any[]) => sent.filter((a) => a.type === 'message' && a.text).map((a) => a.text);

async function csvOffered(c: Conversation) {
  const res = await c.press('visits.stats', { csv: 'yes' }, { from: NESTOR });
  const consent = consentOf(res.others);
  expect(consent, 'a file consent card').toBeDefined();
  return consent;
}

describe('files in Teams (file consent)', () => {
  it('the statistics CSV: a consent card naming no one; accepted, uploaded as UTF-8 with BOM and ";", the file\'s card posted, the bot\'s copy deleted', async () => {
    const c = await setup();
    const consent = await csvOffered(c);
    expect(consent.summary).toBe('Nøgletal');
    const att = consent.attachments[0];
    expect(att.name).toBe('noegletal-2026-11-22.csv');
    expect(att.content.description).toBe('Nøgletal (kun antal), til Excel');
    const fileId = att.content.acceptContext.fileId;
    expect(att.content.declineContext.fileId).toBe(fileId);
    const stored = (await c.store.files.get(fileId))!;
    expect(att.content.sizeInBytes).toBe(Buffer.byteLength(stored.content, 'utf8'));

    const sent = await c.send(fileConsent('accept', fileId, uploadInfo('/upload/ok'), { serviceUrl: 'https://smba.example.test/', from: NESTOR }) as never);
    expect(sent.find((a) => a.type === 'invokeResponse')?.value).toEqual({ status: 200 });
    expect(uploads).toHaveLength(1);
    const body = uploads[0]!.body;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = body.subarray(3).toString('utf8');
    expect(csv.split('\n')[0]).toBe('Periode;Center;Område;Nøgletal;Antal');
    expect(uploads[0]!.headers['content-range']).toBe(`bytes 0-${body.length - 1}/${body.length}`);
    const info = sent.find((a) => a.attachments?.[0]?.contentType === FILE_INFO);
    expect(info.attachments[0]).toMatchObject({ name: 'noegletal-2026-11-22.csv', contentUrl: uploadInfo('/upload/ok').contentUrl, content: { uniqueId: 'unique-1', fileType: 'csv' } });
    expect(await c.store.files.get(fileId)).toBeUndefined();
    // Accepted again (a second press, or a replay): gone, nothing uploaded twice.
    const again = await c.send(fileConsent('accept', fileId, uploadInfo('/upload/ok'), { serviceUrl: 'https://smba.example.test/', from: NESTOR }) as never);
    expect(texts(again)).toEqual(['Den fil findes ikke længere hos Aktiv Assistent (en fil venter højst et døgn). Bed om den igen.']);
    expect(uploads).toHaveLength(1);
  });

  it('someone else\'s file, a forged or expired answer, or an upload URL on another host: nothing uploaded, the person told; declined: the copy deleted', async () => {
    const c = await setup();
    const fileId = (await csvOffered(c)).attachments[0].content.acceptContext.fileId;
    const where = (from: Who) => ({ serviceUrl: 'https://smba.example.test/', from });
    // Another person with the same file id: as if it did not exist.
    expect(texts(await c.send(fileConsent('accept', fileId, uploadInfo('/upload/ok'), where(MEGAN)) as never))).toEqual(['Den fil findes ikke længere hos Aktiv Assistent (en fil venter højst et døgn). Bed om den igen.']);
    // A forged value: no file id, not a uuid, no upload info.
    for (const forged of [fileConsent('accept', 'x', uploadInfo('/upload/ok'), where(NESTOR)), fileConsent('accept', fileId, undefined, where(NESTOR))]) {
      const sent = await c.send(forged as never);
      expect(sent.find((a) => a.type === 'invokeResponse')?.value).toEqual({ status: 200 });
    }
    // An upload URL Teams would never give (another host; plain http to another machine).
    for (const url of ['https://evil.example.com/upload', 'http://10.0.0.1/upload']) {
      const sent = await c.send(fileConsent('accept', fileId, { ...uploadInfo('/x'), uploadUrl: url }, where(NESTOR)) as never);
      expect(texts(sent)).toEqual(['Filen kunne ikke gemmes i din OneDrive. Prøv at trykke "Tillad" igen om lidt, eller bed om den igen.']);
    }
    // OneDrive answering 500: told, the copy kept for another try.
    expect(texts(await c.send(fileConsent('accept', fileId, uploadInfo('/upload/fail'), where(NESTOR)) as never))).toHaveLength(1);
    expect(uploads.map((u) => u.path)).toEqual(['/upload/fail']);
    expect(await c.store.files.get(fileId)).toBeDefined();
    // Declined: deleted.
    expect(texts(await c.send(fileConsent('decline', fileId, undefined, where(NESTOR)) as never))).toEqual(['Filen er ikke gemt, og Aktiv Assistents kopi er slettet. Bed om den igen, når du har brug for den.']);
    expect(await c.store.files.get(fileId)).toBeUndefined();
    // A day later an unanswered file is gone.
    const later = (await csvOffered(c)).attachments[0].content.acceptContext.fileId;
    (c.clock as TestClock).set('2026-11-23T10:00:01Z');
    expect(texts(await c.send(fileConsent('accept', later, uploadInfo('/upload/ok'), where(NESTOR)) as never))).toHaveLength(1);
    expect(uploads.map((u) => u.path)).toEqual(['/upload/fail']);
  });

  it('the access-log export comes as a file named by its date, with no CPR number or name in the name or the card', async () => {
    const c = await setup();
    await c.press('visits.attach', { cpr: '010150-1234', name: 'Jens Hansen', service: 'aktivitetscenter', purpose: 'Træning', reason: 'Ny borger i centret' }, { from: ALEX });
    const res = await c.press('audit.export', { cpr: '010150-1234' }, { from: ALEX });
    const consent = consentOf(res.others);
    expect(consent, JSON.stringify(res).slice(0, 600)).toBeDefined();
    expect(consent.attachments[0].name).toBe('adgangslog-2026-11-22.txt');
    expect(JSON.stringify(consent)).not.toMatch(/Jens|010150/);
    const fileId = consent.attachments[0].content.acceptContext.fileId;
    await c.send(fileConsent('accept', fileId, uploadInfo('/upload/log', 'adgangslog-2026-11-22.txt'), { serviceUrl: 'https://smba.example.test/', from: ALEX }) as never);
    const text = uploads.at(-1)!.body.subarray(3).toString('utf8');
    expect(text).toContain('010150-xxxx');
    expect(text).not.toContain('010150-1234');
    // A second export waits unanswered: it names neither the name nor the whole number, yet an
    // erasure of the citizen deletes it (the file records which citizen it is about).
    const waiting = consentOf((await c.press('audit.export', { cpr: '010150-1234' }, { from: ALEX })).others).attachments[0].content.acceptContext.fileId;
    const pending = (await c.store.files.get(waiting))!;
    expect(pending.content).not.toMatch(/Jens|0101501234/);
    const citizen = (await c.store.citizens.findByCpr('0101501234'))!;
    await c.store.transaction((tx) => tx.erasure.eraseCitizen(citizen.id, [['Jens Hansen', '010150-xxxx'], ['0101501234']]));
    expect(await c.store.files.get(waiting)).toBeUndefined();
  });
});
