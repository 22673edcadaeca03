// Buttons that can be read on a phone. Teams draws a card's actions in one row and never wraps a
// button's title: on a phone, four buttons become "Ko…", "Sl…" (MicrosoftDocs/msteams-docs#12081).
// A card whose buttons would not fit one row on a phone gets them as rows of its own instead, each
// row narrow enough for a phone; the order is kept, so the main button stays first. Cards whose
// buttons fit keep them where they were. The widths are estimates on the generous side (a wide
// sans-serif at Teams' 14 px); test/e2e/cardWidth.test.ts renders every card at 360 px to check.

/** The width a row of buttons may take: a 360 px phone, less the card's and the chat's margins. */
export const PHONE_ROW_PX = 290;
const CHAR_PX = 8.2;
const BUTTON_PADDING_PX = 30;
const GAP_PX = 8;

interface Action {
  type: string;
  title?: string;
  [key: string]: unknown;
}

/** A button's estimated width, with its padding. */
export const buttonWidth = (a: Action): number => Math.ceil([...(a.title ?? '')].length * CHAR_PX) + BUTTON_PADDING_PX;

/** The buttons in rows that each fit a phone, in their order; a button too wide for any row gets one of its own. */
export function buttonRows<T extends Action>(actions: T[], rowPx = PHONE_ROW_PX): T[][] {
  const rows: T[][] = [];
  let row: T[] = [];
  let used = 0;
  for (const a of actions) {
    const w = buttonWidth(a);
    if (row.length && used + GAP_PX + w > rowPx) {
      rows.push(row);
      row = [];
      used = 0;
    }
    used += (row.length ? GAP_PX : 0) + w;
    row.push(a);
  }
  if (row.length) rows.push(row);
  return rows;
}

/**
 * The card's own actions, moved into rows at the end of its body when they would not fit one row on
 * a phone. Changes the card in place.
 */
export function fitButtonsToPhone(card: { body?: unknown[]; actions?: Action[] }): void {
  const actions = card.actions;
  if (!Array.isArray(actions) || actions.length < 2) return;
  const rows = buttonRows(actions);
  if (rows.length === 1) return;
  card.body = [
    ...(card.body ?? []),
    ...rows.map((row, i) => ({ type: 'ActionSet', spacing: i === 0 ? 'Medium' : 'Small', actions: row })),
  ];
  delete card.actions;
}
