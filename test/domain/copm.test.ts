// COPM arithmetic: the nine areas, preselection, scores rounded to one decimal, and change at
// reassessment per problem and on average (DOMAIN.md "Screening at the centre: COPM").
import { describe, expect, it } from 'vitest';
import {
  areaOf,
  COPM_SUB_AREAS,
  copmScores,
  isScore,
  MAX_CHOSEN,
  preselect,
  reassess,
  type CopmProblem,
  type CopmSubArea,
} from '../../src/domain/copm.js';

let next = 0;
function p(importance: number, performance?: number, satisfaction?: number, extra: Partial<CopmProblem> = {}): CopmProblem {
  next += 1;
  return { id: `p${next}`, activity: `aktivitet ${next}`, subArea: 'socialisation', importance, performance, satisfaction, ...extra };
}

describe('areas', () => {
  it('lists the nine sub-areas in the instrument order', () => {
    expect(COPM_SUB_AREAS).toEqual([
      'personalCare', 'functionalMobility', 'communityManagement',
      'paidUnpaidWork', 'householdManagement', 'playSchool',
      'quietRecreation', 'activeRecreation', 'socialisation',
    ]);
  });

  it.each<[CopmSubArea, string]>([
    ['personalCare', 'selfCare'],
    ['communityManagement', 'selfCare'],
    ['householdManagement', 'productivity'],
    ['playSchool', 'productivity'],
    ['quietRecreation', 'leisure'],
    ['socialisation', 'leisure'],
  ])('%s belongs to %s', (sub, area) => {
    expect(areaOf(sub)).toBe(area);
  });
});

describe('isScore', () => {
  it.each([1, 5, 10])('accepts %s', (n) => expect(isScore(n)).toBe(true));
  it.each([0, 11, 5.5, -1, NaN, '7', undefined, null])('rejects %s', (n) => expect(isScore(n)).toBe(false));
});

describe('preselect', () => {
  it('takes the most important first', () => {
    const a = p(3), b = p(9), c = p(6);
    expect(preselect([a, b, c])).toEqual([b.id, c.id, a.id]);
  });

  it('keeps ties in the order the problems were added', () => {
    const a = p(8), b = p(10), c = p(8), d = p(8);
    expect(preselect([a, b, c, d])).toEqual([b.id, a.id, c.id, d.id]);
  });

  it('stops at five when more problems were found', () => {
    const list = [p(2), p(9), p(4), p(7), p(7), p(1), p(10)];
    const ids = preselect(list);
    expect(ids).toHaveLength(MAX_CHOSEN);
    expect(ids).toEqual([list[6]!.id, list[1]!.id, list[3]!.id, list[4]!.id, list[2]!.id]);
  });

  it('takes fewer when asked, and never more than five', () => {
    const list = [p(1), p(2), p(3), p(4), p(5), p(6), p(7)];
    expect(preselect(list, 2)).toHaveLength(2);
    expect(preselect(list, 9)).toHaveLength(5);
    expect(preselect([], 5)).toEqual([]);
  });
});

describe('copmScores', () => {
  it('rounds 7,8,8 to 7.7 and satisfaction alike', () => {
    expect(copmScores([p(9, 7, 4), p(8, 8, 5), p(7, 8, 5)])).toEqual({ performance: 7.7, satisfaction: 4.7, count: 3 });
  });

  it('rounds a half up: 5 and 6 give 5.5, 7,7,7,8 give 7.3 (7.25)', () => {
    expect(copmScores([p(5, 5, 7), p(5, 6, 8)])).toEqual({ performance: 5.5, satisfaction: 7.5, count: 2 });
    expect(copmScores([p(5, 7, 1), p(5, 7, 1), p(5, 7, 1), p(5, 8, 2)])).toEqual({ performance: 7.3, satisfaction: 1.3, count: 4 });
  });

  it('rounds thirds: 1,1,2 give 1.3; 1,2,2 give 1.7', () => {
    expect(copmScores([p(5, 1, 1), p(5, 1, 2), p(5, 2, 2)])).toEqual({ performance: 1.3, satisfaction: 1.7, count: 3 });
  });

  it('gives the ratings themselves for one problem', () => {
    expect(copmScores([p(10, 3, 9)])).toEqual({ performance: 3, satisfaction: 9, count: 1 });
  });

  it('gives nothing while a chosen problem lacks a rating, or with none chosen', () => {
    expect(copmScores([p(9, 7, 8), p(8, 6)])).toBeUndefined();
    expect(copmScores([p(9, 7, 8), p(8, undefined, 6)])).toBeUndefined();
    expect(copmScores([p(9, 0, 8)])).toBeUndefined();
    expect(copmScores([])).toBeUndefined();
  });
});

