// Visitation: referrals reach the visitators' channel as cards with no personal data, a visitator
// takes one, scores the citizen in Fælles Sprog by the rule sets in force, decides, and the centre
// gets the advis. Nothing is lost on the way: the queue holds every open referral whether or not the
// channel got its card, and the outbox keeps trying.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { renderCard, type AdaptiveCardJson, type FormField } from '../../cards/index.js';
import { ageOn, maskCpr, parseCpr } from '../domain/cpr.js';
import { readCpr } from './cpr.js';
import { readFields } from './inputs.js';
import { areasOf, assess, FOLLOW_UP_RESULTS, homeOfferEnd, inForce, scaleOf, singleServicesAllowed, validateScores, type AssessedSet, type ExplainedNode, type FollowUpResult, type Scores } from '../domain/faellesSprog.js';
import { can } from '../domain/roles.js';
import { copenhagenDay, copenhagenParts, formatDate } from '../i18n/format.js';
import { t, type Lang } from '../i18n/index.js';
import type { Citizen, OutboxMessage, Referral, StaffKey } from '../store/index.js';
import { sameStaff } from '../store/index.js';
import { button, choice, facts, info, item, textInput, type FormAction } from './form.js';
import { backToHelp, notAllowedReply, notice, personalOnlyLine, personalOnlyReply } from './help.js';
import type { ExecuteResult, Reply, Services, Turn } from './types.js';

const PURPOSE = 'visitation';
const DIRECT_ASKED_BY = ['citizen', 'relative', 'homeCare', 'other'] as const;
const DECISIONS = ['centre', 'home', 'single', 'refused'] as const;
type DecisionOffer = (typeof DECISIONS)[number];
const SINGLE_SERVICES = ['meals', 'training'] as const;

export interface ChannelSetting {
  conversationId: string;
  tenantId?: string;
  setBy?: StaffKey;
  at: string;
}

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
    ruleSets: AssessedSet['set'][];
    met: { id: string; met: boolean }[];
    scores: Scores;
    decidedBy: StaffKey;
    decidedByName: string;
    decidedAt: string;
  };
  followUp?: { kind: 'yearly' | 'homeEnd'; dueAt: string; remindedAt?: string; result?: FollowUpResult; resultAt?: string };
}

const dataOf = (r: Referral): ReferralData => ({ history: [], ...(r.data as Partial<ReferralData>) }) as ReferralData;
const withData = (r: Referral, data: ReferralData): Referral => ({ ...r, data: data as unknown as Record<string, unknown> });
const Rid = z.object({ rid: z.string().uuid() });
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const today = (services: Services) => {
  const p = copenhagenParts(services.clock.now());
  return `${p.year}-${p.month}-${p.day}`;
};

// ---------------------------------------------------------------------------------------------
// Creating and announcing referrals

export async function createReferral(
  services: Services,
  actor: { staff: StaffKey; name?: string },
  input: { citizenId: string; source: Referral['source']; data: Partial<ReferralData> },
): Promise<Referral> {
  const now = services.clock.now().toISOString();
  const caseNumber = await services.store.referrals.nextCaseNumber(Number(copenhagenParts(services.clock.now()).year));
  const referral: Referral = {
    id: randomUUID(),
    version: 1,
    caseNumber,
    citizenId: input.citizenId,
    status: 'new',
    createdAt: now,
    updatedAt: now,
    source: input.source,
    data: { notified: false, history: [{ at: now, by: actor.staff, byName: actor.name ?? '', action: 'created' }], ...input.data } as Record<string, unknown>,
  };
  await services.store.referrals.save(referral);
  await audit(services, actor, referral.citizenId, 'create', t('da', 'audit.visitation.referral', { caseNumber }));
  await announce(services, referral);
  return referral;
}

export async function visitationChannel(services: Services): Promise<ChannelSetting | undefined> {
  return services.store.settings.get<ChannelSetting>('visitationChannel');
}

/**
 * Post the channel card (once per channel; again if an earlier one was given up, e.g. a 403 before
 * the bot was in the channel); without a channel the referral waits in the queue.
 */
async function announce(services: Services, referral: Referral): Promise<OutboxMessage | undefined> {
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
async function refreshChannelCard(services: Services, referral: Referral): Promise<void> {
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

/** Wire the outbox's outcomes back onto referrals (called once at start). */
export function listenForReferralCards(services: Services): void {
  services.outbox?.onSettled('referral.card', async (message) => {
    await mutate(services, message.topic!.id, (r, d) => withData(r, { ...d, notified: message.status === 'sent' }));
  });
  // The first failed attempt: the referrer learns it is queued but not shown in the channel yet.
  services.outbox?.onRetry('referral.card', async (message) => {
    if (message.attempts !== 1) return;
    const referral = await services.store.referrals.get(message.topic!.id);
    if (referral) await tell(services, referral.source.by, 'visitation.told.notShownYet', { caseNumber: referral.caseNumber }, `told-pending:${referral.id}`);
  });
}

/** Change a referral with compare-and-save, retrying if someone else changed it meanwhile. */
async function mutate(services: Services, rid: string, change: (r: Referral, d: ReferralData) => Referral | undefined): Promise<Referral | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await services.store.referrals.get(rid);
    if (!current) return undefined;
    const next = change(current, dataOf(current));
    if (!next) return current;
    const saved = await services.store.referrals.compareAndSave({ ...next, updatedAt: services.clock.now().toISOString() }, current.version);
    if (saved) return saved;
  }
  throw new Error('The referral kept changing; try again');
}

async function audit(services: Services, actor: { staff: StaffKey; name?: string }, citizenId: string, action: 'read' | 'create' | 'update', what: string): Promise<void> {
  await services.store.audit.append({ actor: { ...actor.staff, name: actor.name }, citizenId, action, purpose: PURPOSE, what });
}

const actorOf = (turn: Turn) => ({ staff: turn.staff, name: turn.user.name });

// ---------------------------------------------------------------------------------------------
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

function sourceLabel(L: Lang, referral: Referral): string {
  const d = dataOf(referral);
  if (referral.source.kind === 'screening') return t(L, 'visitation.source.screening');
  return d.direct?.unit ? t(L, 'visitation.source.directFrom', { unit: d.direct.unit }) : t(L, 'visitation.source.direct');
}

async function holderName(services: Services, referral: Referral): Promise<string> {
  if (!referral.holder) return '';
  return (await services.store.staff.get(referral.holder))?.name ?? '';
}

function statusLabel(L: Lang, referral: Referral, holder: string): string {
  if (referral.status === 'taken') return t(L, 'visitation.status.takenBy', { name: holder });
  return t(L, `visitation.status.${referral.status}`);
}

