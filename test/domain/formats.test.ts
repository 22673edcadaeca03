// Numbers, dates and months as people read them (src/i18n/format.ts): Danish 1.234,5 and 01.12.2026,
// English 1,234.5 and 01/12/2026, whatever the ICU build of Node.js.
import { describe, expect, it } from 'vitest';
import { formatDate, formatDay, formatDecimal, formatInteger, formatIsoDay, formatMonth, formatSigned, formatWhen } from '../../src/i18n/format.js';

describe('formatDecimal', () => {
  it.each([
    [2, 1, '2,0', '2.0'],
    [12, 1, '12,0', '12.0'],
    [5.5, 1, '5,5', '5.5'],
    [5.75, 1, '5,8', '5.8'],
    [0, 1, '0,0', '0.0'],
    [0.04, 1, '0,0', '0.0'],
    [7 / 3, 1, '2,3', '2.3'],
    [1234.5, 1, '1.234,5', '1,234.5'],
    [999.95, 1, '1.000,0', '1,000.0'],
    [1234567.25, 2, '1.234.567,25', '1,234,567.25'],
    [-1.5, 1, '-1,5', '-1.5'],
    [-1234.5, 1, '-1.234,5', '-1,234.5'],
    [-0.04, 1, '0,0', '0.0'], // never "-0,0"
    [-0, 1, '0,0', '0.0'],
    [1.15, 1, '1,2', '1.2'], // stored as 1.1499999999999999, rounded as written
    [2.675, 2, '2,68', '2.68'],
    [1.05, 1, '1,1', '1.1'],
    [-2.5, 0, '-3', '-3'], // half away from zero
    [0.5, 0, '1', '1'],
    [42, 0, '42', '42'],
  ])('%d with %i decimals: Danish %s, English %s', (n, digits, da, en) => {
    expect(formatDecimal('da', n, digits)).toBe(da);
    expect(formatDecimal('en', n, digits)).toBe(en);
  });

  it('has one decimal unless told otherwise', () => {
    expect(formatDecimal('da', 3)).toBe('3,0');
  });

  it('a result that is no number is shown as such, not as digits', () => {
    expect(formatDecimal('da', Number.NaN)).toBe('NaN');
  });
});

describe('formatInteger', () => {
  it.each([
    [0, '0', '0'],
    [7, '7', '7'],
    [999, '999', '999'],
    [1000, '1.000', '1,000'],
    [52647, '52.647', '52,647'],
    [1234567, '1.234.567', '1,234,567'],
    [-1000, '-1.000', '-1,000'],
  ])('%i: Danish %s, English %s', (n, da, en) => {
    expect(formatInteger('da', n)).toBe(da);
    expect(formatInteger('en', n)).toBe(en);
  });
});

describe('formatSigned', () => {
  it.each([
    [2, 0, '+2', '+2'],
    [-1, 0, '-1', '-1'],
    [0, 0, '0', '0'],
    [0.5, 1, '+0,5', '+0.5'],
    [-1.5, 1, '-1,5', '-1.5'],
    [0.04, 1, '0,0', '0.0'], // rounds to nothing: no sign
    [-0.04, 1, '0,0', '0.0'],
    [1234.5, 1, '+1.234,5', '+1,234.5'],
  ])('%d with %i decimals: Danish %s, English %s', (n, digits, da, en) => {
    expect(formatSigned('da', n, digits)).toBe(da);
    expect(formatSigned('en', n, digits)).toBe(en);
  });
});

describe('dates', () => {
  it('a calendar day as DD.MM.YYYY (Danish) or DD/MM/YYYY (English), zero-padded', () => {
    expect(formatDay('da', { year: 2026, month: 12, day: 1 })).toBe('01.12.2026');
    expect(formatDay('en', { year: 2026, month: 12, day: 1 })).toBe('01/12/2026');
  });

  it.each([
    ['2026-12-01', '01.12.2026', '01/12/2026'],
    ['2027-02-28', '28.02.2027', '28/02/2027'],
    ['2028-02-29', '29.02.2028', '29/02/2028'],
    ['2026-03-29', '29.03.2026', '29/03/2026'], // the day the clocks change
  ])('a stored day %s: Danish %s, English %s, never shifted by a time zone', (iso, da, en) => {
    expect(formatIsoDay('da', iso)).toBe(da);
    expect(formatIsoDay('en', iso)).toBe(en);
  });

  it('an instant as the day it is in Denmark: 30 November 23:30 UTC is 1 December', () => {
    expect(formatDate('da', '2026-11-30T23:30:00Z')).toBe('01.12.2026');
    expect(formatDate('en', '2026-11-30T23:30:00Z')).toBe('01/12/2026');
    expect(formatWhen('da', '2026-12-01T09:00:00Z')).toBe('01.12.2026 kl. 10.00');
  });

  it.each([
    ['2026-01', 'jan. 2026', 'Jan 2026'],
    ['2026-05', 'maj 2026', 'May 2026'],
    ['2026-06', 'jun. 2026', 'Jun 2026'],
    ['2026-11', 'nov. 2026', 'Nov 2026'],
    ['2026-12', 'dec. 2026', 'Dec 2026'],
  ])('a month %s: Danish %j, English %j', (month, da, en) => {
    expect(formatMonth('da', month)).toBe(da);
    expect(formatMonth('en', month)).toBe(en);
  });

  it('month labels fit a chart axis (about ten characters) and are no ISO dates', () => {
    for (let m = 1; m <= 12; m++) {
      for (const lang of ['da', 'en'] as const) {
        const label = formatMonth(lang, `2026-${String(m).padStart(2, '0')}`);
        expect(label.length, label).toBeLessThanOrEqual(10);
        expect(label).not.toMatch(/\d{4}-\d{2}/);
      }
    }
  });
});