describe('reassess', () => {
  const shop = (perf: number, sat: number) => p(9, perf, sat, { id: 'shop', activity: 'Handle ind' });
  const walk = (perf: number, sat: number) => p(8, perf, sat, { id: 'walk', activity: 'Gå tur' });
  const cook = (perf: number, sat: number) => p(7, perf, sat, { id: 'cook', activity: 'Lave mad' });
  const cards = (perf: number, sat: number) => p(6, perf, sat, { id: 'cards', activity: 'Spille kort' });

  it('gives each problem new minus old; 2 is important, 1 is not', () => {
    const r = reassess([shop(4, 3), walk(5, 5)], [shop(6, 4), walk(6, 7)]);
    expect(r.problems).toEqual([
      { id: 'shop', activity: 'Handle ind', before: { performance: 4, satisfaction: 3 }, after: { performance: 6, satisfaction: 4 }, performanceChange: 2, satisfactionChange: 1, performanceImportant: true, satisfactionImportant: false, status: 'both' },
      { id: 'walk', activity: 'Gå tur', before: { performance: 5, satisfaction: 5 }, after: { performance: 6, satisfaction: 7 }, performanceChange: 1, satisfactionChange: 2, performanceImportant: false, satisfactionImportant: true, status: 'both' },
    ]);
  });

  it('marks a decline of 2 as important and keeps its sign', () => {
    const r = reassess([shop(7, 8)], [shop(5, 7)]);
    expect(r.problems[0]).toMatchObject({ performanceChange: -2, performanceImportant: true, satisfactionChange: -1, satisfactionImportant: false });
    expect(r).toMatchObject({ performanceChange: -2, performanceImportant: true, satisfactionChange: -1, satisfactionImportant: false });
  });

  it('averages over problems scored both times only, and lists new and dropped ones without a change', () => {
    const r = reassess([shop(4, 4), walk(5, 6), cook(2, 2)], [shop(6, 5), walk(8, 9), cards(9, 9)]);
    // Shared: shop and walk. Before 4.5 / 5.0, after 7.0 / 7.0.
    expect(r.before).toEqual({ performance: 4.5, satisfaction: 5 });
    expect(r.after).toEqual({ performance: 7, satisfaction: 7 });
    expect(r.performanceChange).toBe(2.5);
    expect(r.satisfactionChange).toBe(2);
    expect(r.performanceImportant).toBe(true);
    expect(r.satisfactionImportant).toBe(true);
    expect(r.problems.map((x) => [x.id, x.status])).toEqual([['shop', 'both'], ['walk', 'both'], ['cook', 'dropped'], ['cards', 'new']]);
    const dropped = r.problems[2]!;
    expect(dropped).toEqual({ id: 'cook', activity: 'Lave mad', before: { performance: 2, satisfaction: 2 }, performanceImportant: false, satisfactionImportant: false, status: 'dropped' });
    const added = r.problems[3]!;
    expect(added).toEqual({ id: 'cards', activity: 'Spille kort', after: { performance: 9, satisfaction: 9 }, performanceImportant: false, satisfactionImportant: false, status: 'new' });
  });

  it('shows the average change as the difference of the rounded averages, exactly', () => {
    // Before 7,7,7,8 -> 7.25 -> 7.3; after 9,9,9,9 -> 9.0: change 1.7, not 1.75 rounded to 1.8.
    const before = ['a', 'b', 'c', 'd'].map((id, i) => p(5, i === 3 ? 8 : 7, 3, { id }));
    const after = ['a', 'b', 'c', 'd'].map((id) => p(5, 9, 5, { id }));
    const r = reassess(before, after);
    expect(r.before).toEqual({ performance: 7.3, satisfaction: 3 });
    expect(r.after).toEqual({ performance: 9, satisfaction: 5 });
    expect(r.performanceChange).toBe(1.7);
    expect(r.performanceImportant).toBe(false);
    expect(r.satisfactionChange).toBe(2);
    expect(r.satisfactionImportant).toBe(true);
  });

  it('takes an average change of exactly 2.0 as important, without floating-point slips', () => {
    // 7.3 -> 9.3: in binary floating point 9.3 - 7.3 is 2.000000000000001; in tenths it is 20.
    const ids = ['a', 'b', 'c'];
    const before = ids.map((id, i) => p(5, [7, 7, 8][i]!, [7, 7, 8][i]!, { id }));
    const after = ids.map((id, i) => p(5, [9, 9, 10][i]!, [9, 9, 9][i]!, { id }));
    const r = reassess(before, after);
    expect(r.before).toEqual({ performance: 7.3, satisfaction: 7.3 });
    expect(r.after).toEqual({ performance: 9.3, satisfaction: 9 });
    expect(r.performanceChange).toBe(2);
    expect(r.performanceImportant).toBe(true);
    // With at most five problems the next step below 2.0 on a shared set is 1.7 (thirds).
    expect(r.satisfactionChange).toBe(1.7);
    expect(r.satisfactionImportant).toBe(false);
  });

  it('does not net a gain against a decline without showing each problem', () => {
    const r = reassess([shop(3, 3), walk(8, 8)], [shop(7, 7), walk(4, 4)]);
    expect(r.performanceChange).toBe(0);
    expect(r.performanceImportant).toBe(false);
    expect(r.problems.map((x) => [x.performanceChange, x.performanceImportant])).toEqual([[4, true], [-4, true]]);
  });

  it('takes the later wording of a shared problem', () => {
    const r = reassess([shop(4, 4)], [{ ...shop(5, 5), activity: 'Handle ind selv' }]);
    expect(r.problems[0]!.activity).toBe('Handle ind selv');
  });

  it('leaves a shared problem unscored one time out of the averages', () => {
    const r = reassess([shop(4, 4), walk(5, 5)], [shop(6, 6), { ...walk(5, 5), satisfaction: undefined }]);
    expect(r.problems[1]).toEqual({ id: 'walk', activity: 'Gå tur', before: { performance: 5, satisfaction: 5 }, performanceImportant: false, satisfactionImportant: false, status: 'both' });
    expect(r.before).toEqual({ performance: 4, satisfaction: 4 });
    expect(r.performanceChange).toBe(2);
  });

  it('has no averages when nothing was scored both times', () => {
    const r = reassess([shop(4, 4)], [walk(6, 6)]);
    expect(r).toEqual({
      problems: [
        { id: 'shop', activity: 'Handle ind', before: { performance: 4, satisfaction: 4 }, performanceImportant: false, satisfactionImportant: false, status: 'dropped' },
        { id: 'walk', activity: 'Gå tur', after: { performance: 6, satisfaction: 6 }, performanceImportant: false, satisfactionImportant: false, status: 'new' },
      ],
      performanceImportant: false,
      satisfactionImportant: false,
    });
  });
});