/** Channel cards are always Danish; `viewer` adds that visitator's own buttons (Action.Execute refresh). */
async function channelCard(services: Services, referral: Referral, viewer?: StaffKey, note?: string): Promise<AdaptiveCardJson> {
  const L: Lang = 'da';
  const holder = await holderName(services, referral);
  const rid = referral.id;
  const actions: { title: string; verb: string; data: Record<string, unknown>; style: 'default' | 'positive' | 'destructive' }[] = [];
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
    // Teams refreshes the card per visitator (their own buttons); the Playground cannot, so not there.
    refreshUserIds: services.localMode ? [] : await visitatorUserIds(services, tenantId),
    title: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    facts: [
      { title: t(L, 'visitation.card.from'), value: sourceLabel(L, referral) },
      { title: t(L, 'visitation.card.received'), value: formatDate(L, referral.createdAt) },
      { title: t(L, 'visitation.card.status'), value: statusLabel(L, referral, holder) },
    ],
    notes: [...(note ? [note] : []), t(L, 'visitation.card.note')],
    actions,
  });
}

// ---------------------------------------------------------------------------------------------
// Access: visitators act; the holder triages and decides; centre staff may pre-triage.

type Loaded = { referral: Referral; data: ReferralData; citizen: Citizen | undefined };

async function load(turn: Turn, services: Services, data: Record<string, unknown>): Promise<Loaded | ExecuteResult> {
  const parsed = Rid.safeParse(data);
  const referral = parsed.success ? await services.store.referrals.get(parsed.data.rid) : undefined;
  if (!referral) return { card: notice(turn, 'stale.title', [t(turn.lang, 'visitation.gone')], [backToHelp(turn)]).card };
  return { referral, data: dataOf(referral), citizen: await services.store.citizens.get(referral.citizenId) };
}
const isLoaded = (x: Loaded | ExecuteResult): x is Loaded => 'referral' in x;

function visitatorOnly(turn: Turn): ExecuteResult | undefined {
  if (!can(turn.roles, 'queue')) return { card: notAllowedReply(turn, t(turn.lang, 'flow.queue.title'), 'queue').card };
  return undefined;
}

function personalOnly(turn: Turn): ExecuteResult | undefined {
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(turn.lang, 'flow.queue.title')).card };
  return undefined;
}

/** In the channel a button answers with that visitator's view of the channel card; in a personal chat, with the details. */
async function answer(turn: Turn, services: Services, referral: Referral, note?: string): Promise<ExecuteResult> {
  if (turn.scope === 'channel' || turn.scope === 'groupChat') return { card: await channelCard(services, referral, turn.staff, note) };
  return { card: await detailsCard(turn, services, referral, note) };
}

// ---------------------------------------------------------------------------------------------
// Details (personal chat only; audited)

/**
 * A press that did nothing (the case moved on, or it is not this person's to act on): what happened,
 * on the case's card without personal data, so nothing about the citizen is read. "Åbn" shows the
 * details (and is audited) for whoever may see them.
 */
async function refusedAnswer(turn: Turn, services: Services, referral: Referral, note: string): Promise<ExecuteResult> {
  return { card: await channelCard(services, referral, can(turn.roles, 'queue') ? turn.staff : undefined, note) };
}

async function detailsCard(turn: Turn, services: Services, referral: Referral, note?: string): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const d = dataOf(referral);
  const citizen = await services.store.citizens.get(referral.citizenId);
  await audit(services, actorOf(turn), referral.citizenId, 'read', t('da', 'audit.visitation.read', { caseNumber: referral.caseNumber }));
  const holder = await holderName(services, referral);
  const fields: FormField[] = [];
  if (note) fields.push(info(note, 'Accent'));
  const rows = [
    { title: t(L, 'visitation.details.citizen'), value: citizen ? `${citizen.name}, ${maskCpr(citizen.cpr)}${ageText(L, citizen, services)}` : '-' },
    { title: t(L, 'visitation.card.from'), value: sourceLabel(L, referral) },
    { title: t(L, 'visitation.card.received'), value: formatDate(L, referral.createdAt) },
    { title: t(L, 'visitation.card.status'), value: statusLabel(L, referral, holder) },
  ];
  const by = await services.store.staff.get(referral.source.by);
  if (by?.name) rows.push({ title: t(L, 'visitation.details.referrer'), value: by.name });
  fields.push(facts(rows));
  if (d.screening) {
    fields.push(info(t(L, 'visitation.details.screening'), 'Default', true));
    const s = d.screening;
    const lines = [];
    if (s.proposed) lines.push({ title: t(L, 'visitation.details.proposed'), value: t(L, `screening.offerShort.${s.proposed === 'outside' ? 'referral' : s.proposed}`) });
    if (s.decidedBy?.length) lines.push({ title: t(L, 'visitation.details.decidedBy'), value: s.decidedBy.map((a) => t(L, `screening.answer.${a}`)).join(', ') });
    if (s.scores) lines.push({ title: t(L, 'visitation.details.copm'), value: t(L, 'visitation.details.copmValue', { performance: s.scores.performance.toFixed(1), satisfaction: s.scores.satisfaction.toFixed(1) }) });
    fields.push(facts(lines));
  }
  if (d.direct) {
    fields.push(facts([
      { title: t(L, 'visitation.details.askedBy'), value: t(L, `visitation.askedBy.${d.direct.askedBy}`) },
      { title: t(L, 'visitation.details.reason'), value: d.direct.reason },
    ]));
  }
  if (d.preTriage) fields.push(info(t(L, 'visitation.details.preTriage', { name: d.preTriage.byName, scores: scoresText(services, d.preTriage.scores, d.preTriage.date) })));
  if (d.triage) fields.push(info(t(L, 'visitation.details.triage', { scores: scoresText(services, d.triage.scores, d.triage.date) })));
  if (d.refusal) fields.push(info(t(L, 'visitation.details.refused', { reason: d.refusal.reason, name: d.refusal.byName }), 'Attention'));
  if (d.decision) fields.push(info(decisionLine(L, d.decision), 'Good'));
  const rid = referral.id;
  const actions: FormAction[] = [];
  const isHolder = referral.status === 'taken' && sameStaff(referral.holder, turn.staff);
  if (can(turn.roles, 'queue')) {
    if (referral.status === 'new') actions.push(button(t(L, 'visitation.button.take'), 'referral.take', { rid }, 'positive'));
    if (isHolder) actions.push(button(t(L, 'visitation.button.triage'), 'referral.triageStart', { rid }, 'positive'));
    if (isHolder) actions.push(button(t(L, 'visitation.button.handover'), 'referral.handoverStart', { rid }));
    if (referral.status === 'new' || isHolder) actions.push(button(t(L, 'visitation.button.refuse'), 'referral.refuseStart', { rid }, 'destructive'));
  } else if (can(turn.roles, 'screening') && sameStaff(referral.source.by, turn.staff) && (referral.status === 'new' || referral.status === 'taken')) {
    actions.push(button(t(L, 'visitation.button.preTriage'), 'referral.triageStart', { rid }));
  }
  actions.push(button(t(L, 'visitation.button.queue'), 'queue.show', {}));
  return renderCard('form', { stepLabel: '', title: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }), intro: [], fields, actions });
}

