// Buttons and the 1-10 scale, shared by the flows' card data (each screen is a template in cards/).
import type { CardButton } from '../../../cards/index.js';
import type { Verb } from '../verbs.js';

export type FormAction = CardButton;

export const button = (title: string, verb: Verb, data: Record<string, unknown>, style: CardButton['style'] = 'default'): CardButton => ({ title, verb, data, style });

/** 1..10 as choices, for COPM ratings. */
export const oneToTen = (): { title: string; value: string }[] => Array.from({ length: 10 }, (_, i) => ({ title: String(i + 1), value: String(i + 1) }));
