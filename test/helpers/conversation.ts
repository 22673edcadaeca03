// Drives the real teams-ai Application turn by turn through botbuilder's TestAdapter: the same
// routes, flows and cards as in Teams, with no HTTP and no mocks of the framework.
import { TestAdapter, type Activity } from 'botbuilder';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createBot, type Bot } from '../../src/teams/app.js';
import { ALEX, botAdded, execute, message, type Where } from './activities.js';

export interface Conversation {
  bot: Bot;
  logs: string[];
  /** Send one activity; resolves with everything the bot sent in that turn. */
  send(activity: Partial<Activity>): Promise<Partial<Activity>[]>;
  say(text: string, where?: Partial<Where>): Promise<Partial<Activity>[]>;
  /** Press an Action.Execute button; resolves with the invoke response (status and body). */
  press(verb: string, data?: Record<string, unknown>, where?: Partial<Where>): Promise<{ status: number; body: any; others: Partial<Activity>[] }>;
  install(where?: Partial<Where>): Promise<Partial<Activity>[]>;
}

export function conversation(options: { env?: Record<string, string>; where?: Partial<Where>; config?: Partial<Config> } = {}): Conversation {
  const config = { ...loadConfig({ DATA_DIR: '/tmp/aa-unused', ...options.env }), ...options.config };
  const logs: string[] = [];
  const bot = createBot({ config, log: createLogger('debug', (line) => logs.push(line)) });
  const adapter = new TestAdapter((ctx) => bot.app.run(ctx));
  adapter.onTurnError = bot.adapter.onTurnError;
  const defaults: Where = { serviceUrl: 'https://smba.example.test/', from: ALEX, ...options.where };

  const send = async (activity: Partial<Activity>) => {
    adapter.activeQueue.splice(0);
    await adapter.processActivity(activity);
    return adapter.activeQueue.splice(0);
  };
  return {
    bot,
    logs,
    send,
    say: (text, where) => send(message(text, { ...defaults, ...where }) as Partial<Activity>),
    async press(verb, data = {}, where) {
      const sent = await send(execute(verb, data, { ...defaults, ...where }) as Partial<Activity>);
      const response = sent.find((a) => a.type === 'invokeResponse');
      if (!response) throw new Error(`No invoke response to ${verb}; the bot sent: ${sent.map((a) => a.type).join(', ')}`);
      return { ...(response.value as { status: number; body: any }), others: sent.filter((a) => a !== response) };
    },
    install: (where) => send(botAdded({ ...defaults, ...where }) as Partial<Activity>),
  };
}

/** The Adaptive Card of a sent activity, or undefined. */
export function cardOf(activity: Partial<Activity> | undefined): any {
  return activity?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
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

/** Every action (button) in a card, wherever it sits. */
export function actionsOf(card: any): any[] {
  const out: any[] = [];
  const walk = (node: any) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (typeof node.type === 'string' && node.type.startsWith('Action.')) out.push(node);
    for (const value of Object.values(node)) if (typeof value === 'object') walk(value);
  };
  walk(card);
  return out;
}
