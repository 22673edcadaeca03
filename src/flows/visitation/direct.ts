// A direct referral: any staff member, for a citizen who or whose relative asks.
import { findOrCreateCitizen } from '../shared/citizens.js';
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import { readCpr } from '../shared/cpr.js';
import { readFields } from '../shared/inputs.js';
import { can } from '../../domain/roles.js';
import { t } from '../../i18n/index.js';
import { button, choice, textInput } from '../shared/form.js';
import { notAllowedReply, personalOnlyLine, personalOnlyReply } from '../shared/replies.js';
import type { Reply, Services, Turn, Verbs } from '../types.js';
import type { Referral } from '../../store/index.js';
import { DIRECT_ASKED_BY } from '../../services/referrals.js';
import { actorOf, PURPOSE, visitationChannel } from './common.js';

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

export const directVerbs = {
  'referral.form': async (turn) => {
    if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(turn.lang, 'visitation.direct.title')).card };
    return { card: directForm(turn) };
  },

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
    const { citizen } = await findOrCreateCitizen(services, actorOf(turn), cpr.cpr.digits, values.name, { purpose: PURPOSE, lookedUp: t('da', 'audit.visitation.lookup'), created: t('da', 'audit.visitation.citizen') });
    const referral = await services.referrals.create(actorOf(turn), {
      citizenId: citizen.id,
      source: { kind: 'direct', unit: values.unit.trim() || undefined, by: turn.staff },
      data: { direct: { askedBy: values.askedBy as (typeof DIRECT_ASKED_BY)[number], reason: values.reason.trim(), unit: values.unit.trim() } },
    });
    return { card: await sentCard(turn, services, referral) };
  },
} satisfies Verbs;
async function sentCard(turn: Turn, services: Services, referral: Referral): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const channel = await visitationChannel(services);
  const lines = [t(L, 'visitation.sent', { caseNumber: referral.caseNumber })];
  lines.push(t(L, channel ? 'visitation.sent.channel' : 'visitation.sent.noChannel'));
  return renderCard('form', { stepLabel: '', title: t(L, 'visitation.sent.title'), intro: lines, fields: [], actions: [button(t(L, 'common.showHelp'), 'help.show', {})] });
}

