// Visit coordination (seed 002, goal 16): which colleagues' visits to the same citizen lie close to a planned one,
// including those the planner goes on too.
// Pure: the caller fetches the citizen's visits; nothing here reads a store or a clock.
// Closeness is counted in calendar days where the citizen lives, not in hours: staff plan by the
// day ("Tuesday and Wednesday"), and a 24-hour window would call 23:30 and 00:30 the next day the
// same day while missing two visits on the same calendar day 23 hours apart across a DST change.

export interface StaffRef {
  tenantId: string;
  aadObjectId: string;
}

export interface VisitLike {
  id: string;
  citizenId: string;
  staff: StaffRef;
  /** ISO date-time, a UTC instant. */
  at: string;
  /** 'draft' (held back while its planner decides about an overlap) is accepted so the store's Visit fits, and never counted. */
  status: 'draft' | 'planned' | 'done' | 'cancelled';
  service: string;
  /** Colleagues who already go on this visit together with its staff member. */
  jointWith?: StaffRef[];
}

/**
 * How the candidate's staff member stands to the colleague's visit near theirs: 'joined' when they
 * already go on it together. The citizen is visited twice either way; only a visit they are not on
 * can be coordinated or merged with.
 */
export type OverlapRelation = 'colleague' | 'joined';

export interface Overlap {
  visit: VisitLike;
  /** Signed: the colleague's day minus the candidate's day (negative = before). */
  days: number;
  relation: OverlapRelation;
}

const DEFAULT_TIME_ZONE = 'Europe/Copenhagen';

// Building a DateTimeFormat costs far more than using one; a lookup of a citizen's visits calls
// calendarDay once per visit, so formatters are kept per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // en-US with the Gregorian calendar and Latin digits, so the parts are plain numbers whatever
    // the host's default locale.
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', calendar: 'gregory', numberingSystem: 'latn' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The calendar day of an instant in a time zone, 'YYYY-MM-DD' (default Europe/Copenhagen). */
export function calendarDay(at: string, timeZone: string = DEFAULT_TIME_ZONE): string {
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`Not a date-time: ${JSON.stringify(at)}`);
  let year = '';
  let month = '';
  let day = '';
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(d: string): number {
  const m = DAY.exec(d);
  if (m === null) throw new RangeError(`Not a day as YYYY-MM-DD: ${JSON.stringify(d)}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

/** Whole calendar days from day a to day b (b - a), by Y-M-D arithmetic (no DST effects). */
export function daysBetween(a: string, b: string): number {
  // Both days as midnight UTC: UTC has no DST, so every day is exactly 86,400,000 ms.
  return dayNumber(b) - dayNumber(a);
}

const sameStaff = (a: StaffRef, b: StaffRef): boolean => a.tenantId === b.tenantId && a.aadObjectId === b.aadObjectId;

/**
 * Colleagues' visits to the same citizen, planned or done (not cancelled, not a draft), within
 * `windowDays` calendar days either side (inclusive) of the candidate's day in `timeZone`,
 * including visits the candidate's staff member joins (jointWith: relation 'joined'). Left out:
 * the candidate visit itself (same id) and the staff member's own visits, which they plan as a
 * series themselves (a weekly follow-up is not a double visit). Sorted by |days|, then time.
 */
export function findOverlaps(
  candidate: { id?: string; citizenId: string; staff: StaffRef; at: string },
  visits: readonly VisitLike[],
  windowDays: number,
  timeZone: string = DEFAULT_TIME_ZONE,
): Overlap[] {
  if (!Number.isInteger(windowDays) || windowDays < 0) throw new RangeError(`windowDays must be a whole number of days, 0 or more: ${windowDays}`);
  const candidateDay = calendarDay(candidate.at, timeZone);
  const found: { overlap: Overlap; time: number }[] = [];
  for (const visit of visits) {
    // The cheap checks first, so a list holding other citizens' visits costs little per visit.
    if (visit.citizenId !== candidate.citizenId) continue;
    // Only visits that will or did happen: not cancelled ones, nor another planner's undecided draft.
    if (visit.status !== 'planned' && visit.status !== 'done') continue;
    if (candidate.id !== undefined && visit.id === candidate.id) continue;
    // Their own visits: one person plans their own series, and cannot coordinate with themself.
    if (sameStaff(visit.staff, candidate.staff)) continue;
    const days = daysBetween(candidateDay, calendarDay(visit.at, timeZone));
    if (Math.abs(days) > windowDays) continue;
    // Going on a colleague's visit does not make a second visit on another day harmless: the
    // citizen is still visited twice, so it counts, named for what it is.
    const relation: OverlapRelation = visit.jointWith?.some((s) => sameStaff(s, candidate.staff)) ? 'joined' : 'colleague';
    found.push({ overlap: { visit, days, relation }, time: Date.parse(visit.at) });
  }
  // Nearest day first; on a day, earliest first; the id last so the order never depends on input order.
  found.sort(
    (a, b) =>
      Math.abs(a.overlap.days) - Math.abs(b.overlap.days) ||
      a.time - b.time ||
      (a.overlap.visit.id < b.overlap.visit.id ? -1 : a.overlap.visit.id > b.overlap.visit.id ? 1 : 0),
  );
  return found.map((f) => f.overlap);
}
