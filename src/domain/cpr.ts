// CPR numbers (DDMMYY-SSSS): validity, birth date and century from the 7th digit (the CPR office's
// table), age, masking. Modulus 11 is deliberately not checked: numbers without it exist since 2007.
export interface Cpr {
  /** Ten digits, no dash. */
  digits: string;
  birthDate: { year: number; month: number; day: number };
}

export type CprProblem = 'format' | 'date';

/** The century of a birth year from the 7th digit and YY (CPR office table, DOMAIN.md). */
export function centuryOf(seventh: number, yy: number): number | undefined {
  if (seventh >= 0 && seventh <= 3) return 1900;
  if (seventh === 4 || seventh === 9) return yy <= 36 ? 2000 : 1900;
  if (seventh >= 5 && seventh <= 8) return yy <= 57 ? 2000 : 1800;
  return undefined;
}

export function parseCpr(input: string): { ok: true; cpr: Cpr } | { ok: false; problem: CprProblem } {
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
  return { ok: true, cpr: { digits: compact, birthDate: { year, month, day } } };
}

/** Whole years on `on` (a calendar date in Denmark). */
export function ageOn(cpr: Cpr, on: { year: number; month: number; day: number }): number {
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
