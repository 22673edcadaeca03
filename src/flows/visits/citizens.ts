// My citizens: the list, attaching through a service (colleagues already attached are told), a
// citizen's visits (attached staff only), and detaching with a reason.
import { actorOf } from '../shared/audit.js';
import { findOrCreateCitizen } from '../shared/citizens.js';
import { randomUUID } from 'node:crypto';
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import type { MyCitizensCardData } from '../../../cards/visits/types.js';
import { readCpr } from '../shared/cpr.js';
import { oneLine, readFields } from '../shared/inputs.js';
import { can } from '../../domain/roles.js';
import { t } from '../../i18n/index.js';
import type { Attachment, Citizen } from '../../store/index.js';
import { relationsTo, validOffer } from '../../services/access.js';
import { sameStaff } from '../../store/index.js';
import { button } from '../shared/form.js';
import type { Services, Turn, Verbs } from '../types.js';
import { Id, audit, citizenLine, field, langOf, myAttachment, myServices, notAttachedCard, refusal, serviceName, staffName, str, tell, vdata, when, PURPOSE } from './common.js';

export async function myCitizensCard(turn: Turn, services: Services, note = ''): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const mine = (await services.store.attachments.listByStaff(turn.staff)).filter((a) => a.status === 'active');
  const nowIso = services.clock.now().toISOString();
  const citizens: MyCitizensCardData['citizens'] = [];
  for (const a of mine) {
    const citizen = await services.store.citizens.get(a.citizenId);
    if (!citizen) continue;
    const others = (await services.store.attachments.listByCitizen(a.citizenId)).filter((x) => x.status === 'active' && !sameStaff(x.staff, turn.staff));
    const colleagues = await Promise.all(others.map(async (o) => `${await staffName(services, o.staff)} (${serviceName(services, o.service, L)})`));
    const next = (await services.store.visits.listByCitizen(a.citizenId)).find((v) => v.status === 'planned' && v.at >= nowIso);
    const parts = [serviceName(services, a.service, L)];
    parts.push(colleagues.length ? t(L, 'visits.mine.alsoAttached', { names: colleagues.join(', ') }) : t(L, 'visits.mine.alone'));
    parts.push(next ? t(L, 'visits.mine.next', { when: when(L, next.at) }) : t(L, 'visits.mine.noNext'));
    citizens.push({ name: citizenLine(citizen), details: parts.join(' · '), open: { title: t(L, 'visits.button.open'), verb: 'visits.citizen', data: { citizenId: citizen.id } } });
  }
  await Promise.all(mine.map((a) => audit(turn, services, a.citizenId, 'read', t('da', 'audit.visits.list'))));
  return renderCard('visits/myCitizens', {
    title: t(L, 'visits.mine.title'),
    intro: t(L, 'visits.mine.intro'),
    note,
    empty: mine.length ? '' : t(L, 'visits.mine.none'),
    citizens,
    actions: [button(t(L, 'visits.button.attach'), 'visits.attachStart', {}, 'positive'), button(t(L, 'visits.button.myVisits'), 'visits.week', {}), button(t(L, 'common.showHelp'), 'help.show', {})],
  });
}

/**
 * Attaching: by CPR number, or taking up a colleague's offer (`offer`: the offered attachment and
 * its citizen; nothing to type). `askReason`: the staff member has no relation to the citizen and
 * must say why (breaking the glass).
 */
function attachForm(turn: Turn, services: Services, values: Record<string, string> = {}, errors: Record<string, string> = {}, options: { offer?: { id: string; citizen: Citizen }; askReason?: boolean } = {}): AdaptiveCardJson {
  const L = turn.lang;
  const mine = myServices(turn, services);
  const { offer } = options;
  return renderCard('visits/attach', {
    title: t(L, 'visits.attach.title'),
    intro: t(L, offer ? 'visits.attach.introOffered' : 'visits.attach.intro'),
    offered: offer ? citizenLine(offer.citizen) : '',
    cpr: { ...field(t(L, 'screening.field.cpr'), 'cpr', values, errors), placeholder: t(L, 'screening.field.cprPlaceholder') },
    name: field(t(L, 'screening.field.name'), 'name', values, errors),
    service: { ...field(t(L, 'visits.field.service'), 'service', values, errors, mine.length === 1 ? mine[0]!.id : ''), choices: mine.map((s) => ({ title: s.name, value: s.id })) },
    purpose: field(t(L, 'visits.field.attachPurpose'), 'purpose', values, errors),
    reason: { ...field(t(L, 'visits.field.glassReason'), 'reason', values, errors), show: !offer && (!!options.askReason || !!values.reason), notice: t(L, 'visits.attach.glassNotice') },
    actions: [button(t(L, 'visits.button.attachSave'), 'visits.attach', offer ? { offer: offer.id } : {}, 'positive'), button(t(L, 'common.back'), 'visits.mine', {})],
  });
}

