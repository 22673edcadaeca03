// Visit coordination figures for managers (goal 16): per month and service, doubles found and avoided, km and hours saved.
// Pure: the caller hands over the recorded events and the municipality's per-visit estimates (rules/visits.json).
import { calendarDay } from './overlap.js';

export interface VisitEvent {
  /** ISO date-time, a UTC instant. */
  at: string;
  service: string;
  kind: 'planned' | 'overlapFound' | 'avoidedJoint' | 'avoidedHandedOver' | 'keptWithReason';
}

export interface StatsRow {
  /** YYYY-MM in the municipality's time zone (Europe/Copenhagen). */
  month: string;
  service: string;
  planned: number;
  doubleFound: number;
  avoidedJoint: number;
  avoidedHandedOver: number;
  keptWithReason: number;
  kmSaved: number;
  hoursSaved: number;
}

type Counts = Pick<StatsRow, 'planned' | 'doubleFound' | 'avoidedJoint' | 'avoidedHandedOver' | 'keptWithReason'>;

const FIELD: Record<VisitEvent['kind'], keyof Counts> = {
  planned: 'planned',
  overlapFound: 'doubleFound',
  avoidedJoint: 'avoidedJoint',
  avoidedHandedOver: 'avoidedHandedOver',
  keptWithReason: 'keptWithReason',
};

const round1 = (n: number): number => Math.round(n * 10) / 10;
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Counts per month and service, sorted by month then service; saved km/hours = (avoidedJoint +
 * avoidedHandedOver) * perVisit figures, rounded to one decimal.
 */
export function visitStats(events: readonly VisitEvent[], perVisit: { km: number; staffHours: number }, timeZone: string = 'Europe/Copenhagen'): StatsRow[] {
  const rows = new Map<string, { month: string; service: string } & Counts>();
  for (const e of events) {
    // The month where the visit happens, not in UTC: 31 January 23:30 UTC is already February in Denmark.
    const month = calendarDay(e.at, timeZone).slice(0, 7);
    const key = `${month}\u0000${e.service}`;
    let row = rows.get(key);
    if (row === undefined) {
      row = { month, service: e.service, planned: 0, doubleFound: 0, avoidedJoint: 0, avoidedHandedOver: 0, keptWithReason: 0 };
      rows.set(key, row);
    }
    row[FIELD[e.kind]]++;
  }
  return [...rows.values()]
    .sort((a, b) => byString(a.month, b.month) || byString(a.service, b.service))
    .map((r) => {
      // A visit kept with a reason saved nothing; only the two ways of avoiding one did.
      const avoided = r.avoidedJoint + r.avoidedHandedOver;
      return { ...r, kmSaved: round1(avoided * perVisit.km), hoursSaved: round1(avoided * perVisit.staffHours) };
    });
}
