// The channel card: case number, where it came from, when, status and who has it; no CPR, no name,
// no health data. Posted for each new referral through the outbox, and updated in place.
import type { Verb } from '../verbs.js';
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import { can } from '../../domain/roles.js';
import { formatDate } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { OutboxMessage, Referral, StaffKey } from '../../store/index.js';
import { sameStaff } from '../../store/index.js';
import type { Services } from '../types.js';
import { dataOf, withData } from '../../services/referrals.js';
import { holderName, mutate, sourceLabel, statusLabel, tell, visitationChannel } from './common.js';

/**
 * Post the channel card (once per channel; again if an earlier one was given up, e.g. a 403 before
 * the bot was in the channel); without a channel the referral waits in the queue.
 */
export async function announce(services: Services, referral: Referral): Promise<OutboxMessage | undefined> {
  const channel = await visitationChannel(services);
  if (!channel || !services.outbox) return undefined;
  const message = await services.outbox.enqueue({
    renewIfFailed: true,
    idempotencyKey: `referral-card:${referral.id}:${channel.conversationId}`,
    target: { kind: 'conversation', conversationId: channel.conversationId },
    payload: { card: await channelCard(services, referral), summary: t('da', 'visitation.preview.new', { caseNumber: referral.caseNumber }) },
    reportTo: referral.source.by,
    topic: { kind: 'referral.card', id: referral.id },
  });
  await mutate(services, referral.id, (r, d) => withData(r, { ...d, cardMessageId: message.id }));
  return message;
}

/** The shared card shows the new status to everyone: a PUT of the activity the card was posted as. */
export async function refreshChannelCard(services: Services, referral: Referral): Promise<void> {
  const data = dataOf(referral);
  if (!data.cardMessageId || !services.outbox) return;
  const original = await services.store.outbox.get(data.cardMessageId);
  if (!original) return;
  await services.outbox.enqueue({
    idempotencyKey: `referral-card:${referral.id}:v${referral.version}`,
    target: original.target,
    operation: 'update',
    updates: original.id,
    payload: { card: await channelCard(services, referral), summary: t('da', 'visitation.preview.changed', { caseNumber: referral.caseNumber }) },
    topic: { kind: 'referral.cardUpdate', id: referral.id },
  });
}

/** Post each new referral's channel card, and wire the outbox's outcomes back onto referrals (called once at start). */
export function listenForReferralCards(services: Services): void {
  services.referrals.onCreated(async (referral) => {
    await announce(services, referral);
  });
  services.outbox?.onSettled('referral.card', async (message) => {
    await mutate(services, message.topic!.id, (r, d) => withData(r, { ...d, notified: message.status === 'sent' }));
  });
  // The first failed attempt: the referrer learns it is queued but not shown in the channel yet.
  services.outbox?.onRetry('referral.card', async (message) => {
    if (message.attempts !== 1) return;
    const referral = await services.store.referrals.get(message.topic!.id);
    if (referral) await tell(services, referral.source.by, 'visitation.told.notShownYet', { caseNumber: referral.caseNumber }, `told-pending:${referral.id}`, referral.citizenId);
  });
}

// The channel card: case number, where it came from, when, status and who has it. No CPR, no name,
// no initials, no health data (DOMAIN.md): a masked CPR is still a birth date.

async function visitatorUserIds(services: Services, tenantId: string): Promise<string[]> {
  const staff = await services.directory.list(tenantId);
  const ids: string[] = [];
  for (const m of staff) {
    if (m.userId && can(await services.directory.rolesOf(m), 'queue')) ids.push(m.userId);
  }
  return ids.slice(0, 60); // Teams refreshes a card for at most 60 listed users
}

/** Channel cards are always Danish; `viewer` adds that visitator's own buttons (Action.Execute refresh). */
export async function channelCard(services: Services, referral: Referral, viewer?: StaffKey, note?: string): Promise<AdaptiveCardJson> {
  const L: Lang = 'da';
  const holder = await holderName(services, referral);
  const rid = referral.id;
  const actions: { title: string; verb: Verb; data: Record<string, unknown>; style: 'default' | 'positive' | 'destructive' }[] = [];
  if (referral.status === 'new') {
    actions.push({ title: t(L, 'visitation.button.take'), verb: 'referral.take', data: { rid }, style: 'positive' });
  }
  // The shared view keeps the holder's buttons (clients without per-user refresh still need them; the
  // server refuses anyone else); a visitator's own view drops them unless she holds the case.
  const holderButtons = referral.status === 'taken' && (!viewer || sameStaff(viewer, referral.holder));
  if (holderButtons) {
    actions.push({ title: t(L, 'visitation.button.triage'), verb: 'referral.triageStart', data: { rid }, style: 'positive' });
    actions.push({ title: t(L, 'visitation.button.handover'), verb: 'referral.handoverStart', data: { rid }, style: 'default' });
  }
  actions.push({ title: t(L, 'visitation.button.open'), verb: 'referral.open', data: { rid }, style: 'default' });
  if (referral.status === 'new' || holderButtons) {
    actions.push({ title: t(L, 'visitation.button.refuse'), verb: 'referral.refuseStart', data: { rid }, style: 'destructive' });
  }
  const tenantId = referral.source.by.tenantId;
  return renderCard('referralCard', {
    rid,
    // Teams refreshes the card per visitator (their own buttons) with Universal Actions; not with
    // Action.Submit, nor in the Playground, which cannot.
    refreshUserIds: services.cardViews.refreshPerUser ? await visitatorUserIds(services, tenantId) : [],
    title: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    facts: [
      { title: t(L, 'visitation.card.from'), value: sourceLabel(L, referral, services.rules.organisation) },
      { title: t(L, 'visitation.card.received'), value: formatDate(L, referral.createdAt) },
      { title: t(L, 'visitation.card.status'), value: statusLabel(L, referral, holder) },
    ],
    notes: [...(note ? [note] : []), t(L, 'visitation.card.note')],
    actions,
  });
}
