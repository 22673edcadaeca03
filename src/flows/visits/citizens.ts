// My citizens: the list, attaching through a service (colleagues already attached are told), a
// citizen's visits (attached staff only), and detaching with a reason.
import { actorOf } from '../shared/audit.js';
import { findOrCreateCitizen } from '../shared/citizens.js';
import { randomUUID } from 'node:crypto';
import { type AdaptiveCardJson, type FormField } from '../../../cards/index.js';
import { readCpr } from '../shared/cpr.js';
import { readFields } from '../shared/inputs.js';
import { t } from '../../i18n/index.js';
import type { Attachment, Citizen } from '../../store/index.js';
import { sameStaff } from '../../store/index.js';
import { button, choice, facts, info, item, textInput } from '../shared/form.js';
import type { Services, Turn, Verbs } from '../types.js';
import { Id, audit, citizenLine, form, langOf, myAttachment, myServices, notAttachedCard, refusal, serviceName, staffName, str, tell, vdata, when, PURPOSE } from './common.js';

export async function myCitizensCard(turn: Turn, services: Services, note = ''): Promise<AdaptiveCardJson> {
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

export async function citizenCard(turn: Turn, services: Services, citizen: Citizen, note = ''): Promise<AdaptiveCardJson> {
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

export const citizenVerbs = {
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
    const { citizen } = await findOrCreateCitizen(services, actorOf(turn), cpr.cpr.digits, values.name, { purpose: PURPOSE, lookedUp: t('da', 'audit.visits.lookup'), created: t('da', 'audit.visits.citizenCreated') });
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
} satisfies Verbs;
