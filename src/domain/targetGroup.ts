// Which of the three offers a citizen's target-group profile points to (seed 000): club, preventive
// or a referral to visitation. The mapping lives in a dated rule set (rules/targetGroups.json), so a
// stored decision can be recomputed later from its inputs and the rule set that was in force.
import { TRANSPORT_NEEDS, OFFER_LEVELS, type OfferLevel, type TargetGroupRules, type TransportNeed } from './ruleTypes.js';

export { TRANSPORT_NEEDS, OFFER_LEVELS, type OfferLevel, type TransportNeed };

export const SUPPORT_LEVELS = ['none', 'lightModerate', 'extensiveComplete'] as const;
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];

export interface Profile {
  activitySupport: SupportLevel;
  relationSupport: SupportLevel;
  careDuringHours: boolean;
  transport: TransportNeed;
}
export type ProfileAnswer = keyof Profile;

/** Profile key order: explanations name deciding answers in the order the questions are asked. */
export const PROFILE_ANSWERS = ['activitySupport', 'relationSupport', 'careDuringHours', 'transport'] as const satisfies readonly ProfileAnswer[];

export interface Eligibility {
  livesAtHome: boolean;
  needsSpecialStaff: boolean;
}

export type Outcome =
  | { kind: 'outside'; reasons: ('notAtHome' | 'specialStaff')[] }
  | {
      kind: 'club' | 'preventive' | 'referral';
      level: OfferLevel;
      decidedBy: ProfileAnswer[];
      perAnswer: Record<ProfileAnswer, OfferLevel>;
      transport?: { granted: boolean; because?: TransportNeed };
      legalBasis: string;
      visitation: boolean;
      ruleSet: { id: string; version: string };
    };

function levelOf(answer: ProfileAnswer, profile: Profile, rules: TargetGroupRules): OfferLevel {
  const a = rules.answers;
  switch (answer) {
    case 'activitySupport':
      return a.activitySupport[profile.activitySupport];
    case 'relationSupport':
      return a.relationSupport[profile.relationSupport];
    case 'careDuringHours':
      // JSON object keys are strings, so the rule file spells the boolean answers "true"/"false".
      return a.careDuringHours[profile.careDuringHours ? 'true' : 'false'];
    case 'transport':
      return a.transport[profile.transport];
  }
}

const KIND: Record<OfferLevel, 'club' | 'preventive' | 'referral'> = {
  club: 'club',
  preventive: 'preventive',
  // The maintenance offer is granted by visitation (§86 stk. 2), never by centre staff.
  maintenance: 'referral',
};

/**
 * Eligibility first: a citizen who does not live at home or needs specially trained staff is outside
 * all three offers, with every reason, and is not referred to activity visitation (seed 001).
 * Otherwise each answer points to a level and the answer needing the most support decides; every
 * answer at that level is named, so the explanation shows all of them. COPM scores are not an input:
 * they document the citizen's view, they do not decide the offer (DOMAIN.md).
 */
export function decide(eligibility: Eligibility, profile: Profile, rules: TargetGroupRules): Outcome {
  const reasons: ('notAtHome' | 'specialStaff')[] = [];
  if (!eligibility.livesAtHome) reasons.push('notAtHome');
  if (eligibility.needsSpecialStaff) reasons.push('specialStaff');
  if (reasons.length > 0) return { kind: 'outside', reasons };

  const perAnswer = Object.fromEntries(PROFILE_ANSWERS.map((a) => [a, levelOf(a, profile, rules)])) as Record<ProfileAnswer, OfferLevel>;
  const rank = (l: OfferLevel) => OFFER_LEVELS.indexOf(l);
  const level = PROFILE_ANSWERS.reduce<OfferLevel>((max, a) => (rank(perAnswer[a]) > rank(max) ? perAnswer[a] : max), 'club');
  const decidedBy = PROFILE_ANSWERS.filter((a) => perAnswer[a] === level);

  const outcome: Outcome = {
    kind: KIND[level],
    level,
    decidedBy,
    perAnswer,
    legalBasis: rules.legalBasis[level],
    visitation: level === 'maintenance',
    ruleSet: { id: rules.id, version: rules.version },
  };
  // Transport is the centre's call only with the preventive offer (seed 000 "Kørsel"): none by
  // default, granted when the citizen cannot transport themself or cannot manage the journey.
  // A club needs no transport; with a referral, visitation decides it.
  if (level === 'preventive') {
    const granted = rules.transportGrantedFor.includes(profile.transport);
    outcome.transport = granted ? { granted, because: profile.transport } : { granted };
  }
  return outcome;
}
