// The shape of the rule files, as zod schemas: a file that does not match stops the start with the
// file and field named (rules/index.ts). The domain owns the types (src/domain/ruleTypes.ts); each
// schema's output must be exactly its type, or this file does not compile.
import { z } from 'zod';
import { COPM_SUB_AREAS, type CopmSubArea } from '../src/domain/copm.js';
import { isIsoDate } from '../src/domain/dates.js';
import { ROLES } from '../src/domain/roles.js';
import {
  AREA_WEIGHTS,
  OFFER_LEVELS,
  TRANSPORT_NEEDS,
  VISITATION_OFFERS,
  type CatalogueOffer,
  type CriteriaNode,
  type OffersCatalogue,
  type Centre,
  type Organisation,
  type ReferralUnit,
  type RetentionPeriod,
  type RetentionRules,
  RETENTION_KINDS,
  type ScaleStep,
  type TargetGroupRules,
  type VisitationRuleSet,
  type VisitRules,
  type VisitService,
  type Vocabulary,
  type VocabularyArea,
} from '../src/domain/ruleTypes.js';

export type { CatalogueOffer, CriteriaNode, OffersCatalogue, Organisation, ReferralUnit, RetentionRules, ScaleStep, TargetGroupRules, VisitationRuleSet, VisitRules, VisitService, Vocabulary, VocabularyArea };

/** True only when A and B are the same type (each assignable to the other, exactly). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only if the schema's output is exactly the domain's type. */
const exactly = <S extends z.ZodTypeAny, T>(schema: S, ..._check: Same<z.output<S>, T> extends true ? [] : [never]): S => schema;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine(isIsoDate, 'must be a real calendar date');

/** Ids are stored with every decision, so they must stay stable and plain. */
const id = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and dashes');
const text = z.string().trim().min(1, 'must not be empty');

const level = z.enum(OFFER_LEVELS);
const supportMap = z.object({ none: level, lightModerate: level, extensiveComplete: level }).strict();

/**
 * Every rule set says when it is in force: a decision records the set that produced it, and old
 * decisions keep their old basis when the law moves (Ældreloven from 1 July 2025).
 */
const dated = {
  id,
  version: text,
  effectiveFrom: isoDate,
  /** null: in force until a later set replaces it. */
  effectiveTo: isoDate.nullable(),
};

function toAfterFrom(v: { effectiveFrom: string; effectiveTo: string | null }, ctx: z.RefinementCtx): void {
  if (v.effectiveTo !== null && v.effectiveTo < v.effectiveFrom) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['effectiveTo'], message: 'must not be before effectiveFrom' });
  }
}

/** Ids in a list must differ: a second use of one is reported at its own place ("duplicate <what> id"). */
function uniqueIds(list: { id: string }[], field: string, what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((x, i) => {
    if (seen.has(x.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field, i, 'id'], message: `duplicate ${what} id "${x.id}"` });
    seen.add(x.id);
  });
}

export const TargetGroupRulesSchema = z
  .object({
    ...dated,
    source: text,
    /** Which words the answers are in; the visitation criteria use other vocabularies (Fælles Sprog). */
    vocabulary: text,
    legalBasis: z.object({ club: text, preventive: text, maintenance: text }).strict(),
    /** Shown to the municipality wherever the legal basis may be out of date. */
    reviewNote: text.optional(),
    /** Each profile answer value -> the offer level it points to (seed 000 profiles). */
    answers: z
      .object({
        activitySupport: supportMap,
        relationSupport: supportMap,
        careDuringHours: z.object({ false: level, true: level }).strict(),
        transport: z.object({ self: level, mobility: level, cannotManage: level }).strict(),
      })
      .strict(),
    /** Transport needs for which the preventive offer includes transport (seed 000 "Kørsel"). */
    transportGrantedFor: z.array(z.enum(TRANSPORT_NEEDS)),
  })
  .strict()
  .superRefine(toAfterFrom);
exactly<typeof TargetGroupRulesSchema, TargetGroupRules>(TargetGroupRulesSchema);

const CatalogueOfferSchema = z
  .object({
    id,
    name: text,
    description: text,
    subAreas: z.array(z.enum(COPM_SUB_AREAS as [CopmSubArea, ...CopmSubArea[]])).min(1, 'must name at least one COPM sub-area'),
    where: text,
    contact: text.optional(),
    audience: text.optional(),
  })
  .strict();
exactly<typeof CatalogueOfferSchema, CatalogueOffer>(CatalogueOfferSchema);

export const OffersCatalogueSchema = z
  .object({
    ...dated,
    effectiveTo: dated.effectiveTo.optional().default(null),
    /** True while the catalogue holds made-up examples rather than the municipality's real offers. */
    examplesOnly: z.boolean(),
    source: text.optional(),
    offers: z.array(CatalogueOfferSchema),
  })
  .strict()
  .superRefine((v, ctx) => {
    toAfterFrom(v, ctx);
    uniqueIds(v.offers, 'offers', 'offer', ctx);
  });
