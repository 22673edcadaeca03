// The visits flow's screens: each template in this folder (cards/visits/<screen>.json) and the type of its data.
import type { Verb } from '../../src/flows/verbs.js';
import type { CardButton } from '../index.js';

/** A button under the card: the one button type of all cards. */
export type Button = CardButton;

/** A button beside one line of a list. */
export interface LineButton {
  title: string;
  verb: Verb;
  data: Record<string, unknown>;
}

/** An input's label and value; `error` is '' or shown right under it, in bold with ⚠ (readable in both themes). */
export interface Field {
  label: string;
  value: string;
  error: string;
}

export interface ChoiceField extends Field {
  choices: { title: string; value: string }[];
}

/** A date picker: its value YYYY-MM-DD (or, to correct, what was typed where it is a text field); the placeholder shows how to type one. */
export interface DateField extends Field {
  placeholder: string;
}

/** A drop-down (compact) choice: the placeholder is shown while nothing is chosen. */
export interface PickField extends ChoiceField {
  placeholder: string;
}

/** A short notice: a title, one text, buttons (not attached to the citizen; a stale card). */
export interface VisitNoticeCardData {
  title: string;
  text: string;
  actions: Button[];
}

/** My citizens: each with my service, colleagues attached and the next visit, and a button to open it. */
export interface MyCitizensCardData {
  title: string;
  intro: string;
  /** What just happened ('' for none), in green. */
  note: string;
  /** Said when there are no citizens ('' otherwise). */
  empty: string;
  citizens: { name: string; details: string; open: LineButton }[];
  actions: Button[];
}

/** Attaching myself to a citizen (by CPR and name) through one of my services, and why. */
export interface AttachCardData {
  title: string;
  intro: string;
  /** Taking up a colleague's offer: the citizen (name, masked CPR), and no CPR or name to type; '' otherwise. */
  offered: string;
  cpr: Field & { placeholder: string };
  name: Field;
  service: ChoiceField;
  purpose: Field;
  /** Breaking the glass: asked only when the staff member has no relation to the citizen. */
  reason: Field & { show: boolean; notice: string };
  actions: Button[];
}

/** A citizen's card: who is attached through which service and why, and the coming visits. */
export interface CitizenCardData {
  title: string;
  note: string;
  attached: { title: string; value: string }[];
  /** The heading above the coming visits, shown when there are any. */
  upcomingHeading: string;
  upcoming: string[];
  actions: Button[];
}

/** Detaching from a citizen, with a reason. */
export interface DetachCardData {
  title: string;
  intro: string;
  reason: Field;
  actions: Button[];
}

/** Planning a visit; the inputs are shown only when there is a citizen to choose. */
export interface PlanCardData {
  title: string;
  intro: string;
  citizen: PickField;
  date: DateField;
  time: Field;
  purpose: Field;
  openForJoint: ChoiceField;
  relativesByVideo: ChoiceField;
  actions: Button[];
}

/** The double-visit warning: the visits nearby, the choices, and a reason for planning anyway. */
export interface OverlapCardData {
  title: string;
  lead: string;
  overlaps: string[];
  choices: string;
  reason: Field;
  actions: Button[];
}

/** The visit is planned (or the colleague's answer changed it); `note` is '' or one more line. */
export interface PlannedCardData {
  title: string;
  text: string;
  note: string;
  actions: Button[];
}

/** The colleague's card: the two visits; while unanswered, a reason field and the four answers. */
export interface CoordinationCardData {
  title: string;
  intro: string;
  /** Thanks after answering ('' before), in green. */
  done: string;
  facts: { title: string; value: string }[];
  reason: Field;
  /** The answer buttons; none once answered (then no reason field either). */
  answers: Button[];
}

/** My coming visits, each with its mark of nearby visits and a button to change it. */
export interface WeekCardData {
  title: string;
  intro: string;
  empty: string;
  visits: { at: string; details: string; change: LineButton }[];
  actions: Button[];
}

/** Moving a visit to another date and time, or cancelling it. */
export interface ChangeCardData {
  title: string;
  intro: string;
  date: DateField;
  time: Field;
  actions: Button[];
}

/** Cancelling a visit: why (a choice, required; the colleagues whose visits are near are told) and a note. */
export interface CancelCardData {
  title: string;
  intro: string;
  why: ChoiceField;
  note: Field;
  actions: Button[];
}

/** Sharing one of my citizens with a colleague, and why. */
export interface ShareCardData {
  title: string;
  intro: string;
  citizen: PickField;
  colleague: PickField;
  reason: Field;
  actions: Button[];
}

/**
 * A manager assigns a colleague to a citizen: the citizen by CPR (the name is used only if the bot
 * does not know the citizen; the form never shows what the bot knows), the colleague, and why.
 */
export interface AssignCardData {
  title: string;
  intro: string;
  /** What was saved, or ''. */
  note: string;
  cpr: Field & { placeholder: string };
  name: Field;
  colleague: PickField;
  reason: Field;
  actions: Button[];
}

/** The managers' figures: counts, avoided double visits by month as a chart, and how savings are estimated. */
/** Template name ('visits/<screen>') -> its data. */
export interface VisitsCards {
  'visits/myCitizens': MyCitizensCardData;
  'visits/attach': AttachCardData;
  'visits/citizen': CitizenCardData;
  'visits/detach': DetachCardData;
  'visits/plan': PlanCardData;
  'visits/overlap': OverlapCardData;
  'visits/planned': PlannedCardData;
  'visits/coordination': CoordinationCardData;
  'visits/week': WeekCardData;
  'visits/change': ChangeCardData;
  'visits/cancel': CancelCardData;
  'visits/share': ShareCardData;
  'visits/assign': AssignCardData;
  /** What a colleague receives when a citizen is shared with them. */
  'visits/shared': VisitNoticeCardData;
  'visits/notAttached': VisitNoticeCardData;
  'visits/stale': VisitNoticeCardData;
}
