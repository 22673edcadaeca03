// End to end in a real browser: the built bot (dist/, as `npm start` runs it) behind the Microsoft 365
// Agents Playground, driven with Debian's Chromium through playwright-core. What a person sees: type
// "hjælp", get the help card, open a flow, go back; screen a citizen by clicking through the cards
// (three activities on one card: the fields stay put and empty, the area list keeps its areas);
// a referral reaches the visitators' channel and is decided; a visit is planned, the double-visit
// warning shown and coordinated; a counting week recorded and the figures read, a centre picked;
// and a screening clicked through on a tablet-sized page (768 px),
// where every card must fit without scrolling sideways. The Playground reports no failed call to the bot.
//
// The Playground (0.2.x) sends locale en-US on messages and invokes. The bot answers in Danish all
// the same: Danish is the default, and the client's language decides only if the municipality says
// so (LANGUAGE_FROM_CLIENT).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { freePort } from '../../scripts/ports.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { FlowId } from '../../src/flows/types.js';
import { t, type Lang } from '../../src/i18n/index.js';
import { execute, message, type Who } from '../helpers/activities.js';
import { startConnector } from '../helpers/connector.js';
import { clockEnv } from '../helpers/childEnv.js';
import { copenhagenParts, formatMonth } from '../../src/i18n/format.js';
import { COPM_AREAS } from '../../src/domain/copm.js';
import { projectRoot } from '../../src/paths.js';

const CHROMIUM = '/usr/bin/chromium';
/** The flow whose button the first test presses: its first card replaces the help card in place. */
const FLOW: FlowId = 'visits';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];
const botEntry = path.join(projectRoot, 'dist', 'src', 'index.js');
const resultsDir = path.join(projectRoot, 'test-results');

/** What the Playground shows when a call to the bot fails (log panel and chat), and the bot's own apology. */
const PLAYGROUND_ERRORS: RegExp[] = [
  /Cannot connect to your app/i, // log panel, bot not reachable
  /Unable to reach app/i, // banner under a card when an invoke fails
  /Send failed|Failed to send/i, // Web Chat's failed-send status
  /Something went wrong/i,
  /\(!\) Warning:/, // log panel warning lines
  /\(\u00d7\) Error:/, // log panel error lines
  /\b(?:installationUpdate|conversationUpdate|message|invoke|event|messageReaction|messageUpdate|messageDelete)\s+[45]\d\d\b/, // log panel: a call answered 4xx/5xx
];
const BOT_APOLOGY = [t('da', 'error.turn'), t('en', 'error.turn')];

// --- child processes ------------------------------------------------------------------------------

interface Child {
  name: string;
  proc: ChildProcess;
  output(): string;
}
const children: Child[] = [];

