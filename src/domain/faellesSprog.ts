// Visitation against Fælles Sprog criteria: sets in force, areas to score, and met or not, explained.
// The criteria are data (rules/visitation/*.json): municipalities set their own, the vocabulary
// changes (Fælles Sprog III) and the law moves (Ældreloven from 1 July 2025), so nothing here
// knows an area code or a threshold.
import { AREA_WEIGHTS, VISITATION_OFFERS, type AreaWeight, type CriteriaNode, type ScaleStep, type VisitationOffer, type VisitationRuleSet, type VocabularyArea } from './ruleTypes.js';

export { AREA_WEIGHTS, VISITATION_OFFERS, type AreaWeight, type VisitationOffer };

/**
 * FSIII "Resultat af opfølgning": E1 continue (Fortsættes), E2 change within the frame (Ændres inden
 * for rammen), E3 end (Afsluttes), E4 revisitation (Revisitation). The code, not the Danish wording,
 * is what a follow-up stores, so it survives a change of wording.
 */
export const FOLLOW_UP_RESULTS = ['E1', 'E2', 'E3', 'E4'] as const;
export type FollowUpResult = (typeof FOLLOW_UP_RESULTS)[number];

/** Area code -> the scale value the visitator chose. */
export type Scores = Record<string, number>;

export interface ScoreProblem {
  code: string;
  name: string;
  problem: 'missing' | 'notOnScale';
}

interface ExplainedLeafBase {
  area: string;
  name: string;
  score: number;
  /** The score is marked notRelevant on the scale (9): it never counts as a limitation. */
  notRelevant: boolean;
  met: boolean;
}
export type ExplainedNode =
  | { all: ExplainedNode[]; met: boolean }
  | { any: ExplainedNode[]; met: boolean }
  | { not: ExplainedNode; met: boolean }
  | (ExplainedLeafBase & { atLeast: number })
  | (ExplainedLeafBase & { atMost: number });

export interface Evaluation {
  met: boolean;
  explanation: ExplainedNode;
}

