// The managers' figures beyond visits (issue 17): users per week per centre (Tabel 1 in seed 002),
// screenings by outcome, referrals and decisions by offer, per centre and month. Pure: the caller
// hands over the recorded anonymous events (store caseEvents).
import { calendarDay } from './overlap.js';

export type Season = 'spring' | 'autumn';
export const SCREENING_OUTCOMES = ['club', 'preventive', 'referral', 'outside'] as const;
export const REFERRAL_SOURCES = ['screening', 'direct'] as const;
export const DECISION_OFFERS = ['centre', 'home', 'single', 'refused', 'notCase'] as const;

/** `centre`: the activity centre (an id in rules/organisation.json) an event belongs to, where one is known. */
export type CaseEvent = { at: string; centre?: string } & (
  | { kind: 'screened'; outcome: (typeof SCREENING_OUTCOMES)[number] }
  | { kind: 'referred'; source: (typeof REFERRAL_SOURCES)[number] }
  | { kind: 'decided'; offer: (typeof DECISION_OFFERS)[number] }
  /** A counting week (Tabel 1): distinct users at a centre in its spring or autumn week; a later count of the same week replaces it. */
  | { kind: 'counted'; centre: string; year: number; season: Season; users: number }
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

export interface CentreYear {
  centre: string;
  year: number;
  spring?: number;
  autumn?: number;
  /** Tabel 1: the average of the spring and the autumn count, once both are there (rounded to a whole user). */
  average?: number;
}

/**
 * Users per week per centre: for each centre its latest year with a count, the spring and autumn
 * counts of that year (a count recorded again for the same week replaces the earlier one) and
 * their average. Sorted by centre id.
 */
export function usersPerWeek(events: readonly CaseEvent[]): CentreYear[] {
  const latest = new Map<string, { at: string; users: number }>();
  for (const e of events) {
    if (e.kind !== 'counted') continue;
    const key = `${e.centre}\u0000${e.year}\u0000${e.season}`;
    const seen = latest.get(key);
    if (!seen || seen.at <= e.at) latest.set(key, { at: e.at, users: e.users });
  }
  const years = new Map<string, CentreYear>();
  for (const [key, { users }] of latest) {
    const [centre, y, season] = key.split('\u0000') as [string, string, Season];
    const year = Number(y);
    const have = years.get(centre);
    if (have && have.year > year) continue;
    const row: CentreYear = have && have.year === year ? have : { centre, year };
    row[season] = users;
    years.set(centre, row);
  }
  return [...years.values()]
    .map((r) => (r.spring !== undefined && r.autumn !== undefined ? { ...r, average: Math.round((r.spring + r.autumn) / 2) } : r))
    .sort((a, b) => (a.centre < b.centre ? -1 : a.centre > b.centre ? 1 : 0));
}

/** The count recorded for one centre's week (the latest, if it was recorded again), or undefined. */
export function countOf(events: readonly CaseEvent[], centre: string, year: number, season: Season): number | undefined {
  let latest: { at: string; users: number } | undefined;
  for (const e of events) if (e.kind === 'counted' && e.centre === centre && e.year === year && e.season === season && (!latest || latest.at <= e.at)) latest = { at: e.at, users: e.users };
  return latest?.users;
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
