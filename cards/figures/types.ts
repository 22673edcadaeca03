// The managers' figures and the centres' counting weeks: each template in this folder
// (cards/figures/<screen>.json) and the type of its data.
import type { CardButton } from '../index.js';
import type { ChoiceField } from '../visits/types.js';

/** A titled group of figures; `note` is '' or a line under them. */
export interface FigureSection {
  title: string;
  facts: { title: string; value: string }[];
  note: string;
}

/** A chart of counts: horizontal bars with each bar's number beside it and no axis, so no step of 0.25 between whole numbers. */
export interface CountChart {
  title: string;
  data: { x: string; y: number }[];
  /** '' or, when every bar is 0, the line shown instead of twelve empty bars. */
  empty: string;
}

export interface StatsCardData {
  title: string;
  intro: string;
  /** Which centre and which month the figures are for (choices; 'all' for every one). */
  centre: ChoiceField;
  month: ChoiceField;
  showButton: string;
  /** What the figures below are for, in words. */
  showing: string;
  sections: FigureSection[];
  charts: CountChart[];
  note: string;
  actions: CardButton[];
}

/** A centre's counting week: which centre, which week (spring or autumn of a year), how many distinct users. */
export interface CountCardData {
  title: string;
  intro: string;
  /** '' or what was just saved (shown with ✓). */
  saved: string;
  centre: ChoiceField;
  week: ChoiceField;
  /** The number typed (a number input wants a number); `filled` false: empty. */
  users: { label: string; placeholder: string; filled: boolean; value: number; error: string };
  recorded: FigureSection;
  actions: CardButton[];
}

/** Template name ('figures/<screen>') -> its data. */
export interface FiguresCards {
  'figures/stats': StatsCardData;
  'figures/count': CountCardData;
}
