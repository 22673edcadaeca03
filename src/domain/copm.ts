// COPM arithmetic: the nine occupational areas, preselecting the most important problems, the
// performance and satisfaction scores, and the change at reassessment. The bot guides the procedure
// and computes; it never reproduces the licensed form's printed text (DOMAIN.md), so nothing here
// carries wording beyond the area keys.
export const COPM_AREAS = {
  selfCare: ['personalCare', 'functionalMobility', 'communityManagement'],
  productivity: ['paidUnpaidWork', 'householdManagement', 'playSchool'],
  leisure: ['quietRecreation', 'activeRecreation', 'socialisation'],
} as const;
export type CopmArea = keyof typeof COPM_AREAS;
export type CopmSubArea = (typeof COPM_AREAS)[CopmArea][number];

/** All nine, in the instrument's order, so lists and cards read the same everywhere. */
export const COPM_SUB_AREAS: readonly CopmSubArea[] = Object.values(COPM_AREAS).flat();

const AREA_OF = new Map<CopmSubArea, CopmArea>(
  (Object.keys(COPM_AREAS) as CopmArea[]).flatMap((area) => COPM_AREAS[area].map((sub) => [sub, area] as const)),
);

export function areaOf(sub: CopmSubArea): CopmArea {
  const area = AREA_OF.get(sub);
  // Only reachable if a caller casts an unchecked string to CopmSubArea.
  if (area === undefined) throw new Error(`Unknown COPM sub-area: ${String(sub)}`);
  return area;
}

export interface CopmProblem {
  id: string;
  /** The citizen's own words for the activity. */
  activity: string;
  subArea: CopmSubArea;
  importance: number;
  performance?: number;
  satisfaction?: number;
}

/** The instrument lets the citizen choose at most five problems to score. */
export const MAX_CHOSEN = 5;

/**
 * Preselect up to 5 by importance, highest first; ties keep the order they were added. Returns ids.
 * A larger `max` is capped at MAX_CHOSEN: the instrument scores no more than five. The citizen
 * still has the last word; this is only the starting selection.
 */
export function preselect(problems: readonly CopmProblem[], max: number = MAX_CHOSEN): string[] {
  const limit = Math.max(0, Math.min(Math.floor(max), MAX_CHOSEN));
  // Array.prototype.sort is stable, which is what keeps ties in the order they were added.
  return [...problems]
    .sort((a, b) => b.importance - a.importance)
    .slice(0, limit)
    .map((p) => p.id);
}

/** A rating on the 1-10 scale: whole numbers only, as the citizen picks a point on the scale. */
export function isScore(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 10;
}

/**
 * Mean of integer ratings in tenths, rounded half-up. Done in integers (sum*10/count, rounded by
 * (2a + b) / 2b) so 7.25 becomes 7.3 rather than whatever binary floating point makes of it.
 */
function meanTenths(values: readonly number[]): number {
  const sum = values.reduce((s, v) => s + v, 0);
  return Math.floor((20 * sum + values.length) / (2 * values.length));
}

interface Pair {
  performance: number;
  satisfaction: number;
}

function scored(p: CopmProblem): Pair | undefined {
  return isScore(p.performance) && isScore(p.satisfaction) ? { performance: p.performance, satisfaction: p.satisfaction } : undefined;
}

function meansInTenths(pairs: readonly Pair[]): Pair {
  return { performance: meanTenths(pairs.map((p) => p.performance)), satisfaction: meanTenths(pairs.map((p) => p.satisfaction)) };
}

/**
 * Mean of performance and of satisfaction over the chosen problems, rounded half-up to one decimal;
 * undefined if any chosen problem lacks a score or none chosen. A partial score would look like a
 * result while hiding the missing rating, so there is none until every chosen problem is rated.
 */
