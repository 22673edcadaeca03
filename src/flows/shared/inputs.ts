// What a card sends back, read field by field: Teams sends strings, so anything else is a forged or
// broken payload, and a string past the field's limit did not come from our card. Either gets a
// message at that field on the same card; the other fields keep what was typed.
import { t, type Lang } from '../../i18n/index.js';

export interface Fields<K extends string> {
  values: Record<K, string>;
  /** Only the fields with a problem: merge the flow's own checks with `errors.x ??= ...`. */
  errors: Partial<Record<K, string>>;
}

/** Each field's value as text, with the largest length the card allows. */
export function readFields<K extends string>(lang: Lang, data: Record<string, unknown>, limits: Record<K, number>): Fields<K> {
  const values = {} as Record<K, string>;
  const errors: Partial<Record<K, string>> = {};
  for (const key of Object.keys(limits) as K[]) {
    const max = limits[key];
    const raw = Object.hasOwn(data, key) ? data[key] : undefined;
    if (raw === undefined || raw === null) values[key] = '';
    else if (typeof raw !== 'string') {
      values[key] = '';
      errors[key] = t(lang, 'input.wrongType');
    } else if (raw.length > max) {
      // Kept so the person sees what they sent, but not so much that the card grows past Teams' limit.
      values[key] = raw.slice(0, max + 100);
      errors[key] = t(lang, 'input.tooLong', { max, length: raw.length });
    } else values[key] = raw;
  }
  return { values, errors };
}

/** A value from a card as text: a string as it is, anything else '' (the flow then says what is missing). */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** One field that is a choice or an id: its text if it is one and not too long, else ''. */
export function text(v: unknown, max = 200): string {
  return typeof v === 'string' && v.length <= max ? v : '';
}

/** Text for the access log: one line, so a reason cannot pose as further entries of the log. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
