// My visits: the coming ones with nearby visits marked; moving or cancelling one tells the colleagues
// whose visits it concerned.
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import type { WeekCardData } from '../../../cards/visits/types.js';
import { dateInputValue, DATE_FIELD_LENGTH, readDate, TIME_FIELD_LENGTH } from '../shared/dates.js';
import { oneLine, readFields } from '../shared/inputs.js';
import { parseTypedTime } from '../../domain/dates.js';
import { type Overlap } from '../../domain/overlap.js';
import { copenhagenParts, formatList, fromCopenhagen } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Visit } from '../../store/index.js';
import { sameStaff, staffKeyString } from '../../store/index.js';
import { button } from '../shared/form.js';
import type { Services, Turn, Verbs } from '../types.js';
import { myCitizensCard } from './citizens.js';
import { audit, citizenLine, field, isVisit, langOf, loadOwnVisit, overlapsFor, refusal, staffName, staleVisit, tell, vdata, when } from './common.js';
import { plannedCard } from './plan.js';

function changeForm(turn: Turn, visit: Visit, values: Record<string, string> = {}, errors: Record<string, string> = {}): AdaptiveCardJson {
  const L = turn.lang;
  const p = copenhagenParts(new Date(visit.at));
  return renderCard('visits/change', {
    title: t(L, 'visits.change.title'),
    intro: t(L, 'visits.change.intro', { when: when(L, visit.at) }),
    date: { ...field(t(L, 'visits.field.date'), 'date', values, errors, `${p.year}-${p.month}-${p.day}`), value: dateInputValue(values.date ?? `${p.year}-${p.month}-${p.day}`), placeholder: t(L, 'date.placeholder') },
    time: { ...field(t(L, 'visits.field.time'), 'time', values, errors, `${p.hour}:${p.minute}`), value: values.time === undefined ? `${p.hour}:${p.minute}` : (parseTypedTime(values.time) ?? values.time) },
    actions: [button(t(L, 'visits.button.move'), 'visits.move', { vid: visit.id }, 'positive'), button(t(L, 'visits.button.cancelVisit'), 'visits.cancelStart', { vid: visit.id }, 'destructive'), button(t(L, 'common.back'), 'visits.week', {})],
  });
}

/** Why a visit is cancelled: a choice (the colleagues are told it), and a note. */
const CANCEL_REASONS = ['citizenCancelled', 'citizenAway', 'notNeeded', 'staffAbsent', 'other'] as const;

function cancelForm(turn: Turn, visit: Visit, citizenName: string, values: Record<string, string> = {}, errors: Record<string, string> = {}): AdaptiveCardJson {
  const L = turn.lang;
  return renderCard('visits/cancel', {
    title: t(L, 'visits.cancel.title'),
    intro: t(L, 'visits.cancel.intro', { citizen: citizenName, when: when(L, visit.at) }),
    why: { label: t(L, 'visits.cancel.why'), value: values.why ?? '', error: errors.why ?? '', choices: CANCEL_REASONS.map((r) => ({ title: t(L, `visits.cancel.reason.${r}`), value: r })) },
    note: { label: t(L, 'visits.cancel.note'), value: values.note ?? '', error: errors.note ?? '' },
    // The visit's time goes with the press: a card left open while the visit was moved cancels nothing.
    actions: [button(t(L, 'visits.cancel.confirm'), 'visits.cancel', { vid: visit.id, at: visit.at }, 'destructive'), button(t(L, 'visits.cancel.keep'), 'visits.changeStart', { vid: visit.id })],
  });
}

/** Why, as told to a colleague: the reason chosen, with the note if any ("Andet": the note is the reason). */
function cancelReasonText(lang: Lang, why: { reason: string; note: string }): string {
  if (why.reason === 'other') return t(lang, 'visits.told.because.other', { note: why.note });
  return t(lang, why.note ? 'visits.told.because.note' : 'visits.told.because', { reason: t(lang, `visits.cancel.reason.${why.reason}`), note: why.note });
}

/**
 * Colleagues who relied on the cancelled visit (they joined it, or it was made on their behalf and
 * their own visit cancelled for it) and were not told already: the citizen may now get no visit, so
 * they are asked to plan one again.
 */
async function tellReliant(turn: Turn, services: Services, visit: Visit, told: Overlap[], why: { reason: string; note: string }): Promise<void> {
  const citizen = await services.store.citizens.get(visit.citizenId);
  const seen = new Set(told.map((o) => staffKeyString(o.visit.staff)));
  for (const who of [...(visit.jointWith ?? []), ...(vdata(visit).onBehalfOf ?? [])]) {
    const k = staffKeyString(who);
    if (seen.has(k) || sameStaff(who, turn.staff)) continue;
    seen.add(k);
    const lang = await langOf(services, who);
    const text = `${t(lang, 'visits.told.cancelledReliant', { name: turn.user.name ?? '', citizen: citizen ? citizenLine(citizen) : '', when: when(lang, visit.at) })}${cancelReasonText(lang, why)}`;
    await tell(services, who, { text, summary: t(lang, 'visits.preview.colleague') }, `visits.told.cancelledReliant:${visit.id}:${k}`, visit.citizenId);
  }
}

