// With credentials, every request must carry a valid Bot Framework JWT. Microsoft's signing keys are
// replaced by a local OpenID stand-in, so a correctly signed token passes and anything else is 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, message, OTHER_TENANT, TENANT } from '../helpers/activities.js';
import { startConnector, type Connector } from '../helpers/connector.js';
import { startOpenIdStandIn, type OpenIdStandIn } from '../helpers/openid.js';
import { startTestBot, staticTokenFactory, type TestBot } from '../helpers/server.js';

const APP_ID = '44444444-4444-4444-8444-444444444444';
const OTHER_APP = '55555555-5555-4555-8555-555555555555';

let openid: OpenIdStandIn;
let connector: Connector;
let bot: TestBot;

beforeAll(async () => {
  openid = await startOpenIdStandIn();
  connector = await startConnector();
  bot = await startTestBot(
    {
      BOT_ID: APP_ID,
      BOT_PASSWORD: 'not-a-real-secret',
      BOT_TENANT_ID: TENANT,
      BOT_OPENID_METADATA_URL: openid.metadataUrl,
      ALLOWED_TENANTS: TENANT,
    },
    { credentialsFactory: staticTokenFactory(APP_ID) },
  );
});
afterAll(async () => {
  await bot?.close();
  await connector?.close();
  await openid?.close();
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('Bot Framework JWT', () => {
  it('lets a correctly signed token through: the reply reaches the connector with the bot\'s own token', async () => {
    const before = connector.calls.length;
    const activity = message('hjælp', { serviceUrl: connector.url });
    const res = await bot.post(activity, bearer(openid.token({ aud: APP_ID, serviceUrl: connector.url })));
    expect(res.status).toBe(200);
    const calls = connector.calls.slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers.authorization).toBe('Bearer test-outbound-token');
    expect(calls[0]!.body.attachments[0].content.body[0].text).toBe('Aktiv Assistent');
  });

  it('answers a card button with a valid token', async () => {
    const res = await bot.post(
      execute('help.show', {}, { serviceUrl: connector.url }),
      bearer(openid.token({ aud: APP_ID, serviceUrl: connector.url })),
    );
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
  });

  const refused: [string, () => Record<string, string>][] = [
    ['no Authorization header', () => ({})],
    ['a token signed with a key Microsoft does not publish (forged)', () => bearer(openid.token({ aud: APP_ID, serviceUrl: connector.url }, { key: openid.foreignKey }))],
    ['a token for another bot (audience)', () => bearer(openid.token({ aud: OTHER_APP, serviceUrl: connector.url }))],
    ['an expired token', () => bearer(openid.token({ aud: APP_ID, serviceUrl: connector.url }, { expiresInSeconds: -600 }))],
    ['a token issued for another service URL', () => bearer(openid.token({ aud: APP_ID, serviceUrl: 'https://evil.example/' }))],
    ['a token with an unknown key id', () => bearer(openid.token({ aud: APP_ID, serviceUrl: connector.url }, { kid: 'unknown' }))],
    ['a string that is not a JWT', () => bearer('hello')],
  ];

  it.each(refused)('refuses %s with 401 and does nothing', async (_name, headers) => {
    const before = connector.calls.length;
    const res = await bot.post(message('hjælp', { serviceUrl: connector.url }), headers());
    expect(res.status).toBe(401);
    expect(connector.calls.length).toBe(before);
  });
});

describe('ALLOWED_TENANTS', () => {
  it('rejects a message from another tenant with 403 and sends nothing, even with a valid token', async () => {
    const before = connector.calls.length;
    const res = await bot.post(
      message('hjælp', { serviceUrl: connector.url, tenantId: OTHER_TENANT }),
      bearer(openid.token({ aud: APP_ID, serviceUrl: connector.url })),
    );
    expect(res.status).toBe(403);
    expect(connector.calls.length).toBe(before);
    expect(bot.logs.some((l) => l.includes('tenant that is not allowed'))).toBe(true);
  });

  it('rejects a card action from another tenant with 403', async () => {
    const res = await bot.post(
      execute('help.show', {}, { serviceUrl: connector.url, tenantId: OTHER_TENANT }),
      bearer(openid.token({ aud: APP_ID, serviceUrl: connector.url })),
    );
    expect(res.status).toBe(403);
  });

  it('checks the token before the tenant: a bad token from another tenant is 401', async () => {
    const res = await bot.post(message('hjælp', { serviceUrl: connector.url, tenantId: OTHER_TENANT }), {});
    expect(res.status).toBe(401);
  });
});
