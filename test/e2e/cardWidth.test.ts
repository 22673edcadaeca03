// Cards on phone- and tablet-sized screens: the bot's real cards (from the real flows), rendered by
// the Adaptive Cards HTML renderer in Chromium at 360 and 768 px wide, must fit without scrolling
// sideways. Staff use tablets and phones on home visits (seed 002, goal 13).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../../src/paths.js';
import { actionsOf, cardOf, closeAll, conversation } from '../helpers/conversation.js';
import { TestClock } from '../helpers/clock.js';

const CHROMIUM = '/usr/bin/chromium';
const require = createRequire(import.meta.url);
let browser: Browser | undefined;
let setupError: unknown;

beforeAll(async () => {
  try {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with: apt-get install -y chromium`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'] });
  } catch (err) {
    setupError = err;
  }
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await closeAll();
});

/** The cards a person meets on the way through the main flows, rendered by the flows themselves. */
async function realCards(): Promise<Record<string, unknown>> {
  const c = await conversation({ clock: new TestClock('2026-11-22T10:00:00Z') });
  const cards: Record<string, unknown> = {};
  cards.help = cardOf((await c.say('hjælp'))[0]);
  let card = cardOf((await c.say('ny screening'))[0]);
  cards.screeningCitizen = card;
  const press = async (verb: string, inputs: Record<string, unknown> = {}) => (card = (await c.press(verb, { ...actionsOf(card).find((a) => a.verb === verb).data, ...inputs })).body.value);
  await press('screening.submit', { cpr: '010150-1234', name: 'Karen Margrethe Holm-Christiansen', livesAtHome: 'yes', specialStaff: 'no' });
  await press('screening.add', { activity: 'Gå ture langs stranden med naboens hund om eftermiddagen', subArea: 'activeRecreation', importance: '9' });
  cards.screeningProblems = card;
  await press('screening.submit');
  await press('screening.submit', { chosen: JSON.stringify(card).match(/"value":"(p[0-9a-f]{8})"/)![1] });
  cards.screeningScores = card;
  const perf = JSON.stringify(card).match(/"id":"(perf_[^"]+)"/)![1]!;
  await press('screening.submit', { [perf]: '4', [perf.replace('perf_', 'sat_')]: '3' });
  cards.screeningProfile = card;
  await press('screening.submit', { activitySupport: 'extensiveComplete', relationSupport: 'none', careDuringHours: 'yes', transport: 'mobility' });
  cards.screeningOutcome = card;
  await press('screening.confirm');
  const [referral] = await c.store.referrals.listOpen();
  cards.referralDetails = (await c.press('referral.open', { rid: referral!.id })).body.value;
  await c.press('referral.take', { rid: referral!.id });
  cards.triage = (await c.press('referral.triageStart', { rid: referral!.id })).body.value;
  cards.decision = (await c.press('referral.triage', { rid: referral!.id, fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' })).body.value;
  cards.myCitizens = cardOf((await c.say('mine borgere'))[0]);
  return cards;
}

describe('cards on small screens', () => {
  it('every card fits a phone (360 px) and a tablet (768 px) without sideways scrolling', async () => {
    if (setupError) throw setupError;
    const cards = await realCards();
    const page = await browser!.newPage();
    await page.setContent('<html><body style="margin:0"><div id="host"></div></body></html>');
    await page.addStyleTag({ path: require.resolve('adaptivecards/dist/adaptivecards.css') });
    await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.js') });
    const results = [];
    for (const width of [360, 768]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, card] of Object.entries(cards)) {
        const r = await page.evaluate(
          ({ card, width }) => {
            const AC = (window as any).AdaptiveCards;
            const host = document.getElementById('host')!;
            host.innerHTML = '';
            host.style.width = `${width}px`;
            const ac = new AC.AdaptiveCard();
            ac.parse(card);
            const el = ac.render() as HTMLElement;
            host.appendChild(el);
            const wide = [...el.querySelectorAll('*')].filter((n) => (n as HTMLElement).getBoundingClientRect().right > width + 1).length;
            return { rendered: el.childElementCount > 0, scrollWidth: el.scrollWidth, wide };
          },
          { card, width },
        );
        results.push({ name, width, ...r });
      }
      mkdirSync(path.join(projectRoot, 'test-results'), { recursive: true });
      await page.screenshot({ path: path.join(projectRoot, 'test-results', `cards-${width}px.png`), fullPage: true });
    }
    for (const r of results) {
      expect(r.rendered, `${r.name} rendered`).toBe(true);
      expect(r.scrollWidth, `${r.name} at ${r.width}px`).toBeLessThanOrEqual(r.width);
      expect(r.wide, `${r.name}: elements reaching past ${r.width}px`).toBe(0);
    }
  }, 120_000);
});
