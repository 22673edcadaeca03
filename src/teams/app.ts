// The teams-ai Application: routes Teams activities to flows and turns their replies into
// activities. With the other files in this folder it is the only code that knows botbuilder.
import { ActivityTypes, INVOKE_RESPONSE_KEY, TeamsInfo, type Activity, type ChannelAccount, type TurnContext } from 'botbuilder';
import { Application, TurnState, type TeamsAdapter } from '@microsoft/teams-ai';
import { AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ActivityBody } from '../http/activity.js';
import type { Logger } from '../log.js';
import { conflictAnswer, listenForReferralCards, textHandler, verbHandler } from '../flows/index.js';
import { helpReply } from '../flows/help/index.js';
import { notice, staleCardReply } from '../flows/shared/replies.js';
import type { ExecuteResult, Reply, Services, Turn } from '../flows/types.js';
import { Referrals } from '../services/referrals.js';
import { t } from '../i18n/index.js';
import type { Directory } from '../services/directory.js';
import type { Outbox } from '../services/outbox.js';
import { isConflict, type StaffMember, type Store } from '../store/index.js';
import { authenticate, processAuthenticated } from './adapter.js';
import { forClient, submittedPress, type CardActionMode } from './cardActions.js';
import { activityOf, rememberConversation, staffKeyOf } from './proactive.js';
import { answerFileConsent, offerFile } from './files.js';
import { KeyedSerializer } from './serial.js';
import { DEFAULT_LEASE, withLease, type LeaseOptions, type LeaseStats } from '../store/lease.js';
import { StoreStorage } from './turnStorage.js';
import { localeOf, scopeOf, tenantOf, turnOf } from './turn.js';

export interface BotOptions {
  config: Config;
  log: Logger;
  store: Store;
  directory: Directory;
  adapter: TeamsAdapter;
  rules: Services['rules'];
  outbox?: Outbox;
  /** Routes added before the bot's own (tests use it to observe turn state). */
  extend?: (app: Application<TurnState>) => void;
  clock: Clock;
  /** How long a turn's lease holds and waits (tests shorten it). */
  lease?: LeaseOptions;
}

export interface Bot {
  app: Application<TurnState>;
  adapter: TeamsAdapter;
  /** One turn: serialised per state key (in this process, and by a lease across instances), then the Application. HTTP and tests both come here. */
  run(context: TurnContext): Promise<void>;
  /** POST /api/messages after the edge's checks: the JWT, then the tenant, then the turn. */
  handle(activity: ActivityBody, authorization: string): Promise<{ status: number; body?: unknown }>;
  serializer: KeyedSerializer;
  /** Turns that waited for another instance's (or this one's) lease on their conversation or person. */
  leaseStats: LeaseStats;
  /** What the flows use; main runs the periodic jobs (follow-up reminders) with it. */
  services: Services;
}

/** Where the bookkeeping at the start of a turn leaves the person's record for the turn to read. */
const SEEN_MEMBER = Symbol('aktiv.seenMember');

