// rules/visits.json: the shipped file validates and says what the seed says; a bad one is refused naming the file and the field.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadVisitRules, RuleFileError, VISIT_RULES_FILE } from '../../rules/index.js';
import { rolesFor } from '../../src/domain/roles.js';
import { rulesDir } from '../../src/paths.js';
import { messageOf } from '../helpers/ruleFiles.js';

const shipped = () => JSON.parse(readFileSync(path.join(rulesDir, VISIT_RULES_FILE), 'utf8')) as Record<string, any>;

describe('the shipped rules/visits.json', () => {
  const r = loadVisitRules();

  it('a 14-day window counted in Copenhagen, in force from a date with no end', () => {
    expect(r).toMatchObject({ windowDays: 14, timeZone: 'Europe/Copenhagen', effectiveTo: null });
    expect(r.effectiveFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("the department's five services, each with a Danish and an English name and the roles that visit", () => {
    expect(r.services.map((s) => [s.id, s.name, s.roles])).toEqual([
      ['forebyggende', 'Forebyggende hjemmebesøg', ['preventiveVisitor']],
      ['demens', 'Demenskoordinator', ['dementiaCoordinator']],
      ['netvaerk', 'Ensomhed og netværk', ['networkWorker']],
      ['aktivitetscenter', 'Aktivitetscenter', ['activityStaff']],
      ['hjemmetraening', 'Hjemmetræning', ['activityStaff']],
    ]);
    for (const s of r.services) expect(s.nameEn).toMatch(/^[A-Z][a-z]/);
    // Every visiting role may use the visit commands.
    for (const role of r.services.flatMap((s) => s.roles)) expect(rolesFor('visits')).toContain(role);
  });

  it('per-visit savings ship as placeholders, not the municipality\'s own figures (none shown until it sets them), with the seed\'s only figure for scale', () => {
    expect(r.perVisit).toMatchObject({ km: 12, staffHours: 1, setByMunicipality: false });
    expect(r.perVisit.note).toMatch(/Pladsholdere/);
    expect(r.perVisit.note).toContain('52.647 km');
    expect(r.perVisit.note).toContain('2022');
  });
});

describe('a bad rules/visits.json is refused, naming the file and the field', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'aktiv-visit-rules-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (value: unknown) => writeFileSync(path.join(dir, VISIT_RULES_FILE), typeof value === 'string' ? value : JSON.stringify(value));
  const file = () => path.join(dir, VISIT_RULES_FILE);

  it('two services with the same id, pointing at the second', () => {
    const bad = shipped();
    bad.services[4].id = 'aktivitetscenter';
    write(bad);
    expect(messageOf(() => loadVisitRules(dir))).toBe(`${file()}: services.4.id: duplicate service id "aktivitetscenter"`);
  });

  it('a window outside 0..60 days, or not whole days', () => {
    write({ ...shipped(), windowDays: 61 });
    expect(messageOf(() => loadVisitRules(dir))).toMatch(/visits\.json: windowDays: Number must be less than or equal to 60/);
    write({ ...shipped(), windowDays: -1 });
    expect(messageOf(() => loadVisitRules(dir))).toMatch(/visits\.json: windowDays: Number must be greater than or equal to 0/);
    write({ ...shipped(), windowDays: 7.5 });
    expect(messageOf(() => loadVisitRules(dir))).toMatch(/visits\.json: windowDays: must be a whole number/);
    write({ ...shipped(), windowDays: 0 });
    expect(loadVisitRules(dir).windowDays).toBe(0);
  });

  it('a time zone Intl does not know', () => {
    write({ ...shipped(), timeZone: 'Europe/Aabenraa' });
    expect(messageOf(() => loadVisitRules(dir))).toBe(`${file()}: timeZone: must be an IANA time zone, such as "Europe/Copenhagen"`);
    write({ ...shipped(), timeZone: 'UTC' });
    expect(loadVisitRules(dir).timeZone).toBe('UTC');
  });

  it('a role that is not one of the bot\'s roles, and a service with none', () => {
    const bad = shipped();
    bad.services[1].roles = ['dementiaCoordinator', 'nurse'];
    bad.services[2].roles = [];
    write(bad);
    const msg = messageOf(() => loadVisitRules(dir));
    expect(msg).toContain(`${file()}: services.1.roles.1: Invalid enum value`);
    expect(msg).toContain("'preventiveVisitor'");
    expect(msg).toContain(`${file()}: services.2.roles: must name at least one role`);
  });

  it('a missing English name, a negative km figure, an empty note and a misspelt field, each listed', () => {
    const bad = shipped();
    delete bad.services[0].nameEn;
    bad.perVisit.km = -3;
    bad.perVisit.note = ' ';
    bad.perVisit.staffHour = bad.perVisit.staffHours;
    delete bad.perVisit.staffHours;
    write(bad);
    const err = (() => {
      try {
        loadVisitRules(dir);
      } catch (e) {
        return e as RuleFileError;
      }
      throw new Error('expected a RuleFileError');
    })();
    expect(err.file).toBe(file());
    expect(err.problems).toEqual(
      expect.arrayContaining([
        'services.0.nameEn: Required',
        'perVisit.km: Number must be greater than or equal to 0',
        'perVisit.note: must not be empty',
        'perVisit.staffHours: Required',
        "perVisit: Unrecognized key(s) in object: 'staffHour'",
      ]),
    );
  });

  it('a service id that is not plain, and an end date before the start', () => {
    const bad = shipped();
    bad.services[0].id = 'Forebyggende besøg';
    bad.effectiveTo = '2000-01-01';
    write(bad);
    const msg = messageOf(() => loadVisitRules(dir));
    expect(msg).toContain('services.0.id: must be lower-case letters, digits and dashes');
    expect(msg).toContain('effectiveTo: must not be before effectiveFrom');
  });

  it('a file that is not JSON, or not there', () => {
    write('{ "windowDays": ');
    expect(messageOf(() => loadVisitRules(dir))).toMatch(/visits\.json: cannot be read as JSON/);
    rmSync(file());
    expect(messageOf(() => loadVisitRules(dir))).toMatch(/visits\.json: cannot be read as JSON: ENOENT/);
  });
});
