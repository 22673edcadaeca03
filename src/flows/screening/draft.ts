// A screening in progress: its steps, the draft it keeps, and loading it from a card payload (the
// author only, the current rev only); every save bumps the rev and is audited.
import type { CardAction } from '../../../cards/index.js';
import { actorOf, auditCitizen, type AuditAction } from '../shared/audit.js';
import { str } from '../shared/inputs.js';
import { z } from 'zod';
import { type CopmProblem, type Reassessment } from '../../domain/copm.js';
import { can } from '../../domain/roles.js';
import { type Outcome, type Profile } from '../../domain/targetGroup.js';
import { t } from '../../i18n/index.js';
import type { Citizen, Screening } from '../../store/index.js';
import { sameStaff } from '../../store/index.js';
import { backToHelp, notAllowedReply, notice, personalOnlyReply } from '../shared/replies.js';
import type { ExecuteResult, Reply, Services, Turn } from '../types.js';
import { stepCard } from './cards.js';

const STEPS = ['citizen', 'problems', 'choose', 'scores', 'profile', 'outcome'] as const;

/** A reassessment asks the same problems again and compares; the profile is not asked again. */
const REASSESSMENT_STEPS = ['citizen', 'problems', 'choose', 'scores', 'compare'] as const;

export type Step = (typeof STEPS)[number] | 'compare';

export const stepsOf = (draft: ScreeningDraft): readonly Step[] => (draft.kind === 'reassessment' ? REASSESSMENT_STEPS : STEPS);

export type OfferKind = 'club' | 'preventive' | 'referral';

export const MAX_PROBLEMS = 20;

export interface ScreeningDraft {
  kind?: 'first' | 'reassessment';
  /** For a reassessment: the earlier screening it compares with. */
  previous?: { screeningId: string; at: string; problems: CopmProblem[]; chosen: string[] };
  step: Step;
  /** Bumped on every change: a card showing an older rev is stale. */
  rev: number;
  citizen: { cpr: string; name: string; livesAtHome: '' | 'yes' | 'no'; specialStaff: '' | 'yes' | 'no'; under65Reason: string; age?: number };
  /** The citizen record was created by this screening (deleted again if the draft is cancelled). */
  createdCitizen: boolean;
  known: boolean;
  /**
   * The bot knew the citizen, and the author had no relation to the citizen when the screening
   * began: a first meeting, which is no relation to the citizen's other records (src/services/access.ts).
   */
  knownWithoutRelation?: boolean;
  problems: CopmProblem[];
  chosen: string[];
  profile: Partial<Profile>;
  decision?: {
    proposed: OfferKind | 'outside';
    chosen: OfferKind | 'outside';
    overrideReason?: string;
    outcome: Outcome;
    scores?: { performance: number; satisfaction: number; count: number };
    transportGranted?: boolean;
    referral?: { id: string; caseNumber: string };
    decidedAt: string;
  };
  reassessment?: { result: Reassessment; at: string };
  /** With a referral: what the centre wrote to visitation (optional). */
  referralNote?: string;
}

const Ref = z.object({ sid: z.string().uuid(), rev: z.coerce.number().int().min(0) });

/** The longest text each input takes (the card's maxLength, with room for spaces in a CPR number). */
export const CITIZEN_FIELDS = { cpr: 20, name: 100, livesAtHome: 10, specialStaff: 10, under65Reason: 500 };

export const PROBLEM_FIELDS = { activity: 120, subArea: 50, importance: 5 };

export const OVERRIDE_FIELDS = { offer: 20, reason: 500 };


export const PURPOSE = 'screening';

export function asReply(turn: Turn, result: ExecuteResult): Reply {
  return { kind: 'card', card: result.card, summary: t(turn.lang, 'summary.screening') };
}

export function refusal(turn: Turn): ExecuteResult | undefined {
  const name = t(turn.lang, 'flow.screening.title');
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, name).card };
  if (!can(turn.roles, 'screening')) return { card: notAllowedReply(turn, name, 'screening').card };
  return undefined;
}

// Loading a draft from a card payload: the author only, the current rev only.

export type Loaded = { screening: Screening; draft: ScreeningDraft };

