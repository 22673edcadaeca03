// The bot killed (-9) in the middle of multi-record steps, as a child process, again and again on the
// same data. A direct referral is one step that records the citizen, the referral, its case number,
// two audit entries and the channel card's outbox message. Started again, the store holds each step
// whole or not at all: never a citizen without their referral, a referral without its audit trail or
// its card, or a case number twice.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/clock.js';
import { openLowdbStore } from '../../src/store/lowdb/index.js';
import { execute, message, TENANT, type Who } from '../helpers/activities.js';
import { startChildBot, type ChildBot } from '../helpers/childBot.js';
import { startConnector, type Connector } from '../helpers/connector.js';
import { startOpenIdStandIn, type OpenIdStandIn } from '../helpers/openid.js';

const APP_ID = '66666666-6666-4666-8666-666666666668';
const ALEX: Who = { id: '29:alex-step', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-000000000b01' };
const ADELE: Who = { id: '29:adele-step', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-000000000b02' };
const CHANNEL = '19:step-crash@thread.tacv2';
const ROUNDS = 6;
const PER_ROUND = 6;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A distinct, valid CPR number (born 1940) for step `n`, with and without the dash. */
const cprOf = (n: number) => {
  const day = String((n % 28) + 1).padStart(2, '0');
  const month = String(Math.floor(n / 28) + 1).padStart(2, '0');
  return { typed: `${day}${month}40-2222`, digits: `${day}${month}402222` };
};

describe('a bot killed in the middle of a step', () => {
  it('keeps each direct referral whole or not at all, across six kills', async () => {
    const openid: OpenIdStandIn = await startOpenIdStandIn();
    const connector: Connector = await startConnector();
    const dir = mkdtempSync(path.join(tmpdir(), 'aa-step-crash-'));
    cleanup.push(() => openid.close(), () => connector.close(), () => rmSync(dir, { recursive: true, force: true }));
    const roles = path.join(dir, 'roles.json');
    writeFileSync(roles, JSON.stringify({ staff: [{ aadObjectId: ALEX.aadObjectId, roles: ['activityStaff'] }, { aadObjectId: ADELE.aadObjectId, roles: ['visitator'] }] }));
    const env = { DATA_DIR: path.join(dir, 'data'), BOT_ID: APP_ID, BOT_PASSWORD: 'x', BOT_TENANT_ID: TENANT, BOT_OPENID_METADATA_URL: openid.metadataUrl, ROLES_FILE: roles };
    const token = openid.token({ aud: APP_ID, serviceUrl: connector.url });
    const post = (bot: ChildBot, activity: unknown) =>
      fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(activity) });
    const where = (from: Who, channel = false) => ({ serviceUrl: connector.url, from, ...(channel ? { conversationType: 'channel' as const, conversationId: `${CHANNEL};messageid=1` } : {}) });

    const first = await startChildBot(env, dir);
    for (const who of [ALEX, ADELE]) expect((await post(first, message('hej', where(who)))).status).toBe(200);
    expect((await post(first, message('sæt som visitationskanal', where(ADELE, true)))).status).toBe(200);
    await first.stop();

    let answered = 0;
    let cutOff = 0;
    let n = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const bot = await startChildBot(env, dir);
      cleanup.push(() => bot.stop());
      let firstAnswer!: () => void;
      const oneAnswered = new Promise<void>((r) => (firstAnswer = r));
      const steps: Promise<unknown>[] = [];
      for (let i = 0; i < PER_ROUND; i++) {
        const { typed } = cprOf(n++);
        steps.push(
          post(bot, execute('referral.createDirect', { cpr: typed, name: `Borger ${n}`, askedBy: 'relative', reason: 'Isolerer sig' }, where(ALEX))).then(
            (res) => (res.status === 200 ? (answered++, firstAnswer()) : cutOff++),
            () => cutOff++,
          ),
        );
        // Staggered, so that when the kill comes some are done, some in the middle, some not begun.
        await new Promise((r) => setTimeout(r, 2));
      }
      await Promise.race([oneAnswered, new Promise((r) => setTimeout(r, 5_000))]);
      // Two more, and the kill right behind them: these are cut off for certain, wherever they got to.
      for (let i = 0; i < 2; i++) {
        const { typed } = cprOf(n++);
        steps.push(post(bot, execute('referral.createDirect', { cpr: typed, name: `Borger ${n}`, askedBy: 'relative', reason: 'Isolerer sig' }, where(ALEX))).then((res) => (res.status === 200 ? answered++ : cutOff++), () => cutOff++));
      }
      await new Promise((r) => setTimeout(r, round % 3));
      await bot.kill();
      await Promise.all(steps);
    }
    expect(answered + cutOff).toBe(ROUNDS * (PER_ROUND + 2));

    const store = await openLowdbStore(path.join(dir, 'data'), { clock: systemClock });
    cleanup.push(() => store.close());
    const whole: string[] = [];
    const none: string[] = [];
    const half: string[] = [];
    const caseNumbers: string[] = [];
    for (let i = 0; i < n; i++) {
      const { digits } = cprOf(i);
      const citizen = await store.citizens.findByCpr(digits);
      if (!citizen) {
        none.push(digits);
        continue;
      }
      const referrals = await store.referrals.listByCitizen(citizen.id);
      const trail = await store.audit.forCitizen(citizen.id);
      const cards = referrals.length === 1 ? await store.outbox.listByTopic('referral.card', referrals[0]!.id) : [];
      const complete = referrals.length === 1 && trail.filter((e) => e.action === 'create').length === 2 && cards.length === 1;
      (complete ? whole : half).push(digits);
      caseNumbers.push(...referrals.map((r) => r.caseNumber));
    }
    expect(half).toEqual([]);
    // Every step the bot answered is there; the rest are there whole or not at all.
    expect(whole.length).toBeGreaterThanOrEqual(answered);
    expect(whole.length + none.length).toBe(n);
    expect(new Set(caseNumbers).size).toBe(caseNumbers.length);
    // The kills did come in the middle of things: some steps were cut off.
    expect(cutOff).toBeGreaterThan(0);
    console.log(`stepCrash: ${n} direct referrals, ${ROUNDS} kills: ${answered} answered, ${cutOff} cut off; stored whole ${whole.length}, none ${none.length}, half 0`);
  }, 120_000);
});
