// The managers' figures beyond visits, pure: counts by centre and month (in Danish time), the
// counting weeks of Tabel 1 (seed 002: one week in spring, one in autumn, the average of the two),
// and the CSV Excel reads.
import { describe, expect, it } from 'vitest';
import { caseCounts, caseRows, countOf, screeningsPerMonth, usersPerWeek, type CaseEvent } from '../../src/domain/caseStats.js';
import { CSV_HEADER, csvCell, figuresCsv } from '../../src/domain/figuresCsv.js';

const screened = (at: string, outcome: 'club' | 'preventive' | 'referral' | 'outside', centre?: string): CaseEvent => ({ at, kind: 'screened', outcome, ...(centre ? { centre } : {}) });
const counted = (at: string, centre: string, year: number, season: 'spring' | 'autumn', users: number | null): CaseEvent => ({ at, kind: 'counted', centre, year, season, users });
/** A year's row as usersPerWeek gives it, without the times and authors. */
const plain = (rows: ReturnType<typeof usersPerWeek>) => rows.map((r) => ({ centre: r.centre, year: r.year, ...(r.spring ? { spring: r.spring.users } : {}), ...(r.autumn ? { autumn: r.autumn.users } : {}), ...(r.average !== undefined ? { average: r.average } : {}) }));

describe('caseCounts', () => {
  const events: CaseEvent[] = [
    screened('2026-11-02T10:00:00Z', 'club', 'nord'),
    screened('2026-11-03T10:00:00Z', 'referral', 'nord'),
    screened('2026-11-03T11:00:00Z', 'referral'),
    { at: '2026-11-03T11:00:00Z', kind: 'referred', source: 'screening', centre: 'nord' },
    { at: '2026-11-04T11:00:00Z', kind: 'referred', source: 'direct' },
    { at: '2026-11-05T11:00:00Z', kind: 'decided', offer: 'home', centre: 'nord' },
    { at: '2026-11-06T11:00:00Z', kind: 'decided', offer: 'notCase' },
    counted('2026-11-06T11:00:00Z', 'nord', 2026, 'autumn', 300),
  ];

  it('counts each kind by its outcome, source or offer; a counting week is no case', () => {
    const all = caseCounts(events);
    expect(all.screened).toEqual({ club: 1, preventive: 0, referral: 2, outside: 0 });
    expect(all.referred).toEqual({ screening: 1, direct: 1 });
    expect(all.decided).toEqual({ centre: 0, home: 1, single: 0, refused: 0, notCase: 1 });
  });

  it('one centre, or those with none (null)', () => {
    expect(caseCounts(events, { centre: 'nord' }).screened).toEqual({ club: 1, preventive: 0, referral: 1, outside: 0 });
    expect(caseCounts(events, { centre: null }).screened.referral).toBe(1);
    expect(caseCounts(events, { centre: null }).decided.notCase).toBe(1);
    expect(caseCounts(events, { centre: 'syd' }).screened).toEqual({ club: 0, preventive: 0, referral: 0, outside: 0 });
  });

  it('a month in Danish time: 31 October 23:30 UTC is already 1 November in Denmark', () => {
    const edge = [screened('2026-10-31T23:30:00Z', 'club'), screened('2026-10-31T22:30:00Z', 'club')];
    expect(caseCounts(edge, { month: '2026-11' }).screened.club).toBe(1);
    expect(caseCounts(edge, { month: '2026-10' }).screened.club).toBe(1);
    // Summer time: 31 March 22:30 UTC is 1 April 00:30 in Copenhagen.
    expect(caseCounts([screened('2026-03-31T22:30:00Z', 'club')], { month: '2026-04' }).screened.club).toBe(1);
  });

  it('screenings per month: every month asked for, zero where none', () => {
    expect(screeningsPerMonth(events, ['2026-10', '2026-11'])).toEqual([
      { month: '2026-10', count: 0 },
      { month: '2026-11', count: 3 },
    ]);
    expect(screeningsPerMonth(events, ['2026-11'], { centre: 'nord' })).toEqual([{ month: '2026-11', count: 2 }]);
  });

  it('as rows per month, centre, kind and value, sorted, the ones without a centre last in their month', () => {
    expect(caseRows(events).map((r) => [r.month, r.centre ?? '-', r.kind, r.value, r.count].join(' '))).toEqual([
      '2026-11 nord decided home 1',
      '2026-11 nord referred screening 1',
      '2026-11 nord screened club 1',
      '2026-11 nord screened referral 1',
      '2026-11 - decided notCase 1',
      '2026-11 - referred direct 1',
      '2026-11 - screened referral 1',
    ]);
  });
});

