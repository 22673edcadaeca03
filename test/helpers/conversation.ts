// Drives the real teams-ai Application turn by turn through botbuilder's TestAdapter: the same
// routes, flows, cards, store and roles as in Teams, with no HTTP and no mocks of the framework.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestAdapter, type Activity, type ResourceResponse, type TurnContext } from 'botbuilder';
import { systemClock, type Clock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { Directory, type RoleSeed } from '../../src/services/directory.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { createBot, type Bot, type BotOptions } from '../../src/teams/app.js';
import { Outbox } from '../../src/services/outbox.js';
import { loadRules } from '../../rules/index.js';
import { proactiveActivityOf, TeamsTransport } from '../../src/teams/proactive.js';
import { ALEX, botAdded, execute, message, type Where } from './activities.js';
import { recordCardsIn, recordPreviewIn } from './cardRecorder.js';
import { actionsOf, cardActionsEnv, executeView } from './cardView.js';

export { actionsOf };

export interface Conversation {
  bot: Bot;
  store: Store;
  outbox: Outbox;
  directory: Directory;
  /** The clock the whole bot reads (the system's unless the test gave one). */
  clock: Clock;
  /** How card buttons travel in this run (CARD_ACTIONS): presses are made the same way. */
  cardActions: 'submit' | 'execute';
  dataDir: string;
  logs: string[];
  /** Send one activity; resolves with everything the bot sent in that turn. */
  send(activity: Partial<Activity>): Promise<Partial<Activity>[]>;
  say(text: string, where?: Partial<Where>): Promise<Partial<Activity>[]>;
  /** Press an Action.Execute button; resolves with the invoke response (status and body). */
  press(verb: string, data?: Record<string, unknown>, where?: Partial<Where>): Promise<{ status: number; body: any; others: Partial<Activity>[] }>;
  install(where?: Partial<Where>): Promise<Partial<Activity>[]>;
  /** Close the store (and remove its folder unless `keep`). */
  close(keep?: boolean): Promise<void>;
}

export interface ConversationOptions {
  env?: Record<string, string>;
  where?: Partial<Where>;
  config?: Partial<Config>;
  seed?: RoleSeed[];
  dataDir?: string;
  extend?: BotOptions['extend'];
  /** The bot's clock; a TestClock from ./clock.js for a fixed date. */
  clock?: Clock;
  /** Another folder of visitation rule sets (e.g. the Fælles Sprog III fixture). */
  visitationRulesDir?: string;
  /** Rules as a municipality might have them (the shipped ones, changed). */
  adjustRules?: (rules: ReturnType<typeof loadRules>) => ReturnType<typeof loadRules>;
}

const open: Conversation[] = [];

/** Close every conversation's store (call from afterEach). */
export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((c) => c.close()));
}