function ageText(L: Lang, citizen: Citizen, services: Services): string {
  const today = copenhagenDay(services.clock.now());
  const parsed = parseCpr(citizen.cpr, today);
  if (!parsed.ok) return '';
  return t(L, 'visitation.details.age', { age: ageOn(parsed.cpr, today) });
}

function scoresText(services: Services, scores: Scores, date: string): string {
  const sets = inForce(services.rules.visitation, date);
  return areasOf(sets)
    .map((a) => `${a.name} ${scores[a.code] ?? '-'}`)
    .join(', ');
}

function decisionLine(L: Lang, d: NonNullable<ReferralData['decision']>): string {
  const offer = t(L, `visitation.decision.${d.offer}`);
  const end = d.endDate ? ` ${t(L, 'visitation.decision.until', { date: formatDate(L, `${d.endDate}T12:00:00Z`) })}` : '';
  return t(L, 'visitation.details.decided', { offer: `${offer}${end}`, name: d.decidedByName, date: formatDate(L, d.decidedAt) });
}

// ---------------------------------------------------------------------------------------------
// The queue

export async function queueCard(turn: Turn, services: Services): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const open = await services.store.referrals.listOpen();
  const fields: FormField[] = [];
  const channel = await visitationChannel(services);
  if (!channel) fields.push(info(t(L, 'visitation.queue.noChannel'), 'Warning'));
  if (!open.length) fields.push(info(t(L, 'visitation.queue.empty')));
  const now = services.clock.now().getTime();
  for (const r of open) {
    const d = dataOf(r);
    const days = Math.floor((now - Date.parse(r.createdAt)) / 86_400_000);
    const holder = await holderName(services, r);
    const parts = [statusLabel(L, r, holder), t(L, days === 1 ? 'visitation.queue.day' : 'visitation.queue.days', { count: days }), sourceLabel(L, r)];
    if (!d.notified) parts.push(t(L, 'visitation.queue.notNotified'));
    fields.push(item(t(L, 'visitation.card.title', { caseNumber: r.caseNumber }), parts.join(' · '), { title: t(L, 'visitation.button.open'), verb: 'referral.open', data: { rid: r.id } }));
  }
  return renderCard('form', { stepLabel: '', title: t(L, 'visitation.queue.title', { count: open.length }), intro: [t(L, 'visitation.queue.intro')], fields, actions: [button(t(L, 'common.showHelp'), 'help.show', {})] });
}

export async function queueCommand(turn: Turn, services: Services): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'queue')];
  const refused = visitatorOnly(turn);
  const card = refused?.card ?? (await queueCard(turn, services));
  return [{ kind: 'card', card, summary: t(turn.lang, 'flow.queue.title') }];
}

// ---------------------------------------------------------------------------------------------
// Setting the visitators' channel

export async function setChannelCommand(turn: Turn, services: Services): Promise<Reply[]> {
  return [{ kind: 'text', text: await setChannel(turn, services) }];
}

/** Make the conversation the turn came from the visitators' channel; the answer in words. */
async function setChannel(turn: Turn, services: Services): Promise<string> {
  const L = turn.lang;
  if (turn.scope !== 'channel') return t(L, 'visitation.channel.onlyInChannel');
  if (!can(turn.roles, 'queue')) return t(L, 'visitation.channel.onlyVisitators');
  const setting: ChannelSetting = { conversationId: turn.conversationId, tenantId: turn.tenantId, setBy: turn.staff, at: services.clock.now().toISOString() };
  await services.store.settings.set('visitationChannel', setting);
  services.log.info('visitation channel set', { by: turn.staff.aadObjectId });
  // Referrals that waited for a channel get their card now; counted only if a card is on its way.
  let announced = 0;
  for (const r of await services.store.referrals.listOpen()) {
    if (!dataOf(r).notified && (await announce(services, r))?.status === 'pending') announced++;
  }
  return t(L, announced ? 'visitation.channel.setWithWaiting' : 'visitation.channel.set', { count: announced });
}

// ---------------------------------------------------------------------------------------------
// Direct referral ("henvis"): any staff member, for a citizen who or whose relative asks.

function directForm(turn: Turn, values: Record<string, string> = {}, errors: Record<string, string> = {}): AdaptiveCardJson {
  const L = turn.lang;
  return renderCard('form', {
    stepLabel: '',
    title: t(L, 'visitation.direct.title'),
    intro: [t(L, 'visitation.direct.intro')],
    fields: [
      textInput('cpr', t(L, 'screening.field.cpr'), values.cpr ?? '', errors.cpr ?? '', { placeholder: t(L, 'screening.field.cprPlaceholder'), maxLength: 11 }),
      textInput('name', t(L, 'screening.field.name'), values.name ?? '', errors.name ?? '', { maxLength: 100 }),
      choice('askedBy', t(L, 'visitation.direct.askedBy'), DIRECT_ASKED_BY.map((a) => ({ title: t(L, `visitation.askedBy.${a}`), value: a })), values.askedBy ?? '', errors.askedBy ?? ''),
      textInput('reason', t(L, 'visitation.direct.reason'), values.reason ?? '', errors.reason ?? '', { maxLength: 1000, multiline: true }),
      textInput('unit', t(L, 'visitation.direct.unit'), values.unit ?? '', errors.unit ?? '', { maxLength: 100, placeholder: t(L, 'visitation.direct.unitPlaceholder') }),
    ],
    actions: [button(t(L, 'visitation.direct.send'), 'referral.createDirect', {}, 'positive'), button(t(L, 'common.back'), 'help.show', {})],
  });
}

export async function referCommand(turn: Turn): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'refer')];
  return [{ kind: 'card', card: directForm(turn), summary: t(turn.lang, 'visitation.direct.title') }];
}

// ---------------------------------------------------------------------------------------------
// Triage and decision

