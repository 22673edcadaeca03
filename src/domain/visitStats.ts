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

const HEADER = ['Måned', 'Tilbud', 'Planlagte besøg', 'Dobbeltbesøg fundet', 'Undgået: fælles besøg', 'Undgået: overdraget', 'Fastholdt med begrundelse', 'Sparede km', 'Sparede timer'];

/** Danish Excel reads "12,5" as a number; "12.5" would become a date or text. */
const decimal = (n: number): string => n.toFixed(1).replace('.', ',');

function cell(value: string): string {
  // A leading = + - @ makes Excel evaluate the cell as a formula (CSV injection); a quote makes it text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * CSV with a header line, semicolon-separated (Danish Excel uses the comma as decimal mark, so it
 * splits on semicolons), decimal comma, one row per StatsRow, Danish column names. Lines end in
 * "\n", the last one too.
 */
export function statsCsv(rows: readonly StatsRow[], options: { savings?: boolean } = {}): string {
  // Without the municipality's own figures per visit, no savings columns (a placeholder is no figure).
  const savings = options.savings !== false;
  const lines = [(savings ? HEADER : HEADER.slice(0, -2)).join(';')];
  for (const r of rows) {
    lines.push(
      [
        cell(r.month),
        cell(r.service),
        String(r.planned),
        String(r.doubleFound),
        String(r.avoidedJoint),
        String(r.avoidedHandedOver),
        String(r.keptWithReason),
        ...(savings ? [decimal(r.kmSaved), decimal(r.hoursSaved)] : []),
      ].join(';'),
    );
  }
  return lines.join('\n') + '\n';
}
