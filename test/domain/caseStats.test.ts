// The managers' figures beyond visits, pure: counters by centre and month, the
// counting weeks of Tabel 1 (seed 002: one week in spring, one in autumn, the average of the two),
// and the CSV Excel reads.
import { describe, expect, it } from 'vitest';
import { caseCounts, countOf, screeningsPerMonth, sortedCounts, usersPerWeek, type CaseCount, type CountingWeek } from '../../src/domain/caseStats.js';
import { CSV_HEADER, csvCell, figuresCsv } from '../../src/domain/figuresCsv.js';

const count = (month: string, kind: CaseCount['kind'], value: string, n: number, centre?: string): CaseCount => ({ month, kind, value, n, ...(centre ? { centre } : {}) }) as CaseCount;
const counted = (at: string, centre: string, year: number, season: 'spring' | 'autumn', users: number | null): CountingWeek => ({ at, centre, year, season, users });
/** A year's row as usersPerWeek gives it, without the times and authors. */
const plain = (rows: ReturnType<typeof usersPerWeek>) => rows.map((r) => ({ centre: r.centre, year: r.year, ...(r.spring ? { spring: r.spring.users } : {}), ...(r.autumn ? { autumn: r.autumn.users } : {}), ...(r.average !== undefined ? { average: r.average } : {}) }));

describe('caseCounts', () => {
  const counts: CaseCount[] = [
    count('2026-11', 'screened', 'club', 1, 'nord'),
    count('2026-11', 'screened', 'referral', 1, 'nord'),
    count('2026-11', 'screened', 'referral', 1),
    count('2026-10', 'screened', 'referral', 4, 'nord'),
    count('2026-11', 'referred', 'screening', 1, 'nord'),
    count('2026-11', 'referred', 'direct', 2),
    count('2026-11', 'decided', 'home', 1, 'nord'),
    count('2026-11', 'decided', 'notCase', 1),
  ];

  it('sums each kind by its outcome, source or offer', () => {
    const all = caseCounts(counts);
    expect(all.screened).toEqual({ club: 1, preventive: 0, referral: 6, outside: 0 });
    expect(all.referred).toEqual({ screening: 1, direct: 2 });
    expect(all.decided).toEqual({ centre: 0, home: 1, single: 0, refused: 0, notCase: 1 });
  });

  it('one centre, or those with none (null); one month', () => {
    expect(caseCounts(counts, { centre: 'nord' }).screened).toEqual({ club: 1, preventive: 0, referral: 5, outside: 0 });
    expect(caseCounts(counts, { centre: 'nord', month: '2026-11' }).screened.referral).toBe(1);
    expect(caseCounts(counts, { centre: null }).referred.direct).toBe(2);
    expect(caseCounts(counts, { centre: null }).decided.notCase).toBe(1);
    expect(caseCounts(counts, { centre: 'syd' }).screened).toEqual({ club: 0, preventive: 0, referral: 0, outside: 0 });
    expect(caseCounts(counts, { month: '2026-09' }).screened.referral).toBe(0);
  });

  it('a value the rules no longer know (an old counter) is left out, not added as a new column', () => {
    expect(caseCounts([count('2026-11', 'decided', 'retired', 3)]).decided).toEqual({ centre: 0, home: 0, single: 0, refused: 0, notCase: 0 });
  });

  it('screenings per month: every month asked for, zero where none', () => {
    expect(screeningsPerMonth(counts, ['2026-09', '2026-10', '2026-11'])).toEqual([
      { month: '2026-09', count: 0 },
      { month: '2026-10', count: 4 },
      { month: '2026-11', count: 3 },
    ]);
    expect(screeningsPerMonth(counts, ['2026-11'], { centre: 'nord' })).toEqual([{ month: '2026-11', count: 2 }]);
  });

  it('sorted by month, centre (those without last in their month), kind and value', () => {
    expect(sortedCounts(counts).map((r) => [r.month, r.centre ?? '-', r.kind, r.value, r.n].join(' '))).toEqual([
      '2026-10 nord screened referral 4',
      '2026-11 nord decided home 1',
      '2026-11 nord referred screening 1',
      '2026-11 nord screened club 1',
      '2026-11 nord screened referral 1',
      '2026-11 - decided notCase 1',
      '2026-11 - referred direct 2',
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

  it('a week counted again: the later record replaces it, in the order the store kept them (not by the recording clocks); who recorded it goes with it', () => {
    const a = counted('2026-04-10T10:00:00Z', 'nord', 2026, 'spring', 300);
    // Recorded after a, on an instance whose clock is behind.
    const b: CountingWeek = { ...counted('2026-04-10T09:59:57Z', 'nord', 2026, 'spring', 310), by: { tenantId: 't', aadObjectId: 'lee' } };
    expect(usersPerWeek([a, b])[0]!.spring).toEqual({ users: 310, at: '2026-04-10T09:59:57Z', by: { tenantId: 't', aadObjectId: 'lee' } });
    expect(usersPerWeek([b, a])[0]!.spring!.users).toBe(300);
    expect(countOf([a, b], 'nord', 2026, 'spring')?.users).toBe(310);
    expect(countOf([a, b], 'nord', 2026, 'autumn')).toBeUndefined();
  });

  it('a count removed (users null) is no count; recorded again after, it is', () => {
    const events = [counted('2026-04-10T10:00:00Z', 'nord', 2026, 'spring', 300), counted('2026-04-11T10:00:00Z', 'nord', 2026, 'spring', null), counted('2026-10-11T10:00:00Z', 'nord', 2026, 'autumn', 280)];
    expect(plain(usersPerWeek(events))).toEqual([{ centre: 'nord', year: 2026, autumn: 280 }]);
    expect(countOf(events, 'nord', 2026, 'spring')).toBeUndefined();
    expect(plain(usersPerWeek([...events, counted('2026-04-12T10:00:00Z', 'nord', 2026, 'spring', 290)]))).toEqual([{ centre: 'nord', year: 2026, spring: 290, autumn: 280, average: 285 }]);
    expect(usersPerWeek([counted('2026-04-11T10:00:00Z', 'nord', 2026, 'spring', null)])).toEqual([]);
  });

  it('every year per centre, newest first; centres sorted', () => {
    const rows = usersPerWeek([
      counted('2025-10-01T10:00:00Z', 'syd', 2025, 'autumn', 80),
      counted('2025-04-01T10:00:00Z', 'syd', 2025, 'spring', 70),
      counted('2026-04-01T10:00:00Z', 'syd', 2026, 'spring', 95),
      counted('2025-10-01T10:00:00Z', 'nord', 2025, 'autumn', 300),
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
