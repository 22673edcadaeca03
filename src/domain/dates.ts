// Calendar dates: stored, compared and sent by card date pickers as YYYY-MM-DD; typed by people as
// 01.12.2026 (Danish), 1.12.2026, 01-12-2026, 01/12/2026 or 2026-12-01. Pure: no clock, no time zone.

/** A real calendar date as YYYY-MM-DD (2026-02-30 is not one). */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return !!m && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

function isRealDate(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Why a typed date was not taken: nothing typed; not in a form we read (a two-digit year is one:
 * "01.12.26" could be 1926 or 2026); or in the form but not a day of the calendar (31.04.2026).
 */
export type TypedDateProblem = 'empty' | 'format' | 'notADate';

export type TypedDate = { ok: true; iso: string } | { ok: false; problem: TypedDateProblem };

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A date as a person types it or a date picker sends it, as YYYY-MM-DD. Day first with one
 * separator used throughout ("01.12.2026", "1.12.2026", "01-12-2026", "1/12/2026"), or year first
 * with hyphens ("2026-12-01", as Input.Date sends it). Day and month may have one or two digits;
 * the year must have four. Spaces around the date are ignored, spaces inside it are not.
 */
export function parseTypedDate(typed: string): TypedDate {
  const s = typed.trim();
  if (!s) return { ok: false, problem: 'empty' };
  let parts: [number, number, number] | undefined;
  const dayFirst = /^(\d{1,2})([.\-/])(\d{1,2})\2(\d{4})$/.exec(s);
  if (dayFirst) parts = [Number(dayFirst[4]), Number(dayFirst[3]), Number(dayFirst[1])];
  const yearFirst = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (yearFirst) parts = [Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3])];
  if (!parts) return { ok: false, problem: 'format' };
  const [year, month, day] = parts;
  if (!isRealDate(year, month, day)) return { ok: false, problem: 'notADate' };
  return { ok: true, iso: `${pad(year, 4)}-${pad(month)}-${pad(day)}` };
}

/**
 * A time of day as a person types it or a time picker sends it, as HH:MM: "10:00", "9:30", the
 * Danish "10.00", with seconds ("10:00:00", as some pickers send) ignored. Undefined when it is
 * not one (24:00, 10:60, 1000).
 */
export function parseTypedTime(typed: string): string | undefined {
  const m = /^(\d{1,2})[:.](\d{2})(?:[:.]\d{2})?$/.exec(typed.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return undefined;
  return `${pad(Number(m[1]))}:${m[2]}`;
}
