// The visitation rule files: the shipped sets say what the seed's table says, and a bad set is
// refused naming the file and the field, so the municipality can find what to fix.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadVisitationRuleSets, RuleFileError, VISITATION_DIR } from '../../rules/index.js';
import { projectRoot, rulesDir } from '../../src/paths.js';

const shippedDir = path.join(rulesDir, VISITATION_DIR);
const shipped = (name: string) => JSON.parse(readFileSync(path.join(shippedDir, name), 'utf8')) as Record<string, unknown>;
const CENTRE_2011 = 'kk-vedligeholdende-center-2011.json';

function errorOf(fn: () => unknown): RuleFileError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RuleFileError);
    return err as RuleFileError;
  }
  throw new Error('expected a RuleFileError');
}

describe('the shipped visitation rule sets', () => {
  const sets = loadVisitationRuleSets();

  it('are the four sets, in file-name order', () => {
    expect(sets.map((s) => [s.id, s.version, s.offer, s.effectiveFrom, s.effectiveTo, s.legalReview])).toEqual([
      ['aeldreloven-vedligeholdende-center-2025', '1', 'centre', '2025-07-01', null, true],
      ['aeldreloven-vedligeholdende-hjem-2025', '1', 'home', '2025-07-01', null, true],
      ['kk-vedligeholdende-center-2011', '1', 'centre', '2011-01-01', '2025-06-30', false],
      ['kk-vedligeholdende-hjem-2011', '1', 'home', '2011-01-01', '2025-06-30', false],
    ]);
  });

  it('the 2011 sets rest on Serviceloven § 86, stk. 2 and name the document', () => {
    for (const s of sets.filter((x) => x.id.startsWith('kk-'))) {
      expect(s.legalBasis).toBe('Serviceloven § 86, stk. 2');
      expect(s.source).toContain('Visitationskriterier for aktivitetstilbud 2011');
      expect(s.reviewNote).toBeUndefined();
    }
  });

  it('the Ældreloven sets are marked for legal review, with a note saying why', () => {
    for (const s of sets.filter((x) => x.id.startsWith('aeldreloven-'))) {
      expect(s.legalBasis).toBe('Ældreloven (LOV nr 1651 af 30/12/2024) – skal fastlægges af kommunen');
      expect(s.reviewNote).toMatch(/1\. juli 2025/);
      expect(s.reviewNote).toMatch(/bekræfte lovgrundlaget og kriterierne/);
    }
  });

  it('all four share the seed\'s vocabulary: areas 3, 5, 6, 7 with their weights, scale 0-4 and 9', () => {
    const vocabularies = new Set(sets.map((s) => JSON.stringify(s.vocabulary)));
    expect(vocabularies.size).toBe(1);
    const v = sets[0]!.vocabulary;
    expect(v.areas).toEqual([
      { code: '3', name: 'Mobilitet', weight: 'important' },
      { code: '5', name: 'Aktivitet', weight: 'core' },
      { code: '6', name: 'Socialt samvær og netværk', weight: 'core' },
      { code: '7', name: 'Mental/psykisk tilstand', weight: 'important' },
    ]);
    expect(v.scale.map((s) => [s.value, s.label, s.notRelevant ?? false])).toEqual([
      [0, 'Ingen/ubetydelige begrænsninger', false],
      [1, 'Lette begrænsninger', false],
      [2, 'Moderate begrænsninger', false],
      [3, 'Svære begrænsninger', false],
      [4, 'Totale begrænsninger', false],
      [9, 'Ikke relevant', true],
    ]);
  });

  it('the criteria are the seed\'s rules: 3 in 5 or 6, and 3 (centre) or 4 (home) in 3 or 7', () => {
    const rule = (second: number) => ({
      all: [
        { any: [{ area: '5', atLeast: 3 }, { area: '6', atLeast: 3 }] },
        { any: [{ area: '3', atLeast: second }, { area: '7', atLeast: second }] },
      ],
    });
    for (const s of sets) expect(s.criteria).toEqual(rule(s.offer === 'centre' ? 3 : 4));
  });

  it('the Fælles Sprog III fixture loads: another vocabulary, another structure, another date', () => {
    const [fs3, ...rest] = loadVisitationRuleSets(path.join(projectRoot, 'test', 'fixtures', 'rules-fs3'));
    expect(rest).toEqual([]);
    expect(fs3).toMatchObject({ vocabulary: { id: 'fs3' }, effectiveFrom: '2026-01-01', effectiveTo: null });
    expect(fs3!.vocabulary.areas.map((a) => a.code)).toEqual(['J2.3', 'J3.2', 'J3.8', 'J4.2', 'J4.6']);
  });
});