function startChild(name: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Child {
  // Own process group (detached), so cleanup can kill it with everything it started.
  const proc = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  proc.on('error', (err) => keep(Buffer.from(`\n[spawn error] ${err.message}\n`)));
  const child = { name, proc, output: () => out };
  children.push(child);
  return child;
}

function describeChildren(): string {
  return children
    .map((c) => {
      const state = c.proc.exitCode !== null || c.proc.signalCode !== null ? `exited (${c.proc.signalCode ?? `code ${c.proc.exitCode}`})` : 'running';
      const out = c.output();
      return `--- ${c.name}, ${state}, output${out.length > 6000 ? ' (last 6000 chars)' : ''}:\n${out.slice(-6000) || '(none)'}`;
    })
    .join('\n');
}

/** Polls `probe` until it returns something; fails early if a child exits, or after `ms` with all output. */
async function waitFor<T>(what: string, ms: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const dead = children.find((c) => c.proc.exitCode !== null || c.proc.signalCode !== null);
    if (dead) throw new Error(`${dead.name} stopped while waiting for ${what}.\n${describeChildren()}`);
    const result = await probe();
    if (result !== undefined && result !== false) return result;
    if (Date.now() > until) throw new Error(`Timed out after ${ms / 1000} s waiting for ${what}.\n${describeChildren()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopChild(c: Child): Promise<void> {
  const pid = c.proc.pid;
  if (pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  };
  if (c.proc.exitCode === null && c.proc.signalCode === null) {
    const exited = new Promise<void>((resolve) => c.proc.once('exit', () => resolve()));
    signalGroup('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  }
  signalGroup('SIGKILL'); // anything left in the group
}


// --- set-up -----------------------------------------------------------------------------------------

let workDir: string;
let playgroundUrl: string;
/** The bot's own address, for the second staff member (the Playground has one user), who talks to it over HTTP. */
let botBaseUrl: string;
let browser: Browser | undefined;
let page: Page | undefined;
/** A failed set-up is rethrown by the test itself, so it counts as a failed test, not a skipped one. */
let setupError: unknown;

beforeAll(async () => {
  try {
    await setUp();
  } catch (err) {
    setupError = err;
  }
}, 150_000);

async function setUp(): Promise<void> {
  if (!existsSync(botEntry)) {
    throw new Error(`${botEntry} is missing: this test runs the built bot. Run "npm run build" first (npm test does).`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the Playground browser test needs Debian's Chromium. Install it with: apt-get install -y chromium`);
  }
  const playgroundCli = path.join(path.dirname(createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');

  workDir = mkdtempSync(path.join(tmpdir(), 'aa-e2e-'));
  const dataDir = path.join(workDir, 'data');
  const playgroundDir = path.join(workDir, 'playground'); // its devTools/ log lands here, not in the repo
  mkdirSync(playgroundDir);

  // The bot: local mode (no credentials), a free port, its own data. Only what it needs from our env.
  const bot = startChild('bot', [botEntry], {
    cwd: workDir,
    env: { ...clockEnv(), PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? workDir, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
  });
  const botUrl = await waitFor('the bot to print "listening on http://..."', 30_000, () => /listening on (http:\/\/\S+?)\/api\/messages/.exec(bot.output())?.[1]);
  await waitFor(`${botUrl}/healthz to answer 200`, 30_000, () => fetch(`${botUrl}/healthz`).then((r) => (r.status === 200 ? true : undefined), () => undefined));
  botBaseUrl = botUrl;

  // The Playground, pointed at it. It falls back to a random port if ours was taken: read the real one.
  const { M365_AGENTS_PLAYGROUND_CONFIG_PATH: _ignored, ...env } = process.env;
  const playground = startChild('Playground', [playgroundCli, '--app-endpoint', `${botUrl}/api/messages`, '--channel-id', 'msteams', '--port', String(await freePort()), '--disable-telemetry'], {
    cwd: playgroundDir,
    env: { ...env, TEAMSAPPTESTER_BROWSER: 'none' },
  });
  const port = await waitFor('the Playground to print "Listening on <port>"', 60_000, () => /Listening on (\d+)/.exec(playground.output())?.[1]);
  playgroundUrl = `http://localhost:${port}`;
  await waitFor(`${playgroundUrl} to answer 200`, 30_000, () => fetch(playgroundUrl).then((r) => (r.status === 200 ? true : undefined), () => undefined));

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  mkdirSync(resultsDir, { recursive: true });
}

afterAll(async () => {
  await page?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await Promise.all(children.splice(0).map(stopChild));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 30_000);

// --- helpers on the page ------------------------------------------------------------------------------

const bodyText = async (p: Page) => p.locator('body').innerText();

/** Waits until the number of rendered cards has not changed for `quietMs`. */
async function settledCardCount(cards: Locator, quietMs = 1_500, maxMs = 15_000): Promise<number> {
  let last = await cards.count();
  let since = Date.now();
  const until = Date.now() + maxMs;
  while (Date.now() - since < quietMs && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await cards.count();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
  return last;
}

/** The log panel's line for a message or invoke the bot answered 200 (a typed message or a card press). */
const PRESS_ANSWERED = /Playground -> User Application\s+(?:message|invoke)\s+200/g;

/** The log panel line for the activity we sent, e.g. "... -> User Application message 200 hjælp". */
async function waitForLogLine(p: Page, re: RegExp, what: string, ms = 20_000): Promise<RegExpExecArray> {
  return waitFor(`the Playground's log panel to show ${what}`, ms, async () => re.exec(await bodyText(p)) ?? undefined);
}

// --- the test -------------------------------------------------------------------------------------------

describe('Agents Playground in Chromium', () => {
  it(`answers "hjælp" with the help card; the ${FLOW} button opens its card in place; "Show help" brings help back; no errors`, async () => {
    if (setupError) throw setupError;
    page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const p = page;
    p.setDefaultTimeout(20_000);
    try {
      await p.goto(playgroundUrl, { waitUntil: 'domcontentloaded' });
      // Two contenteditables on the page: the compose box (a Lexical editor, role textbox) and the log panel.
      const compose = p.locator('[contenteditable="true"][role="textbox"]');
      await compose.waitFor({ state: 'visible', timeout: 30_000 });
      await waitForLogLine(p, /Connected\./, '"Connected."');

      // The page load sends installationUpdate and conversationUpdate; the bot may post a welcome card.
      // Let that settle, then count the cards, so the answer to our "hjælp" is the next one.
      await waitForLogLine(p, /User Application\s+conversationUpdate\s+\d{3}/, 'the conversationUpdate call').catch(() => undefined);
      const cards = p.locator('.ac-adaptiveCard');
      const before = await settledCardCount(cards);

      await compose.click();
      await p.keyboard.type('hjælp');
      await p.keyboard.press('Enter');
      const [, status] = await waitForLogLine(p, /User Application\s+message\s+(\d{3})\s+hjælp/, 'the "hjælp" message call');
      expect(status, 'HTTP status the bot answered "hjælp" with').toBe('200');

      // Which locale did the Playground send? Its log panel shows the request when the line is clicked.
      await p.getByText('message 200', { exact: true }).last().click();
      const [, locale] = await waitForLogLine(p, /"locale":\s*"([^"]+)"/, 'the request details with "locale"');
      // Whatever the Playground says (en-US today), the bot answers in Danish: the default, and what
      // Danish care staff with an English Teams work in.
      expect(locale).toBeTruthy();
      const lang: Lang = 'da';
      const s = {
        title: t(lang, 'help.title'),
        screening: t(lang, 'flow.screening.button'),
        flowButton: t(lang, `flow.${FLOW}.button`),
        flowTitle: t(lang, 'visits.mine.title'),
        flowText: t(lang, 'visits.mine.intro'),
        back: t(lang, 'common.showHelp'),
      };

      // The answer: exactly one new card, the help card, in the client's language.
      await waitFor(`a new card after "hjælp" (there were ${before} before)`, 20_000, async () => ((await cards.count()) > before ? true : undefined));
      const answer = cards.nth(before);
      await expect.poll(() => answer.innerText(), { timeout: 10_000 }).toContain(s.title);
      await answer.getByRole('button', { name: s.screening, exact: true }).waitFor({ state: 'visible' });
      const flowButton = answer.getByRole('button', { name: s.flowButton, exact: true });
      await flowButton.waitFor({ state: 'visible' });
      expect(await settledCardCount(cards, 1_000), 'cards after the answer to "hjælp"').toBe(before + 1);
      await p.screenshot({ path: path.join(resultsDir, 'playground-help.png') });

      // Press the flow's button: Action.Submit (the default, CARD_ACTIONS) sends a message with the
      // button's data, and the bot replaces the card in place.
      const presses = async () => (await bodyText(p)).match(PRESS_ANSWERED)?.length ?? 0;
      const pressesBefore = await presses();
      await flowButton.click();
      await waitFor('the press answered 200', 20_000, async () => ((await presses()) > pressesBefore ? true : undefined));
      await waitFor(`the card to change after pressing "${s.flowButton}"`, 15_000, async () => ((await answer.getByRole('button', { name: s.flowButton, exact: true }).count()) === 0 ? true : undefined));
      const replaced = await answer.innerText();
      expect(replaced, `"${s.flowButton}" should open "${s.flowTitle}"`).toContain(s.flowTitle);
      expect(replaced).toContain(s.flowText);
      expect(await cards.count(), 'the card is replaced, not a new one added').toBe(before + 1);
      await p.screenshot({ path: path.join(resultsDir, 'playground-not-ready.png') });

      // "Back": the help card again, in the same place.
      await answer.getByRole('button', { name: s.back, exact: true }).click();
      await waitFor('a second press answered 200', 15_000, async () => ((await presses()) === pressesBefore + 2 ? true : undefined));
      await expect.poll(() => answer.innerText(), { timeout: 15_000 }).toContain(s.title);
      await answer.getByRole('button', { name: s.screening, exact: true }).waitFor({ state: 'visible' });
      expect(await answer.innerText()).not.toContain(s.flowText);
      expect(await cards.count()).toBe(before + 1);
      await p.screenshot({ path: path.join(resultsDir, 'playground-back.png') });

      // Nothing went wrong on the way: no Playground error or warning, no failed call, no apology, no error log.
      const text = await bodyText(p);
      for (const re of PLAYGROUND_ERRORS) expect(text, `Playground page shows ${re}`).not.toMatch(re);
      for (const apology of BOT_APOLOGY) expect(text).not.toContain(apology);
      const botOutput = children.find((c) => c.name === 'bot')!.output();
      expect(botOutput, 'bot logged an error').not.toMatch(/"level":"error"/);
    } catch (err) {
      await p.screenshot({ path: path.join(resultsDir, 'playground-failure.png') }).catch(() => {});
      const text = await bodyText(p).catch(() => '(page text unavailable)');
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`${message}\n--- page text:\n${text}\n${describeChildren()}\n(screenshot: test-results/playground-failure.png)`, { cause: err });
    }
  }, 120_000);

  it('a staff member completes a screening by clicking through the cards, adding three activities on one card, typing only CPR, name and the activities', async () => {
    if (setupError) throw setupError;
    const p = await browser!.newPage({ viewport: { width: 1400, height: 1100 } });
    p.setDefaultTimeout(20_000);
    const shot = (name: string) => p.screenshot({ path: path.join(resultsDir, `screening-${name}.png`), fullPage: true });
    try {
      await openPlayground(p);
      const card = await screen(p, { supportActivities: t(L, 'screening.support.lightModerate'), transport: t(L, 'screening.transport.mobility') }, shot, THREE);
      const outcome = await card.innerText();
      expect(outcome).toContain(t(L, 'screening.outcome.proposal', { offer: t(L, 'screening.offer.preventive') }));
      expect(outcome).toContain(t(L, 'screening.outcome.transportGranted', { because: t(L, 'screening.outcome.transportBecause.mobility') }));
      await shot('6-outcome');
      await card.getByRole('button', { name: t(L, 'screening.button.confirm'), exact: true }).click();

      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'screening.title.done'));
      await waitFor('the summary message', 20_000, async () => ((await bodyText(p)).includes('Sammendrag af startsamtale') ? true : undefined));
      const text = await bodyText(p);
      expect(text).toContain('Borger: Jens Hansen, CPR 010150-xxxx');
      expect(text).not.toContain('010150-1234');
      // The summary is a card (its notification shows only "Sammendrag af startsamtale, klar til
      // journalen"); selected whole and copied, it reads line by line as the care record wants it.
      const documentCard = p.locator('.ac-adaptiveCard', { hasText: t(L, 'document.title.careRecord') }).last();
      const copied = await documentCard.evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const selection = window.getSelection()!;
        selection.removeAllRanges();
        selection.addRange(range);
        return selection.toString();
      });
      const lines = copied.split('\n').map((l) => l.trim()).filter(Boolean);
      expect(lines).toContain('Borger: Jens Hansen, CPR 010150-xxxx');
      expect(lines.indexOf('Borger: Jens Hansen, CPR 010150-xxxx')).toBeGreaterThan(lines.findIndex((l) => l.startsWith('Sammendrag af startsamtale')));
      await shot('7-summary');
      assertNoErrors(text);
    } catch (err) {
      await failWith(p, 'screening', err);
    } finally {
      await p.close().catch(() => {});
    }
  }, 180_000);

  it('on a tablet (768 px wide) a staff member clicks a screening through, three activities on one card; every card fits without scrolling sideways', async () => {
    if (setupError) throw setupError;
    const p = await browser!.newPage({ viewport: { width: 768, height: 1024 } });
    p.setDefaultTimeout(20_000);
    /** Keep a screenshot of the step, and check that the card neither scrolls sideways nor reaches past the screen. */
    const shot = async (name: string) => {
      await p.screenshot({ path: path.join(resultsDir, `tablet-screening-${name}.png`), fullPage: true });
      const card = await p.locator('.ac-adaptiveCard').last().evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, right: el.getBoundingClientRect().right }));
      expect(card.scroll, `${name}: the card scrolls sideways`).toBeLessThanOrEqual(card.client + 1);
      expect(card.right, `${name}: the card reaches past the screen`).toBeLessThanOrEqual(768);
    };
    try {
      await openPlayground(p);
      // A tablet has room for the chat, not for the Playground's log panel beside it: hide it (shown again at the end).
      await p.getByTitle('Hide log panel', { exact: true }).click();
      const card = await screen(p, { supportActivities: t(L, 'screening.support.none'), transport: t(L, 'screening.transport.self') }, shot, THREE);
      expect(await card.innerText()).toContain(t(L, 'screening.outcome.proposal', { offer: t(L, 'screening.offer.club') }));
      await shot('6-outcome');
      await card.getByRole('button', { name: t(L, 'screening.button.confirm'), exact: true }).click();
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'screening.title.done'));
      await shot('7-done');
      await p.getByTitle('Toggle Log Panel', { exact: true }).click();
      await waitForLogLine(p, /Connected\./, 'the log panel again');
      assertNoErrors(await bodyText(p));
    } catch (err) {
      await failWith(p, 'tablet-screening', err);
    } finally {
      await p.close().catch(() => {});
    }
  }, 180_000);

  it('a screening referral appears as a card in the visitators\' channel; a visitator takes it, triages, decides, and the centre gets the advis', async () => {
    if (setupError) throw setupError;
    const p = await browser!.newPage({ viewport: { width: 1400, height: 1100 } });
    p.setDefaultTimeout(20_000);
    const shot = (name: string) => p.screenshot({ path: path.join(resultsDir, `visitation-${name}.png`), fullPage: true });
    try {
      await openPlayground(p);
      // The channel: the Playground's help card there (Danish: it sends no locale on page load) has the button.
      await p.getByText('General', { exact: true }).click();
      const setButton = p.getByRole('button', { name: t('da', 'visitation.channel.button'), exact: true }).last();
      await setButton.waitFor({ state: 'visible', timeout: 20_000 });
      await setButton.click();
      await waitFor('the channel to be set', 15_000, async () => ((await bodyText(p)).includes(t(L, 'visitation.channel.set')) ? true : undefined));

      // Alex (every role in local mode) screens a citizen who needs extensive support: a referral.
      await p.getByText('Personal Chat', { exact: true }).click();
      const card = await screen(p, { supportActivities: t(L, 'screening.support.extensiveComplete'), transport: t(L, 'screening.transport.self') }, shot);
      // The bot runs on this run's clock (the real one, or faketime's in .ci/run): its year numbers the case.
      const caseNumber = `V-${copenhagenParts(new Date()).year}-0001`;
      expect(await card.innerText()).toContain(t(L, 'screening.offer.referral'));
      await card.getByRole('button', { name: t(L, 'screening.button.confirm'), exact: true }).click();
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'screening.done.referral', { caseNumber }));

      // The channel card: a case number, where from, when, status; no name, no CPR.
      await p.getByText('General', { exact: true }).click();
      const referralCard = p.locator('.ac-adaptiveCard', { hasText: `Henvisning ${caseNumber}` }).first();
      await referralCard.waitFor({ state: 'visible', timeout: 20_000 });
      const shown = await referralCard.innerText();
      expect(shown).toContain('Screening på aktivitetscenter');
      expect(shown).not.toMatch(/Jens|Hansen|010150/);
      await shot('1-channel-card');
      await referralCard.getByRole('button', { name: t('da', 'visitation.button.take'), exact: true }).click();
      await expect.poll(() => referralCard.innerText(), { timeout: 15_000 }).toContain('Taget af Alex Wilber');
      await shot('2-taken');
      // The triage card goes to the personal chat (with Action.Submit the channel card is one view for
      // all, so it carries no note for the presser).
      await referralCard.getByRole('button', { name: t('da', 'visitation.button.triage'), exact: true }).click();
      await p.getByText('Personal Chat', { exact: true }).click();
      const title = t(L, 'visitation.triage.title');
      await p.locator('.ac-adaptiveCard', { hasText: title }).last().waitFor({ state: 'visible', timeout: 20_000 });
      // Pin the card by position: its text changes as it turns into the decision card.
      const index = await p.locator('.ac-adaptiveCard').evaluateAll((els, wanted) => els.map((e) => (e as HTMLElement).innerText.includes(wanted)).lastIndexOf(true), title);
      const triage = p.locator('.ac-adaptiveCard').nth(index);
      for (const [area, score] of [['3. Mobilitet', '3 – Svære begrænsninger'], ['5. Aktivitet', '3 – Svære begrænsninger'], ['6. Socialt samvær og netværk', '2 – Moderate begrænsninger'], ['7. Mental/psykisk tilstand', '9 – Ikke relevant']] as const) {
        await triage.getByRole('combobox', { name: new RegExp(`^${area.replace('/', '\\/')}`) }).click();
        await p.getByRole('option', { name: score, exact: true }).click();
      }
      await shot('3-triage');
      await triage.getByRole('button', { name: t(L, 'visitation.triage.submit'), exact: true }).click();
      await expect.poll(() => triage.innerText(), { timeout: 15_000 }).toContain(t(L, 'visitation.decide.title'));
      expect(await triage.innerText()).toContain(t(L, 'visitation.assess.met', { offer: t(L, 'visitation.decision.centre') }));
      await triage.getByRole('radiogroup', { name: new RegExp(t(L, 'visitation.decide.offer')) }).getByLabel(t(L, 'visitation.decision.centre'), { exact: true }).check();
      await triage.getByLabel(t(L, 'visitation.decide.purpose')).fill('Komme ud og mødes med andre');
      // Where, how often, and transport: picked, not typed.
      const label = (key: string) => new RegExp(`^${t(L, key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
      await triage.getByRole('combobox', { name: label('visitation.decide.centre') }).click();
      await p.getByRole('option', { name: 'Aktivitetscenter Nord (eksempel)', exact: true }).click();
      await triage.getByRole('radiogroup', { name: label('visitation.decide.daysPerWeek') }).getByLabel(t(L, 'visitation.days.many', { n: 2 }), { exact: true }).check();
      await triage.getByRole('radiogroup', { name: label('visitation.decide.transport') }).getByLabel(t(L, 'visitation.decide.transportYes'), { exact: true }).check();
      await shot('4-decision');
      await triage.getByRole('button', { name: t(L, 'visitation.decide.submit'), exact: true }).click();
      await expect.poll(() => triage.innerText(), { timeout: 15_000 }).toContain(t(L, 'visitation.decide.done'));
      // The draft letter for the visitator, and the advis to the centre (Alex screened, so Alex gets it).
      await waitFor('the draft letter and the advis', 20_000, async () => {
        const all = await bodyText(p);
        return all.includes('UDKAST TIL AFGØRELSE') && all.includes(`Advis: henvisning ${caseNumber} er afgjort af visitationen`) ? true : undefined;
      });
      // The letter says where, how often and from when, and the assessment in words.
      const shownLetter = await bodyText(p);
      expect(shownLetter).toContain('Du er bevilget et vedligeholdende tilbud på Aktivitetscenter Nord (eksempel), 2 dage om ugen');
      expect(shownLetter).toContain('Mobilitet: svære begrænsninger (3)');
      await shot('5-letter-and-advis');

      // The shared card says "Afgjort" for everyone.
      await p.getByText('General', { exact: true }).click();
      await expect.poll(() => p.locator('.ac-adaptiveCard', { hasText: `Henvisning ${caseNumber}` }).first().innerText(), { timeout: 20_000 }).toContain('Afgjort');
      await shot('6-channel-decided');
      assertNoErrors(await bodyText(p));
    } catch (err) {
      await failWith(p, 'visitation', err);
    } finally {
      await p.close().catch(() => {});
    }
  }, 240_000);

  it('a staff member plans a visit, is warned that a colleague visits the same citizen soon, coordinates, and sees the colleague\'s answer', async () => {
    if (setupError) throw setupError;
    const p = await browser!.newPage({ viewport: { width: 1400, height: 1100 } });
    p.setDefaultTimeout(20_000);
    const shot = (name: string) => p.screenshot({ path: path.join(resultsDir, `visits-${name}.png`), fullPage: true });
    // Megan, the second staff member, talks to the bot over HTTP; her replies land on a local stand-in.
    const connector = await startConnector();
    const TENANT_PLAYGROUND = '00000000-0000-0000-0000-0000000000001';
    const megan: Who = { id: '29:megan-e2e', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-0000000000021' };
    const asMegan = { serviceUrl: connector.url, from: megan, tenantId: TENANT_PLAYGROUND };
    const post = async (activity: unknown) => {
      const res = await fetch(`${botBaseUrl}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(activity) });
      return res.status === 200 ? res.json().catch(() => undefined) : Promise.reject(new Error(`bot answered ${res.status}`));
    };
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    try {
      await post(message('hej', asMegan));
      await post(execute('visits.attach', { cpr: '050545-1234', name: 'Karen Holm', service: 'demens', purpose: 'Demensopfølgning', reason: 'Henvist af egen læge' }, asMegan));
      const megansCard = await post(execute('visits.mine', {}, asMegan));
      const citizenId = JSON.stringify(megansCard).match(/"citizenId":"([0-9a-f-]{36})"/)![1];
      await post(execute('visits.plan', { citizenId, date: day(3), time: '10:00', purpose: 'Demensopfølgning', openForJoint: 'yes' }, asMegan));

      await openPlayground(p);
      const cards = p.locator('.ac-adaptiveCard');
      const before = await settledCardCount(cards);
      await p.locator('[contenteditable="true"][role="textbox"]').first().click();
      await p.keyboard.type('mine borgere');
      await p.keyboard.press('Enter');
      await waitFor('the "my citizens" card', 20_000, async () => ((await cards.count()) > before ? true : undefined));
      const card = cards.nth(before);
      await card.getByRole('button', { name: t(L, 'visits.button.attach'), exact: true }).click();
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'visits.attach.title'));
      await card.getByLabel(t(L, 'screening.field.cpr')).fill('050545-1234');
      await card.getByLabel(t(L, 'screening.field.name'), { exact: true }).fill('Karen Holm');
      await card.getByRole('radiogroup', { name: new RegExp(t(L, 'visits.field.service')) }).getByLabel('Forebyggende hjemmebesøg', { exact: true }).check();
      await card.getByLabel(t(L, 'visits.field.attachPurpose')).fill('Forebyggende hjemmebesøg');
      await card.getByRole('button', { name: t(L, 'visits.button.attachSave'), exact: true }).click();
      // No relation to Karen yet (Megan attached her): asked why first, on the same card, nothing of her shown.
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'visits.error.glassReason'));
      expect(await card.innerText()).not.toContain('Megan Bowen');
      await card.getByLabel(t(L, 'visits.field.glassReason')).fill('Borgeren har selv bedt om et forebyggende besøg');
      await card.getByRole('button', { name: t(L, 'visits.button.attachSave'), exact: true }).click();
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain('Megan Bowen');
      await card.getByRole('button', { name: t(L, 'visits.button.plan'), exact: true }).click();
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'visits.plan.title'));
      // The Playground draws Input.Date and Input.Time as Fluent pickers that also take typed text.
      await card.getByPlaceholder(t(L, 'date.placeholder'), { exact: true }).click();
      const target = new Date(`${day(5)}T12:00:00Z`);
      const dayLabel = `${target.getUTCDate()}, ${target.toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })}, ${target.getUTCFullYear()}`;
      for (let i = 0; i < 2 && !(await p.getByRole('button', { name: dayLabel, exact: true }).isVisible()); i++) {
        await p.locator('.fui-Calendar button:not([aria-label])').nth(1).click(); // next month
      }
      await p.getByRole('button', { name: dayLabel, exact: true }).click();
      const time = card.getByRole('combobox', { name: t(L, 'visits.field.time') }).first();
      await time.click();
      await time.fill('13:30');
      await time.press('Enter');
      await p.keyboard.press('Escape');
      await shot('1a-date-time');
      await card.getByLabel(t(L, 'visits.field.purpose')).fill('Forebyggende hjemmebesøg');
      await shot('1-plan');
      await card.getByRole('button', { name: t(L, 'visits.button.planSave'), exact: true }).click();

      // The warning: who, when and why, before anything is saved.
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'visits.overlap.title'));
      expect(await card.innerText()).toContain('Megan Bowen (Demenskoordinator)');
      await shot('2-overlap');
      await card.getByRole('button', { name: t(L, 'visits.button.coordinate'), exact: true }).click();
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'visits.planned.pending', { name: 'Megan Bowen' }));

      // Megan gets the coordination card (masked CPR) and answers "joint visit".
      await connector.waitFor((calls) => calls.some((c) => c.body?.summary === t('da', 'visits.preview.coordinate')), 20_000);
      const delivered = connector.calls.find((c) => c.body?.summary === t('da', 'visits.preview.coordinate'))!;
      expect(JSON.stringify(delivered.body)).toContain('050545-xxxx');
      const joint = JSON.stringify(delivered.body).match(/"cid":"([0-9a-f-]{36})"/)![1];
      await post(execute('visits.answer', { cid: joint, answer: 'joint' }, asMegan));

      // Alex's card changes in place, and a message says it in words.
      // (Up to the visit's date and time, which the bot writes in Danish.)
      const words = t(L, 'visits.told.answer.joint', { name: 'Megan Bowen', reason: '', when: '\u0000' }).split('\u0000')[0]!;
      await waitFor('the answer in the Playground', 20_000, async () => ((await bodyText(p)).includes(words) ? true : undefined));
      await shot('3-answered');
      assertNoErrors(await bodyText(p));
    } catch (err) {
      await failWith(p, 'visits', err);
    } finally {
      await p.close().catch(() => {});
      await connector.close();
    }
  }, 240_000);

  it('a centre records its counting week, and the manager reads the figures: per centre, whole numbers beside the bars, a centre picked', async () => {
    if (setupError) throw setupError;
    const p = await browser!.newPage({ viewport: { width: 1400, height: 1100 } });
    p.setDefaultTimeout(20_000);
    const shot = (name: string) => p.screenshot({ path: path.join(resultsDir, `figures-${name}.png`), fullPage: true });
    const NORD = 'Aktivitetscenter Nord (eksempel)';
    const label = (key: string) => new RegExp(`^${t(L, key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
    try {
      await openPlayground(p);
      // A screening to a club offer first, so this month has one to count (whatever ran before).
      const screened = await screen(p, { supportActivities: t(L, 'screening.support.none'), transport: t(L, 'screening.transport.self') }, shot);
      await screened.getByRole('button', { name: t(L, 'screening.button.confirm'), exact: true }).click();
      await expect.poll(() => screened.innerText(), { timeout: 15_000 }).toContain(t(L, 'screening.title.done'));
      const card = await typeCommand(p, 'tælleuge', 'the counting-week card');
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'figures.count.intro'));
      // Alex (every role in local mode) picks the centre and the week (the latest one offered), types the number.
      const { year, month } = copenhagenParts(new Date());
      const week = t(L, Number(month) >= 7 ? 'figures.week.autumn' : 'figures.week.spring', { year });
      await card.getByRole('combobox', { name: label('figures.centreLabel') }).click();
      await p.getByRole('option', { name: NORD, exact: true }).click();
      await card.getByRole('radiogroup', { name: label('figures.count.weekLabel') }).getByLabel(week, { exact: true }).check();
      await card.getByLabel(t(L, 'figures.count.usersLabel')).fill('320');
      await shot('1-counting-week');
      await card.getByRole('button', { name: t(L, 'figures.count.save'), exact: true }).click();
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'figures.count.saved', { users: t(L, 'figures.count.users', { n: '320' }), centre: NORD, week }));
      await shot('2-saved');

      // On to the figures, on the same card.
      await card.getByRole('button', { name: t(L, 'figures.button.stats'), exact: true }).click();
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'figures.screened.title'));
      const shown = await card.innerText();
      expect(shown).toContain(t(L, 'figures.users.title'));
      expect(shown).toContain(t(L, 'figures.referred.title'));
      expect(shown).toContain(t(L, 'figures.decided.title'));
      expect(shown).toContain(t(L, 'figures.visits.title'));
      expect(shown).toContain(t(L, 'figures.chart.screened'));
      // Nord's spring or autumn count is there, the other one missing.
      expect(shown).toMatch(new RegExp(`${t(L, Number(month) >= 7 ? 'figures.season.autumn' : 'figures.season.spring')} ${year}: 320`));
      // The bars: this month by its Danish name, its number beside it, whole, and no axis in steps of 0,25.
      expect(shown).toMatch(new RegExp(`${formatMonth(L, `${year}-${month}`).replace('.', '\\.')}\\s+[1-9]\\d*\\s`));
      expect(shown).not.toMatch(/\b0[,.](25|5|75)\b/);
      await shot('3-figures');

      // One centre: picked, shown.
      await card.getByRole('combobox', { name: label('figures.centreLabel') }).click();
      await p.getByRole('option', { name: NORD, exact: true }).click();
      await card.getByRole('button', { name: t(L, 'figures.show'), exact: true }).click();
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'figures.showing', { centre: NORD, period: t(L, 'figures.allMonths').toLowerCase() }));
      await shot('4-one-centre');
      assertNoErrors(await bodyText(p));
    } catch (err) {
      await failWith(p, 'figures', err);
    } finally {
      await p.close().catch(() => {});
    }
  }, 240_000);
});

// The Playground sends en-US, and the bot answers in Danish (the default; a person may choose "sprog").
const L: Lang = 'da';

async function openPlayground(p: Page): Promise<void> {
  await p.goto(playgroundUrl, { waitUntil: 'domcontentloaded' });
  await p.locator('[contenteditable="true"][role="textbox"]').first().waitFor({ state: 'visible', timeout: 30_000 });
  await waitForLogLine(p, /Connected\./, '"Connected."');
}

/** Type a command in the compose box, as a person would; the first card the bot answers with. */
async function typeCommand(p: Page, text: string, what: string): Promise<Locator> {
  const cards = p.locator('.ac-adaptiveCard');
  const before = await settledCardCount(cards);
  await p.locator('[contenteditable="true"][role="textbox"]').first().click();
  await p.keyboard.type(text);
  await p.keyboard.press('Enter');
  await waitFor(what, 20_000, async () => ((await cards.count()) > before ? true : undefined));
  return cards.nth(before);
}

/** Type "ny screening" and click through to the outcome card, as a staff member would. */
/** An activity as typed and picked on step 2: its words, the area's title in the list, its importance. */
interface Activity {
  activity: string;
  subArea: string;
  importance: string;
}
const area = (area: string, sub: string) => `${t(L, `copm.area.${area}`)}: ${t(L, `copm.sub.${sub}`)}`;
/** What the area list offers: every COPM sub-area under its area, as the card titles them. */
const AREAS = (Object.keys(COPM_AREAS) as (keyof typeof COPM_AREAS)[]).flatMap((a) => COPM_AREAS[a].map((sub) => area(a, sub)));
const WALKS: Activity = { activity: 'Gå ture i parken', subArea: area('leisure', 'activeRecreation'), importance: '9' };
/** Three activities on one card: the third is where the Playground once mixed up the inputs (the issue). */
const THREE: Activity[] = [
  WALKS,
  { activity: 'Lave mad til mig selv', subArea: area('productivity', 'householdManagement'), importance: '7' },
  { activity: 'Spille kort med naboerne', subArea: area('leisure', 'socialisation'), importance: '6' },
];

async function screen(p: Page, answers: { supportActivities: string; transport: string }, shot: (name: string) => Promise<unknown>, activities: Activity[] = [WALKS]): Promise<Locator> {
  const card = await typeCommand(p, 'ny screening', 'the first screening card');
  const step = async (n: number) => expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(t(L, 'screening.step', { n, m: 6 }));
  const next = () => card.getByRole('button', { name: t(L, 'screening.button.next'), exact: true }).click();
  /** A question's label as a pattern for its radio group (the label may carry a star or a hint). */
  const label = (key: string) => new RegExp(t(L, key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const radio = (group: RegExp, option: string) => card.getByRole('radiogroup', { name: group }).getByLabel(option, { exact: true }).check();
  const pick = async (label: string, option: string) => {
    await card.getByRole('combobox', { name: label }).click();
    await p.getByRole('option', { name: option, exact: true }).click();
  };
  await step(1);
  await card.getByLabel(t(L, 'screening.field.cpr')).fill('010150-1234');
  await card.getByLabel(t(L, 'screening.field.name'), { exact: true }).fill('Jens Hansen');
  await radio(label('screening.field.livesAtHome'), t(L, 'screening.choice.yes'));
  await radio(label('screening.field.specialStaff'), t(L, 'screening.choice.no'));
  await shot('1-citizen');
  await next();
  await step(2);
  // Each activity on the same card. The fields sit above the list, so a new row shifts none of them:
  // once the Playground reused the inputs by position and showed 1-10 in the area list.
  const subArea = card.getByRole('combobox', { name: t(L, 'screening.field.subArea') });
  const importance = card.getByRole('combobox', { name: t(L, 'screening.field.importance') });
  const activityField = card.getByLabel(t(L, 'screening.field.activity'));
  for (const [i, a] of activities.entries()) {
    await activityField.fill(a.activity);
    await pick(t(L, 'screening.field.subArea'), a.subArea);
    await pick(t(L, 'screening.field.importance'), a.importance);
    await card.getByRole('button', { name: t(L, 'screening.button.add'), exact: true }).click();
    await expect.poll(() => card.getByRole('button', { name: t(L, 'screening.button.remove'), exact: true }).count(), { timeout: 15_000 }).toBe(i + 1);
    await shot(`2-activities-${i + 1}`);
    const shown = await card.innerText();
    for (const added of activities.slice(0, i + 1)) expect(shown, `after adding ${i + 1}: "${added.activity}" listed`).toContain(added.activity);
    expect(await activityField.inputValue(), `after adding ${i + 1}: the activity field`).toBe('');
    expect(await subArea.inputValue(), `after adding ${i + 1}: the area field`).toBe('');
    expect(await importance.inputValue(), `after adding ${i + 1}: the importance field`).toBe('');
    await subArea.click();
    const offered = await p.getByRole('listbox').getByRole('option').allInnerTexts();
    await p.keyboard.press('Escape');
    expect(offered.map((o) => o.trim()), `after adding ${i + 1}: the area list offers the areas`).toEqual(AREAS);
  }
  await next();
  await step(3);
  await next();
  await step(4);
  // One pair of scores per chosen activity (all of them, up to five).
  for (const [label, score] of [['screening.field.performance', '5'], ['screening.field.satisfaction', '3']] as const) {
    const boxes = card.getByRole('combobox', { name: t(L, label) });
    expect(await boxes.count(), `${t(L, label)} per activity`).toBe(activities.length);
    for (const box of await boxes.all()) {
      await box.click();
      await p.getByRole('option', { name: score, exact: true }).click();
    }
  }
  await next();
  await step(5);
  await radio(label('screening.field.activitySupport'), answers.supportActivities);
  await radio(label('screening.field.relationSupport'), t(L, 'screening.support.none'));
  await radio(label('screening.field.careDuringHours'), t(L, 'screening.choice.no'));
  await radio(label('screening.field.transport'), answers.transport);
  await next();
  await step(6);
  return card;
}

function assertNoErrors(text: string): void {
  for (const re of PLAYGROUND_ERRORS) expect(text, `Playground page shows ${re}`).not.toMatch(re);
  expect(children.find((c) => c.name === 'bot')!.output(), 'bot logged an error').not.toMatch(/"level":"error"/);
}

async function failWith(p: Page, name: string, err: unknown): Promise<never> {
  await p.screenshot({ path: path.join(resultsDir, `${name}-failure.png`), fullPage: true }).catch(() => {});
  const message = err instanceof Error ? err.message : String(err);
  throw new Error(`${message}\n--- page text:\n${await bodyText(p).catch(() => '')}\n${describeChildren()}`, { cause: err });
}
