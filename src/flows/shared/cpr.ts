// A CPR number typed on a card: parsed against today in Denmark (from the bot's clock), with the
// message to show at the field when it is not one. Recording a citizen refuses a birth date after
// today; looking one up does not, so a citizen stored with such a number before it was refused can
// still be found (for an access request, say).
import { parseCpr, type Cpr } from '../../domain/cpr.js';
import { copenhagenDay, formatDay } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Services } from '../types.js';

export function readCpr(typed: string, lang: Lang, services: Pick<Services, 'clock'>): { ok: true; cpr: Cpr } | { ok: false; error: string } {
  const parsed = parseCpr(typed, copenhagenDay(services.clock.now()));
  if (parsed.ok) return parsed;
  if (parsed.problem === 'future') {
    return { ok: false, error: t(lang, 'cpr.future', { date: formatDay(lang, parsed.birthDate) }) };
  }
  return { ok: false, error: t(lang, parsed.problem === 'date' ? 'cpr.badDate' : 'cpr.badFormat') };
}

/** For finding a citizen already stored: ten digits with a real date, whatever the date. */
export function readCprForLookup(typed: string, lang: Lang, services: Pick<Services, 'clock'>): { ok: true; digits: string } | { ok: false; error: string } {
  const parsed = parseCpr(typed, copenhagenDay(services.clock.now()));
  if (parsed.ok) return { ok: true, digits: parsed.cpr.digits };
  if (parsed.problem === 'future') return { ok: true, digits: parsed.digits };
  return { ok: false, error: t(lang, parsed.problem === 'date' ? 'cpr.badDate' : 'cpr.badFormat') };
}

