// A manager assigns a colleague to a citizen (issue 15: "an assignment by a manager" is a relation).
// The manager types the CPR number, a name (used only if the bot does not know the citizen), picks
// the colleague and says why; the form answers the same whether the bot knew the citizen or not and
// shows nothing about the citizen, so the manager learns nothing by it. The colleague gets an offer
// like a share ("del borger"): the citizen named, a button to attach, no reason to give.
import { randomUUID } from 'node:crypto';
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import { can } from '../../domain/roles.js';
import { t } from '../../i18n/index.js';
import { sameStaff } from '../../store/index.js';
import { actorOf } from '../shared/audit.js';
import { findOrCreateCitizen } from '../shared/citizens.js';
import { readCpr } from '../shared/cpr.js';
import { button } from '../shared/form.js';
import { oneLine, readFields } from '../shared/inputs.js';
import { notAllowedReply, personalOnlyReply } from '../shared/replies.js';
import type { ExecuteResult, Services, Turn, Verbs } from '../types.js';
import { PURPOSE, audit, citizenLine, field, langOf, tell, colleagueChoices, worksWithCitizens } from './common.js';

function refusal(turn: Turn): ExecuteResult | undefined {
  const name = t(turn.lang, 'flow.assign.title');
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, name).card };
  if (!can(turn.roles, 'assign')) return { card: notAllowedReply(turn, name, 'assign').card };
  return undefined;
}

async function assignForm(turn: Turn, services: Services, values: Record<string, string> = {}, errors: Record<string, string> = {}, note = ''): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const colleagues = await colleagueChoices(turn, services);
  return renderCard('visits/assign', {
    title: t(L, 'visits.assign.title'),
    intro: t(L, 'visits.assign.intro'),
    note,
    cpr: { ...field(t(L, 'screening.field.cpr'), 'cpr', values, errors), placeholder: t(L, 'screening.field.cprPlaceholder') },
    name: field(t(L, 'visits.field.assignName'), 'name', values, errors),
    colleague: { ...field(t(L, 'visits.field.colleague'), 'to', values, errors), choices: colleagues, placeholder: t(L, 'screening.select') },
    reason: field(t(L, 'visits.field.assignReason'), 'reason', values, errors),
    actions: [button(t(L, 'visits.button.assignSave'), 'visits.assign', {}, 'positive'), button(t(L, 'common.showHelp'), 'help.show', {})],
  });
}

export const assignVerbs = {
  'visits.assignStart': async (turn, services) => refusal(turn) ?? { card: await assignForm(turn, services) },

  'visits.assign': async (turn, services, data) => {
    const refused = refusal(turn);
    if (refused) return refused;
    const L = turn.lang;
    const fields = readFields(L, data, { cpr: 20, name: 100, to: 128, reason: 300 });
    const { values } = fields;
    const errors: Record<string, string> = { ...fields.errors };
    const cpr = readCpr(values.cpr, L, services);
    if (!cpr.ok) errors.cpr ??= cpr.error;
    if (!values.name.trim() || values.name.length > 100) errors.name ??= t(L, 'screening.error.nameLength');
    const colleague = values.to ? await services.store.staff.get({ tenantId: turn.staff.tenantId, aadObjectId: values.to }) : undefined;
    if (!colleague || sameStaff(colleague, turn.staff) || !(await worksWithCitizens(services, colleague))) errors.to ??= t(L, 'visits.error.colleague');
    const reason = oneLine(values.reason);
    if (!reason) errors.reason ??= t(L, 'visits.error.assignReason');
    if (Object.keys(errors).length || !cpr.ok || !colleague) return { card: await assignForm(turn, services, values, errors) };
    const { citizen } = await findOrCreateCitizen(services, actorOf(turn), cpr.cpr.digits, values.name, { purpose: PURPOSE, lookedUp: t('da', 'audit.visits.assignLookup'), created: t('da', 'audit.visits.citizenCreated') });
    const to = { tenantId: colleague.tenantId, aadObjectId: colleague.aadObjectId };
    const theirs = (await services.store.attachments.listByCitizen(citizen.id)).filter((a) => sameStaff(a.staff, to) && (a.status === 'active' || a.status === 'offered'));
    await audit(turn, services, citizen.id, 'update', t('da', 'audit.visits.assigned', { name: colleague.name ?? '' }), reason);
    // Attached or offered already: nothing new to tell the colleague. The manager's answer is the same
    // either way, so it tells her nothing about the colleague's work with the citizen.
    if (!theirs.length) {
      const offer = await services.store.attachments.save({ id: randomUUID(), citizenId: citizen.id, staff: to, service: '', purpose: reason, since: services.clock.now().toISOString(), status: 'offered', offeredBy: turn.staff, assignedBy: turn.staff });
      const lang = await langOf(services, to);
      const card = renderCard('visits/shared', {
        title: t(lang, 'visits.assigned.title'),
        text: t(lang, 'visits.assigned.text', { name: turn.user.name ?? '', citizen: citizenLine(citizen), reason }),
        actions: [button(t(lang, 'visits.button.attachMe'), 'visits.attachStart', { offer: offer.id }, 'positive')],
      });
      await tell(services, to, { card, summary: t(lang, 'visits.preview.assigned') }, `assign:${offer.id}`, citizen.id, turn.staff);
    }
    return { card: await assignForm(turn, services, {}, {}, t(L, 'visits.assign.done', { name: colleague.name ?? '' })) };
  },
} satisfies Verbs;
