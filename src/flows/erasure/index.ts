// "slet borger": the data-protection officer erases a citizen on request (GDPR art. 17). First the
// citizen by CPR and the reason; then what will go, and a last question; then everything about the
// citizen is removed in one transaction (src/store: ErasureRepository): records, drafts, outbox
// payloads, files and turn-state items that name the citizen. Cards already posted about the
// citizen are replaced by a notice that the data was erased. Who looked, when and why (the access
// log) stays, and the erasure itself is recorded there. The embedded store then folds its log so
// no copy lingers in its files.
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import { maskCpr } from '../../domain/cpr.js';
import { can } from '../../domain/roles.js';
import { t } from '../../i18n/index.js';
import type { Citizen } from '../../store/index.js';
import { citizenWithReason } from '../shared/cprWithReason.js';
import { button } from '../shared/form.js';
import { oneLine, str } from '../shared/inputs.js';
import { notAllowedReply, personalOnlyLine, personalOnlyReply } from '../shared/replies.js';
import type { ExecuteResult, Flow, Reply, Services, Turn, Verbs } from '../types.js';

const PURPOSE = 'sletning';

function refusal(turn: Turn): ExecuteResult | undefined {
  const name = t(turn.lang, 'flow.erasure.title');
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, name).card };
  if (!can(turn.roles, 'erasure')) return { card: notAllowedReply(turn, name, 'erasure').card };
  return undefined;
}

function card(turn: Turn, options: { values?: Record<string, string>; errors?: Record<string, string>; ask?: boolean; intro?: string; lines?: string[]; actions?: ReturnType<typeof button>[] } = {}): AdaptiveCardJson {
  const L = turn.lang;
  const v = options.values ?? {};
  const e = options.errors ?? {};
  return renderCard('erasure', {
    title: t(L, 'flow.erasure.title'),
    intro: options.intro ?? t(L, 'erasure.intro'),
    ask: options.ask ?? true,
    cpr: { label: t(L, 'screening.field.cpr'), placeholder: t(L, 'screening.field.cprPlaceholder'), value: v.cpr ?? '', error: e.cpr ?? '' },
    reason: { label: t(L, 'erasure.reason'), value: v.reason ?? '', error: e.reason ?? '' },
    lines: options.lines ?? [],
    actions: options.actions ?? [button(t(L, 'erasure.next'), 'erasure.confirm', {}, 'destructive'), button(t(L, 'common.back'), 'help.show', {})],
  });
}

/** The CPR number and reason typed: the citizen, or the form again with what was wrong. */
async function read(turn: Turn, services: Services, data: Record<string, unknown>): Promise<{ citizen: Citizen; reason: string } | ExecuteResult> {
  const got = await citizenWithReason(turn, services, data, 'reason', 300, 'erasure.reasonRequired');
  if (!got.ok) return { card: card(turn, { values: got.values, errors: got.errors }) };
  // Erased already (or deleted by retention): only the access log is left, and it stays. That the
  // officer learned so is in the log too.
  if (!got.citizen) {
    for (const id of got.formerIds) await services.store.audit.append({ actor: { ...turn.staff, name: turn.user.name }, citizenId: id, action: 'read', purpose: PURPOSE, what: t('da', 'erasure.auditLookup'), reason: got.reason });
    return { card: card(turn, { values: { cpr: str(data.cpr), reason: got.reason }, errors: { cpr: t(turn.lang, 'erasure.alreadyGone') } }) };
  }
  return { citizen: got.citizen, reason: got.reason };
}

async function command(turn: Turn): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'erasure')];
  return [{ kind: 'card', card: refusal(turn)?.card ?? card(turn), summary: t(turn.lang, 'flow.erasure.title') }];
}

