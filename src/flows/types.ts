// What a flow sees of a turn and what it answers, with no Teams types: the Teams layer translates.
import type { AdaptiveCardJson } from '../../cards/index.js';
import type { Clock } from '../clock.js';
import type { Command } from './shared/commands.js';
import type { Verb } from './verbs.js';
import type { Role } from '../domain/roles.js';
import type { Lang } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { Directory } from '../services/directory.js';
import type { Outbox } from '../services/outbox.js';
import type { Referrals } from '../services/referrals.js';
import type { StaffKey, Store } from '../store/index.js';
import type { OffersCatalogue, Organisation, TargetGroupRules, VisitationRuleSet, VisitRules } from '../domain/ruleTypes.js';

export type Scope = 'personal' | 'groupChat' | 'channel';

export interface Turn {
  lang: Lang;
  scope: Scope;
  user: { id: string; aadObjectId?: string; name?: string };
  /** Who is acting, as the staff directory knows them (tenant + Entra object id). */
  staff: StaffKey;
  roles: Role[];
  /** Local mode with no roles configured: everyone has every role. */
  openMode: boolean;
  tenantId?: string;
  /** The conversation the turn came from (a channel's own id, never a reply thread's). */
  conversationId: string;
  /** For a card button: the activity id of the message holding the card (to update it later). */
  cardActivityId?: string;
  /** The bot's app id when it has one (not in local mode): used for deep links to the personal chat. */
  botId?: string;
  localMode: boolean;
}

export type Reply =
  /** `summary` is what Teams may show in notifications instead of the text: set it when the text is personal. */
  | { kind: 'text'; text: string; summary?: string }
  | { kind: 'card'; card: AdaptiveCardJson; summary: string }
  /** A file for the person's OneDrive, offered with Teams' file consent card (src/teams/files.ts); `summary` as for a card. */
  | { kind: 'file'; name: string; contentType: string; content: string; description: string; summary: string; citizenId?: string };

/** What pressing a card button gives: the card that replaces it, and any messages to post after. */
export interface ExecuteResult {
  card: AdaptiveCardJson;
  also?: Reply[];
}

export interface Services {
  store: Store;
  directory: Directory;
  /** Absent only in conversation tests that do not send proactively. */
  outbox?: Outbox;
  log: Logger;
  clock: Clock;
  /** Creating referrals to visitation (any flow), and hearing of them (the visitation flow). */
  referrals: Referrals;
  /** Local mode (the Agents Playground): no user-specific card views, which it does not support. */
  localMode: boolean;
  /** What cards can do on this bot's clients (CARD_ACTIONS; local mode). */
  cardViews: {
    /** The answer to a press is seen by the presser only (Action.Execute); with Action.Submit it replaces the card everyone sees. */
    privateAnswers: boolean;
    /** A shared card shows each visitator their own buttons (Action.Execute refresh.userIds; not in the Playground). */
    refreshPerUser: boolean;
  };
  /** The municipality's rule sets, checked at start. */
  rules: { targetGroups: TargetGroupRules; offers: OffersCatalogue; visitation: VisitationRuleSet[]; visits: VisitRules; organisation: Organisation };
}

export type TextHandler = (turn: Turn, services: Services) => Promise<Reply[]>;
export type VerbHandler = (turn: Turn, services: Services, data: Record<string, unknown>) => Promise<ExecuteResult>;

/** A flow's verbs: only verbs of the union, so a misspelt one does not compile. */
export type Verbs = Partial<Record<Verb, VerbHandler>>;

/**
 * What a flow offers: the text commands it answers (their words, Danish and English, are
 * `commands.<command>` in src/i18n) and the card buttons it handles. src/flows/index.ts merges them.
 */
export interface Flow {
  commands: Partial<Record<Command, TextHandler>>;
  verbs: Verbs;
}

export const FLOWS = ['screening', 'refer', 'queue', 'visits'] as const;
export type FlowId = (typeof FLOWS)[number];
