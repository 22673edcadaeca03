// The visitation rule engine against the seed's Fælles Sprog table, row by row: every boundary,
// "Ikke relevant" never a limitation, the law's date, another vocabulary, the home course's end.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVisitationRuleSets } from '../../rules/index.js';
import type { VisitationRuleSet } from '../../rules/schema.js';
import {
  areasOf,
  assess,
  evaluate,
  FOLLOW_UP_RESULTS,
  homeOfferEnd,
  inForce,
  scaleOf,
  singleServicesAllowed,
  validateScores,
  type AssessedSet,
  type Scores,
} from '../../src/domain/faellesSprog.js';
import { projectRoot } from '../../src/paths.js';

const all = loadVisitationRuleSets();
const byId = (id: string) => all.find((s) => s.id === id)!;
const centre2011 = byId('kk-vedligeholdende-center-2011');
const home2011 = byId('kk-vedligeholdende-hjem-2011');
const [fs3] = loadVisitationRuleSets(path.join(projectRoot, 'test', 'fixtures', 'rules-fs3'));

/** Scores in the seed table's column order: FS 3, 5, 6, 7. */
const fs = (a3: number, a5: number, a6: number, a7: number): Scores => ({ '3': a3, '5': a5, '6': a6, '7': a7 });

describe('the seed table, one area at a time: 2 does not count, 3 and 4 do (4 only for the home rule\'s 3 and 7)', () => {
  // FS 3 | 5 | 6 | 7 -> centre, home. Each row keeps the other areas so the varied one decides.
  it.each<[string, Scores, boolean, boolean]>([
    ['5 Aktivitet = 2, 6 = 0, 3 = 4', fs(4, 2, 0, 0), false, false],
    ['5 Aktivitet = 3, 6 = 0, 3 = 4', fs(4, 3, 0, 0), true, true],
    ['5 Aktivitet = 4, 6 = 0, 3 = 4', fs(4, 4, 0, 0), true, true],
    ['6 Socialt samvær = 2, 5 = 0, 7 = 4', fs(0, 0, 2, 4), false, false],
    ['6 Socialt samvær = 3, 5 = 0, 7 = 4', fs(0, 0, 3, 4), true, true],
    ['6 Socialt samvær = 4, 5 = 0, 7 = 4', fs(0, 0, 4, 4), true, true],
    ['3 Mobilitet = 2, 7 = 0, 5 = 3', fs(2, 3, 0, 0), false, false],
    ['3 Mobilitet = 3, 7 = 0, 5 = 3', fs(3, 3, 0, 0), true, false],
    ['3 Mobilitet = 4, 7 = 0, 5 = 3', fs(4, 3, 0, 0), true, true],
    ['7 Mental tilstand = 2, 3 = 0, 6 = 3', fs(0, 0, 3, 2), false, false],
    ['7 Mental tilstand = 3, 3 = 0, 6 = 3', fs(0, 0, 3, 3), true, false],
    ['7 Mental tilstand = 4, 3 = 0, 6 = 3', fs(0, 0, 3, 4), true, true],
  ])('%s -> centre %s, home %s', (_row, scores, centre, home) => {
    expect(evaluate(centre2011, scores).met).toBe(centre);
    expect(evaluate(home2011, scores).met).toBe(home);
  });
});

describe('whole citizens', () => {
  it.each<[string, Scores, boolean, boolean]>([
    ['no limitations anywhere', fs(0, 0, 0, 0), false, false],
    ['moderate everywhere (2): neither', fs(2, 2, 2, 2), false, false],
    ['severe everywhere (3): centre only', fs(3, 3, 3, 3), true, false],
    ['complete mobility limitation (4) with 5 = 3: both, the visitator chooses', fs(4, 3, 2, 1), true, true],
    ['core areas fine, 3 and 7 total: neither (the core is required)', fs(4, 2, 2, 4), false, false],
    ['core met, 3 and 7 moderate: neither', fs(2, 4, 4, 2), false, false],
  ])('%s -> centre %s, home %s', (_row, scores, centre, home) => {
    expect(evaluate(centre2011, scores).met).toBe(centre);
    expect(evaluate(home2011, scores).met).toBe(home);
  });
});

