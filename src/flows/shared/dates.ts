// A date from a card's date input: the picker sends YYYY-MM-DD, but some clients show Input.Date as
// a plain text field, where people type 01.12.2026. Both are read (src/domain/dates.ts), with the
// message to show at the field when the date cannot be read.
import { parseTypedDate } from '../../domain/dates.js';
import { t, type Lang } from '../../i18n/index.js';

/** How long a typed date may be (room for spaces around it); the card's input has no limit of its own. */
export const DATE_FIELD_LENGTH = 30;

/** How long a typed time of day may be ("10:00:00" as some pickers send it, with spaces around). */
export const TIME_FIELD_LENGTH = 20;

/**
 * The date as YYYY-MM-DD, or the message for the field. Nothing typed is '' (an optional date), or,
 * given `emptyKey`, that message.
 */
export function readDate(typed: string, lang: Lang, emptyKey?: string): { ok: true; iso: string } | { ok: false; error: string } {
  const parsed = parseTypedDate(typed);
  if (parsed.ok) return parsed;
  if (parsed.problem === 'empty') return emptyKey ? { ok: false, error: t(lang, emptyKey) } : { ok: true, iso: '' };
  return { ok: false, error: t(lang, parsed.problem === 'notADate' ? 'date.error.notADate' : 'date.error.format') };
}

/**
 * What a date input shows when its card comes back: the date as YYYY-MM-DD when it could be read
 * (a picker shows nothing else), else what was typed, to be corrected.
 */
export function dateInputValue(typed: string): string {
  const parsed = parseTypedDate(typed);
  return parsed.ok ? parsed.iso : typed;
}
