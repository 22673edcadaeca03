// Starts the real bot (config -> Teams layer -> restify) in this process on a free port, with its
// own temporary DATA_DIR, and captures its log lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import type { StartOptions } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import { start, type Started } from '../../src/main.js';
import { execute, submitted, type Where } from './activities.js';
import { cardActionsEnv, executeView } from './cardView.js';
import type { Connector } from './connector.js';

export interface TestBot extends Started {
  url: string;
  dataDir: string;
  logs: string[];
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startTestBot(env: Record<string, string> = {}, options: Pick<StartOptions, 'credentialsFactory' | 'extend' | 'clock'> = {}): Promise<TestBot> {
  const dataDir = env.DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'aa-test-'));
  const logs: string[] = [];
  const started = await start({ PORT: '0', DATA_DIR: dataDir, ...cardActionsEnv(), ...env }, { log: createLogger('debug', (l) => logs.push(l)), ...options });
  const url = started.server.url;
  return {
    ...started,
    url,
    dataDir,
    logs,
    async post(body, headers = {}) {
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      // An invoke's card, read as verb and data however its buttons travel (CARD_ACTIONS).
      if (parsed?.type === 'application/vnd.microsoft.card.adaptive' && parsed.value) parsed = { ...parsed, value: executeView(parsed.value) };
      return { status: res.status, body: parsed };
    },
    async close() {
      await started.stop().catch(() => undefined);
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Outgoing calls carry this token instead of one from Entra ID (unreachable offline). */
export function staticTokenFactory(appId: string, token = 'test-outbound-token'): ServiceClientCredentialsFactory {
  return {
    isValidAppId: async (id: string) => id === appId,
    isAuthenticationDisabled: async () => false,
    createCredentials: async () => ({
      signRequest: async (request: any) => {
        request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    }),
  } as unknown as ServiceClientCredentialsFactory;
}

/**
 * Press a card button over HTTP the way this run's cards send it (CARD_ACTIONS): Action.Execute is an
 * invoke answered in the HTTP response; Action.Submit is a message whose answer replaces the card
 * (a PUT to the Bot Connector on the card's activity). Either way: the status and the card shown.
 */
export async function pressOverHttp(
  bot: TestBot,
  connector: Connector,
  verb: string,
  data: Record<string, unknown>,
  where: Where & { replyToId?: string },
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  if (bot.config.cardActions === 'execute') return bot.post(execute(verb, data, where), headers);
  const replyToId = where.replyToId ?? `card-${Math.random().toString(36).slice(2)}`;
  const before = connector.calls.length;
  const res = await bot.post(submitted(verb, data, { ...where, replyToId }), headers);
  if (res.status !== 200) return res;
  await connector.waitFor((calls) => calls.slice(before).some((c) => c.method === 'PUT' && c.activityId === replyToId), 10_000);
  const put = connector.calls.slice(before).find((c) => c.method === 'PUT' && c.activityId === replyToId)!;
  const card = put.body?.attachments?.[0]?.content;
  return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: executeView(card) } };
}
