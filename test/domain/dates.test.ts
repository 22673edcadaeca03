// Dates as people type them (01.12.2026 in Danish) and as card date pickers send them (2026-12-01):
// every form read to the same YYYY-MM-DD, the calendar checked, nothing guessed.
import { describe, expect, it } from 'vitest';
import { daysInMonth, isIsoDate, isLeapYear, parseTypedDate, parseTypedTime } from '../../src/domain/dates.js';

describe('parseTypedDate', () => {
  it.each([
    ['01.12.2026', '2026-12-01'],
    ['1.12.2026', '2026-12-01'],
    ['01-12-2026', '2026-12-01'],
    ['1-12-2026', '2026-12-01'],
    ['01/12/2026', '2026-12-01'],
    ['2026-12-01', '2026-12-01'],
    ['2026-12-1', '2026-12-01'],
    ['1.2.2027', '2027-02-01'],
    ['31.12.2026', '2026-12-31'],
    ['01.01.2027', '2027-01-01'],
    ['  01.12.2026', '2026-12-01'],
    ['01.12.2026  ', '2026-12-01'],
    ['\t2026-12-01\n', '2026-12-01'],
  ])('reads %j as %s', (typed, iso) => {
    expect(parseTypedDate(typed)).toEqual({ ok: true, iso });
  });

  it.each([
    ['29.02.2028', '2028-02-29'], // divisible by 4
    ['29.02.2000', '2000-02-29'], // divisible by 400
    ['2024-02-29', '2024-02-29'],
  ])('takes 29 February in a leap year: %j', (typed, iso) => {
    expect(parseTypedDate(typed)).toEqual({ ok: true, iso });
  });

  it.each(['29.02.2026', '29.02.2100', '2027-02-29', '30.02.2028'])('refuses 29 February (or later) outside a leap year: %j is no date', (typed) => {
    expect(parseTypedDate(typed)).toEqual({ ok: false, problem: 'notADate' });
  });

  it.each(['31.04.2026', '31.06.2026', '31.09.2026', '31.11.2026', '32.01.2026', '00.12.2026', '01.00.2026', '01.13.2026', '2026-13-01', '2026-04-31', '2026-00-10', '01.12.0000'])(
    'refuses a day the calendar does not have: %j',
    (typed) => {
      expect(parseTypedDate(typed)).toEqual({ ok: false, problem: 'notADate' });
    },
  );

  it.each([
    '01.12.26', // a two-digit year: 1926 or 2026?
    '1.12.26',
    '01-12-26',
    '26-12-01',
    '01.12.02026',
    '01.12',
    '12.2026',
    '01.12-2026', // two separators
    '01-12.2026',
    '2026.12.01', // year first only with hyphens
    '2026/12/01',
    '001.12.2026',
    '01. 12. 2026',
    '01 12 2026',
    '01122026',
    '20261201',
    '1. december 2026',
    '2026-12-01T00:00:00Z',
    'i morgen',
    '٠١.١٢.٢٠٢٦', // digits of another script
    '-1.12.2026',
  ])('refuses %j: not a form it reads', (typed) => {
    expect(parseTypedDate(typed)).toEqual({ ok: false, problem: 'format' });
  });

  it.each(['', '   ', '\t\n'])('nothing typed (%j) is empty, not a wrong date', (typed) => {
    expect(parseTypedDate(typed)).toEqual({ ok: false, problem: 'empty' });
  });
});

describe('calendar', () => {
  it.each([
    [2024, true],
    [2026, false],
    [2000, true],
    [1900, false],
    [2100, false],
  ])('%i is a leap year: %s', (year, leap) => {
    expect(isLeapYear(year)).toBe(leap);
  });

  it('has the days of each month', () => {
    expect(Array.from({ length: 12 }, (_, i) => daysInMonth(2026, i + 1))).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2026, 13)).toBe(0);
  });

  it.each([
    ['2026-12-01', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-04-31', false],
    ['2026-12-1', false],
    ['01.12.2026', false],
    [' 2026-12-01', false],
  ])('isIsoDate(%j) is %s: only YYYY-MM-DD, only real days', (s, ok) => {
    expect(isIsoDate(s)).toBe(ok);
  });
});

describe('parseTypedTime', () => {
  it.each([
    ['10:00', '10:00'],
    ['10.00', '10:00'], // the Danish way
    ['9:30', '09:30'],
    ['9.30', '09:30'],
    ['00:00', '00:00'],
    ['23:59', '23:59'],
    ['10:00:00', '10:00'], // as some pickers send it
    [' 13.30 ', '13:30'],
  ])('reads %j as %s', (typed, time) => {
    expect(parseTypedTime(typed)).toBe(time);
  });

  it.each(['', '24:00', '10:60', '1000', '10', '10:0', '10:000', '10,30', 'kl. 10', '10:00 am', '10:00abc', '-1:00', '100:00'])('refuses %j', (typed) => {
    expect(parseTypedTime(typed)).toBeUndefined();
  });
});
