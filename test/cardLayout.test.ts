// Buttons on a phone (cards/layout.ts): a card whose buttons would not fit one row on a 360 px
// screen gets them as rows in its body, in their order; a card whose buttons fit keeps them.
// test/e2e/cardWidth.test.ts renders every real card in Chromium to check the estimate.
import { describe, expect, it } from 'vitest';
import { buttonRows, buttonWidth, fitButtonsToPhone, PHONE_ROW_PX } from '../cards/layout.js';
import { renderCard } from '../cards/index.js';

const button = (title: string) => ({ type: 'Action.Execute', title, verb: 'x', data: {} });

describe('buttons on a phone', () => {
  it('a row of short buttons stays one row', () => {
    const rows = buttonRows([button('Ja'), button('Nej')]);
    expect(rows.map((r) => r.map((a) => a.title))).toEqual([['Ja', 'Nej']]);
  });

  it('four buttons of the overlap warning become rows, in their order, each within a phone row', () => {
    const titles = ['Koordinér', 'Slå sammen', 'Planlæg alligevel', 'Annullér'];
    const rows = buttonRows(titles.map(button));
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.flat().map((a) => a.title)).toEqual(titles);
    for (const row of rows) expect(row.reduce((sum, a) => sum + buttonWidth(a), 0) + 8 * (row.length - 1)).toBeLessThanOrEqual(PHONE_ROW_PX);
  });

  it('a title too long for any row gets a row of its own, and nothing is dropped', () => {
    const long = button('Send sammendrag med fuldt CPR-nummer og en meget lang forklaring');
    expect(buttonWidth(long)).toBeGreaterThan(PHONE_ROW_PX);
    const rows = buttonRows([button('Ja'), long, button('Nej')]);
    expect(rows.map((r) => r.map((a) => a.title))).toEqual([['Ja'], [long.title], ['Nej']]);
  });

  it('a card whose buttons fit keeps its actions; one whose buttons do not gets rows at the end of its body', () => {
    const fits = { body: [{ type: 'TextBlock', text: 'a' }], actions: [button('Ja'), button('Nej')] };
    fitButtonsToPhone(fits);
    expect(fits.actions).toHaveLength(2);
    expect(fits.body).toHaveLength(1);

    const wide: { body: any[]; actions?: any[] } = { body: [{ type: 'TextBlock', text: 'a' }], actions: ['Fælles besøg', 'Jeg tager den', 'Tag du den', 'Begge besøg er nødvendige'].map(button) };
    fitButtonsToPhone(wide);
    expect(wide.actions).toBeUndefined();
    expect(wide.body[0]).toEqual({ type: 'TextBlock', text: 'a' });
    const sets = wide.body.slice(1);
    expect(sets.every((s) => s.type === 'ActionSet')).toBe(true);
    expect(sets.flatMap((s) => s.actions.map((a: any) => a.title))).toEqual(['Fælles besøg', 'Jeg tager den', 'Tag du den', 'Begge besøg er nødvendige']);
  });

  it('a rendered card with many buttons has them in rows (the language card: four buttons)', () => {
    const card = renderCard('notice', {
      title: 'Sprog',
      lines: ['Vælg sprog'],
      actions: ['Dansk', 'English', 'Kommunens standard', 'Vis hjælp'].map((title) => ({ kind: 'execute' as const, title, verb: 'help' as never, data: {} })),
    }) as any;
    expect(card.actions ?? []).toEqual([]);
    const titles = (card.body as any[]).filter((b) => b.type === 'ActionSet').flatMap((s) => s.actions.map((a: any) => a.title));
    expect(titles).toEqual(['Dansk', 'English', 'Kommunens standard', 'Vis hjælp']);
  });
});
