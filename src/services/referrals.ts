// Referrals to visitation, as a service every flow can use: a screening that ends in a referral and
// a direct referral both create one here (case number, record, audit), and whoever listens (the
// visitation flow posts the channel card) hears of it. No flow imports another to refer a citizen.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { AssessedSet, FollowUpResult, Scores } from '../domain/faellesSprog.js';
import { copenhagenParts } from '../i18n/format.js';
import { t } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { Referral, StaffKey, Store } from '../store/index.js';

/** Who may ask for a direct referral (seed 001): the citizen, a relative, home care, someone else. */
export const DIRECT_ASKED_BY = ['citizen', 'relative', 'homeCare', 'other'] as const;
/** What a visitation decides: a maintenance offer at a centre or at home, single services, or no. */
export const DECISIONS = ['centre', 'home', 'single', 'refused'] as const;
export type DecisionOffer = (typeof DECISIONS)[number];
export const SINGLE_SERVICES = ['meals', 'training'] as const;

/** The visitators' channel, set from Teams (or VISITATION_CHANNEL_ID). */
export interface ChannelSetting {
  conversationId: string;
  tenantId?: string;
  setBy?: StaffKey;
  at: string;
}

/** What a referral holds beyond its record: where it came from, its history, triage and decision. */
export interface ReferralData {
  /** The channel card was delivered. */
  notified?: boolean;
  /** The outbox message that posted the channel card (its activity is updated in place). */
  cardMessageId?: string;
  screening?: { proposed?: string; chosen?: string; scores?: { performance: number; satisfaction: number; count: number }; decidedBy?: string[] };
  direct?: { askedBy: (typeof DIRECT_ASKED_BY)[number]; reason: string; unit: string };
  history: { at: string; by: StaffKey; byName: string; action: string; to?: StaffKey; toName?: string }[];
  refusal?: { reason: string; at: string; by: StaffKey; byName: string };
  preTriage?: { scores: Scores; date: string; at: string; by: StaffKey; byName: string };
  triage?: { scores: Scores; date: string; at: string; by: StaffKey; byName: string };
  decision?: {
    offer: DecisionOffer;
    purpose: string;
    startDate?: string;
    endDate?: string;
    trainingByCarer?: boolean;
    singleServices?: (typeof SINGLE_SERVICES)[number][];
    /** Where (a maintenance offer or single services at a centre): the centre as named on the decision day. */
    centre?: { id: string; name: string };
    /** How many days a week (a maintenance offer at a centre). */
    daysPerWeek?: number;
    /** Whether transport to and from the centre is granted. */
    transport?: boolean;
    ruleSets: AssessedSet['set'][];
    met: { id: string; met: boolean }[];
    scores: Scores;
    decidedBy: StaffKey;
    decidedByName: string;
    decidedAt: string;
  };
  followUp?: { kind: 'yearly' | 'homeEnd'; dueAt: string; remindedAt?: string; result?: FollowUpResult; resultAt?: string };
  /** A direct referral's decision names no centre: the centre colleagues told, and the one who took the citizen in. */
  advisTo?: StaffKey[];
  received?: { by: StaffKey; byName: string; at: string };
}

export const dataOf = (r: Referral): ReferralData => ({ history: [], ...(r.data as Partial<ReferralData>) }) as ReferralData;
export const withData = (r: Referral, data: ReferralData): Referral => ({ ...r, data: data as unknown as Record<string, unknown> });

export type ReferralListener = (referral: Referral) => Promise<void>;

export class Referrals {
  private readonly listeners: ReferralListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Called after each new referral is stored (the visitation flow posts its channel card). */
  onCreated(listener: ReferralListener): void {
    this.listeners.push(listener);
  }

  /**
   * `centre`: the activity centre the referral counts for in the managers' figures, if any; `month`:
   * the month it counts in (YYYY-MM, the municipality's time zone).
   */
  async create(actor: { staff: StaffKey; name?: string }, input: { citizenId: string; source: Referral['source']; data: Partial<ReferralData>; centre?: string; month: string }): Promise<Referral> {
    const now = this.clock.now().toISOString();
    const caseNumber = await this.store.referrals.nextCaseNumber(Number(copenhagenParts(this.clock.now()).year));
    const referral: Referral = {
      id: randomUUID(),
      caseNumber,
      citizenId: input.citizenId,
      status: 'new',
      createdAt: now,
      updatedAt: now,
      source: { ...input.source, ...(input.centre ? { centre: input.centre } : {}) },
      data: { notified: false, history: [{ at: now, by: actor.staff, byName: actor.name ?? '', action: 'created' }], ...input.data } as Record<string, unknown>,
    };
    const stored = await this.store.referrals.save(referral);
    await this.store.caseCounts.add({ month: input.month, kind: 'referred', value: input.source.kind, ...(input.centre ? { centre: input.centre } : {}) });
    await this.store.audit.append({ actor: { ...actor.staff, name: actor.name }, citizenId: referral.citizenId, action: 'create', purpose: 'visitation', what: t('da', 'audit.visitation.referral', { caseNumber }) });
    for (const listener of this.listeners) {
      try {
        await listener(stored);
      } catch (err) {
        // The referral stands; the queue shows it even if its card could not be queued.
        this.log.error('a referral listener failed', { err, referral: stored.id });
      }
    }
    return (await this.store.referrals.get(stored.id)) ?? stored;
  }

  channel(): Promise<ChannelSetting | undefined> {
    return this.store.settings.get<ChannelSetting>('visitationChannel');
  }
}