describe('a bad visitation rule set is refused, naming the file and the field', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'aktiv-visitation-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, value: unknown) => writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  const file = (name: string) => path.join(dir, name);
  // Loose on purpose: the tests reach into the JSON to break it.
  type Json = Record<string, any>;

  it('an area in the criteria that is not in the vocabulary', () => {
    const bad: Json = shipped(CENTRE_2011);
    bad.criteria.all[1].any[1].area = '8';
    write('a.json', bad);
    const err = errorOf(() => loadVisitationRuleSets(dir));
    expect(err.file).toBe(file('a.json'));
    expect(err.message).toBe(`${file('a.json')}: criteria.all.1.any.1.area: area "8" is not in vocabulary "faelles-sprog-kk-2008" (3, 5, 6, 7)`);
  });

  it('a threshold that is not on the scale, or is "Ikke relevant"', () => {
    const bad: Json = shipped(CENTRE_2011);
    bad.criteria.all[0].any[0].atLeast = 5;
    bad.criteria.all[0].any[1] = { area: '6', atMost: 9 };
    write('a.json', bad);
    expect(errorOf(() => loadVisitationRuleSets(dir)).problems).toEqual([
      'criteria.all.0.any.0.atLeast: 5 is not a value on the scale (0, 1, 2, 3, 4)',
      'criteria.all.0.any.1.atMost: 9 is not a value on the scale (0, 1, 2, 3, 4)',
    ]);
  });

  it('a misspelt node deep in the tree names the field, not just "invalid input"', () => {
    const bad: Json = shipped(CENTRE_2011);
    bad.criteria.all[1].any[0] = { area: '3', atleast: 3 };
    bad.criteria.all[0] = { any: [] };
    write('a.json', bad);
    expect(errorOf(() => loadVisitationRuleSets(dir)).problems).toEqual([
      'criteria.all.0.any: must hold at least one condition',
      expect.stringMatching(/^criteria\.all\.1\.any\.0: must be one of \{"all": \[\.\.\.\]\}/),
    ]);
  });

  it('a node with two kinds at once', () => {
    const bad: Json = shipped(CENTRE_2011);
    bad.criteria.all[1].any[0] = { area: '3', atLeast: 3, atMost: 4 };
    write('a.json', bad);
    expect(errorOf(() => loadVisitationRuleSets(dir)).problems).toEqual(["criteria.all.1.any.0: Unrecognized key(s) in object: 'atMost'"]);
  });

  it('a date that is not a date, and an end before the start', () => {
    write('a.json', { ...shipped(CENTRE_2011), effectiveFrom: '2011-02-30' });
    expect(errorOf(() => loadVisitationRuleSets(dir)).message).toBe(`${file('a.json')}: effectiveFrom: must be a real calendar date`);
    write('a.json', { ...shipped(CENTRE_2011), effectiveTo: '2010-12-31' });
    expect(errorOf(() => loadVisitationRuleSets(dir)).message).toBe(`${file('a.json')}: effectiveTo: must not be before effectiveFrom`);
  });

  it('an unknown offer, a missing legalReview and a misspelt field, each listed', () => {
    const bad: Json = { ...shipped(CENTRE_2011), offer: 'daycare', legalBasisText: 'x' };
    delete bad.legalReview;
    write('a.json', bad);
    const problems = errorOf(() => loadVisitationRuleSets(dir)).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^offer: Invalid enum value\. Expected 'centre' \| 'home'/),
        'legalReview: Required',
        "(whole file): Unrecognized key(s) in object: 'legalBasisText'",
      ]),
    );
  });

  it('a vocabulary with a scale value or area code twice, or only "Ikke relevant"', () => {
    const bad: Json = shipped(CENTRE_2011);
    bad.vocabulary.scale.push({ value: 3, label: 'Svære' });
    bad.vocabulary.areas.push({ code: '5', name: 'Aktivitet igen' });
    write('a.json', bad);
    expect(errorOf(() => loadVisitationRuleSets(dir)).problems).toEqual(['vocabulary.scale.6: duplicate scale value 3', 'vocabulary.areas.4: duplicate area code "5"']);
    const onlyNine: Json = shipped(CENTRE_2011);
    onlyNine.vocabulary.scale = [{ value: 9, label: 'Ikke relevant', notRelevant: true }];
    write('a.json', onlyNine);
    expect(errorOf(() => loadVisitationRuleSets(dir)).problems).toEqual(['vocabulary.scale: must have a step that is not notRelevant']);
  });

  it('two sets with the same id and version, naming both files', () => {
    write('a.json', shipped(CENTRE_2011));
    write('b.json', { ...shipped(CENTRE_2011), offer: 'home' });
    expect(errorOf(() => loadVisitationRuleSets(dir)).message).toBe(`${file('b.json')}: version: rule set "kk-vedligeholdende-center-2011" version "1" is already in ${file('a.json')}`);
    // A new version of the same set is how criteria change over time.
    write('b.json', { ...shipped(CENTRE_2011), version: '2' });
    expect(loadVisitationRuleSets(dir).map((s) => s.version)).toEqual(['1', '2']);
  });

  it('two sets that give one vocabulary id different contents', () => {
    write('a.json', shipped(CENTRE_2011));
    const drifted: Json = shipped('kk-vedligeholdende-hjem-2011.json');
    drifted.vocabulary.areas[0].name = 'Bevægelse';
    write('b.json', drifted);
    expect(errorOf(() => loadVisitationRuleSets(dir)).message).toBe(
      `${file('b.json')}: vocabulary: "faelles-sprog-kk-2008" differs from the vocabulary of the same id in ${file('a.json')}; give a changed vocabulary a new id`,
    );
  });

  it('a file that is not JSON, an empty folder, a missing folder', () => {
    expect(errorOf(() => loadVisitationRuleSets(dir)).message).toBe(`${dir}: holds no visitation rule sets (*.json)`);
    write('a.json', '{ "id": ');
    expect(errorOf(() => loadVisitationRuleSets(dir)).message).toMatch(/a\.json: cannot be read as JSON/);
    expect(errorOf(() => loadVisitationRuleSets(path.join(dir, 'nope'))).message).toMatch(/nope: cannot be read as a folder: ENOENT/);
  });

  it('files other than *.json in the folder are left alone', () => {
    write('a.json', shipped(CENTRE_2011));
    write('README.md', '# notes');
    expect(loadVisitationRuleSets(dir)).toHaveLength(1);
  });
});
