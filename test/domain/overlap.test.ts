// Finding colleagues' visits near a planned one (those the planner joins included): the window in Copenhagen calendar days at its edges and across daylight-saving changes, and which visits never count.
import { describe, expect, it } from 'vitest';
import { calendarDay, daysBetween, findOverlaps, type StaffRef, type VisitLike } from '../../src/domain/overlap.js';

/** A Copenhagen wall-clock time with its UTC offset written out (+01:00 winter, +02:00 summer), as the stored UTC instant. */
const cph = (local: string, offset: '+01:00' | '+02:00') => new Date(`${local}:00${offset}`).toISOString();

const me: StaffRef = { tenantId: 't1', aadObjectId: 'me' };
const anna: StaffRef = { tenantId: 't1', aadObjectId: 'anna' };
const bo: StaffRef = { tenantId: 't1', aadObjectId: 'bo' };

let seq = 0;
const visit = (at: string, over: Partial<VisitLike> = {}): VisitLike => ({
  id: `v${++seq}`,
  citizenId: 'c1',
  staff: anna,
  at,
  status: 'planned',
  service: 'demens',
  ...over,
});
const candidate = (at: string, over: { id?: string; citizenId?: string; staff?: StaffRef } = {}) => ({ citizenId: 'c1', staff: me, at, ...over });
const daysOf = (found: ReturnType<typeof findOverlaps>) => found.map((o) => [o.visit.id, o.days]);
const relationsOf = (found: ReturnType<typeof findOverlaps>) => found.map((o) => [o.visit.id, o.days, o.relation]);

describe('calendarDay', () => {
  it('gives the Copenhagen day, which is not the UTC day late in the evening', () => {
    expect(calendarDay('2026-01-31T22:59:59Z')).toBe('2026-01-31');
    expect(calendarDay('2026-01-31T23:30:00Z')).toBe('2026-02-01');
    expect(calendarDay('2026-06-30T21:59:59Z')).toBe('2026-06-30');
    expect(calendarDay('2026-06-30T22:00:00Z')).toBe('2026-07-01');
    expect(calendarDay('2026-12-31T23:00:00Z')).toBe('2027-01-01');
  });

  it('follows the offset change on both daylight-saving days', () => {
    // 29 March 2026: 02:00 CET becomes 03:00 CEST, so local midnight is 22:00 UTC from then on.
    expect(calendarDay('2026-03-28T22:59:00Z')).toBe('2026-03-28');
    expect(calendarDay('2026-03-28T23:00:00Z')).toBe('2026-03-29');
    expect(calendarDay('2026-03-29T21:59:00Z')).toBe('2026-03-29');
    expect(calendarDay('2026-03-29T22:00:00Z')).toBe('2026-03-30');
    // 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice, both on the 25th.
    expect(calendarDay('2026-10-24T22:00:00Z')).toBe('2026-10-25');
    expect(calendarDay('2026-10-25T00:30:00Z')).toBe('2026-10-25');
    expect(calendarDay('2026-10-25T01:30:00Z')).toBe('2026-10-25');
    expect(calendarDay('2026-10-25T22:59:00Z')).toBe('2026-10-25');
    expect(calendarDay('2026-10-25T23:00:00Z')).toBe('2026-10-26');
  });

  it('takes another time zone, and accepts an instant written with an offset', () => {
    expect(calendarDay('2026-01-31T23:30:00Z', 'UTC')).toBe('2026-01-31');
    expect(calendarDay('2026-02-01T03:00:00Z', 'America/New_York')).toBe('2026-01-31');
    expect(calendarDay('2026-02-01T00:30:00+01:00')).toBe('2026-02-01');
  });

  it('refuses a date-time that is not one, and an unknown zone', () => {
    expect(() => calendarDay('tomorrow')).toThrow(RangeError);
    expect(() => calendarDay('2026-01-01T10:00:00Z', 'Europe/Aabenraa')).toThrow(RangeError);
  });
});

describe('daysBetween', () => {
  it('counts calendar days, signed, across month, year and leap day', () => {
    expect(daysBetween('2026-03-28', '2026-04-11')).toBe(14);
    expect(daysBetween('2026-04-11', '2026-03-28')).toBe(-14);
    expect(daysBetween('2026-10-11', '2026-10-25')).toBe(14);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2026-05-15', '2026-05-15')).toBe(0);
  });

  it('refuses anything but YYYY-MM-DD', () => {
    expect(() => daysBetween('2026-3-28', '2026-04-11')).toThrow(RangeError);
  });
});

