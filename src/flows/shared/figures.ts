// The managers' case figures, counted where a case step happens (screening outcome, referral,
// decision): one counter per month, centre and outcome (src/domain/caseStats.ts), never an event.
import { monthOf, type CaseKey } from '../../domain/caseStats.js';
import type { Services } from '../types.js';

/** This month (YYYY-MM) in the municipality's time zone (rules/visits.json). */
export const caseMonth = (services: Services): string => monthOf(services.clock.now().toISOString(), services.rules.visits.timeZone);

/** One more of `key` this month, for `centre` (an id in rules/organisation.json) if one is known. */
export async function countCase(services: Services, key: CaseKey, centre: string | undefined): Promise<void> {
  await services.store.caseCounts.add({ ...key, month: caseMonth(services), ...(centre ? { centre } : {}) });
}