function triageForm(turn: Turn, services: Services, referral: Referral, values: Record<string, string> = {}, errors: Record<string, string> = {}, note = ''): AdaptiveCardJson {
  const L = turn.lang;
  const date = today(services);
  const sets = inForce(services.rules.visitation, date);
  const scale = scaleOf(sets);
  const fields: FormField[] = [];
  if (note) fields.push(info(note, 'Attention'));
  if (sets.some((s) => s.legalReview)) fields.push(info(t(L, 'visitation.triage.legalReview'), 'Warning'));
  for (const area of areasOf(sets)) {
    const weight = area.weight ? ` (${t(L, `visitation.weight.${area.weight}`)})` : '';
    fields.push(
      choice(`fs_${area.code}`, `${areaLabel(area.code, area.name)}${weight}`, scale.map((s) => ({ title: `${s.value} – ${s.label}`, value: String(s.value) })), values[`fs_${area.code}`] ?? '', errors[`fs_${area.code}`] ?? '', {
        style: 'compact',
        placeholder: t(L, 'screening.select'),
      }),
    );
  }
  const preliminary = !can(turn.roles, 'queue');
  return renderCard('form', {
    stepLabel: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    title: t(L, preliminary ? 'visitation.triage.preTitle' : 'visitation.triage.title'),
    intro: [t(L, preliminary ? 'visitation.triage.preIntro' : 'visitation.triage.intro', { sets: sets.map((s) => `${s.title} (${s.version})`).join('; ') })],
    fields,
    actions: [button(t(L, 'visitation.triage.submit'), 'referral.triage', { rid: referral.id }, 'positive'), button(t(L, 'common.back'), 'referral.open', { rid: referral.id })],
  });
}

/** "5. Aktivitet" for the old numbered areas, "J3.8 Gå" for Fælles Sprog III codes. */
const areaLabel = (code: string, name: string) => (/^\d+$/.test(code) ? `${code}. ${name}` : `${code} ${name}`);

/** Each criterion in words, with whether it was met: "5. Aktivitet: 3, mindst 3 ✓". */
function explain(L: Lang, node: ExplainedNode, depth = 0): string[] {
  const pad = '  '.repeat(depth);
  const mark = (met: boolean) => (met ? '✓' : '✗');
  if ('all' in node) return [`${pad}${mark(node.met)} ${t(L, 'visitation.explain.all')}`, ...node.all.flatMap((n) => explain(L, n, depth + 1))];
  if ('any' in node) return [`${pad}${mark(node.met)} ${t(L, 'visitation.explain.any')}`, ...node.any.flatMap((n) => explain(L, n, depth + 1))];
  if ('not' in node) return [`${pad}${mark(node.met)} ${t(L, 'visitation.explain.not')}`, ...explain(L, node.not, depth + 1)];
  const rule = 'atLeast' in node ? t(L, 'visitation.explain.atLeast', { n: node.atLeast }) : t(L, 'visitation.explain.atMost', { n: node.atMost });
  const score = node.notRelevant ? t(L, 'visitation.explain.notRelevant', { score: node.score }) : String(node.score);
  return [`${pad}${mark(node.met)} ${areaLabel(node.area, node.name)}: ${score} (${rule})`];
}

function assessmentFields(L: Lang, assessment: AssessedSet[]): FormField[] {
  const fields: FormField[] = [];
  for (const a of assessment) {
    fields.push(info(`${a.evaluation.met ? '✓' : '✗'} ${t(L, a.evaluation.met ? 'visitation.assess.met' : 'visitation.assess.notMet', { offer: t(L, `visitation.decision.${a.set.offer}`) })}`, a.evaluation.met ? 'Good' : 'Default', true));
    // One line per criterion; indentation with no-break spaces, which cards do not trim.
    for (const line of explain(L, a.evaluation.explanation)) fields.push(info(line.replace(/^( +)/, (m) => '\u00a0\u00a0'.repeat(m.length / 2))));
    fields.push(info(t(L, 'visitation.assess.basis', { id: a.set.id, version: a.set.version, basis: a.set.legalBasis }), 'Default'));
    if (a.set.legalReview) fields.push(info(a.set.reviewNote ?? t(L, 'visitation.triage.legalReview'), 'Warning'));
  }
  return fields;
}

function decisionForm(turn: Turn, services: Services, referral: Referral, values: Record<string, string> = {}, errors: Record<string, string> = {}): AdaptiveCardJson {
  const L = turn.lang;
  const d = dataOf(referral);
  // The rule sets in force on the decision date decide (the law moved on 1 July 2025).
  const assessment = assess(services.rules.visitation, d.triage!.scores, today(services));
  const met = (offer: 'centre' | 'home') => assessment.some((a) => a.set.offer === offer && a.evaluation.met);
  const offers = DECISIONS.filter((o) => (o === 'centre' ? met('centre') : o === 'home' ? met('home') : o === 'single' ? singleServicesAllowed(assessment) : true));
  const fields: FormField[] = [...assessmentFields(L, assessment)];
  fields.push(
    choice('offer', t(L, 'visitation.decide.offer'), offers.map((o) => ({ title: t(L, `visitation.decision.${o}`), value: o })), values.offer ?? '', errors.offer ?? ''),
    textInput('purpose', t(L, 'visitation.decide.purpose'), values.purpose ?? '', errors.purpose ?? '', { maxLength: 1000, multiline: true }),
    textInput('startDate', t(L, 'visitation.decide.startDate'), values.startDate ?? '', errors.startDate ?? '', { placeholder: t(L, 'visitation.decide.datePlaceholder'), maxLength: 10 }),
    choice('trainingByCarer', t(L, 'visitation.decide.trainingByCarer'), [{ title: t(L, 'screening.choice.yes'), value: 'yes' }, { title: t(L, 'screening.choice.no'), value: 'no' }], values.trainingByCarer ?? 'no', errors.trainingByCarer ?? ''),
    choice('services', t(L, 'visitation.decide.services'), SINGLE_SERVICES.map((s) => ({ title: t(L, `visitation.single.${s}`), value: s })), values.services ?? '', errors.services ?? '', { multi: true }),
  );
  return renderCard('form', {
    stepLabel: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    title: t(L, 'visitation.decide.title'),
    intro: [t(L, 'visitation.decide.intro')],
    fields,
    actions: [button(t(L, 'visitation.decide.submit'), 'referral.decide', { rid: referral.id, v: referral.version }, 'positive'), button(t(L, 'visitation.triage.again'), 'referral.triageStart', { rid: referral.id }), button(t(L, 'common.back'), 'referral.open', { rid: referral.id })],
  });
}

