// A centre's counting week ("tælleuge"; Tabel 1 in seed 002): centre staff record how many distinct
// users came in one week in spring and one in autumn; the figure per week is the average of the two.
import { renderCard } from '../../../cards/index.js';
import type { CountCardData } from '../../../cards/figures/types.js';
import { countOf, usersPerWeek, type Season } from '../../domain/caseStats.js';
import { can } from '../../domain/roles.js';
import { copenhagenParts, formatInteger } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import { button } from '../shared/form.js';
import { str } from '../shared/inputs.js';
import { notAllowedReply, personalOnlyReply } from '../shared/replies.js';
import type { ExecuteResult, Services, Turn, Verbs } from '../types.js';
import { centreUsersLine } from './common.js';

/** More than any centre has in a week (Tabel 1: about 970 users in 3 centres); a typo stops here. */
export const MAX_USERS = 5000;

/** The weeks one may record: this year's spring, its autumn once July has come, and last year's two. Newest first. */
export function countableWeeks(now: Date): { year: number; season: Season }[] {
  const p = copenhagenParts(now);
  const year = Number(p.year);
  const weeks: { year: number; season: Season }[] = [];
  if (Number(p.month) >= 7) weeks.push({ year, season: 'autumn' });
  weeks.push({ year, season: 'spring' }, { year: year - 1, season: 'autumn' }, { year: year - 1, season: 'spring' });
  return weeks;
}

const weekValue = (w: { year: number; season: Season }): string => `${w.year}-${w.season}`;
const weekTitle = (L: Lang, w: { year: number; season: Season }): string => t(L, `figures.week.${w.season}`, { year: String(w.year) });

function refusal(turn: Turn): ExecuteResult | undefined {
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(turn.lang, 'figures.count.title')).card };
  if (!can(turn.roles, 'countingWeek')) return { card: notAllowedReply(turn, t(turn.lang, 'figures.count.title'), 'countingWeek').card };
  return undefined;
}

interface Typed {
  centre: string;
  week: string;
  users: string;
}

async function countCard(turn: Turn, services: Services, typed: Typed, errors: Partial<Record<keyof Typed, string>> = {}, saved = ''): Promise<ExecuteResult> {
  const L = turn.lang;
  const now = services.clock.now();
  const centres = services.rules.organisation.centres;
  const events = await services.store.caseEvents.since(`${Number(copenhagenParts(now).year) - 2}-01-01T00:00:00.000Z`);
  const years = usersPerWeek(events);
  const users = /^\d+$/.test(typed.users.trim()) ? Number(typed.users.trim()) : undefined;
  const data: CountCardData = {
    title: t(L, 'figures.count.title'),
    intro: t(L, 'figures.count.intro'),
    saved,
    centre: { label: t(L, 'figures.centreLabel'), value: typed.centre, error: errors.centre ?? '', choices: centres.map((c) => ({ title: c.name, value: c.id })) },
    week: { label: t(L, 'figures.count.weekLabel'), value: typed.week, error: errors.week ?? '', choices: countableWeeks(now).map((w) => ({ title: weekTitle(L, w), value: weekValue(w) })) },
    users: { label: t(L, 'figures.count.usersLabel'), placeholder: t(L, 'figures.count.usersPlaceholder'), filled: users !== undefined, value: users ?? 0, error: errors.users ?? '' },
    recorded: {
      title: t(L, 'figures.users.title'),
      facts: centres.map((c) => ({ title: c.name, value: centreUsersLine(L, years.find((y) => y.centre === c.id)) })),
      note: t(L, 'figures.users.note'),
    },
    actions: [
      button(t(L, 'figures.count.save'), 'figures.count', {}, 'positive'),
      ...(can(turn.roles, 'statistics') ? [button(t(L, 'figures.button.stats'), 'visits.stats', {})] : []),
      button(t(L, 'common.showHelp'), 'help.show', {}),
    ],
  };
  return { card: renderCard('figures/count', data) };
}

export const countVerbs = {
  'figures.countStart': async (turn, services) => {
    const refused = refusal(turn);
    if (refused) return refused;
    const own = await services.directory.centreOf(turn.staff);
    return countCard(turn, services, { centre: own ?? '', week: weekValue(countableWeeks(services.clock.now())[0]!), users: '' });
  },

  'figures.count': async (turn, services, data) => {
    const refused = refusal(turn);
    if (refused) return refused;
    const L = turn.lang;
    // As typed (a number input may send a number or a string); what is wrong is said under its field.
    const typed: Typed = { centre: str(data.centre).slice(0, 100), week: str(data.week).slice(0, 20), users: typeof data.users === 'number' ? String(data.users) : str(data.users).slice(0, 20) };
    const errors: Partial<Record<keyof Typed, string>> = {};
    const centre = services.rules.organisation.centres.find((c) => c.id === typed.centre);
    if (!centre) errors.centre = t(L, 'figures.error.centre');
    const week = countableWeeks(services.clock.now()).find((w) => weekValue(w) === typed.week);
    if (!week) errors.week = t(L, 'figures.error.week');
    const users = typed.users.trim();
    if (!/^\d{1,5}$/.test(users) || Number(users) > MAX_USERS) errors.users = t(L, 'figures.error.users', { max: formatInteger(L, MAX_USERS) });
    if (!centre || !week || errors.users) return countCard(turn, services, typed, errors);
    const at = services.clock.now().toISOString();
    const before = countOf(await services.store.caseEvents.since(`${week.year}-01-01T00:00:00.000Z`), centre.id, week.year, week.season);
    await services.store.caseEvents.append({ at, kind: 'counted', centre: centre.id, year: week.year, season: week.season, users: Number(users) });
    services.log.info('counting week recorded', { centre: centre.id, year: week.year, season: week.season });
    const saved = t(L, before === undefined ? 'figures.count.saved' : 'figures.count.replaced', { users: formatInteger(L, Number(users)), centre: centre.name, week: weekTitle(L, week), before: before === undefined ? '' : formatInteger(L, before) });
    return countCard(turn, services, { centre: centre.id, week: typed.week, users: '' }, {}, saved);
  },
} satisfies Verbs;
