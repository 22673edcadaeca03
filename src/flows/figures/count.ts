// A centre's counting week ("tælleuge"; Tabel 1 in seed 002): centre staff record how many distinct
// users came in one week in spring and one in autumn; the figure per week is the average of the two.
// A centre's staff record their own centre's weeks, a manager any centre's; a count recorded again
// replaces the one before, and one recorded by mistake can be removed. Each says who recorded it.
import { renderCard } from '../../../cards/index.js';
import type { CountCardData } from '../../../cards/figures/types.js';
import { countOf, usersPerWeek, type Season, type WeekCount } from '../../domain/caseStats.js';
import { can } from '../../domain/roles.js';
import { copenhagenParts, formatDate, formatInteger } from '../../i18n/format.js';
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

/** The centres this person may record for: a manager any; centre staff their own, once it is known (else any). */
async function allowedCentres(turn: Turn, services: Services): Promise<{ id: string; name: string }[]> {
  const all = services.rules.organisation.centres;
  if (can(turn.roles, 'statistics')) return all;
  const own = await services.directory.centreOf(turn.staff);
  const mine = all.filter((c) => c.id === own);
  return mine.length ? mine : all;
}

interface Typed {
  centre: string;
  week: string;
  users: string;
}

async function countCard(turn: Turn, services: Services, typed: Typed, errors: Partial<Record<keyof Typed, string>> = {}, saved = ''): Promise<ExecuteResult> {
  const L = turn.lang;
  const now = services.clock.now();
  const centres = await allowedCentres(turn, services);
  const years = usersPerWeek(await services.store.countingWeeks.all());
  // A number input shows a number: what was typed, if it reads as one (1.000 and 12,5 too), so it can be corrected.
  const typedNumber = readUsers(typed.users) ?? Number(typed.users.trim().replace(',', '.'));
  const filled = typed.users.trim() !== '' && Number.isFinite(typedNumber);
  const data: CountCardData = {
    title: t(L, 'figures.count.title'),
    intro: t(L, 'figures.count.intro'),
    saved,
    centre: { label: t(L, 'figures.centreLabel'), value: typed.centre, error: errors.centre ?? '', choices: centres.map((c) => ({ title: c.name, value: c.id })) },
    week: { label: t(L, 'figures.count.weekLabel'), value: typed.week, error: errors.week ?? '', choices: countableWeeks(now).map((w) => ({ title: weekTitle(L, w), value: weekValue(w) })) },
    users: { label: t(L, 'figures.count.usersLabel'), placeholder: t(L, 'figures.count.usersPlaceholder'), filled, value: filled ? typedNumber : 0, error: errors.users ?? '' },
    recorded: {
      title: t(L, 'figures.users.title'),
      facts: centres.map((c) => ({ title: c.name, value: centreUsersLine(L, years.filter((y) => y.centre === c.id)) })),
      note: t(L, 'figures.users.note'),
    },
    actions: [
      button(t(L, 'figures.count.save'), 'figures.count', {}, 'positive'),
      button(t(L, 'figures.count.remove'), 'figures.countRemove', {}),
      ...(can(turn.roles, 'statistics') ? [button(t(L, 'figures.button.stats'), 'visits.stats', {})] : []),
      button(t(L, 'common.showHelp'), 'help.show', {}),
    ],
  };
  return { card: renderCard('figures/count', data) };
}

/** The centre and week as pressed, checked; what is wrong is said under its field. */
async function readWeek(turn: Turn, services: Services, data: Record<string, unknown>) {
  const L = turn.lang;
  // As typed (a number input may send a number or a string).
  const typed: Typed = { centre: str(data.centre).slice(0, 100), week: str(data.week).slice(0, 20), users: typeof data.users === 'number' ? String(data.users) : str(data.users).slice(0, 20) };
  const errors: Partial<Record<keyof Typed, string>> = {};
  const centre = (await allowedCentres(turn, services)).find((c) => c.id === typed.centre);
  if (!centre) errors.centre = t(L, 'figures.error.centre');
  const week = countableWeeks(services.clock.now()).find((w) => weekValue(w) === typed.week);
  if (!week) errors.week = t(L, 'figures.error.week');
  return { typed, errors, centre, week };
}

