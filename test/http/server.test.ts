// HTTP round trips through the real restify server and TeamsAdapter, replies captured on a local
// Bot Connector stand-in: local mode, health, malformed bodies, size limit, graceful stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { ALEX, execute, message } from '../helpers/activities.js';
import { startConnector, type Connector } from '../helpers/connector.js';
import { startTestBot, type TestBot } from '../helpers/server.js';

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

describe('local mode over HTTP', () => {
  it('answers "hjælp" with the help card, posted to the Bot Connector as a reply', async () => {
    const before = connector.calls.length;
    const activity = message('hjælp', { serviceUrl: connector.url });
    const res = await bot.post(activity);
    expect(res.status).toBe(200);
    const calls = connector.calls.slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.path).toBe(`/v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities/${activity.id}`);
    const card = calls[0]!.body.attachments[0];
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content.body[0].text).toBe('Aktiv Assistent');
    expect(calls[0]!.body.summary).toBe('Aktiv Assistent: hvad jeg kan hjælpe med');
  });

  it('answers an Action.Execute in the HTTP response, with nothing posted to the connector', async () => {
    const before = connector.calls.length;
    const res = await bot.post(execute('help.show', {}, { serviceUrl: connector.url, locale: 'en-US' }));
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(res.body.value)).toContain('"title":"Ny screening"'); // Danish, though the client says en-US
    expect(connector.calls.length).toBe(before);
  });

  it('reports health with the version and store status', async () => {
    const res = await fetch(`${bot.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), store: { status: 'ok' } });
  });

  it('creates DATA_DIR readable by its owner only', () => {
    expect(statSync(bot.dataDir).mode & 0o777).toBe(0o700);
  });
});

describe('malformed requests', () => {
  it('rejects broken JSON with 400', async () => {
    const res = await bot.post('{"type": "message", ');
    expect(res.status).toBe(400);
  });

  it('rejects JSON that is not an activity with 400 and says what is missing', async () => {
    const res = await bot.post({ hello: 'world' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/type.*serviceUrl.*conversation/);
  });

  it('rejects an activity whose serviceUrl is not a URL', async () => {
    const res = await bot.post({ ...message('hjælp', { serviceUrl: connector.url }), serviceUrl: 'not a url' });
    expect(res.status).toBe(400);
  });

  it('rejects a body over the size limit with 413 and sends nothing', async () => {
    const before = connector.calls.length;
    const res = await bot.post(message('x'.repeat(70_000), { serviceUrl: connector.url }));
    expect(res.status).toBe(413);
    expect(connector.calls.length).toBe(before);
  });

  it('answers GET on the messaging endpoint with 405, not a crash', async () => {
    const res = await fetch(`${bot.url}/api/messages`);
    expect([404, 405]).toContain(res.status);
  });

  it('never writes the message text to the log', async () => {
    await bot.post(message('CPR 010150-1234 Jens Hansen', { serviceUrl: connector.url }));
    expect(bot.logs.join('\n')).not.toMatch(/010150|Jens Hansen/);
  });
});

describe('graceful stop', () => {
  it('lets a turn in flight finish and deliver its reply, then stops taking requests', async () => {
    const slow = await startConnector();
    const b = await startTestBot();
    try {
      const release = slow.hold(() => true);
      const pending = b.post(message('hjælp', { serviceUrl: slow.url }));
      await slow.waitFor((calls) => calls.length === 1);
      let stopped = false;
      const stopping = b.stop().then(() => (stopped = true));
      await new Promise((r) => setTimeout(r, 200));
      expect(stopped).toBe(false); // still waiting for the turn in flight
      await expect(fetch(`${b.url}/healthz`)).rejects.toThrow(); // no new connections while stopping
      release();
      const res = await pending;
      expect(res.status).toBe(200);
      await stopping;
      expect(stopped).toBe(true);
      expect(slow.sent()).toHaveLength(1);
    } finally {
      await slow.close();
      await b.close();
    }
  });
});
