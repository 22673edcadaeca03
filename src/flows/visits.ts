// Visit coordination: staff attach themselves to citizens through a service, plan home visits, and
// are stopped before a double visit (a colleague attached to the same citizen visits within the
// window) with three choices: coordinate, join, or plan anyway with a reason. Citizens can be shared.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { renderCard, type AdaptiveCardJson, type FormField } from '../../cards/index.js';
import { maskCpr } from '../domain/cpr.js';
import { readCpr } from './cpr.js';
import { readFields } from './inputs.js';
import { calendarDay, findOverlaps, type Overlap } from '../domain/overlap.js';
import { can, type Role } from '../domain/roles.js';
import { statsCsv, visitStats } from '../domain/visitStats.js';
import { copenhagenParts, formatDate, formatTime, fromCopenhagen } from '../i18n/format.js';
import { t, type Lang } from '../i18n/index.js';
import type { Attachment, Citizen, Coordination, StaffKey, StaffMember, Visit } from '../store/index.js';
import { sameStaff, staffKeyString } from '../store/index.js';
import { button, chart, choice, dateInput, facts, info, item, textInput, timeInput, type FormAction } from './form.js';
import { backToHelp, notAllowedReply, personalOnlyLine, personalOnlyReply } from './help.js';
import type { ExecuteResult, Reply, Services, Turn } from './types.js';

const PURPOSE = 'besøgskoordinering';
const ANSWERS = ['joint', 'iTakeIt', 'youTakeIt', 'bothNeeded'] as const;
type Answer = (typeof ANSWERS)[number];
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const Id = z.string().uuid();

interface VisitData {
  purpose: string;
  openForJoint: boolean;
  relativesByVideo: boolean;
  /** Colleagues this visit is made on behalf of (one of two visits was handed over). */
  onBehalfOf?: StaffKey[];
  overlapNote?: { kind: 'keptWithReason' | 'coordinating'; reason?: string; coordinationId?: string };
}
const vdata = (v: Visit) => v.data as unknown as VisitData;

// ---------------------------------------------------------------------------------------------
// Who may do what: services by role (rules/visits.json), and citizens by attachment.

function myServices(turn: Turn, services: Services): { id: string; name: string }[] {
  return services.rules.visits.services
    .filter((s) => s.roles.some((r) => turn.roles.includes(r as Role)))
    .map((s) => ({ id: s.id, name: turn.lang === 'da' ? s.name : s.nameEn }));
}

function serviceName(services: Services, id: string, lang: Lang): string {
  const s = services.rules.visits.services.find((x) => x.id === id);
  return s ? (lang === 'da' ? s.name : s.nameEn) : id;
}

function refusal(turn: Turn, services: Services): ExecuteResult | undefined {
  const name = t(turn.lang, 'flow.visits.title');
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, name).card };
  if (!can(turn.roles, 'visits') || !myServices(turn, services).length) return { card: notAllowedReply(turn, name, 'visits').card };
  return undefined;
}

async function myAttachment(services: Services, staff: StaffKey, citizenId: string): Promise<Attachment | undefined> {
  return (await services.store.attachments.listByCitizen(citizenId)).find((a) => a.status === 'active' && sameStaff(a.staff, staff));
}

async function audit(turn: Turn, services: Services, citizenId: string, action: 'read' | 'create' | 'update', what: string): Promise<void> {
  await services.store.audit.append({ actor: { ...turn.staff, name: turn.user.name }, citizenId, action, purpose: PURPOSE, what });
}

async function staffName(services: Services, key: StaffKey): Promise<string> {
  return (await services.store.staff.get(key))?.name || key.aadObjectId;
}

const citizenLine = (c: Citizen) => `${c.name}, ${maskCpr(c.cpr)}`;
const when = (L: Lang, at: string) => `${formatDate(L, at)} ${L === 'da' ? 'kl.' : 'at'} ${formatTime(at)}`;

/** A visit's joint staff with one more, never twice (a planner may join the same visit by two ways). */
const withStaff = (list: StaffKey[] | undefined, who: StaffKey): StaffKey[] => (list?.some((s) => sameStaff(s, who)) ? list : [...(list ?? []), who]);

async function overlapsFor(services: Services, visit: { id?: string; citizenId: string; staff: StaffKey; at: string }): Promise<Overlap[]> {
  // A stored Visit is a VisitLike; findOverlaps never counts drafts or cancelled visits.
  return findOverlaps(visit, await services.store.visits.listByCitizen(visit.citizenId), services.rules.visits.windowDays, services.rules.visits.timeZone);
}

function form(data: { title: string; intro: string[]; fields: FormField[]; actions: FormAction[]; stepLabel?: string }): AdaptiveCardJson {
  return renderCard('form', { stepLabel: data.stepLabel ?? '', ...data });
}

/** Colleagues may not have the app yet: their cards wait (and retry) until they can be reached. */
async function tell(services: Services, to: StaffKey, payload: { text?: string; card?: AdaptiveCardJson; summary: string }, key: string, reportTo?: StaffKey): Promise<void> {
  await services.outbox?.enqueue({ idempotencyKey: key, target: { kind: 'user', user: to }, payload, reportTo, topic: { kind: 'visits.card', id: key }, retryOn403: true });
}

const langOf = (services: Services, key: StaffKey): Promise<Lang> => services.directory.languageOf(key);

// ---------------------------------------------------------------------------------------------
// My citizens, attaching and detaching