describe('findOverlaps: the window in calendar days', () => {
  // Candidate: 15 May 2026, 10:00 Copenhagen (summer time).
  const at = cph('2026-05-15T10:00', '+02:00');

  it('includes exactly 14 days either side, to the first and last minute of the day, and excludes the 15th', () => {
    const visits = [
      visit(cph('2026-05-01T00:00', '+02:00'), { id: 'minus14-start' }),
      visit(cph('2026-04-30T23:59', '+02:00'), { id: 'minus15-end' }),
      visit(cph('2026-05-29T23:59', '+02:00'), { id: 'plus14-end' }),
      visit(cph('2026-05-30T00:00', '+02:00'), { id: 'plus15-start' }),
    ];
    expect(daysOf(findOverlaps(candidate(at), visits, 14))).toEqual([
      ['minus14-start', -14],
      ['plus14-end', 14],
    ]);
  });

  it('23:30 and 00:30 the next day are one day apart though only an hour; 00:30 and 23:30 the same day are the same day', () => {
    const late = cph('2026-05-15T23:30', '+02:00');
    const nextEarly = visit(cph('2026-05-16T00:30', '+02:00'), { id: 'next-early' });
    expect(findOverlaps(candidate(late), [nextEarly], 0)).toEqual([]);
    expect(daysOf(findOverlaps(candidate(late), [nextEarly], 1))).toEqual([['next-early', 1]]);
    const sameEarly = visit(cph('2026-05-15T00:30', '+02:00'), { id: 'same-early' });
    expect(daysOf(findOverlaps(candidate(late), [sameEarly], 0))).toEqual([['same-early', 0]]);
  });

  it('the 29 March change: 28 March 12:00 to 11 April 12:00 is 14 days, though an hour short of 14 x 24 hours', () => {
    const c = cph('2026-03-28T12:00', '+01:00');
    const colleague = visit(cph('2026-04-11T12:00', '+02:00'), { id: 'after-change' });
    expect(Date.parse(colleague.at) - Date.parse(c)).toBe(14 * 86_400_000 - 3_600_000);
    expect(daysOf(findOverlaps(candidate(c), [colleague], 14))).toEqual([['after-change', 14]]);
    expect(findOverlaps(candidate(c), [colleague], 13)).toEqual([]);
    // And 14 days back from after the change, to before it.
    expect(daysOf(findOverlaps(candidate(colleague.at), [visit(c, { id: 'before-change' })], 14))).toEqual([['before-change', -14]]);
  });

  it('the 25 October change: 11 October 12:00 to 25 October 12:00 is 14 days, though an hour over 14 x 24 hours', () => {
    const c = cph('2026-10-25T12:00', '+01:00');
    const colleague = visit(cph('2026-10-11T12:00', '+02:00'), { id: 'before-change' });
    expect(Date.parse(c) - Date.parse(colleague.at)).toBe(14 * 86_400_000 + 3_600_000);
    expect(daysOf(findOverlaps(candidate(c), [colleague], 14))).toEqual([['before-change', -14]]);
    // The day before 11 October is out, even at a time less than 15 x 24 hours away.
    const dayBefore = visit(cph('2026-10-10T23:30', '+02:00'), { id: 'day-15' });
    expect(findOverlaps(candidate(c), [dayBefore], 14)).toEqual([]);
    // The repeated hour on the night of the change is the 25th both times.
    const first230 = visit('2026-10-25T00:30:00Z', { id: '02:30-summer' });
    const second230 = visit('2026-10-25T01:30:00Z', { id: '02:30-winter' });
    expect(daysOf(findOverlaps(candidate(c), [second230, first230], 0))).toEqual([
      ['02:30-summer', 0],
      ['02:30-winter', 0],
    ]);
  });

  it('a window of 0 days finds only the same day; a negative or fractional window is refused', () => {
    expect(daysOf(findOverlaps(candidate(at), [visit(cph('2026-05-15T16:00', '+02:00'), { id: 'same' }), visit(cph('2026-05-16T09:00', '+02:00'))], 0))).toEqual([['same', 0]]);
    expect(() => findOverlaps(candidate(at), [], -1)).toThrow(RangeError);
    expect(() => findOverlaps(candidate(at), [], 1.5)).toThrow(RangeError);
  });

  it('counts in the zone it is given', () => {
    // 23:30 UTC on the 15th is the 16th in Copenhagen but the 15th in UTC.
    const c = '2026-05-15T10:00:00Z';
    const v = visit('2026-05-15T23:30:00Z', { id: 'late' });
    expect(daysOf(findOverlaps(candidate(c), [v], 14))).toEqual([['late', 1]]);
    expect(daysOf(findOverlaps(candidate(c), [v], 14, 'UTC'))).toEqual([['late', 0]]);
  });
});

