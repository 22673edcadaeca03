// Reads and checks the rule files. A file that is missing, not JSON or not of the right shape stops
// the start with a message naming the file and each bad field, so the municipality can fix it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { projectRoot, rulesDir } from '../src/paths.js';
import { OffersCatalogueSchema, TargetGroupRulesSchema, type OffersCatalogue, type TargetGroupRules } from './schema.js';

export type { CatalogueOffer, OffersCatalogue, TargetGroupRules } from './schema.js';

export const TARGET_GROUPS_FILE = 'targetGroups.json';
export const OFFERS_CATALOGUE_FILE = 'offersCatalogue.json';

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
