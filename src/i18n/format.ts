// Dates and times as people in Denmark read them, in Danish time, assembled from parts so the
// output does not change with the ICU version of the Node.js build.
import type { Lang } from './index.js';

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

/** The time of day in Denmark, "10:00". */
export function formatTime(at: Date | string): string {
  const p = copenhagenParts(typeof at === 'string' ? new Date(at) : at);
  return `${p.hour}:${p.minute}`;
}
