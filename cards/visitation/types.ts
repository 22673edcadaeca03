// The visitation flow's screens: each template in this folder (cards/visitation/<screen>.json) and the type of its data.
// The flow fills in the words (from i18n), the values and the errors; the template lays them out.
import type { CardButton } from '../index.js';

/** A button under the card: the one button type of all cards. */
export type Button = CardButton;

export interface Fact {
  title: string;
  value: string;
}

export interface Choice {
  title: string;
  value: string;
}

/** An input as the flow fills it: its label, what was typed or picked, and the error shown right under it ('' for none). */
export interface Field {
  label: string;
  value: string;
  error: string;
}

/** One rule set's verdict on the scores: met or not, each criterion in words, its legal basis. */
export interface AssessedSetView {
  met: boolean;
  /** "✓ Opfylder kriterierne for …" (bold). */
  verdict: string;
  /** One line per criterion, indented with no-break spaces. */
  criteria: string[];
  /** The legal basis in words (no rule-set ids: staff know the offer by its name). */
  basis: string;
}

/** A referral's details (personal chat only): who, from where, its state so far, and what this person may do. */
export interface DetailsCardData {
  title: string;
  /** What just happened (Accent), or ''. */
  note: string;
  facts: Fact[];
  /** The heading of the screening part, or '' when the referral did not come from a screening. */
  screeningTitle: string;
  screeningFacts: Fact[];
  /** The screening's content: each chosen activity with its COPM scores, the profile answers, the centre's reasons and note. */
  screeningLines: string[];
  /** Who asked and why, for a direct referral; [] otherwise. */
  directFacts: Fact[];
  /** Each line, or '' when there is none. */
  preTriage: string;
  triage: string;
  refusal: string;
  decision: string;
  actions: Button[];
}

/** The visitators' queue: open referrals, oldest first, each with a button to open it. */
export interface QueueCardData {
  title: string;
  intro: string;
  /** The warning that no channel is set, or ''. */
  noChannel: string;
  /** The line for an empty queue, or ''. */
  empty: string;
  referrals: { title: string; summary: string; open: Button }[];
  actions: Button[];
}

/** The direct referral form. */
export interface DirectCardData {
  title: string;
  intro: string;
  cpr: Field & { placeholder: string };
  name: Field;
  askedBy: Field & { choices: Choice[] };
  reason: Field;
  /** A choice from the municipality's units (rules/organisation.json); optional. */
  unit: Field & { placeholder: string; choices: Choice[] };
  actions: Button[];
}

/** A direct referral is sent: its case number, and whether the visitators' channel got a card. */
export interface SentCardData {
  title: string;
  queued: string;
  channel: string;
  actions: Button[];
}

/** Refusing a referral: the reason. */
export interface RefuseCardData {
  caseTitle: string;
  title: string;
  intro: string;
  reason: Field;
  actions: Button[];
}

/** Handing a case over: the colleague to take it (no list when there is nobody to pick). */
export interface HandoverCardData {
  caseTitle: string;
  title: string;
  intro: string;
  to: Field & { placeholder: string; choices: Choice[] };
  actions: Button[];
}

/** Fælles Sprog scoring: one pick per area of the rule sets in force, on their scale. */
export interface TriageCardData {
  caseTitle: string;
  title: string;
  intro: string;
  /** Why the scoring is asked again (shown in bold with ⚠), or ''. */
  note: string;
  /** What the screening said (activities and scores, profile, the centre's note), to score beside; [] for a direct referral. */
  screeningTitle: string;
  screeningLines: string[];
  /** The legal-review warning, or ''. */
  legalReview: string;
  /** The scale every area is scored on, and the prompt of its pick list. */
  scale: Choice[];
  placeholder: string;
  areas: (Field & { id: string })[];
  actions: Button[];
}

/** A pre-triage by the centre is saved: what the scores would meet. */
export interface AssessmentCardData {
  caseTitle: string;
  title: string;
  intro: string;
  sets: AssessedSetView[];
  /** The legal-review warning, once for all the rule sets it concerns, or ''. */
  review: string;
  actions: Button[];
}

/** The decision: what the scores meet, then the offer, its purpose, start and details. */
export interface DecideCardData {
  caseTitle: string;
  title: string;
  intro: string;
  sets: AssessedSetView[];
  /** The legal-review warning, once for all the rule sets it concerns, or ''. */
  review: string;
  offer: Field & { choices: Choice[] };
  purpose: Field;
  /** A date picker: its value YYYY-MM-DD (or, to correct, what was typed where it is a text field); the placeholder shows how to type one. */
  startDate: Field & { placeholder: string };
  trainingByCarer: Field & { choices: Choice[] };
  services: Field & { choices: Choice[] };
  /** At a centre (a maintenance offer or single services): which, how many days a week, transport. */
  centreHeading: string;
  centre: Field & { choices: Choice[]; placeholder: string };
  daysPerWeek: Field & { choices: Choice[] };
  transport: Field & { choices: Choice[] };
  actions: Button[];
}

/** A follow-up has come due: the visitator records its result (one button each). */
export interface FollowUpCardData {
  caseTitle: string;
  title: string;
  intro: string;
  actions: Button[];
}

/** Template name ('visitation/<screen>') -> its data. */
export interface VisitationCards {
  'visitation/details': DetailsCardData;
  'visitation/queue': QueueCardData;
  'visitation/direct': DirectCardData;
  'visitation/sent': SentCardData;
  'visitation/refuse': RefuseCardData;
  'visitation/handover': HandoverCardData;
  'visitation/triage': TriageCardData;
  'visitation/assessment': AssessmentCardData;
  'visitation/decide': DecideCardData;
  'visitation/followUp': FollowUpCardData;
}
