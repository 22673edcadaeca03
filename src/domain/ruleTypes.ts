// The municipality's rules as the domain reads them: target groups, the offers catalogue, the
// visitation criteria (Fælles Sprog) and visit coordination. The domain owns these types;
// rules/schema.ts checks the JSON files against them (and fails to compile if the two drift apart).
import type { CopmSubArea } from './copm.js';
import type { Role } from './roles.js';

/** Ordered by the support each offer gives; the seed's profiles are ordered the same way. */
export const OFFER_LEVELS = ['club', 'preventive', 'maintenance'] as const;
export type OfferLevel = (typeof OFFER_LEVELS)[number];

export const TRANSPORT_NEEDS = ['self', 'mobility', 'cannotManage'] as const;
export type TransportNeed = (typeof TRANSPORT_NEEDS)[number];

/** Where a maintenance offer is given: at an activity centre, or a short course in the citizen's home. */
export const VISITATION_OFFERS = ['centre', 'home'] as const;
export type VisitationOffer = (typeof VISITATION_OFFERS)[number];

/** The seed's "Vigtighed": Kerne (where the centres work) and Vigtig. Shown, never computed with. */
export const AREA_WEIGHTS = ['core', 'important'] as const;
export type AreaWeight = (typeof AREA_WEIGHTS)[number];

/** Every rule set says when it is in force: decisions keep the basis they were made on. */
export interface Dated {
  id: string;
  version: string;
  /** YYYY-MM-DD. */
  effectiveFrom: string;
  /** null: in force until a later set replaces it. */
  effectiveTo: string | null;
}

export interface SupportMap {
  none: OfferLevel;
  lightModerate: OfferLevel;
  extensiveComplete: OfferLevel;
}

/** Seed 000: each profile answer points to an offer level; the most demanding one decides. */
export interface TargetGroupRules extends Dated {
  source: string;
  vocabulary: string;
  legalBasis: { club: string; preventive: string; maintenance: string };
  reviewNote?: string;
  answers: {
    activitySupport: SupportMap;
    relationSupport: SupportMap;
    careDuringHours: { false: OfferLevel; true: OfferLevel };
    transport: { self: OfferLevel; mobility: OfferLevel; cannotManage: OfferLevel };
  };
  transportGrantedFor: TransportNeed[];
}

export interface CatalogueOffer {
  id: string;
  name: string;
  description: string;
  subAreas: CopmSubArea[];
  where: string;
  contact?: string;
  /**
   * Whom the offer is only for (a demenscafé: citizens with dementia and their relatives). The
   * screening does not assess that, so such an offer is never proposed by a screening's outcome.
   */
  audience?: string;
}

export interface OffersCatalogue extends Dated {
  examplesOnly: boolean;
  source?: string;
  offers: CatalogueOffer[];
}

/** A visitation criterion: a boolean tree over area scores (higher values are greater limitations). */
export type CriteriaNode =
  | { all: CriteriaNode[] }
  | { any: CriteriaNode[] }
  | { not: CriteriaNode }
  | { area: string; atLeast: number }
  | { area: string; atMost: number };

export interface ScaleStep {
  value: number;
  label: string;
  /** "Ikke relevant" (9): the area was considered; it never counts as a limitation. */
  notRelevant?: true;
}

export interface VocabularyArea {
  code: string;
  name: string;
  weight?: AreaWeight;
}

export interface Vocabulary {
  id: string;
  name: string;
  scale: ScaleStep[];
  areas: VocabularyArea[];
}

/** One visitation offer's criteria in one vocabulary, in force for a period. */
export interface VisitationRuleSet extends Dated {
  title: string;
  offer: VisitationOffer;
  legalBasis: string;
  legalReview: boolean;
  reviewNote?: string;
  source: string;
  vocabulary: Vocabulary;
  criteria: CriteriaNode;
}

/** A unit a direct referral can come from (rules/organisation.json): chosen, never typed, so nothing typed reaches the visitators' channel. */
export interface ReferralUnit {
  id: string;
  name: string;
  nameEn: string;
}

/** An activity centre a maintenance offer or single services can be granted at (rules/organisation.json). */
export interface Centre {
  id: string;
  /** As the citizen's letter and the staff see it. */
  name: string;
}

/** The municipality's own organisation, as the bot needs it. */
export interface Organisation extends Dated {
  referralUnits: ReferralUnit[];
  /** The activity centres visitation grants offers at. */
  centres: Centre[];
}

export interface VisitService {
  id: string;
  name: string;
  nameEn: string;
  roles: Role[];
}

/** Visit coordination (seed 002, goal 16). */
export interface VisitRules extends Dated {
  windowDays: number;
  timeZone: string;
  services: VisitService[];
  perVisit: { km: number; staffHours: number; setByMunicipality: boolean; note: string };
}

/** The kinds of data the bot deletes or anonymises when their period has passed (rules/retention.json). */
export const RETENTION_KINDS = ['drafts', 'screenings', 'referrals', 'visits', 'attachments', 'coordinations', 'outboxPayloads', 'turnState', 'citizens', 'audit'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export interface RetentionPeriod {
  id: RetentionKind;
  /** Days after the record's last event (see src/domain/retention.ts for which date counts). */
  days: number;
  /** delete: the record goes; anonymise: what names or describes a citizen goes, the rest stays. */
  action: 'delete' | 'anonymise';
  /** What it is, in Danish, for the records of processing. */
  what: string;
  reason: string;
  legalBasis: string;
}

export interface RetentionRules extends Dated {
  /** Printed at start until the municipality's legal review has set the periods. */
  reviewNote?: string;
  kinds: RetentionPeriod[];
}
