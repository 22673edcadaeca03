// The screening flow's screens: each template in this folder (cards/screening/<screen>.json) and the type of its data.
import type { CardButton } from '../index.js';

/** A button: its title, its verb (typed) and payload, its style ('default' is left out when rendered). */
export type ScreeningButton = CardButton;

export interface Choice {
  title: string;
  value: string;
}

export interface Fact {
  title: string;
  value: string;
}

/** An input as the flow fills it: its label, what it holds (kept when the card comes back), its message ('' for none). */
export interface Field {
  label: string;
  value: string;
  error: string;
}

export interface TextField extends Field {
  placeholder: string;
}

/** Options shown side by side (radio buttons, or check boxes for several). */
export interface ChoiceField extends Field {
  choices: Choice[];
}

/** Options in a drop-down, with a placeholder until one is picked. */
export interface PickField extends ChoiceField {
  placeholder: string;
}

/** What every step card has: where it is, what it asks, and its buttons. */
interface StepCardData {
  /** 'Trin N af M'. */
  stepLabel: string;
  title: string;
  intro: string;
  /** A line above the fields (the card pressed was stale), or ''. */
  notice: string;
  actions: ScreeningButton[];
}

/** Step 1 of a first screening: CPR, name, the two eligibility questions, and under 65 a reason. */
export interface CitizenStepCardData extends StepCardData {
  cpr: TextField;
  name: Field;
  livesAtHome: ChoiceField;
  specialStaff: ChoiceField;
  /** Under 65: the warning ('' for none), and whether the reason is asked. */
  warning: string;
  askUnder65Reason: boolean;
  under65Reason: Field;
}

/** Step 1 of a reassessment: the CPR number of a citizen screened before. */
export interface ReassessCitizenStepCardData extends StepCardData {
  cpr: TextField;
}

export interface ProblemItem {
  activity: string;
  /** Area, sub-area and importance in one line. */
  line: string;
  remove: ScreeningButton;
}

/**
 * Step 2: the fields to add an activity and its Add button first, then the activities added so far,
 * each with Remove. The fields keep their places as the list grows: a renderer that reuses inputs by
 * position (the Agents Playground's does) would otherwise show one field's choices in another.
 */
export interface ProblemsStepCardData extends StepCardData {
  /** 'The citizen is known', or ''. */
  known: string;
  /** Shown while the list is empty. */
  empty: string;
  problems: ProblemItem[];
  /** A message about the list as a whole (none added, too many), or ''. */
  listError: string;
  activity: TextField;
  subArea: PickField;
  importance: PickField;
  /** Add, right under the fields (Next, Back and Cancel stay at the bottom). */
  add: ScreeningButton;
}

/** Step 3: the (at most five) most important activities, several ticked. */
export interface ChooseStepCardData extends StepCardData {
  chosen: ChoiceField;
}

export interface Score {
  value: string;
  error: string;
}

/** Step 4: performance and satisfaction (1-10) for each chosen activity; inputs perf_<id> and sat_<id>. */
export interface ScoresStepCardData extends StepCardData {
  performanceLabel: string;
  satisfactionLabel: string;
  placeholder: string;
  /** 1..10. */
  scale: Choice[];
  problems: { id: string; activity: string; performance: Score; satisfaction: Score }[];
}

/** Step 5 of a first screening: the target-group profile. */
export interface ProfileStepCardData extends StepCardData {
  activitySupport: ChoiceField;
  relationSupport: ChoiceField;
  careDuringHours: ChoiceField;
  transport: ChoiceField;
}

/** The last step of a first screening: the proposal and why, and choosing another offer with a reason. */
export interface OutcomeStepCardData extends StepCardData {
  /** The offer proposed. */
  kind: 'club' | 'preventive' | 'referral';
  /** The COPM averages, or none. */
  scores: Fact[];
  proposal: string;
  decidedBy: string;
  /** What follows from the offer (transport, the referral), one line each. */
  notes: string[];
  /** Local club offers: their heading ('' for none) and one line each. */
  offersHeading: string;
  offers: string[];
  /** The catalogue holds examples only, or ''. */
  examples: string;
  override: { offer: PickField; reason: Field };
  /** With a referral proposed: a note to visitation (optional); label '' otherwise. */
  referralNote: Field;
}

/** The last step when the citizen is outside all three offers: that, and why. */
export interface OutsideStepCardData extends StepCardData {
  heading: string;
  text: string;
  reasons: string[];
}

export interface Bar {
  x: string;
  y: number;
}

/** A reassessment's comparison, as its last step (with a step label) and once saved (without). */
export interface CompareCardData {
  /** 'Trin N af M', or '' once saved. */
  stepLabel: string;
  title: string;
  intro: string[];
  notice: string;
  /** Each problem on its own: its numbered label and, unless dropped, its scores. */
  problems: { label: string; facts: Fact[] }[];
  /** The averages over problems scored both times: heading ('' for none) and facts. */
  averagesHeading: string;
  averages: Fact[];
  charts: { title: string; data: Bar[] }[];
  actions: ScreeningButton[];
}

/** "New screening" with a draft in progress: continue it or start over. */
export interface ResumeCardData {
  title: string;
  text: string;
  actions: ScreeningButton[];
}

/** Cancel pressed: delete the draft, or go on with it. */
export interface CancelCardData {
  title: string;
  text: string;
  actions: ScreeningButton[];
}

/** The screening is saved: with what offer, the referral it made, and that the summary follows. */
export interface DoneCardData {
  title: string;
  saved: string;
  /** The referral's case number and where it was sent, or '' for none. */
  referral: string;
  sentTo: string;
  summaryBelow: string;
  actions: ScreeningButton[];
}

/** Template name ('screening/<screen>') -> its data. */
export interface ScreeningCards {
  'screening/citizen': CitizenStepCardData;
  'screening/reassessCitizen': ReassessCitizenStepCardData;
  'screening/problems': ProblemsStepCardData;
  'screening/choose': ChooseStepCardData;
  'screening/scores': ScoresStepCardData;
  'screening/profile': ProfileStepCardData;
  'screening/outcome': OutcomeStepCardData;
  'screening/outside': OutsideStepCardData;
  'screening/compare': CompareCardData;
  'screening/resume': ResumeCardData;
  'screening/cancel': CancelCardData;
  'screening/done': DoneCardData;
}
