// CPR numbers as DOMAIN.md gives them: the century from the 7th digit and the year (the CPR office's
// table), real dates only, no birth date after today, modulus 11 not checked, age and masking.
import { describe, expect, it } from 'vitest';
import { ageOn, centuryOf, formatCpr, maskCpr, parseCpr, type Day } from '../../src/domain/cpr.js';

const TODAY: Day = { year: 2026, month: 11, day: 29 };
const birth = (input: string, today: Day = TODAY) => {
  const r = parseCpr(input, today);
  return r.ok ? r.cpr.birthDate : r.problem;
};

describe('the century from the 7th digit (CPR office table)', () => {
  // 7th digit | YY 00-36 | YY 37-57 | YY 58-99
  const table: [number, number, number, number][] = [
    [0, 1900, 1900, 1900],
    [1, 1900, 1900, 1900],
    [2, 1900, 1900, 1900],
    [3, 1900, 1900, 1900],
    [4, 2000, 1900, 1900],
    [5, 2000, 2000, 1800],
    [6, 2000, 2000, 1800],
    [7, 2000, 2000, 1800],
    [8, 2000, 2000, 1800],
    [9, 2000, 1900, 1900],
  ];
  it.each(table)('7th digit %i: YY 00-36 -> %i, 37-57 -> %i, 58-99 -> %i', (seventh, low, mid, high) => {
    for (const yy of [0, 36]) expect(centuryOf(seventh, yy)).toBe(low);
    for (const yy of [37, 57]) expect(centuryOf(seventh, yy)).toBe(mid);
    for (const yy of [58, 99]) expect(centuryOf(seventh, yy)).toBe(high);
  });
});

describe('parseCpr', () => {
  it('reads the birth date with and without the dash and spaces', () => {
    expect(birth('010150-1234')).toEqual({ year: 1950, month: 1, day: 1 });
    expect(birth('0101501234')).toEqual({ year: 1950, month: 1, day: 1 });
    expect(birth(' 010150 1234 ')).toEqual({ year: 1950, month: 1, day: 1 });
    expect(birth('120340-2222')).toEqual({ year: 1940, month: 3, day: 12 });
    expect(birth('010199-5000')).toEqual({ year: 1899, month: 1, day: 1 });
  });

  it('does not check modulus 11 (numbers without it are issued since 2007)', () => {
    expect(parseCpr('010150-1234', TODAY).ok).toBe(true);
    expect(parseCpr('010150-1235', TODAY).ok).toBe(true);
  });

  it('refuses what is not ten digits', () => {
    for (const bad of ['', '01015-1234', '010150-12345', '01O150-1234', '010150/1234', 'abcdefghij']) expect(birth(bad)).toBe('format');
  });

  it('refuses dates that do not exist, leap days by the century the 7th digit gives', () => {
    expect(birth('310450-1234')).toBe('date');
    expect(birth('001050-1234')).toBe('date');
    expect(birth('011350-1234')).toBe('date');
    expect(birth('290201-1234')).toBe('date'); // 1901: no leap day
    expect(birth('290200-1234')).toBe('date'); // 1900: not a leap year
    expect(birth('290200-4234')).toEqual({ year: 2000, month: 2, day: 29 }); // 2000 is
    expect(birth('290248-1234')).toEqual({ year: 1948, month: 2, day: 29 });
  });

  it('refuses a birth date after today, with the date it would be (070747-7777 is 7 July 2047)', () => {
    expect(parseCpr('070747-7777', TODAY)).toEqual({ ok: false, problem: 'future', digits: '0707477777', birthDate: { year: 2047, month: 7, day: 7 } });
    expect(birth('300157-5000')).toBe('future'); // 2057
    expect(birth('011236-4000')).toBe('future'); // 2036
  });

  it('takes today and tomorrow at the edge: born today is fine, tomorrow is not', () => {
    expect(birth('291126-4000')).toEqual({ year: 2026, month: 11, day: 29 });
    expect(birth('301126-4000')).toBe('future');
    expect(birth('301126-4000', { year: 2026, month: 11, day: 30 })).toEqual({ year: 2026, month: 11, day: 30 });
    // The same number is accepted once its date has come: the check is against the day given.
    expect(parseCpr('070747-7777', { year: 2047, month: 7, day: 7 }).ok).toBe(true);
  });
});

describe('age and display', () => {
  it('counts whole years, the birthday itself included', () => {
    const cpr = (parseCpr('291150-1234', TODAY) as { ok: true; cpr: any }).cpr;
    expect(ageOn(cpr, { year: 2026, month: 11, day: 28 })).toBe(75);
    expect(ageOn(cpr, { year: 2026, month: 11, day: 29 })).toBe(76);
    const leap = (parseCpr('290248-1234', TODAY) as { ok: true; cpr: any }).cpr;
    expect(ageOn(leap, { year: 2026, month: 2, day: 28 })).toBe(77);
    expect(ageOn(leap, { year: 2026, month: 3, day: 1 })).toBe(78);
  });

  it('masks the serial and formats with the dash', () => {
    expect(maskCpr('0101501234')).toBe('010150-xxxx');
    expect(formatCpr('0101501234')).toBe('010150-1234');
  });
});
