// The managers' figures and the centres' counting weeks (issue 17): counts only, never a citizen.
//   stats.ts   "statistik": users per week per centre, screenings, referrals and decisions per
//              centre and month, visits per service; the CSV file
//   count.ts   "tælleuge": a centre records its spring or autumn counting week (Tabel 1)
//   common.ts  the counting-week line and the CSV's rows, which both use
// Screens: cards/figures/<screen>.json, their data typed in cards/figures/types.ts. What the figures
// count is counted where it happens (src/flows/shared/figures.ts: a screening's outcome, a referral,
// a decision; visit events in the visits flow). The verb keeps its old name, visits.stats, so cards
// already sent in Teams still open the figures.
import { cardCommand } from '../shared/replies.js';
import type { Flow } from '../types.js';
import { countVerbs } from './count.js';
import { statsVerbs } from './stats.js';

const verbs = { ...statsVerbs, ...countVerbs };

export const figuresFlow = {
  commands: {
    stats: cardCommand('stats', verbs['visits.stats'], 'visits.stats.title'),
    countingWeek: cardCommand('countingWeek', verbs['figures.countStart'], 'figures.count.title'),
  },
  verbs,
} satisfies Flow;