async function myCitizensCard(turn: Turn, services: Services, note = ''): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const fields: FormField[] = [];
  if (note) fields.push(info(note, 'Good'));
  const mine = (await services.store.attachments.listByStaff(turn.staff)).filter((a) => a.status === 'active');
  if (!mine.length) fields.push(info(t(L, 'visits.mine.none')));
  const nowIso = services.clock.now().toISOString();
  for (const a of mine) {
    const citizen = await services.store.citizens.get(a.citizenId);
    if (!citizen) continue;
    const others = (await services.store.attachments.listByCitizen(a.citizenId)).filter((x) => x.status === 'active' && !sameStaff(x.staff, turn.staff));
    const colleagues = await Promise.all(others.map(async (o) => `${await staffName(services, o.staff)} (${serviceName(services, o.service, L)})`));
    const next = (await services.store.visits.listByCitizen(a.citizenId)).find((v) => v.status === 'planned' && v.at >= nowIso);
    const parts = [serviceName(services, a.service, L)];
    parts.push(colleagues.length ? t(L, 'visits.mine.alsoAttached', { names: colleagues.join(', ') }) : t(L, 'visits.mine.alone'));
    parts.push(next ? t(L, 'visits.mine.next', { when: when(L, next.at) }) : t(L, 'visits.mine.noNext'));
    fields.push(item(citizenLine(citizen), parts.join(' · '), { title: t(L, 'visits.button.open'), verb: 'visits.citizen', data: { citizenId: citizen.id } }));
  }
  await Promise.all(mine.map((a) => audit(turn, services, a.citizenId, 'read', t('da', 'audit.visits.list'))));
  return form({
    title: t(L, 'visits.mine.title'),
    intro: [t(L, 'visits.mine.intro')],
    fields,
    actions: [button(t(L, 'visits.button.attach'), 'visits.attachStart', {}, 'positive'), button(t(L, 'visits.button.myVisits'), 'visits.week', {}), button(t(L, 'common.showHelp'), 'help.show', {})],
  });
}

function attachForm(turn: Turn, services: Services, values: Record<string, string> = {}, errors: Record<string, string> = {}): AdaptiveCardJson {
  const L = turn.lang;
  const mine = myServices(turn, services);
  return form({
    title: t(L, 'visits.attach.title'),
    intro: [t(L, 'visits.attach.intro')],
    fields: [
      textInput('cpr', t(L, 'screening.field.cpr'), values.cpr ?? '', errors.cpr ?? '', { placeholder: t(L, 'screening.field.cprPlaceholder'), maxLength: 11 }),
      textInput('name', t(L, 'screening.field.name'), values.name ?? '', errors.name ?? '', { maxLength: 100 }),
      choice('service', t(L, 'visits.field.service'), mine.map((s) => ({ title: s.name, value: s.id })), values.service ?? (mine.length === 1 ? mine[0]!.id : ''), errors.service ?? ''),
      textInput('purpose', t(L, 'visits.field.attachPurpose'), values.purpose ?? '', errors.purpose ?? '', { maxLength: 300, multiline: true }),
    ],
    actions: [button(t(L, 'visits.button.attachSave'), 'visits.attach', {}, 'positive'), button(t(L, 'common.back'), 'visits.mine', {})],
  });
}