exactly<typeof OffersCatalogueSchema, OffersCatalogue>(OffersCatalogueSchema);

const conditions = z.array(z.lazy(() => CriteriaNodeSchema)).min(1, 'must hold at least one condition');
const threshold = z.number().int('must be a whole number');
const CRITERIA_BRANCHES = {
  all: z.object({ all: conditions }).strict(),
  any: z.object({ any: conditions }).strict(),
  not: z.object({ not: z.lazy(() => CriteriaNodeSchema) }).strict(),
  atLeast: z.object({ area: text, atLeast: threshold }).strict(),
  atMost: z.object({ area: text, atMost: threshold }).strict(),
};

/**
 * Picks the node's kind by its key and checks it as that kind. A plain z.union would answer a typo
 * deep in the tree with "Invalid input" on the node; this names the field that is wrong.
 */
export const CriteriaNodeSchema: z.ZodType<CriteriaNode, z.ZodTypeDef, unknown> = z.unknown().transform((v, ctx) => {
  const kind = typeof v === 'object' && v !== null && !Array.isArray(v) ? (Object.keys(CRITERIA_BRANCHES) as (keyof typeof CRITERIA_BRANCHES)[]).find((k) => k in v) : undefined;
  if (kind === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, fatal: true, message: 'must be one of {"all": [...]}, {"any": [...]}, {"not": {...}}, {"area": ..., "atLeast": n}, {"area": ..., "atMost": n}' });
    return z.NEVER;
  }
  const parsed = CRITERIA_BRANCHES[kind].safeParse(v);
  if (!parsed.success) {
    // Issue paths are relative to this node; addIssue puts the node's own path in front. Fatal, so
    // the rule set's own checks below never walk a tree that is not one.
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, fatal: true });
    return z.NEVER;
  }
  return parsed.data as CriteriaNode;
});

const ScaleStepSchema = z
  .object({
    value: z.number().int('must be a whole number'),
    label: text,
    /** "Ikke relevant" (9): the area was considered; it never counts as a limitation. */
    notRelevant: z.literal(true).optional(),
  })
  .strict();
exactly<typeof ScaleStepSchema, ScaleStep>(ScaleStepSchema);

const VocabularyAreaSchema = z.object({ code: text, name: text, weight: z.enum(AREA_WEIGHTS).optional() }).strict();
exactly<typeof VocabularyAreaSchema, VocabularyArea>(VocabularyAreaSchema);

const VocabularySchema = z
  .object({
    id,
    name: text,
    scale: z.array(ScaleStepSchema).min(1, 'must have at least one step'),
    areas: z.array(VocabularyAreaSchema).min(1, 'must have at least one area'),
  })
  .strict()
  .superRefine((v, ctx) => {
    const dupes = <T>(items: T[], key: (t: T) => string | number, field: string, what: string) => {
      const seen = new Set<string | number>();
      items.forEach((item, i) => {
        if (seen.has(key(item))) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field, i], message: `duplicate ${what} ${JSON.stringify(key(item))}` });
        seen.add(key(item));
      });
    };
    dupes(v.scale, (s) => s.value, 'scale', 'scale value');
    dupes(v.areas, (a) => a.code, 'areas', 'area code');
    if (v.scale.every((s) => s.notRelevant)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['scale'], message: 'must have a step that is not notRelevant' });
  });
exactly<typeof VocabularySchema, Vocabulary>(VocabularySchema);

/** Each area and threshold in the tree, with its path from the file's root, for the checks below. */
function criteriaLeaves(node: CriteriaNode, at: (string | number)[]): { area: string; threshold: number; path: (string | number)[]; key: 'atLeast' | 'atMost' }[] {
  if ('all' in node) return node.all.flatMap((n, i) => criteriaLeaves(n, [...at, 'all', i]));
  if ('any' in node) return node.any.flatMap((n, i) => criteriaLeaves(n, [...at, 'any', i]));
  if ('not' in node) return criteriaLeaves(node.not, [...at, 'not']);
  const key = 'atLeast' in node ? 'atLeast' : 'atMost';
  return [{ area: node.area, threshold: 'atLeast' in node ? node.atLeast : node.atMost, path: at, key }];
}

/** One visitation offer's criteria in one vocabulary, in force for a period (rules/visitation/*.json). */
export const VisitationRuleSetSchema = z
  .object({
    ...dated,
    /** Danish: shown to the visitator beside the result. */
    title: text,
    offer: z.enum(VISITATION_OFFERS),
    legalBasis: text,
    /** True: the municipality's lawyers must review the set before decisions rely on it. */
    legalReview: z.boolean(),
    reviewNote: text.optional(),
    source: text,
    vocabulary: VocabularySchema,
    criteria: CriteriaNodeSchema,
  })
  .strict()
  .superRefine((v, ctx) => {
    toAfterFrom(v, ctx);
    const codes = v.vocabulary.areas.map((a) => a.code);
    const values = v.vocabulary.scale.filter((s) => !s.notRelevant).map((s) => s.value);
    for (const leaf of criteriaLeaves(v.criteria, ['criteria'])) {
      if (!codes.includes(leaf.area)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...leaf.path, 'area'], message: `area "${leaf.area}" is not in vocabulary "${v.vocabulary.id}" (${codes.join(', ')})` });
      }
      // A threshold off the scale, or on "Ikke relevant", can never mean what its author intended.
      // (With no such value the scale itself is already reported.)
      if (values.length > 0 && !values.includes(leaf.threshold)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...leaf.path, leaf.key], message: `${leaf.threshold} is not a value on the scale (${values.join(', ')})` });
      }
    }
  });
