// Files over HTTP, through the real server in Teams mode (signed tokens): the statistics CSV is
// offered with a file consent card posted to the conversation, and once accepted the bot uploads
// it to the upload URL (the Bot Connector stand-in plays OneDrive) and posts the file's card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execute, fileConsent, message, TENANT, type Who } from '../helpers/activities.js';
import { startConnector, type Connector } from '../helpers/connector.js';
import { startOpenIdStandIn, type OpenIdStandIn } from '../helpers/openid.js';
import { startTestBot, staticTokenFactory, type TestBot } from '../helpers/server.js';

const APP_ID = '44444444-4444-4444-8444-444444444444';
const NESTOR: Who = { id: '29:nestor', name: 'Nestor Wilke', aadObjectId: '00000000-0000-0000-0000-000000000024' };
const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';

let openid: OpenIdStandIn;
let connector: Connector;
let bot: TestBot;
let dir: string;

beforeAll(async () => {
  openid = await startOpenIdStandIn();
  connector = await startConnector();
  dir = mkdtempSync(path.join(tmpdir(), 'aa-files-http-'));
  const roles = path.join(dir, 'roles.json');
  writeFileSync(roles, JSON.stringify({ staff: [{ aadObjectId: NESTOR.aadObjectId, roles: ['manager'] }] }));
  bot = await startTestBot(
    { DATA_DIR: path.join(dir, 'data'), ROLES_FILE: roles, BOT_ID: APP_ID, BOT_PASSWORD: 'not-a-real-secret', BOT_TENANT_ID: TENANT, BOT_OPENID_METADATA_URL: openid.metadataUrl, FILE_UPLOAD_HOSTS: '127.0.0.1' },
    { credentialsFactory: staticTokenFactory(APP_ID) },
  );
});
afterAll(async () => {
  await bot?.close();
  await connector?.close();
  await openid?.close();
  rmSync(dir, { recursive: true, force: true });
});

const signed = () => ({ Authorization: `Bearer ${openid.token({ aud: APP_ID, serviceUrl: connector.url })}` });
const where = () => ({ serviceUrl: connector.url, from: NESTOR });

describe('files over HTTP', () => {
  it('the statistics CSV arrives as a file: consent card, accepted, uploaded as UTF-8 with BOM, the file\'s card posted', async () => {
    expect((await bot.post(message('hej', where()), signed())).status).toBe(200);
    const pressed = await bot.post(execute('visits.stats', { csv: 'yes' }, where()), signed());
    expect(pressed.status).toBe(200);
    const consent = connector.calls.find((c) => c.body?.attachments?.[0]?.contentType === FILE_CONSENT)!;
    expect(consent.body.summary).toBe('Nøgletal');
    const { name, content } = consent.body.attachments[0];
    expect(name).toMatch(/^noegletal-\d{4}-\d{2}-\d{2}\.csv$/);
    const uploadInfo = { name, uploadUrl: `${connector.url}upload/${name}`, contentUrl: `https://contoso-my.sharepoint.com/personal/nestor/Documents/${name}`, uniqueId: 'unique-1', fileType: 'csv' };
    const accepted = await bot.post(fileConsent('accept', content.acceptContext.fileId, uploadInfo, where()), signed());
    expect(accepted.status).toBe(200);
    const upload = connector.calls.find((c) => c.method === 'PUT' && c.path === `/upload/${name}`)!;
    expect([...upload.raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(upload.raw.length).toBe(content.sizeInBytes);
    expect(upload.raw.subarray(3).toString('utf8').split('\n')[0]).toBe('Periode;Center;Område;Nøgletal;Antal');
    const info = connector.calls.find((c) => c.body?.attachments?.[0]?.contentType === FILE_INFO)!;
    expect(info.body.attachments[0]).toMatchObject({ name, contentUrl: uploadInfo.contentUrl, content: { uniqueId: 'unique-1', fileType: 'csv' } });
    // The same answer again: nothing uploaded twice.
    await bot.post(fileConsent('accept', content.acceptContext.fileId, uploadInfo, where()), signed());
    expect(connector.calls.filter((c) => c.method === 'PUT' && c.path.startsWith('/upload/'))).toHaveLength(1);
  });
});