async function citizenCard(turn: Turn, services: Services, citizen: Citizen, note = ''): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  await audit(turn, services, citizen.id, 'read', t('da', 'audit.visits.citizen'));
  const attached = (await services.store.attachments.listByCitizen(citizen.id)).filter((a) => a.status === 'active');
  const fields: FormField[] = [];
  if (note) fields.push(info(note, 'Good'));
  fields.push(facts(await Promise.all(attached.map(async (a) => ({ title: await staffName(services, a.staff), value: `${serviceName(services, a.service, L)}: ${a.purpose}` })))));
  const upcoming = (await services.store.visits.listByCitizen(citizen.id)).filter((v) => v.status === 'planned' && v.at >= services.clock.now().toISOString());
  if (upcoming.length) fields.push(info(t(L, 'visits.citizen.upcoming'), 'Default', true));
  for (const v of upcoming) fields.push(info(`${when(L, v.at)} · ${await staffName(services, v.staff)} · ${serviceName(services, v.service, L)} · ${vdata(v).purpose}`));
  return form({
    title: citizenLine(citizen),
    intro: [],
    fields,
    actions: [
      button(t(L, 'visits.button.plan'), 'visits.planStart', { citizenId: citizen.id }, 'positive'),
      button(t(L, 'visits.button.share'), 'visits.shareStart', { citizenId: citizen.id }),
      button(t(L, 'visits.button.detach'), 'visits.detachStart', { citizenId: citizen.id }),
      button(t(L, 'common.back'), 'visits.mine', {}),
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Planning, and the three choices when a colleague visits the same citizen soon

async function planForm(turn: Turn, services: Services, values: Record<string, string> = {}, errors: Record<string, string> = {}): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const mine = (await services.store.attachments.listByStaff(turn.staff)).filter((a) => a.status === 'active');
  const citizens = [];
  for (const a of mine) {
    const c = await services.store.citizens.get(a.citizenId);
    if (c) citizens.push({ title: citizenLine(c), value: c.id });
  }
  const yesNo = [
    { title: t(L, 'screening.choice.yes'), value: 'yes' },
    { title: t(L, 'screening.choice.no'), value: 'no' },
  ];
  return form({
    title: t(L, 'visits.plan.title'),
    intro: [t(L, citizens.length ? 'visits.plan.intro' : 'visits.plan.noCitizens')],
    fields: citizens.length
      ? [
          choice('citizenId', t(L, 'visits.field.citizen'), citizens, values.citizenId ?? (citizens.length === 1 ? citizens[0]!.value : ''), errors.citizenId ?? '', { style: 'compact', placeholder: t(L, 'screening.select') }),
          dateInput('date', t(L, 'visits.field.date'), values.date ?? '', errors.date ?? ''),
          timeInput('time', t(L, 'visits.field.time'), values.time ?? '', errors.time ?? ''),
          textInput('purpose', t(L, 'visits.field.purpose'), values.purpose ?? '', errors.purpose ?? '', { maxLength: 300, multiline: true }),
          choice('openForJoint', t(L, 'visits.field.openForJoint'), yesNo, values.openForJoint ?? 'yes', errors.openForJoint ?? ''),
          choice('relativesByVideo', t(L, 'visits.field.relativesByVideo'), yesNo, values.relativesByVideo ?? 'no', errors.relativesByVideo ?? ''),
        ]
      : [],
    actions: [...(citizens.length ? [button(t(L, 'visits.button.planSave'), 'visits.plan', {}, 'positive')] : [button(t(L, 'visits.button.attach'), 'visits.attachStart', {}, 'positive')]), button(t(L, 'common.back'), 'visits.mine', {})],
  });
}

async function overlapCard(turn: Turn, services: Services, visit: Visit, overlaps: Overlap[], values: Record<string, string> = {}, errors: Record<string, string> = {}): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const citizen = await services.store.citizens.get(visit.citizenId);
  // Coordinating and merging are for a colleague's visit the planner is not on; a visit they already
  // go on is named as such, so they can plan anyway with a reason or drop the new one.
  const colleague = overlaps.find((o) => o.relation === 'colleague')?.visit;
  const fields: FormField[] = [info(t(L, 'visits.overlap.lead', { citizen: citizen ? citizenLine(citizen) : '', when: when(L, visit.at) }), 'Warning', true)];
  for (const o of overlaps) {
    const other = await services.store.visits.get(o.visit.id);
    const joint = o.relation === 'joined' ? t(L, 'visits.overlap.youJoin') : other && vdata(other).openForJoint ? t(L, 'visits.overlap.openForJoint') : '';
    fields.push(info(t(L, 'visits.overlap.line', { name: await staffName(services, o.visit.staff), service: serviceName(services, o.visit.service, L), when: when(L, o.visit.at), purpose: other ? vdata(other).purpose : '', joint })));
  }
  fields.push(info(t(L, colleague ? 'visits.overlap.choices' : 'visits.overlap.choicesSelf')));
  fields.push(textInput('reason', t(L, 'visits.field.keepReason'), values.reason ?? '', errors.reason ?? '', { maxLength: 300, multiline: true }));
  const actions: FormAction[] = [];
  if (colleague) {
    actions.push(button(t(L, 'visits.button.coordinate'), 'visits.coordinate', { vid: visit.id, with: colleague.id }, 'positive'));
    const colleagueVisit = await services.store.visits.get(colleague.id);
    if (colleagueVisit && vdata(colleagueVisit).openForJoint) actions.push(button(t(L, 'visits.button.merge'), 'visits.merge', { vid: visit.id, with: colleague.id }));
  }
  actions.push(button(t(L, 'visits.button.keep'), 'visits.keep', { vid: visit.id }, colleague ? 'default' : 'positive'), button(t(L, 'screening.button.cancel'), 'visits.discard', { vid: visit.id }, 'destructive'));
  return form({ title: t(L, colleague ? 'visits.overlap.title' : 'visits.overlap.titleSelf'), intro: [], fields, actions });
}

function plannedCard(turn: Turn, citizen: Citizen | undefined, visit: Visit, note: string): AdaptiveCardJson {
  const L = turn.lang;
  return form({
    title: t(L, 'visits.planned.title'),
    intro: [t(L, 'visits.planned.text', { citizen: citizen ? citizenLine(citizen) : '', when: when(L, visit.at) }), ...(note ? [note] : [])],
    fields: [],
    actions: [button(t(L, 'visits.button.myVisits'), 'visits.week', {}), button(t(L, 'visits.button.mine'), 'visits.mine', {})],
  });
}

async function loadOwnVisit(turn: Turn, services: Services, data: Record<string, unknown>, statuses: Visit['status'][]): Promise<Visit | ExecuteResult> {
  const refused = refusal(turn, services);
  if (refused) return refused;
  const vid = Id.safeParse(data.vid);
  const visit = vid.success ? await services.store.visits.get(vid.data) : undefined;
  if (!visit || !sameStaff(visit.staff, turn.staff) || !statuses.includes(visit.status)) return { card: staleVisit(turn) };
  return visit;
}
const isVisit = (x: Visit | ExecuteResult): x is Visit => 'citizenId' in x;

/** A card about a citizen the person is not attached to: nothing about the citizen, nothing read. */
function notAttachedCard(turn: Turn): AdaptiveCardJson {
  const L = turn.lang;
  return form({ title: t(L, 'visits.notAttached.title'), intro: [t(L, 'visits.notAttached')], fields: [], actions: [button(t(L, 'visits.button.mine'), 'visits.mine', {}), button(t(L, 'common.showHelp'), 'help.show', {})] });
}

function staleVisit(turn: Turn): AdaptiveCardJson {
  return form({ title: t(turn.lang, 'stale.title'), intro: [t(turn.lang, 'visits.stale')], fields: [], actions: [button(t(turn.lang, 'visits.button.myVisits'), 'visits.week', {})] });
}

async function event(services: Services, service: string, kind: 'planned' | 'overlapFound' | 'avoidedJoint' | 'avoidedHandedOver' | 'keptWithReason'): Promise<void> {
  await services.store.visitEvents.append({ at: services.clock.now().toISOString(), service, kind });
}

// ---------------------------------------------------------------------------------------------
// The colleague's card

async function coordinationCard(lang: Lang, services: Services, c: Coordination, done = ''): Promise<AdaptiveCardJson> {
  const planned = await services.store.visits.get(c.plannerVisitId);
  const theirs = await services.store.visits.get(c.colleagueVisitId);
  const citizen = await services.store.citizens.get(c.citizenId);
  const fields: FormField[] = [];
  if (done) fields.push(info(done, 'Good'));
  fields.push(
    facts([
      { title: t(lang, 'visits.coord.citizen'), value: citizen ? citizenLine(citizen) : '' },
      { title: t(lang, 'visits.coord.planner'), value: `${await staffName(services, c.planner)}: ${planned ? `${when(lang, planned.at)} – ${vdata(planned).purpose}` : ''}` },
      { title: t(lang, 'visits.coord.yours'), value: theirs ? `${when(lang, theirs.at)} – ${vdata(theirs).purpose}` : '' },
    ]),
  );
  const actions: FormAction[] = [];
  if (c.status === 'pending') {
    fields.push(textInput('reason', t(lang, 'visits.field.bothReason'), '', '', { maxLength: 300 }));
    for (const a of ANSWERS) actions.push(button(t(lang, `visits.answer.${a}`), 'visits.answer', { cid: c.id, answer: a }, a === 'joint' ? 'positive' : 'default'));
  }
  return form({ title: t(lang, 'visits.coord.title'), intro: [t(lang, c.status === 'pending' ? 'visits.coord.intro' : 'visits.coord.answered')], fields, actions });
}

// ---------------------------------------------------------------------------------------------
// Commands and verbs

export async function visitsCommand(turn: Turn, services: Services, which: 'mine' | 'week' | 'plan' | 'share' | 'stats'): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'visits')];
  const handler = { mine: 'visits.mine', week: 'visits.week', plan: 'visits.planStart', share: 'visits.shareStart', stats: 'visits.stats' }[which];
  const result = await visitsVerbs[handler]!(turn, services, {});
  return [{ kind: 'card', card: result.card, summary: t(turn.lang, 'flow.visits.title') }, ...(result.also ?? [])];
}

