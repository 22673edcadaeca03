// The proposal (club, preventive offer or referral to visitation, and why), confirmed or overridden
// with a reason; a referral is created through the referral service, not the visitation flow.
import { documentReplies } from '../shared/replies.js';
import { renderCard } from '../../../cards/index.js';
import { copmScores } from '../../domain/copm.js';
import { maskCpr } from '../../domain/cpr.js';
import { decide, type Outcome, type Profile } from '../../domain/targetGroup.js';
import { t } from '../../i18n/index.js';
import type { Screening } from '../../store/index.js';
import { caseMonth, countCase } from '../shared/figures.js';
import { button } from '../shared/form.js';
import type { ExecuteResult, Services, Turn } from '../types.js';
import { chosenProblems, stepCard } from './cards.js';
import { summaryText } from './documents.js';
import { type Loaded, type OfferKind, type ScreeningDraft, audit } from './draft.js';
import { type Scores } from './index.js';
import { confirmReassessment } from './reassess.js';

export function eligibilityOf(draft: ScreeningDraft) {
  return { livesAtHome: draft.citizen.livesAtHome === 'yes', needsSpecialStaff: draft.citizen.specialStaff === 'yes' };
}

export function evaluate(services: Services, draft: ScreeningDraft): { outcome: Outcome; scores?: Scores } {
  const profile = draft.profile as Profile;
  const elig = eligibilityOf(draft);
  const outcome = decide(elig, elig.livesAtHome && !elig.needsSpecialStaff ? profile : { activitySupport: 'none', relationSupport: 'none', careDuringHours: false, transport: 'self' }, services.rules.targetGroups);
  return { outcome, scores: copmScores(chosenProblems(draft)) };
}

export async function confirmOutcome(turn: Turn, services: Services, loaded: Loaded, override: { offer: OfferKind; reason: string } | undefined, referralNote = ''): Promise<ExecuteResult> {
  const L = turn.lang;
  const { screening, draft } = loaded;
  if (draft.step === 'compare') return confirmReassessment(turn, services, loaded);
  if (draft.step !== 'outcome') return { card: stepCard(turn, services, screening, draft, { notice: t(L, 'screening.stale') }) };
  const { outcome, scores } = evaluate(services, draft);
  const proposed = outcome.kind;
  const chosen = override?.offer ?? proposed;
  const now = services.clock.now().toISOString();
  let referral: { id: string; caseNumber: string } | undefined;
  const citizenId = screening.citizenId!;
  // The managers' figures count the screening (and a referral) for the screener's centre.
  const centre = await services.directory.centreOf(turn.staff);
  if (chosen === 'referral') {
    const created = await services.referrals.create({ staff: turn.staff, name: turn.user.name }, {
      centre,
      month: caseMonth(services),
      citizenId,
      source: { kind: 'screening', screeningId: screening.id, by: turn.staff },
      data: { screening: { proposed, chosen, scores, decidedBy: outcome.kind === 'outside' ? [] : outcome.decidedBy } },
    });
    referral = { id: created.id, caseNumber: created.caseNumber };
  }
  const transportGranted = chosen === 'preventive' ? (draft.profile.transport ? services.rules.targetGroups.transportGrantedFor.includes(draft.profile.transport) : false) : undefined;
  draft.decision = { proposed, chosen, overrideReason: override?.reason, outcome, scores, transportGranted, referral, decidedAt: now };
  // The centre's note to visitation, kept with the screening the visitator reads.
  if (referral && referralNote) draft.referralNote = referralNote;
  draft.rev += 1;
  const done: Screening = { ...screening, status: 'done', data: draft as unknown as Record<string, unknown>, updatedAt: now };
  await services.store.screenings.save(done);
  await countCase(services, { kind: 'screened', value: chosen }, centre);
  await audit(turn, services, citizenId, 'update', t('da', 'audit.screening.done'));
  return doneResult(turn, services, done, draft, false);
}

export async function doneResult(turn: Turn, services: Services, screening: Screening, draft: ScreeningDraft, fullCpr: boolean): Promise<ExecuteResult> {
  const L = turn.lang;
  const decision = draft.decision!;
  const offer = decision.chosen === 'outside' ? t(L, 'screening.offer.outside') : t(L, `screening.offerShort.${decision.chosen}`);
  const card = renderCard('screening/done', {
    title: t(L, 'screening.title.done'),
    saved: t(L, 'screening.done.saved', { name: draft.citizen.name, cpr: maskCpr(draft.citizen.cpr), offer }),
    referral: decision.referral ? t(L, 'screening.done.referral', { caseNumber: decision.referral.caseNumber }) : '',
    sentTo: decision.referral ? t(L, (await services.referrals.channel()) ? 'visitation.sent.channel' : 'visitation.sent.noChannel') : '',
    summaryBelow: t(L, 'screening.done.summaryBelow'),
    actions: [
      button(t(L, 'screening.button.fullCpr'), 'screening.fullCpr', { sid: screening.id }),
      button(t(L, 'screening.button.newScreening'), 'screening.start', {}),
      button(t(L, 'common.showHelp'), 'help.show', {}),
    ],
  });
  const author = await services.store.staff.get(screening.author);
  return { card, also: documentReplies(turn, 'document.title.careRecord', summaryText(services, screening, draft, author?.name ?? turn.user.name ?? '', fullCpr), 'summary.screeningDoc') };
}
