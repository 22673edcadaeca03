// Dates, times and numbers as people read them (Danish: 04.03.2026, 12,5), in Danish time, assembled
// from parts so the output does not change with the ICU version of the Node.js build.
import { t, type Lang } from './index.js';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Copenhagen',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function copenhagenParts(at: Date): { year: string; month: string; day: string; hour: string; minute: string } {
  const p = Object.fromEntries(parts.formatToParts(at).map((x) => [x.type, x.value]));
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute! };
}

/** The calendar day in Denmark at an instant, as numbers. */
export function copenhagenDay(at: Date): { year: number; month: number; day: number } {
  const p = copenhagenParts(at);
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day) };
}

/** "04.03.2026 kl. 10.15" (Danish) or "04/03/2026 10:15" (English). */
/** The day in Copenhagen as YYYY-MM-DD (for file names). */
export function copenhagenIsoDay(at: Date): string {
  const p = copenhagenParts(at);
  return `${p.year}-${p.month}-${p.day}`;
}

export function formatDateTime(lang: Lang, at: Date | string): string {
  const p = copenhagenParts(typeof at === 'string' ? new Date(at) : at);
  return lang === 'da' ? `${p.day}.${p.month}.${p.year} kl. ${p.hour}.${p.minute}` : `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** "04.03.2026" or "04/03/2026". */
export function formatDate(lang: Lang, at: Date | string): string {
  const p = copenhagenParts(typeof at === 'string' ? new Date(at) : at);
  return lang === 'da' ? `${p.day}.${p.month}.${p.year}` : `${p.day}/${p.month}/${p.year}`;
}

/** A wall-clock date and time in Denmark ("2026-11-24", "10:00") -> the UTC instant (ISO), across DST. */
export function fromCopenhagen(date: string, time: string): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wanted = Date.UTC(y, mo - 1, d, h, mi);
  let guess = wanted;
  // Two rounds settle the offset (+1 or +2 hours), also on the days the clocks change.
  for (let i = 0; i < 2; i++) {
    const p = copenhagenParts(new Date(guess));
    const shown = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
    guess += wanted - shown;
  }
  return new Date(guess).toISOString();
}

/** A calendar day (not an instant): "07.07.2047" or "07/07/2047". */
export function formatDay(lang: Lang, d: { year: number; month: number; day: number }): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return lang === 'da' ? `${pad(d.day)}.${pad(d.month)}.${d.year}` : `${pad(d.day)}/${pad(d.month)}/${d.year}`;
}

/** When a visit is: "24.11.2026 kl. 10.00" or "24/11/2026 at 10:00". */
export function formatWhen(lang: Lang, at: string): string {
  return `${formatDate(lang, at)} ${t(lang, 'common.at')} ${formatTime(lang, at)}`;
}

/** A calendar day written YYYY-MM-DD (a decision's start or end): "01.12.2026" or "01/12/2026". */
export function formatIsoDay(lang: Lang, iso: string): string {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  return formatDay(lang, { year, month, day });
}

const MONTHS: Record<Lang, readonly string[]> = {
  da: ['jan.', 'feb.', 'mar.', 'apr.', 'maj', 'jun.', 'jul.', 'aug.', 'sep.', 'okt.', 'nov.', 'dec.'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

/** A month written YYYY-MM, short enough for a chart label: "nov. 2026" or "Nov 2026". */
export function formatMonth(lang: Lang, yearMonth: string): string {
  const [year, month] = yearMonth.split('-').map(Number) as [number, number];
  return `${MONTHS[lang][month - 1] ?? yearMonth} ${year}`;
}

/** n rounded to `digits` decimals, half away from zero as people round (1,15 -> 1,2), as [integer, fraction] digits. */
function rounded(n: number, digits: number): { negative: boolean; whole: string; fraction: string } {
  // toPrecision(15) drops the binary tail first: 1.15 is stored as 1.1499999999999999.
  const scaled = Math.round(Number((Math.abs(n) * 10 ** digits).toPrecision(15)));
  const text = String(scaled).padStart(digits + 1, '0');
  return { negative: n < 0 && scaled !== 0, whole: text.slice(0, text.length - digits), fraction: text.slice(text.length - digits) };
}

/**
 * A number with the language's separators and `digits` decimals: "1.234,5" or "1,234.5"; "12,0"
 * keeps its decimal so figures in a column read alike. Never "-0,0".
 */
export function formatDecimal(lang: Lang, n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  const { negative, whole, fraction } = rounded(n, digits);
  const [group, point] = lang === 'da' ? ['.', ','] : [',', '.'];
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, group);
  return `${negative ? '-' : ''}${grouped}${digits > 0 ? `${point}${fraction}` : ''}`;
}

/** A whole number (a count) with the language's thousands separator: "1.234" or "1,234". */
export function formatInteger(lang: Lang, n: number): string {
  return formatDecimal(lang, n, 0);
}

/** A change with its sign: "+2", "-1,5", and "0" (no sign) for what rounds to nothing. */
export function formatSigned(lang: Lang, n: number, digits: number): string {
  const shown = formatDecimal(lang, n, digits);
  return n > 0 && /[1-9]/.test(shown) ? `+${shown}` : shown;
}

/** "a, b og c" / "a, b and c". */
export function formatList(lang: Lang, items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')}${t(lang, 'common.and')}${items.at(-1)}` : (items[0] ?? '');
}

/** The time of day in Denmark: "10.00" (Danish, as in "kl. 10.00") or "10:00". */
export function formatTime(lang: Lang, at: Date | string): string {
  const p = copenhagenParts(typeof at === 'string' ? new Date(at) : at);
  return lang === 'da' ? `${p.hour}.${p.minute}` : `${p.hour}:${p.minute}`;
}