describe('usersPerWeek (Tabel 1)', () => {
  it('the average of the spring and autumn counts of a year, rounded to a whole user', () => {
    const rows = usersPerWeek([counted('2026-04-10T10:00:00Z', 'nord', 2026, 'spring', 320), counted('2026-10-10T10:00:00Z', 'nord', 2026, 'autumn', 335)]);
    expect(plain(rows)).toEqual([{ centre: 'nord', year: 2026, spring: 320, autumn: 335, average: 328 }]);
    expect(rows[0]!.spring).toEqual({ users: 320, at: '2026-04-10T10:00:00Z' });
  });

  it('one count only: no average, the count is there', () => {
    expect(plain(usersPerWeek([counted('2026-04-10T10:00:00Z', 'syd', 2026, 'spring', 90)]))).toEqual([{ centre: 'syd', year: 2026, spring: 90 }]);
  });

  it('a week counted again: the later count replaces it, whatever order they are read in; who recorded it goes with it', () => {
    const a = counted('2026-04-10T10:00:00Z', 'nord', 2026, 'spring', 300);
    const b: CaseEvent = { ...counted('2026-04-12T10:00:00Z', 'nord', 2026, 'spring', 310), by: { tenantId: 't', aadObjectId: 'lee' } } as CaseEvent;
    expect(usersPerWeek([a, b])[0]!.spring!.users).toBe(310);
    expect(usersPerWeek([b, a])[0]!.spring).toEqual({ users: 310, at: '2026-04-12T10:00:00Z', by: { tenantId: 't', aadObjectId: 'lee' } });
    expect(countOf([b, a], 'nord', 2026, 'spring')?.users).toBe(310);
    expect(countOf([b, a], 'nord', 2026, 'autumn')).toBeUndefined();
  });

  it('a count removed (users null) is no count; recorded again after, it is', () => {
    const events = [counted('2026-04-10T10:00:00Z', 'nord', 2026, 'spring', 300), counted('2026-04-11T10:00:00Z', 'nord', 2026, 'spring', null), counted('2026-10-11T10:00:00Z', 'nord', 2026, 'autumn', 280)];
    expect(plain(usersPerWeek(events))).toEqual([{ centre: 'nord', year: 2026, autumn: 280 }]);
    expect(countOf(events, 'nord', 2026, 'spring')).toBeUndefined();
    expect(plain(usersPerWeek([...events, counted('2026-04-12T10:00:00Z', 'nord', 2026, 'spring', 290)]))).toEqual([{ centre: 'nord', year: 2026, spring: 290, autumn: 280, average: 285 }]);
    expect(usersPerWeek([counted('2026-04-11T10:00:00Z', 'nord', 2026, 'spring', null)])).toEqual([]);
  });

  it('every year per centre, newest first; centres sorted; cases are no counts', () => {
    const rows = usersPerWeek([
      counted('2025-10-01T10:00:00Z', 'syd', 2025, 'autumn', 80),
      counted('2025-04-01T10:00:00Z', 'syd', 2025, 'spring', 70),
      counted('2026-04-01T10:00:00Z', 'syd', 2026, 'spring', 95),
      counted('2025-10-01T10:00:00Z', 'nord', 2025, 'autumn', 300),
      screened('2026-04-01T10:00:00Z', 'club', 'syd'),
    ]);
    expect(plain(rows)).toEqual([
      { centre: 'nord', year: 2025, autumn: 300 },
      { centre: 'syd', year: 2026, spring: 95 },
      { centre: 'syd', year: 2025, spring: 70, autumn: 80, average: 75 },
    ]);
  });

  it('no counts, no rows', () => {
    expect(usersPerWeek([])).toEqual([]);
  });
});

describe('figuresCsv', () => {
  it('a Danish header, semicolons, whole numbers, decimal commas where asked, one line per row', () => {
    expect(
      figuresCsv([
        { period: '2026-11', centre: 'Aktivitetscenter Nord', area: 'Screening', measure: 'Klubtilbud', value: 3 },
        { period: '2026-11', centre: '', area: 'Demenskoordinator', measure: 'Sparede km (skøn)', value: 1234.5, decimals: 1 },
      ]),
    ).toBe([CSV_HEADER.join(';'), '2026-11;Aktivitetscenter Nord;Screening;Klubtilbud;3', '2026-11;;Demenskoordinator;Sparede km (skøn);1234,5', ''].join('\n'));
    expect(CSV_HEADER.join(';')).toBe('Periode;Center;Område;Nøgletal;Antal');
  });

  it('only the header when there are no rows', () => {
    expect(figuresCsv([])).toBe('Periode;Center;Område;Nøgletal;Antal\n');
  });

  it('a name with a separator or quote is quoted; one Excel would run as a formula is made text', () => {
    expect(csvCell('a;b "c"')).toBe('"a;b ""c"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+45')).toBe("'+45");
    expect(csvCell('Center Øst')).toBe('Center Øst');
  });
});