/** What an Action.Execute invoke carries; anything else is a stale or forged card. */
const ExecuteValue = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(100),
    data: z.record(z.unknown()).optional(),
  }),
});
export function createBot(options: BotOptions): Bot {
  const { config, log, store, directory, adapter } = options;
  const botId = config.credentials?.appId;
  const mode: CardActionMode = config.cardActions;
  const services: Services = {
    store,
    directory,
    outbox: options.outbox,
    log,
    clock: options.clock,
    referrals: new Referrals(store, options.clock, log),
    rules: options.rules,
    localMode: !config.credentials,
    cardViews: { privateAnswers: config.cardActions === 'execute', refreshPerUser: !!config.credentials && config.cardActions === 'execute' },
  };
  listenForReferralCards(services);

  /** The replies in order; a file is kept for the person and offered with Teams' consent card (src/teams/files.ts). */
  const send = async (context: TurnContext, replies: Reply[], _mode: CardActionMode): Promise<void> => {
    for (const reply of replies) {
      if (reply.kind === 'file') {
        const owner = staffKeyOf(context.activity);
        if (owner) await offerFile(context, store, options.clock, owner, reply);
      } else await context.sendActivity(toActivity(reply, mode));
    }
  };

  /** The flows' view of this turn, with the person's roles from the directory. */
  const turnFor = async (context: TurnContext): Promise<Turn> => {
    const activity = context.activity;
    const staff = staffKeyOf(activity) ?? { tenantId: tenantOf(activity) ?? 'local', aadObjectId: activity.from?.id ?? '' };
    // The person's record as this turn's bookkeeping read it (one read a turn), if it did.
    const seen = context.turnState.get(SEEN_MEMBER) as StaffMember | undefined;
    const member = seen && seen.tenantId === staff.tenantId && seen.aadObjectId === staff.aadObjectId ? seen : undefined;
    const who = await directory.forTurn(staff, localeOf(activity), member);
    return turnOf(activity, botId, { staff, ...who });
  };

  /**
   * A handler's work as one transaction: what it changes is stored together, once, before anything
   * is sent (its answer after the commit; proactive messages by the outbox after it too). A second
   * record with a unique value (two people recording the same citizen at once) is tried again; a
   * record someone else changed meanwhile gives the person the conflict answer.
   */
  async function changing<R>(turn: Turn, work: () => Promise<R>, asAnswer: (answer: ExecuteResult) => R = (a) => a as R): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await store.transaction(work);
      } catch (err) {
        if (!isConflict(err)) throw err;
        log.info('a change met a conflict; nothing of it was saved', { kind: err.kind, collection: err.collection, attempt });
        if (err.kind === 'unique' && attempt < 3) continue;
        return asAnswer(await store.transaction(() => conflictAnswer(turn, services, err)));
      }
    }
  }

  adapter.onTurnError = async (context, error) => {
    log.error('turn failed', { err: error, activityType: context.activity.type, conversationType: context.activity.conversation?.conversationType });
    const lang = turnOf(context.activity, botId).lang;
    try {
      if (context.activity.type === ActivityTypes.Invoke) {
        if (!context.turnState.get(INVOKE_RESPONSE_KEY)) {
          const turn = turnOf(context.activity, botId);
          await sendInvokeCard(context, notice(turn, 'app.name', [t(lang, 'error.turn')], [{ kind: 'execute', title: t(lang, 'common.showHelp'), verb: 'help.show', data: {} }]).card, mode);
        }
      } else if (context.activity.type === ActivityTypes.Message) {
        await context.sendActivity(t(lang, 'error.turn'));
      }
    } catch (sendError) {
      log.warn('could not tell the user about a failed turn', { err: sendError });
    }
  };

  const app = new Application<TurnState>({
    adapter,
    botAppId: botId ?? '',
    storage: new StoreStorage(store),
    startTypingTimer: false,
    removeRecipientMention: true,
  });

  // Every turn: remember where this conversation is (for proactive messages) and who is talking.
  // Bookkeeping, written only when something changed: one transaction, so at most one durable write.
  app.turn('beforeTurn', async (context) => {
    await store.transaction(async () => {
      await rememberConversation(store, context.activity, options.clock);
      const staff = staffKeyOf(context.activity);
      if (staff && context.activity.from?.role !== 'bot') {
        const member = await directory.seen({ ...staff, userId: context.activity.from?.id, name: context.activity.from?.name, locale: localeOf(context.activity) });
        // Committed with this bookkeeping below; the turn's roles and language are read from it.
        store.afterCommit(() => context.turnState.set(SEEN_MEMBER, member));
        // Whatever waits for this person (a card they could not be reached with) is tried again now.
        await options.outbox?.retryNowFor(staff);
      }
    });
    return true;
  });

  options.extend?.(app);

  // Installed in a personal chat, a team or a group chat: introduce ourselves once, and learn who is
  // there, so the bot can open a 1:1 chat later with colleagues who never wrote to it.
  app.conversationUpdate('membersAdded', async (context) => {
    const added = context.activity.membersAdded ?? [];
    const botWasAdded = added.some((m) => m.id === context.activity.recipient.id);
    const tenantId = tenantOf(context.activity) ?? 'local';
    const people = botWasAdded && scopeOf(context.activity) !== 'personal' ? await rosterOf(context, log) : added.filter((m) => m.id !== context.activity.recipient.id);
    // Everyone in one transaction: one durable write for a whole team's roster.
    await store.transaction(async () => {
      for (const p of people) {
        if (p.aadObjectId) await directory.seen({ tenantId, aadObjectId: p.aadObjectId, userId: p.id, name: p.name });
      }
    });
    if (botWasAdded) await send(context, [helpReply(await turnFor(context))], mode);
  });

  // Every Action.Execute from our cards: validate the payload, check on the server, dispatch on the verb.
  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === 'adaptiveCard/action',
    async (context) => {
      const turn = await turnFor(context);
      const result = await changing(turn, () => execute(turn, services, context.activity.value));
      await sendInvokeCard(context, result.card, mode);
      if (result.also?.length) await send(context, result.also, mode);
    },
    true,
  );

  // The file consent card answered: upload the file to the person's OneDrive, or forget it.
  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === 'fileConsent/invoke',
    async (context) => {
      const turn = await turnFor(context);
      const outcome = await answerFileConsent(context, { store, clock: options.clock, log, uploadHosts: config.fileUploadHosts }, turn.staff);
      if (outcome !== 'uploaded') await context.sendActivity(t(turn.lang, `files.${outcome}`));
      await context.sendActivity({ type: 'invokeResponse', value: { status: 200 } });
    },
    true,
  );

  // Any other invoke (Teams may send ones for features this app does not declare): answered, not a 501.
  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke,
    async (context) => {
      log.debug('invoke not handled', { name: typeof context.activity.name === 'string' ? context.activity.name.slice(0, 64) : null });
      await context.sendActivity({ type: 'invokeResponse', value: { status: 200 } });
    },
    true,
  );

  app.activity(ActivityTypes.Message, async (context) => {
    const turn = await turnFor(context);
    const text = context.activity.text;
    // A message with a value and no text is an Action.Submit press: the same verb handlers and checks
    // as Action.Execute, and the card it came from is replaced in place.
    if (!text && context.activity.value !== undefined) {
      const press = submittedPress(context.activity.value);
      const handler = press ? verbHandler(press.verb) : undefined;
      const result = handler && press ? await changing(turn, () => handler(turn, services, press.data)) : { card: staleCardReply(turn).card };
      await replaceCard(context, result.card, mode);
      if (result.also?.length) await send(context, result.also, mode);
      return;
    }
    const replies = await changing(
      turn,
      () => textHandler(text)(turn, services),
      (answer): Reply[] => [{ kind: 'card', card: answer.card, summary: t(turn.lang, 'conflict.title') }],
    );
    return send(context, replies, mode);
  });

  const serializer = new KeyedSerializer();
  const leaseStats: LeaseStats = { waited: 0, waitedMs: 0, lost: 0 };
  const run = (context: TurnContext): Promise<void> => {
    const a = context.activity;
    // The same keys teams-ai stores conversation and user state under.
    const keys = [`${a.channelId}/${a.recipient?.id}/conversations/${a.conversation?.id}`, `${a.channelId}/${a.recipient?.id}/users/${a.from?.id}`];
    // In this process one after another (in order of arrival); across instances under a lease in the store.
    return serializer.run(keys, async () => {
      await withLease(store.leases, options.clock, keys, () => app.run(context), options.lease ?? DEFAULT_LEASE, leaseStats, (why) => log.warn(why, { activityType: a.type }));
    });
  };

  const handle = async (checked: ActivityBody, authorization: string): Promise<{ status: number; body?: unknown }> => {
    // Checked at the edge (src/http/activity.ts): every field the bot reads has its Teams type.
    const activity = checked as unknown as Activity;
    // The token first: only a caller that proved it is the Bot Connector gets any further.
    let auth: AuthenticateRequestResult;
    try {
      auth = await authenticate(adapter, activity, authorization);
    } catch (err) {
      if (!(err instanceof AuthenticationError)) throw err;
      // One line, the reason only: never the token, never botbuilder's stack trace.
      log.warn('request refused: token', { status: 401, reason: err.message.slice(0, 200) });
      return { status: 401, body: { error: 'unauthorized' } };
    }
    const tenant = tenantOf(activity);
    if (config.allowedTenants && !(tenant && config.allowedTenants.includes(tenant.toLowerCase()))) {
      log.warn('activity from a tenant that is not allowed was rejected', { tenant: tenant ?? null, activityType: activity.type });
      return { status: 403, body: { error: 'tenant_not_allowed' } };
    }
    const invokeResponse = await processAuthenticated(adapter, auth, activity, run);
    return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
  };

  return { app, adapter, run, handle, serializer, leaseStats, services };
}

