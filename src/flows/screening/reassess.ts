// A reassessment: the citizen's earlier screening found by CPR, its problems asked again, and the
// change in each compared.
import { documentReplies } from '../shared/replies.js';
import { renderCard } from '../../../cards/index.js';
import { reassess, type CopmProblem, type Reassessment } from '../../domain/copm.js';
import { maskCpr } from '../../domain/cpr.js';
import { readCprForLookup } from '../shared/cpr.js';
import { readFields } from '../shared/inputs.js';
import { t } from '../../i18n/index.js';
import type { Screening } from '../../store/index.js';
import { relationsTo } from '../../services/access.js';
import { button } from '../shared/form.js';
import type { ExecuteResult, Services, Turn } from '../types.js';
import { chosenProblems, comparison, stepCard } from './cards.js';
import { reassessmentSummary } from './documents.js';
import { CITIZEN_FIELDS, type Loaded, type ScreeningDraft, audit, draftOf, saveDraft } from './draft.js';

export function reassessmentOf(draft: ScreeningDraft): Reassessment {
  const previous = draft.previous!;
  const before = previous.chosen.map((id) => previous.problems.find((p) => p.id === id)).filter((p): p is CopmProblem => !!p);
  return reassess(before, chosenProblems(draft));
}

export async function submitReassessCitizen(turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>): Promise<ExecuteResult> {
  const L = turn.lang;
  const { values, errors } = readFields(L, data, { cpr: CITIZEN_FIELDS.cpr });
  const typed = values.cpr;
  const failWith = (error: string) => ({ card: stepCard(turn, services, loaded.screening, loaded.draft, { errors: { cpr: error }, values: { cpr: typed } }) });
  const fail = (key: string) => failWith(t(L, key));
  if (errors.cpr) return failWith(errors.cpr);
  const cpr = readCprForLookup(typed, L, services);
  if (!cpr.ok) return failWith(cpr.error);
  const citizen = await services.store.citizens.findByCpr(cpr.digits);
  // Unknown, or known to the bot but not to this staff member: the same answer, so the door does
  // not tell whether the citizen is known (src/services/access.ts).
  if (!citizen || !(await relationsTo(services.store, turn.staff, citizen.id)).length) return fail('screening.reassess.noneOfYours');
  await audit(turn, services, citizen.id, 'read', t('da', 'audit.screening.lookup'));
  const earlier = (await services.store.screenings.listByCitizen(citizen.id)).filter((x) => x.status === 'done' && (x.data as unknown as ScreeningDraft).chosen?.length);
  const last = earlier.at(-1);
  if (!last) return fail('screening.reassess.noEarlier');
  const prev = draftOf(last);
  const { screening, draft } = loaded;
  draft.citizen = { ...prev.citizen };
  draft.known = true;
  draft.previous = { screeningId: last.id, at: prev.decision?.decidedAt ?? last.updatedAt, problems: prev.problems, chosen: prev.chosen };
  draft.problems = prev.problems.map(({ performance: _p, satisfaction: _s, ...rest }) => rest);
  draft.chosen = [...prev.chosen];
  draft.profile = prev.profile;
  draft.step = 'problems';
  const saved = await saveDraft(turn, services, { ...screening, citizenId: citizen.id }, draft, t('da', 'audit.screening.draft'));
  return { card: stepCard(turn, services, saved, draft) };
}

export async function confirmReassessment(turn: Turn, services: Services, { screening, draft }: Loaded): Promise<ExecuteResult> {
  const L = turn.lang;
  const now = services.clock.now().toISOString();
  draft.reassessment = { result: reassessmentOf(draft), at: now };
  draft.rev += 1;
  const done: Screening = { ...screening, status: 'done', data: draft as unknown as Record<string, unknown>, updatedAt: now };
  await services.store.screenings.save(done);
  await audit(turn, services, screening.citizenId!, 'update', t('da', 'audit.screening.reassessed'));
  const card = renderCard('screening/compare', {
    stepLabel: '',
    title: t(L, 'screening.title.reassessDone'),
    intro: [t(L, 'screening.done.reassessed', { name: draft.citizen.name, cpr: maskCpr(draft.citizen.cpr) }), t(L, 'screening.done.summaryBelow')],
    notice: '',
    ...comparison(L, draft.reassessment.result),
    actions: [button(t(L, 'screening.button.newScreening'), 'screening.start', {}), button(t(L, 'common.showHelp'), 'help.show', {})],
  });
  const author = await services.store.staff.get(screening.author);
  return { card, also: documentReplies(turn, 'document.title.careRecord', reassessmentSummary(draft, author?.name ?? turn.user.name ?? ''), 'summary.reassessmentDoc') };
}
