// What a flow sees of a turn and what it answers, with no Teams types: the Teams layer translates.
import type { AdaptiveCardJson } from '../../cards/index.js';
import type { Lang } from '../i18n/index.js';

export type Scope = 'personal' | 'groupChat' | 'channel';

export interface Turn {
  lang: Lang;
  scope: Scope;
  user: { id: string; aadObjectId?: string; name?: string };
  tenantId?: string;
  /** The bot's app id when it has one (not in local mode): used for deep links to the personal chat. */
  botId?: string;
  localMode: boolean;
}

export type Reply =
  | { kind: 'text'; text: string }
  | { kind: 'card'; card: AdaptiveCardJson; summary: string };

export const FLOWS = ['screening', 'queue', 'visits'] as const;
export type FlowId = (typeof FLOWS)[number];
