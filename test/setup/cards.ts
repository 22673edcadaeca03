// Runs after every test file (vitest setupFiles): the cards the bot sent in that file must be cards
// Teams can show and whose buttons work. Each Action.Execute verb must have a handler in the routing
// table, and the adaptivecards renderer must parse each card without a warning (Teams' own Chart.*
// elements aside), and every text on it must be readable in Teams' light and dark themes
// (test/helpers/contrast.ts). A wrong verb or element, or unreadable text, fails the file that sent it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';
import { afterAll, expect } from 'vitest';
import { VERB_HANDLERS } from '../../src/flows/index.js';
import { recordedCards, recordedPreviews, typedCitizenNames } from '../helpers/cardRecorder.js';
import { contrastProblems, teamsHostConfig } from '../helpers/contrast.js';

const require = createRequire(import.meta.url);
let renderer: any;

/** The renderer's UMD build, run in a context of its own (the ESM build does not load in Node). */
function adaptiveCards(): any {
  if (!renderer) {
    const sandbox: Record<string, unknown> = { console };
    sandbox.window = sandbox;
    sandbox.self = sandbox;
    runInNewContext(readFileSync(require.resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8'), sandbox);
    renderer = sandbox.AdaptiveCards;
  }
  return renderer;
}

function verbsOf(card: unknown): string[] {
  const out: string[] = [];
  const walk = (n: any) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    if (n.type === 'Action.Execute' && typeof n.verb === 'string') out.push(n.verb);
    if (n.type === 'Action.Submit') out.push(typeof n.data?.verb === 'string' ? n.data.verb : '(an Action.Submit with no verb)');
    Object.values(n).forEach(walk);
  };
  walk(card);
  return out;
}

const TEAMS_ONLY = /Unknown element type "Chart\./;

/** A CPR number, whole or masked (010150-1234, 0101501234, 010150-xxxx). */
const CPR = /\b\d{6}-?(?:\d{4}|x{4})\b/i;
/** Words that tell of a citizen's health or function (GDPR art. 9). */
const HEALTH = /demens|diagnos|sygdom|misbrug|funktionsvurdering|funktionsevne|COPM|Fælles Sprog|isolerer|ensom/i;

// A notification and the activity feed are built from a message's text and summary: they must
// carry no CPR number, no citizen's name and no health word (issue 15: "no personal data in any preview").
afterAll(() => {
  const previews = recordedPreviews.splice(0);
  const names = [...typedCitizenNames];
  typedCitizenNames.clear();
  const problems: string[] = [];
  for (const { where, text, summary } of previews) {
    for (const [field, value] of [['text', text], ['summary', summary]] as const) {
      if (!value) continue;
      const name = names.find((n) => value.includes(n));
      const found = CPR.exec(value)?.[0] ?? name ?? HEALTH.exec(value)?.[0];
      if (found) problems.push(`${where}: the ${field} "${value.slice(0, 100)}" carries "${found}"`);
    }
  }
  expect([...new Set(problems)].slice(0, 20), `${previews.length} message previews checked`).toEqual([]);
});

afterAll(() => {
  const cards = recordedCards.splice(0);
  if (!cards.length) return;
  const problems: string[] = [];
  const AC = adaptiveCards();
  for (const { where, card } of cards) {
    for (const verb of verbsOf(card)) if (!Object.hasOwn(VERB_HANDLERS, verb)) problems.push(`${where}: a button's verb "${verb}" has no handler`);
    const context = new AC.SerializationContext();
    new AC.AdaptiveCard().parse(card, context);
    for (let i = 0; i < context.eventCount; i++) {
      const message = context.getEventAt(i).message as string;
      if (!TEAMS_ONLY.test(message)) problems.push(`${where}: ${message} (card "${JSON.stringify(card).slice(0, 120)}…")`);
    }
  }
  expect([...new Set(problems)].slice(0, 20), `${cards.length} cards checked`).toEqual([]);
  // Every text readable in Teams' light and dark themes: at least 4.5:1 against its background (issue 17).
  const unreadable: string[] = [];
  for (const theme of ['light', 'dark'] as const) {
    const host = teamsHostConfig(theme);
    for (const { where, card } of cards) {
      for (const p of contrastProblems(card, host)) unreadable.push(`${theme}: "${p.text}" (${p.colour} on ${p.style}) is ${p.ratio}:1 (${where})`);
    }
  }
  expect([...new Set(unreadable)].slice(0, 20), `${cards.length} cards checked for contrast`).toEqual([]);
});