/** "20, registreret af Lee Gu 12.04.2026". */
async function countWords(L: Lang, services: Services, count: WeekCount): Promise<string> {
  const by = count.by ? (await services.store.staff.get(count.by))?.name : undefined;
  return t(L, by ? 'figures.count.was' : 'figures.count.wasNoName', { users: formatInteger(L, count.users), by: by ?? '', date: formatDate(L, count.at) });
}

/** A whole number of users as a Dane may type it: 320, 1000 or 1.000 (a thousands point); undefined otherwise. */
export function readUsers(typed: string): number | undefined {
  const s = typed.trim();
  if (/^\d{1,5}$/.test(s)) return Number(s);
  if (/^\d{1,2}\.\d{3}$/.test(s)) return Number(s.replace('.', ''));
  return undefined;
}

const usersWord = (L: Lang, n: number): string => t(L, n === 1 ? 'figures.count.user' : 'figures.count.users', { n: formatInteger(L, n) });

export const countVerbs = {
  'figures.countStart': async (turn, services) => {
    const refused = refusal(turn);
    if (refused) return refused;
    // No week chosen for them: which one was counted is theirs to say (a spring week may be to come).
    const own = await services.directory.centreOf(turn.staff);
    const centres = await allowedCentres(turn, services);
    return countCard(turn, services, { centre: centres.some((c) => c.id === own) ? own! : centres.length === 1 ? centres[0]!.id : '', week: '', users: '' });
  },

  'figures.count': async (turn, services, data) => {
    const refused = refusal(turn);
    if (refused) return refused;
    const L = turn.lang;
    const { typed, errors, centre, week } = await readWeek(turn, services, data);
    const users = readUsers(typed.users);
    if (users === undefined || users > MAX_USERS) errors.users = t(L, 'figures.error.users', { max: formatInteger(L, MAX_USERS) });
    if (!centre || !week || users === undefined || errors.users) return countCard(turn, services, typed, errors);
    const before = countOf(await services.store.countingWeeks.all(), centre.id, week.year, week.season);
    await services.store.countingWeeks.append({ at: services.clock.now().toISOString(), centre: centre.id, year: week.year, season: week.season, users, by: turn.staff });
    services.log.info('counting week recorded', { centre: centre.id, year: week.year, season: week.season, by: turn.staff.aadObjectId });
    const what = t(L, 'figures.count.saved', { users: usersWord(L, users), centre: centre.name, week: weekTitle(L, week) });
    const saved = before ? `${what} ${t(L, 'figures.count.replaces', { before: await countWords(L, services, before) })}` : what;
    return countCard(turn, services, { centre: centre.id, week: typed.week, users: '' }, {}, saved);
  },

  'figures.countRemove': async (turn, services, data) => {
    const refused = refusal(turn);
    if (refused) return refused;
    const L = turn.lang;
    const { typed, errors, centre, week } = await readWeek(turn, services, data);
    if (!centre || !week) return countCard(turn, services, typed, errors);
    const before = countOf(await services.store.countingWeeks.all(), centre.id, week.year, week.season);
    if (!before) return countCard(turn, services, typed, { week: t(L, 'figures.error.nothingToRemove', { centre: centre.name, week: weekTitle(L, week) }) });
    await services.store.countingWeeks.append({ at: services.clock.now().toISOString(), centre: centre.id, year: week.year, season: week.season, users: null, by: turn.staff });
    services.log.info('counting week removed', { centre: centre.id, year: week.year, season: week.season, by: turn.staff.aadObjectId });
    return countCard(turn, services, { centre: centre.id, week: typed.week, users: '' }, {}, t(L, 'figures.count.removed', { centre: centre.name, week: weekTitle(L, week), before: await countWords(L, services, before) }));
  },
} satisfies Verbs;
