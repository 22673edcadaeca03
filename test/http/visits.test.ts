// Visit coordination over HTTP with the Bot Connector stand-in: the colleague's coordination card
// is delivered proactively; when the colleague cannot be reached (403: no app yet) it waits in the
// outbox, the planner has already been told it is pending, and it arrives when the colleague next
// talks to the bot.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execute, MEGAN, message, TENANT, type Who } from '../helpers/activities.js';
import { failures, startConnector, type Connector } from '../helpers/connector.js';
import { actionsOf } from '../helpers/cardView.js';
import { pressOverHttp, startTestBot, type TestBot } from '../helpers/server.js';
import { DAY_MS } from '../helpers/clock.js';

const LEE: Who = { id: '29:lee', name: 'Lee Gu', aadObjectId: '00000000-0000-0000-0000-000000000023' };
let connector: Connector;
let dir: string;
let bot: TestBot;

beforeEach(async () => {
  connector = await startConnector();
  dir = mkdtempSync(path.join(tmpdir(), 'aa-visits-http-'));
  const roles = path.join(dir, 'roles.json');
  writeFileSync(roles, JSON.stringify({ staff: [
    { aadObjectId: MEGAN.aadObjectId, roles: ['dementiaCoordinator'] },
    { aadObjectId: LEE.aadObjectId, roles: ['preventiveVisitor'] },
  ] }));
  // Retries ten minutes apart: what arrives quickly arrives because the colleague talked to the bot.
  bot = await startTestBot({ DATA_DIR: path.join(dir, 'data'), ROLES_FILE: roles, OUTBOX_RETRY_BASE_MS: '600000' });
  for (const who of [MEGAN, LEE]) await bot.post(message('hej', { serviceUrl: connector.url, from: who }));
});
afterEach(async () => {
  await bot.close();
  await connector.close();
  rmSync(dir, { recursive: true, force: true });
});

const as = (from: Who) => ({ serviceUrl: connector.url, from });
const meganChat = `personal-${MEGAN.id}`;

async function overlap(): Promise<any> {
  for (const [who, service] of [[MEGAN, 'demens'], [LEE, 'forebyggende']] as const) {
    await bot.post(execute('visits.attach', { cpr: '010150-1234', name: 'Jens Hansen', service, purpose: 'Følges', reason: 'Koordinering' }, as(who)));
  }
  const citizen = (await bot.store.citizens.findByCpr('0101501234'))!;
  const day = new Date(bot.clock.now().getTime() + 3 * DAY_MS).toISOString().slice(0, 10);
  const later = new Date(bot.clock.now().getTime() + 5 * DAY_MS).toISOString().slice(0, 10);
  await bot.post(execute('visits.plan', { citizenId: citizen.id, date: day, time: '10:00', purpose: 'Demensopfølgning', openForJoint: 'yes' }, as(MEGAN)));
  const res = await pressOverHttp(bot, connector, 'visits.plan', { citizenId: citizen.id, date: later, time: '10:00', purpose: 'Forebyggende besøg', openForJoint: 'yes' }, as(LEE));
  return res.body.value;
}

describe('the coordination card', () => {
  it('reaches the colleague\'s personal chat as a card whose preview carries no names', async () => {
    const card = await overlap();
    const before = connector.calls.length;
    const res = await pressOverHttp(bot, connector, 'visits.coordinate', actionsOf(card).find((a: any) => a.verb === 'visits.coordinate').data, as(LEE));
    expect(JSON.stringify(res.body)).toContain('Jeg har spurgt Megan Bowen');
    await connector.waitFor((calls) => calls.slice(before).some((c) => c.conversationId === meganChat && c.body?.attachments), 10_000);
    const post = connector.calls.slice(before).find((c) => c.conversationId === meganChat && c.body?.attachments)!;
    expect(post.body.summary).toBe('En kollega vil koordinere et besøg');
    expect(JSON.stringify(post.body.attachments)).toContain('010150-xxxx');
    expect(JSON.stringify(post.body.attachments)).not.toContain('010150-1234');
    // A notice that names people ("Lee Gu er nu også tilknyttet Jens Hansen") goes as a card, so a
    // locked phone shows only the neutral summary, never the names in the text.
    const notice = connector.calls.find((c) => c.conversationId === meganChat && JSON.stringify(c.body ?? '').includes('er nu også tilknyttet'))!;
    expect(notice.body.text ?? '').not.toMatch(/Jens|Lee/);
    expect(notice.body.summary).toBe('Nyt fra en kollega om en borger');
  });

  it('waits in the outbox when the colleague cannot be reached (403), and arrives when she next writes to the bot', async () => {
    const card = await overlap();
    connector.failNext((c) => c.conversationId === meganChat && c.method === 'POST', failures.notInRoster(), 1);
    const res = await pressOverHttp(bot, connector, 'visits.coordinate', actionsOf(card).find((a: any) => a.verb === 'visits.coordinate').data, as(LEE));
    expect(JSON.stringify(res.body)).toContain('Besøget står som planlagt, indtil svaret kommer');
    await connector.waitFor((calls) => calls.some((c) => c.conversationId === meganChat && c.body?.attachments), 10_000);
    await new Promise((r) => setTimeout(r, 200));
    const waiting = (await bot.store.outbox.due(new Date(bot.clock.now().getTime() + 365 * DAY_MS))).find((m) => m.topic?.kind === 'visits.card' && m.payload.card);
    expect(waiting).toMatchObject({ status: 'pending', lastError: { status: 403, code: 'BotNotInConversationRoster' } });
    expect(Date.parse(waiting!.nextAttemptAt) - bot.clock.now().getTime()).toBeGreaterThan(5 * 60_000); // not for minutes
    // Megan has the app now (the stand-in stops refusing) and writes to the bot: the card is tried at once.
    const cardPosts = () => connector.calls.filter((c) => c.conversationId === meganChat && c.method === 'POST' && c.body?.summary === 'En kollega vil koordinere et besøg').length;
    expect(cardPosts()).toBe(1); // the refused one
    await bot.post(message('hej', as(MEGAN)));
    await connector.waitFor(() => cardPosts() === 2, 10_000);
    await bot.outbox.drained();
    expect((await bot.store.outbox.get(waiting!.id))!.status).toBe('sent');
  });
});
