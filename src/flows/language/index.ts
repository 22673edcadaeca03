// "sprog" / "language": each person chooses whether the bot writes to them in Danish or English.
// Danish is the default; a Teams client's locale decides only where the municipality allows it
// (LANGUAGE_FROM_CLIENT). The choice applies to that person only, also to what the bot sends them later.
import { renderCard } from '../../../cards/index.js';
import { isLang, t, type Lang } from '../../i18n/index.js';
import type { ExecuteResult, Flow, Reply, Services, Turn, Verbs } from '../types.js';

function languageCard(turn: Turn, lang: Lang, saved: boolean): ExecuteResult {
  return {
    card: renderCard('notice', {
      title: t(lang, 'language.title'),
      lines: [t(lang, saved ? 'language.saved' : 'language.current'), t(lang, 'language.choose')],
      actions: [
        { kind: 'execute', title: t(lang, 'language.button.da'), verb: 'language.set', data: { lang: 'da' } },
        { kind: 'execute', title: t(lang, 'language.button.en'), verb: 'language.set', data: { lang: 'en' } },
        { kind: 'execute', title: t(lang, 'language.button.default'), verb: 'language.set', data: { lang: 'default' } },
        { kind: 'execute', title: t(lang, 'common.showHelp'), verb: 'help.show', data: {} },
      ],
    }),
  };
}

const languageVerbs = {
  'language.show': async (turn) => languageCard(turn, turn.lang, false),
  'language.set': async (turn, services, data) => {
    const chosen = data.lang === 'default' ? undefined : isLang(data.lang) ? data.lang : null;
    if (chosen === null) return languageCard(turn, turn.lang, false);
    await services.directory.setLanguage(turn.staff, chosen);
    const now = await services.directory.languageOf(turn.staff);
    services.log.info('language chosen', { by: turn.staff.aadObjectId, lang: chosen ?? 'default' });
    return languageCard(turn, now, true);
  },
} satisfies Verbs;

async function languageCommand(turn: Turn, _services: Services): Promise<Reply[]> {
  return [{ kind: 'card', card: languageCard(turn, turn.lang, false).card, summary: t(turn.lang, 'language.summary') }];
}

export const languageFlow = { commands: { language: languageCommand }, verbs: languageVerbs } satisfies Flow;
