// Reads and checks the rule files. A file that is missing, not JSON or not of the right shape stops
// the start with a message naming the file and each bad field, so the municipality can fix it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { projectRoot, rulesDir } from '../src/paths.js';
import {
  OffersCatalogueSchema,
  OrganisationSchema,
  RetentionRulesSchema,
  TargetGroupRulesSchema,
  VisitationRuleSetSchema,
  VisitRulesSchema,
  type OffersCatalogue,
  type Organisation,
  type RetentionRules,
  type TargetGroupRules,
  type VisitationRuleSet,
  type VisitRules,
} from './schema.js';

export type { CatalogueOffer, OffersCatalogue, TargetGroupRules } from './schema.js';
export type { CriteriaNode, ScaleStep, VisitationRuleSet, Vocabulary, VocabularyArea } from './schema.js';
export type { VisitRules, VisitService } from './schema.js';
export type { Organisation, ReferralUnit } from './schema.js';

export const TARGET_GROUPS_FILE = 'targetGroups.json';
export const OFFERS_CATALOGUE_FILE = 'offersCatalogue.json';
export const VISITATION_DIR = 'visitation';
export const VISIT_RULES_FILE = 'visits.json';
export const ORGANISATION_FILE = 'organisation.json';
export const RETENTION_FILE = 'retention.json';

export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
    this.name = 'RuleFileError';
  }
}

/** rules/targetGroups.json for the shipped files, the full path for any other folder. */
function shown(file: string): string {
  const rel = path.relative(projectRoot, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

function load<S extends z.ZodTypeAny>(dir: string, name: string, schema: S): z.output<S> {
  const file = path.join(dir, name);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RuleFileError(shown(file), [`cannot be read as JSON: ${(err as Error).message}`]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new RuleFileError(
      shown(file),
      parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(whole file)'}: ${i.message}`),
    );
  }
  return parsed.data as z.output<S>;
}

export function loadTargetGroupRules(dir: string = rulesDir): TargetGroupRules {
  return load(dir, TARGET_GROUPS_FILE, TargetGroupRulesSchema);
}

export function loadOffersCatalogue(dir: string = rulesDir): OffersCatalogue {
  return load(dir, OFFERS_CATALOGUE_FILE, OffersCatalogueSchema);
}

/**
 * Every *.json in the folder, one visitation rule set each, in file-name order. Besides each file's
 * own checks: no two sets may share id and version (a decision names its set by them), and sets
 * naming the same vocabulary must define it identically (scores are keyed by its codes and shown on
 * its scale, so two different lists under one name would mix them).
 */
export function loadVisitationRuleSets(dir: string = path.join(rulesDir, VISITATION_DIR)): VisitationRuleSet[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    throw new RuleFileError(shown(dir), [`cannot be read as a folder: ${(err as Error).message}`]);
  }
  if (names.length === 0) throw new RuleFileError(shown(dir), ['holds no visitation rule sets (*.json)']);

  const byIdVersion = new Map<string, string>();
  const vocabularies = new Map<string, { file: string; json: string }>();
  return names.map((name) => {
    const set = load(dir, name, VisitationRuleSetSchema);
    const file = shown(path.join(dir, name));
    const key = JSON.stringify([set.id, set.version]);
    const earlier = byIdVersion.get(key);
    if (earlier !== undefined) throw new RuleFileError(file, [`version: rule set "${set.id}" version "${set.version}" is already in ${earlier}`]);
    byIdVersion.set(key, file);
    // Parsed output lists keys in the schema's order, so equal vocabularies serialise equally.
    const vocabulary = { file, json: JSON.stringify(set.vocabulary) };
    const first = vocabularies.get(set.vocabulary.id);
    if (first !== undefined && first.json !== vocabulary.json) {
      throw new RuleFileError(file, [`vocabulary: "${set.vocabulary.id}" differs from the vocabulary of the same id in ${first.file}; give a changed vocabulary a new id`]);
    }
    if (first === undefined) vocabularies.set(set.vocabulary.id, vocabulary);
    return set;
  });
}

/** rules/organisation.json: the units a direct referral can come from. */
export function loadOrganisation(dir: string = rulesDir): Organisation {
  return load(dir, ORGANISATION_FILE, OrganisationSchema);
}

/** Every rule file the bot runs on (the visitation rule sets from `visitationDir`, if given). */
/** rules/retention.json: how long each kind of data is kept, why, and on what legal basis. */
export function loadRetentionRules(dir: string = rulesDir): RetentionRules {
  return load(dir, RETENTION_FILE, RetentionRulesSchema);
}

export function loadRules(visitationDir?: string) {
  return {
    retention: loadRetentionRules(),
    targetGroups: loadTargetGroupRules(),
    offers: loadOffersCatalogue(),
    visitation: loadVisitationRuleSets(visitationDir),
    visits: loadVisitRules(),
    organisation: loadOrganisation(),
  };
}

/** rules/visits.json: visit coordination's window, time zone, services and per-visit savings estimates. */
export function loadVisitRules(dir: string = rulesDir): VisitRules {
  return load(dir, VISIT_RULES_FILE, VisitRulesSchema);
}