export function copmScores(chosen: readonly CopmProblem[]): { performance: number; satisfaction: number; count: number } | undefined {
  if (chosen.length === 0) return undefined;
  const pairs = chosen.map(scored);
  if (pairs.some((p) => p === undefined)) return undefined;
  const t = meansInTenths(pairs as Pair[]);
  return { performance: t.performance / 10, satisfaction: t.satisfaction / 10, count: chosen.length };
}

/** The manual's threshold: a change of 2 points or more is clinically important, either way. */
const IMPORTANT_TENTHS = 20;

export interface ProblemChange {
  id: string;
  activity: string;
  before?: { performance: number; satisfaction: number };
  after?: { performance: number; satisfaction: number };
  /** after - before; negative is a decline. Only when the problem was scored both times. */
  performanceChange?: number;
  satisfactionChange?: number;
  performanceImportant: boolean;
  satisfactionImportant: boolean;
  status: 'both' | 'new' | 'dropped';
}

export interface Reassessment {
  problems: ProblemChange[];
  /** Averages over the problems scored both times only, so the two figures compare like with like. */
  before?: { performance: number; satisfaction: number };
  after?: { performance: number; satisfaction: number };
  performanceChange?: number;
  satisfactionChange?: number;
  performanceImportant: boolean;
  satisfactionImportant: boolean;
}

/**
 * Problems matched by id. Change = new - old, per problem; averages over problems present (and
 * scored) both times only; new problems listed without change; a change of 2 or more (absolute,
 * |change| >= 2) is clinically important (also for a decline; report the sign). Never sum changes
 * across problems into one figure other than these averages (DOMAIN.md).
 *
 * The average change is the difference of the two rounded averages shown beside it, so the three
 * figures on a card always add up; it is computed in tenths, so 2.0 is exactly 2.0.
 * Order: the first assessment's problems as they were, then new ones as they were added.
 */
export function reassess(before: readonly CopmProblem[], after: readonly CopmProblem[]): Reassessment {
  const afterById = new Map(after.map((p) => [p.id, p]));
  const beforeIds = new Set(before.map((p) => p.id));
  const shared: { before: Pair; after: Pair }[] = [];

  const problems: ProblemChange[] = before.map((old) => {
    const now = afterById.get(old.id);
    const b = scored(old);
    if (now === undefined) {
      return { id: old.id, activity: old.activity, ...(b && { before: b }), performanceImportant: false, satisfactionImportant: false, status: 'dropped' };
    }
    const a = scored(now);
    // The later wording wins: the citizen may have put the activity differently the second time.
    const change: ProblemChange = { id: old.id, activity: now.activity, ...(b && { before: b }), ...(a && { after: a }), performanceImportant: false, satisfactionImportant: false, status: 'both' };
    if (a && b) {
      shared.push({ before: b, after: a });
      change.performanceChange = a.performance - b.performance;
      change.satisfactionChange = a.satisfaction - b.satisfaction;
      change.performanceImportant = Math.abs(change.performanceChange) >= 2;
      change.satisfactionImportant = Math.abs(change.satisfactionChange) >= 2;
    }
    return change;
  });

  for (const now of after) {
    if (beforeIds.has(now.id)) continue;
    const a = scored(now);
    problems.push({ id: now.id, activity: now.activity, ...(a && { after: a }), performanceImportant: false, satisfactionImportant: false, status: 'new' });
  }

  if (shared.length === 0) return { problems, performanceImportant: false, satisfactionImportant: false };
  const b = meansInTenths(shared.map((s) => s.before));
  const a = meansInTenths(shared.map((s) => s.after));
  const dp = a.performance - b.performance;
  const ds = a.satisfaction - b.satisfaction;
  return {
    problems,
    before: { performance: b.performance / 10, satisfaction: b.satisfaction / 10 },
    after: { performance: a.performance / 10, satisfaction: a.satisfaction / 10 },
    performanceChange: dp / 10,
    satisfactionChange: ds / 10,
    performanceImportant: Math.abs(dp) >= IMPORTANT_TENTHS,
    satisfactionImportant: Math.abs(ds) >= IMPORTANT_TENTHS,
  };
}
