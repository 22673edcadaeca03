// The managers' figures beyond visits (issue 17): users per week per centre (Tabel 1 in seed 002),
// screenings by outcome, referrals and decisions by offer, per centre and month. Pure: the caller
// hands over the store's counters (caseCounts) and counting weeks (countingWeeks).
//
// Cases are kept as counters per month, centre and outcome, never as events: an event, however
// coarse its time, keeps the order it was made in, and that order beside the access log (which
// outlives an erased citizen) would tell which citizen got which offer.
import { calendarDay } from './overlap.js';

export type Season = 'spring' | 'autumn';
/** A staff member as the store knows them (tenant + Entra object id). */
export interface StaffRef {
  tenantId: string;
  aadObjectId: string;
}
export const SCREENING_OUTCOMES = ['club', 'preventive', 'referral', 'outside'] as const;
export const REFERRAL_SOURCES = ['screening', 'direct'] as const;
export const DECISION_OFFERS = ['centre', 'home', 'single', 'refused', 'notCase'] as const;

/** What a counter counts: a screening's outcome, a referral's source, or a decision's offer. */
export type CaseKey =
  | { kind: 'screened'; value: (typeof SCREENING_OUTCOMES)[number] }
  | { kind: 'referred'; value: (typeof REFERRAL_SOURCES)[number] }
  | { kind: 'decided'; value: (typeof DECISION_OFFERS)[number] };

/**
 * How many of one kind of case step there were in a month (YYYY-MM, in the municipality's time
 * zone), at a centre (an id in rules/organisation.json; absent: none known).
 */
export type CaseCount = CaseKey & { month: string; centre?: string; n: number };

/**
 * A counting week (Tabel 1): distinct users at a centre in its spring or autumn week; a later
 * record of the same week replaces it, `users: null` removes it. `by`: who recorded it (an
 * official figure has an author); it names no citizen.
 */
export interface CountingWeek {
  at: string;
  centre: string;
  year: number;
  season: Season;
  users: number | null;
  by?: StaffRef;
}

export interface CaseCounts {
  screened: Record<(typeof SCREENING_OUTCOMES)[number], number>;
  referred: Record<(typeof REFERRAL_SOURCES)[number], number>;
  decided: Record<(typeof DECISION_OFFERS)[number], number>;
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export function emptyCounts(): CaseCounts {
  return { screened: zeros(SCREENING_OUTCOMES), referred: zeros(REFERRAL_SOURCES), decided: zeros(DECISION_OFFERS) };
}

/** Which counters count: one centre (`null`: those with no centre; absent: all), one month (YYYY-MM) or all. */
export interface CaseFilter {
  centre?: string | null;
  month?: string;
}

/** The month (YYYY-MM) an instant falls in, in the municipality's time zone. */
export const monthOf = (at: string, timeZone = 'Europe/Copenhagen'): string => calendarDay(at, timeZone).slice(0, 7);

function matches(c: CaseCount, filter: CaseFilter): boolean {
  if (filter.centre !== undefined && (c.centre ?? null) !== filter.centre) return false;
  return filter.month === undefined || c.month === filter.month;
}

/** Screenings by outcome, referrals by where they came from, decisions by offer. */
export function caseCounts(counts: readonly CaseCount[], filter: CaseFilter = {}): CaseCounts {
  const out = emptyCounts();
  for (const c of counts) {
    if (!matches(c, filter)) continue;
    const row = out[c.kind] as Record<string, number>;
    if (c.value in row) row[c.value] = (row[c.value] ?? 0) + c.n;
  }
  return out;
}

/** Screenings per month, for the months given, in their order. */
export function screeningsPerMonth(counts: readonly CaseCount[], months: readonly string[], filter: Omit<CaseFilter, 'month'> = {}): { month: string; count: number }[] {
  const per = new Map(months.map((m) => [m, 0]));
  for (const c of counts) {
    if (c.kind !== 'screened' || !matches(c, filter) || !per.has(c.month)) continue;
    per.set(c.month, per.get(c.month)! + c.n);
  }
  return months.map((month) => ({ month, count: per.get(month)! }));
}

/** The counters sorted by month, centre (those with none last), kind and value. */
export function sortedCounts(counts: readonly CaseCount[]): CaseCount[] {
  const order = (r: CaseCount) => [r.month, r.centre ?? '\uffff', r.kind, r.value].join('\u0000');
  return [...counts].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/** One week's count as it stands: the number, when it was recorded and by whom. */
export interface WeekCount {
  users: number;
  at: string;
  by?: StaffRef;
}

export interface CentreYear {
  centre: string;
  year: number;
  spring?: WeekCount;
  autumn?: WeekCount;
  /** Tabel 1: the average of the spring and the autumn count, once both are there (rounded to a whole user). */
  average?: number;
}

/**
 * Each week's latest record: the last in the order given, which is the order the store kept them
 * in (not the recording clock's, which may differ between instances); a removal takes it away.
 */
function latestCounts(weeks: readonly CountingWeek[]): Map<string, CountingWeek> {
  const latest = new Map<string, CountingWeek>();
  for (const w of weeks) latest.set(`${w.centre}\u0000${w.year}\u0000${w.season}`, w);
  return latest;
}

const weekCount = (w: CountingWeek): WeekCount => ({ users: w.users!, at: w.at, ...(w.by ? { by: w.by } : {}) });

/**
 * Users per week per centre and year: the spring and autumn counts as they stand and, once both
 * are there, their average (Tabel 1). Every year with a count; sorted by centre, newest year first.
 */
export function usersPerWeek(weeks: readonly CountingWeek[]): CentreYear[] {
  const years = new Map<string, CentreYear>();
  for (const w of latestCounts(weeks).values()) {
    if (w.users === null) continue;
    const key = `${w.centre}\u0000${w.year}`;
    const row = years.get(key) ?? { centre: w.centre, year: w.year };
    row[w.season] = weekCount(w);
    years.set(key, row);
  }
  return [...years.values()]
    .map((r) => (r.spring && r.autumn ? { ...r, average: Math.round((r.spring.users + r.autumn.users) / 2) } : r))
    .sort((a, b) => (a.centre < b.centre ? -1 : a.centre > b.centre ? 1 : b.year - a.year));
}

/** The count as it stands for one centre's week, or undefined (never counted, or removed). */
export function countOf(weeks: readonly CountingWeek[], centre: string, year: number, season: Season): WeekCount | undefined {
  const w = latestCounts(weeks).get(`${centre}\u0000${year}\u0000${season}`);
  return w && w.users !== null ? weekCount(w) : undefined;
}