/** Assigned by someone who is a manager still, or offered by a colleague who is attached still. */
const offerIsGood = (services: Services, offer: Attachment) => validOffer(services.store, offer, async (who) => can(await services.directory.rolesOf(who), 'assign'));

/** Whether the staff member has a good offer for the citizen: it lets her attach without a reason. */
async function hasGoodOffer(turn: Turn, services: Services, citizenId: string): Promise<boolean> {
  for (const a of await services.store.attachments.listByCitizen(citizenId)) if (sameStaff(a.staff, turn.staff) && (await offerIsGood(services, a))) return true;
  return false;
}

/** A colleague's offer to this staff member, still open ("del borger"), with its citizen. */
async function openOffer(turn: Turn, services: Services, id: unknown): Promise<{ offer: Attachment; citizen: Citizen } | undefined> {
  const parsed = Id.safeParse(id);
  const offer = parsed.success ? await services.store.attachments.get(parsed.data) : undefined;
  if (!offer || !sameStaff(offer.staff, turn.staff) || !(await offerIsGood(services, offer))) return undefined;
  const citizen = await services.store.citizens.get(offer.citizenId);
  return citizen ? { offer, citizen } : undefined;
}

/**
 * The managers of the service (the roles file's `manages`; otherwise every manager in the tenant)
 * are told, in a personal chat, that someone broke the glass (the preview names nobody).
 */
async function tellManagers(turn: Turn, services: Services, citizen: Citizen, service: string, reason: string, attachmentId: string): Promise<void> {
  for (const m of await services.directory.managersFor(turn.staff.tenantId, service)) {
    if (sameStaff(m, turn.staff)) continue;
    const lang = await langOf(services, m);
    await tell(services, m, { text: t(lang, 'visits.told.brokeGlass', { name: turn.user.name ?? '', citizen: citizenLine(citizen), service: serviceName(services, service, lang), reason }), summary: t(lang, 'visits.preview.brokeGlass') }, `broke-glass:${attachmentId}:${m.aadObjectId}`, citizen.id);
  }
}

export async function citizenCard(turn: Turn, services: Services, citizen: Citizen, note = ''): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  await audit(turn, services, citizen.id, 'read', t('da', 'audit.visits.citizen'));
  const attached = (await services.store.attachments.listByCitizen(citizen.id)).filter((a) => a.status === 'active');
  const upcoming = (await services.store.visits.listByCitizen(citizen.id)).filter((v) => v.status === 'planned' && v.at >= services.clock.now().toISOString());
  return renderCard('visits/citizen', {
    title: citizenLine(citizen),
    note,
    attached: await Promise.all(attached.map(async (a) => ({ title: await staffName(services, a.staff), value: `${serviceName(services, a.service, L)}: ${a.purpose}` }))),
    upcomingHeading: t(L, 'visits.citizen.upcoming'),
    upcoming: await Promise.all(upcoming.map(async (v) => `${when(L, v.at)} · ${await staffName(services, v.staff)} · ${serviceName(services, v.service, L)} · ${vdata(v).purpose}`)),
    actions: [
      button(t(L, 'visits.button.plan'), 'visits.planStart', { citizenId: citizen.id }, 'positive'),
      button(t(L, 'visits.button.share'), 'visits.shareStart', { citizenId: citizen.id }),
      button(t(L, 'visits.button.detach'), 'visits.detachStart', { citizenId: citizen.id }),
      button(t(L, 'common.back'), 'visits.mine', {}),
    ],
  });
}

