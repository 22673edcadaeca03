// The managers' figures: visits planned, double visits found, avoided and kept, and what was saved.
import { renderCard } from '../../../cards/index.js';
import { can } from '../../domain/roles.js';
import { statsCsv, visitStats } from '../../domain/visitStats.js';
import { copenhagenIsoDay, copenhagenParts, formatDecimal, formatInteger, formatMonth } from '../../i18n/format.js';
import { t } from '../../i18n/index.js';
import { button } from '../shared/form.js';
import { fileReplies, notAllowedReply, personalOnlyReply, withBom } from '../shared/replies.js';
import type { Reply, Verbs } from '../types.js';

export const statsVerbs = {
  'visits.stats': async (turn, services, data) => {
    const L = turn.lang;
    if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(L, 'visits.stats.title')).card };
    if (!can(turn.roles, 'statistics')) return { card: notAllowedReply(turn, t(L, 'visits.stats.title'), 'statistics').card };
    const p = copenhagenParts(services.clock.now());
    const from = `${Number(p.year) - 1}-${p.month}-01T00:00:00.000Z`;
    const rows = visitStats(await services.store.visitEvents.since(from), services.rules.visits.perVisit, services.rules.visits.timeZone);
    const months = [...new Set(rows.map((r) => r.month))];
    const sum = (k: 'planned' | 'doubleFound' | 'avoidedJoint' | 'avoidedHandedOver' | 'keptWithReason' | 'kmSaved' | 'hoursSaved') => rows.reduce((a, r) => a + r[k], 0);
    // A document card, as the care-record texts: the notification shows the title, not the table.
    // In Teams a file (UTF-8 with BOM, ';'-separated: Danish Excel opens it as it is).
    // Savings only from the municipality's own figures per avoided visit (rules/visits.json), never a placeholder.
    const perVisit = services.rules.visits.perVisit;
    const own = perVisit.setByMunicipality;
    const csv = statsCsv(rows, { savings: own });
    const file = { name: `besoegsstatistik-${copenhagenIsoDay(services.clock.now())}.csv`, contentType: 'text/csv; charset=utf-8', content: withBom(csv), description: t(L, 'files.stats.description') };
    const also: Reply[] = data.csv === true || data.csv === 'yes' ? fileReplies(turn, file, { titleKey: 'visits.stats.csvTitle', text: csv }, 'visits.stats.title') : [];
    const card = renderCard('visits/stats', {
      title: t(L, 'visits.stats.title'),
      intro: t(L, 'visits.stats.intro'),
      figures: [
        { title: t(L, 'visits.stats.planned'), value: formatInteger(L, sum('planned')) },
        { title: t(L, 'visits.stats.found'), value: formatInteger(L, sum('doubleFound')) },
        { title: t(L, 'visits.stats.avoided'), value: formatInteger(L, sum('avoidedJoint') + sum('avoidedHandedOver')) },
        { title: t(L, 'visits.stats.kept'), value: formatInteger(L, sum('keptWithReason')) },
        ...(own
          ? [
              { title: t(L, 'visits.stats.km'), value: formatDecimal(L, sum('kmSaved')) },
              { title: t(L, 'visits.stats.hours'), value: formatDecimal(L, sum('hoursSaved')) },
            ]
          : []),
      ],
      // The chart takes numbers (y) and labels (x): a month as "nov. 2026", short enough not to be cut.
      chart: { title: t(L, 'visits.stats.chart'), data: months.map((m) => ({ x: formatMonth(L, m), y: rows.filter((r) => r.month === m).reduce((a, r) => a + r.avoidedJoint + r.avoidedHandedOver, 0) })) },
      note: own ? t(L, 'visits.stats.ownFigures', { km: formatDecimal(L, perVisit.km), hours: formatDecimal(L, perVisit.staffHours) }) : t(L, 'visits.stats.noFigures'),
      actions: [button(t(L, 'visits.button.csv'), 'visits.stats', { csv: 'yes' }), button(t(L, 'common.showHelp'), 'help.show', {})],
    });
    return { card, also };
  },
} satisfies Verbs;
