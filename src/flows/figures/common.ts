// What the figures' screens share: the counting-week line of a centre, and the CSV's rows.
import { sortedCounts, usersPerWeek, type CaseCount, type CentreYear, type CountingWeek } from '../../domain/caseStats.js';
import { figuresCsv as toCsv, type FigureRow } from '../../domain/figuresCsv.js';
import type { StatsRow } from '../../domain/visitStats.js';
import { formatInteger } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Services } from '../types.js';

/** The filter value for figures that belong to no centre (a direct referral from home care, say). */
export const NO_CENTRE = 'none';

/**
 * "23 i 2026 (forår 20, efterår 26)" for a centre's latest year with a count, or what is missing;
 * while the latest year has only one count, the last whole year's average too. `years`: the
 * centre's, newest first (usersPerWeek).
 */
export function centreUsersLine(L: Lang, years: readonly CentreYear[]): string {
  const [year] = years;
  if (!year) return t(L, 'figures.users.none');
  const n = (v: number) => formatInteger(L, v);
  if (year.average !== undefined) return t(L, 'figures.users.both', { average: n(year.average), year: String(year.year), spring: n(year.spring!.users), autumn: n(year.autumn!.users) });
  const line = year.spring ? t(L, 'figures.users.springOnly', { year: String(year.year), spring: n(year.spring.users) }) : t(L, 'figures.users.autumnOnly', { year: String(year.year), autumn: n(year.autumn!.users) });
  const whole = years.find((y) => y.average !== undefined);
  return whole ? `${line}; ${t(L, 'figures.users.lastWhole', { average: n(whole.average!), year: String(whole.year) })}` : line;
}

/**
 * Everything on the card, for all centres, services and the 12 months, as CSV lines in Danish (the
 * file is for the municipality's Excel): every counting week, the case counters, then visits.
 */
export function figuresCsv(services: Services, cases: readonly CaseCount[], weeks: readonly CountingWeek[], visitRows: readonly StatsRow[], options: { savings: boolean }): string {
  const da = (key: string, vars?: Record<string, string>) => t('da', key, vars);
  const centreName = (id: string | undefined) => (id === undefined ? da('figures.noCentre') : (services.rules.organisation.centres.find((c) => c.id === id)?.name ?? id));
  const rows: FigureRow[] = [];
  for (const y of usersPerWeek(weeks)) {
    const centre = centreName(y.centre);
    const area = da('figures.csv.countingWeek');
    if (y.spring) rows.push({ period: `${y.year} ${da('figures.season.spring')}`, centre, area, measure: da('figures.csv.usersInWeek'), value: y.spring.users });
    if (y.autumn) rows.push({ period: `${y.year} ${da('figures.season.autumn')}`, centre, area, measure: da('figures.csv.usersInWeek'), value: y.autumn.users });
    if (y.average !== undefined) rows.push({ period: String(y.year), centre, area, measure: da('figures.csv.usersPerWeek'), value: y.average });
  }
  for (const c of sortedCounts(cases)) rows.push({ period: c.month, centre: centreName(c.centre), area: da(`figures.csv.${c.kind}`), measure: da(`figures.${c.kind}.${c.value}`), value: c.n });
  const serviceName = (id: string) => services.rules.visits.services.find((s) => s.id === id)?.name ?? id;
  for (const r of visitRows) {
    const at = { period: r.month, centre: '', area: serviceName(r.service) };
    rows.push(
      { ...at, measure: da('visits.stats.planned'), value: r.planned },
      { ...at, measure: da('visits.stats.found'), value: r.doubleFound },
      { ...at, measure: da('figures.csv.avoidedJoint'), value: r.avoidedJoint },
      { ...at, measure: da('figures.csv.avoidedHandedOver'), value: r.avoidedHandedOver },
      { ...at, measure: da('visits.stats.kept'), value: r.keptWithReason },
    );
    // Without the municipality's own figures per visit, no savings (a placeholder is no figure).
    if (options.savings) rows.push({ ...at, measure: da('visits.stats.km'), value: r.kmSaved, decimals: 1 }, { ...at, measure: da('visits.stats.hours'), value: r.hoursSaved, decimals: 1 });
  }
  return toCsv(rows);
}
