// The advis (order) to the centre once a referral is decided: in a personal chat, the offer and its
// purpose, no scores. A referral from a screening goes back to the staff member who screened. A
// direct referral names no centre, so every activity-centre colleague is told that a citizen is on
// the way, without the citizen's name, CPR or the purpose; the first to press "Modtag borgeren"
// takes the citizen in (a relation, src/services/access.ts) and sees the whole advis; the others
// are told who did.
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import { maskCpr } from '../../domain/cpr.js';
import { can } from '../../domain/roles.js';
import { formatIsoDay } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Citizen, Referral, StaffKey } from '../../store/index.js';
import { sameStaff } from '../../store/index.js';
import { backToHelp, notAllowedReply, notice } from '../shared/replies.js';
import type { Services, Verbs } from '../types.js';
import { dataOf, withData, type ReferralData } from '../../services/referrals.js';
import { actorOf, audit, mutate, personalOnly, withReferral } from './common.js';
import { arrangementText } from '../shared/arrangement.js';

type Decision = NonNullable<ReferralData['decision']>;

/** The advis's lines; `citizen` undefined leaves out who and why (a direct referral's notice to every centre colleague). */
function advisLines(L: Lang, referral: Referral, d: Decision, citizen?: Citizen): string[] {
  return [
    ...(citizen ? [t(L, 'advis.citizen', { name: citizen.name, cpr: maskCpr(citizen.cpr) })] : []),
    t(L, 'advis.offer', { offer: t(L, `visitation.decision.${d.offer}`) }) + (d.endDate ? ` ${t(L, 'visitation.decision.until', { date: formatIsoDay(L, d.endDate) })}` : ''),
    ...(arrangementText(L, d) ? [t(L, 'advis.arrangement', { arrangement: arrangementText(L, d) })] : []),
    ...(citizen ? [t(L, 'advis.purpose', { purpose: d.purpose })] : []),
    t(L, 'advis.start', { date: d.startDate ? formatIsoDay(L, d.startDate) : t(L, 'advis.startUnknown') }),
    t(L, 'advis.visitator', { name: d.decidedByName }),
    t(L, citizen ? 'advis.next' : 'advis.receiveIntro'),
  ];
}

function advisCard(L: Lang, referral: Referral, lines: string[], actions: Parameters<typeof notice>[3] = []): AdaptiveCardJson {
  return renderCard('notice', { title: t(L, 'advis.title', { caseNumber: referral.caseNumber }), lines, actions });
}

/**
 * Who gets a direct referral's advis: the activity-centre colleagues of the centre the offer is at
 * (their centre given with the roles), else every activity-centre colleague (at most 20). Stored on the
 * referral with the decision, so only they may receive the citizen (a forged press is refused).
 */
export async function advisRecipients(services: Services, referral: Referral, centre?: string): Promise<StaffKey[]> {
  const staff: { key: StaffKey; centre?: string }[] = [];
  for (const m of await services.directory.list(referral.source.by.tenantId)) {
    if (can(await services.directory.rolesOf(m), 'screening')) staff.push({ key: { tenantId: m.tenantId, aadObjectId: m.aadObjectId }, centre: await services.directory.centreOf(m) });
  }
  // The staff of the centre the offer is at, where the roles say who they are; else every centre's.
  const atCentre = centre ? staff.filter((s) => s.centre === centre) : [];
  return (atCentre.length ? atCentre : staff).map((s) => s.key).slice(0, 20);
}

export async function sendAdvis(services: Services, referral: Referral, citizen: Citizen | undefined, d: Decision): Promise<void> {
  if (!services.outbox || d.offer === 'refused') return;
  const direct = referral.source.kind !== 'screening';
  // A direct referral's recipients were chosen with the decision (advisRecipients) and stored with it.
  const told = direct ? (dataOf(referral).advisTo ?? []) : [referral.source.by];
  for (const to of told) {
    const L = await services.directory.languageOf(to);
    const card = direct
      ? advisCard(L, referral, advisLines(L, referral, d), [{ kind: 'execute', title: t(L, 'advis.receive'), verb: 'referral.receive', data: { rid: referral.id } }])
      : advisCard(L, referral, advisLines(L, referral, d, citizen));
    await services.outbox.enqueue({
      citizenId: referral.citizenId,
      idempotencyKey: `advis:${referral.id}:${to.aadObjectId}`,
      target: { kind: 'user', user: to },
      payload: { card, summary: t(L, 'advis.preview', { caseNumber: referral.caseNumber }) },
      topic: { kind: 'referral.advis', id: referral.id },
    });
  }
}

export const advisVerbs = {
  'referral.receive': withReferral(async (turn, services, { referral, citizen }) => {
    const refused = personalOnly(turn);
    if (refused) return refused;
    const L = turn.lang;
    if (!can(turn.roles, 'screening')) return { card: notAllowedReply(turn, t(L, 'advis.receive'), 'screening').card };
    const d = dataOf(referral).decision;
    const told = dataOf(referral).advisTo?.some((k) => sameStaff(k, turn.staff));
    if (referral.source.kind === 'screening' || referral.status !== 'decided' || !d || d.offer === 'refused' || !citizen || !told) {
      return { card: notice(turn, 'stale.title', [t(L, 'advis.notOpen')], [backToHelp(turn)]).card };
    }
    let otherName: string | undefined;
    const saved = await mutate(services, referral.id, (r, rd) => {
      if (rd.received && !sameStaff(rd.received.by, turn.staff)) {
        otherName = rd.received.byName;
        return undefined;
      }
      if (rd.received) return undefined;
      return withData(r, { ...rd, received: { by: turn.staff, byName: turn.user.name ?? '', at: services.clock.now().toISOString() } });
    });
    if (otherName !== undefined) return { card: advisCard(L, referral, [t(L, 'advis.receivedBy', { name: otherName })], [backToHelp(turn)]) };
    if (saved && saved.version !== referral.version) await audit(services, actorOf(turn), referral.citizenId, 'update', t('da', 'audit.visitation.received', { caseNumber: referral.caseNumber }));
    else await audit(services, actorOf(turn), referral.citizenId, 'read', t('da', 'audit.visitation.advisRead', { caseNumber: referral.caseNumber }));
    return { card: advisCard(L, referral, [t(L, 'advis.youReceived'), ...advisLines(L, referral, d, citizen)], [backToHelp(turn)]) };
  }),
} satisfies Verbs;
