// Typed text -> the command it names, in Danish or English, forgiving of case, punctuation and spacing.
import { wordsInAnyLanguage } from '../../i18n/index.js';

export const COMMANDS = ['help', 'screening', 'resume', 'reassess', 'refer', 'queue', 'setChannel', 'visits', 'myCitizens', 'planVisit', 'shareCitizen', 'assignCitizen', 'stats', 'countingWeek', 'roles', 'auditTrail', 'accessRequest', 'erasure', 'language'] as const;
export type Command = (typeof COMMANDS)[number];

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
