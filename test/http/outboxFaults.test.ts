// Proactive delivery under faults, against the Bot Connector stand-in: a conversation that hangs
// holds nobody else's messages and is tried again after the send timeout; a card and its update
// keep their order; a channel card given up after a 403 goes out again when the channel is set
// again; a post whose answer is lost is tried again (never lost, at most one duplicate); a message
// claimed by a worker that died is taken again when its claim runs out. Each test counts messages,
// losses and duplicates as Teams would show them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALEX, execute, MEGAN, message, TENANT, type Who } from '../helpers/activities.js';
import { TestClock } from '../helpers/clock.js';
import { failures, startConnector, type Connector, type ConnectorCall } from '../helpers/connector.js';
import { startTestBot, type TestBot } from '../helpers/server.js';
import { openStore } from '../../src/store/index.js';

let connector: Connector;
let dir: string;
const bots: TestBot[] = [];

beforeEach(async () => {
  connector = await startConnector();
  dir = mkdtempSync(path.join(tmpdir(), 'aa-faults-'));
});
afterEach(async () => {
  for (const b of bots.splice(0)) await b.close();
  await connector.close();
  rmSync(dir, { recursive: true, force: true });
});

async function bot(env: Record<string, string> = {}, options: Parameters<typeof startTestBot>[1] = {}) {
  const b = await startTestBot({ DATA_DIR: path.join(dir, 'data'), OUTBOX_RETRY_BASE_MS: '50', OUTBOX_SEND_TIMEOUT_MS: '500', ...env }, options);
  bots.push(b);
  return b;
}

const key = (w: Who) => ({ tenantId: TENANT, aadObjectId: w.aadObjectId });
const where = (from: Who) => ({ serviceUrl: connector.url, from });
const textOf = (c: ConnectorCall) => c.body?.text ?? c.body?.attachments?.[0]?.content?.body?.[0]?.text;

/** Messages as Teams would show them: how many of each text were accepted (answer lost or not). */
function shown(calls: ConnectorCall[], texts: string[]): { messages: number; lost: number; duplicated: number } {
  const counts = texts.map((t) => calls.filter((c) => c.method === 'POST' && textOf(c) === t && (c.outcome === 'accepted' || c.outcome === 'lost')).length);
  return { messages: texts.length, lost: counts.filter((n) => n === 0).length, duplicated: counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0) };
}

describe('a conversation that hangs', () => {
  it('holds nobody else\'s messages, is cut off after the send timeout, and is tried again', async () => {
    const b = await bot();
    for (const who of [ALEX, MEGAN]) await b.post(message('hej', where(who)));
    const alexChat = `personal-${ALEX.id}`;
    const meganChat = `personal-${MEGAN.id}`;
    const release = connector.hold((c) => c.method === 'POST' && c.conversationId === alexChat);
    const before = connector.calls.length;
    await b.outbox.enqueue({ idempotencyKey: 'hang-1', target: { kind: 'user', user: key(ALEX) }, payload: { text: 'Til Alex' } });
    const texts = Array.from({ length: 5 }, (_, i) => `Til Megan ${i}`);
    for (const text of texts) await b.outbox.enqueue({ idempotencyKey: text, target: { kind: 'user', user: key(MEGAN) }, payload: { text } });
    // Megan's five arrive while Alex's chat hangs (it used to hold every proactive message).
    await connector.waitFor((calls) => texts.every((t) => calls.some((c) => textOf(c) === t && c.outcome === 'accepted')), 5_000);
    // All five before Alex's message was even tried again: nothing waited for the hung conversation.
    const alexTries = () => connector.calls.filter((c) => textOf(c) === 'Til Alex');
    expect(alexTries()).toHaveLength(1);
    expect(connector.calls.slice(before).filter((c) => c.conversationId === meganChat && c.method === 'POST').map(textOf)).toEqual(texts); // in order
    // After the timeout Alex's message is tried again and arrives.
    await connector.waitFor((calls) => calls.filter((c) => textOf(c) === 'Til Alex' && c.outcome === 'accepted').length === 1, 5_000);
    await b.outbox.drained();
    expect(await b.store.outbox.findByIdempotencyKey('hang-1')).toMatchObject({ status: 'sent', attempts: 2, claim: undefined });
    release(); // Teams finally handles the hung post as well: that one shows twice
    await new Promise((r) => setTimeout(r, 100));
    expect(shown(connector.calls, ['Til Alex', ...texts])).toEqual({ messages: 6, lost: 0, duplicated: 1 });
  });

  it('sends to many conversations at once, up to OUTBOX_CONCURRENCY', async () => {
    const b = await bot({ OUTBOX_CONCURRENCY: '3', OUTBOX_SEND_TIMEOUT_MS: '2000' });
    const people: Who[] = Array.from({ length: 6 }, (_, i) => ({ id: `29:p${i}`, name: `P${i}`, aadObjectId: `00000000-0000-0000-0000-0000000001${String(i).padStart(2, '0')}` }));
    for (const who of people) await b.post(message('hej', where(who)));
    const releases = people.map((who) => connector.hold((c) => c.method === 'POST' && c.conversationId === `personal-${who.id}`));
    for (const who of people) await b.outbox.enqueue({ idempotencyKey: `many-${who.id}`, target: { kind: 'user', user: key(who) }, payload: { text: `Til ${who.name}` } });
    await connector.waitFor((calls) => calls.filter((c) => c.method === 'POST' && c.outcome === undefined).length === 3, 3_000);
    await new Promise((r) => setTimeout(r, 150));
    expect(connector.calls.filter((c) => c.method === 'POST' && c.outcome === undefined)).toHaveLength(3); // three at once, no more
    releases.forEach((r) => r());
    await connector.waitFor((calls) => people.every((p) => calls.some((c) => textOf(c) === `Til ${p.name}` && c.outcome === 'accepted')), 5_000);
    await b.outbox.drained();
    expect(shown(connector.calls, people.map((p) => `Til ${p.name}`))).toEqual({ messages: 6, lost: 0, duplicated: 0 });
  });
});

