// Proactive messages through the outbox against the Bot Connector stand-in: retries with backoff
// and Retry-After, 403 given up and reported, exactly one delivery across a restart, a 1:1 chat
// opened for a colleague who never wrote, and an update in place of a card sent earlier.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALEX, botAdded, MEGAN, message, TENANT } from '../helpers/activities.js';
import { failures, startConnector, type Connector, type ConnectorCall } from '../helpers/connector.js';
import { startTestBot, type TestBot } from '../helpers/server.js';

let connector: Connector;
let dataDir: string;
const bots: TestBot[] = [];

beforeEach(async () => {
  connector = await startConnector();
  dataDir = mkdtempSync(path.join(tmpdir(), 'aa-outbox-'));
});
afterEach(async () => {
  for (const b of bots.splice(0)) await b.close();
  await connector.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function bot(env: Record<string, string> = {}) {
  const b = await startTestBot({ DATA_DIR: dataDir, OUTBOX_RETRY_BASE_MS: '50', ...env });
  bots.push(b);
  return b;
}

const alex = { tenantId: TENANT, aadObjectId: ALEX.aadObjectId };
const megan = { tenantId: TENANT, aadObjectId: MEGAN.aadObjectId };
const postsTo = (conversationId: string) => (c: ConnectorCall) => c.method === 'POST' && c.conversationId === conversationId;
const okPosts = (calls: ConnectorCall[], conversationId: string) => calls.filter(postsTo(conversationId));

/** Alex writes once, so the bot knows Alex's personal chat. */
async function alexWrites(b: TestBot) {
  const activity = message('hjælp', { serviceUrl: connector.url, from: ALEX });
  await b.post(activity);
  return activity.conversation.id;
}

describe('outbox delivery', () => {
  it('waits as long as Retry-After says after a 429, then delivers once', async () => {
    const b = await bot();
    const chat = await alexWrites(b);
    connector.failNext(postsTo(chat), failures.throttled(1));
    const before = connector.calls.length;
    await b.outbox.enqueue({ idempotencyKey: 'k-429', target: { kind: 'user', user: alex }, payload: { text: 'Hej Alex' } });
    await connector.waitFor((calls) => okPosts(calls.slice(before), chat).length >= 2, 10_000);
    await b.outbox.drained();
    const attempts = okPosts(connector.calls.slice(before), chat);
    expect(attempts).toHaveLength(2);
    const gap = Date.parse(attempts[1]!.at) - Date.parse(attempts[0]!.at);
    expect(gap).toBeGreaterThanOrEqual(950);
    const stored = await b.store.outbox.findByIdempotencyKey('k-429');
    expect(stored).toMatchObject({ status: 'sent', attempts: 2 });
    expect(stored?.sent?.activityId).toBeTruthy();
  });

  it('retries a 500 and a 502 with backoff, then delivers', async () => {
    const b = await bot();
    const chat = await alexWrites(b);
    connector.failNext(postsTo(chat), failures.serverError(500));
    connector.failNext(postsTo(chat), failures.serverError(502));
    const before = connector.calls.length;
    await b.outbox.enqueue({ idempotencyKey: 'k-500', target: { kind: 'user', user: alex }, payload: { text: 'Hej igen' } });
    await connector.waitFor((calls) => okPosts(calls.slice(before), chat).length >= 3, 10_000);
    await b.outbox.drained();
    expect((await b.store.outbox.findByIdempotencyKey('k-500'))?.status).toBe('sent');
    expect(okPosts(connector.calls.slice(before), chat)).toHaveLength(3);
  });

  it('gives up on 403 BotNotInConversationRoster at once and tells the person it was for', async () => {
    const b = await bot();
    const chat = await alexWrites(b);
    const meganChat = message('hjælp', { serviceUrl: connector.url, from: MEGAN });
    await b.post(meganChat);
    connector.failNext(postsTo(meganChat.conversation.id), failures.notInRoster());
    const before = connector.calls.length;
    await b.outbox.enqueue({ idempotencyKey: 'k-403', target: { kind: 'user', user: megan }, payload: { text: 'Til Megan' }, reportTo: alex });
    await connector.waitFor((calls) => okPosts(calls.slice(before), chat).length >= 1, 10_000);
    await b.outbox.drained();
    const stored = await b.store.outbox.findByIdempotencyKey('k-403');
    expect(stored).toMatchObject({ status: 'failed', attempts: 1, lastError: { status: 403, code: 'BotNotInConversationRoster' } });
    expect(okPosts(connector.calls.slice(before), meganChat.conversation.id)).toHaveLength(1); // no retry
    const report = okPosts(connector.calls.slice(before), chat)[0]!.body;
    expect(report.text).toMatch(/Jeg kunne ikke levere en besked .* ikke med i samtalen/);
    expect(report.text).not.toContain('Megan');
  });

  it('a restart in the middle of retrying delivers the message exactly once', async () => {
    const first = await bot({ OUTBOX_RETRY_BASE_MS: '1500' });
    const chat = await alexWrites(first);
    connector.failNext(postsTo(chat), failures.serverError(503));
    const before = connector.calls.length;
    await first.outbox.enqueue({ idempotencyKey: 'k-restart', target: { kind: 'user', user: alex }, payload: { text: 'Efter genstart' } });
    await connector.waitFor((calls) => okPosts(calls.slice(before), chat).length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect((await first.store.outbox.findByIdempotencyKey('k-restart'))).toMatchObject({ status: 'pending', attempts: 1 });
    await first.close();
    bots.splice(bots.indexOf(first), 1);

    const second = await bot({ OUTBOX_RETRY_BASE_MS: '1500' });
    await connector.waitFor((calls) => okPosts(calls.slice(before), chat).length === 2, 10_000);
    await second.outbox.drained();
    expect((await second.store.outbox.findByIdempotencyKey('k-restart'))?.status).toBe('sent');
    // Enqueueing the same key again (a retried turn) is the same message, not a second one.
    await second.outbox.enqueue({ idempotencyKey: 'k-restart', target: { kind: 'user', user: alex }, payload: { text: 'Efter genstart' } });
    await second.close();
    bots.splice(bots.indexOf(second), 1);
    const third = await bot();
    await new Promise((r) => setTimeout(r, 300));
    await third.outbox.drained();
    const delivered = okPosts(connector.calls.slice(before), chat).filter((c) => c.body.text === 'Efter genstart');
    expect(delivered).toHaveLength(2); // one 503, one success: never a second success
  });

  it('opens a 1:1 chat with a colleague who has the app but never wrote to the bot', async () => {
    const b = await bot();
    await alexWrites(b); // the tenant's service URL is known from Alex's chat
    await b.store.staff.save({ ...megan, userId: MEGAN.id, name: MEGAN.name, roles: ['staff'], firstSeen: 'x', lastSeen: 'x' });
    const before = connector.calls.length;
    await b.outbox.enqueue({ idempotencyKey: 'k-create', target: { kind: 'user', user: megan }, payload: { text: 'Velkommen Megan' } });
    await connector.waitFor((calls) => calls.slice(before).some((c) => c.method === 'POST' && c.body?.text === 'Velkommen Megan'), 10_000);
    const created = connector.calls.slice(before).find((c) => c.method === 'POST' && c.path === '/v3/conversations')!;
    expect(created.body).toMatchObject({ isGroup: false, members: [{ id: MEGAN.id }], tenantId: TENANT });
    const sentTo = connector.calls.slice(before).find((c) => c.body?.text === 'Velkommen Megan')!.conversationId!;
    expect(sentTo).toMatch(/^a:created-/);
    // The new chat is remembered: the next message goes straight there, with no second create.
    await b.outbox.enqueue({ idempotencyKey: 'k-create-2', target: { kind: 'user', user: megan }, payload: { text: 'Igen' } });
    await connector.waitFor((calls) => calls.some((c) => c.body?.text === 'Igen'));
    expect(connector.calls.filter((c) => c.method === 'POST' && c.path === '/v3/conversations')).toHaveLength(1);
    expect(connector.calls.find((c) => c.body?.text === 'Igen')!.conversationId).toBe(sentTo);
  });

  it('updates a card it sent earlier in place (PUT to the stored activity id)', async () => {
    const b = await bot();
    const chat = await alexWrites(b);
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Ny' }] };
    const sent = await b.outbox.enqueue({ idempotencyKey: 'k-card', target: { kind: 'conversation', conversationId: chat }, payload: { card, summary: 'Sag' } });
    await b.outbox.enqueue({
      idempotencyKey: 'k-card-update',
      target: { kind: 'conversation', conversationId: chat },
      operation: 'update',
      updates: sent.id,
      payload: { card: { ...card, body: [{ type: 'TextBlock', text: 'Taget' }] }, summary: 'Sag' },
    });
    await connector.waitFor((calls) => calls.some((c) => c.method === 'PUT'), 10_000);
    const original = await b.store.outbox.get(sent.id);
    const put = connector.calls.find((c) => c.method === 'PUT')!;
    expect(put.conversationId).toBe(chat);
    expect(put.activityId).toBe(original?.sent?.activityId);
    expect(put.body.attachments[0].content.body[0].text).toBe('Taget');
  });
});

describe('where the bot can reach people', () => {
  it('learns a team\'s members when installed there, and reaches one who never wrote through a new 1:1 chat', async () => {
    const b = await bot();
    connector.setRoster([
      { id: ALEX.id, name: ALEX.name, aadObjectId: ALEX.aadObjectId },
      { id: MEGAN.id, name: MEGAN.name, aadObjectId: MEGAN.aadObjectId },
    ]);
    const install = { ...botAdded({ serviceUrl: connector.url, conversationType: 'channel', conversationId: '19:general@thread.tacv2' }) };
    expect((await b.post(install)).status).toBe(200);
    expect((await b.store.staff.get(megan))?.userId).toBe(MEGAN.id);
    const before = connector.calls.length;
    await b.outbox.enqueue({ idempotencyKey: 'k-roster', target: { kind: 'user', user: megan }, payload: { text: 'Hej Megan' } });
    await connector.waitFor((calls) => calls.some((c) => c.body?.text === 'Hej Megan'), 10_000);
    expect(connector.calls.slice(before).find((c) => c.path === '/v3/conversations')?.body.members).toEqual([{ id: MEGAN.id, name: MEGAN.name }]);
  });

  it('keeps a channel under its own id, not a reply thread\'s, and posts there as a new message', async () => {
    const b = await bot();
    const inThread = message('hjælp', { serviceUrl: connector.url, conversationType: 'channel', conversationId: '19:general@thread.tacv2;messageid=1700000000000' });
    await b.post(inThread);
    const stored = await b.store.conversations.get('19:general@thread.tacv2');
    expect(stored?.kind).toBe('channel');
    expect(await b.store.conversations.get(inThread.conversation.id)).toBeUndefined();
    await b.outbox.enqueue({ idempotencyKey: 'k-channel', target: { kind: 'conversation', conversationId: '19:general@thread.tacv2' }, payload: { text: 'Til kanalen' } });
    await connector.waitFor((calls) => calls.some((c) => c.body?.text === 'Til kanalen'), 10_000);
    const post = connector.calls.find((c) => c.body?.text === 'Til kanalen')!;
    expect(post.path).toBe(`/v3/conversations/${encodeURIComponent('19:general@thread.tacv2')}/activities`);
    expect(post.body.replyToId).toBeUndefined();
  });
});