export async function conversation(options: ConversationOptions = {}): Promise<Conversation> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'aa-convo-'));
  // With a register of former citizens, as the README's production settings have it.
  const config = { ...loadConfig({ DATA_DIR: dataDir, CPR_PSEUDONYM_KEY: 'test-key-for-the-register-of-former-citizens', ...cardActionsEnv(), ...options.env }), ...options.config };
  const logs: string[] = [];
  const log = createLogger('debug', (line) => logs.push(line));
  const clock = options.clock ?? systemClock;
  const store = await openStore(dataDir, clock, config.cprPseudonymKey);
  const directory = new Directory(store, { admins: config.admins, seed: options.seed ?? [], localMode: !config.credentials, clock, language: config.language });
  const teamsAdapter = createAdapter(config);
  // The outbox records what the bot would send on its own; it is not started here (HTTP tests deliver).
  const outbox = new Outbox(store, new TeamsTransport(teamsAdapter, '', store, log, clock, config.cardActions), log, {
    clock,
    retryBaseMs: 1000,
    giveUpAfterMs: 3600_000,
    reportText: async () => 'report',
  });
  const loaded = loadRules(options.visitationRulesDir);
  const rules = options.adjustRules ? options.adjustRules(loaded) : loaded;
  const bot = createBot({ config, log, store, directory, adapter: teamsAdapter, outbox, rules, extend: options.extend, clock });
  const adapter = new RecordingTestAdapter((ctx) => bot.run(ctx));
  adapter.onTurnError = bot.adapter.onTurnError;
  const defaults: Where = { serviceUrl: 'https://smba.example.test/', from: ALEX, ...options.where };
  let closed = false;
  const outboxSeen = new Set<string>();

  const send = async (activity: Partial<Activity>) => {
    const before = adapter.activeQueue.length;
    await adapter.processActivity(activity);
    const sent = adapter.activeQueue.splice(before);
    const where = `conversation ${activity.type} ${(activity.value as any)?.action?.verb ?? (activity.value as any)?.verb ?? activity.text ?? ''}`;
    for (const a of sent) recordCardsIn(where, a);
    for (const a of sent) recordPreviewIn(where, a);
    // What the turn left in the outbox, as Teams would get it when the outbox sends it: its cards and
    // its preview are checked like the turn's own replies (HTTP tests see them at the connector).
    for (const m of await store.outbox.due(new Date('9999-12-31T00:00:00Z'))) {
      if (outboxSeen.has(m.id)) continue;
      outboxSeen.add(m.id);
      const proactive = proactiveActivityOf(m.payload, config.cardActions);
      recordCardsIn(`outbox ${m.idempotencyKey.split(':')[0]} after ${where}`, proactive);
      recordPreviewIn(`outbox ${m.idempotencyKey.split(':')[0]} after ${where}`, proactive);
    }
    return sent;
  };
  const c: Conversation = {
    bot,
    store,
    outbox,
    directory,
    clock,
    cardActions: config.cardActions,
    dataDir,
    logs,
    send,
    say: (text, where) => send(message(text, { ...defaults, ...where }) as Partial<Activity>),
    async press(verb, data = {}, where) {
      if (config.cardActions === 'submit') {
        // Action.Submit: a message with the button's data and verb as its value; the answer replaces the card.
        const replyToId = (where as { replyToId?: string } | undefined)?.replyToId ?? 'card-1';
        const activity = { ...message('', { ...defaults, ...where }), text: undefined, value: { ...data, verb }, replyToId } as Partial<Activity>;
        const updatesBefore = adapter.updated.length;
        const sent = await send(activity);
        const updated = adapter.updated.slice(updatesBefore).filter((a) => a.id === replyToId);
        for (const u of updated) recordCardsIn(`conversation submit ${verb} (update)`, u);
        const card = cardOf(updated.at(-1));
        if (!card) throw new Error(`No card update for ${verb}; the bot sent: ${sent.map((a) => a.type).join(', ')}`);
        return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card }, others: sent };
      }
      const sent = await send(execute(verb, data, { ...defaults, ...where }) as Partial<Activity>);
      const response = sent.find((a) => a.type === 'invokeResponse');
      if (!response) throw new Error(`No invoke response to ${verb}; the bot sent: ${sent.map((a) => a.type).join(', ')}`);
      const value = response.value as { status: number; body: any };
      return { ...value, body: value.body ? { ...value.body, value: executeView(value.body.value) } : value.body, others: sent.filter((a) => a !== response) };
    },
    install: (where) => send(botAdded({ ...defaults, ...where }) as Partial<Activity>),
    async close(keep = false) {
      if (closed) return;
      closed = true;
      await store.close();
      if (!keep && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  open.push(c);
  return c;
}

/** A text message as people read it: hard line breaks back to new lines, markdown escapes undone. */
/** The text a person reads in a message: its text, or a document card's lines (src/flows/shared/replies.ts documentReplies), a blank line where there is space. */
export function shownText(activity: Partial<Activity> | undefined): string {
  if (activity?.text) return activity.text.split('  \n').join('\n').replace(/\\(.)/g, '$1');
  const doc = cardOf(activity)?.body?.find((b: { id?: string }) => b.id === 'document')?.items as { text: string; spacing?: string }[] | undefined;
  return (doc ?? []).map((b, i) => `${i && b.spacing === 'Medium' ? '\n' : ''}${b.text}`).join('\n').replace(/\\(.)/g, '$1');
}

/** The Adaptive Card of a sent activity, or undefined; buttons read as verb and data either way. */
export function cardOf(activity: Partial<Activity> | undefined): any {
  const card = activity?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
  return card ? executeView(card) : card;
}

/** botbuilder's TestAdapter, keeping what the bot updated in place (an Action.Submit press's answer). */
class RecordingTestAdapter extends TestAdapter {
  readonly updated: Partial<Activity>[] = [];
  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    this.updated.push(activity);
    return super.updateActivity(context, activity);
  }
}

/** Every TextBlock text in a card, in order: what a person reads. */
export function textsOf(card: any): string[] {
  const out: string[] = [];
  const walk = (node: any) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (node.type === 'TextBlock' && typeof node.text === 'string') out.push(node.text);
    if (node.type === 'FactSet' && Array.isArray(node.facts)) for (const f of node.facts) out.push(`${f.title} ${f.value}`);
    for (const value of Object.values(node)) if (typeof value === 'object') walk(value);
  };
  walk(card);
  return out;
}

/** An input of a card by id. */
export function inputOf(card: any, id: string): any {
  let found: any;
  const walk = (node: any) => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node.type === 'string' && node.type.startsWith('Input.') && node.id === id) found = node;
    for (const value of Object.values(node)) if (typeof value === 'object') walk(value);
  };
  walk(card);
  return found;
}