describe('9 "Ikke relevant" is never a limitation', () => {
  it.each<[string, Scores, boolean, boolean]>([
    ['5 = 9 and 6 = 3 still meets, via 6', fs(3, 9, 3, 0), true, false],
    ['5 = 9 and 6 = 9: the core is not met', fs(4, 9, 9, 4), false, false],
    ['3 = 9 and 7 = 9 fails, however limited the core', fs(9, 4, 4, 9), false, false],
    ['3 = 9 and 7 = 4: home met via 7', fs(9, 3, 0, 4), true, true],
    ['all 9', fs(9, 9, 9, 9), false, false],
  ])('%s -> centre %s, home %s', (_row, scores, centre, home) => {
    expect(evaluate(centre2011, scores).met).toBe(centre);
    expect(evaluate(home2011, scores).met).toBe(home);
  });

  it('the leaf says so: score 9, notRelevant, not met', () => {
    const e = evaluate(centre2011, fs(9, 9, 3, 3));
    expect(e.explanation).toEqual({
      met: true,
      all: [
        {
          met: true,
          any: [
            { area: '5', name: 'Aktivitet', atLeast: 3, score: 9, notRelevant: true, met: false },
            { area: '6', name: 'Socialt samvær og netværk', atLeast: 3, score: 3, notRelevant: false, met: true },
          ],
        },
        {
          met: true,
          any: [
            { area: '3', name: 'Mobilitet', atLeast: 3, score: 9, notRelevant: true, met: false },
            { area: '7', name: 'Mental/psykisk tilstand', atLeast: 3, score: 3, notRelevant: false, met: true },
          ],
        },
      ],
    });
  });

  it('atMost is not met by a notRelevant score either, even where its code is numerically low', () => {
    // In Fælles Sprog 9 is above every threshold anyway; a vocabulary coding "not relevant" as 0 shows the rule.
    const lowCode: VisitationRuleSet = {
      ...centre2011,
      id: 'test-low-code',
      vocabulary: { ...centre2011.vocabulary, id: 'test-low', scale: [{ value: 0, label: 'Ikke relevant', notRelevant: true }, ...[1, 2, 3].map((value) => ({ value, label: `Trin ${value}` }))] },
      criteria: { area: '5', atMost: 2 },
    };
    expect(evaluate(lowCode, { '5': 1 }).met).toBe(true);
    expect(evaluate(lowCode, { '5': 0 }).explanation).toEqual({ area: '5', name: 'Aktivitet', atMost: 2, score: 0, notRelevant: true, met: false });
  });

  it('atMost is not met by 9 either: it says nothing about the area', () => {
    const light: VisitationRuleSet = { ...centre2011, id: 'test-light', criteria: { all: [{ area: '5', atMost: 2 }, { area: '6', atLeast: 3 }] } };
    expect(evaluate(light, fs(0, 2, 3, 0)).met).toBe(true);
    expect(evaluate(light, fs(0, 3, 3, 0)).met).toBe(false);
    expect(evaluate(light, fs(0, 9, 3, 0)).explanation).toEqual({
      met: false,
      all: [
        { area: '5', name: 'Aktivitet', atMost: 2, score: 9, notRelevant: true, met: false },
        { area: '6', name: 'Socialt samvær og netværk', atLeast: 3, score: 3, notRelevant: false, met: true },
      ],
    });
  });
});

describe('the rule set in force on the date: Ældreloven from 1 July 2025', () => {
  const scores = fs(4, 3, 0, 0);
  const ids = (a: AssessedSet[]) => a.map((x) => x.set.id);

  it('2025-06-30 uses the 2011 sets under Serviceloven § 86, stk. 2', () => {
    const a = assess(all, scores, '2025-06-30');
    expect(ids(a)).toEqual(['kk-vedligeholdende-center-2011', 'kk-vedligeholdende-hjem-2011']);
    expect(a[0]!.set).toEqual({
      id: 'kk-vedligeholdende-center-2011',
      version: '1',
      title: 'Målgruppekriterier for det vedligeholdende tilbud på et aktivitetscenter (2011)',
      offer: 'centre',
      legalBasis: 'Serviceloven § 86, stk. 2',
      legalReview: false,
    });
    expect(a.map((x) => x.evaluation.met)).toEqual([true, true]);
  });

  it('2025-07-01 uses the Ældreloven sets, which the municipality\'s lawyers must review', () => {
    const a = assess(all, scores, '2025-07-01');
    expect(ids(a)).toEqual(['aeldreloven-vedligeholdende-center-2025', 'aeldreloven-vedligeholdende-hjem-2025']);
    for (const x of a) {
      expect(x.set.legalReview).toBe(true);
      expect(x.set.legalBasis).toMatch(/^Ældreloven \(LOV nr 1651 af 30\/12\/2024\)/);
      expect(x.set.reviewNote).toMatch(/1\. juli 2025/);
    }
    // The same criteria, so the same result: only the basis moved.
    expect(a.map((x) => x.evaluation)).toEqual(assess(all, scores, '2025-06-30').map((x) => x.evaluation));
  });

  it('the first and last days are inside; before 2011 nothing is in force', () => {
    expect(inForce(all, '2011-01-01').map((s) => s.id)).toEqual(['kk-vedligeholdende-center-2011', 'kk-vedligeholdende-hjem-2011']);
    expect(inForce(all, '2010-12-31')).toEqual([]);
    expect(inForce(all, '2099-12-31').map((s) => s.effectiveTo)).toEqual([null, null]);
  });

  it('a date that is not YYYY-MM-DD is refused rather than compared as text', () => {
    expect(() => inForce(all, '2025-7-1')).toThrow(/Not a date as YYYY-MM-DD: "2025-7-1"/);
    expect(() => assess(all, scores, '2025-06-31')).toThrow(/Not a date/);
  });
});

