// Cards on phone-, tablet- and laptop-sized screens. Home visitors carry tablets and phones: the bot's
// real cards (every card the flows send, from real conversations: test/e2e/realCards.ts), rendered by
// the Adaptive Cards HTML renderer in Chromium at 360, 768 and 1024 px, must fit without scrolling
// sideways, with no element sticking out or cut off; and a Danish card must not carry English words,
// in its text, buttons, fields or choices. Screenshots of each card at each width, and a list of what
// was checked where, land in test-results/cards/ (seed 002, goal 13).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../src/paths.js';
import { forClient } from '../../src/teams/cardActions.js';
import { renderCard, templateNames as allTemplates, type CardTypes } from '../../cards/index.js';
import { executeView } from '../helpers/cardView.js';
import { closeAll } from '../helpers/conversation.js';
import { collectRealCards, type NamedCard } from './realCards.js';

const CHROMIUM = '/usr/bin/chromium';
const WIDTHS = [360, 768, 1024] as const;
const require = createRequire(import.meta.url);
const resultsDir = path.join(projectRoot, 'test-results', 'cards');

// --- which template each card came from --------------------------------------------------------------------
// Every card is one expansion of a template in cards/ (cards/index.ts holds them by name; several are
// the same JSON, so a card's shape cannot tell them apart). Each template object is named once, by
// watching the map lookup of renderCard for a moment; then watching expansions while the
// conversations run tells which template each card came from, so the test can say that every
// template was seen, and the report can name it.
const nameOf = new WeakMap<object, string>();
{
  const get = Map.prototype.get;
  Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown) {
    const value = get.call(this, key);
    if (value instanceof ACData.Template && typeof key === 'string') nameOf.set(value, key);
    return value;
  };
  try {
    for (const name of allTemplates()) {
      try {
        renderCard(name as keyof CardTypes, {} as never);
      } catch {
        /* named all the same: the lookup comes before the expansion */
      }
    }
  } finally {
    Map.prototype.get = get;
  }
}
const expansions: { template: string; card: unknown }[] = [];
const expand = ACData.Template.prototype.expand;
ACData.Template.prototype.expand = function (this: object, context: any) {
  const card = expand.call(this, context);
  expansions.push({ template: nameOf.get(this) ?? '?', card });
  return card;
};
/**
 * Each card's template, by the card as sent: with Action.Execute or turned into Action.Submit
 * (CARD_ACTIONS). Read after the conversations: renderCard's finishing touches change the object.
 */
function templatesByCard(): Map<string, string> {
  return new Map(expansions.map((e) => [cardKey(e.card), e.template]));
}
/** One key for a card in either mode: as Action.Submit (what both modes agree on), keys sorted. */
function cardKey(card: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sorted(x)])) : v;
  return JSON.stringify(sorted(forClient(executeView(card), 'submit')));
}

let browser: Browser | undefined;
let setupError: unknown;
let cards: (NamedCard & { template: string })[] = [];
let closeCards: (() => Promise<void>) | undefined;

