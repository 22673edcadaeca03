// Screening at the activity centre (seed 000): the COPM interview and the target-group profile, one
// card per step, saved after every step. The bot proposes club, preventive offer or referral and
// says why; the staff member confirms or overrides with a reason; a Danish summary goes to the care
// record. A reassessment asks the same problems again and compares.
//   draft.ts      the draft a screening is, loading it from a card (author and rev checked), saving
//   cards.ts      the card of each step (what it holds; cards/screening/*.json how it looks)
//   steps.ts      what each step accepts
//   outcome.ts    the proposal, confirming or overriding it, the referral it may create
//   reassess.ts   finding the earlier screening, and the comparison
//   documents.ts  the Danish texts for the care record
import { randomUUID } from 'node:crypto';
import { renderCard } from '../../../cards/index.js';
import { maskCpr } from '../../domain/cpr.js';
import { oneLine, readFields, str } from '../shared/inputs.js';
import { formatDateTime } from '../../i18n/format.js';
import { t } from '../../i18n/index.js';
import type { Screening } from '../../store/index.js';
import { button } from '../shared/form.js';
import { backToHelp, notice, personalOnlyLine } from '../shared/replies.js';
import type { ExecuteResult, Flow, Reply, Services, Turn, Verbs } from '../types.js';
import { stepCard, stepNumber } from './cards.js';
import { OVERRIDE_FIELDS, type OfferKind, type ScreeningDraft, asReply, audit, discard, draftOf, isLoaded, loadDraft, newScreeningAction, refusal, stepsOf, withDraft } from './draft.js';
import { confirmOutcome, doneResult, evaluate } from './outcome.js';
import { addProblem, back, removeProblem, submit } from './steps.js';

async function startScreening(turn: Turn, services: Services): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'screening')];
  return [asReply(turn, await start(turn, services))];
}

async function reassessCommand(turn: Turn, services: Services): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'reassess')];
  return [asReply(turn, await start(turn, services, 'reassessment'))];
}

async function resumeCommand(turn: Turn, services: Services): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'screening')];
  const refused = refusal(turn);
  if (refused) return [asReply(turn, refused)];
  const drafts = await services.store.screenings.draftsBy(turn.staff);
  const latest = drafts.at(-1);
  if (!latest) {
    return [notice(turn, 'screening.title.noDraft', [t(turn.lang, 'screening.resume.none')], [newScreeningAction(turn), backToHelp(turn)])];
  }
  return [asReply(turn, { card: stepCard(turn, services, latest, draftOf(latest)) })];
}

export async function start(turn: Turn, services: Services, kind: 'first' | 'reassessment' = 'first'): Promise<ExecuteResult> {
  const refused = refusal(turn);
  if (refused) return refused;
  const drafts = await services.store.screenings.draftsBy(turn.staff);
  const latest = drafts.at(-1);
  if (latest) {
    const draft = draftOf(latest);
    const who = draft.citizen.name ? `${draft.citizen.name}, ${draft.citizen.cpr ? maskCpr(draft.citizen.cpr) : ''}`.replace(/, $/, '') : t(turn.lang, 'screening.newCitizen');
    return {
      card: renderCard('screening/resume', {
        title: t(turn.lang, 'screening.title.resume'),
        text: t(turn.lang, 'screening.resume.text', { who, n: stepNumber(draft), m: stepsOf(draft).length, at: formatDateTime(turn.lang, latest.updatedAt) }),
        actions: [
          button(t(turn.lang, 'screening.button.resume'), 'screening.resume', { sid: latest.id }, 'positive'),
          button(t(turn.lang, 'screening.button.startOver'), 'screening.discard', { sid: latest.id, rev: draft.rev, kind }, 'destructive'),
          button(t(turn.lang, 'common.back'), 'help.show', {}),
        ],
      }),
    };
  }
  const now = services.clock.now().toISOString();
  const screening: Screening = {
    id: randomUUID(),
    author: turn.staff,
    status: 'draft',
    createdAt: now,
    updatedAt: now,
    data: {
      kind,
      step: 'citizen',
      rev: 0,
      citizen: { cpr: '', name: '', livesAtHome: '', specialStaff: '', under65Reason: '' },
      createdCitizen: false,
      known: false,
      problems: [],
      chosen: [],
      profile: {},
    } satisfies ScreeningDraft as unknown as Record<string, unknown>,
  };
  await services.store.screenings.save(screening);
  return { card: stepCard(turn, services, screening, draftOf(screening)) };
}

