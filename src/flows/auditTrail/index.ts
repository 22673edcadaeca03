// "adgangslog": an administrator or the data-protection officer exports one citizen's access trail (who
// looked at or changed what, when and why): in Teams as a file, in local mode as cards. The export is itself audited.
import { renderCard } from '../../../cards/index.js';
import { maskCpr } from '../../domain/cpr.js';
import { readCprForLookup } from '../shared/cpr.js';
import { readFields } from '../shared/inputs.js';
import { can } from '../../domain/roles.js';
import { copenhagenIsoDay } from '../../i18n/format.js';
import { t } from '../../i18n/index.js';
import { fileReplies, notAllowedReply, withBom, personalOnlyLine, personalOnlyReply } from '../shared/replies.js';
import type { ExecuteResult, Reply, Services, Turn, Flow, Verbs } from '../types.js';
import { citizenRecords, formatTrail, trailOf } from '../shared/trail.js';


function refusal(turn: Turn): ExecuteResult | undefined {
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(turn.lang, 'flow.auditTrail.title')).card };
  if (!can(turn.roles, 'auditExport')) return { card: notAllowedReply(turn, t(turn.lang, 'flow.auditTrail.title'), 'auditExport').card };
  return undefined;
}

function formCard(turn: Turn, cpr = '', error = '', done = ''): ExecuteResult {
  return {
    card: renderCard('auditExport', {
      title: t(turn.lang, 'audit.title'),
      intro: t(turn.lang, 'audit.intro'),
      cprLabel: t(turn.lang, 'audit.cprLabel'),
      cprPlaceholder: t(turn.lang, 'audit.cprPlaceholder'),
      cprRequired: t(turn.lang, 'audit.cprRequired'),
      cpr,
      error,
      done,
      exportButton: t(turn.lang, 'audit.export'),
      backButton: t(turn.lang, 'common.back'),
    }),
  };
}

async function auditCommand(turn: Turn): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'auditTrail')];
  const refused = refusal(turn);
  const card = refused?.card ?? formCard(turn).card;
  return [{ kind: 'card', card, summary: t(turn.lang, 'audit.title') }];
}

const auditVerbs = {
  async 'audit.start'(turn: Turn): Promise<ExecuteResult> {
    return refusal(turn) ?? formCard(turn);
  },

  async 'audit.export'(turn: Turn, services: Services, data: Record<string, unknown>): Promise<ExecuteResult> {
    const refused = refusal(turn);
    if (refused) return refused;
    const fields = readFields(turn.lang, data, { cpr: 20 });
    const typed = fields.values.cpr;
    if (fields.errors.cpr) return formCard(turn, typed, fields.errors.cpr);
    const parsed = readCprForLookup(typed, turn.lang, services);
    if (!parsed.ok) return formCard(turn, typed, parsed.error);
    // The record, and any former ones under the same CPR number (only the data-protection role learns of those).
    const { ids } = await citizenRecords(turn, services, parsed.digits);
    if (!ids.length) return formCard(turn, typed, t(turn.lang, 'audit.unknownCitizen'));
    const entries = await trailOf(services, ids);
    for (const id of ids) {
      await services.store.audit.append({ actor: { ...turn.staff, name: turn.user.name }, citizenId: id, action: 'export', purpose: t('da', 'audit.purpose'), what: t('da', 'audit.what') });
    }
    const masked = maskCpr(parsed.digits);
    return {
      card: formCard(turn, '', '', t(turn.lang, 'audit.done', { cpr: masked, count: entries.length })).card,
      // A file named by its date only: the name shows in the chat and the feed.
      also: fileReplies(
        turn,
        { name: `adgangslog-${copenhagenIsoDay(services.clock.now())}.txt`, contentType: 'text/plain; charset=utf-8', content: withBom(formatTrail(turn.lang, masked, entries)), description: t(turn.lang, 'files.audit.description'), citizenId: ids.at(-1) },
        { titleKey: 'audit.title', text: formatTrail(turn.lang, masked, entries) },
        'audit.title',
      ),
    };
  },
} satisfies Verbs;

export const auditTrailFlow = { commands: { auditTrail: async (turn) => auditCommand(turn) }, verbs: auditVerbs } satisfies Flow;
