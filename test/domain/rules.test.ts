// The rule files: the shipped ones validate and say what the seed says; a bad file is refused with
// the file and the field named, so the municipality can find what to fix.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOffersCatalogue, loadTargetGroupRules, RuleFileError } from '../../rules/index.js';
import { COPM_SUB_AREAS } from '../../src/domain/copm.js';
import { projectRoot, rulesDir } from '../../src/paths.js';
import { messageOf } from '../helpers/ruleFiles.js';

const shipped = (name: string) => JSON.parse(readFileSync(path.join(rulesDir, name), 'utf8')) as Record<string, unknown>;

describe('the shipped rule files', () => {
  it('the target-group rule set validates and records source, dates, vocabulary and legal basis', () => {
    const r = loadTargetGroupRules();
    expect(r).toMatchObject({
      id: 'kk-aktiv-hele-livet-malgrupper',
      version: '2010.1',
      effectiveFrom: '2010-03-01',
      effectiveTo: null,
      vocabulary: 'aktiv-hele-livet-2010',
      legalBasis: { club: 'Serviceloven § 79 (puljemidler)', preventive: 'Serviceloven § 79', maintenance: 'Serviceloven § 86, stk. 2' },
      transportGrantedFor: ['mobility', 'cannotManage'],
    });
    expect(r.source).toContain('Aktiv hele livet');
    // Ældreloven moved §86 for its target group from 1 July 2025; the municipality must check.
    expect(r.reviewNote).toMatch(/1\. juli 2025/);
    expect(r.reviewNote).toMatch(/Ældreloven/);
  });

  it('the offers catalogue validates, says it holds examples, and marks every offer as one', () => {
    const c = loadOffersCatalogue();
    expect(c.examplesOnly).toBe(true);
    expect(c.offers.length).toBeGreaterThanOrEqual(5);
    for (const o of c.offers) expect(o.name).toContain('(eksempel)');
    // Some sub-areas are left without offers on purpose, so "nothing local fits" is reachable.
    const covered = new Set(c.offers.flatMap((o) => o.subAreas));
    expect(COPM_SUB_AREAS.filter((s) => !covered.has(s))).toEqual(expect.arrayContaining(['paidUnpaidWork', 'playSchool']));
  });

  it('a file inside the project is named relative to it, as rules/targetGroups.json would be', () => {
    // test-results/ is git-ignored scratch space inside the project.
    mkdirSync(path.join(projectRoot, 'test-results'), { recursive: true });
    const dir = mkdtempSync(path.join(projectRoot, 'test-results', 'rules-'));
    try {
      writeFileSync(path.join(dir, 'targetGroups.json'), JSON.stringify({ ...shipped('targetGroups.json'), version: '' }));
      expect(messageOf(() => loadTargetGroupRules(dir))).toBe(`test-results/${path.basename(dir)}/targetGroups.json: version: must not be empty`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a bad rule file is refused, naming the file and the field', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'aktiv-rules-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, value: unknown) => writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));

  it('an unknown offer level in the answers', () => {
    const bad = shipped('targetGroups.json');
    (bad.answers as { transport: Record<string, string> }).transport.mobility = 'forebyggende';
    write('targetGroups.json', bad);
    const msg = messageOf(() => loadTargetGroupRules(dir));
    expect(msg).toContain(`${path.join(dir, 'targetGroups.json')}: answers.transport.mobility: Invalid enum value`);
    expect(msg).toContain("'club' | 'preventive' | 'maintenance'");
  });

  it('a missing answer value and a missing legal basis, each listed', () => {
    const bad = shipped('targetGroups.json');
    delete (bad.answers as { careDuringHours: Record<string, string> }).careDuringHours.true;
    delete (bad.legalBasis as Record<string, string>).maintenance;
    write('targetGroups.json', bad);
    const err = (() => {
      try {
        loadTargetGroupRules(dir);
      } catch (e) {
        return e as RuleFileError;
      }
      throw new Error('expected a RuleFileError');
    })();
    expect(err.file).toBe(path.join(dir, 'targetGroups.json'));
    expect(err.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^answers\.careDuringHours\.true: Required/), expect.stringMatching(/^legalBasis\.maintenance: Required/)]));
  });

  it('a misspelt field is not silently ignored', () => {
    const bad = shipped('targetGroups.json');
    bad.transportGrantedFr = bad.transportGrantedFor;
    delete bad.transportGrantedFor;
    write('targetGroups.json', bad);
    const msg = messageOf(() => loadTargetGroupRules(dir));
    expect(msg).toMatch(/transportGrantedFor: Required/);
    expect(msg).toMatch(/\(whole file\): Unrecognized key\(s\) in object: 'transportGrantedFr'/);
  });

  it('a date that is not a date, and an end before the start', () => {
    write('targetGroups.json', { ...shipped('targetGroups.json'), effectiveFrom: '2010-02-30' });
    expect(messageOf(() => loadTargetGroupRules(dir))).toMatch(/targetGroups\.json: effectiveFrom: must be a real calendar date/);
    write('targetGroups.json', { ...shipped('targetGroups.json'), effectiveTo: '2009-12-31' });
    expect(messageOf(() => loadTargetGroupRules(dir))).toMatch(/targetGroups\.json: effectiveTo: must not be before effectiveFrom/);
  });

  it('an offer with an unknown COPM sub-area, pointing at the offer by position', () => {
    const bad = shipped('offersCatalogue.json');
    (bad.offers as { subAreas: string[] }[])[1]!.subAreas = ['socialisation', 'gardening'];
    write('offersCatalogue.json', bad);
    expect(messageOf(() => loadOffersCatalogue(dir))).toContain(`${path.join(dir, 'offersCatalogue.json')}: offers.1.subAreas.1: Invalid enum value`);
  });

  it('two offers with the same id', () => {
    const bad = shipped('offersCatalogue.json');
    const offers = bad.offers as { id: string }[];
    offers[2]!.id = offers[0]!.id;
    write('offersCatalogue.json', bad);
    expect(messageOf(() => loadOffersCatalogue(dir))).toMatch(/offersCatalogue\.json: offers\.2\.id: duplicate offer id "gaaklub"/);
  });

  it('a file that is not JSON, or not there', () => {
    write('targetGroups.json', '{ "id": ');
    expect(messageOf(() => loadTargetGroupRules(dir))).toMatch(/targetGroups\.json: cannot be read as JSON/);
    expect(messageOf(() => loadOffersCatalogue(dir))).toMatch(/offersCatalogue\.json: cannot be read as JSON: ENOENT/);
  });
});