/** The draft decision letter: Danish, reasons from the criteria, placeholders the municipality fills in. */
function decisionLetter(services: Services, referral: Referral, citizen: Citizen | undefined, d: NonNullable<ReferralData['decision']>, assessment: AssessedSet[]): string {
  const L: Lang = 'da';
  const lines = [
    t(L, 'letter.title'),
    t(L, 'letter.to', { name: citizen?.name ?? '', cpr: citizen ? maskCpr(citizen.cpr) : '' }),
    t(L, 'letter.case', { caseNumber: referral.caseNumber, date: formatDate(L, d.decidedAt) }),
    '',
    t(L, `letter.decision.${d.offer}`, { end: d.endDate ? formatDate(L, `${d.endDate}T12:00:00Z`) : '' }),
  ];
  if (d.offer === 'home' && d.trainingByCarer) lines.push(t(L, 'letter.trainingByCarer'));
  if (d.offer === 'single' && d.singleServices?.length) lines.push(t(L, 'letter.singleServices', { services: d.singleServices.map((s) => t(L, `visitation.single.${s}`).toLowerCase()).join(' og ') }));
  lines.push('', t(L, d.offer === 'refused' ? 'letter.reasonRefused' : 'letter.purpose', { purpose: d.purpose }));
  lines.push('', t(L, 'letter.grounds'));
  for (const a of assessment) {
    lines.push(t(L, a.evaluation.met ? 'letter.groundMet' : 'letter.groundNotMet', { offer: t(L, `visitation.decision.${a.set.offer}`).toLowerCase(), basis: a.set.legalBasis }));
  }
  lines.push(t(L, 'letter.scores', { scores: Object.entries(d.scores).map(([code, v]) => `${code}: ${v}`).join(', ') }));
  lines.push('', t(L, 'letter.payment'), '', t(L, 'letter.appeal'), '', t(L, 'letter.signature', { name: d.decidedByName }));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Verbs

type Handler = (turn: Turn, services: Services, data: Record<string, unknown>) => Promise<ExecuteResult>;

const withReferral =
  (fn: (turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>) => Promise<ExecuteResult>): Handler =>
  async (turn, services, data) => {
    const loaded = await load(turn, services, data);
    return isLoaded(loaded) ? fn(turn, services, loaded, data) : loaded;
  };

async function tell(services: Services, to: StaffKey, key: string, vars: Record<string, string | number>, idempotencyKey: string): Promise<void> {
  if (!services.outbox) return;
  const lang = await services.directory.languageOf(to);
  await services.outbox.enqueue({ idempotencyKey, target: { kind: 'user', user: to }, payload: { text: t(lang, key, vars), summary: t(lang, 'visitation.preview.news') } });
}

/**
 * A button on the channel card whose next step is personal (triage, hand-over): that card goes to the
 * presser's personal chat through the outbox, and the channel card says so.
 */
async function viaPersonalChat(turn: Turn, services: Services, referral: Referral, card: AdaptiveCardJson, what: string): Promise<ExecuteResult> {
  await services.outbox?.enqueue({
    idempotencyKey: `referral-${what}:${referral.id}:${turn.staff.aadObjectId}:${services.clock.now().toISOString()}`,
    target: { kind: 'user', user: turn.staff },
    payload: { card, summary: t(turn.lang, 'visitation.card.title', { caseNumber: referral.caseNumber }) },
  });
  return { card: await channelCard(services, referral, turn.staff, t('da', 'visitation.sentToPersonal')) };
}

export const visitationVerbs: Record<string, Handler> = {
  /** The help card's button in a team channel: the same as writing "sæt som visitationskanal" there. */
  'visitation.setChannel': async (turn, services) => {
    const said = await setChannel(turn, services);
    return { card: notice(turn, 'visitation.channel.title', [said], [backToHelp(turn)]).card };
  },

  'referral.form': async (turn) => {
    if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(turn.lang, 'visitation.direct.title')).card };
    return { card: directForm(turn) };
  },

  'queue.show': async (turn, services) => personalOnly(turn) ?? visitatorOnly(turn) ?? { card: await queueCard(turn, services) },

  'referral.refresh': withReferral(async (turn, services, { referral }) => ({ card: await channelCard(services, referral, can(turn.roles, 'queue') ? turn.staff : undefined) })),

  'referral.open': withReferral(async (turn, services, { referral }) => {
    // Visitators, and the centre staff member who referred (to add a pre-triage): access follows need.
    const referrer = turn.scope === 'personal' && can(turn.roles, 'screening') && sameStaff(referral.source.by, turn.staff);
    if (!can(turn.roles, 'queue') && !referrer) return visitatorOnly(turn)!;
    if (turn.scope === 'personal') return { card: await detailsCard(turn, services, referral) };
    // Pressed in the channel: the details go to the presser's personal chat, never to the channel.
    await services.outbox?.enqueue({
      idempotencyKey: `referral-open:${referral.id}:${turn.staff.aadObjectId}:${services.clock.now().toISOString()}`,
      target: { kind: 'user', user: turn.staff },
      payload: { card: await detailsCard(turn, services, referral), summary: t(turn.lang, 'visitation.card.title', { caseNumber: referral.caseNumber }) },
    });
    return { card: await channelCard(services, referral, turn.staff, t('da', 'visitation.openedInPersonal')) };
  }),

  'referral.take': withReferral(async (turn, services, { referral }) => {
    const refused = visitatorOnly(turn);
    if (refused) return refused;
    let lost: Referral | undefined;
    const saved = await mutate(services, referral.id, (r, d) => {
      if (r.status !== 'new') {
        lost = r;
        return undefined;
      }
      d.history.push({ at: services.clock.now().toISOString(), by: turn.staff, byName: turn.user.name ?? '', action: 'taken' });
      return withData({ ...r, status: 'taken', holder: turn.staff }, d);
    });
    if (lost || !saved) {
      const current = lost ?? referral;
      const who = await holderName(services, current);
      const note = current.status === 'taken' ? t('da', 'visitation.alreadyTaken', { name: who }) : t('da', 'visitation.notNew');
      return refusedAnswer(turn, services, current, note);
    }
    await audit(services, actorOf(turn), saved.citizenId, 'update', t('da', 'audit.visitation.taken', { caseNumber: saved.caseNumber }));
    await refreshChannelCard(services, saved);
    await tell(services, saved.source.by, 'visitation.told.taken', { caseNumber: saved.caseNumber, name: turn.user.name ?? '' }, `told-taken:${saved.id}:${saved.version}`);
    return answer(turn, services, saved, turn.scope === 'personal' ? undefined : t('da', 'visitation.youTookIt'));
  }),

  'referral.refuseStart': withReferral(async (turn, services, { referral }) => {
    const refused = visitatorOnly(turn);
    if (refused) return refused;
    return { card: refuseForm(turn, referral) };
  }),

  'referral.refuse': withReferral(async (turn, services, { referral }, data) => {
    const refused = visitatorOnly(turn);
    if (refused) return refused;
    const fields = readFields(turn.lang, data, { reason: 1000 });
    const reason = fields.values.reason.trim();
    if (!reason || fields.errors.reason) return { card: refuseForm(turn, referral, fields.values.reason, fields.errors.reason ?? t(turn.lang, 'screening.error.reason')) };
    let blocked = false;
    const saved = await mutate(services, referral.id, (r, d) => {
      if (!(r.status === 'new' || (r.status === 'taken' && sameStaff(r.holder, turn.staff)))) {
        blocked = true;
        return undefined;
      }
      const at = services.clock.now().toISOString();
      d.refusal = { reason, at, by: turn.staff, byName: turn.user.name ?? '' };
      d.history.push({ at, by: turn.staff, byName: turn.user.name ?? '', action: 'refused' });
      return withData({ ...r, status: 'refused', holder: r.holder ?? turn.staff }, d);
    });
    if (blocked || !saved) return refusedAnswer(turn, services, (await services.store.referrals.get(referral.id)) ?? referral, t('da', 'visitation.cannotRefuse'));
    await audit(services, actorOf(turn), saved.citizenId, 'update', t('da', 'audit.visitation.refused', { caseNumber: saved.caseNumber }));
    await refreshChannelCard(services, saved);
    await tell(services, saved.source.by, 'visitation.told.refused', { caseNumber: saved.caseNumber, reason }, `told-refused:${saved.id}`);
    return answer(turn, services, saved);
  }),

  'referral.handoverStart': withReferral(async (turn, services, { referral }) => {
    const refused = visitatorOnly(turn);
    if (refused) return refused;
    if (!(referral.status === 'taken' && sameStaff(referral.holder, turn.staff))) return refusedAnswer(turn, services, referral, t('da', 'visitation.notHolder'));
    const form = await handoverForm({ ...turn, scope: 'personal' }, services, referral);
    return turn.scope === 'personal' ? { card: form } : viaPersonalChat(turn, services, referral, form, 'handover');
  }),

  'referral.handover': withReferral(async (turn, services, { referral }, data) => {
    const refused = personalOnly(turn) ?? visitatorOnly(turn);
    if (refused) return refused;
    const to = str(data.to);
    const target = to ? await services.store.staff.get({ tenantId: turn.staff.tenantId, aadObjectId: to }) : undefined;
    if (!target || !can(await services.directory.rolesOf(target), 'queue') || sameStaff(target, turn.staff)) {
      return { card: await handoverForm(turn, services, referral, t(turn.lang, 'visitation.handover.pick')) };
    }
    let blocked = false;
    const saved = await mutate(services, referral.id, (r, d) => {
      if (!(r.status === 'taken' && sameStaff(r.holder, turn.staff))) {
        blocked = true;
        return undefined;
      }
      d.history.push({ at: services.clock.now().toISOString(), by: turn.staff, byName: turn.user.name ?? '', action: 'handedOver', to: target, toName: target.name });
      return withData({ ...r, holder: { tenantId: target.tenantId, aadObjectId: target.aadObjectId } }, d);
    });
    if (blocked || !saved) return refusedAnswer(turn, services, referral, t('da', 'visitation.notHolder'));
    await audit(services, actorOf(turn), saved.citizenId, 'update', t('da', 'audit.visitation.handedOver', { caseNumber: saved.caseNumber, name: target.name }));
    await refreshChannelCard(services, saved);
    await tell(services, target, 'visitation.told.handedOver', { caseNumber: saved.caseNumber, name: turn.user.name ?? '' }, `told-handover:${saved.id}:${saved.version}`);
    return { card: await detailsCard(turn, services, saved, t(turn.lang, 'visitation.handover.done', { name: target.name })) };
  }),

  'referral.triageStart': withReferral(async (turn, services, { referral }) => {
    const holder = referral.status === 'taken' && sameStaff(referral.holder, turn.staff) && can(turn.roles, 'queue');
    const centre = turn.scope === 'personal' && can(turn.roles, 'screening') && sameStaff(referral.source.by, turn.staff) && (referral.status === 'new' || referral.status === 'taken');
    if (!holder && !centre) {
      if (!can(turn.roles, 'queue')) return { card: notAllowedReply(turn, t(turn.lang, 'flow.queue.title'), 'queue').card };
      return refusedAnswer(turn, services, referral, t('da', 'visitation.notHolder'));
    }
    const form = triageForm({ ...turn, scope: 'personal' }, services, referral);
    return turn.scope === 'personal' ? { card: form } : viaPersonalChat(turn, services, referral, form, 'triage');
  }),

  'referral.triage': withReferral(async (turn, services, { referral }, data) => {
    const refused = personalOnly(turn);
    if (refused) return refused;
    const L = turn.lang;
    const holder = referral.status === 'taken' && sameStaff(referral.holder, turn.staff) && can(turn.roles, 'queue');
    const centre = !holder && can(turn.roles, 'screening') && sameStaff(referral.source.by, turn.staff) && (referral.status === 'new' || referral.status === 'taken');
    if (!holder && !centre) return { card: notAllowedReply(turn, t(L, 'flow.queue.title'), 'queue').card };
    const date = today(services);
    const sets = inForce(services.rules.visitation, date);
    const values: Record<string, string> = {};
    const scores: Scores = {};
    for (const area of areasOf(sets)) {
      const raw = str(data[`fs_${area.code}`]);
      values[`fs_${area.code}`] = raw;
      if (raw !== '' && /^\d+$/.test(raw)) scores[area.code] = Number(raw);
    }
    const problems = validateScores(sets, scores);
    if (problems.length) {
      const errors = Object.fromEntries(problems.map((p) => [`fs_${p.code}`, t(L, 'visitation.triage.pickScore')]));
      return { card: triageForm(turn, services, referral, values, errors) };
    }
    const at = services.clock.now().toISOString();
    const saved = await mutate(services, referral.id, (r, d) => {
      const entry = { scores, date, at, by: turn.staff, byName: turn.user.name ?? '' };
      if (holder) d.triage = entry;
      else d.preTriage = entry;
      d.history.push({ at, by: turn.staff, byName: turn.user.name ?? '', action: holder ? 'triaged' : 'preTriaged' });
      return withData(r, d);
    });
    await audit(services, actorOf(turn), referral.citizenId, 'update', t('da', holder ? 'audit.visitation.triage' : 'audit.visitation.preTriage', { caseNumber: referral.caseNumber }));
    if (holder) return { card: decisionForm(turn, services, saved!) };
    // Centre staff: an indicative pre-triage for the visitator, shown with what it would meet.
    const assessment = assess(services.rules.visitation, scores, date);
    return {
      card: renderCard('form', {
        stepLabel: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
        title: t(L, 'visitation.triage.preSaved'),
        intro: [t(L, 'visitation.triage.preSavedText')],
        fields: assessmentFields(L, assessment),
        actions: [button(t(L, 'common.showHelp'), 'help.show', {})],
      }),
    };
  }),

  'referral.decide': withReferral(async (turn, services, { referral, citizen }, data) => {
    const refused = personalOnly(turn) ?? visitatorOnly(turn);
    if (refused) return refused;
    const L = turn.lang;
    const d = dataOf(referral);
    if (!(referral.status === 'taken' && sameStaff(referral.holder, turn.staff)) || !d.triage) return refusedAnswer(turn, services, referral, t('da', 'visitation.notHolder'));
    const fields = readFields(L, data, { offer: 20, purpose: 1000, startDate: 10, trainingByCarer: 3, services: 500 });
    const values = { ...fields.values, trainingByCarer: fields.values.trainingByCarer || 'no' };
    const errors: Record<string, string> = { ...fields.errors };
    const decisionDate = today(services);
    if (validateScores(inForce(services.rules.visitation, decisionDate), d.triage.scores).length) {
      // The rule sets changed since the scoring (another vocabulary): score again by the ones in force.
      return { card: triageForm(turn, services, referral, {}, {}, t(L, 'visitation.decide.rulesChanged')) };
    }
    const assessment = assess(services.rules.visitation, d.triage.scores, decisionDate);
    const centreMet = assessment.some((a) => a.set.offer === 'centre' && a.evaluation.met);
    const homeMet = assessment.some((a) => a.set.offer === 'home' && a.evaluation.met);
    const offer = values.offer as DecisionOffer;
    const allowed = offer === 'refused' || (offer === 'centre' && centreMet) || (offer === 'home' && homeMet) || (offer === 'single' && singleServicesAllowed(assessment));
    if (!(DECISIONS as readonly string[]).includes(offer) || !allowed) errors.offer ??= t(L, 'visitation.decide.pickOffer');
    if (!values.purpose.trim()) errors.purpose ??= t(L, offer === 'refused' ? 'screening.error.reason' : 'visitation.decide.purposeRequired');
    if (values.startDate && !isDate(values.startDate)) errors.startDate ??= t(L, 'visitation.decide.badDate');
    const singles = values.services.split(',').map((s) => s.trim()).filter(Boolean);
    if (offer === 'single' && (!singles.length || singles.some((s) => !(SINGLE_SERVICES as readonly string[]).includes(s)))) errors.services ??= t(L, 'visitation.decide.pickServices');
    if (Number(data.v) !== referral.version) errors.offer = t(L, 'visitation.changedMeanwhile');
    if (Object.keys(errors).length) return { card: decisionForm(turn, services, referral, values, errors) };
    const now = services.clock.now().toISOString();
    const start = values.startDate || today(services);
    const decision: NonNullable<ReferralData['decision']> = {
      offer,
      purpose: values.purpose.trim().slice(0, 1000),
      startDate: values.startDate || undefined,
      endDate: offer === 'home' ? homeOfferEnd(start) : undefined,
      trainingByCarer: offer === 'home' ? values.trainingByCarer === 'yes' : undefined,
      singleServices: offer === 'single' ? (singles as (typeof SINGLE_SERVICES)[number][]) : undefined,
      ruleSets: assessment.map((a) => a.set),
      met: assessment.map((a) => ({ id: a.set.id, met: a.evaluation.met })),
      scores: d.triage.scores,
      decidedBy: turn.staff,
      decidedByName: turn.user.name ?? '',
      decidedAt: now,
    };
    const saved = await mutate(services, referral.id, (r, rd) => {
      if (r.version !== referral.version) return undefined;
      rd.decision = decision;
      rd.history.push({ at: now, by: turn.staff, byName: turn.user.name ?? '', action: 'decided' });
      if (offer !== 'refused') rd.followUp = { kind: offer === 'home' ? 'homeEnd' : 'yearly', dueAt: offer === 'home' ? `${decision.endDate}T08:00:00.000Z` : addYear(now) };
      return withData({ ...r, status: offer === 'refused' ? 'refused' : 'decided' }, rd);
    });
    if (!saved || saved.version === referral.version) return { card: decisionForm(turn, services, (await services.store.referrals.get(referral.id)) ?? referral, values, { offer: t(L, 'visitation.changedMeanwhile') }) };
    await audit(services, actorOf(turn), saved.citizenId, 'update', t('da', 'audit.visitation.decided', { caseNumber: saved.caseNumber }));
    await refreshChannelCard(services, saved);
    await sendAdvis(services, saved, citizen, decision);
    await tell(services, saved.source.by, 'visitation.told.decided', { caseNumber: saved.caseNumber }, `told-decided:${saved.id}`);
    const letter = decisionLetter(services, saved, citizen, decision, assessment);
    return {
      card: await detailsCard(turn, services, saved, t(L, 'visitation.decide.done')),
      also: [{ kind: 'text', text: letter, summary: t(L, 'visitation.letterPreview') }],
    };
  }),

  'referral.followUp': withReferral(async (turn, services, { referral }, data) => {
    const refused = personalOnly(turn) ?? visitatorOnly(turn);
    if (refused) return refused;
    const result = str(data.result);
    if (!(FOLLOW_UP_RESULTS as readonly string[]).includes(result) || !dataOf(referral).followUp) return refusedAnswer(turn, services, referral, t('da', 'visitation.followUp.pick'));
    const saved = await mutate(services, referral.id, (r, d) => {
      const at = services.clock.now().toISOString();
      d.followUp = { ...d.followUp!, result: result as FollowUpResult, resultAt: at };
      d.history.push({ at, by: turn.staff, byName: turn.user.name ?? '', action: `followUp:${result}` });
      return withData({ ...r, status: result === 'E3' ? 'closed' : r.status }, d);
    });
    await audit(services, actorOf(turn), referral.citizenId, 'update', t('da', 'audit.visitation.followUp', { caseNumber: referral.caseNumber, result }));
    return { card: await detailsCard(turn, services, saved!, t(turn.lang, 'visitation.followUp.saved', { result: t(turn.lang, `visitation.followUp.${result}`) })) };
  }),

  'referral.createDirect': async (turn, services, data) => {
    const L = turn.lang;
    if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(L, 'visitation.direct.title')).card };
    if (!can(turn.roles, 'refer')) return { card: notAllowedReply(turn, t(L, 'visitation.direct.title'), 'refer').card };
    const fields = readFields(L, data, { cpr: 20, name: 100, askedBy: 20, reason: 1000, unit: 100 });
    const { values } = fields;
    const errors: Record<string, string> = { ...fields.errors };
    const cpr = readCpr(values.cpr, L, services);
    if (!cpr.ok) errors.cpr ??= cpr.error;
    if (!values.name.trim() || values.name.length > 100) errors.name ??= t(L, 'screening.error.nameLength');
    if (!(DIRECT_ASKED_BY as readonly string[]).includes(values.askedBy)) errors.askedBy ??= t(L, 'screening.error.choose');
    if (!values.reason.trim()) errors.reason ??= t(L, 'visitation.direct.reasonRequired');
    if (Object.keys(errors).length || !cpr.ok) return { card: directForm(turn, values, errors) };
    let citizen = await services.store.citizens.findByCpr(cpr.cpr.digits);
    const now = services.clock.now().toISOString();
    if (citizen) await audit(services, actorOf(turn), citizen.id, 'read', t('da', 'audit.visitation.lookup'));
    else {
      citizen = { id: randomUUID(), cpr: cpr.cpr.digits, name: values.name.trim(), createdAt: now, updatedAt: now };
      await services.store.citizens.save(citizen);
      await audit(services, actorOf(turn), citizen.id, 'create', t('da', 'audit.visitation.citizen'));
    }
    const referral = await createReferral(services, actorOf(turn), {
      citizenId: citizen.id,
      source: { kind: 'direct', unit: values.unit.trim() || undefined, by: turn.staff },
      data: { direct: { askedBy: values.askedBy as (typeof DIRECT_ASKED_BY)[number], reason: values.reason.trim(), unit: values.unit.trim() } },
    });
    return { card: await sentCard(turn, services, referral) };
  },
};

