// The teams-ai Application: routes Teams activities to flows and turns their replies into
// activities. With adapter.ts and turn.ts this folder is the only code that knows botbuilder.
import {
  ActivityTypes,
  CardFactory,
  INVOKE_RESPONSE_KEY,
  MemoryStorage,
  MessageFactory,
  type Activity,
  type Storage,
  type TurnContext,
} from 'botbuilder';
import { Application, TurnState, type TeamsAdapter } from '@microsoft/teams-ai';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { helpReply, onText, openFlow, staleCardReply } from '../flows/help.js';
import { FLOWS, type Reply, type Turn } from '../flows/types.js';
import { t } from '../i18n/index.js';
import { renderCard, type AdaptiveCardJson } from '../../cards/index.js';
import { createAdapter } from './adapter.js';
import { tenantOf, turnOf } from './turn.js';

export interface BotOptions {
  config: Config;
  log: Logger;
  storage?: Storage;
  /** Offline tests only: the token source for outgoing calls (see adapter.ts). */
  credentialsFactory?: ServiceClientCredentialsFactory;
}

export interface Bot {
  app: Application<TurnState>;
  adapter: TeamsAdapter;
  /** The restify handler for POST /api/messages (JWT checked by the adapter, then the tenant). */
  handleRequest(req: unknown, res: HttpResponse): Promise<void>;
}

export interface HttpResponse {
  status(code: number): unknown;
  send(body?: unknown): unknown;
  header(name: string, value: unknown): unknown;
  end(): unknown;
}

/** What an Action.Execute invoke carries; anything else is a stale or forged card. */
const ExecuteValue = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(100),
    data: z.record(z.unknown()).optional(),
  }),
});
const OpenFlowData = z.object({ flow: z.enum(FLOWS) });

export function createBot(options: BotOptions): Bot {
  const { config, log } = options;
  const adapter = createAdapter(config, options.credentialsFactory);
  const botId = config.credentials?.appId;

  adapter.onTurnError = async (context, error) => {
    log.error('turn failed', { err: error, activityType: context.activity.type, conversationType: context.activity.conversation?.conversationType });
    const turn = turnOf(context.activity, botId);
    try {
      if (context.activity.type === ActivityTypes.Invoke) {
        if (!context.turnState.get(INVOKE_RESPONSE_KEY)) await sendInvokeCard(context, errorCard(turn));
      } else if (context.activity.type === ActivityTypes.Message) {
        await context.sendActivity(t(turn.lang, 'error.turn'));
      }
    } catch (sendError) {
      log.warn('could not tell the user about a failed turn', { err: sendError });
    }
  };

  const app = new Application<TurnState>({
    adapter,
    botAppId: botId ?? '',
    storage: options.storage ?? new MemoryStorage(),
    startTypingTimer: false,
    removeRecipientMention: true,
  });

  // Installed in a personal chat, a team or a group chat: introduce ourselves once.
  app.conversationUpdate('membersAdded', async (context) => {
    const botWasAdded = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient.id);
    if (botWasAdded) await send(context, [helpReply(turnOf(context.activity, botId))]);
  });

  // Every Action.Execute from our cards: validate the payload, then dispatch on the verb.
  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === 'adaptiveCard/action',
    async (context) => {
      const turn = turnOf(context.activity, botId);
      await sendInvokeCard(context, executeAction(turn, context.activity.value).card);
    },
    true,
  );

  app.activity(ActivityTypes.Message, async (context) => {
    const turn = turnOf(context.activity, botId);
    const text = context.activity.text;
    // A message with a value and no text is an Action.Submit from an old card: we only use Action.Execute.
    if (!text && context.activity.value) return send(context, [staleCardReply(turn)]);
    await send(context, onText(turn, text));
  });

  const handleRequest = async (req: unknown, res: HttpResponse): Promise<void> => {
    let rejectedTenant: string | undefined;
    // The adapter validates the JWT before our logic runs; only then do we look at the tenant,
    // so a rejected tenant is a 403 only for callers that proved they are the Bot Connector.
    const guarded: HttpResponse = {
      status: (code: number) => res.status(rejectedTenant !== undefined && code < 400 ? 403 : code),
      send: (body?: unknown) => (rejectedTenant !== undefined ? res.send({ error: 'tenant_not_allowed' }) : res.send(body)),
      header: (name: string, value: unknown) => res.header(name, value),
      end: () => res.end(),
    };
    await adapter.process(req as never, guarded as never, async (context) => {
      const tenant = tenantOf(context.activity);
      if (config.allowedTenants && (!tenant || !config.allowedTenants.includes(tenant))) {
        rejectedTenant = tenant ?? '';
        log.warn('activity from a tenant that is not allowed was rejected', { tenant: tenant ?? null, activityType: context.activity.type });
        if (context.activity.type === ActivityTypes.Invoke) {
          await context.sendActivity({ type: 'invokeResponse', value: { status: 403 } });
        }
        return;
      }
      await app.run(context);
    });
  };

  return { app, adapter, handleRequest };
}

function executeAction(turn: Turn, value: unknown): Reply & { kind: 'card' } {
  const parsed = ExecuteValue.safeParse(value);
  if (!parsed.success) return staleCardReply(turn);
  const { verb, data } = parsed.data.action;
  switch (verb) {
    case 'help.show':
      return helpReply(turn);
    case 'flow.open': {
      const flow = OpenFlowData.safeParse(data ?? {});
      return flow.success ? openFlow(turn, flow.data.flow) : staleCardReply(turn);
    }
    default:
      return staleCardReply(turn);
  }
}

function errorCard(turn: Turn): AdaptiveCardJson {
  return renderCard('notice', {
    title: t(turn.lang, 'app.name'),
    lines: [t(turn.lang, 'error.turn')],
    actions: [{ kind: 'execute', title: t(turn.lang, 'common.showHelp'), verb: 'help.show', data: {} }],
  });
}

async function sendInvokeCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await context.sendActivity({
    type: 'invokeResponse',
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } },
  });
}

function toActivity(reply: Reply): Partial<Activity> {
  if (reply.kind === 'text') return MessageFactory.text(reply.text);
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(reply.card));
  // Teams shows `summary` in notifications and the chat list instead of the card: keep it free of personal data.
  activity.summary = reply.summary;
  return activity;
}

async function send(context: TurnContext, replies: Reply[]): Promise<void> {
  for (const reply of replies) await context.sendActivity(toActivity(reply));
}
