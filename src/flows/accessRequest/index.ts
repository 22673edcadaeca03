// "indsigt": a data-protection officer answers a citizen's access request (GDPR art. 15) with a
// document of everything Aktiv Assistent holds about the citizen (document.ts): in Teams a file for
// their OneDrive, in local mode as cards. Only the dataProtection role; the request's reference
// (a journal number, who asked) is required and goes into the citizen's access log with the export.
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import { can } from '../../domain/roles.js';
import { copenhagenIsoDay } from '../../i18n/format.js';
import { t } from '../../i18n/index.js';
import { staffKeyString } from '../../store/index.js';
import { citizenWithReason } from '../shared/cprWithReason.js';
import { trailOf } from '../shared/trail.js';
import { button } from '../shared/form.js';
import { fileReplies, notAllowedReply, personalOnlyLine, personalOnlyReply, withBom } from '../shared/replies.js';
import type { ExecuteResult, Flow, Reply, Services, Turn, Verbs } from '../types.js';
import { accessDocument } from './document.js';

const PURPOSE = 'indsigtsanmodning';

function refusal(turn: Turn): ExecuteResult | undefined {
  const name = t(turn.lang, 'flow.accessRequest.title');
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, name).card };
  if (!can(turn.roles, 'accessRequest')) return { card: notAllowedReply(turn, name, 'accessRequest').card };
  return undefined;
}

function form(turn: Turn, values: Record<string, string> = {}, errors: Record<string, string> = {}, done = ''): AdaptiveCardJson {
  const L = turn.lang;
  return renderCard('accessRequest', {
    title: t(L, 'flow.accessRequest.title'),
    intro: t(L, 'access.intro'),
    cpr: { label: t(L, 'screening.field.cpr'), placeholder: t(L, 'screening.field.cprPlaceholder'), value: values.cpr ?? '', error: errors.cpr ?? '' },
    request: { label: t(L, 'access.request'), value: values.request ?? '', error: errors.request ?? '' },
    done,
    actions: [button(t(L, 'access.make'), 'accessRequest.export', {}, 'positive'), button(t(L, 'common.back'), 'help.show', {})],
  });
}

async function command(turn: Turn): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'accessRequest')];
  return [{ kind: 'card', card: refusal(turn)?.card ?? form(turn), summary: t(turn.lang, 'flow.accessRequest.title') }];
}

const verbs = {
  'accessRequest.start': async (turn) => refusal(turn) ?? { card: form(turn) },

  'accessRequest.export': async (turn: Turn, services: Services, data: Record<string, unknown>): Promise<ExecuteResult> => {
    const refused = refusal(turn);
    if (refused) return refused;
    const L = turn.lang;
    const read = await citizenWithReason(turn, services, data, 'request', 200, 'access.requestRequired');
    if (!read.ok) return { card: form(turn, read.values, read.errors) };
    // The record, and any former ones under the same CPR number (erased or deleted: their access log is kept).
    const { citizen, ids, cpr, reason: request } = read;
    const each = async <T>(list: (id: string) => Promise<T[]>) => (await Promise.all(ids.map(list))).flat();
    const [screenings, referrals, visits, attachments, coordinations, trail] = await Promise.all([
      each((id) => services.store.screenings.listByCitizen(id)),
      each((id) => services.store.referrals.listByCitizen(id)),
      each((id) => services.store.visits.listByCitizen(id)),
      each((id) => services.store.attachments.listByCitizen(id)),
      each((id) => services.store.coordinations.listByCitizen(id)),
      trailOf(services, ids),
    ]);
    const names = new Map<string, string>();
    for (const m of await services.directory.list(turn.staff.tenantId)) names.set(staffKeyString(m), m.name || m.aadObjectId);
    for (const id of ids) await services.store.audit.append({ actor: { ...turn.staff, name: turn.user.name }, citizenId: id, action: 'export', purpose: PURPOSE, what: t('da', 'access.audit'), reason: request });
    const text = accessDocument(
      { citizen, cpr, screenings, referrals, visits, attachments, coordinations, trail, names, services: new Map(services.rules.visits.services.map((s) => [s.id, s.name])), visitationRules: services.rules.visitation },
      { at: services.clock.now(), by: turn.user.name ?? '', request },
    );
    const file = { name: `indsigt-${copenhagenIsoDay(services.clock.now())}.txt`, contentType: 'text/plain; charset=utf-8', content: withBom(text), description: t(L, 'access.fileDescription'), citizenId: ids.at(-1) };
    return {
      card: form(turn, {}, {}, t(L, turn.localMode ? 'access.doneBelow' : 'access.doneFile')),
      also: fileReplies(turn, file, { titleKey: 'access.docTitle', text }, 'access.docTitle'),
    };
  },
} satisfies Verbs;

export const accessRequestFlow = { commands: { accessRequest: command }, verbs } satisfies Flow;
