// What the visitation flow shares: loading a referral from a card payload, who may act on it,
// changing it with compare-and-save, and answering in the channel or the personal chat.
import { actorOf, auditCitizen, type Actor, type AuditAction } from '../shared/audit.js';
import { str } from '../shared/inputs.js';
import { tellStaff } from '../shared/tell.js';
import { z } from 'zod';
import { type AdaptiveCardJson } from '../../../cards/index.js';
import { can } from '../../domain/roles.js';
import type { Organisation } from '../../domain/ruleTypes.js';
import { copenhagenParts } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Citizen, Referral, StaffKey } from '../../store/index.js';
import { backToHelp, notAllowedReply, notice, personalOnlyReply } from '../shared/replies.js';
import type { ExecuteResult, Services, Turn } from '../types.js';
import { dataOf, type ChannelSetting, type ReferralData } from '../../services/referrals.js';
import { channelCard } from './channelCard.js';
import { detailsCard } from './details.js';

export const PURPOSE = 'visitation';

const Rid = z.object({ rid: z.string().uuid() });


export const today = (services: Services) => {
  const p = copenhagenParts(services.clock.now());
  return `${p.year}-${p.month}-${p.day}`;
};

export async function visitationChannel(services: Services): Promise<ChannelSetting | undefined> {
  return services.referrals.channel();
}

/**
 * Change a referral as it is now: `change` sees the current record and decides (undefined: no
 * change). Saved over the version just read, in the turn's transaction; if another writer got
 * there first, the store refuses it (ConflictError) and the person is shown the referral as it is.
 */
export async function mutate(services: Services, rid: string, change: (r: Referral, d: ReferralData) => Referral | undefined): Promise<Referral | undefined> {
  const current = await services.store.referrals.get(rid);
  if (!current) return undefined;
  const next = change(current, dataOf(current));
  if (!next) return current;
  return services.store.referrals.save({ ...next, updatedAt: services.clock.now().toISOString() });
}

export const audit = (services: Services, actor: Actor, citizenId: string, action: AuditAction, what: string) => auditCitizen(services, actor, citizenId, action, PURPOSE, what);


/**
 * Where a referral came from, in words fit for the visitators' channel: a unit only as the
 * municipality's list names it. A unit typed as free text before the list existed is never shown.
 */
export function sourceLabel(L: Lang, referral: Referral, organisation: Organisation): string {
  if (referral.source.kind === 'screening') return t(L, 'visitation.source.screening');
  const unit = organisation.referralUnits.find((u) => u.id === dataOf(referral).direct?.unit);
  return unit ? t(L, 'visitation.source.directFrom', { unit: L === 'en' ? unit.nameEn : unit.name }) : t(L, 'visitation.source.direct');
}

export async function holderName(services: Services, referral: Referral): Promise<string> {
  if (!referral.holder) return '';
  return (await services.store.staff.get(referral.holder))?.name ?? '';
}

export function statusLabel(L: Lang, referral: Referral, holder: string): string {
  if (referral.status === 'taken') return t(L, 'visitation.status.takenBy', { name: holder });
  return t(L, `visitation.status.${referral.status}`);
}

// Access: visitators act; the holder triages and decides; centre staff may pre-triage.

type Loaded = { referral: Referral; data: ReferralData; citizen: Citizen | undefined };

async function load(turn: Turn, services: Services, data: Record<string, unknown>): Promise<Loaded | ExecuteResult> {
  const parsed = Rid.safeParse(data);
  const referral = parsed.success ? await services.store.referrals.get(parsed.data.rid) : undefined;
  if (!referral) return { card: notice(turn, 'stale.title', [t(turn.lang, 'visitation.gone')], [backToHelp(turn)]).card };
  return { referral, data: dataOf(referral), citizen: await services.store.citizens.get(referral.citizenId) };
}

const isLoaded = (x: Loaded | ExecuteResult): x is Loaded => 'referral' in x;

export function visitatorOnly(turn: Turn): ExecuteResult | undefined {
  if (!can(turn.roles, 'queue')) return { card: notAllowedReply(turn, t(turn.lang, 'flow.queue.title'), 'queue').card };
  return undefined;
}

export function personalOnly(turn: Turn): ExecuteResult | undefined {
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(turn.lang, 'flow.queue.title')).card };
  return undefined;
}

/**
 * Whom a channel card answer is for: the presser's own view and note where cards are per person
 * (Action.Execute: only the presser sees the answer); else the shared view with no personal note,
 * since the answer replaces the card everyone in the channel sees.
 */
export function channelView(turn: Turn, services: Services, note?: string): { viewer?: StaffKey; note?: string } {
  if (turn.scope === 'personal' || services.cardViews.privateAnswers) return { viewer: can(turn.roles, 'queue') ? turn.staff : undefined, note };
  return {};
}

/** In the channel a button answers with the channel card (see channelView); in a personal chat, with the details. */
export async function answer(turn: Turn, services: Services, referral: Referral, note?: string): Promise<ExecuteResult> {
  if (turn.scope === 'channel' || turn.scope === 'groupChat') {
    const view = channelView(turn, services, note);
    return { card: await channelCard(services, referral, view.viewer, view.note) };
  }
  return { card: await detailsCard(turn, services, referral, note) };
}

/**
 * A press that did nothing (the case moved on, or it is not this person's to act on): what happened,
 * on the case's card without personal data, so nothing about the citizen is read. "Åbn" shows the
 * details (and is audited) for whoever may see them.
 */
export async function refusedAnswer(turn: Turn, services: Services, referral: Referral, note: string): Promise<ExecuteResult> {
  const view = channelView(turn, services, note);
  return { card: await channelCard(services, referral, view.viewer, view.note) };
}

type Handler = (turn: Turn, services: Services, data: Record<string, unknown>) => Promise<ExecuteResult>;

export const withReferral =
  (fn: (turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>) => Promise<ExecuteResult>): Handler =>
  async (turn, services, data) => {
    const loaded = await load(turn, services, data);
    return isLoaded(loaded) ? fn(turn, services, loaded, data) : loaded;
  };

/** A colleague hears of a change to a referral (about `citizenId`), in their language, with a neutral preview. */
export async function tell(services: Services, to: StaffKey, key: string, vars: Record<string, string | number>, idempotencyKey: string, citizenId: string): Promise<void> {
  const lang = await services.directory.languageOf(to);
  await tellStaff(services, to, { text: t(lang, key, vars), summary: t(lang, 'visitation.preview.news') }, idempotencyKey, { citizenId });
}

/**
 * A button on the channel card whose next step is personal (triage, hand-over): that card goes to the
 * presser's personal chat through the outbox, and the channel card says so.
 */
export async function viaPersonalChat(turn: Turn, services: Services, referral: Referral, card: AdaptiveCardJson, what: string): Promise<ExecuteResult> {
  await services.outbox?.enqueue({
    citizenId: referral.citizenId,
    idempotencyKey: `referral-${what}:${referral.id}:${turn.staff.aadObjectId}:${services.clock.now().toISOString()}`,
    target: { kind: 'user', user: turn.staff },
    payload: { card, summary: t(turn.lang, 'visitation.card.title', { caseNumber: referral.caseNumber }) },
  });
  const view = channelView(turn, services, t('da', 'visitation.sentToPersonal'));
  return { card: await channelCard(services, referral, view.viewer, view.note) };
}


export function addYear(iso: string): string {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString();
}

export { actorOf, str };
