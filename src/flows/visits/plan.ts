// Planning a visit, and the double-visit check: a colleague's visit nearby holds the new one as a
// draft until the planner coordinates, joins, plans anyway with a reason, or cancels.
import { randomUUID } from 'node:crypto';
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import type { Button } from '../../../cards/visits/types.js';
import { dateInputValue, DATE_FIELD_LENGTH, readDate, TIME_FIELD_LENGTH } from '../shared/dates.js';
import { readFields } from '../shared/inputs.js';
import { parseTypedTime } from '../../domain/dates.js';
import { calendarDay, type Overlap } from '../../domain/overlap.js';
import { fromCopenhagen } from '../../i18n/format.js';
import { t } from '../../i18n/index.js';
import type { Citizen, Visit } from '../../store/index.js';
import { button } from '../shared/form.js';
import type { Services, Turn, Verbs } from '../types.js';
import { myCitizensCard } from './citizens.js';
import { Id, type VisitData, audit, citizenLine, event, field, isVisit, langOf, loadOwnVisit, myAttachment, overlapsFor, refusal, serviceName, staffName, staleVisit, str, tell, vdata, when, withStaff } from './common.js';

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
  // With no citizen to choose, the card says so and offers attaching instead (the template hides the inputs).
  return renderCard('visits/plan', {
    title: t(L, 'visits.plan.title'),
    intro: t(L, citizens.length ? 'visits.plan.intro' : 'visits.plan.noCitizens'),
    citizen: { ...field(t(L, 'visits.field.citizen'), 'citizenId', values, errors, citizens.length === 1 ? citizens[0]!.value : ''), choices: citizens, placeholder: t(L, 'screening.select') },
    date: { ...field(t(L, 'visits.field.date'), 'date', values, errors), value: dateInputValue(values.date ?? ''), placeholder: t(L, 'date.placeholder') },
    time: { ...field(t(L, 'visits.field.time'), 'time', values, errors), value: parseTypedTime(values.time ?? '') ?? values.time ?? '' },
    purpose: field(t(L, 'visits.field.purpose'), 'purpose', values, errors),
    openForJoint: { ...field(t(L, 'visits.field.openForJoint'), 'openForJoint', values, errors, 'yes'), choices: yesNo },
    relativesByVideo: { ...field(t(L, 'visits.field.relativesByVideo'), 'relativesByVideo', values, errors, 'no'), choices: yesNo },
    actions: [citizens.length ? button(t(L, 'visits.button.planSave'), 'visits.plan', {}, 'positive') : button(t(L, 'visits.button.attach'), 'visits.attachStart', {}, 'positive'), button(t(L, 'common.back'), 'visits.mine', {})],
  });
}

async function overlapCard(turn: Turn, services: Services, visit: Visit, overlaps: Overlap[], values: Record<string, string> = {}, errors: Record<string, string> = {}): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const citizen = await services.store.citizens.get(visit.citizenId);
  // Coordinating and merging are for a colleague's visit the planner is not on; a visit they already
  // go on is named as such, so they can plan anyway with a reason or drop the new one.
  const colleague = overlaps.find((o) => o.relation === 'colleague')?.visit;
  const lines: string[] = [];
  for (const o of overlaps) {
    const other = await services.store.visits.get(o.visit.id);
    const joint = o.relation === 'joined' ? t(L, 'visits.overlap.youJoin') : other && vdata(other).openForJoint ? t(L, 'visits.overlap.openForJoint') : '';
    lines.push(t(L, 'visits.overlap.line', { name: await staffName(services, o.visit.staff), service: serviceName(services, o.visit.service, L), when: when(L, o.visit.at), purpose: other ? vdata(other).purpose : '', joint }));
  }
  const actions: Button[] = [];
  if (colleague) {
    actions.push(button(t(L, 'visits.button.coordinate'), 'visits.coordinate', { vid: visit.id, with: colleague.id }, 'positive'));
    const colleagueVisit = await services.store.visits.get(colleague.id);
    if (colleagueVisit && vdata(colleagueVisit).openForJoint) actions.push(button(t(L, 'visits.button.merge'), 'visits.merge', { vid: visit.id, with: colleague.id }));
  }
  actions.push(button(t(L, 'visits.button.keep'), 'visits.keep', { vid: visit.id }, colleague ? 'default' : 'positive'), button(t(L, 'screening.button.cancel'), 'visits.discard', { vid: visit.id }, 'destructive'));
  return renderCard('visits/overlap', {
    title: t(L, colleague ? 'visits.overlap.title' : 'visits.overlap.titleSelf'),
    lead: t(L, 'visits.overlap.lead', { citizen: citizen ? citizenLine(citizen) : '', when: when(L, visit.at) }),
    overlaps: lines,
    choices: t(L, colleague ? 'visits.overlap.choices' : 'visits.overlap.choicesSelf'),
    reason: field(t(L, 'visits.field.keepReason'), 'reason', values, errors),
    actions,
  });
}

