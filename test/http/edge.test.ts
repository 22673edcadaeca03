// The HTTP edge under hostile input: compressed and broken bodies, sizes counted as they arrive,
// deep nesting, prototype keys, wrong-typed activity fields, token refusals as one log line, and
// tenant ids compared without regard to case. Each answer is a 4xx, the bot stays up, and nothing
// is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ALEX, execute, message, TENANT } from '../helpers/activities.js';
import { startConnector, type Connector } from '../helpers/connector.js';
import { startOpenIdStandIn, type OpenIdStandIn } from '../helpers/openid.js';
import { startTestBot, staticTokenFactory, type TestBot } from '../helpers/server.js';

let connector: Connector;
let bot: TestBot;

beforeAll(async () => {
  connector = await startConnector();
  bot = await startTestBot({ MAX_BODY_BYTES: '65536' });
});
afterAll(async () => {
  await bot?.close();
  await connector?.close();
});

/** A raw POST: any headers, any bytes, optionally sent in pieces (no Content-Length). */
function post(url: string, body: Buffer | string, headers: Record<string, string>, options: { chunks?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/messages`, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
    });
    // The server may answer and close before the whole body is sent: that is the point.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const n = options.chunks ?? 1;
    const size = Math.ceil(bytes.length / n);
    for (let i = 0; i < n; i++) req.write(bytes.subarray(i * size, (i + 1) * size));
    req.end();
  });
}

const json = { 'Content-Type': 'application/json' };
const stored = () => {
  const dir = bot.dataDir;
  return readdirSync(dir).filter((f) => f.startsWith('wal-') || f.startsWith('snapshot.json')).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
};

async function alive(): Promise<void> {
  const res = await fetch(`${bot.url}/healthz`);
  expect(res.status).toBe(200);
}

describe('bodies the bot does not read', () => {
  it('refuses a gzip body that is not gzip with 415 and stays up (it used to end the process)', async () => {
    const res = await post(bot.url, 'not gzip at all', { ...json, 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'unsupported_encoding' });
    await alive();
  });

  it('refuses a gzip bomb (200 KB inflating to 200 MB) with 415, without inflating it', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(300 * 1024);
    const before = process.memoryUsage().rss;
    const res = await post(bot.url, bomb, { ...json, 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(415);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
    await alive();
  });

  it.each(['deflate', 'br', 'x-unknown', 'gzip, identity'])('refuses Content-Encoding %s with 415', async (encoding) => {
    const res = await post(bot.url, JSON.stringify(message('hjælp', { serviceUrl: connector.url })), { ...json, 'Content-Encoding': encoding });
    expect(res.status).toBe(415);
  });

  it('refuses a body that is not JSON by its type with 415', async () => {
    const res = await post(bot.url, JSON.stringify(message('hjælp', { serviceUrl: connector.url })), { 'Content-Type': 'text/plain' });
    expect(res.status).toBe(415);
  });

  it('refuses a body past MAX_BODY_BYTES with 413, by its declared length and by the bytes that arrive', async () => {
    const big = JSON.stringify(message('x'.repeat(70_000), { serviceUrl: connector.url }));
    expect((await post(bot.url, big, { ...json, 'Content-Length': String(Buffer.byteLength(big)) })).status).toBe(413);
    // Sent in pieces with no Content-Length (chunked): counted as it arrives.
    expect((await post(bot.url, big, { ...json, 'Transfer-Encoding': 'chunked' }, { chunks: 8 })).status).toBe(413);
    await alive();
  });

  it('refuses JSON nested far deeper than an activity with 400, without a stack overflow', async () => {
    const deep = JSON.stringify(message('hjælp', { serviceUrl: connector.url })).replace(/}$/, `,"value":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    const res = await post(bot.url, deep, json);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).message).toMatch(/nests deeper/);
    await alive();
  });
});

