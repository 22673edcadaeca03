// The managers' figures ("statistik"): users per week per centre, screenings by outcome, referrals
// and decisions by offer, per centre and month; visits planned, double visits found, avoided and
// kept, per service; km and hours saved from the municipality's own figures only. Counts only.
import { z } from 'zod';
import { renderCard } from '../../../cards/index.js';
import type { FigureSection, StatsCardData } from '../../../cards/figures/types.js';
import { caseCounts, DECISION_OFFERS, monthOf, REFERRAL_SOURCES, SCREENING_OUTCOMES, screeningsPerMonth, usersPerWeek, type CaseFilter } from '../../domain/caseStats.js';
import { can } from '../../domain/roles.js';
import { visitStats, type StatsRow } from '../../domain/visitStats.js';
import { copenhagenIsoDay, formatDecimal, formatInteger, formatMonth } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import { button } from '../shared/form.js';
import { fileReplies, notAllowedReply, personalOnlyReply, withBom } from '../shared/replies.js';
import type { ExecuteResult, Reply, Services, Turn, Verbs } from '../types.js';
import { centreUsersLine, figuresCsv, NO_CENTRE } from './common.js';

// Named apart from the counting-week card's inputs: a button sends every input on its card along.
// Each read on its own: a wrong one gets its message, and does not drop the other.
const Filter = z.string().max(100).optional();

/** The 12 months up to and including this one (YYYY-MM, in the municipality's time zone, as the counters are), oldest first. */
export function lastTwelveMonths(now: Date, timeZone: string): string[] {
  const [year, month] = monthOf(now.toISOString(), timeZone).split('-').map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) => {
    const m = month - 11 + i;
    const y = m <= 0 ? year - 1 : year;
    return `${y}-${String(m <= 0 ? m + 12 : m).padStart(2, '0')}`;
  });
}

/** From a day before the first month began in UTC: an event at 00:30 Danish time on the 1st is 22:30 or 23:30 UTC the day before. */
const sinceFor = (month: string): string => new Date(Date.parse(`${month}-01T00:00:00.000Z`) - 24 * 3600 * 1000).toISOString();

export const statsVerbs = {
  'visits.stats': async (turn, services, data) => {
    const L = turn.lang;
    if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(L, 'visits.stats.title')).card };
    if (!can(turn.roles, 'statistics')) return { card: notAllowedReply(turn, t(L, 'visits.stats.title'), 'statistics').card };
    return statsCard(turn, services, data);
  },
} satisfies Verbs;

