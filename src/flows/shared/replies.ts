// The bot's standard answers, for every flow: a notice card, "only in a personal chat", "your role
// does not allow it", "this card is stale", and the way back to the help card.
import { renderCard, type CardAction } from '../../../cards/index.js';
import { rolesFor, type Permission, type Role } from '../../domain/roles.js';
import { t, words, type Lang } from '../../i18n/index.js';
import type { Command } from './commands.js';
import type { Reply, TextHandler, Turn, VerbHandler } from '../types.js';

export const backToHelp = (turn: Turn): CardAction => ({ kind: 'execute', title: t(turn.lang, 'common.back'), verb: 'help.show', data: {} });

export function roleNames(lang: Lang, roles: readonly Role[]): string {
  return roles.map((r) => t(lang, `role.${r}`)).join(', ');
}

export function requiresText(turn: Turn, permission: Permission): string {
  return t(turn.lang, 'help.requires', { roles: roleNames(turn.lang, rolesFor(permission)) });
}

function personalChatLink(turn: Turn): string | undefined {
  return turn.botId ? `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(turn.botId)}` : undefined;
}

export function notice(turn: Turn, titleKey: string, lines: string[], actions: CardAction[] = [backToHelp(turn)]): Reply & { kind: 'card' } {
  const title = t(turn.lang, titleKey);
  return { kind: 'card', card: renderCard('notice', { title, lines, actions }), summary: title };
}

/** Health and citizens' data never go to a shared conversation: lead to the personal chat instead. */
export function personalOnlyReply(turn: Turn, what: string): Reply & { kind: 'card' } {
  const link = personalChatLink(turn);
  const actions: CardAction[] = [backToHelp(turn)];
  if (link) actions.unshift({ kind: 'url', title: t(turn.lang, 'flow.personalOnly.button'), url: link });
  return notice(turn, 'personalOnly.title', [t(turn.lang, 'personalOnly.text', { flow: what }), t(turn.lang, 'personalOnly.howTo')], actions);
}

export function notAllowedReply(turn: Turn, what: string, permission: Permission): Reply & { kind: 'card' } {
  return notice(turn, 'notAllowed.title', [t(turn.lang, 'notAllowed.text', { flow: what, roles: roleNames(turn.lang, rolesFor(permission)) })]);
}

/** A line as it is written: markdown's marks shown as themselves, a leading "- " as a bullet. */
function literalLine(line: string): string {
  return line.replace(/([\\`*_{}[\]#|<>~])/g, '\\$1').replace(/^- /, '• ');
}

/**
 * A document to keep as a file (an access-log export, a CSV): in Teams, a file for the person's
 * OneDrive (the file consent card; src/teams/files.ts); in local mode, where the Agents Playground
 * has no OneDrive to put it in, the document as cards (`documentReplies`) and a line saying so.
 */
export function fileReplies(turn: Turn, file: { name: string; contentType: string; content: string; description: string; citizenId?: string }, document: { titleKey: string; text: string }, summaryKey: string): Reply[] {
  if (turn.localMode) return [...documentReplies(turn, document.titleKey, document.text, summaryKey), { kind: 'text', text: t(turn.lang, 'files.localMode') }];
  return [{ kind: 'file', ...file, summary: t(turn.lang, summaryKey) }];
}

/** UTF-8 with a byte order mark: how Danish Excel and Notepad know the file is UTF-8 (æ, ø, å). */
export const withBom = (text: string): string => `\uFEFF${text}`;

/**
 * A document for the care record as a card: the notification and the activity feed show only
 * `summaryKey`'s neutral words, never the name, CPR or health data inside; the lines are selectable
 * text to copy whole.
 */
export function documentReplies(turn: Turn, titleKey: string, text: string, summaryKey: string): (Reply & { kind: 'card' })[] {
  // A card stays well under Teams' message size (about 28 KB): a long document (a look-up trail of
  // years) goes as several cards, numbered in the title.
  const parts: { text: string; spacing: 'None' | 'Medium' }[][] = [[]];
  let size = 0;
  let gap = false;
  for (const line of text.split('\n')) {
    if (!line.trim()) {
      gap = parts.at(-1)!.length > 0;
      continue;
    }
    if (size > DOCUMENT_PART_CHARS) {
      parts.push([]);
      size = 0;
      gap = false;
    }
    const shown = literalLine(line);
    parts.at(-1)!.push({ text: shown, spacing: gap ? 'Medium' : 'None' });
    size += shown.length + 60;
    gap = false;
  }
  const title = t(turn.lang, titleKey);
  return parts.map((lines, i) => ({
    kind: 'card',
    card: renderCard('document', { title: parts.length > 1 ? `${title} (${i + 1}/${parts.length})` : title, hint: t(turn.lang, 'document.copyHint'), lines }),
    summary: t(turn.lang, summaryKey),
  }));
}

/** About this many characters of a document (its text and each line's card markup) to a card. */
const DOCUMENT_PART_CHARS = 14_000;

/** A card whose button payload we cannot use (old, changed or forged): say so and show help again. */
export function staleCardReply(turn: Turn): Reply & { kind: 'card' } {
  return notice(turn, 'stale.title', [t(turn.lang, 'stale.text')], [{ kind: 'execute', title: t(turn.lang, 'common.showHelp'), verb: 'help.show', data: {} }]);
}

/** One line for a personal-data command typed in a channel or group chat. */
export function personalOnlyLine(turn: Turn, command: Command): Reply {
  const first = words(turn.lang, `commands.${command}`)[0] ?? command;
  return { kind: 'text', text: t(turn.lang, 'personalOnly.line', { command: first }) };
}

/**
 * A typed command that opens the same card as a button (e.g. "mine borgere"): in a personal chat
 * only, since these cards carry citizens' data; anything the button adds (a CSV) follows.
 */
export function cardCommand(command: Command, handler: VerbHandler, summaryKey: string): TextHandler {
  return async (turn, services) => {
    if (turn.scope !== 'personal') return [personalOnlyLine(turn, command)];
    const result = await handler(turn, services, {});
    return [{ kind: 'card', card: result.card, summary: t(turn.lang, summaryKey) }, ...(result.also ?? [])];
  };
}