beforeAll(async () => {
  try {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with: apt-get install -y chromium`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'] });
    rmSync(resultsDir, { recursive: true, force: true }); // only this run's screenshots
    const book = await collectRealCards();
    closeCards = book.close;
    const templates = templatesByCard();
    cards = book.cards.map((c) => ({ ...c, template: templates.get(cardKey(c.card)) ?? '?' }));
  } catch (err) {
    setupError = err;
  }
}, 120_000);
afterAll(async () => {
  ACData.Template.prototype.expand = expand;
  await browser?.close();
  await closeCards?.();
  await closeAll();
});

// --- English words in Danish cards --------------------------------------------------------------------------
// Common English words that are not Danish words too. Left out on purpose, as Danish has them: to (two),
// for, i, at, is, it, be, by, man, under, over, have, had, her (here), sent (late), send, time (hour),
// last, first, date, show, note, start, stop, status, plan, team, chat, link, log, ok, data, score,
// triage, screening, advis, transport, person, center.
const ENGLISH = new Set(
  `the and of with your you yours please back next save saved cancel cancelled continue delete remove add added edit
  change open close show hide select choose pick submit yes no done error warning required optional citizen citizens
  visit visits visitor referral referrals refer step steps help home care staff colleague colleagues role roles access
  decision decide details detail share shared attach attached detach planned overlap coordinate coordination
  statistics chart activity activities area areas importance important performance satisfaction outcome offer offers
  support club relative relatives because before after now today tomorrow yesterday day days week weeks month months
  year years summary draft language queue channel message card button settings this that these those from into about
  not none nothing only all any each every which what when where who whom why how here there are was were has will
  would should could can must may new more less than then also or but if on in up out off down our we they their them
  he she his him my me thank thanks sorry welcome hello hi bye user name reason purpose age old yet still already
  again found missing invalid wrong unknown allowed refused taken received closed`.split(/\s+/),
);

/** What a person reads on a card: texts, facts, labels, placeholders, choices, button titles, chart labels. */
function readableTexts(card: unknown): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const add = (where: string, text: unknown) => {
    if (typeof text === 'string' && text.trim()) out.push({ where, text });
  };
  const walk = (node: any) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const type = typeof node.type === 'string' ? node.type : '';
    if (type === 'TextBlock' || type === 'TextRun') add(type, node.text);
    if (type === 'RichTextBlock') for (const inline of node.inlines ?? []) if (typeof inline === 'string') add(type, inline);
    if (type === 'FactSet') for (const f of node.facts ?? []) (add('fact title', f.title), add('fact value', f.value));
    if (type.startsWith('Input.')) {
      add(`${type} label`, node.label);
      add(`${type} placeholder`, node.placeholder);
      add(`${type} errorMessage`, node.errorMessage);
      add(`${type} title`, node.title);
      if (type === 'Input.Text') add(`${type} value`, node.value);
      for (const choice of node.choices ?? []) add(`${type} choice`, choice.title);
    }
    if (type.startsWith('Action.')) (add('button', node.title), add('button tooltip', node.tooltip));
    if (type === 'Image') add('image alt text', node.altText);
    if (type.startsWith('Chart.')) {
      for (const key of ['title', 'xAxisTitle', 'yAxisTitle']) add(`${type} ${key}`, node[key]);
      for (const d of node.data ?? []) (add(`${type} label`, d.x), add(`${type} legend`, d.legend));
    }
    for (const value of Object.values(node)) if (typeof value === 'object') walk(value);
  };
  walk(card);
  return out;
}

function englishIn(text: string): string[] {
  return (text.toLowerCase().match(/\p{L}+/gu) ?? []).filter((w) => ENGLISH.has(w));
}

// --- rendering in Chromium ------------------------------------------------------------------------------------

/** Something that does not fit: the card scrolling sideways, an element sticking out of it or cut off inside it. */
interface Problem {
  /** A button's title cut off, a choice's title cut off, or anything else. */
  kind: 'button' | 'choice' | 'element';
  /** The button's or choice's title, or the element. */
  label: string;
  detail: string;
}

interface Rendered {
  problems: Problem[];
  text: string;
  width: number;
  height: number;
}

async function openRenderer(width: number): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width, height: 900 } });
  await page.setContent('<html><body style="margin:0"><div id="host"></div></body></html>');
  await page.addStyleTag({ path: require.resolve('adaptivecards/dist/adaptivecards.css') });
  await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.js') });
  return page;
}

/** Render `card` on the page, as wide as the screen, and measure it. */
async function render(page: Page, card: unknown, width: number): Promise<Rendered> {
  return page.evaluate(
    ({ card, width }) => {
      const AC = (window as any).AdaptiveCards;
      const host = document.getElementById('host')!;
      host.innerHTML = '';
      host.style.width = `${width}px`;
      const ac = new AC.AdaptiveCard();
      ac.parse(card);
      const root = ac.render() as HTMLElement;
      host.appendChild(root);
      const box = root.getBoundingClientRect();
      const problems: { kind: 'button' | 'choice' | 'element'; label: string; detail: string }[] = [];
      const textOf = (n: Element) => ((n as HTMLElement).innerText ?? n.textContent ?? '').replace(/\s+/g, ' ').trim();
      const describe = (n: Element) => {
        const text = textOf(n);
        return `<${n.tagName.toLowerCase()}${n.className && typeof n.className === 'string' ? ` class="${n.className}"` : ''}>${text ? ` "${text.slice(0, 60)}${text.length > 60 ? '…' : ''}"` : ''}`;
      };
      /** What a person would call it: the button or the choice it is part of, or the element itself. */
      const whose = (n: Element) => {
        const button = n.closest('button, [role="button"]');
        if (button) return { kind: 'button' as const, label: button.getAttribute('aria-label') || textOf(button) };
        const choice = n.closest('[class*="ac-choiceSetInput"]') && n.closest('label, .ac-textBlock');
        if (choice) return { kind: 'choice' as const, label: textOf(choice) };
        return { kind: 'element' as const, label: describe(n) };
      };
      if (!root.childElementCount) problems.push({ kind: 'element', label: 'the card', detail: 'nothing rendered' });
      if (root.scrollWidth > root.clientWidth + 1) problems.push({ kind: 'element', label: 'the card', detail: `scrolls sideways: scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}` });
      if (box.width > width + 1) problems.push({ kind: 'element', label: 'the card', detail: `is ${Math.round(box.width)} px wide on a ${width} px screen` });
      for (const n of root.querySelectorAll('*')) {
        const r = n.getBoundingClientRect();
        if (!r.width && !r.height) continue; // not shown
        if (r.left < box.left - 1 || r.right > box.right + 1) {
          problems.push({ ...whose(n), detail: `reaches from ${Math.round(r.left)} to ${Math.round(r.right)} px, outside the card (${Math.round(box.left)} to ${Math.round(box.right)} px)` });
        } else if (getComputedStyle(n).overflowX !== 'visible' && n.scrollWidth > n.clientWidth + 1) {
          problems.push({ ...whose(n), detail: `cut off: ${n.scrollWidth} px of content in ${n.clientWidth} px` });
        }
      }
      return { problems, text: root.innerText, width: box.width, height: box.height };
    },
    { card, width },
  );
}

const slug = (i: number, name: string) =>
  `${String(i + 1).padStart(3, '0')}-${name
    .toLowerCase()
    .replace(/[æ]/g, 'ae')
    .replace(/[ø]/g, 'oe')
    .replace(/[å]/g, 'aa')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 90)}`;

interface Checked {
  /** Nothing that does not fit. */
  ok: boolean;
  problems: string[];
  height: number;
  screenshot: string;
}
/** Per card: its template, and per width what was found; written to test-results/cards/report.json. */
const report = new Map<string, { name: string; template: string; lang: string; widths: Record<number, Checked>; english: string[] }>();
const entry = (c: (typeof cards)[number]) => {
  let e = report.get(c.name);
  if (!e) report.set(c.name, (e = { name: c.name, template: c.template, lang: c.lang, widths: {}, english: [] }));
  return e;
};

describe('cards on phones, tablets and laptops', () => {
  it('collects every card the flows send, from every template in cards/', () => {
    if (setupError) throw setupError;
    expect(cards.length).toBeGreaterThan(100);
    const unnamed = cards.filter((c) => c.template === '?').map((c) => c.name);
    expect(unnamed, 'cards whose template is not known').toEqual([]);
    const seen = new Set(cards.map((c) => c.template));
    expect(allTemplates().filter((t) => !seen.has(t)), 'templates no collected card came from: add a step to test/e2e/realCards.ts').toEqual([]);
  });

  it.each(WIDTHS)('every card fits a %i px screen: no sideways scrolling, nothing sticking out or cut off', async (width) => {
    if (setupError) throw setupError;
    const dir = path.join(resultsDir, `${width}px`);
    mkdirSync(dir, { recursive: true });
    const page = await openRenderer(width);
    const unexpected: string[] = [];
    try {
      for (const [i, c] of cards.entries()) {
        const r = await render(page, c.card, width);
        const screenshot = path.join(dir, `${slug(i, c.name)}.png`);
        await page.screenshot({ path: screenshot, fullPage: true, clip: { x: 0, y: 0, width, height: Math.max(1, Math.ceil(r.height)) } });
        const checked: Checked = { ok: true, problems: [], height: Math.round(r.height), screenshot: path.relative(projectRoot, screenshot) };
        for (const p of r.problems) {
          const line = p.kind === 'element' ? `${p.label} ${p.detail}` : `${p.kind} "${p.label}" ${p.detail}`;
          checked.problems.push(line);
          checked.ok = false;
          if (checked.problems.length <= 5) unexpected.push(`${c.name} [${c.template}] at ${width} px: ${line}`);
        }
        entry(c).widths[width] = checked;
      }
    } finally {
      await page.close();
    }
    expect(unexpected, 'what does not fit').toEqual([]);
  }, 180_000);

  it('a Danish card has no English words: not in its text, buttons, field labels, placeholders or choices', async () => {
    if (setupError) throw setupError;
    const page = await openRenderer(WIDTHS[0]);
    const found: string[] = [];
    try {
      for (const c of cards.filter((x) => x.lang === 'da')) {
        const shown = (await render(page, c.card, WIDTHS[0])).text;
        const words = new Set<string>();
        for (const { where, text } of [...readableTexts(c.card), { where: 'on screen', text: shown }]) {
          for (const w of englishIn(text)) {
            if (!words.has(w)) found.push(`${c.name} [${c.template}], ${where}: "${w}" in "${text.slice(0, 120)}"`);
            words.add(w);
          }
        }
        entry(c).english = [...words];
      }
    } finally {
      await page.close();
    }
    expect(found).toEqual([]);
  }, 120_000);
});

afterAll(() => {
  if (!report.size) return;
  mkdirSync(resultsDir, { recursive: true });
  const checked = [...report.values()];
  writeFileSync(path.join(resultsDir, 'report.json'), `${JSON.stringify({ widths: WIDTHS, cards: checked }, null, 2)}\n`);
  const mark = (w: Checked) => (w.ok ? '✓' : '✗');
  const lines = checked.map((c) => `${Object.entries(c.widths).map(([w, r]) => `${w}${mark(r)}`).join(' ').padEnd(18)} ${c.template.padEnd(26)} ${c.name}`);
  console.log(`Cards checked (${checked.length}) at ${WIDTHS.join(', ')} px (✓ fits, ✗ does not fit); screenshots and report.json in ${path.relative(projectRoot, resultsDir)}/\n${lines.join('\n')}`);
});
