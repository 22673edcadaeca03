// Tests read a card's buttons as verb and data, however they travel (CARD_ACTIONS): an Action.Submit
// button carries its verb inside its data; this gives it back as an Action.Execute-shaped view.
// What the client really got is checked as it was sent (test/setup/cards.ts).
export function executeView<T>(card: T): T {
  const convert = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(convert);
    if (!node || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Submit' && o.data && typeof o.data === 'object' && typeof (o.data as Record<string, unknown>).verb === 'string') {
      const { verb, ...data } = o.data as Record<string, unknown>;
      return { ...o, type: 'Action.Execute', verb, data };
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, convert(v)]));
  };
  return convert(card) as T;
}

/** The CARD_ACTIONS a test run uses (the vitest project sets it; unset, the bot's default). */
export const cardActionsEnv = (): Record<string, string> => (process.env.CARD_ACTIONS ? { CARD_ACTIONS: process.env.CARD_ACTIONS } : {});

/** Every button on a card, wherever it sits (the card's actions, rows of buttons, forms), as verb and data. */
export function actionsOf(raw: any): any[] {
  const card = executeView(raw);
  const out: any[] = [];
  const walk = (node: any) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (typeof node.type === 'string' && node.type.startsWith('Action.')) out.push(node);
    // A card's refresh action is not a button anyone presses.
    for (const [key, value] of Object.entries(node)) if (key !== 'refresh' && typeof value === 'object') walk(value);
  };
  walk(card);
  return out;
}