describe('findOverlaps: which visits count', () => {
  const at = cph('2026-05-15T10:00', '+02:00');
  const near = cph('2026-05-18T10:00', '+02:00');

  it('done visits count as well as planned ones; cancelled ones and undecided drafts do not', () => {
    const visits = [
      visit(near, { id: 'planned', status: 'planned' }),
      visit(cph('2026-05-12T10:00', '+02:00'), { id: 'done', status: 'done' }),
      visit(near, { id: 'cancelled', status: 'cancelled' }),
      visit(near, { id: 'draft', status: 'draft' }),
    ];
    expect(daysOf(findOverlaps(candidate(at), visits, 14))).toEqual([
      ['done', -3],
      ['planned', 3],
    ]);
  });

  it("the candidate's own staff member's visits are not doubles (a series they plan); the same object id in another tenant is another person", () => {
    const visits = [visit(near, { id: 'mine', staff: { ...me } }), visit(near, { id: 'other-tenant', staff: { tenantId: 't2', aadObjectId: 'me' } })];
    expect(relationsOf(findOverlaps(candidate(at), visits, 14))).toEqual([['other-tenant', 3, 'colleague']]);
  });

  it('the candidate visit itself is left out when it is already stored (same id)', () => {
    const stored = visit(at, { id: 'cand', staff: anna });
    expect(findOverlaps(candidate(at, { id: 'cand', staff: bo }), [stored], 14)).toEqual([]);
    expect(daysOf(findOverlaps(candidate(at, { staff: bo }), [stored], 14))).toEqual([['cand', 0]]);
  });

  it('a visit the planner joins still counts (the citizen is visited twice), marked as joined; one shared with someone else is a colleague\'s', () => {
    const visits = [visit(near, { id: 'joined', jointWith: [bo, { ...me }] }), visit(near, { id: 'shared-with-bo', jointWith: [bo] })];
    expect(relationsOf(findOverlaps(candidate(at), visits, 14))).toEqual([['joined', 3, 'joined'], ['shared-with-bo', 3, 'colleague']]);
  });

  it('Alex joins Megan\'s visit on 2 December, then plans his own on 1 December: warned, and the joint visit is named', () => {
    const alex: StaffRef = { tenantId: 't1', aadObjectId: 'alex' };
    const megan: StaffRef = { tenantId: 't1', aadObjectId: 'megan' };
    const megans = visit(cph('2026-12-02T10:00', '+01:00'), { id: 'megans', staff: megan, jointWith: [alex] });
    const found = findOverlaps(candidate(cph('2026-12-01T13:00', '+01:00'), { staff: alex }), [megans], 14);
    expect(found).toEqual([{ visit: megans, days: 1, relation: 'joined' }]);
    // Megan planning another visit sees Alex's as a colleague's, whatever she shares with him.
    const alexs = visit(cph('2026-12-01T13:00', '+01:00'), { id: 'alexs', staff: alex });
    expect(relationsOf(findOverlaps(candidate(cph('2026-12-03T09:00', '+01:00'), { staff: megan }), [megans, alexs], 14))).toEqual([['alexs', -2, 'colleague']]);
  });

  it("another citizen's visits never count, so a list of everyone's visits gives the same answer", () => {
    const visits = [visit(near, { id: 'c1', citizenId: 'c1' }), visit(near, { id: 'c2', citizenId: 'c2' })];
    expect(daysOf(findOverlaps(candidate(at), visits, 14))).toEqual([['c1', 3]]);
  });

  it('sorts nearest day first, then by time (across both sides), whatever the input order', () => {
    const visits = [
      visit(cph('2026-05-20T09:00', '+02:00'), { id: 'plus5' }),
      visit(cph('2026-05-13T15:00', '+02:00'), { id: 'minus2-afternoon' }),
      visit(cph('2026-05-17T08:00', '+02:00'), { id: 'plus2-morning', staff: bo }),
      visit(cph('2026-05-15T18:00', '+02:00'), { id: 'same-day-evening' }),
      visit(cph('2026-05-15T07:00', '+02:00'), { id: 'same-day-morning', staff: bo }),
      visit(cph('2026-05-14T12:00', '+02:00'), { id: 'minus1' }),
      visit(cph('2026-05-17T08:00', '+02:00'), { id: 'plus2-morning-a' }),
    ];
    const expected = [
      ['same-day-morning', 0],
      ['same-day-evening', 0],
      ['minus1', -1],
      ['minus2-afternoon', -2],
      ['plus2-morning', 2],
      ['plus2-morning-a', 2],
      ['plus5', 5],
    ];
    expect(daysOf(findOverlaps(candidate(at), visits, 14))).toEqual(expected);
    expect(daysOf(findOverlaps(candidate(at), [...visits].reverse(), 14))).toEqual(expected);
  });

  it('returns the visits themselves, not copies, and leaves the input alone', () => {
    const visits = [visit(near), visit(at)];
    const before = JSON.stringify(visits);
    const found = findOverlaps(candidate(at), visits, 14);
    expect(found.map((o) => o.visit)).toEqual([visits[1], visits[0]]);
    expect(found[0]!.visit).toBe(visits[1]);
    expect(JSON.stringify(visits)).toBe(before);
  });
});