/** After referring: the case number, and plainly whether the visitators' channel got it. */
export async function sentCard(turn: Turn, services: Services, referral: Referral): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const channel = await visitationChannel(services);
  const lines = [t(L, 'visitation.sent', { caseNumber: referral.caseNumber })];
  lines.push(t(L, channel ? 'visitation.sent.channel' : 'visitation.sent.noChannel'));
  return renderCard('form', { stepLabel: '', title: t(L, 'visitation.sent.title'), intro: lines, fields: [], actions: [button(t(L, 'common.showHelp'), 'help.show', {})] });
}

export function channelPendingText(lang: Lang, channelSet: boolean): string {
  return t(lang, channelSet ? 'visitation.sent.channel' : 'visitation.sent.noChannel');
}

function refuseForm(turn: Turn, referral: Referral, value = '', error = ''): AdaptiveCardJson {
  const L = turn.scope === 'personal' ? turn.lang : 'da';
  return renderCard('form', {
    stepLabel: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    title: t(L, 'visitation.refuse.title'),
    intro: [t(L, 'visitation.refuse.intro')],
    fields: [textInput('reason', t(L, 'visitation.refuse.reason'), value, error, { maxLength: 1000, multiline: true })],
    actions: [button(t(L, 'visitation.button.refuse'), 'referral.refuse', { rid: referral.id }, 'destructive'), button(t(L, 'visitation.refuse.keep'), turn.scope === 'personal' ? 'referral.open' : 'referral.refresh', { rid: referral.id })],
  });
}

