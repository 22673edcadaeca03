// Typed text -> the command it names, in Danish or English, forgiving of case, punctuation and spacing.
import { wordsInAnyLanguage } from '../i18n/index.js';

export type Command = 'help' | 'screening' | 'queue' | 'visits';
const COMMANDS: Command[] = ['help', 'screening', 'queue', 'visits'];

export function normaliseText(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[.!,;:]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const table: Map<string, Command> = new Map(
  COMMANDS.flatMap((c) => wordsInAnyLanguage(`commands.${c}`).map((w) => [normaliseText(w), c] as const)),
);

export function recognise(text: string | undefined): Command | undefined {
  if (!text) return undefined;
  return table.get(normaliseText(text));
}
