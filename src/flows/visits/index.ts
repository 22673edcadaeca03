// Visit coordination (seed 002, goal 16): staff attach themselves to citizens through a service, plan
// home visits, and are stopped before a double visit with three choices: coordinate, join, or plan
// anyway with a reason. Citizens can be shared (the managers' figures: src/flows/figures).
//   common.ts      who may do what (services by role, citizens by attachment), shared helpers
//   citizens.ts    my citizens, attaching and detaching, a citizen's visits
//   plan.ts        planning, the double-visit warning and its choices
//   coordinate.ts  asking the colleague, and the colleague's four answers
//   week.ts        my visits, moving and cancelling (colleagues concerned are told)
//   share.ts       sharing a citizen with a colleague
//   assign.ts      a manager assigns a colleague to a citizen
// Each screen's look is its own template, cards/visits/<screen>.json, with its data typed in
// cards/visits/types.ts; the code here chooses what a screen shows (texts, values, errors, buttons).
import { cardCommand } from '../shared/replies.js';
import type { Flow } from '../types.js';
import { assignVerbs } from './assign.js';
import { citizenVerbs } from './citizens.js';
import { coordinateVerbs } from './coordinate.js';
import { planVerbs } from './plan.js';
import { shareVerbs } from './share.js';
import { weekVerbs } from './week.js';

const verbs = { ...citizenVerbs, ...planVerbs, ...coordinateVerbs, ...weekVerbs, ...shareVerbs, ...assignVerbs };

export const visitsFlow = {
  commands: {
    visits: cardCommand('visits', verbs['visits.week'], 'flow.visits.title'),
    myCitizens: cardCommand('visits', verbs['visits.mine'], 'flow.visits.title'),
    planVisit: cardCommand('visits', verbs['visits.planStart'], 'flow.visits.title'),
    shareCitizen: cardCommand('visits', verbs['visits.shareStart'], 'flow.visits.title'),
    assignCitizen: cardCommand('assignCitizen', verbs['visits.assignStart'], 'flow.assign.title'),
  },
  verbs,
} satisfies Flow;