type Handler = (turn: Turn, services: Services, data: Record<string, unknown>) => Promise<ExecuteResult>;

export const visitsVerbs: Record<string, Handler> = {
  'visits.mine': async (turn, services) => refusal(turn, services) ?? { card: await myCitizensCard(turn, services) },

  'visits.attachStart': async (turn, services) => refusal(turn, services) ?? { card: attachForm(turn, services) },

  'visits.attach': async (turn, services, data) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    const L = turn.lang;
    const fields = readFields(L, data, { cpr: 20, name: 100, service: 50, purpose: 300 });
    const { values } = fields;
    const errors: Record<string, string> = { ...fields.errors };
    const cpr = readCpr(values.cpr, L, services);
    if (!cpr.ok) errors.cpr ??= cpr.error;
    if (!values.name.trim() || values.name.length > 100) errors.name ??= t(L, 'screening.error.nameLength');
    if (!myServices(turn, services).some((s) => s.id === values.service)) errors.service ??= t(L, 'visits.error.service');
    if (!values.purpose.trim()) errors.purpose ??= t(L, 'visits.error.purpose');
    if (Object.keys(errors).length || !cpr.ok) return { card: attachForm(turn, services, values, errors) };
    const now = services.clock.now().toISOString();
    let citizen = await services.store.citizens.findByCpr(cpr.cpr.digits);
    if (citizen) await audit(turn, services, citizen.id, 'read', t('da', 'audit.visits.lookup'));
    else {
      citizen = { id: randomUUID(), cpr: cpr.cpr.digits, name: values.name.trim(), createdAt: now, updatedAt: now };
      await services.store.citizens.save(citizen);
      await audit(turn, services, citizen.id, 'create', t('da', 'audit.visits.citizenCreated'));
    }
    if (await myAttachment(services, turn.staff, citizen.id)) return { card: await citizenCard(turn, services, citizen, t(L, 'visits.attach.already')) };
    const attachment: Attachment = { id: randomUUID(), citizenId: citizen.id, staff: turn.staff, service: values.service, purpose: values.purpose.trim(), since: now, status: 'active' };
    await services.store.attachments.save(attachment);
    await audit(turn, services, citizen.id, 'create', t('da', 'audit.visits.attached', { service: serviceName(services, values.service, 'da') }));
    // Colleagues already attached learn who joined, through which service and why.
    for (const other of (await services.store.attachments.listByCitizen(citizen.id)).filter((a) => a.status === 'active' && !sameStaff(a.staff, turn.staff))) {
      const lang = await langOf(services, other.staff);
      await tell(services, other.staff, { text: t(lang, 'visits.told.attached', { name: turn.user.name ?? '', service: serviceName(services, values.service, lang), citizen: citizenLine(citizen), purpose: attachment.purpose }), summary: t(lang, 'visits.preview.colleague') }, `attached:${attachment.id}:${other.staff.aadObjectId}`);
    }
    return { card: await citizenCard(turn, services, citizen, t(L, 'visits.attach.done')) };
  },

  'visits.citizen': async (turn, services, data) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    const id = Id.safeParse(data.citizenId);
    const citizen = id.success ? await services.store.citizens.get(id.data) : undefined;
    // Only staff attached to a citizen see the citizen's visits.
    if (!citizen || !(await myAttachment(services, turn.staff, citizen.id))) return { card: notAttachedCard(turn) };
    return { card: await citizenCard(turn, services, citizen) };
  },

  'visits.detachStart': async (turn, services, data) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    const L = turn.lang;
    return {
      card: form({
        title: t(L, 'visits.detach.title'),
        intro: [t(L, 'visits.detach.intro')],
        fields: [textInput('reason', t(L, 'visits.field.detachReason'), '', '', { maxLength: 300, multiline: true })],
        actions: [button(t(L, 'visits.button.detach'), 'visits.detach', { citizenId: str(data.citizenId) }, 'destructive'), button(t(L, 'common.back'), 'visits.citizen', { citizenId: str(data.citizenId) })],
      }),
    };
  },

  'visits.detach': async (turn, services, data) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    const L = turn.lang;
    const citizenId = str(data.citizenId);
    const mine = Id.safeParse(citizenId).success ? await myAttachment(services, turn.staff, citizenId) : undefined;
    if (!mine) return { card: notAttachedCard(turn) };
    const fields = readFields(L, data, { reason: 300 });
    const reason = fields.values.reason.trim();
    if (!reason || fields.errors.reason) {
      return {
        card: form({
          title: t(L, 'visits.detach.title'),
          intro: [t(L, 'visits.detach.intro')],
          fields: [textInput('reason', t(L, 'visits.field.detachReason'), fields.values.reason, fields.errors.reason ?? t(L, 'screening.error.reason'), { maxLength: 300, multiline: true })],
          actions: [button(t(L, 'visits.button.detach'), 'visits.detach', { citizenId }, 'destructive'), button(t(L, 'common.back'), 'visits.citizen', { citizenId })],
        }),
      };
    }
    await services.store.attachments.save({ ...mine, status: 'detached', detachedAt: services.clock.now().toISOString(), detachReason: reason.slice(0, 300) });
    await audit(turn, services, citizenId, 'update', t('da', 'audit.visits.detached'));
    return { card: await myCitizensCard(turn, services, t(L, 'visits.detach.done')) };
  },

  'visits.planStart': async (turn, services, data) => refusal(turn, services) ?? { card: await planForm(turn, services, data.citizenId ? { citizenId: str(data.citizenId) } : {}) },

  'visits.plan': async (turn, services, data) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    const L = turn.lang;
    const fields = readFields(L, data, { citizenId: 64, date: 10, time: 8, purpose: 300, openForJoint: 3, relativesByVideo: 3 });
    const values = { ...fields.values, openForJoint: fields.values.openForJoint || 'yes', relativesByVideo: fields.values.relativesByVideo || 'no' };
    const errors: Record<string, string> = { ...fields.errors };
    const attachment = Id.safeParse(values.citizenId).success ? await myAttachment(services, turn.staff, values.citizenId) : undefined;
    if (!attachment) errors.citizenId ??= t(L, 'visits.error.citizen');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.date) || Number.isNaN(Date.parse(`${values.date}T00:00:00Z`))) errors.date ??= t(L, 'visits.error.date');
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(values.time.slice(0, 5))) errors.time ??= t(L, 'visits.error.time');
    if (!values.purpose.trim()) errors.purpose ??= t(L, 'visits.error.purpose');
    if (!errors.date && values.date < calendarDay(services.clock.now().toISOString())) errors.date = t(L, 'visits.error.past');
    if (Object.keys(errors).length || !attachment) return { card: await planForm(turn, services, values, errors) };
    const now = services.clock.now().toISOString();
    const visit: Visit = {
      id: randomUUID(),
      citizenId: attachment.citizenId,
      staff: turn.staff,
      at: fromCopenhagen(values.date, values.time.slice(0, 5)),
      service: attachment.service,
      status: 'draft',
      createdAt: now,
      updatedAt: now,
      data: { purpose: values.purpose.trim().slice(0, 300), openForJoint: values.openForJoint === 'yes', relativesByVideo: values.relativesByVideo === 'yes' } satisfies VisitData as unknown as Record<string, unknown>,
    };
    const overlaps = await overlapsFor(services, visit);
    const citizen = await services.store.citizens.get(visit.citizenId);
    if (!overlaps.length) {
      await services.store.visits.save({ ...visit, status: 'planned' });
      await event(services, visit.service, 'planned');
      await audit(turn, services, visit.citizenId, 'create', t('da', 'audit.visits.planned'));
      return { card: plannedCard(turn, citizen, visit, '') };
    }
    // Held back as a draft until the planner chooses: nothing is planned behind their back.
    await services.store.visits.save(visit);
    await event(services, visit.service, 'overlapFound');
    await audit(turn, services, visit.citizenId, 'read', t('da', 'audit.visits.overlap'));
    return { card: await overlapCard(turn, services, visit, overlaps) };
  },

  'visits.keep': async (turn, services, data) => {
    const visit = await loadOwnVisit(turn, services, data, ['draft']);
    if (!isVisit(visit)) return visit;
    const fields = readFields(turn.lang, data, { reason: 300 });
    const reason = fields.values.reason.trim();
    const overlaps = await overlapsFor(services, visit);
    if (!overlaps.length) {
      // The colleague's visit was moved or cancelled meanwhile: nothing to give a reason for.
      const planned: Visit = { ...visit, status: 'planned', updatedAt: services.clock.now().toISOString() };
      await services.store.visits.save(planned);
      await event(services, visit.service, 'planned');
      await audit(turn, services, visit.citizenId, 'create', t('da', 'audit.visits.planned'));
      return { card: plannedCard(turn, await services.store.citizens.get(visit.citizenId), planned, t(turn.lang, 'visits.planned.overlapGone')) };
    }
    if (!reason || fields.errors.reason) return { card: await overlapCard(turn, services, visit, overlaps, fields.values, { reason: fields.errors.reason ?? t(turn.lang, 'screening.error.reason') }) };
    const saved: Visit = { ...visit, status: 'planned', updatedAt: services.clock.now().toISOString(), data: { ...visit.data, overlapNote: { kind: 'keptWithReason', reason: reason.slice(0, 300) } } };
    await services.store.visits.save(saved);
    await event(services, visit.service, 'planned');
    await event(services, visit.service, 'keptWithReason');
    await audit(turn, services, visit.citizenId, 'create', t('da', 'audit.visits.planned'));
    return { card: plannedCard(turn, await services.store.citizens.get(visit.citizenId), saved, t(turn.lang, 'visits.planned.kept')) };
  },

  'visits.discard': async (turn, services, data) => {
    const visit = await loadOwnVisit(turn, services, data, ['draft']);
    if (!isVisit(visit)) return visit;
    await services.store.visits.delete(visit.id);
    return { card: await myCitizensCard(turn, services, t(turn.lang, 'visits.discarded')) };
  },

  'visits.merge': async (turn, services, data) => {
    const visit = await loadOwnVisit(turn, services, data, ['draft']);
    if (!isVisit(visit)) return visit;
    const other = Id.safeParse(data.with).success ? await services.store.visits.get(str(data.with)) : undefined;
    const overlaps = await overlapsFor(services, visit);
    const overlap = other ? overlaps.find((o) => o.visit.id === other.id) : undefined;
    if (!other || !overlap) return { card: staleVisit(turn) };
    if (overlap.relation === 'joined') return { card: await overlapCard(turn, services, visit, overlaps, {}, { reason: t(turn.lang, 'visits.error.alreadyJoined') }) };
    if (!vdata(other).openForJoint) return { card: await overlapCard(turn, services, visit, overlaps, {}, { reason: t(turn.lang, 'visits.error.notOpen') }) };
    await services.store.visits.save({ ...other, jointWith: withStaff(other.jointWith, turn.staff), updatedAt: services.clock.now().toISOString() });
    await services.store.visits.delete(visit.id);
    await event(services, visit.service, 'avoidedJoint');
    await audit(turn, services, visit.citizenId, 'update', t('da', 'audit.visits.joined'));
    const lang = await langOf(services, other.staff);
    const citizen = await services.store.citizens.get(visit.citizenId);
    await tell(services, other.staff, { text: t(lang, 'visits.told.joined', { name: turn.user.name ?? '', citizen: citizen ? citizenLine(citizen) : '', when: when(lang, other.at) }), summary: t(lang, 'visits.preview.colleague') }, `joined:${other.id}:${turn.staff.aadObjectId}`);
    return { card: plannedCard(turn, citizen, other, t(turn.lang, 'visits.planned.joined', { name: await staffName(services, other.staff) })) };
  },

  'visits.coordinate': async (turn, services, data) => {
    const visit = await loadOwnVisit(turn, services, data, ['draft']);
    if (!isVisit(visit)) return visit;
    const other = Id.safeParse(data.with).success ? await services.store.visits.get(str(data.with)) : undefined;
    const overlaps = await overlapsFor(services, visit);
    if (!other || !overlaps.some((o) => o.visit.id === other.id && o.relation === 'colleague')) return { card: staleVisit(turn) };
    const now = services.clock.now().toISOString();
    const coordination: Coordination = {
      id: randomUUID(),
      citizenId: visit.citizenId,
      planner: turn.staff,
      plannerVisitId: visit.id,
      colleague: other.staff,
      colleagueVisitId: other.id,
      status: 'pending',
      plannerCard: turn.cardActivityId ? { conversationId: turn.conversationId, activityId: turn.cardActivityId } : undefined,
      createdAt: now,
    };
    await services.store.coordinations.save(coordination);
    // The planner may go ahead: the visit is planned, and changes if the colleague answers so.
    await services.store.visits.save({ ...visit, status: 'planned', updatedAt: now, data: { ...visit.data, overlapNote: { kind: 'coordinating', coordinationId: coordination.id } } });
    await event(services, visit.service, 'planned');
    await audit(turn, services, visit.citizenId, 'create', t('da', 'audit.visits.planned'));
    const lang = await langOf(services, other.staff);
    await tell(services, other.staff, { card: await coordinationCard(lang, services, coordination), summary: t(lang, 'visits.preview.coordinate') }, `coordinate:${coordination.id}`, turn.staff);
    const citizen = await services.store.citizens.get(visit.citizenId);
    return { card: plannedCard(turn, citizen, visit, t(turn.lang, 'visits.planned.pending', { name: await staffName(services, other.staff) })) };
  },

  'visits.answer': async (turn, services, data) => {
    if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(turn.lang, 'flow.visits.title')).card };
    const L = turn.lang;
    const cid = Id.safeParse(data.cid);
    const c = cid.success ? await services.store.coordinations.get(cid.data) : undefined;
    if (!c || !sameStaff(c.colleague, turn.staff)) return { card: staleVisit(turn) };
    if (c.status !== 'pending') return { card: await coordinationCard(L, services, c) };
    const answer = str(data.answer) as Answer;
    if (!(ANSWERS as readonly string[]).includes(answer)) return { card: await coordinationCard(L, services, c) };
    const fields = readFields(L, data, { reason: 300 });
    const reason = fields.values.reason.trim();
    if ((answer === 'bothNeeded' && !reason) || fields.errors.reason) {
      const card = await coordinationCard(L, services, c);
      return { card: { ...card, body: [...(card.body as unknown[]), { type: 'TextBlock', text: fields.errors.reason ?? t(L, 'visits.error.bothReason'), color: 'Attention', wrap: true }] } };
    }
    const planned = await services.store.visits.get(c.plannerVisitId);
    const theirs = await services.store.visits.get(c.colleagueVisitId);
    if (!planned || !theirs) return { card: staleVisit(turn) };
    const now = services.clock.now().toISOString();
    const cancel = (v: Visit): Visit => ({ ...v, status: 'cancelled', updatedAt: now });
    if (answer === 'joint') {
      await services.store.visits.save({ ...theirs, jointWith: withStaff(theirs.jointWith, c.planner), updatedAt: now });
      await services.store.visits.save(cancel(planned));
      await event(services, planned.service, 'avoidedJoint');
    } else if (answer === 'iTakeIt') {
      await services.store.visits.save({ ...theirs, updatedAt: now, data: { ...theirs.data, onBehalfOf: [...(vdata(theirs).onBehalfOf ?? []), c.planner] } });
      await services.store.visits.save(cancel(planned));
      await event(services, planned.service, 'avoidedHandedOver');
    } else if (answer === 'youTakeIt') {
      await services.store.visits.save({ ...planned, updatedAt: now, data: { ...planned.data, onBehalfOf: [...(vdata(planned).onBehalfOf ?? []), c.colleague] } });
      await services.store.visits.save(cancel(theirs));
      await event(services, planned.service, 'avoidedHandedOver');
    } else {
      await services.store.visits.save({ ...planned, updatedAt: now, data: { ...planned.data, overlapNote: { kind: 'keptWithReason', reason } } });
      await event(services, planned.service, 'keptWithReason');
    }
    const answered: Coordination = { ...c, status: 'answered', answer, reason: reason || undefined, answeredAt: now };
    await services.store.coordinations.save(answered);
    await audit(turn, services, c.citizenId, 'update', t('da', 'audit.visits.answered'));
    // The planner's card changes with the answer, and a message says it in words.
    const plannerLang = await langOf(services, c.planner);
    const words = t(plannerLang, `visits.told.answer.${answer}`, { name: turn.user.name ?? '', reason });
    if (c.plannerCard && services.outbox) {
      const card = form({ title: t(plannerLang, 'visits.planned.title'), intro: [words], fields: [], actions: [button(t(plannerLang, 'visits.button.myVisits'), 'visits.week', {})] });
      await services.outbox.enqueue({ idempotencyKey: `coordination-card:${c.id}`, target: { kind: 'conversation', conversationId: c.plannerCard.conversationId }, operation: 'update', replaces: c.plannerCard, payload: { card, summary: t(plannerLang, 'visits.preview.answer') } });
    }
    await tell(services, c.planner, { text: words, summary: t(plannerLang, 'visits.preview.answer') }, `coordination-answer:${c.id}`);
    return { card: await coordinationCard(L, services, answered, t(L, 'visits.coord.thanks')) };
  },

  'visits.week': async (turn, services) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    const L = turn.lang;
    const nowIso = services.clock.now().toISOString();
    const mine = (await services.store.visits.listByStaff(turn.staff)).filter((v) => v.status === 'planned' && v.at >= nowIso);
    const fields: FormField[] = [];
    if (!mine.length) fields.push(info(t(L, 'visits.week.none')));
    for (const v of mine) {
      const citizen = await services.store.citizens.get(v.citizenId);
      const overlaps = await overlapsFor(services, v);
      const joint = v.jointWith?.length ? t(L, 'visits.week.joint') : '';
      const mark = overlaps.length ? t(L, 'visits.week.overlap', { count: overlaps.length }) : '';
      fields.push(item(`${when(L, v.at)}${joint}`, [citizen ? citizenLine(citizen) : '', vdata(v).purpose, mark].filter(Boolean).join(' · '), { title: t(L, 'visits.button.change'), verb: 'visits.changeStart', data: { vid: v.id } }));
    }
    return { card: form({ title: t(L, 'visits.week.title'), intro: [t(L, 'visits.week.intro')], fields, actions: [button(t(L, 'visits.button.plan'), 'visits.planStart', {}, 'positive'), button(t(L, 'visits.button.mine'), 'visits.mine', {})] }) };
  },

  'visits.changeStart': async (turn, services, data) => {
    const visit = await loadOwnVisit(turn, services, data, ['planned']);
    if (!isVisit(visit)) return visit;
    return { card: changeForm(turn, visit) };
  },

  'visits.move': async (turn, services, data) => {
    const visit = await loadOwnVisit(turn, services, data, ['planned']);
    if (!isVisit(visit)) return visit;
    const L = turn.lang;
    const fields = readFields(L, data, { date: 10, time: 8 });
    const date = fields.values.date;
    const time = fields.values.time.slice(0, 5);
    const errors: Record<string, string> = { ...fields.errors };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) errors.date ??= t(L, 'visits.error.date');
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) errors.time ??= t(L, 'visits.error.time');
    if (Object.keys(errors).length) return { card: changeForm(turn, visit, { date, time }, errors) };
    const before = await overlapsFor(services, visit);
    const moved: Visit = { ...visit, at: fromCopenhagen(date, time), updatedAt: services.clock.now().toISOString() };
    await services.store.visits.save(moved);
    await audit(turn, services, visit.citizenId, 'update', t('da', 'audit.visits.moved'));
    const after = await overlapsFor(services, moved);
    await tellConcerned(turn, services, moved, [...before, ...after], 'visits.told.moved');
    const citizen = await services.store.citizens.get(visit.citizenId);
    return { card: plannedCard(turn, citizen, moved, after.length ? t(L, 'visits.planned.stillOverlaps', { count: after.length }) : '') };
  },

  'visits.cancel': async (turn, services, data) => {
    const visit = await loadOwnVisit(turn, services, data, ['planned']);
    if (!isVisit(visit)) return visit;
    const concerned = await overlapsFor(services, visit);
    await services.store.visits.save({ ...visit, status: 'cancelled', updatedAt: services.clock.now().toISOString() });
    await audit(turn, services, visit.citizenId, 'update', t('da', 'audit.visits.cancelled'));
    await tellConcerned(turn, services, visit, concerned, 'visits.told.cancelled');
    return { card: await myCitizensCard(turn, services, t(turn.lang, 'visits.cancelled')) };
  },

  'visits.shareStart': async (turn, services, data) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    return { card: await shareForm(turn, services, { citizenId: str(data.citizenId) }) };
  },

  'visits.share': async (turn, services, data) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    const L = turn.lang;
    const fields = readFields(L, data, { citizenId: 64, to: 128, reason: 300 });
    const { values } = fields;
    const errors: Record<string, string> = { ...fields.errors };
    const mine = Id.safeParse(values.citizenId).success ? await myAttachment(services, turn.staff, values.citizenId) : undefined;
    if (!mine) errors.citizenId ??= t(L, 'visits.error.citizen');
    const colleague = values.to ? await services.store.staff.get({ tenantId: turn.staff.tenantId, aadObjectId: values.to }) : undefined;
    if (!colleague || sameStaff(colleague, turn.staff) || !(await worksWithCitizens(services, colleague))) errors.to ??= t(L, 'visits.error.colleague');
    if (!values.reason.trim()) errors.reason ??= t(L, 'visits.error.shareReason');
    if (Object.keys(errors).length || !mine || !colleague) return { card: await shareForm(turn, services, values, errors) };
    const citizen = (await services.store.citizens.get(mine.citizenId))!;
    const lang = await langOf(services, colleague);
    // Nothing about the sender's service or the citizen's health: the colleague is not attached (yet).
    const card = form({
      title: t(lang, 'visits.shared.title'),
      intro: [t(lang, 'visits.shared.text', { name: turn.user.name ?? '', citizen: citizenLine(citizen), reason: values.reason.trim() })],
      fields: [],
      actions: [button(t(lang, 'visits.button.attachMe'), 'visits.attachStart', {}, 'positive')],
    });
    await tell(services, colleague, { card, summary: t(lang, 'visits.preview.shared') }, `share:${citizen.id}:${colleague.aadObjectId}:${services.clock.now().toISOString()}`, turn.staff);
    await audit(turn, services, citizen.id, 'read', t('da', 'audit.visits.shared', { name: colleague.name }));
    return { card: await citizenCard(turn, services, citizen, t(L, 'visits.share.done', { name: colleague.name })) };
  },

  'visits.stats': async (turn, services, data) => {
    const L = turn.lang;
    if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(L, 'visits.stats.title')).card };
    if (!can(turn.roles, 'statistics')) return { card: notAllowedReply(turn, t(L, 'visits.stats.title'), 'statistics').card };
    const p = copenhagenParts(services.clock.now());
    const from = `${Number(p.year) - 1}-${p.month}-01T00:00:00.000Z`;
    const rows = visitStats(await services.store.visitEvents.since(from), services.rules.visits.perVisit, services.rules.visits.timeZone);
    const months = [...new Set(rows.map((r) => r.month))];
    const sum = (k: 'planned' | 'doubleFound' | 'avoidedJoint' | 'avoidedHandedOver' | 'keptWithReason' | 'kmSaved' | 'hoursSaved') => rows.reduce((a, r) => a + r[k], 0);
    const fields: FormField[] = [
      facts([
        { title: t(L, 'visits.stats.planned'), value: String(sum('planned')) },
        { title: t(L, 'visits.stats.found'), value: String(sum('doubleFound')) },
        { title: t(L, 'visits.stats.avoided'), value: String(sum('avoidedJoint') + sum('avoidedHandedOver')) },
        { title: t(L, 'visits.stats.kept'), value: String(sum('keptWithReason')) },
        { title: t(L, 'visits.stats.km'), value: sum('kmSaved').toFixed(1) },
        { title: t(L, 'visits.stats.hours'), value: sum('hoursSaved').toFixed(1) },
      ]),
      chart(t(L, 'visits.stats.chart'), months.map((m) => ({ x: m, y: rows.filter((r) => r.month === m).reduce((a, r) => a + r.avoidedJoint + r.avoidedHandedOver, 0) }))),
      info(services.rules.visits.perVisit.note),
    ];
    const also: Reply[] = data.csv === true || data.csv === 'yes' ? [{ kind: 'text', text: statsCsv(rows), summary: t(L, 'visits.stats.title') }] : [];
    return { card: form({ title: t(L, 'visits.stats.title'), intro: [t(L, 'visits.stats.intro')], fields, actions: [button(t(L, 'visits.button.csv'), 'visits.stats', { csv: 'yes' }), button(t(L, 'common.showHelp'), 'help.show', {})] }), also };
  },
};