exactly<typeof VisitationRuleSetSchema, VisitationRuleSet>(VisitationRuleSetSchema);

/** Checked by asking Intl for the zone: the same test calendarDay's formatter will face. */
const ianaTimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone, such as "Europe/Copenhagen"');

const ReferralUnitSchema = z
  .object({
    /** Stored with the referral: stable and plain. */
    id,
    /** Danish, shown to staff and on the visitators' channel card. */
    name: text,
    nameEn: text,
  })
  .strict();
exactly<typeof ReferralUnitSchema, ReferralUnit>(ReferralUnitSchema);

const CentreSchema = z
  .object({
    /** Stored with the decision: stable and plain. */
    id,
    name: text,
  })
  .strict();
exactly<typeof CentreSchema, Centre>(CentreSchema);

/** The municipality's organisation (rules/organisation.json): the units a direct referral can come from. */
export const OrganisationSchema = z
  .object({
    ...dated,
    referralUnits: z.array(ReferralUnitSchema).min(1, 'must list at least one unit'),
    centres: z.array(CentreSchema).min(1, 'must list at least one activity centre'),
  })
  .strict()
  .superRefine((v, ctx) => {
    toAfterFrom(v, ctx);
    uniqueIds(v.referralUnits, 'referralUnits', 'unit', ctx);
    uniqueIds(v.centres, 'centres', 'centre', ctx);
  });
exactly<typeof OrganisationSchema, Organisation>(OrganisationSchema);

const VisitServiceSchema = z
  .object({
    /** Stored with every visit and in the statistics: stable and plain. */
    id,
    /** Danish, shown to staff. */
    name: text,
    nameEn: text,
    /** The roles whose holders make this service's visits. */
    roles: z.array(z.enum(ROLES)).min(1, 'must name at least one role'),
  })
  .strict();
exactly<typeof VisitServiceSchema, VisitService>(VisitServiceSchema);

/** Visit coordination (seed 002, goal 16): the services whose visits are compared, and what an avoided visit saves (rules/visits.json). */
export const VisitRulesSchema = z
  .object({
    ...dated,
    /** Calendar days either side of a planned visit in which a colleague's visit counts as a possible double. */
    windowDays: z.number().int('must be a whole number').min(0).max(60),
    /** Days and months are counted where the citizens live, not in UTC. */
    timeZone: ianaTimeZone,
    services: z.array(VisitServiceSchema).min(1, 'must list at least one service'),
    /** The municipality's own estimates of what one avoided visit saves; the seed gives no such figure. */
    perVisit: z
      .object({
        km: z.number().nonnegative(),
        staffHours: z.number().nonnegative(),
        /** True once the municipality has set its own figures: until then no km or hours saved are shown. */
        setByMunicipality: z.boolean(),
        /** Where the figures come from (for whoever maintains this file; not shown to staff). */
        note: text,
      })
      .strict(),
  })
  .strict()
  .superRefine((v, ctx) => {
    toAfterFrom(v, ctx);
    uniqueIds(v.services, 'services', 'service', ctx);
  });
exactly<typeof VisitRulesSchema, VisitRules>(VisitRulesSchema);

const RetentionPeriodSchema = z
  .object({
    id: z.enum(RETENTION_KINDS),
    days: z.number().int().min(1, 'must be at least 1 day').max(3650, 'must be at most 10 years (3650 days)'),
    action: z.enum(['delete', 'anonymise']),
    what: text,
    reason: text,
    legalBasis: text,
  })
  .strict();
exactly<typeof RetentionPeriodSchema, RetentionPeriod>(RetentionPeriodSchema);

/** rules/retention.json: how long each kind of data is kept; every kind exactly once. */
export const RetentionRulesSchema = z
  .object({
    ...dated,
    reviewNote: text.optional(),
    kinds: z.array(RetentionPeriodSchema),
  })
  .strict()
  .superRefine((v, ctx) => {
    toAfterFrom(v, ctx);
    uniqueIds(v.kinds, 'kinds', 'kind', ctx);
    for (const kind of RETENTION_KINDS) {
      if (!v.kinds.some((k) => k.id === kind)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['kinds'], message: `must give a period for "${kind}"` });
    }
  });
exactly<typeof RetentionRulesSchema, RetentionRules>(RetentionRulesSchema);
