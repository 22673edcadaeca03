// CPR numbers (DDMMYY-SSSS): validity, birth date and century from the 7th digit (the CPR office's
// table), age, masking. Modulus 11 is deliberately not checked: numbers without it exist since 2007.
// Pure: "today" is the caller's (from the bot's clock, as a calendar day in Denmark).

/** A calendar date. */
export interface Day {
  year: number;
  month: number;
  day: number;
}

export interface Cpr {
  /** Ten digits, no dash. */
  digits: string;
  birthDate: Day;
}

/** format: not ten digits; date: no such date; future: a real date, but after today (7th digit and year give a century to come). */
export type CprProblem = 'format' | 'date' | 'future';

export type CprResult = { ok: true; cpr: Cpr } | { ok: false; problem: 'format' | 'date' } | { ok: false; problem: 'future'; digits: string; birthDate: Day };

const dayValue = (d: Day) => d.year * 10_000 + d.month * 100 + d.day;

/** The century of a birth year from the 7th digit and YY (CPR office table, DOMAIN.md). */
export function centuryOf(seventh: number, yy: number): number | undefined {
  if (seventh >= 0 && seventh <= 3) return 1900;
  if (seventh === 4 || seventh === 9) return yy <= 36 ? 2000 : 1900;
  if (seventh >= 5 && seventh <= 8) return yy <= 57 ? 2000 : 1800;
  return undefined;
}

/** A typed CPR number, checked against `today`: nobody is born after today. */
export function parseCpr(input: string, today: Day): CprResult {
  const compact = input.trim().replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(compact)) return { ok: false, problem: 'format' };
  const day = Number(compact.slice(0, 2));
  const month = Number(compact.slice(2, 4));
  const yy = Number(compact.slice(4, 6));
  const century = centuryOf(Number(compact[6]), yy);
  if (century === undefined) return { ok: false, problem: 'format' };
  const year = century + yy;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return { ok: false, problem: 'date' };
  const birthDate = { year, month, day };
  if (dayValue(birthDate) > dayValue(today)) return { ok: false, problem: 'future', digits: compact, birthDate };
  return { ok: true, cpr: { digits: compact, birthDate } };
}

/** Whole years on `on` (a calendar date in Denmark). */
export function ageOn(cpr: Cpr, on: Day): number {
  const b = cpr.birthDate;
  const hadBirthday = on.month > b.month || (on.month === b.month && on.day >= b.day);
  return on.year - b.year - (hadBirthday ? 0 : 1);
}

/** DDMMYY-xxxx: the birth date stays readable, the serial is hidden. */
export function maskCpr(digits: string): string {
  return `${digits.slice(0, 6)}-xxxx`;
}

export function formatCpr(digits: string): string {
  return `${digits.slice(0, 6)}-${digits.slice(6)}`;
}