describe('areas, scale and score checks', () => {
  it('areasOf gives the seed\'s four areas once each, in vocabulary order, with weights', () => {
    expect(areasOf(all)).toEqual([
      { code: '3', name: 'Mobilitet', weight: 'important' },
      { code: '5', name: 'Aktivitet', weight: 'core' },
      { code: '6', name: 'Socialt samvær og netværk', weight: 'core' },
      { code: '7', name: 'Mental/psykisk tilstand', weight: 'important' },
    ]);
    expect(areasOf([])).toEqual([]);
  });

  it('only the areas the criteria use, even when the vocabulary has more', () => {
    const twoAreas: VisitationRuleSet = { ...centre2011, id: 'test-two', criteria: { any: [{ area: '7', atLeast: 3 }, { area: '5', atLeast: 3 }] } };
    expect(areasOf([twoAreas]).map((a) => a.code)).toEqual(['5', '7']);
  });

  it('sets in different vocabularies cannot be scored together', () => {
    expect(() => areasOf([centre2011, fs3!])).toThrow(/different vocabularies \(faelles-sprog-kk-2008, fs3\)/);
    expect(() => scaleOf([fs3!, centre2011])).toThrow(/different vocabularies/);
  });

  it('scaleOf gives 0-4 and 9, with 9 marked notRelevant', () => {
    expect(scaleOf(all).map((s) => [s.value, s.notRelevant === true])).toEqual([
      [0, false],
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [9, true],
    ]);
    expect(scaleOf([])).toEqual([]);
  });

  it('validateScores names each area that is missing or off the scale, and ignores other keys', () => {
    expect(validateScores(all, fs(0, 9, 4, 2))).toEqual([]);
    expect(validateScores(all, { '3': 5, '5': 2.5, '7': -1, '8': 3 })).toEqual([
      { code: '3', name: 'Mobilitet', problem: 'notOnScale' },
      { code: '5', name: 'Aktivitet', problem: 'notOnScale' },
      { code: '6', name: 'Socialt samvær og netværk', problem: 'missing' },
      { code: '7', name: 'Mental/psykisk tilstand', problem: 'notOnScale' },
    ]);
    expect(validateScores(all, { ...fs(0, 0, 0, 0), '5': Number.NaN })).toEqual([{ code: '5', name: 'Aktivitet', problem: 'notOnScale' }]);
  });

  it('evaluate refuses scores that would fail validateScores: a missing score is not "no limitation"', () => {
    expect(() => evaluate(centre2011, { '3': 3, '5': 3, '6': 0 })).toThrow(/area 7 \(Mental\/psykisk tilstand\) has no score/);
    expect(() => evaluate(centre2011, fs(3, 3, 0, 5))).toThrow(/area 7 \(Mental\/psykisk tilstand\) score 5 is not on the scale/);
  });
});

describe('another vocabulary and structure: the Fælles Sprog III fixture', () => {
  // all[ any[ J4.6 >= 4, all[ J4.2 >= 2, J3.8 >= 3 ] ], not J3.8 >= 4 ]
  const fsIII = (j38: number, j42: number, j46: number): Scores => ({ 'J3.8': j38, 'J4.2': j42, 'J4.6': j46 });

  it('areasOf gives its own codes in its vocabulary order, leaving out areas the criteria do not use', () => {
    expect(areasOf([fs3!])).toEqual([
      { code: 'J3.8', name: 'Gå', weight: 'important' },
      { code: 'J4.2', name: 'Hukommelse', weight: 'important' },
      { code: 'J4.6', name: 'Energi og handlekraft', weight: 'core' },
    ]);
  });

  it.each<[string, Scores, boolean]>([
    ['Gå 3, Hukommelse 2', fsIII(3, 2, 0), true],
    ['Gå 3, Hukommelse 1', fsIII(3, 1, 0), false],
    ['Gå 2, Hukommelse 4', fsIII(2, 4, 0), false],
    ['Energi og handlekraft 4 alone', fsIII(0, 0, 4), true],
    ['Energi og handlekraft 3 alone', fsIII(0, 0, 3), false],
    ['Gå 4 (totally limited) is excluded by the not, whatever else', fsIII(4, 4, 4), false],
    ['Gå 9: no walking branch, and the not counts 9 as "not shown to be totally limited"', fsIII(9, 4, 4), true],
    ['Gå 9 and Energi 3: nothing met', fsIII(9, 4, 3), false],
  ])('%s -> %s', (_row, scores, met) => {
    expect(evaluate(fs3!, scores).met).toBe(met);
  });

  it('the explanation mirrors its tree, not the seed\'s', () => {
    expect(evaluate(fs3!, fsIII(4, 2, 4)).explanation).toEqual({
      met: false,
      all: [
        {
          met: true,
          any: [
            { area: 'J4.6', name: 'Energi og handlekraft', atLeast: 4, score: 4, notRelevant: false, met: true },
            {
              met: true,
              all: [
                { area: 'J4.2', name: 'Hukommelse', atLeast: 2, score: 2, notRelevant: false, met: true },
                { area: 'J3.8', name: 'Gå', atLeast: 3, score: 4, notRelevant: false, met: true },
              ],
            },
          ],
        },
        { met: false, not: { area: 'J3.8', name: 'Gå', atLeast: 4, score: 4, notRelevant: false, met: true } },
      ],
    });
  });

  it('is in force from 2026-01-01 only', () => {
    const scores = fsIII(3, 2, 0);
    expect(assess([fs3!], scores, '2025-12-31')).toEqual([]);
    expect(assess([fs3!], scores, '2026-01-01').map((a) => [a.set.id, a.set.offer, a.evaluation.met])).toEqual([['test-fs3-vedligeholdende-center', 'centre', true]]);
  });
});