describe('activities with wrong types', () => {
  // A deep copy: the helpers share the bot's account object between activities.
  const base = () => structuredClone(message('hej', { serviceUrl: connector.url, from: { ...ALEX, id: '29:edge-user', aadObjectId: '00000000-0000-0000-0000-0000000000e1' } }));
  it.each([
    ['from.aadObjectId a number', (a: any) => (a.from.aadObjectId = 12345)],
    ['from.name an object', (a: any) => (a.from.name = { first: 'Alex' })],
    ['conversation.conversationType a number', (a: any) => (a.conversation.conversationType = 5)],
    ['recipient.name an object', (a: any) => (a.recipient.name = {})],
    ['channelData.tenant.id a number', (a: any) => (a.channelData.tenant.id = 7)],
    ['locale an array', (a: any) => (a.locale = ['da-DK'])],
    ['text an object', (a: any) => (a.text = { text: 'hjælp' })],
    ['membersAdded not a list', (a: any) => (a.membersAdded = { id: 'x' })],
    ['entities of numbers', (a: any) => (a.entities = [1, 2])],
    ['no recipient', (a: any) => delete a.recipient],
    ['a conversation id with a character no HTTP header takes', (a: any) => (a.conversation.id = 'personal-\u0000\u202e')],
    ['an aadObjectId that is not an object id', (a: any) => (a.from.aadObjectId = '${jndi:ldap://x}')],
  ])('%s: 400, and nothing stored (the staff directory used to keep it and break screens for the tenant)', async (_what, spoil) => {
    const activity = base();
    spoil(activity);
    const before = stored();
    const res = await bot.post(activity);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^Not a Bot Framework activity: check /);
    expect(stored()).toBe(before);
    expect(await bot.store.staff.get({ tenantId: TENANT, aadObjectId: '00000000-0000-0000-0000-0000000000e1' })).toBeUndefined();
  });

  it('after all of them, the screens that broke for the whole tenant still work: the roles card lists people by name', async () => {
    const res = await bot.post(message('roller', { serviceUrl: connector.url }));
    expect(res.status).toBe(200);
    const card = connector.calls.at(-1)!.body.attachments[0].content;
    expect(JSON.stringify(card)).toContain('Alex Wilber');
    expect(JSON.stringify(card)).not.toMatch(/noget gik galt/i);
  });

  it('a card field of the wrong type or too long gets its message at the field, over HTTP too', async () => {
    const res = await bot.post(execute('referral.createDirect', { cpr: 123, name: 'E'.repeat(600), askedBy: 'relative', reason: 'Isolerer sig' }, { serviceUrl: connector.url }));
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body.value);
    expect(text).toContain('Værdien kunne ikke læses. Udfyld feltet igen.');
    expect(text).toContain('Højst 100 tegn; her er 600.');
    expect(text).toContain('Isolerer sig');
    expect(await bot.store.referrals.listOpen()).toEqual([]);
  });

  it('accepts every activity type Teams sends, with optional fields absent or null', async () => {
    for (const type of ['message', 'conversationUpdate', 'installationUpdate', 'messageReaction', 'typing', 'event', 'invoke']) {
      const activity: any = { ...base(), type, text: undefined, locale: null, entities: null, name: type === 'invoke' ? 'composeExtension/query' : undefined };
      const res = await bot.post(activity);
      expect([200, 501], `${type}: ${JSON.stringify(res.body)}`).toContain(res.status);
    }
  });

  it('drops prototype keys, and a conversation called "constructor" is a conversation like any other', async () => {
    const raw = JSON.stringify(message('hjælp', { serviceUrl: connector.url, conversationId: 'constructor' })).replace('{', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},');
    const res = await post(bot.url, raw, json);
    expect(res.status).toBe(200);
    expect(({} as any).polluted).toBeUndefined();
    const record = await bot.store.conversations.get('constructor');
    expect(record).toMatchObject({ id: 'constructor', kind: 'personal' });
    const proto = await bot.store.conversations.get('__proto__');
    expect(proto).toBeUndefined();
    expect((await bot.post(message('hjælp', { serviceUrl: connector.url, conversationId: '__proto__' }))).status).toBe(200);
    expect(await bot.store.conversations.get('__proto__')).toMatchObject({ id: '__proto__' });
    expect(await bot.store.conversations.get('toString')).toBeUndefined();
  });
});

describe('tokens and tenants', () => {
  const APP_ID = '44444444-4444-4444-8444-444444444444';
  let openid: OpenIdStandIn;
  let teams: TestBot;
  beforeAll(async () => {
    openid = await startOpenIdStandIn();
    teams = await startTestBot(
      { BOT_ID: APP_ID, BOT_PASSWORD: 'not-a-real-secret', BOT_TENANT_ID: TENANT, BOT_OPENID_METADATA_URL: openid.metadataUrl, ALLOWED_TENANTS: TENANT.toUpperCase() },
      { credentialsFactory: staticTokenFactory(APP_ID) },
    );
  });
  afterAll(async () => {
    await teams?.close();
    await openid?.close();
  });

  it('a refused token is one JSON log line with the reason, no token, no stack trace', async () => {
    const before = teams.logs.length;
    const forged = openid.token({ aud: APP_ID, serviceUrl: connector.url }, { key: openid.foreignKey });
    const res = await teams.post(message('hjælp', { serviceUrl: connector.url }), { Authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
    const lines = teams.logs.slice(before);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', msg: 'request refused: token', status: 401 });
    expect(lines[0]).not.toContain(forged.split('.')[2]!);
    expect(lines[0]).not.toMatch(/\n|    at /);
    // What botframework-connector prints with console.error goes through the logger in the running
    // process (src/consoleLog.ts): see test/consoleLog.test.ts and the fuzz run's stderr.
  });

  it('a request with no bearer token is refused before its body is read', async () => {
    const big = JSON.stringify(message('x'.repeat(60_000), { serviceUrl: connector.url }));
    const res = await post(teams.url, big, json);
    expect(res.status).toBe(401);
    expect(teams.logs.at(-1)).toMatch(/"reason":"no bearer token"/);
  });

  it('compares tenant ids without regard to case (ALLOWED_TENANTS given in upper case, the activity in lower)', async () => {
    const token = openid.token({ aud: APP_ID, serviceUrl: connector.url });
    const res = await teams.post(message('hjælp', { serviceUrl: connector.url, tenantId: TENANT.toLowerCase() }), { Authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    const upper = await teams.post(execute('help.show', {}, { serviceUrl: connector.url, tenantId: TENANT.toUpperCase() }), { Authorization: `Bearer ${token}` });
    expect(upper.status).toBe(200);
  });
});
