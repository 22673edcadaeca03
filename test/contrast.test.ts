// The contrast check itself (test/helpers/contrast.ts), on Teams' host configs: it must find the
// colours the issue named (yellow warnings, pale green notes) and pass what is readable.
import { describe, expect, it } from 'vitest';
import { contrastProblems, contrastRatio, teamsHostConfig } from './helpers/contrast.js';

const light = teamsHostConfig('light');
const dark = teamsHostConfig('dark');
const card = (body: unknown[]) => ({ type: 'AdaptiveCard', version: '1.5', body });

describe('text contrast on Teams cards', () => {
  it('computes WCAG ratios: black on white is 21:1, white on white 1:1, and Teams\' warning yellow on white about 1.5:1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    const white = light.containerStyles.default!.backgroundColor;
    expect(contrastRatio(light.containerStyles.default!.foregroundColors.warning!.default, white)).toBeCloseTo(1.47, 1);
  });

  it('finds yellow and green text, and red text on the dark theme; passes default, subtle and accent text', () => {
    const c = card([
      { type: 'TextBlock', text: 'Til juridisk gennemgang', color: 'Warning' },
      { type: 'TextBlock', text: 'Gemt', color: 'Good' },
      { type: 'TextBlock', text: 'Skriv et CPR-nummer', color: 'Attention' },
      { type: 'TextBlock', text: 'Almindelig tekst' },
      { type: 'TextBlock', text: 'Lille grå tekst', isSubtle: true },
      { type: 'TextBlock', text: 'Bemærk', color: 'Accent' },
      { type: 'Container', style: 'emphasis', items: [{ type: 'TextBlock', text: '⚠ Til juridisk gennemgang', weight: 'Bolder' }] },
      { type: 'ActionSet', actions: [{ type: 'Action.Execute', title: 'Knap', verb: 'x' }] },
    ]);
    expect(contrastProblems(c, light).map((p) => p.text)).toEqual(['Til juridisk gennemgang', 'Gemt']);
    // On the dark theme yellow and green are readable, Teams' red is not.
    expect(contrastProblems(c, dark).map((p) => p.text)).toEqual(['Skriv et CPR-nummer']);
  });

  it('reads the colour of the nearest styled container: accent text on an accent container fails', () => {
    const c = card([{ type: 'Container', style: 'accent', items: [{ type: 'ColumnSet', columns: [{ type: 'Column', items: [{ type: 'TextBlock', text: 'Inde i', color: 'Accent', isSubtle: true }] }] }] }]);
    expect(contrastProblems(c, light)).toEqual([{ text: 'Inde i', ratio: expect.any(Number), style: 'accent', colour: 'accent (subtle)' }]);
  });

  it('checks fact sets, rich text and field labels too', () => {
    const c = card([
      { type: 'FactSet', facts: [{ title: 'Borger', value: 'Jens' }] },
      { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'gul', color: 'Warning' }] },
      { type: 'Input.Text', id: 'x', label: 'Navn' },
    ]);
    expect(contrastProblems(c, light).map((p) => p.text)).toEqual(['gul']);
  });
});