async function statsCard(turn: Turn, services: Services, data: Record<string, unknown>): Promise<ExecuteResult> {
  const L = turn.lang;
  const now = services.clock.now();
  const timeZone = services.rules.visits.timeZone;
  const months = lastTwelveMonths(now, timeZone);
  const centres = services.rules.organisation.centres;
  // The filters, checked: a forged or stale value gets its message on the card, and all is shown.
  const askedCentre = Filter.safeParse(data.filterCentre);
  const askedMonth = Filter.safeParse(data.filterMonth);
  const errors = { centre: '', month: '' };
  let centre = askedCentre.success ? (askedCentre.data ?? 'all') : '';
  if (centre !== 'all' && centre !== NO_CENTRE && !centres.some((c) => c.id === centre)) {
    errors.centre = t(L, 'figures.error.centre');
    centre = 'all';
  }
  let month = askedMonth.success ? (askedMonth.data ?? 'all') : '';
  if (month !== 'all' && !months.includes(month)) {
    errors.month = t(L, 'figures.error.month');
    month = 'all';
  }
  const filter: CaseFilter = { ...(centre === 'all' ? {} : { centre: centre === NO_CENTRE ? null : centre }), ...(month === 'all' ? {} : { month }) };
  const shownMonths = month === 'all' ? months : [month];
  // The case counters of the 12 months; every counting week (a few a year per centre).
  const cases = (await services.store.caseCounts.since(months[0]!)).filter((c) => months.includes(c.month));
  const weeks = await services.store.countingWeeks.all();
  const perVisit = services.rules.visits.perVisit;
  const own = perVisit.setByMunicipality;
  const allVisitRows = visitStats(await services.store.visitEvents.since(sinceFor(months[0]!)), perVisit, timeZone).filter((r) => months.includes(r.month));
  const visitRows = allVisitRows.filter((r) => shownMonths.includes(r.month));
  const counts = caseCounts(cases, filter);
  const centreName = (id: string) => centres.find((c) => c.id === id)?.name ?? id;
  const sections: FigureSection[] = [];
  if (centre !== NO_CENTRE) {
    const years = usersPerWeek(weeks).filter((y) => centre === 'all' || y.centre === centre);
    const shown = centre === 'all' ? centres.map((c) => c.id) : [centre];
    sections.push({
      title: t(L, 'figures.users.title'),
      facts: shown.map((id) => ({ title: centreName(id), value: centreUsersLine(L, years.filter((y) => y.centre === id)) })),
      note: t(L, 'figures.users.note'),
    });
  }
  const fact = (key: string, n: number) => ({ title: t(L, key), value: formatInteger(L, n) });
  const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  sections.push(
    { title: t(L, 'figures.screened.title'), facts: [...SCREENING_OUTCOMES.map((o) => fact(`figures.screened.${o}`, counts.screened[o])), fact('figures.total', total(counts.screened))], note: '' },
    { title: t(L, 'figures.referred.title'), facts: REFERRAL_SOURCES.map((s) => fact(`figures.referred.${s}`, counts.referred[s])), note: '' },
    { title: t(L, 'figures.decided.title'), facts: DECISION_OFFERS.map((o) => fact(`figures.decided.${o}`, counts.decided[o])), note: t(L, 'figures.decided.note') },
  );
  sections.push(visitSection(L, services, visitRows, own));
  const charts: StatsCardData['charts'] = [];
  if (month === 'all') {
    const chart = (title: string, data: { x: string; y: number }[]) => ({ title, data, empty: data.some((d) => d.y > 0) ? '' : t(L, 'figures.chart.none') });
    charts.push(chart(t(L, 'figures.chart.screened'), screeningsPerMonth(cases, months, { centre: filter.centre }).map((m) => ({ x: formatMonth(L, m.month), y: m.count }))));
    charts.push(chart(t(L, 'visits.stats.chart'), months.map((m) => ({ x: formatMonth(L, m), y: visitRows.filter((r) => r.month === m).reduce((a, r) => a + r.avoidedJoint + r.avoidedHandedOver, 0) }))));
  }
  // A document card, as the care-record texts: the notification shows the title, not the table.
  // In Teams a file (UTF-8 with BOM, ';'-separated: Danish Excel opens it as it is), always all 12 months, centres and services.
  const csv = figuresCsv(services, cases, weeks, allVisitRows, { savings: own });
  const file = { name: `noegletal-${copenhagenIsoDay(now)}.csv`, contentType: 'text/csv; charset=utf-8', content: withBom(csv), description: t(L, 'files.stats.description') };
  const also: Reply[] = data.csv === true || data.csv === 'yes' ? fileReplies(turn, file, { titleKey: 'visits.stats.csvTitle', text: csv }, 'visits.stats.title') : [];
  const centreTitle = centre === 'all' ? t(L, 'figures.allCentres') : centre === NO_CENTRE ? t(L, 'figures.noCentre') : centreName(centre);
  const card = renderCard('figures/stats', {
    title: t(L, 'visits.stats.title'),
    intro: t(L, 'visits.stats.intro'),
    centre: {
      label: t(L, 'figures.centreLabel'),
      value: centre,
      error: errors.centre,
      choices: [{ title: t(L, 'figures.allCentres'), value: 'all' }, ...centres.map((c) => ({ title: c.name, value: c.id })), { title: t(L, 'figures.noCentre'), value: NO_CENTRE }],
    },
    month: {
      label: t(L, 'figures.monthLabel'),
      value: month,
      error: errors.month,
      choices: [{ title: t(L, 'figures.allMonths'), value: 'all' }, ...[...months].reverse().map((m) => ({ title: formatMonth(L, m), value: m }))],
    },
    showButton: t(L, 'figures.show'),
    showing: t(L, 'figures.showing', { centre: centreTitle, period: month === 'all' ? t(L, 'figures.allMonths').toLowerCase() : formatMonth(L, month) }),
    sections,
    charts,
    note: own ? t(L, 'visits.stats.ownFigures', { km: formatDecimal(L, perVisit.km), hours: formatDecimal(L, perVisit.staffHours) }) : t(L, 'visits.stats.noFigures'),
    actions: [
      button(t(L, 'visits.button.csv'), 'visits.stats', { csv: 'yes' }),
      ...(can(turn.roles, 'countingWeek') ? [button(t(L, 'figures.button.count'), 'figures.countStart', {})] : []),
      button(t(L, 'common.showHelp'), 'help.show', {}),
    ],
  });
  return { card, also };
}

/** Visits, for the whole municipality (visits belong to services, not centres): the totals, then each service. */
function visitSection(L: Lang, services: Services, rows: readonly StatsRow[], own: boolean): FigureSection {
  const sum = (k: 'planned' | 'doubleFound' | 'avoidedJoint' | 'avoidedHandedOver' | 'keptWithReason' | 'kmSaved' | 'hoursSaved', of = rows) => of.reduce((a, r) => a + r[k], 0);
  const perService = services.rules.visits.services
    .map((s) => ({ s, of: rows.filter((r) => r.service === s.id) }))
    .filter(({ of }) => of.length)
    .map(({ s, of }) => ({
      title: L === 'en' ? s.nameEn : s.name,
      value: t(L, 'figures.visits.perService', { planned: formatInteger(L, sum('planned', of)), found: formatInteger(L, sum('doubleFound', of)), avoided: formatInteger(L, sum('avoidedJoint', of) + sum('avoidedHandedOver', of)), kept: formatInteger(L, sum('keptWithReason', of)) }),
    }));
  return {
    title: t(L, 'figures.visits.title'),
    facts: [
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
      ...perService,
    ],
    note: t(L, 'figures.visits.note'),
  };
}