/** Everyone in the team or group chat the bot was just added to (all pages). */
async function rosterOf(context: TurnContext, log: Logger): Promise<ChannelAccount[]> {
  const people: ChannelAccount[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await TeamsInfo.getPagedMembers(context, 100, token);
      people.push(...page.members);
      token = page.continuationToken;
    } while (token);
  } catch (err) {
    log.warn('could not read the members of a team or group chat', { err });
  }
  return people;
}

async function execute(turn: Turn, services: Services, value: unknown): Promise<ExecuteResult> {
  const parsed = ExecuteValue.safeParse(value);
  const handler = parsed.success ? verbHandler(parsed.data.action.verb) : undefined;
  if (!parsed.success || !handler) {
    return { card: staleCardReply(turn).card };
  }
  return handler(turn, services, parsed.data.action.data ?? {});
}

async function sendInvokeCard(context: TurnContext, card: Record<string, unknown>, mode: CardActionMode): Promise<void> {
  await context.sendActivity({
    type: 'invokeResponse',
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: forClient(card, mode) } },
  });
}

/** An Action.Submit press's answer replaces the card it came from (its activity is the message's replyToId). */
async function replaceCard(context: TurnContext, card: Record<string, unknown>, mode: CardActionMode): Promise<void> {
  const activity = activityOf({ card, summary: '' }, mode);
  delete activity.summary;
  const replyToId = context.activity.replyToId;
  if (replyToId) await context.updateActivity({ ...activity, id: replyToId });
  else await context.sendActivity(activity);
}

function toActivity(reply: Exclude<Reply, { kind: 'file' }>, mode: CardActionMode): Partial<Activity> {
  return reply.kind === 'text' ? activityOf({ text: reply.text, summary: reply.summary }, mode) : activityOf({ card: reply.card, summary: reply.summary }, mode);
}


