// The shape of the rule files, as zod schemas: a file that does not match stops the start with the
// file and field named (rules/index.ts). Types are inferred, so code and files cannot drift apart.
import { z } from 'zod';
import { COPM_SUB_AREAS, type CopmSubArea } from '../src/domain/copm.js';
import { OFFER_LEVELS, TRANSPORT_NEEDS } from '../src/domain/targetGroup.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'must be a real calendar date');

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
export type TargetGroupRules = z.infer<typeof TargetGroupRulesSchema>;

const CatalogueOfferSchema = z
  .object({
    id,
    name: text,
    description: text,
    subAreas: z.array(z.enum(COPM_SUB_AREAS as [CopmSubArea, ...CopmSubArea[]])).min(1, 'must name at least one COPM sub-area'),
    where: text,
    contact: text.optional(),
  })
  .strict();
export type CatalogueOffer = z.infer<typeof CatalogueOfferSchema>;

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
    const seen = new Set<string>();
    v.offers.forEach((o, i) => {
      if (seen.has(o.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['offers', i, 'id'], message: `duplicate offer id "${o.id}"` });
      seen.add(o.id);
    });
  });
export type OffersCatalogue = z.infer<typeof OffersCatalogueSchema>;
