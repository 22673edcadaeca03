// Adaptive Card templates (cards/**/*.json, schema 1.5) and the type of the data each one binds.
// Every template is read and compiled once, when this module loads (at start-up); a card is then one
// expansion with its data. Handlers never build card JSON by hand. A flow's screens live in their
// own folder (cards/screening/, cards/visitation/, cards/visits/, cards/figures/) with their types beside them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { cardsDir } from '../src/paths.js';
import type { Verb } from '../src/flows/verbs.js';
import type { FiguresCards } from './figures/types.js';
import type { ScreeningCards } from './screening/types.js';
import type { VisitationCards } from './visitation/types.js';
import type { VisitsCards } from './visits/types.js';
import { fitButtonsToPhone } from './layout.js';

export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  [key: string]: unknown;
}

export type CardAction =
  | { kind: 'execute'; title: string; verb: Verb; data: Record<string, unknown> }
  | { kind: 'url'; title: string; url: string };

export interface HelpCardData {
  /** Said first when typed text named no command; empty otherwise. */
  notUnderstood: string;
  title: string;
  intro: string;
  notice: string;
  rolesLine: string;
  commandsHint: string;
  flows: { id: string; title: string; description: string; button: string; verb: Verb; data: Record<string, unknown>; allowed: boolean; requires: string }[];
}

export interface NoticeCardData {
  title: string;
  lines: string[];
  actions: CardAction[];
}

/**
 * A document for the care record (a screening summary, a decision letter, a look-up trail): a card,
 * so the notification shows its neutral summary and not the text; one line a TextBlock, so a
 * selection copies it line by line.
 */
export interface DocumentCardData {
  title: string;
  /** How to copy it. */
  hint: string;
  /** Each line of the document; a blank line becomes space above the next. */
  lines: { text: string; spacing: 'None' | 'Medium' }[];
}

export interface RolesPickCardData {
  title: string;
  intro: string;
  personLabel: string;
  personRequired: string;
  selected: string;
  people: { title: string; value: string }[];
  error: string;
  empty: string;
  showButton: string;
  backButton: string;
}

export interface RolesEditCardData {
  title: string;
  intro: string;
  saved: string;
  rolesLabel: string;
  selected: string;
  choices: { title: string; value: string }[];
  /** The activity centre the person works at ('none': none), from the municipality's list. */
  centreLabel: string;
  centre: string;
  centres: { title: string; value: string }[];
  error: string;
  note: string;
  person: string;
  saveButton: string;
  backButton: string;
}

/** A data-protection officer's access request (GDPR art. 15): the citizen by CPR and the request's reference. */
export interface AccessRequestCardData {
  title: string;
  intro: string;
  cpr: { label: string; placeholder: string; value: string; error: string };
  request: { label: string; value: string; error: string };
  /** What was made, or ''. */
  done: string;
  actions: CardButton[];
}

/** Erasing a citizen on request: the form (ask), then what will go and a last question, then what went. */
export interface ErasureCardData {
  title: string;
  intro: string;
  ask: boolean;
  cpr: { label: string; placeholder: string; value: string; error: string };
  reason: { label: string; value: string; error: string };
  lines: string[];
  actions: CardButton[];
}

export interface AuditExportCardData {
  title: string;
  intro: string;
  cprLabel: string;
  cprPlaceholder: string;
  cprRequired: string;
  cpr: string;
  error: string;
  done: string;
  exportButton: string;
  backButton: string;
}

/** A button on a card: Action.Execute with its verb and data (style 'default' is left out when rendered). */
export interface CardButton {
  title: string;
  verb: Verb;
  data: Record<string, unknown>;
  style: 'default' | 'positive' | 'destructive';
}

export interface ReferralCardData {
  rid: string;
  /** Teams user ids that refresh the card to their own view (visitators; at most 60). */
  refreshUserIds: string[];
  title: string;
  facts: { title: string; value: string }[];
  notes: string[];
  actions: CardButton[];
}

interface CommonCards {
  referralCard: ReferralCardData;
  help: HelpCardData;
  notice: NoticeCardData;
  document: DocumentCardData;
  rolesPick: RolesPickCardData;
  rolesEdit: RolesEditCardData;
  auditExport: AuditExportCardData;
  accessRequest: AccessRequestCardData;
  erasure: ErasureCardData;
}

/** Every template by name (its path under cards/ without .json), with the type of its data. */
export interface CardTypes extends CommonCards, ScreeningCards, VisitationCards, VisitsCards, FiguresCards {}

/** Compiled once: every .json under cards/, by its path without the extension ('notice', 'visits/plan'). */
const templates: ReadonlyMap<string, ACData.Template> = (() => {
  const found = new Map<string, ACData.Template>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.json')) found.set(path.relative(cardsDir, full).slice(0, -5).split(path.sep).join('/'), new ACData.Template(JSON.parse(readFileSync(full, 'utf8'))));
    }
  };
  walk(cardsDir);
  return found;
})();

function template(name: string): ACData.Template {
  const tpl = templates.get(name);
  if (!tpl) throw new Error(`No card template cards/${name}.json`);
  return tpl;
}

/** The names of all templates (tests render each). */
export const templateNames = (): string[] => [...templates.keys()];

export function renderCard<K extends keyof CardTypes>(name: K, data: CardTypes[K]): AdaptiveCardJson {
  const card = template(name).expand({ $root: data }) as AdaptiveCardJson;
  // A `$when` that drops a top-level property (e.g. refresh) leaves null behind; clients want it absent.
  for (const key of Object.keys(card)) if (card[key] === null) delete card[key];
  plainDefaultButtons(card);
  fitButtonsToPhone(card as { body?: unknown[]; actions?: { type: string; title?: string }[] });
  return card;
}

/** `style: "default"` is the default; some renderers (the Playground's) draw it like its neighbour. */
/**
 * A card with a line at its top that says what just happened (e.g. that someone else changed the
 * record meanwhile): the card as it is now, and why it is shown. Returns a new card.
 */
export function withBanner(card: AdaptiveCardJson, text: string): AdaptiveCardJson {
  const body = Array.isArray(card.body) ? card.body : [];
  // A notice in an emphasis container with dark text and an icon: Teams' red is under 4.5:1 on its dark theme.
  return { ...card, body: [{ type: 'Container', style: 'emphasis', items: [{ type: 'TextBlock', text: `⚠ ${text}`, wrap: true, weight: 'Bolder' }] }, ...body] };
}

function plainDefaultButtons(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(plainDefaultButtons);
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (typeof o.type === 'string' && o.type.startsWith('Action.') && o.style === 'default') delete o.style;
  for (const value of Object.values(o)) if (typeof value === 'object') plainDefaultButtons(value);
}