export async function loadDraft(turn: Turn, services: Services, data: Record<string, unknown>, options: { checkRev?: boolean; status?: Screening['status'] } = {}): Promise<Loaded | ExecuteResult> {
  const refused = refusal(turn);
  if (refused) return refused;
  const ref = (options.checkRev === false ? Ref.pick({ sid: true }) : Ref).safeParse(data);
  if (!ref.success) return goneCard(turn);
  const screening = await services.store.screenings.get(ref.data.sid);
  if (!screening || screening.status !== (options.status ?? 'draft')) return goneCard(turn);
  if (!sameStaff(screening.author, turn.staff)) {
    services.log.warn('screening payload from another user refused', { screening: screening.id });
    return { card: notice(turn, 'stale.title', [t(turn.lang, 'screening.notYours')], [backToHelp(turn)]).card };
  }
  const draft = draftOf(screening);
  if (options.checkRev !== false && 'rev' in ref.data && ref.data.rev !== draft.rev) {
    return { card: stepCard(turn, services, screening, draft, { notice: t(turn.lang, 'screening.stale') }) };
  }
  return { screening, draft };
}

export const isLoaded = (x: Loaded | ExecuteResult): x is Loaded => 'screening' in x;

function goneCard(turn: Turn): ExecuteResult {
  return { card: notice(turn, 'stale.title', [t(turn.lang, 'screening.gone')], [newScreeningAction(turn), backToHelp(turn)]).card };
}

export function newScreeningAction(turn: Turn): CardAction {
  return { kind: 'execute' as const, title: t(turn.lang, 'screening.button.newScreening'), verb: 'screening.start', data: {} };
}

export function draftOf(screening: Screening): ScreeningDraft {
  return structuredClone(screening.data) as unknown as ScreeningDraft;
}

/** Save a changed draft (rev bumped) and audit it against the citizen, when there is one. */
export async function saveDraft(turn: Turn, services: Services, screening: Screening, draft: ScreeningDraft, what: string): Promise<Screening> {
  draft.rev += 1;
  const saved: Screening = { ...screening, data: draft as unknown as Record<string, unknown>, updatedAt: services.clock.now().toISOString() };
  await services.store.screenings.save(saved);
  if (saved.citizenId) await audit(turn, services, saved.citizenId, 'update', what);
  return saved;
}

export const audit = (turn: Turn, services: Services, citizenId: string, action: AuditAction, what: string) => auditCitizen(services, actorOf(turn), citizenId, action, PURPOSE, what);

export async function forgetCreatedCitizen(turn: Turn, services: Services, citizen: Citizen, screeningId: string): Promise<void> {
  const others = (await services.store.screenings.listByCitizen(citizen.id)).filter((s) => s.id !== screeningId);
  const referrals = await services.store.referrals.listByCitizen(citizen.id);
  // Kept while anyone else has something of theirs about the citizen (an attachment, an offer).
  const attachments = await services.store.attachments.listByCitizen(citizen.id);
  if (others.length || referrals.length || attachments.length) return;
  await services.store.citizens.delete(citizen.id);
  await audit(turn, services, citizen.id, 'delete', t('da', 'audit.screening.citizenDeleted'));
}

type Handler = (turn: Turn, services: Services, data: Record<string, unknown>) => Promise<ExecuteResult>;

export const withDraft =
  (fn: (turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>) => Promise<ExecuteResult>, options?: { checkRev?: boolean }): Handler =>
  async (turn, services, data) => {
    const loaded = await loadDraft(turn, services, data, options);
    return isLoaded(loaded) ? fn(turn, services, loaded, data) : loaded;
  };

export async function discard(turn: Turn, services: Services, { screening }: Loaded): Promise<void> {
  await services.store.screenings.delete(screening.id);
  const draft = draftOf(screening);
  if (screening.citizenId) {
    await audit(turn, services, screening.citizenId, 'delete', t('da', 'audit.screening.draftDeleted'));
    const citizen = await services.store.citizens.get(screening.citizenId);
    if (citizen && draft.createdCitizen) await forgetCreatedCitizen(turn, services, citizen, screening.id);
  }
}

export { str };
