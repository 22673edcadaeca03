// A direct referral: any staff member, for a citizen who or whose relative asks.
import { caseMonth } from '../shared/figures.js';
import { findOrCreateCitizen } from '../shared/citizens.js';
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import { readCpr } from '../shared/cpr.js';
import { readFields } from '../shared/inputs.js';
import { can } from '../../domain/roles.js';
import { t } from '../../i18n/index.js';
import { button } from '../shared/form.js';
import { notAllowedReply, personalOnlyLine, personalOnlyReply } from '../shared/replies.js';
import type { Reply, Services, Turn, Verbs } from '../types.js';
import type { Referral } from '../../store/index.js';
import { DIRECT_ASKED_BY } from '../../services/referrals.js';
import { actorOf, PURPOSE, visitationChannel } from './common.js';

function directForm(turn: Turn, services: Services, values: Record<string, string> = {}, errors: Record<string, string> = {}): AdaptiveCardJson {
  const L = turn.lang;
  const field = (id: string, label: string) => ({ label, value: values[id] ?? '', error: errors[id] ?? '' });
  return renderCard('visitation/direct', {
    title: t(L, 'visitation.direct.title'),
    intro: t(L, 'visitation.direct.intro'),
    cpr: { ...field('cpr', t(L, 'screening.field.cpr')), placeholder: t(L, 'screening.field.cprPlaceholder') },
    name: field('name', t(L, 'screening.field.name')),
    askedBy: { ...field('askedBy', t(L, 'visitation.direct.askedBy')), choices: DIRECT_ASKED_BY.map((a) => ({ title: t(L, `visitation.askedBy.${a}`), value: a })) },
    reason: field('reason', t(L, 'visitation.direct.reason')),
    // A choice from the municipality's list (rules/organisation.json): nothing typed reaches the visitators' channel.
    unit: {
      ...field('unit', t(L, 'visitation.direct.unit')),
      placeholder: t(L, 'visitation.direct.unitPlaceholder'),
      choices: services.rules.organisation.referralUnits.map((u) => ({ title: L === 'en' ? u.nameEn : u.name, value: u.id })),
    },
    actions: [button(t(L, 'visitation.direct.send'), 'referral.createDirect', {}, 'positive'), button(t(L, 'common.back'), 'help.show', {})],
  });
}

export async function referCommand(turn: Turn, services: Services): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'refer')];
  return [{ kind: 'card', card: directForm(turn, services), summary: t(turn.lang, 'visitation.direct.title') }];
}

export const directVerbs = {
  'referral.form': async (turn, services) => {
    if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(turn.lang, 'visitation.direct.title')).card };
    return { card: directForm(turn, services) };
  },

  'referral.createDirect': async (turn, services, data) => {
    const L = turn.lang;
    if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(L, 'visitation.direct.title')).card };
    if (!can(turn.roles, 'refer')) return { card: notAllowedReply(turn, t(L, 'visitation.direct.title'), 'refer').card };
    const fields = readFields(L, data, { cpr: 20, name: 100, askedBy: 20, reason: 1000, unit: 60 });
    const { values } = fields;
    const errors: Record<string, string> = { ...fields.errors };
    const cpr = readCpr(values.cpr, L, services);
    if (!cpr.ok) errors.cpr ??= cpr.error;
    if (!values.name.trim() || values.name.length > 100) errors.name ??= t(L, 'screening.error.nameLength');
    if (!(DIRECT_ASKED_BY as readonly string[]).includes(values.askedBy)) errors.askedBy ??= t(L, 'screening.error.choose');
    if (!values.reason.trim()) errors.reason ??= t(L, 'visitation.direct.reasonRequired');
    const unit = values.unit.trim();
    if (unit && !services.rules.organisation.referralUnits.some((u) => u.id === unit)) errors.unit ??= t(L, 'visitation.direct.unitUnknown');
    if (Object.keys(errors).length || !cpr.ok) return { card: directForm(turn, services, values, errors) };
    const { citizen } = await findOrCreateCitizen(services, actorOf(turn), cpr.cpr.digits, values.name, { purpose: PURPOSE, lookedUp: t('da', 'audit.visitation.lookup'), created: t('da', 'audit.visitation.citizen') });
    const referral = await services.referrals.create(actorOf(turn), {
      centre: await services.directory.centreOf(turn.staff),
      month: caseMonth(services),
      citizenId: citizen.id,
      source: { kind: 'direct', unit: unit || undefined, by: turn.staff },
      data: { direct: { askedBy: values.askedBy as (typeof DIRECT_ASKED_BY)[number], reason: values.reason.trim(), unit } },
    });
    return { card: await sentCard(turn, services, referral) };
  },
} satisfies Verbs;
/** The referral is in the queue; whether the visitators' channel got a card. */
async function sentCard(turn: Turn, services: Services, referral: Referral): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const channel = await visitationChannel(services);
  return renderCard('visitation/sent', {
    title: t(L, 'visitation.sent.title'),
    queued: t(L, 'visitation.sent', { caseNumber: referral.caseNumber }),
    channel: t(L, channel ? 'visitation.sent.channel' : 'visitation.sent.noChannel'),
    actions: [button(t(L, 'common.showHelp'), 'help.show', {})],
  });
}