describe('single services: only for a citizen who meets the centre criteria', () => {
  it.each<[string, Scores, boolean]>([
    ['centre met', fs(3, 3, 0, 0), true],
    ['centre and home met', fs(4, 3, 0, 0), true],
    ['neither met', fs(2, 2, 2, 2), false],
  ])('%s -> %s', (_row, scores, allowed) => {
    expect(singleServicesAllowed(assess(all, scores, '2025-03-01'))).toBe(allowed);
    expect(singleServicesAllowed(assess(all, scores, '2025-09-01'))).toBe(allowed);
  });

  it('a home set met without a centre set met is not enough, and no sets in force means no', () => {
    const homeOnly: VisitationRuleSet = { ...home2011, criteria: { area: '5', atLeast: 0 } };
    const a = assess([centre2011, homeOnly], fs(0, 0, 0, 0), '2020-01-01');
    expect(a.map((x) => [x.set.offer, x.evaluation.met])).toEqual([
      ['centre', false],
      ['home', true],
    ]);
    expect(singleServicesAllowed(a)).toBe(false);
    expect(singleServicesAllowed([])).toBe(false);
  });
});

describe('the home course ends at most 3 calendar months after the start', () => {
  it.each([
    ['2025-01-15', '2025-04-15'],
    ['2025-10-31', '2026-01-31'],
    ['2025-03-31', '2025-06-30'],
    ['2025-05-31', '2025-08-31'],
    ['2025-12-01', '2026-03-01'],
    ['2025-11-30', '2026-02-28'],
    ['2024-11-30', '2025-02-28'],
    ['2023-11-30', '2024-02-29'],
    ['2023-11-29', '2024-02-29'],
    ['1999-11-30', '2000-02-29'],
    ['2099-11-30', '2100-02-28'],
  ])('%s -> %s', (start, end) => {
    expect(homeOfferEnd(start)).toBe(end);
  });

  it('refuses a start that is not a real date', () => {
    expect(() => homeOfferEnd('2025-02-29')).toThrow(/Not a date/);
    expect(() => homeOfferEnd('2025-13-01')).toThrow(/Not a date/);
    expect(() => homeOfferEnd('1.7.2025')).toThrow(/Not a date/);
  });
});

describe('determinism', () => {
  it('the same inputs give deep-equal results, also from a stored (JSON) copy of the sets and scores', () => {
    const scores = fs(3, 9, 4, 2);
    const first = assess(all, scores, '2025-06-30');
    expect(assess(all, scores, '2025-06-30')).toEqual(first);
    const stored = JSON.parse(JSON.stringify({ all, scores })) as { all: VisitationRuleSet[]; scores: Scores };
    expect(assess(stored.all, stored.scores, '2025-06-30')).toEqual(first);
    expect(evaluate(centre2011, scores)).toEqual(evaluate(stored.all.find((s) => s.id === centre2011.id)!, stored.scores));
  });

  it('does not change the rule sets or the scores it is given', () => {
    const scores = fs(4, 3, 3, 9);
    const before = JSON.stringify({ all, scores });
    assess(all, scores, '2025-07-01');
    expect(JSON.stringify({ all, scores })).toBe(before);
  });
});

describe('follow-up results (FSIII)', () => {
  it('are E1 continue, E2 change within the frame, E3 end, E4 revisitation', () => {
    expect(FOLLOW_UP_RESULTS).toEqual(['E1', 'E2', 'E3', 'E4']);
  });
});
