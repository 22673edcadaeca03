// Visitation (seed 001): referrals reach the visitators' channel as cards with no personal data, a
// visitator takes one, scores the citizen in Fælles Sprog by the rule sets in force, decides, and
// the centre gets the advis. Nothing is lost on the way: the queue holds every open referral whether
// or not the channel got its card, and the outbox keeps trying.
//   common.ts       loading a referral from a card, access (visitators act, the holder decides), helpers
//   channelCard.ts  the channel card: posted for each new referral, updated in place
//   channel.ts      setting the visitators' channel
//   queue.ts        the queue of open referrals
//   direct.ts       a direct referral by any staff member
//   take.ts         open, take, refuse, hand over
//   details.ts      the details (personal chat only; audited)
//   triage.ts       Fælles Sprog scoring and what the criteria say
//   decide.ts       the decision
//   advis.ts        the advis to the centre; a direct referral's citizen received by one centre colleague
//   letter.ts       the draft decision letter
//   followUp.ts     yearly status and the end of a home course
// Each screen is its own template, cards/visitation/<screen>.json, with the type of its data in
// cards/visitation/types.ts: the flow picks the words, values and errors; the template lays them out.
import type { Flow } from '../types.js';
import { channelVerbs, setChannelCommand } from './channel.js';
import { advisVerbs } from './advis.js';
import { decideVerbs } from './decide.js';
import { directVerbs, referCommand } from './direct.js';
import { followUpVerbs } from './followUp.js';
import { queueCommand, queueVerbs } from './queue.js';
import { takeVerbs } from './take.js';
import { triageVerbs } from './triage.js';

export { listenForReferralCards } from './channelCard.js';
export { remindFollowUps } from './followUp.js';

export const visitationFlow = {
  commands: { queue: queueCommand, refer: referCommand, setChannel: setChannelCommand },
  verbs: { ...channelVerbs, ...queueVerbs, ...directVerbs, ...takeVerbs, ...triageVerbs, ...decideVerbs, ...advisVerbs, ...followUpVerbs },
} satisfies Flow;