async function handoverForm(turn: Turn, services: Services, referral: Referral, error = ''): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const people = [];
  for (const m of await services.directory.list(turn.staff.tenantId)) {
    if (!sameStaff(m, turn.staff) && can(await services.directory.rolesOf(m), 'queue')) people.push({ title: m.name || m.aadObjectId, value: m.aadObjectId });
  }
  return renderCard('form', {
    stepLabel: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    title: t(L, 'visitation.handover.title'),
    intro: [t(L, people.length ? 'visitation.handover.intro' : 'visitation.handover.nobody')],
    fields: people.length ? [choice('to', t(L, 'visitation.handover.to'), people, '', error, { style: 'compact', placeholder: t(L, 'screening.select') })] : [],
    actions: [...(people.length ? [button(t(L, 'visitation.handover.submit'), 'referral.handover', { rid: referral.id }, 'positive')] : []), button(t(L, 'common.back'), 'referral.open', { rid: referral.id })],
  });
}

/** The advis (order) to the centre: in a personal chat, the offer and purpose, no scores. */
async function sendAdvis(services: Services, referral: Referral, citizen: Citizen | undefined, d: NonNullable<ReferralData['decision']>): Promise<void> {
  if (!services.outbox || d.offer === 'refused') return;
  const recipients: StaffKey[] = [];
  if (referral.source.kind === 'screening') recipients.push(referral.source.by);
  else {
    // A direct referral names no centre: every activity-centre colleague gets the advis.
    for (const m of await services.directory.list(referral.source.by.tenantId)) {
      if (can(await services.directory.rolesOf(m), 'screening')) recipients.push(m);
    }
  }
  for (const to of recipients.slice(0, 20)) {
    const lines = [
      t('da', 'advis.title', { caseNumber: referral.caseNumber }),
      t('da', 'advis.citizen', { name: citizen?.name ?? '', cpr: citizen ? maskCpr(citizen.cpr) : '' }),
      t('da', 'advis.offer', { offer: t('da', `visitation.decision.${d.offer}`) }) + (d.endDate ? ` ${t('da', 'visitation.decision.until', { date: formatDate('da', `${d.endDate}T12:00:00Z`) })}` : ''),
      t('da', 'advis.purpose', { purpose: d.purpose }),
      t('da', 'advis.start', { date: d.startDate ? formatDate('da', `${d.startDate}T12:00:00Z`) : t('da', 'advis.startUnknown') }),
      t('da', 'advis.visitator', { name: d.decidedByName }),
      t('da', 'advis.next'),
    ];
    await services.outbox.enqueue({
      idempotencyKey: `advis:${referral.id}:${to.aadObjectId}`,
      target: { kind: 'user', user: { tenantId: to.tenantId, aadObjectId: to.aadObjectId } },
      payload: { text: lines.join('\n'), summary: t('da', 'advis.preview', { caseNumber: referral.caseNumber }) },
      topic: { kind: 'referral.advis', id: referral.id },
    });
  }
}