/** Detaching asks why; `reason` is what was written, `error` what was wrong with it. */
function detachForm(turn: Turn, citizenId: string, reason = '', error = ''): AdaptiveCardJson {
  const L = turn.lang;
  return renderCard('visits/detach', {
    title: t(L, 'visits.detach.title'),
    intro: t(L, 'visits.detach.intro'),
    reason: { label: t(L, 'visits.field.detachReason'), value: reason, error },
    actions: [button(t(L, 'visits.button.detach'), 'visits.detach', { citizenId }, 'destructive'), button(t(L, 'common.back'), 'visits.citizen', { citizenId })],
  });
}

/** Attached: audited, the colleagues already attached told who joined, through which service and why; the citizen's card. */
async function attached(turn: Turn, services: Services, citizen: Citizen, attachment: Attachment, auditIt = true, reason?: string): Promise<{ card: AdaptiveCardJson }> {
  if (auditIt) await audit(turn, services, citizen.id, 'create', t('da', 'audit.visits.attached', { service: serviceName(services, attachment.service, 'da') }), reason || undefined);
  for (const other of (await services.store.attachments.listByCitizen(citizen.id)).filter((a) => a.status === 'active' && !sameStaff(a.staff, turn.staff))) {
    const lang = await langOf(services, other.staff);
    await tell(services, other.staff, { text: t(lang, 'visits.told.attached', { name: turn.user.name ?? '', service: serviceName(services, attachment.service, lang), citizen: citizenLine(citizen), purpose: attachment.purpose }), summary: t(lang, 'visits.preview.colleague') }, `attached:${attachment.id}:${other.staff.aadObjectId}`, citizen.id);
  }
  return { card: await citizenCard(turn, services, citizen, t(turn.lang, 'visits.attach.done')) };
}

