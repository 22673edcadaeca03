// The managers' figures beyond visits (issue 17): users per week per centre (Tabel 1 in seed 002),
// screenings by outcome, referrals and decisions by offer, per centre and month. Pure: the caller
// hands over the recorded anonymous events (store caseEvents).
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

/** `centre`: the activity centre (an id in rules/organisation.json) an event belongs to, where one is known. */
export type CaseEvent = { at: string; centre?: string } & (
  | { kind: 'screened'; outcome: (typeof SCREENING_OUTCOMES)[number] }
  | { kind: 'referred'; source: (typeof REFERRAL_SOURCES)[number] }
  | { kind: 'decided'; offer: (typeof DECISION_OFFERS)[number] }
  /**
   * A counting week (Tabel 1): distinct users at a centre in its spring or autumn week; a later
   * record of the same week replaces it, `users: null` removes it. `by`: who recorded it (an
   * official figure has an author); the only case event that names a person, and never a citizen.
   */
  | { kind: 'counted'; centre: string; year: number; season: Season; users: number | null; by?: StaffRef }
);

export interface CaseCounts {
  screened: Record<(typeof SCREENING_OUTCOMES)[number], number>;
  referred: Record<(typeof REFERRAL_SOURCES)[number], number>;
  decided: Record<(typeof DECISION_OFFERS)[number], number>;
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export function emptyCounts(): CaseCounts {
  return { screened: zeros(SCREENING_OUTCOMES), referred: zeros(REFERRAL_SOURCES), decided: zeros(DECISION_OFFERS) };
}

/** Which events count: one centre (`null`: those with no centre; absent: all), one month (YYYY-MM, local) or all. */
export interface CaseFilter {
  centre?: string | null;
  month?: string;
  timeZone?: string;
}

export const monthOf = (at: string, timeZone = 'Europe/Copenhagen'): string => calendarDay(at, timeZone).slice(0, 7);

function matches(e: CaseEvent, filter: CaseFilter): boolean {
  if (filter.centre !== undefined && (e.centre ?? null) !== filter.centre) return false;
  return filter.month === undefined || monthOf(e.at, filter.timeZone) === filter.month;
}

/** Screenings by outcome, referrals by where they came from, decisions by offer. */
export function caseCounts(events: readonly CaseEvent[], filter: CaseFilter = {}): CaseCounts {
  const counts = emptyCounts();
  for (const e of events) {
    if (!matches(e, filter)) continue;
    if (e.kind === 'screened') counts.screened[e.outcome]++;
    else if (e.kind === 'referred') counts.referred[e.source]++;
    else if (e.kind === 'decided') counts.decided[e.offer]++;
  }
  return counts;
}

/** Screenings per month (YYYY-MM, local), for the months given, in their order. */
export function screeningsPerMonth(events: readonly CaseEvent[], months: readonly string[], filter: Omit<CaseFilter, 'month'> = {}): { month: string; count: number }[] {
  const per = new Map(months.map((m) => [m, 0]));
  for (const e of events) {
    if (e.kind !== 'screened' || !matches(e, filter)) continue;
    const m = monthOf(e.at, filter.timeZone);
    if (per.has(m)) per.set(m, per.get(m)! + 1);
  }
  return months.map((month) => ({ month, count: per.get(month)! }));
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

/** Each week's latest record (a count recorded again replaces it; a removal takes it away). */
function latestCounts(events: readonly CaseEvent[]): Map<string, { centre: string; year: number; season: Season; at: string; users: number | null; by?: StaffRef }> {
  const latest = new Map<string, { centre: string; year: number; season: Season; at: string; users: number | null; by?: StaffRef }>();
  for (const e of events) {
    if (e.kind !== 'counted') continue;
    const key = `${e.centre}\u0000${e.year}\u0000${e.season}`;
    const seen = latest.get(key);
    if (!seen || seen.at <= e.at) latest.set(key, { centre: e.centre, year: e.year, season: e.season, at: e.at, users: e.users, by: e.by });
  }
  return latest;
}

/**
 * Users per week per centre and year: the spring and autumn counts as they stand and, once both
 * are there, their average (Tabel 1). Every year with a count; sorted by centre, newest year first.
 */
export function usersPerWeek(events: readonly CaseEvent[]): CentreYear[] {
  const years = new Map<string, CentreYear>();
  for (const c of latestCounts(events).values()) {
    if (c.users === null) continue;
    const key = `${c.centre}\u0000${c.year}`;
    const row = years.get(key) ?? { centre: c.centre, year: c.year };
    row[c.season] = { users: c.users, at: c.at, ...(c.by ? { by: c.by } : {}) };
    years.set(key, row);
  }
  return [...years.values()]
    .map((r) => (r.spring && r.autumn ? { ...r, average: Math.round((r.spring.users + r.autumn.users) / 2) } : r))
    .sort((a, b) => (a.centre < b.centre ? -1 : a.centre > b.centre ? 1 : b.year - a.year));
}

/** The count as it stands for one centre's week, or undefined (never counted, or removed). */
export function countOf(events: readonly CaseEvent[], centre: string, year: number, season: Season): WeekCount | undefined {
  const c = latestCounts(events).get(`${centre}\u0000${year}\u0000${season}`);
  return c && c.users !== null ? { users: c.users, at: c.at, ...(c.by ? { by: c.by } : {}) } : undefined;
}

/** The case events as rows of (month, centre, what, how many), sorted; zero counts left out. */
export function caseRows(events: readonly CaseEvent[], timeZone = 'Europe/Copenhagen'): { month: string; centre?: string; kind: 'screened' | 'referred' | 'decided'; value: string; count: number }[] {
  const rows = new Map<string, { month: string; centre?: string; kind: 'screened' | 'referred' | 'decided'; value: string; count: number }>();
  for (const e of events) {
    if (e.kind === 'counted') continue;
    const value = e.kind === 'screened' ? e.outcome : e.kind === 'referred' ? e.source : e.offer;
    const month = monthOf(e.at, timeZone);
    const key = [month, e.centre ?? '', e.kind, value].join('\u0000');
    const row = rows.get(key) ?? { month, centre: e.centre, kind: e.kind, value, count: 0 };
    row.count++;
    rows.set(key, row);
  }
  const order = (r: { month: string; centre?: string; kind: string; value: string }) => [r.month, r.centre ?? '\uffff', r.kind, r.value].join('\u0000');
  return [...rows.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}