function changeForm(turn: Turn, visit: Visit, values: Record<string, string> = {}, errors: Record<string, string> = {}): AdaptiveCardJson {
  const L = turn.lang;
  const p = copenhagenParts(new Date(visit.at));
  return form({
    title: t(L, 'visits.change.title'),
    intro: [t(L, 'visits.change.intro', { when: when(L, visit.at) })],
    fields: [dateInput('date', t(L, 'visits.field.date'), values.date ?? `${p.year}-${p.month}-${p.day}`, errors.date ?? ''), timeInput('time', t(L, 'visits.field.time'), values.time ?? `${p.hour}:${p.minute}`, errors.time ?? '')],
    actions: [button(t(L, 'visits.button.move'), 'visits.move', { vid: visit.id }, 'positive'), button(t(L, 'visits.button.cancelVisit'), 'visits.cancel', { vid: visit.id }, 'destructive'), button(t(L, 'common.back'), 'visits.week', {})],
  });
}

/** Colleagues whose visits the change concerned (before or after) hear of it. */
async function tellConcerned(turn: Turn, services: Services, visit: Visit, overlaps: Overlap[], key: string): Promise<void> {
  const citizen = await services.store.citizens.get(visit.citizenId);
  const seen = new Set<string>();
  for (const o of overlaps) {
    const k = staffKeyString(o.visit.staff);
    if (seen.has(k) || sameStaff(o.visit.staff, turn.staff)) continue;
    seen.add(k);
    const lang = await langOf(services, o.visit.staff);
    await tell(services, o.visit.staff, { text: t(lang, key, { name: turn.user.name ?? '', citizen: citizen ? citizenLine(citizen) : '', when: when(lang, visit.at) }), summary: t(lang, 'visits.preview.colleague') }, `${key}:${visit.id}:${visit.updatedAt}:${k}`);
  }
}