export const citizenVerbs = {
  'visits.mine': async (turn, services) => refusal(turn, services) ?? { card: await myCitizensCard(turn, services) },

  'visits.attachStart': async (turn, services, data) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    if (data.offer === undefined) return { card: attachForm(turn, services) };
    const open = await openOffer(turn, services, data.offer);
    // Taken up already, or not this person's: the ordinary form.
    if (!open) return { card: attachForm(turn, services) };
    await audit(turn, services, open.citizen.id, 'read', t('da', 'audit.visits.offerOpened'));
    return { card: attachForm(turn, services, {}, {}, { offer: { id: open.offer.id, citizen: open.citizen } }) };
  },

  'visits.attach': async (turn, services, data) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    const L = turn.lang;
    const fields = readFields(L, data, { cpr: 20, name: 100, service: 50, purpose: 300, reason: 500 });
    const { values } = fields;
    const errors: Record<string, string> = { ...fields.errors };
    if (data.offer !== undefined) {
      // Taking up a colleague's offer: the citizen comes from the offer, nothing typed but service and purpose.
      const open = await openOffer(turn, services, data.offer);
      if (!open) {
        // Pressed again after it was taken up: the citizen's card, as for any attachment of one's own.
        const parsed = Id.safeParse(data.offer);
        const mine = parsed.success ? await services.store.attachments.get(parsed.data) : undefined;
        const citizen = mine?.status === 'active' && sameStaff(mine.staff, turn.staff) ? await services.store.citizens.get(mine.citizenId) : undefined;
        if (citizen) return { card: await citizenCard(turn, services, citizen, t(L, 'visits.attach.already')) };
        return { card: attachForm(turn, services, {}, { cpr: t(L, 'visits.error.offerGone') }) };
      }
      if (!myServices(turn, services).some((s) => s.id === values.service)) errors.service ??= t(L, 'visits.error.service');
      if (!values.purpose.trim()) errors.purpose ??= t(L, 'visits.error.purpose');
      if (errors.service || errors.purpose) return { card: attachForm(turn, services, values, errors, { offer: { id: open.offer.id, citizen: open.citizen } }) };
      const attachment = await services.store.attachments.save({ ...open.offer, service: values.service, purpose: values.purpose.trim(), since: services.clock.now().toISOString(), status: 'active' });
      return attached(turn, services, open.citizen, attachment);
    }
    const cpr = readCpr(values.cpr, L, services);
    if (!cpr.ok) errors.cpr ??= cpr.error;
    if (!values.name.trim() || values.name.length > 100) errors.name ??= t(L, 'screening.error.nameLength');
    if (!myServices(turn, services).some((s) => s.id === values.service)) errors.service ??= t(L, 'visits.error.service');
    if (!values.purpose.trim()) errors.purpose ??= t(L, 'visits.error.purpose');
    if (Object.keys(errors).length || !cpr.ok) return { card: attachForm(turn, services, values, errors) };
    const now = services.clock.now().toISOString();
    // No relation to the citizen (src/services/access.ts): say why first, whether the bot knows the
    // CPR number or not, so the answer does not tell which; nothing about the citizen is shown or
    // read before. Breaking the glass on a citizen the bot knew is audited with the reason and told
    // to the managers.
    const known = await services.store.citizens.findByCpr(cpr.cpr.digits);
    const related = known ? (await relationsTo(services.store, turn.staff, known.id)).length > 0 || (await hasGoodOffer(turn, services, known.id)) : false;
    const reason = oneLine(values.reason);
    if (!related && !reason) return { card: attachForm(turn, services, values, { reason: t(L, 'visits.error.glassReason') }, { askReason: true }) };
    const found = await findOrCreateCitizen(services, actorOf(turn), cpr.cpr.digits, values.name, { purpose: PURPOSE, lookedUp: t('da', 'audit.visits.lookup'), created: t('da', 'audit.visits.citizenCreated') });
    const { citizen } = found;
    // Known after all (recorded by someone else a moment ago): the relations decide, as above.
    const breaksGlass = found.known && !(related || (await relationsTo(services.store, turn.staff, citizen.id)).length > 0 || (await hasGoodOffer(turn, services, citizen.id)));
    if (await myAttachment(services, turn.staff, citizen.id)) return { card: await citizenCard(turn, services, citizen, t(L, 'visits.attach.already')) };
    // A colleague's open offer is taken up rather than kept beside a second attachment.
    const offered = (await services.store.attachments.listByCitizen(citizen.id)).find((a) => a.status === 'offered' && sameStaff(a.staff, turn.staff));
    const attachment = await services.store.attachments.save(
      offered ? { ...offered, service: values.service, purpose: values.purpose.trim(), since: now, status: 'active' } : { id: randomUUID(), citizenId: citizen.id, staff: turn.staff, service: values.service, purpose: values.purpose.trim(), since: now, status: 'active' },
    );
    if (breaksGlass) {
      await audit(turn, services, citizen.id, 'create', t('da', 'audit.visits.brokeGlass', { service: serviceName(services, values.service, 'da') }), reason);
      await tellManagers(turn, services, citizen, values.service, reason, attachment.id);
    }
    return attached(turn, services, citizen, attachment, !breaksGlass, reason);
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

  'visits.detachStart': async (turn, services, data) => refusal(turn, services) ?? { card: detachForm(turn, str(data.citizenId)) },

  'visits.detach': async (turn, services, data) => {
    const refused = refusal(turn, services);
    if (refused) return refused;
    const L = turn.lang;
    const citizenId = str(data.citizenId);
    const mine = Id.safeParse(citizenId).success ? await myAttachment(services, turn.staff, citizenId) : undefined;
    if (!mine) return { card: notAttachedCard(turn) };
    const fields = readFields(L, data, { reason: 300 });
    const reason = fields.values.reason.trim();
    if (!reason || fields.errors.reason) return { card: detachForm(turn, citizenId, fields.values.reason, fields.errors.reason ?? t(L, 'screening.error.reason')) };
    await services.store.attachments.save({ ...mine, status: 'detached', detachedAt: services.clock.now().toISOString(), detachReason: reason.slice(0, 300) });
    await audit(turn, services, citizenId, 'update', t('da', 'audit.visits.detached'));
    return { card: await myCitizensCard(turn, services, t(L, 'visits.detach.done')) };
  },
} satisfies Verbs;
