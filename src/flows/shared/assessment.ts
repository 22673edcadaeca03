// A Fælles Sprog assessment in words, for the citizen's letter and the access-request document:
// each area as the rule sets in force name it, and its score as the scale names it.
import { areasOf, inForce, scaleOf, type Scores } from '../../domain/faellesSprog.js';
import type { VisitationRuleSet } from '../../domain/ruleTypes.js';
import { t, type Lang } from '../../i18n/index.js';

/**
 * Each area scored, by the vocabulary of the rule sets in force on `date` (YYYY-MM-DD): "Mobilitet:
 * svære begrænsninger (3)"; a score marked not relevant says so.
 */
export function assessmentInWords(L: Lang, ruleSets: readonly VisitationRuleSet[], scores: Scores, date: string): string[] {
  const sets = inForce(ruleSets, date);
  const scale = scaleOf(sets);
  return areasOf(sets)
    .filter((a) => scores[a.code] !== undefined)
    .map((a) => {
      const score = scores[a.code]!;
      const step = scale.find((s) => s.value === score);
      const words = step ? step.label.charAt(0).toLowerCase() + step.label.slice(1) : String(score);
      return t(L, step?.notRelevant ? 'letter.areaNotRelevant' : 'letter.area', { area: a.name, words, score });
    });
}
