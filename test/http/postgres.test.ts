// The real bot on PostgreSQL (DATABASE_URL), as a child process: it migrates the database at start,
// answers over HTTP, keeps what a step stored across a restart, and a kill -9 mid-step leaves each
// direct referral whole or absent. Two instances on one database, behind a round-robin balancer as
// App Service's front end: every take race has one winner, a chat's messages run one at a time, and no
// proactive message is lost when an instance dies mid-send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/clock.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { execute, message, TENANT, type Who } from '../helpers/activities.js';
import { startChildBot, type ChildBot } from '../helpers/childBot.js';
import { failures, startConnector, type Connector } from '../helpers/connector.js';
import { startOpenIdStandIn, type OpenIdStandIn } from '../helpers/openid.js';
import { startTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { actionsOf } from '../helpers/cardView.js';
import { textsOf } from '../helpers/conversation.js';
import { startRoundRobin, type RoundRobin } from '../helpers/roundRobin.js';

const APP_ID = '66666666-6666-4666-8666-666666666669';
const ALEX: Who = { id: '29:alex-pg', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-000000000c01' };
const ADELE: Who = { id: '29:adele-pg', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-000000000c02' };
const CHANNEL = '19:pg-visitation@thread.tacv2';

let db: TestDatabase;
let openid: OpenIdStandIn;
let connector: Connector;
let dir: string;
beforeAll(async () => {
  [db, openid, connector] = await Promise.all([startTestDatabase(), startOpenIdStandIn(), startConnector()]);
  dir = mkdtempSync(path.join(tmpdir(), 'aa-pg-bot-'));
}, 60_000);
afterAll(async () => {
  await Promise.all([db?.stop(), openid?.close(), connector?.close()]);
  rmSync(dir, { recursive: true, force: true });
});


/** What the bots of a test share: their settings on `databaseUrl` with these people's roles, and how to reach them. */
function instances(databaseUrl: string, staff: [Who, string][], channel: string, extra: Record<string, string> = {}) {
  const roles = path.join(dir, `roles-${randomUUID()}.json`);
  writeFileSync(roles, JSON.stringify({ staff: staff.map(([who, role]) => ({ aadObjectId: who.aadObjectId, roles: [role] })) }));
  const env = { DATABASE_URL: databaseUrl, BOT_ID: APP_ID, BOT_PASSWORD: 'x', BOT_TENANT_ID: TENANT, BOT_OPENID_METADATA_URL: openid.metadataUrl, ROLES_FILE: roles, DATA_DIR: path.join(dir, 'unused'), ...extra };
  const token = openid.token({ aud: APP_ID, serviceUrl: connector.url });
  const post = (bot: { url: string }, activity: unknown) =>
    fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(activity) });
  const where = (from: Who, inChannel = false) => ({ serviceUrl: connector.url, from, ...(inChannel ? { conversationType: 'channel' as const, conversationId: `${channel};messageid=1` } : {}) });
  return { env, post, where };
}

describe('the bot on PostgreSQL', () => {
  it('migrates at start, answers, keeps a step across a restart, and each step is whole or absent after kill -9', async () => {
    const databaseUrl = await db.database();
    const { env, post, where } = instances(databaseUrl, [[ALEX, 'activityStaff'], [ADELE, 'visitator']], CHANNEL);
    const refer = (bot: ChildBot, cpr: string) => post(bot, execute('referral.createDirect', { cpr, name: 'Else Berg', askedBy: 'relative', reason: 'Isolerer sig' }, where(ALEX)));

    const first = await startChildBot(env, dir);
    try {
      expect((await (await fetch(`${first.url}/healthz`)).json()).store).toMatchObject({ status: 'ok' });
      for (const who of [ALEX, ADELE]) expect((await post(first, message('hej', where(who)))).status).toBe(200);
      expect((await post(first, message('sæt som visitationskanal', where(ADELE, true)))).status).toBe(200);
      const res = await refer(first, '120340-2222');
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toContain('V-');
      await connector.waitFor(() => connector.calls.some((c) => c.conversationId === CHANNEL && c.method === 'POST' && !!c.body?.attachments), 10_000);
    } finally {
      await first.stop();
    }
    expect(first.raw()).toBe('');

    // Killed with steps under way, then the data read straight from the database.
    const second = await startChildBot(env, dir);
    const steps = ['130340-2222', '140340-2222', '150340-2222', '160340-2222'].map((cpr) => refer(second, cpr).then((r) => r.status, () => 0));
    await new Promise((r) => setTimeout(r, 30));
    await second.kill();
    await Promise.all(steps);

    const store = await openPostgresStore({ connectionString: databaseUrl, clock: systemClock });
    try {
      const first = await store.citizens.findByCpr('1203402222');
      expect(first).toBeDefined();
      expect(await store.referrals.listByCitizen(first!.id)).toHaveLength(1);
      for (const cpr of ['1303402222', '1403402222', '1503402222', '1603402222']) {
        const citizen = await store.citizens.findByCpr(cpr);
        if (!citizen) continue;
        const referrals = await store.referrals.listByCitizen(citizen.id);
        expect(referrals).toHaveLength(1);
        expect((await store.audit.forCitizen(citizen.id)).filter((e) => e.action === 'create')).toHaveLength(2);
        expect(await store.outbox.listByTopic('referral.card', referrals[0]!.id)).toHaveLength(1);
      }
    } finally {
      await store.close();
    }
  }, 90_000);

  it('two instances behind a round-robin balancer: 50 take races, each with exactly one winner, and the loser is told', async () => {
    const databaseUrl = await db.database();
    const MEGAN: Who = { id: '29:megan-pg', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-000000000c03' };
    const { env, post, where } = instances(databaseUrl, [[ALEX, 'activityStaff'], [ADELE, 'visitator'], [MEGAN, 'visitator']], CHANNEL);
    const [a, b] = await Promise.all([startChildBot(env, dir), startChildBot(env, dir)]);
    const balancer = await startRoundRobin(() => [a.url, b.url]);
    const store = await openPostgresStore({ connectionString: databaseUrl, clock: systemClock, migrate: false });
    try {
      for (const who of [ALEX, ADELE, MEGAN]) expect((await post(balancer, message('hej', where(who)))).status).toBe(200);
      expect((await post(balancer, message('sæt som visitationskanal', where(ADELE, true)))).status).toBe(200);
      const RACES = 50;
      // Referrals made on both instances, side by side: case numbers from the database, never twice.
      const made = await Promise.all(
        Array.from({ length: RACES }, (_, i) =>
          post(balancer, execute('referral.createDirect', { cpr: `${String((i % 28) + 1).padStart(2, '0')}0${(i >> 5) + 4}40-3333`, name: `Borger ${i}`, askedBy: 'relative', reason: 'Isolerer sig' }, where(ALEX))).then((r) => r.status),
        ),
      );
      expect(made.every((s) => s === 200)).toBe(true);
      const open = await store.referrals.listOpen();
      expect(open).toHaveLength(RACES);
      expect(new Set(open.map((r) => r.caseNumber)).size).toBe(RACES);
      // Adele and Megan press "Tag sagen" at the same moment; the balancer sends one press to each instance.
      const answers = await Promise.all(
        open.map(async (r) => {
          const [x, y] = await Promise.all([post(balancer, execute('referral.take', { rid: r.id }, where(ADELE, true))), post(balancer, execute('referral.take', { rid: r.id }, where(MEGAN, true)))]);
          return { rid: r.id, statuses: [x.status, y.status], texts: [JSON.stringify(await x.json()), JSON.stringify(await y.json())] };
        }),
      );
      let conflicts = 0;
      for (const { rid, statuses, texts } of answers) {
        expect(statuses).toEqual([200, 200]);
        const taken = (await store.referrals.get(rid))!;
        expect(taken.status).toBe('taken');
        const winner = taken.holder!.aadObjectId === ADELE.aadObjectId ? 'Adele Vance' : 'Megan Bowen';
        expect([ADELE.aadObjectId, MEGAN.aadObjectId]).toContain(taken.holder!.aadObjectId);
        // One "taken" in the case history: the loser's attempt left nothing behind.
        expect((taken.data as { history: { action: string }[] }).history.filter((h) => h.action === 'taken')).toHaveLength(1);
        // Both cards say who has it.
        for (const t of texts) expect(t).toContain(`Taget af ${winner}`);
        conflicts += texts.filter((t) => t.includes('Nogen andre ændrede det samme')).length;
      }
      // Both instances took part.
      expect(balancer.served.filter((n) => n > 40)).toHaveLength(2);
      const failed = [...a.logs, ...b.logs].filter((l) => /"msg":"(turn failed|request failed)"/.test(l));
      expect(failed).toEqual([]);
      console.log(`two instances, round robin (${balancer.served.join(' + ')} requests): ${RACES} take races, ${RACES} winners, ${conflicts} answered with the conflict card (the rest: "already taken")`);
    } finally {
      await Promise.all([store.close(), balancer.close()]);
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(a.raw() + b.raw()).toBe('');
  }, 120_000);

  it('two instances behind a round-robin balancer: bursts of 20 messages in one chat run one at a time, as on one instance', async () => {
    const databaseUrl = await db.database();
    const { env, post } = instances(databaseUrl, [[ALEX, 'activityStaff']], CHANNEL);
    const [a, b] = await Promise.all([startChildBot(env, dir), startChildBot(env, dir)]);
    const balancer = await startRoundRobin(() => [a.url, b.url]);
    const store = await openPostgresStore({ connectionString: databaseUrl, clock: systemClock, migrate: false });
    try {
      for (let burst = 0; burst < 3; burst++) {
        const conversationId = `a:pg-messages-${burst}`;
        const here = { serviceUrl: connector.url, from: ALEX, conversationId };
        const replies = () => connector.calls.filter((c) => c.conversationId === conversationId && c.method === 'POST');
        // Twenty "ny screening" at once: the first starts a draft, every later one finds it and offers to go on.
        const statuses = await Promise.all(Array.from({ length: 20 }, () => post(balancer, message('ny screening', here)).then((r) => r.status)));
        expect(statuses).toEqual(Array(20).fill(200));
        await connector.waitFor(() => replies().filter((c) => c.outcome === 'accepted').length === 20, 10_000);
        const drafts = await store.screenings.draftsBy({ tenantId: TENANT, aadObjectId: ALEX.aadObjectId! });
        expect(drafts).toHaveLength(1);
        const cards = replies().map((c) => JSON.stringify(c.body));
        // Seen once in CI (Node 24): 18 instead of 19, with 1 draft; the message names what the other replies were.
        const others = cards.filter((c) => !c.includes('Du har en påbegyndt screening'));
        expect(cards.filter((c) => c.includes('Du har en påbegyndt screening')), `burst ${burst}, the other replies: ${others.map((c) => c.slice(0, 400)).join(' | ')}`).toHaveLength(19);
        // Gone again, for the next burst.
        await store.screenings.delete(drafts[0]!.id);
      }
      expect(balancer.served.filter((n) => n >= 20)).toHaveLength(2);
      const failed = [...a.logs, ...b.logs].filter((l) => /"msg":"(turn failed|request failed)"/.test(l));
      expect(failed).toEqual([]);
      console.log(`two instances, round robin (${balancer.served.join(' + ')} requests): 3 bursts of 20 "ny screening" in one chat, 1 draft each, 19 offered to go on, 0 failed`);
    } finally {
      await Promise.all([store.close(), balancer.close()]);
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 120_000);

  it('two instances on one database: channel cards with the connector failing and the sending instance killed mid-send: none lost, in order, one duplicate', async () => {
    const databaseUrl = await db.database();
    const CHANNEL2 = '19:pg-outbox@thread.tacv2';
    // A short send timeout, so the dead instance's claims (the timeout x 5, and 5 s) run out in seconds.
    const { env, post, where } = instances(databaseUrl, [[ALEX, 'activityStaff'], [ADELE, 'visitator']], CHANNEL2, { OUTBOX_SEND_TIMEOUT_MS: '300', OUTBOX_RETRY_BASE_MS: '100' });
    const refer = (bot: { url: string }, i: number) => post(bot, execute('referral.createDirect', { cpr: `${String(i + 1).padStart(2, '0')}0540-4444`, name: `Borger ${i}`, askedBy: 'relative', reason: 'Isolerer sig' }, where(ALEX)));
    const cardPosts = () => connector.calls.filter((c) => c.conversationId === CHANNEL2 && c.method === 'POST' && c.body?.attachments);
    const caseOf = (c: { body: any }) => /V-\d{4}-\d{4}/.exec(JSON.stringify(c.body))?.[0];

    const [a, b] = await Promise.all([startChildBot(env, dir), startChildBot(env, dir)]);
    const balancer = await startRoundRobin(() => [a.url, b.url]);
    const store = await openPostgresStore({ connectionString: databaseUrl, clock: systemClock, migrate: false });
    try {
      for (const who of [ALEX, ADELE]) expect((await post(a, message('hej', where(who)))).status).toBe(200);
      expect((await post(a, message('sæt som visitationskanal', where(ADELE, true)))).status).toBe(200);
      // The first card reaches Teams and the answer never comes back to A, which dies.
      const release = connector.hold((c) => c.conversationId === CHANNEL2 && c.method === 'POST' && !!c.body?.attachments);
      for (let i = 0; i < 6; i++) expect((await refer(a, i)).status).toBe(200);
      await connector.waitFor(() => cardPosts().length === 1, 10_000);
      await a.kill();
      release();
      await connector.waitFor(() => cardPosts()[0]?.outcome === 'accepted', 5_000);
      // Teams answers 503 twice more; B carries on: the balancer finds A gone and sends every request to B,
      // and a referral made on B wakes its worker.
      connector.failNext((c) => c.conversationId === CHANNEL2 && c.method === 'POST', failures.serverError(503), 2);
      for (let i = 6; i < 9; i++) expect((await refer(balancer, i)).status).toBe(200);
      expect(balancer.served).toEqual([undefined, 3]);
      const referrals = await store.referrals.listOpen();
      expect(referrals).toHaveLength(9);
      await connector.waitFor(() => new Set(cardPosts().filter((c) => c.outcome === 'accepted').map(caseOf)).size === 9, 40_000);
      const accepted = cardPosts().filter((c) => c.outcome === 'accepted' || c.outcome === 'lost');
      const firstShown: string[] = [];
      for (const c of accepted) if (!firstShown.includes(caseOf(c)!)) firstShown.push(caseOf(c)!);
      // In the order they were queued (the case numbers were handed out in that order, one instance at a time).
      const queued = (await Promise.all(referrals.map(async (r) => ({ caseNumber: r.caseNumber, at: (await store.outbox.listByTopic('referral.card', r.id))[0]!.createdAt }))))
        .sort((x, y) => x.at.localeCompare(y.at) || x.caseNumber.localeCompare(y.caseNumber))
        .map((x) => x.caseNumber);
      expect(firstShown).toEqual(queued);
      const duplicated = accepted.length - 9;
      expect({ messages: 9, lost: 0, duplicated }).toEqual({ messages: 9, lost: 0, duplicated: 1 });
      expect(b.logs.filter((l) => /"msg":"(turn failed|request failed|outbox worker failed)"/.test(l))).toEqual([]);
      console.log(`two instances, outbox (A killed; the balancer sent the rest to B): 9 channel cards, 0 lost, ${duplicated} duplicated (the one in flight when A died), ${cardPosts().filter((c) => c.outcome === 'refused').length} refused by Teams and retried`);
    } finally {
      await Promise.all([store.close(), balancer.close()]);
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 120_000);

  it('two instances behind a round-robin balancer: a burst of 20 presses on one screening card: every press answered, none of the answered changes lost', async () => {
    const databaseUrl = await db.database();
    const { env, post } = instances(databaseUrl, [[ALEX, 'activityStaff']], CHANNEL);
    const here = { serviceUrl: connector.url, from: ALEX, conversationId: 'a:pg-burst' };
    /** The data of the button `verb` on a card in an invoke's answer (either card mode). */
    const buttonData = (card: unknown, verb: string): Record<string, unknown> => {
      const action = actionsOf(card).find((x) => x.verb === verb);
      if (!action) throw new Error(`no ${verb} on the card: ${textsOf(card).join(' | ')}`);
      return action.data ?? {};
    };
    const press = async (bot: { url: string }, verb: string, data: Record<string, unknown>) => {
      const res = await post(bot, execute(verb, data, here));
      return { status: res.status, card: ((await res.json()) as { value?: unknown })?.value };
    };
    const [a, b] = await Promise.all([startChildBot(env, dir), startChildBot(env, dir)]);
    const balancer = await startRoundRobin(() => [a.url, b.url]);
    const store = await openPostgresStore({ connectionString: databaseUrl, clock: systemClock, migrate: false });
    try {
      expect((await post(a, message('hej', here))).status).toBe(200);
      const start = await press(a, 'screening.start', {});
      const step2 = await press(b, 'screening.submit', { ...buttonData(start.card, 'screening.submit'), cpr: '170340-1555', name: 'Karen Holm', livesAtHome: 'yes', specialStaff: 'no' });
      const ref = buttonData(step2.card, 'screening.add');
      // Twenty presses of "Tilføj" from the same card, at once, through the balancer to both instances.
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => press(balancer, 'screening.add', { ...ref, activity: `Aktivitet ${i}`, subArea: 'activeRecreation', importance: '7' }).then((r) => ({ i, ...r }))),
      );
      expect(answers.map((x) => x.status)).toEqual(Array(20).fill(200));
      const draft = (await store.screenings.get(String(ref.sid)))!;
      const stored = ((draft.data as { problems?: { activity: string }[] }).problems ?? []).map((p) => p.activity);
      // Answered as added: the answer's card lists it and is not the "older step" notice.
      const added = answers.filter((x) => JSON.stringify(x.card).includes(`Aktivitet ${x.i}`) && !JSON.stringify(x.card).includes('ældre trin')).map((x) => `Aktivitet ${x.i}`);
      expect(added.length).toBeGreaterThan(0);
      expect(added.filter((x) => !stored.includes(x))).toEqual([]); // no lost update
      expect(stored.filter((x) => !added.includes(x))).toEqual([]); // nothing stored that was not answered
      const failed = [...a.logs, ...b.logs].filter((l) => /"msg":"(turn failed|request failed)"/.test(l));
      expect(failed).toEqual([]);
      expect(balancer.served).toEqual([10, 10]);
      console.log(`two instances, round robin, burst: 20 presses on one card, ${added.length} added and stored, ${20 - added.length} told the card was old or changed, 0 lost`);
    } finally {
      await Promise.all([store.close(), balancer.close()]);
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 120_000);
});