export function plannedCard(turn: Turn, citizen: Citizen | undefined, visit: Visit, note: string): AdaptiveCardJson {
  const L = turn.lang;
  return renderCard('visits/planned', {
    title: t(L, 'visits.planned.title'),
    text: t(L, 'visits.planned.text', { citizen: citizen ? citizenLine(citizen) : '', when: when(L, visit.at) }),
    note,
    actions: [button(t(L, 'visits.button.myVisits'), 'visits.week', {}), button(t(L, 'visits.button.mine'), 'visits.mine', {})],
  });
}

export const planVerbs = {
  'visits.planStart': async (turn, services, data) => refusal(turn, services) ?? { card: await planForm(turn, services, data.citizenId ? { citizenId: str(data.citizenId) } : {}) },

  'visits.plan': async (turn, services, data) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    const L = turn.lang;
    const fields = readFields(L, data, { citizenId: 64, date: DATE_FIELD_LENGTH, time: TIME_FIELD_LENGTH, purpose: 300, openForJoint: 3, relativesByVideo: 3 });
    const values = { ...fields.values, openForJoint: fields.values.openForJoint || 'yes', relativesByVideo: fields.values.relativesByVideo || 'no' };
    const errors: Record<string, string> = { ...fields.errors };
    const attachment = Id.safeParse(values.citizenId).success ? await myAttachment(services, turn.staff, values.citizenId) : undefined;
    if (!attachment) errors.citizenId ??= t(L, 'visits.error.citizen');
    // A picker sends 2026-12-01; where it is a text field, 01.12.2026 is typed.
    const date = readDate(values.date, L, 'visits.error.date');
    if (!date.ok) errors.date ??= date.error;
    // A picker sends 10:00 (or 10:00:00); where it is a text field, the Danish 10.00 is typed too.
    const time = parseTypedTime(values.time);
    if (!time) errors.time ??= t(L, 'visits.error.time');
    if (!values.purpose.trim()) errors.purpose ??= t(L, 'visits.error.purpose');
    if (date.ok && !errors.date && date.iso < calendarDay(services.clock.now().toISOString())) errors.date = t(L, 'visits.error.past');
    if (Object.keys(errors).length || !attachment || !date.ok || !time) return { card: await planForm(turn, services, values, errors) };
    const now = services.clock.now().toISOString();
    const visit: Visit = {
      id: randomUUID(),
      citizenId: attachment.citizenId,
      staff: turn.staff,
      at: fromCopenhagen(date.iso, time),
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
    await tell(services, other.staff, { text: t(lang, 'visits.told.joined', { name: turn.user.name ?? '', citizen: citizen ? citizenLine(citizen) : '', when: when(lang, other.at) }), summary: t(lang, 'visits.preview.colleague') }, `joined:${other.id}:${turn.staff.aadObjectId}`, other.citizenId);
    return { card: plannedCard(turn, citizen, other, t(turn.lang, 'visits.planned.joined', { name: await staffName(services, other.staff) })) };
  },
} satisfies Verbs;
