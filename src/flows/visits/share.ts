// Sharing a citizen with a colleague who works with citizens: the colleague is told who and why,
// with nothing about the sender's service or the citizen's health.
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import { randomUUID } from 'node:crypto';
import { readFields } from '../shared/inputs.js';
import { t } from '../../i18n/index.js';
import { sameStaff } from '../../store/index.js';
import { button } from '../shared/form.js';
import type { Services, Turn, Verbs } from '../types.js';
import { citizenCard } from './citizens.js';
import { Id, audit, citizenLine, field, langOf, myAttachment, refusal, str, tell, colleagueChoices, worksWithCitizens } from './common.js';

async function shareForm(turn: Turn, services: Services, values: Record<string, string> = {}, errors: Record<string, string> = {}): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const citizens = [];
  for (const a of (await services.store.attachments.listByStaff(turn.staff)).filter((x) => x.status === 'active')) {
    const c = await services.store.citizens.get(a.citizenId);
    if (c) citizens.push({ title: citizenLine(c), value: c.id });
  }
  // With the citizen known, colleagues already attached to them are not offered (sharing tells them nothing new).
  // Only for a citizen of one's own: who else is attached is not for someone without a relation to learn.
  const own = values.citizenId && Id.safeParse(values.citizenId).success ? await myAttachment(services, turn.staff, values.citizenId) : undefined;
  const attached = own ? (await services.store.attachments.listByCitizen(own.citizenId)).filter((a) => a.status === 'active') : [];
  const colleagues = (await colleagueChoices(turn, services)).filter((c) => !attached.some((a) => a.staff.tenantId === turn.staff.tenantId && a.staff.aadObjectId === c.value));
  return renderCard('visits/share', {
    title: t(L, 'visits.share.title'),
    intro: t(L, 'visits.share.intro'),
    citizen: { ...field(t(L, 'visits.field.citizen'), 'citizenId', values, errors), choices: citizens, placeholder: t(L, 'screening.select') },
    colleague: { ...field(t(L, 'visits.field.colleague'), 'to', values, errors), choices: colleagues, placeholder: t(L, 'screening.select') },
    reason: field(t(L, 'visits.field.shareReason'), 'reason', values, errors),
    actions: [button(t(L, 'visits.button.shareSend'), 'visits.share', {}, 'positive'), button(t(L, 'common.back'), 'visits.mine', {})],
  });
}

export const shareVerbs = {
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
    else if (mine && (await services.store.attachments.listByCitizen(mine.citizenId)).some((a) => a.status === 'active' && sameStaff(a.staff, colleague))) {
      errors.to ??= t(L, 'visits.error.alreadyAttached', { name: colleague.name });
    }
    if (!values.reason.trim()) errors.reason ??= t(L, 'visits.error.shareReason');
    if (Object.keys(errors).length || !mine || !colleague) return { card: await shareForm(turn, services, values, errors) };
    const citizen = (await services.store.citizens.get(mine.citizenId))!;
    const lang = await langOf(services, colleague);
    // The offer is the colleague's relation to the citizen: taking it up needs no typing and no reason.
    const theirs = (await services.store.attachments.listByCitizen(citizen.id)).filter((a) => sameStaff(a.staff, colleague));
    const offer =
      theirs.find((a) => a.status === 'active' || a.status === 'offered') ??
      (await services.store.attachments.save({ id: randomUUID(), citizenId: citizen.id, staff: { tenantId: colleague.tenantId, aadObjectId: colleague.aadObjectId }, service: '', purpose: values.reason.trim(), since: services.clock.now().toISOString(), status: 'offered', offeredBy: turn.staff }));
    // Nothing about the sender's service or the citizen's health: the colleague is not attached (yet).
    const card = renderCard('visits/shared', {
      title: t(lang, 'visits.shared.title'),
      text: t(lang, 'visits.shared.text', { name: turn.user.name ?? '', citizen: citizenLine(citizen), reason: values.reason.trim() }),
      actions: [button(t(lang, 'visits.button.attachMe'), 'visits.attachStart', { offer: offer.id }, 'positive')],
    });
    await tell(services, colleague, { card, summary: t(lang, 'visits.preview.shared') }, `share:${citizen.id}:${colleague.aadObjectId}:${services.clock.now().toISOString()}`, citizen.id, turn.staff);
    await audit(turn, services, citizen.id, 'read', t('da', 'audit.visits.shared', { name: colleague.name }));
    return { card: await citizenCard(turn, services, citizen, t(L, 'visits.share.done', { name: colleague.name })) };
  },
} satisfies Verbs;