describe('order within a conversation', () => {
  it('a card, then its update: the PUT follows the POST even when the POST is slow', async () => {
    const b = await bot({ OUTBOX_SEND_TIMEOUT_MS: '3000' });
    await b.post(message('hej', where(ALEX)));
    const chat = `personal-${ALEX.id}`;
    const release = connector.hold((c) => c.method === 'POST' && c.conversationId === chat);
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Ny' }] };
    const sent = await b.outbox.enqueue({ idempotencyKey: 'ord-card', target: { kind: 'conversation', conversationId: chat }, payload: { card, summary: 'Sag' } });
    await b.outbox.enqueue({ idempotencyKey: 'ord-update', target: { kind: 'conversation', conversationId: chat }, operation: 'update', updates: sent.id, payload: { card: { ...card, body: [{ type: 'TextBlock', text: 'Taget' }] }, summary: 'Sag' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
    release();
    await connector.waitFor((calls) => calls.some((c) => c.method === 'PUT' && c.outcome === 'accepted'), 5_000);
    const post = connector.calls.findIndex((c) => c.method === 'POST' && c.conversationId === chat && c.body?.attachments);
    const put = connector.calls.findIndex((c) => c.method === 'PUT');
    expect(post).toBeLessThan(put);
    expect(connector.calls[put]!.activityId).toBe((await b.store.outbox.get(sent.id))!.sent!.activityId);
  });
});

describe('order after a retry', () => {
  it('a message that must be tried again holds the rest of its conversation behind it', async () => {
    const b = await bot({ OUTBOX_RETRY_BASE_MS: '200' });
    await b.post(message('hej', where(ALEX)));
    const chat = `personal-${ALEX.id}`;
    const before = connector.calls.length;
    connector.failNext((c) => c.method === 'POST' && c.conversationId === chat && textOf(c) === 'Første', failures.serverError(503));
    for (const text of ['Første', 'Anden', 'Tredje']) await b.outbox.enqueue({ idempotencyKey: `order-${text}`, target: { kind: 'user', user: key(ALEX) }, payload: { text } });
    await connector.waitFor((calls) => calls.slice(before).filter((c) => c.outcome === 'accepted').length === 3, 5_000);
    expect(connector.calls.slice(before).filter((c) => c.outcome === 'accepted').map(textOf)).toEqual(['Første', 'Anden', 'Tredje']);
    expect(connector.calls.slice(before).map((c) => `${textOf(c)} ${c.outcome}`)).toEqual(['Første refused', 'Første accepted', 'Anden accepted', 'Tredje accepted']);
  });
});

describe('a channel card given up after a 403', () => {
  const ADELE: Who = { id: '29:adele', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-000000000022' };
  const CHANNEL = '19:visitation@thread.tacv2';
  const inChannel = (from: Who) => ({ serviceUrl: connector.url, from, conversationType: 'channel' as const, conversationId: `${CHANNEL};messageid=1` });

  it('goes out again when the visitators\' channel is set again, and the answer says so truthfully', async () => {
    const roles = path.join(dir, 'roles.json');
    writeFileSync(roles, JSON.stringify({ staff: [{ aadObjectId: ALEX.aadObjectId, roles: ['activityStaff'] }, { aadObjectId: ADELE.aadObjectId, roles: ['visitator'] }] }));
    const b = await bot({ ROLES_FILE: roles });
    for (const who of [ALEX, ADELE]) await b.post(message('hej', where(who)));
    await b.post(message('sæt som visitationskanal', inChannel(ADELE)));
    // The bot was removed from the channel: its card is refused and given up, the referrer told.
    connector.failNext((c) => c.method === 'POST' && c.conversationId === CHANNEL, failures.notInRoster());
    await b.post(execute('referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig' }, where(ALEX)));
    await b.outbox.drained();
    const [referral] = await b.store.referrals.listOpen();
    expect((await b.store.outbox.listByTopic('referral.card', referral!.id))[0]).toMatchObject({ status: 'failed', lastError: { status: 403 } });
    expect(referral!.data).toMatchObject({ notified: false });
    // Added back, a visitator sets the channel again: the card goes out (it used to be silently kept as failed).
    const before = connector.calls.length;
    const answer = await b.post(message('sæt som visitationskanal', inChannel(ADELE)));
    expect(answer.status).toBe(200);
    await connector.waitFor((calls) => calls.slice(before).some((c) => c.conversationId === CHANNEL && c.method === 'POST' && c.body?.attachments && c.outcome === 'accepted'), 5_000);
    const said = connector.calls.slice(before).find((c) => c.conversationId === `${CHANNEL};messageid=1` && c.body?.text)!;
    expect(said.body.text).toContain('Kortet for en henvisning, der ventede, sendes nu hertil.');
    await b.outbox.drained();
    expect((await b.store.referrals.get(referral!.id))!.data).toMatchObject({ notified: true });
    // Set once more: nothing is waiting now, and the answer does not claim otherwise.
    const again = connector.calls.length;
    await b.post(message('sæt som visitationskanal', inChannel(ADELE)));
    const said2 = connector.calls.slice(again).find((c) => c.body?.text)!;
    expect(said2.body.text).toBe('Denne kanal er nu visitationskanal. Nye henvisninger vises her som kort uden personoplysninger.');
    const cards = connector.calls.filter((c) => c.conversationId === CHANNEL && c.method === 'POST' && c.body?.attachments);
    expect(cards.map((c) => c.outcome)).toEqual(['refused', 'accepted']);
  });
});

describe('a post whose answer is lost', () => {
  it('is tried again: never lost, shown at most twice', async () => {
    const b = await bot();
    await b.post(message('hej', where(ALEX)));
    const chat = `personal-${ALEX.id}`;
    connector.loseAnswer((c) => c.method === 'POST' && c.conversationId === chat, 1);
    const texts = ['Besked 1', 'Besked 2', 'Besked 3'];
    for (const text of texts) await b.outbox.enqueue({ idempotencyKey: text, target: { kind: 'user', user: key(ALEX) }, payload: { text } });
    await connector.waitFor((calls) => texts.every((t) => calls.some((c) => textOf(c) === t && c.outcome === 'accepted')), 5_000);
    await b.outbox.drained();
    for (const text of texts) expect((await b.store.outbox.findByIdempotencyKey(text))?.status).toBe('sent');
    expect(shown(connector.calls, texts)).toEqual({ messages: 3, lost: 0, duplicated: 1 });
  });
});

describe('a worker that died while sending', () => {
  it('leaves its claim to run out; the message is then taken and sent once', async () => {
    const clock = new TestClock('2026-11-22T10:00:00Z');
    const dataDir = path.join(dir, 'data');
    // The dead process's last act: it claimed a message and was gone before it could record anything.
    {
      const first = await bot({}, { clock });
      await first.post(message('hej', where(ALEX)));
      await first.close();
      bots.splice(bots.indexOf(first), 1);
      const store = await openStore(dataDir, clock);
      const now = clock.now().toISOString();
      await store.outbox.save({ id: 'm-dead', idempotencyKey: 'dead', target: { kind: 'user', user: key(ALEX) }, operation: 'send', payload: { text: 'Efter nedbrud' }, status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now });
      const [claimed] = await store.outbox.claimDue('dead-worker', clock.now(), 30_000, 10);
      expect(claimed).toMatchObject({ id: 'm-dead', claim: { worker: 'dead-worker' } });
      await store.close();
    }
    const second = await bot({}, { clock });
    await second.outbox.drained();
    expect(connector.calls.filter((c) => textOf(c) === 'Efter nedbrud')).toHaveLength(0); // the claim still holds
    clock.advance(30_001);
    await second.outbox.drained();
    expect(await second.store.outbox.get('m-dead')).toMatchObject({ status: 'sent', attempts: 1, claim: undefined });
    expect(shown(connector.calls, ['Efter nedbrud'])).toEqual({ messages: 1, lost: 0, duplicated: 0 });
  });
});
