// rules/organisation.json: the units a direct referral can come from. The shipped file validates;
// a bad one is refused naming the file and the field.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrganisation, ORGANISATION_FILE } from '../../rules/index.js';
import { rulesDir } from '../../src/paths.js';
import { messageOf } from '../helpers/ruleFiles.js';

const shipped = () => JSON.parse(readFileSync(path.join(rulesDir, ORGANISATION_FILE), 'utf8')) as Record<string, any>;

describe('the shipped rules/organisation.json', () => {
  it('lists units with plain ids and a Danish and an English name', () => {
    const o = loadOrganisation();
    expect(o.referralUnits.length).toBeGreaterThan(3);
    for (const u of o.referralUnits) expect(u).toEqual({ id: expect.stringMatching(/^[a-z0-9-]+$/), name: expect.any(String), nameEn: expect.any(String) });
    expect(o.referralUnits.map((u) => u.name)).toContain('Hjemmeplejen');
  });

  it('lists the activity centres visitation grants offers at, marked as examples until the municipality names its own', () => {
    const o = loadOrganisation();
    expect(o.centres.length).toBeGreaterThan(0);
    for (const c of o.centres) expect(c).toEqual({ id: expect.stringMatching(/^[a-z0-9-]+$/), name: expect.stringContaining('(eksempel)') });
  });
});

describe('a bad rules/organisation.json is refused, naming the field', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'aa-org-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (value: unknown) => writeFileSync(path.join(dir, ORGANISATION_FILE), JSON.stringify(value));
  const file = () => path.join(dir, ORGANISATION_FILE);

  it('two units with the same id, pointing at the second', () => {
    const bad = shipped();
    bad.referralUnits[2].id = bad.referralUnits[0].id;
    write(bad);
    expect(messageOf(() => loadOrganisation(dir))).toBe(`${file()}: referralUnits.2.id: duplicate unit id "${bad.referralUnits[0].id}"`);
  });

  it('no units, a unit without a name, an id with spaces, an unknown field', () => {
    write({ ...shipped(), referralUnits: [] });
    expect(messageOf(() => loadOrganisation(dir))).toMatch(/referralUnits: must list at least one unit/);
    write({ ...shipped(), referralUnits: [{ id: 'x', name: ' ', nameEn: 'X' }] });
    expect(messageOf(() => loadOrganisation(dir))).toMatch(/referralUnits\.0\.name: must not be empty/);
    write({ ...shipped(), referralUnits: [{ id: 'Hjemmeplejen Nord', name: 'Hjemmeplejen Nord', nameEn: 'Home care North' }] });
    expect(messageOf(() => loadOrganisation(dir))).toMatch(/referralUnits\.0\.id: must be lower-case letters, digits and dashes/);
    write({ ...shipped(), centres: [] });
    expect(messageOf(() => loadOrganisation(dir))).toMatch(/centres: must list at least one activity centre/);
    write({ ...shipped(), centres: [{ id: 'nord', name: 'Nord' }, { id: 'nord', name: 'Nord igen' }] });
    expect(messageOf(() => loadOrganisation(dir))).toMatch(/centres\.1\.id: duplicate centre id "nord"/);
    write({ ...shipped(), managers: [] });
    expect(messageOf(() => loadOrganisation(dir))).toMatch(/Unrecognized key/);
  });
});
