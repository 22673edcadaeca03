// rules/retention.json: how long each kind of data is kept, why and on what legal basis, marked for
// the municipality's legal review; the cutoffs the daily job deletes before; a bad file is refused.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRetentionRules, RETENTION_FILE } from '../../rules/index.js';
import { retentionCutoffs } from '../../src/domain/retention.js';
import { RETENTION_KINDS } from '../../src/domain/ruleTypes.js';
import { rulesDir } from '../../src/paths.js';
import { messageOf } from '../helpers/ruleFiles.js';

const shipped = () => JSON.parse(readFileSync(path.join(rulesDir, RETENTION_FILE), 'utf8')) as Record<string, any>;

describe('the shipped rules/retention.json', () => {
  it('gives every kind a period, an action, and in Danish what it is, why and the legal basis; marked for legal review', () => {
    const r = loadRetentionRules();
    expect(r.kinds.map((k) => k.id).sort()).toEqual([...RETENTION_KINDS].sort());
    for (const k of r.kinds) {
      expect(k.days).toBeGreaterThanOrEqual(1);
      expect(k.legalBasis).toMatch(/GDPR/);
      expect(k.what.length).toBeGreaterThan(10);
    }
    expect(r.kinds.find((k) => k.id === 'outboxPayloads')?.action).toBe('anonymise');
    expect(r.reviewNote).toMatch(/jurist/);
  });

  it('cutoffs: now less each period in whole days, whatever the time of year (a day is 24 hours here, also across the change to summer time)', () => {
    const r = loadRetentionRules();
    const now = new Date('2027-03-29T10:00:00.000Z');
    const cut = retentionCutoffs(r, now);
    expect(cut.drafts).toBe('2027-02-27T10:00:00.000Z');
    expect(cut.screenings).toBe('2025-03-29T10:00:00.000Z');
    expect(cut.coordinations).toBe('2026-12-29T10:00:00.000Z');
    expect(Object.keys(cut).sort()).toEqual([...RETENTION_KINDS].sort());
    expect(() => retentionCutoffs({ ...r, kinds: r.kinds.filter((k) => k.id !== 'visits') }, now)).toThrow(/"visits"/);
  });
});

describe('a bad rules/retention.json is refused, naming the field', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'aa-retention-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (value: unknown) => writeFileSync(path.join(dir, RETENTION_FILE), JSON.stringify(value));
  const file = () => path.join(dir, RETENTION_FILE);

  it('a kind missing, a kind twice, no days, an unknown kind, an action that is neither', () => {
    const missing = shipped();
    missing.kinds = missing.kinds.filter((k: { id: string }) => k.id !== 'citizens');
    write(missing);
    expect(messageOf(() => loadRetentionRules(dir))).toBe(`${file()}: kinds: must give a period for "citizens"`);
    const twice = shipped();
    twice.kinds[1].id = twice.kinds[0].id;
    write(twice);
    expect(messageOf(() => loadRetentionRules(dir))).toContain(`kinds.1.id: duplicate kind id "${twice.kinds[0].id}"`);
    const bad = shipped();
    bad.kinds[0].days = 0;
    bad.kinds[2].action = 'archive';
    write(bad);
    const msg = messageOf(() => loadRetentionRules(dir));
    expect(msg).toContain('kinds.0.days: must be at least 1 day');
    expect(msg).toContain('kinds.2.action');
  });
});