/** Recomputed from the stored answers every time: the decision and the draft cannot drift apart. */
export type Scores = { performance: number; satisfaction: number; count: number };

const screeningVerbs = {
  'screening.start': async (turn, services) => start(turn, services),

  'screening.resume': withDraft(async (turn, services, { screening, draft }) => ({ card: stepCard(turn, services, screening, draft) }), { checkRev: false }),

  'screening.reassess': async (turn, services) => start(turn, services, 'reassessment'),

  'screening.discard': withDraft(async (turn, services, loaded, data) => {
    await discard(turn, services, loaded);
    return start(turn, services, data.kind === 'reassessment' ? 'reassessment' : 'first');
  }),

  'screening.submit': withDraft(submit),

  'screening.add': withDraft(addProblem),

  'screening.remove': withDraft(removeProblem),

  'screening.back': withDraft(back),

  'screening.cancel': withDraft(async (turn, _services, { screening, draft }) => {
    const L = turn.lang;
    const who = draft.citizen.name || t(L, 'screening.newCitizen');
    return {
      card: renderCard('screening/cancel', {
        title: t(L, 'screening.title.cancel'),
        text: t(L, 'screening.cancel.text', { who }),
        actions: [
          button(t(L, 'screening.button.cancelYes'), 'screening.cancelYes', { sid: screening.id, rev: draft.rev }, 'destructive'),
          button(t(L, 'screening.button.cancelNo'), 'screening.resume', { sid: screening.id }),
        ],
      }),
    };
  }),

  'screening.cancelYes': withDraft(async (turn, services, loaded) => {
    await discard(turn, services, loaded);
    return { card: notice(turn, 'screening.title.cancelled', [t(turn.lang, 'screening.cancelled')], [newScreeningAction(turn), backToHelp(turn)]).card };
  }),

  'screening.confirm': withDraft(async (turn, services, loaded, data) => {
    // A note to visitation goes with a referral; too long, it comes back with what was typed.
    const fields = readFields(turn.lang, data, { note: 500 });
    if (fields.errors.note) return { card: stepCard(turn, services, loaded.screening, loaded.draft, { errors: { note: fields.errors.note }, values: fields.values }) };
    return confirmOutcome(turn, services, loaded, undefined, oneLine(fields.values.note));
  }),

  'screening.override': withDraft(async (turn, services, loaded, data) => {
    const L = turn.lang;
    const fields = readFields(L, data, OVERRIDE_FIELDS);
    const { values } = fields;
    const { outcome } = evaluate(services, loaded.draft);
    const errors: Record<string, string> = { ...fields.errors };
    if (!['club', 'preventive', 'referral'].includes(values.offer) || values.offer === outcome.kind) errors.offer ??= t(L, 'screening.error.overrideSame');
    if (!values.reason.trim()) errors.reason ??= t(L, 'screening.error.reason');
    if (outcome.kind === 'outside' || loaded.draft.step !== 'outcome') return { card: stepCard(turn, services, loaded.screening, loaded.draft, { notice: t(L, 'screening.stale') }) };
    if (Object.keys(errors).length) return { card: stepCard(turn, services, loaded.screening, loaded.draft, { errors, values }) };
    return confirmOutcome(turn, services, loaded, { offer: values.offer as OfferKind, reason: values.reason.trim() }, oneLine(str(data.note)).slice(0, 500));
  }),

  'screening.fullCpr': async (turn, services, data) => {
    const loaded = await loadDraft(turn, services, data, { checkRev: false, status: 'done' });
    if (!isLoaded(loaded)) return loaded;
    await audit(turn, services, loaded.screening.citizenId!, 'read', t('da', 'audit.screening.fullCpr'));
    return doneResult(turn, services, loaded.screening, loaded.draft, true);
  },
} satisfies Verbs;

export const screeningFlow = {
  commands: { screening: startScreening, resume: resumeCommand, reassess: reassessCommand },
  verbs: screeningVerbs,
} satisfies Flow;