const verbs = {
  'erasure.start': async (turn) => refusal(turn) ?? { card: card(turn) },

  // What will go, and the last question; nothing is changed yet.
  'erasure.confirm': async (turn, services, data) => {
    const refused = refusal(turn);
    if (refused) return refused;
    const got = await read(turn, services, data);
    if ('card' in got) return got;
    const { citizen, reason } = got;
    const L = turn.lang;
    const [screenings, referrals, visits, attachments] = await Promise.all([
      services.store.screenings.listByCitizen(citizen.id),
      services.store.referrals.listByCitizen(citizen.id),
      services.store.visits.listByCitizen(citizen.id),
      services.store.attachments.listByCitizen(citizen.id),
    ]);
    await services.store.audit.append({ actor: { ...turn.staff, name: turn.user.name }, citizenId: citizen.id, action: 'read', purpose: PURPOSE, what: t('da', 'erasure.auditLookup'), reason });
    return {
      card: card(turn, {
        ask: false,
        intro: t(L, 'erasure.sure', { cpr: maskCpr(citizen.cpr) }),
        lines: [t(L, 'erasure.counts', { screenings: screenings.length, referrals: referrals.length, visits: visits.length, attachments: attachments.length }), t(L, 'erasure.kept'), t(L, 'erasure.reasonShown', { reason })],
        // The citizen by id, not CPR number: the card (kept in the chat) carries no CPR number.
        actions: [button(t(L, 'erasure.erase'), 'erasure.erase', { cid: citizen.id, reason }, 'destructive'), button(t(L, 'erasure.cancel'), 'help.show', {})],
      }),
    };
  },

  'erasure.erase': async (turn, services, data) => {
    const refused = refusal(turn);
    if (refused) return refused;
    const L = turn.lang;
    const cid = str(data.cid);
    const reason = oneLine(str(data.reason)).slice(0, 300);
    const citizen = /^[0-9a-f-]{36}$/i.test(cid) ? await services.store.citizens.get(cid) : undefined;
    // The card's citizen is gone already (erased by a press a moment ago), or the payload was forged.
    if (!citizen || !reason) return { card: card(turn, { ask: false, intro: t(L, 'erasure.gone'), actions: [button(t(L, 'common.showHelp'), 'help.show', {})] }) };
    const referrals = await services.store.referrals.listByCitizen(citizen.id);
    // What names the citizen in a message, a file or turn state: name and masked CPR together, the
    // CPR number, or a case number of theirs.
    const marks = [[citizen.name, maskCpr(citizen.cpr)], [citizen.cpr], [`${citizen.cpr.slice(0, 6)}-${citizen.cpr.slice(6)}`], ...referrals.map((r) => [r.caseNumber])];
    const { counts, sent } = await services.store.transaction(async (tx) => {
      const erased = await tx.erasure.eraseCitizen(citizen.id, marks);
      await tx.audit.append({ actor: { ...turn.staff, name: turn.user.name }, citizenId: citizen.id, action: 'delete', purpose: PURPOSE, what: t('da', 'erasure.audit'), reason });
      // Each card posted about the citizen is replaced by a notice that names nobody.
      for (const m of erased.sent.filter((x) => x.operation === 'send')) {
        const lang = m.target.kind === 'user' ? await services.directory.languageOf(m.target.user) : 'da';
        await services.outbox?.enqueue({
          idempotencyKey: `erased:${m.id}`,
          target: m.target,
          operation: 'update',
          updates: m.id,
          payload: { card: renderCard('notice', { title: t(lang, 'erasure.noticeTitle'), lines: [t(lang, 'erasure.notice')], actions: [] }), summary: t(lang, 'erasure.noticeTitle') },
        });
      }
      return erased;
    });
    // Once the erasure is committed (the turn's transaction), the embedded store rewrites its files.
    services.store.afterCommit(() => {
      services.store.forgetDeleted().catch((err: unknown) => services.log.error('could not rewrite the store after an erasure', { err }));
    });
    services.log.info('citizen erased on request', { ...counts });
    return {
      card: card(turn, {
        ask: false,
        intro: t(L, 'erasure.done'),
        lines: [t(L, 'erasure.counts', { screenings: counts.screenings, referrals: counts.referrals, visits: counts.visits, attachments: counts.attachments }), t(L, 'erasure.messages', { count: counts.outbox, updated: sent.filter((x) => x.operation === 'send').length }), t(L, 'erasure.kept')],
        actions: [button(t(L, 'common.showHelp'), 'help.show', {})],
      }),
    };
  },
} satisfies Verbs;

export const erasureFlow = { commands: { erasure: command }, verbs } satisfies Flow;
