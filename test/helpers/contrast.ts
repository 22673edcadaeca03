// Text contrast on an Adaptive Card as Teams shows it: each piece of text's colour (its `color`,
// `isSubtle`) on its container's background (the nearest `style` around it), in Teams' own host
// configs for the light and the dark theme (test/fixtures/teamsHostConfigs). WCAG 2.1's contrast
// ratio, with a colour's alpha blended over the background as the browser does; 4.5:1 is the floor
// for normal text (WCAG 1.4.3, level AA). Buttons are drawn by Teams itself and are not checked.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/paths.js';

interface Colour {
  default: string;
  subtle: string;
}

export interface HostConfig {
  containerStyles: Record<string, { backgroundColor: string; foregroundColors: Record<string, Colour> }>;
  factSet?: { title?: { color?: string; isSubtle?: boolean }; value?: { color?: string; isSubtle?: boolean } };
}

export type Theme = 'light' | 'dark';

export function teamsHostConfig(theme: Theme): HostConfig {
  return JSON.parse(readFileSync(path.join(projectRoot, 'test', 'fixtures', 'teamsHostConfigs', `microsoft-teams-${theme}.json`), 'utf8')) as HostConfig;
}

type Rgb = [number, number, number];

/** "#RRGGBB" or "#AARRGGBB" (alpha first, as host configs write it). */
function parseColour(hex: string): { alpha: number; rgb: Rgb } {
  const h = hex.replace(/^#/, '');
  if (!/^([0-9a-f]{6}|[0-9a-f]{8})$/i.test(h)) throw new Error(`not a colour: ${hex}`);
  const at = (i: number) => parseInt(h.slice(i, i + 2), 16);
  return h.length === 8 ? { alpha: at(0) / 255, rgb: [at(2), at(4), at(6)] } : { alpha: 1, rgb: [at(0), at(2), at(4)] };
}

function luminance([r, g, b]: Rgb): number {
  const channel = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** The contrast ratio of `foreground` drawn on `background` (both host-config colours). */
export function contrastRatio(foreground: string, background: string): number {
  const bg = parseColour(background).rgb;
  const fg = parseColour(foreground);
  const drawn = fg.rgb.map((v, i) => fg.alpha * v + (1 - fg.alpha) * bg[i]!) as Rgb;
  const [light, dark] = [luminance(drawn), luminance(bg)].sort((a, b) => b - a) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

export interface ContrastProblem {
  text: string;
  ratio: number;
  style: string;
  colour: string;
}

const STYLED = new Set(['AdaptiveCard', 'Container', 'ColumnSet', 'Column', 'Table', 'TableCell']);

/** Every text on the card below `minimum` against its background, in `host`. */
export function contrastProblems(card: unknown, host: HostConfig, minimum = 4.5): ContrastProblem[] {
  const out: ContrastProblem[] = [];
  const check = (text: unknown, colour: unknown, subtle: unknown, style: string) => {
    if (typeof text !== 'string' || !text.trim()) return;
    const container = host.containerStyles[style] ?? host.containerStyles.default!;
    const name = typeof colour === 'string' ? colour.toLowerCase() : 'default';
    const fg = container.foregroundColors[name] ?? container.foregroundColors.default!;
    const ratio = contrastRatio(subtle === true ? fg.subtle : fg.default, container.backgroundColor);
    if (ratio < minimum) out.push({ text: text.slice(0, 80), ratio: Math.round(ratio * 100) / 100, style, colour: `${name}${subtle === true ? ' (subtle)' : ''}` });
  };
  const walk = (node: unknown, style: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, style));
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    const type = typeof n.type === 'string' ? n.type : '';
    // Buttons are drawn by Teams in its own colours; Teams' charts draw their own.
    if (type.startsWith('Action.') || type.startsWith('Chart.')) return;
    const here = STYLED.has(type) && typeof n.style === 'string' ? n.style.toLowerCase() : style;
    if (type === 'TextBlock') check(n.text, n.color, n.isSubtle, here);
    if (type === 'TextRun') check(n.text, n.color, n.isSubtle, here);
    if (type === 'FactSet' && Array.isArray(n.facts)) {
      for (const f of n.facts as { title?: unknown; value?: unknown }[]) {
        check(f.title, host.factSet?.title?.color, host.factSet?.title?.isSubtle, here);
        check(f.value, host.factSet?.value?.color, host.factSet?.value?.isSubtle, here);
      }
    }
    // A field's label, and a toggle's title, in the default colour.
    if (type.startsWith('Input.')) {
      check(n.label, 'default', false, here);
      if (type === 'Input.Toggle') check(n.title, 'default', false, here);
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'actions' && k !== 'selectAction') walk(v, here);
  };
  walk(card, 'default');
  return out;
}