/** Colleagues whose visits the change concerned (before or after) hear of it. */
async function tellConcerned(turn: Turn, services: Services, visit: Visit, overlaps: Overlap[], key: string, why?: { reason: string; note: string }): Promise<void> {
  const citizen = await services.store.citizens.get(visit.citizenId);
  const seen = new Set<string>();
  for (const o of overlaps) {
    const k = staffKeyString(o.visit.staff);
    if (seen.has(k) || sameStaff(o.visit.staff, turn.staff)) continue;
    seen.add(k);
    const lang = await langOf(services, o.visit.staff);
    const because = why ? cancelReasonText(lang, why) : '';
    await tell(services, o.visit.staff, { text: `${t(lang, key, { name: turn.user.name ?? '', citizen: citizen ? citizenLine(citizen) : '', when: when(lang, visit.at) })}${because}`, summary: t(lang, 'visits.preview.colleague') }, `${key}:${visit.id}:${visit.updatedAt}:${k}`, visit.citizenId);
  }
}

export const weekVerbs = {
  'visits.week': async (turn, services) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    const L = turn.lang;
    const nowIso = services.clock.now().toISOString();
    const mine = (await services.store.visits.listByStaff(turn.staff)).filter((v) => v.status === 'planned' && v.at >= nowIso);
    const visits: WeekCardData['visits'] = [];
    for (const v of mine) {
      const citizen = await services.store.citizens.get(v.citizenId);
      const overlaps = await overlapsFor(services, v);
      // A joint visit names who else comes (the owner too, when it is a colleague's visit I joined).
      const others = [v.staff, ...(v.jointWith ?? [])].filter((s) => !sameStaff(s, turn.staff));
      const joint = v.jointWith?.length ? t(L, 'visits.week.joint', { names: formatList(L, await Promise.all(others.map((s) => staffName(services, s)))) }) : '';
      const mark = overlaps.length ? t(L, 'visits.week.overlap', { count: overlaps.length }) : '';
      visits.push({ at: `${when(L, v.at)}${joint}`, details: [citizen ? citizenLine(citizen) : '', vdata(v).purpose, mark].filter(Boolean).join(' · '), change: { title: t(L, 'visits.button.change'), verb: 'visits.changeStart', data: { vid: v.id } } });
    }
    return {
      card: renderCard('visits/week', {
        title: t(L, 'visits.week.title'),
        intro: t(L, 'visits.week.intro'),
        empty: mine.length ? '' : t(L, 'visits.week.none'),
        visits,
        actions: [button(t(L, 'visits.button.plan'), 'visits.planStart', {}, 'positive'), button(t(L, 'visits.button.mine'), 'visits.mine', {})],
      }),
    };
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
    const fields = readFields(L, data, { date: DATE_FIELD_LENGTH, time: TIME_FIELD_LENGTH });
    const typed = fields.values.date;
    // A picker sends 2026-12-01; where it is a text field, 01.12.2026 is typed.
    const date = readDate(typed, L, 'visits.error.date');
    // A picker sends 10:00 (or 10:00:00); where it is a text field, the Danish 10.00 is typed too.
    const time = parseTypedTime(fields.values.time);
    const errors: Record<string, string> = { ...fields.errors };
    if (!date.ok) errors.date ??= date.error;
    if (!time) errors.time ??= t(L, 'visits.error.time');
    if (Object.keys(errors).length || !date.ok || !time) return { card: changeForm(turn, visit, { date: typed, time: fields.values.time }, errors) };
    const before = await overlapsFor(services, visit);
    const moved: Visit = { ...visit, at: fromCopenhagen(date.iso, time), updatedAt: services.clock.now().toISOString() };
    await services.store.visits.save(moved);
    await audit(turn, services, visit.citizenId, 'update', t('da', 'audit.visits.moved'));
    const after = await overlapsFor(services, moved);
    await tellConcerned(turn, services, moved, [...before, ...after], 'visits.told.moved');
    const citizen = await services.store.citizens.get(visit.citizenId);
    return { card: plannedCard(turn, citizen, moved, after.length ? t(L, 'visits.planned.stillOverlaps', { count: after.length }) : '') };
  },

  // Nothing is cancelled until the reason is given and confirmed.
  'visits.cancelStart': async (turn, services, data) => {
    const visit = await loadOwnVisit(turn, services, data, ['planned']);
    if (!isVisit(visit)) return visit;
    const citizen = await services.store.citizens.get(visit.citizenId);
    return { card: cancelForm(turn, visit, citizen ? citizenLine(citizen) : '') };
  },

  'visits.cancel': async (turn, services, data) => {
    const visit = await loadOwnVisit(turn, services, data, ['planned']);
    if (!isVisit(visit)) return visit;
    if (data.at !== undefined && data.at !== visit.at) return { card: staleVisit(turn) };
    const L = turn.lang;
    const fields = readFields(L, data, { why: 40, note: 200 });
    const why = fields.values.why;
    const note = oneLine(fields.values.note);
    const errors: Record<string, string> = { ...fields.errors };
    if (!(CANCEL_REASONS as readonly string[]).includes(why)) errors.why ??= t(L, 'visits.cancel.whyRequired');
    if (why === 'other' && !note) errors.note ??= t(L, 'visits.cancel.noteRequired');
    if (Object.keys(errors).length) {
      const citizen = await services.store.citizens.get(visit.citizenId);
      return { card: cancelForm(turn, visit, citizen ? citizenLine(citizen) : '', { why, note: fields.values.note }, errors) };
    }
    const concerned = await overlapsFor(services, visit);
    await services.store.visits.save({ ...visit, status: 'cancelled', updatedAt: services.clock.now().toISOString(), data: { ...visit.data, cancelled: { reason: why, ...(note ? { note } : {}) } } });
    await audit(turn, services, visit.citizenId, 'update', t('da', 'audit.visits.cancelled'));
    await tellConcerned(turn, services, visit, concerned, 'visits.told.cancelled', { reason: why, note });
    await tellReliant(turn, services, visit, concerned, { reason: why, note });
    return { card: await myCitizensCard(turn, services, t(turn.lang, 'visits.cancelled')) };
  },
} satisfies Verbs;
