// The bot killed (-9) in the middle of posting a channel card, as a child process: the post had
// reached Teams, the answer never came back. Started again on the same data, it waits for the dead
// worker's claim to run out, then sends the card again: never lost, shown at most twice.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execute, message, TENANT, type Who } from '../helpers/activities.js';
import { startChildBot, type ChildBot } from '../helpers/childBot.js';
import { startConnector, type Connector } from '../helpers/connector.js';
import { startOpenIdStandIn, type OpenIdStandIn } from '../helpers/openid.js';

const APP_ID = '66666666-6666-4666-8666-666666666667';
const ALEX: Who = { id: '29:alex-crash', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-000000000a01' };
const ADELE: Who = { id: '29:adele-crash', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-000000000a02' };
const CHANNEL = '19:crash-visitation@thread.tacv2';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('a bot that dies mid-post', () => {
  it('sends the card again after the claim runs out: 1 message, 0 lost, 1 duplicate', async () => {
    const openid: OpenIdStandIn = await startOpenIdStandIn();
    const connector: Connector = await startConnector();
    const dir = mkdtempSync(path.join(tmpdir(), 'aa-crash-'));
    cleanup.push(() => openid.close(), () => connector.close(), () => rmSync(dir, { recursive: true, force: true }));
    const roles = path.join(dir, 'roles.json');
    writeFileSync(roles, JSON.stringify({ staff: [{ aadObjectId: ALEX.aadObjectId, roles: ['activityStaff'] }, { aadObjectId: ADELE.aadObjectId, roles: ['visitator'] }] }));
    // A short send timeout, so the claim (the timeout, five times, and five seconds) runs out in seconds.
    const env = { DATA_DIR: path.join(dir, 'data'), BOT_ID: APP_ID, BOT_PASSWORD: 'x', BOT_TENANT_ID: TENANT, BOT_OPENID_METADATA_URL: openid.metadataUrl, ROLES_FILE: roles, OUTBOX_SEND_TIMEOUT_MS: '200' };
    const token = openid.token({ aud: APP_ID, serviceUrl: connector.url });
    const post = (bot: ChildBot, activity: unknown) =>
      fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(activity) });
    const where = (from: Who, channel = false) => ({ serviceUrl: connector.url, from, ...(channel ? { conversationType: 'channel' as const, conversationId: `${CHANNEL};messageid=1` } : {}) });
    const cardPosts = () => connector.calls.filter((c) => c.conversationId === CHANNEL && c.method === 'POST' && c.body?.attachments);

    const first = await startChildBot(env, dir);
    cleanup.push(() => first.stop());
    for (const who of [ALEX, ADELE]) expect((await post(first, message('hej', where(who)))).status).toBe(200);
    expect((await post(first, message('sæt som visitationskanal', where(ADELE, true)))).status).toBe(200);
    // Teams takes the card, and the bot dies before the answer comes back.
    const release = connector.hold((c) => c.conversationId === CHANNEL && c.method === 'POST' && !!c.body?.attachments);
    expect((await post(first, execute('referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig' }, where(ALEX)))).status).toBe(200);
    await connector.waitFor(() => cardPosts().length === 1, 10_000);
    await first.kill();
    release();
    await connector.waitFor(() => cardPosts()[0]?.outcome === 'accepted', 5_000);

    const t0 = Date.now();
    const second = await startChildBot(env, dir);
    cleanup.push(() => second.stop());
    await connector.waitFor(() => cardPosts().length === 2 && cardPosts()[1]!.outcome === 'accepted', 20_000);
    // Not before the dead worker's claim ran out (200 ms x 5 + 5 s), so a slow sender is not doubled.
    expect(Date.now() - t0).toBeGreaterThan(3_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const shown = cardPosts().filter((c) => c.outcome === 'accepted' || c.outcome === 'lost').length;
    expect({ messages: 1, lost: shown ? 0 : 1, duplicated: Math.max(0, shown - 1) }).toEqual({ messages: 1, lost: 0, duplicated: 1 });
    expect(second.logs.filter((l) => /"msg":"(turn failed|request failed|outbox worker failed)"/.test(l))).toEqual([]);
    expect(second.raw()).toBe('');
  }, 60_000);
});