export interface AssessedSet {
  /** What a decision must record: the set, its version and the legal basis it rests on. */
  set: {
    id: string;
    version: string;
    title: string;
    offer: VisitationOffer;
    legalBasis: string;
    legalReview: boolean;
    reviewNote?: string;
  };
  evaluation: Evaluation;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Y-M-D parts of a real calendar date, or an Error: a malformed date would compare wrongly as a string. */
function ymd(date: string): [number, number, number] {
  const m = DATE.exec(date);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  if (!m || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new Error(`Not a date as YYYY-MM-DD: "${date}"`);
  return [y, mo, d];
}

/** The sets in force on `date`, both ends included; effectiveTo null is open. ISO dates compare as strings. */
export function inForce(sets: readonly VisitationRuleSet[], date: string): VisitationRuleSet[] {
  ymd(date);
  return sets.filter((s) => s.effectiveFrom <= date && (s.effectiveTo === null || date <= s.effectiveTo));
}

/**
 * The sets must share one vocabulary (by id; the loader refuses two files that give the same id
 * different contents): scores are keyed by its area codes, so mixing vocabularies would compare
 * "3 Mobilitet" with whatever another list numbers 3.
 */
function sharedVocabulary(sets: readonly VisitationRuleSet[]): VisitationRuleSet['vocabulary'] | undefined {
  const ids = [...new Set(sets.map((s) => s.vocabulary.id))];
  if (ids.length > 1) {
    throw new Error(`The rule sets use different vocabularies (${ids.join(', ')}); scores can only be given in one vocabulary at a time`);
  }
  return sets[0]?.vocabulary;
}

function areaCodesIn(node: CriteriaNode, into: Set<string>): Set<string> {
  if ('all' in node) node.all.forEach((n) => areaCodesIn(n, into));
  else if ('any' in node) node.any.forEach((n) => areaCodesIn(n, into));
  else if ('not' in node) areaCodesIn(node.not, into);
  else into.add(node.area);
  return into;
}

/** The areas any of the sets' criteria use, once each, in vocabulary order: the areas to score. */
export function areasOf(sets: readonly VisitationRuleSet[]): VocabularyArea[] {
  const vocabulary = sharedVocabulary(sets);
  if (vocabulary === undefined) return [];
  const used = new Set<string>();
  for (const s of sets) areaCodesIn(s.criteria, used);
  return vocabulary.areas.filter((a) => used.has(a.code));
}

/** The scale to offer for every area, notRelevant step included; empty when no set is given. */
export function scaleOf(sets: readonly VisitationRuleSet[]): ScaleStep[] {
  return sharedVocabulary(sets)?.scale ?? [];
}

function scoreProblem(score: unknown, scale: readonly ScaleStep[]): ScoreProblem['problem'] | undefined {
  if (score === undefined) return 'missing';
  return scale.some((s) => s.value === score) ? undefined : 'notOnScale';
}

/** A problem for each area the criteria use whose score is missing or not a value on the scale; empty when all are fine. Other keys are ignored. */
export function validateScores(sets: readonly VisitationRuleSet[], scores: Scores): ScoreProblem[] {
  const scale = scaleOf(sets);
  return areasOf(sets).flatMap((a) => {
    const problem = scoreProblem(Object.hasOwn(scores, a.code) ? scores[a.code] : undefined, scale);
    return problem ? [{ code: a.code, name: a.name, problem }] : [];
  });
}

/**
 * Every node is evaluated (no short-cut), so the explanation shows each area's part even where the
 * result was already decided.
 *
 * A score marked notRelevant (9, "Ikke relevant": the area was considered and does not apply) says
 * nothing about a limitation in the area, so a leaf on it is never met: not `atLeast` (it is not a
 * severe limitation) and not `atMost` either (it is not evidence of a small one). Under `not`, that
 * false becomes true: a rule author who writes `not` means "not shown to be this limited".
 */
export function evaluate(set: VisitationRuleSet, scores: Scores): Evaluation {
  const { scale, areas } = set.vocabulary;
  const problems = validateScores([set], scores);
  if (problems.length > 0) {
    // A missing score must not quietly count as "not limited": check with validateScores first.
    throw new Error(`Cannot evaluate ${set.id} ${set.version}: ${problems.map((p) => `area ${p.code} (${p.name}) ${p.problem === 'missing' ? 'has no score' : `score ${String(scores[p.code])} is not on the scale`}`).join('; ')}`);
  }
  const explain = (node: CriteriaNode): ExplainedNode => {
    if ('all' in node) {
      const all = node.all.map(explain);
      return { all, met: all.every((n) => n.met) };
    }
    if ('any' in node) {
      const any = node.any.map(explain);
      return { any, met: any.some((n) => n.met) };
    }
    if ('not' in node) {
      const not = explain(node.not);
      return { not, met: !not.met };
    }
    const score = scores[node.area]!;
    const name = areas.find((a) => a.code === node.area)!.name;
    const notRelevant = scale.find((s) => s.value === score)!.notRelevant === true;
    if ('atLeast' in node) return { area: node.area, name, atLeast: node.atLeast, score, notRelevant, met: !notRelevant && score >= node.atLeast };
    return { area: node.area, name, atMost: node.atMost, score, notRelevant, met: !notRelevant && score <= node.atMost };
  };
  const explanation = explain(set.criteria);
  return { met: explanation.met, explanation };
}

/** Each set in force on `date`, in the order given, with what a decision must record about it and its evaluation. */
export function assess(sets: readonly VisitationRuleSet[], scores: Scores, date: string): AssessedSet[] {
  const current = inForce(sets, date);
  sharedVocabulary(current);
  return current.map((s) => ({
    set: {
      id: s.id,
      version: s.version,
      title: s.title,
      offer: s.offer,
      legalBasis: s.legalBasis,
      legalReview: s.legalReview,
      ...(s.reviewNote !== undefined && { reviewNote: s.reviewNote }),
    },
    evaluation: evaluate(s, scores),
  }));
}

/** Single services (meals, training) only for a citizen who meets the centre criteria (seed 001 "Enkeltydelserne"). */
export function singleServicesAllowed(assessment: readonly AssessedSet[]): boolean {
  return assessment.some((a) => a.set.offer === 'centre' && a.evaluation.met);
}

/**
 * The last day of a home course: the home offer runs at most 3 months (seed 001), counted as the
 * same day 3 calendar months later, or that month's last day when the day does not exist there
 * (30 November -> 28 or 29 February). Plain Y-M-D arithmetic, so no time zone can move the day.
 */
export function homeOfferEnd(start: string): string {
  const [y, m, d] = ymd(start);
  const months = y * 12 + (m - 1) + 3;
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  const day = Math.min(d, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