async function worksWithCitizens(services: Services, member: StaffMember): Promise<boolean> {
  const roles = await services.directory.rolesOf(member);
  return services.rules.visits.services.some((s) => s.roles.some((r) => roles.includes(r as Role)));
}

async function shareForm(turn: Turn, services: Services, values: Record<string, string> = {}, errors: Record<string, string> = {}): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const citizens = [];
  for (const a of (await services.store.attachments.listByStaff(turn.staff)).filter((x) => x.status === 'active')) {
    const c = await services.store.citizens.get(a.citizenId);
    if (c) citizens.push({ title: citizenLine(c), value: c.id });
  }
  const colleagues = [];
  for (const m of await services.directory.list(turn.staff.tenantId)) {
    if (!sameStaff(m, turn.staff) && (await worksWithCitizens(services, m))) colleagues.push({ title: m.name || m.aadObjectId, value: m.aadObjectId });
  }
  return form({
    title: t(L, 'visits.share.title'),
    intro: [t(L, 'visits.share.intro')],
    fields: [
      choice('citizenId', t(L, 'visits.field.citizen'), citizens, values.citizenId ?? '', errors.citizenId ?? '', { style: 'compact', placeholder: t(L, 'screening.select') }),
      choice('to', t(L, 'visits.field.colleague'), colleagues, values.to ?? '', errors.to ?? '', { style: 'compact', placeholder: t(L, 'screening.select') }),
      textInput('reason', t(L, 'visits.field.shareReason'), values.reason ?? '', errors.reason ?? '', { maxLength: 300, multiline: true }),
    ],
    actions: [button(t(L, 'visits.button.shareSend'), 'visits.share', {}, 'positive'), button(t(L, 'common.back'), 'visits.mine', {})],
  });
}

