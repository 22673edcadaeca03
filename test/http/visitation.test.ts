// Visitation over HTTP with the Bot Connector stand-in: the referral card posted to the visitators'
// channel and updated in place (PUT), two visitators racing for a case, and a failing connector
// (403, 429 with Retry-After, 500) leaving the referral queued and then delivered once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALEX, execute, MEGAN, message, TENANT, type Who } from '../helpers/activities.js';
import { failures, startConnector, type Connector, type ConnectorCall } from '../helpers/connector.js';
import { pressOverHttp, startTestBot, type TestBot } from '../helpers/server.js';

const ADELE: Who = { id: '29:adele', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-000000000022' };
const CHANNEL = '19:visitation@thread.tacv2';

let connector: Connector;
let dir: string;
let bot: TestBot;

beforeEach(async () => {
  connector = await startConnector();
  dir = mkdtempSync(path.join(tmpdir(), 'aa-visit-http-'));
  const roles = path.join(dir, 'roles.json');
  writeFileSync(roles, JSON.stringify({ staff: [
    { aadObjectId: ALEX.aadObjectId, roles: ['activityStaff', 'admin'] },
    { aadObjectId: ADELE.aadObjectId, roles: ['visitator'] },
    { aadObjectId: MEGAN.aadObjectId, roles: ['visitator'] },
  ] }));
  bot = await startTestBot({ DATA_DIR: path.join(dir, 'data'), ROLES_FILE: roles, OUTBOX_RETRY_BASE_MS: '50' });
  for (const who of [ALEX, ADELE, MEGAN]) await bot.post(message('hej', { serviceUrl: connector.url, from: who }));
});
afterEach(async () => {
  await bot.close();
  await connector.close();
  rmSync(dir, { recursive: true, force: true });
});

const where = (from: Who, channel = false) => ({ serviceUrl: connector.url, from, ...(channel ? { conversationType: 'channel' as const, conversationId: `${CHANNEL};messageid=42` } : {}) });
const toChannel = (c: ConnectorCall) => c.conversationId === CHANNEL;

async function setChannel() {
  await bot.post(message('sæt som visitationskanal', where(ADELE, true)));
}

async function refer(): Promise<string> {
  const res = await bot.post(execute('referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig' }, where(ALEX)));
  expect(res.status).toBe(200);
  const [referral] = await bot.store.referrals.listOpen();
  return referral!.id;
}

describe('the referral card in the visitators\' channel', () => {
  it('is posted as a new message in the channel and updated in place when a visitator takes the case', async () => {
    await setChannel();
    const rid = await refer();
    await connector.waitFor((calls) => calls.some((c) => toChannel(c) && c.method === 'POST' && c.body?.attachments));
    const post = connector.calls.find((c) => toChannel(c) && c.method === 'POST' && c.body?.attachments)!;
    expect(post.path).toBe(`/v3/conversations/${encodeURIComponent(CHANNEL)}/activities`);
    expect(post.body.summary).toMatch(/^Ny henvisning V-\d{4}-\d{4}$/);
    expect(JSON.stringify(post.body)).not.toMatch(/Else|Berg|120340|Isolerer/);
    await bot.outbox.drained();
    expect((await bot.store.referrals.get(rid))!.data).toMatchObject({ notified: true });

    const activityId = (await bot.store.outbox.listByTopic('referral.card', rid))[0]!.sent!.activityId;
    const res = await pressOverHttp(bot, connector, 'referral.take', { rid }, { ...where(ADELE, true), replyToId: 'act-x' });
    expect(res.body.value.body[0].text).toMatch(/^Henvisning V-/);
    // The outbox updates the card it posted (with Action.Submit the press also replaced the pressed card).
    await connector.waitFor((calls) => calls.some((c) => c.method === 'PUT' && c.activityId === activityId));
    const put = connector.calls.find((c) => c.method === 'PUT' && c.activityId === activityId)!;
    expect(put.path).toBe(`/v3/conversations/${encodeURIComponent(CHANNEL)}/activities/${activityId}`);
    expect(JSON.stringify(put.body)).toContain('Taget af Adele Vance');
  });

  it('two visitators pressing "Tag sagen" at the same moment over HTTP: exactly one gets it', async () => {
    await setChannel();
    const rid = await refer();
    const [a, b] = await Promise.all([
      pressOverHttp(bot, connector, 'referral.take', { rid }, where(ADELE, true)),
      pressOverHttp(bot, connector, 'referral.take', { rid }, where(MEGAN, true)),
    ]);
    const texts = [JSON.stringify(a.body), JSON.stringify(b.body)];
    const stored = (await bot.store.referrals.get(rid))!;
    expect(stored.status).toBe('taken');
    if (bot.config.cardActions === 'execute') expect(texts.filter((x) => x.includes('Sagen er allerede taget af'))).toHaveLength(1);
    else for (const x of texts) expect(x).toContain(`Taget af ${stored.holder!.aadObjectId === ADELE.aadObjectId ? 'Adele Vance' : 'Megan Bowen'}`); // one shared card
  });
});

describe('a failing connector loses nothing', () => {
  it('403 on the channel card: the referral stays in the queue, not announced, and the referrer is told', async () => {
    await setChannel();
    connector.failNext((c) => toChannel(c) && c.method === 'POST', failures.notInRoster());
    const rid = await refer();
    await connector.waitFor((calls) => calls.some((c) => c.conversationId === `personal-${ALEX.id}` && /kunne ikke levere/.test(JSON.stringify(c.body ?? ''))), 10_000);
    expect((await bot.store.referrals.get(rid))!).toMatchObject({ status: 'new', data: { notified: false } });
    const queue = await pressOverHttp(bot, connector, 'queue.show', {}, where(ADELE));
    expect(JSON.stringify(queue.body)).toContain('ikke meddelt i kanalen');
  });

  it('429 with Retry-After, then success: delivered once, after the wait, and the referrer hears it is pending', async () => {
    await setChannel();
    connector.failNext((c) => toChannel(c) && c.method === 'POST', failures.throttled(1));
    const rid = await refer();
    await connector.waitFor((calls) => calls.filter((c) => toChannel(c) && c.method === 'POST').length >= 2, 10_000);
    await bot.outbox.drained();
    const posts = connector.calls.filter((c) => toChannel(c) && c.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(Date.parse(posts[1]!.at) - Date.parse(posts[0]!.at)).toBeGreaterThanOrEqual(950);
    expect((await bot.store.referrals.get(rid))!.data).toMatchObject({ notified: true });
    expect(connector.calls.some((c) => c.conversationId === `personal-${ALEX.id}` && /kunne ikke vises i visitationskanalen endnu/.test(JSON.stringify(c.body ?? '')))).toBe(true);
  });

  it('500 then success: the card arrives once', async () => {
    await setChannel();
    connector.failNext((c) => toChannel(c) && c.method === 'POST', failures.serverError(500));
    await refer();
    await connector.waitFor((calls) => calls.filter((c) => toChannel(c) && c.method === 'POST').length >= 2, 10_000);
    await bot.outbox.drained();
    await new Promise((r) => setTimeout(r, 200));
    expect(connector.calls.filter((c) => toChannel(c) && c.method === 'POST')).toHaveLength(2);
  });
});