/** Follow-ups that have come due: remind the centre and the visitator once each (called periodically). */
export async function remindFollowUps(services: Services): Promise<number> {
  if (!services.outbox) return 0;
  let sent = 0;
  for (const r of await services.store.referrals.followUpsDue(services.clock.now())) {
    const d = dataOf(r);
    if (!d.followUp || d.followUp.remindedAt || d.followUp.result) continue;
    const kind = d.followUp.kind;
    const rid = r.id;
    const visitator = r.holder ?? d.decision?.decidedBy;
    if (visitator) {
      const card = renderCard('form', {
        stepLabel: t('da', 'visitation.card.title', { caseNumber: r.caseNumber }),
        title: t('da', `visitation.followUp.${kind}`),
        intro: [t('da', 'visitation.followUp.intro')],
        fields: [],
        actions: FOLLOW_UP_RESULTS.map((result) => button(t('da', `visitation.followUp.${result}`), 'referral.followUp', { rid, result })),
      });
      await services.outbox.enqueue({ idempotencyKey: `followup:${rid}:${d.followUp.dueAt}:visitator`, target: { kind: 'user', user: visitator }, payload: { card, summary: t('da', 'visitation.followUp.preview') } });
    }
    await services.outbox.enqueue({
      idempotencyKey: `followup:${rid}:${d.followUp.dueAt}:centre`,
      target: { kind: 'user', user: r.source.by },
      payload: { text: t('da', `visitation.followUp.centre.${kind}`, { caseNumber: r.caseNumber }), summary: t('da', 'visitation.followUp.preview') },
    });
    await mutate(services, rid, (x, xd) => withData(x, { ...xd, followUp: { ...xd.followUp!, remindedAt: services.clock.now().toISOString() } }));
    sent++;
  }
  return sent;
}

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

function addYear(iso: string): string {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString();
}

