// Screening at the activity centre: the COPM interview and the target-group profile, one card per
// step, saved after every step. The bot proposes club, preventive offer or referral and says why;
// the staff member confirms or overrides with a reason; a Danish summary goes to the care record.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { renderCard, type AdaptiveCardJson, type FormField } from '../../cards/index.js';
import { COPM_AREAS, COPM_SUB_AREAS, areaOf, copmScores, isScore, preselect, reassess, type CopmProblem, type CopmSubArea, type Reassessment } from '../domain/copm.js';
import { ageOn, maskCpr } from '../domain/cpr.js';
import { readCpr, readCprForLookup } from './cpr.js';
import { readFields } from './inputs.js';
import { offersFor } from '../domain/offers.js';
import { can } from '../domain/roles.js';
import { decide, PROFILE_ANSWERS, SUPPORT_LEVELS, TRANSPORT_NEEDS, type Outcome, type Profile, type ProfileAnswer } from '../domain/targetGroup.js';
import { copenhagenDay, formatDate, formatDateTime } from '../i18n/format.js';
import { t, type Lang } from '../i18n/index.js';
import type { Citizen, Screening } from '../store/index.js';
import { sameStaff } from '../store/index.js';
import { button, chart, choice, facts, info, item, oneToTen, textInput, type FormAction } from './form.js';
import { backToHelp, notAllowedReply, notice, personalOnlyLine, personalOnlyReply } from './help.js';
import type { ExecuteResult, Reply, Services, Turn } from './types.js';
import { channelPendingText, createReferral, visitationChannel } from './visitation.js';

const STEPS = ['citizen', 'problems', 'choose', 'scores', 'profile', 'outcome'] as const;
/** A reassessment asks the same problems again and compares; the profile is not asked again. */
const REASSESSMENT_STEPS = ['citizen', 'problems', 'choose', 'scores', 'compare'] as const;
type Step = (typeof STEPS)[number] | 'compare';
const stepsOf = (draft: ScreeningDraft): readonly Step[] => (draft.kind === 'reassessment' ? REASSESSMENT_STEPS : STEPS);
type OfferKind = 'club' | 'preventive' | 'referral';
const MAX_PROBLEMS = 20;

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
}

const Ref = z.object({ sid: z.string().uuid(), rev: z.coerce.number().int().min(0) });
/** The longest text each input takes (the card's maxLength, with room for spaces in a CPR number). */
const CITIZEN_FIELDS = { cpr: 20, name: 100, livesAtHome: 10, specialStaff: 10, under65Reason: 500 };
const PROBLEM_FIELDS = { activity: 120, subArea: 50, importance: 5 };
const OVERRIDE_FIELDS = { offer: 20, reason: 500 };
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const PURPOSE = 'screening';

// ---------------------------------------------------------------------------------------------
// Entry points

export async function startScreening(turn: Turn, services: Services): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'screening')];
  return [asReply(turn, await start(turn, services))];
}

export async function reassessCommand(turn: Turn, services: Services): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'reassess')];
  return [asReply(turn, await start(turn, services, 'reassessment'))];
}

export async function resumeCommand(turn: Turn, services: Services): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'screening')];
  const refused = refusal(turn);
  if (refused) return [asReply(turn, refused)];
  const drafts = await services.store.screenings.draftsBy(turn.staff);
  const latest = drafts.at(-1);
  if (!latest) {
    return [notice(turn, 'screening.title.resume', [t(turn.lang, 'screening.resume.none')], [newScreeningAction(turn), backToHelp(turn)])];
  }
  return [asReply(turn, { card: stepCard(turn, services, latest, draftOf(latest)) })];
}

function asReply(turn: Turn, result: ExecuteResult): Reply {
  return { kind: 'card', card: result.card, summary: t(turn.lang, 'summary.screening') };
}

function refusal(turn: Turn): ExecuteResult | undefined {
  const name = t(turn.lang, 'flow.screening.title');
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, name).card };
  if (!can(turn.roles, 'screening')) return { card: notAllowedReply(turn, name, 'screening').card };
  return undefined;
}

async function start(turn: Turn, services: Services, kind: 'first' | 'reassessment' = 'first'): Promise<ExecuteResult> {
  const refused = refusal(turn);
  if (refused) return refused;
  const drafts = await services.store.screenings.draftsBy(turn.staff);
  const latest = drafts.at(-1);
  if (latest) {
    const draft = draftOf(latest);
    const who = draft.citizen.name ? `${draft.citizen.name}, ${draft.citizen.cpr ? maskCpr(draft.citizen.cpr) : ''}`.replace(/, $/, '') : t(turn.lang, 'screening.newCitizen');
    return {
      card: form(turn, {
        title: t(turn.lang, 'screening.title.resume'),
        intro: [t(turn.lang, 'screening.resume.text', { who, n: stepNumber(draft), m: stepsOf(draft).length, at: formatDateTime(turn.lang, latest.updatedAt) })],
        fields: [],
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

// ---------------------------------------------------------------------------------------------
// Loading a draft from a card payload: the author only, the current rev only.

type Loaded = { screening: Screening; draft: ScreeningDraft };

async function loadDraft(turn: Turn, services: Services, data: Record<string, unknown>, options: { checkRev?: boolean; status?: Screening['status'] } = {}): Promise<Loaded | ExecuteResult> {
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

const isLoaded = (x: Loaded | ExecuteResult): x is Loaded => 'screening' in x;

function goneCard(turn: Turn): ExecuteResult {
  return { card: notice(turn, 'stale.title', [t(turn.lang, 'screening.gone')], [newScreeningAction(turn), backToHelp(turn)]).card };
}

function newScreeningAction(turn: Turn) {
  return { kind: 'execute' as const, title: t(turn.lang, 'screening.button.newScreening'), verb: 'screening.start', data: {} };
}

function draftOf(screening: Screening): ScreeningDraft {
  return structuredClone(screening.data) as unknown as ScreeningDraft;
}

/** Save a changed draft (rev bumped) and audit it against the citizen, when there is one. */
async function saveDraft(turn: Turn, services: Services, screening: Screening, draft: ScreeningDraft, what: string): Promise<Screening> {
  draft.rev += 1;
  const saved: Screening = { ...screening, data: draft as unknown as Record<string, unknown>, updatedAt: services.clock.now().toISOString() };
  await services.store.screenings.save(saved);
  if (saved.citizenId) await audit(turn, services, saved.citizenId, 'update', what);
  return saved;
}

async function audit(turn: Turn, services: Services, citizenId: string, action: 'read' | 'create' | 'update' | 'delete', what: string): Promise<void> {
  await services.store.audit.append({ actor: { ...turn.staff, name: turn.user.name }, citizenId, action, purpose: PURPOSE, what });
}

// ---------------------------------------------------------------------------------------------
// Cards

const stepNumber = (draft: ScreeningDraft) => stepsOf(draft).indexOf(draft.step) + 1;

function form(turn: Turn, data: { stepLabel?: string; title: string; intro: string[]; fields: FormField[]; actions: FormAction[] }): AdaptiveCardJson {
  return renderCard('form', { stepLabel: data.stepLabel ?? '', title: data.title, intro: data.intro, fields: data.fields, actions: data.actions });
}

interface CardOptions {
  errors?: Record<string, string>;
  /** What was typed, kept on a card shown again with errors. */
  values?: Record<string, string>;
  notice?: string;
  warning?: string;
}

function stepCard(turn: Turn, services: Services, screening: Screening, draft: ScreeningDraft, o: CardOptions = {}): AdaptiveCardJson {
  const L = turn.lang;
  const ref = { sid: screening.id, rev: draft.rev };
  const errors = o.errors ?? {};
  const value = (id: string, fallback: string) => o.values?.[id] ?? fallback;
  const fields: FormField[] = [];
  if (o.notice) fields.push(info(o.notice, 'Accent'));
  const next = button(t(L, 'screening.button.next'), 'screening.submit', ref, 'positive');
  const back = button(t(L, 'screening.button.back'), 'screening.back', ref);
  const cancel = button(t(L, 'screening.button.cancel'), 'screening.cancel', ref, 'destructive');
  const yesNo = [
    { title: t(L, 'screening.choice.yes'), value: 'yes' },
    { title: t(L, 'screening.choice.no'), value: 'no' },
  ];
  let actions: FormAction[] = [next, back, cancel];

  switch (draft.step) {
    case 'citizen': {
      const c = draft.citizen;
      if (draft.kind === 'reassessment') {
        fields.push(textInput('cpr', t(L, 'screening.field.cpr'), value('cpr', c.cpr ? `${c.cpr.slice(0, 6)}-${c.cpr.slice(6)}` : ''), errors.cpr ?? '', { placeholder: t(L, 'screening.field.cprPlaceholder'), maxLength: 11 }));
        actions = [next, cancel];
        break;
      }
      fields.push(
        textInput('cpr', t(L, 'screening.field.cpr'), value('cpr', c.cpr ? `${c.cpr.slice(0, 6)}-${c.cpr.slice(6)}` : ''), errors.cpr ?? '', { placeholder: t(L, 'screening.field.cprPlaceholder'), maxLength: 11 }),
        textInput('name', t(L, 'screening.field.name'), value('name', c.name), errors.name ?? '', { maxLength: 100 }),
        choice('livesAtHome', t(L, 'screening.field.livesAtHome'), yesNo, value('livesAtHome', c.livesAtHome), errors.livesAtHome ?? ''),
        choice('specialStaff', t(L, 'screening.field.specialStaff'), yesNo, value('specialStaff', c.specialStaff), errors.specialStaff ?? ''),
      );
      if (o.warning || c.under65Reason) {
        if (o.warning) fields.push(info(o.warning, 'Warning'));
        fields.push(textInput('under65Reason', t(L, 'screening.field.under65Reason'), value('under65Reason', c.under65Reason), errors.under65Reason ?? '', { maxLength: 500, multiline: true }));
      }
      actions = [next, cancel];
      break;
    }
    case 'problems': {
      if (draft.known) fields.push(info(t(L, 'screening.known', { name: draft.citizen.name }), 'Accent'));
      if (!draft.problems.length) fields.push(info(t(L, 'screening.problems.none'), 'Default'));
      for (const p of draft.problems) {
        fields.push(item(p.activity, problemLine(L, p), { title: t(L, 'screening.button.remove'), verb: 'screening.remove', data: { ...ref, pid: p.id } }));
      }
      if (errors.list) fields.push(info(errors.list, 'Attention'));
      fields.push(
        textInput('activity', t(L, 'screening.field.activity'), value('activity', ''), errors.activity ?? '', { placeholder: t(L, 'screening.field.activityPlaceholder'), maxLength: 120 }),
        choice('subArea', t(L, 'screening.field.subArea'), subAreaChoices(L), value('subArea', ''), errors.subArea ?? '', { style: 'compact', placeholder: t(L, 'screening.select') }),
        choice('importance', t(L, 'screening.field.importance'), oneToTen(), value('importance', ''), errors.importance ?? '', { style: 'compact', placeholder: t(L, 'screening.select') }),
      );
      actions = [button(t(L, 'screening.button.add'), 'screening.add', ref), next, back, cancel];
      break;
    }
    case 'choose': {
      const chosen = draft.chosen.length ? draft.chosen : preselect(draft.problems);
      fields.push(
        choice(
          'chosen',
          t(L, 'screening.field.chosen'),
          draft.problems.map((p) => ({ title: `${p.activity} (${importanceWord(L)} ${p.importance})`, value: p.id })),
          value('chosen', chosen.join(',')),
          errors.chosen ?? '',
          { multi: true },
        ),
      );
      break;
    }
    case 'scores': {
      for (const p of chosenProblems(draft)) {
        fields.push(info(p.activity, 'Default', true));
        fields.push(choice(`perf_${p.id}`, t(L, 'screening.field.performance'), oneToTen(), value(`perf_${p.id}`, p.performance ? String(p.performance) : ''), errors[`perf_${p.id}`] ?? '', { style: 'compact', placeholder: t(L, 'screening.select') }));
        fields.push(choice(`sat_${p.id}`, t(L, 'screening.field.satisfaction'), oneToTen(), value(`sat_${p.id}`, p.satisfaction ? String(p.satisfaction) : ''), errors[`sat_${p.id}`] ?? '', { style: 'compact', placeholder: t(L, 'screening.select') }));
      }
      break;
    }
    case 'profile': {
      const support = SUPPORT_LEVELS.map((s) => ({ title: t(L, `screening.support.${s}`), value: s }));
      const pr = draft.profile;
      fields.push(
        choice('activitySupport', t(L, 'screening.field.activitySupport'), support, value('activitySupport', pr.activitySupport ?? ''), errors.activitySupport ?? ''),
        choice('relationSupport', t(L, 'screening.field.relationSupport'), support, value('relationSupport', pr.relationSupport ?? ''), errors.relationSupport ?? ''),
        choice('careDuringHours', t(L, 'screening.field.careDuringHours'), yesNo, value('careDuringHours', pr.careDuringHours === undefined ? '' : pr.careDuringHours ? 'yes' : 'no'), errors.careDuringHours ?? ''),
        choice('transport', t(L, 'screening.field.transport'), TRANSPORT_NEEDS.map((n) => ({ title: t(L, `screening.transport.${n}`), value: n })), value('transport', pr.transport ?? ''), errors.transport ?? ''),
      );
      break;
    }
    case 'compare': {
      fields.push(...compareFields(L, reassessmentOf(draft)));
      actions = [button(t(L, 'screening.button.saveReassessment'), 'screening.confirm', ref, 'positive'), back, cancel];
      break;
    }
    case 'outcome': {
      const { outcome, scores } = evaluate(services, draft);
      fields.push(...outcomeFields(L, services, draft, outcome, scores));
      const confirm = button(t(L, 'screening.button.confirm'), 'screening.confirm', ref, 'positive');
      if (outcome.kind !== 'outside') {
        const others = (['club', 'preventive', 'referral'] as const).filter((k) => k !== outcome.kind);
        fields.push(
          choice('offer', t(L, 'screening.field.override'), others.map((k) => ({ title: t(L, `screening.offerShort.${k}`), value: k })), value('offer', ''), errors.offer ?? '', { style: 'compact', placeholder: t(L, 'screening.select') }),
          textInput('reason', t(L, 'screening.field.overrideReason'), value('reason', ''), errors.reason ?? '', { maxLength: 500, multiline: true }),
        );
        actions = [confirm, button(t(L, 'screening.button.override'), 'screening.override', ref), back, cancel];
      } else {
        actions = [confirm, back, cancel];
      }
      break;
    }
  }
  const reassessing = draft.kind === 'reassessment' && (draft.step === 'citizen' || draft.step === 'problems');
  const introKey = reassessing ? `screening.intro.reassess.${draft.step}` : `screening.intro.${draft.step}`;
  return form(turn, {
    stepLabel: t(L, 'screening.step', { n: stepNumber(draft), m: stepsOf(draft).length }),
    title: draft.kind === 'reassessment' && draft.step === 'citizen' ? t(L, 'screening.title.reassess') : t(L, `screening.title.${draft.step}`),
    intro: [t(L, introKey)],
    fields,
    actions,
  });
}

const importanceWord = (L: Lang) => (L === 'da' ? 'betydning' : 'importance');

function subAreaChoices(L: Lang): { title: string; value: string }[] {
  return (Object.keys(COPM_AREAS) as (keyof typeof COPM_AREAS)[]).flatMap((area) =>
    COPM_AREAS[area].map((sub) => ({ title: `${t(L, `copm.area.${area}`)}: ${t(L, `copm.sub.${sub}`)}`, value: sub })),
  );
}

function problemLine(L: Lang, p: CopmProblem): string {
  return t(L, 'screening.problem.line', { area: t(L, `copm.area.${areaOf(p.subArea)}`), sub: t(L, `copm.sub.${p.subArea}`), importance: p.importance });
}

function chosenProblems(draft: ScreeningDraft): CopmProblem[] {
  return draft.chosen.map((id) => draft.problems.find((p) => p.id === id)).filter((p): p is CopmProblem => !!p);
}

function eligibilityOf(draft: ScreeningDraft) {
  return { livesAtHome: draft.citizen.livesAtHome === 'yes', needsSpecialStaff: draft.citizen.specialStaff === 'yes' };
}

/** Recomputed from the stored answers every time: the decision and the draft cannot drift apart. */
type Scores = { performance: number; satisfaction: number; count: number };

function evaluate(services: Services, draft: ScreeningDraft): { outcome: Outcome; scores?: Scores } {
  const profile = draft.profile as Profile;
  const elig = eligibilityOf(draft);
  const outcome = decide(elig, elig.livesAtHome && !elig.needsSpecialStaff ? profile : { activitySupport: 'none', relationSupport: 'none', careDuringHours: false, transport: 'self' }, services.rules.targetGroups);
  return { outcome, scores: copmScores(chosenProblems(draft)) };
}

const decimal = (L: Lang, n: number) => (L === 'da' ? n.toFixed(1).replace('.', ',') : n.toFixed(1));

function answersText(L: Lang, answers: readonly ProfileAnswer[]): string {
  const words = answers.map((a) => t(L, `screening.answer.${a}`));
  const and = L === 'da' ? ' og ' : ' and ';
  return words.length > 1 ? `${words.slice(0, -1).join(', ')}${and}${words.at(-1)}` : (words[0] ?? '');
}

function outcomeFields(L: Lang, services: Services, draft: ScreeningDraft, outcome: Outcome, scores: Scores | undefined): FormField[] {
  const fields: FormField[] = [];
  if (outcome.kind === 'outside') {
    fields.push(info(t(L, 'screening.offer.outside'), 'Attention', true));
    fields.push(info(t(L, 'screening.outcome.outside')));
    for (const r of outcome.reasons) fields.push(info(`• ${t(L, `screening.outcome.outside.${r}`)}`));
    return fields;
  }
  if (scores) {
    fields.push(facts([
      { title: t(L, 'screening.outcome.performance'), value: `${decimal(L, scores.performance)} (${t(L, 'screening.outcome.averageOf', { count: scores.count })})` },
      { title: t(L, 'screening.outcome.satisfaction'), value: decimal(L, scores.satisfaction) },
    ]));
  }
  fields.push(info(t(L, 'screening.outcome.proposal', { offer: t(L, `screening.offer.${outcome.kind}`) }), outcome.kind === 'referral' ? 'Warning' : 'Good', true));
  fields.push(info(t(L, 'screening.outcome.decidedBy', { answers: answersText(L, outcome.decidedBy) })));
  if (outcome.kind === 'preventive' && outcome.transport) {
    fields.push(info(outcome.transport.granted && outcome.transport.because ? t(L, 'screening.outcome.transportGranted', { because: t(L, `screening.outcome.transportBecause.${outcome.transport.because}`) }) : t(L, 'screening.outcome.transportNot')));
  }
  if (outcome.kind === 'referral') fields.push(info(t(L, 'screening.outcome.referralNote')));
  if (outcome.kind === 'club') fields.push(...clubOffers(L, services, draft));
  return fields;
}

function clubOffers(L: Lang, services: Services, draft: ScreeningDraft): FormField[] {
  const subAreas = [...new Set(chosenProblems(draft).map((p) => p.subArea))] as CopmSubArea[];
  const found = offersFor(subAreas, services.rules.offers);
  const fields: FormField[] = [];
  if (!found.length) fields.push(info(t(L, 'screening.outcome.noClubOffers')));
  else {
    fields.push(info(t(L, 'screening.outcome.clubOffers'), 'Default', true));
    for (const { offer } of found) fields.push(info(`• ${t(L, 'screening.outcome.clubOffer', { name: offer.name, description: offer.description, where: offer.where })}`));
  }
  if (services.rules.offers.examplesOnly) fields.push(info(t(L, 'screening.outcome.examples'), 'Warning'));
  return fields;
}

function reassessmentOf(draft: ScreeningDraft): Reassessment {
  const previous = draft.previous!;
  const before = previous.chosen.map((id) => previous.problems.find((p) => p.id === id)).filter((p): p is CopmProblem => !!p);
  return reassess(before, chosenProblems(draft));
}

const signed = (L: Lang, n: number, digits: number) => `${n > 0 ? '+' : ''}${L === 'da' ? n.toFixed(digits).replace('.', ',') : n.toFixed(digits)}`;

/** Each problem's change shown on its own (DOMAIN.md: never one net figure hiding gains and losses). */
function compareFields(L: Lang, r: Reassessment): FormField[] {
  const fields: FormField[] = [];
  const mark = (important: boolean) => (important ? ` ${t(L, 'screening.compare.important')}` : '');
  r.problems.forEach((p, i) => {
    const label = `${i + 1}. ${p.activity}`;
    if (p.status === 'both' && p.before && p.after && p.performanceChange !== undefined && p.satisfactionChange !== undefined) {
      fields.push(info(label, 'Default', true));
      fields.push(facts([
        { title: t(L, 'screening.outcome.performance'), value: `${p.before.performance} → ${p.after.performance} (${signed(L, p.performanceChange, 0)})${mark(p.performanceImportant)}` },
        { title: t(L, 'screening.outcome.satisfaction'), value: `${p.before.satisfaction} → ${p.after.satisfaction} (${signed(L, p.satisfactionChange, 0)})${mark(p.satisfactionImportant)}` },
      ]));
    } else if (p.status === 'new' && p.after) {
      fields.push(info(`${label} (${t(L, 'screening.compare.new')})`, 'Default', true));
      fields.push(facts([
        { title: t(L, 'screening.outcome.performance'), value: String(p.after.performance) },
        { title: t(L, 'screening.outcome.satisfaction'), value: String(p.after.satisfaction) },
      ]));
    } else {
      fields.push(info(`${label} (${t(L, 'screening.compare.dropped')})`, 'Default', true));
    }
  });
  if (r.before && r.after && r.performanceChange !== undefined && r.satisfactionChange !== undefined) {
    fields.push(info(t(L, 'screening.compare.averages'), 'Default', true));
    fields.push(facts([
      { title: t(L, 'screening.outcome.performance'), value: `${decimal(L, r.before.performance)} → ${decimal(L, r.after.performance)} (${signed(L, r.performanceChange, 1)})${mark(r.performanceImportant)}` },
      { title: t(L, 'screening.outcome.satisfaction'), value: `${decimal(L, r.before.satisfaction)} → ${decimal(L, r.after.satisfaction)} (${signed(L, r.satisfactionChange, 1)})${mark(r.satisfactionImportant)}` },
    ]));
  }
  // Short x labels: the Playground and Teams cut chart labels at about ten characters.
  const bars = (key: 'performance' | 'satisfaction') =>
    r.problems.flatMap((p, i) => [
      ...(p.before ? [{ x: `${i + 1} ${t(L, 'screening.compare.before')}`, y: p.before[key] }] : []),
      ...(p.after ? [{ x: `${i + 1} ${t(L, 'screening.compare.now')}`, y: p.after[key] }] : []),
    ]);
  fields.push(chart(t(L, 'screening.outcome.performance'), bars('performance')));
  fields.push(chart(t(L, 'screening.outcome.satisfaction'), bars('satisfaction')));
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Steps

async function submitReassessCitizen(turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>): Promise<ExecuteResult> {
  const L = turn.lang;
  const { values, errors } = readFields(L, data, { cpr: CITIZEN_FIELDS.cpr });
  const typed = values.cpr;
  const failWith = (error: string) => ({ card: stepCard(turn, services, loaded.screening, loaded.draft, { errors: { cpr: error }, values: { cpr: typed } }) });
  const fail = (key: string) => failWith(t(L, key));
  if (errors.cpr) return failWith(errors.cpr);
  const cpr = readCprForLookup(typed, L, services);
  if (!cpr.ok) return failWith(cpr.error);
  const citizen = await services.store.citizens.findByCpr(cpr.digits);
  if (!citizen) return fail('screening.reassess.noCitizen');
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

async function submitCitizen(turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>): Promise<ExecuteResult> {
  const L = turn.lang;
  const { values, errors } = readFields(L, data, CITIZEN_FIELDS);
  const cpr = readCpr(values.cpr, L, services);
  if (!cpr.ok) errors.cpr ??= cpr.error;
  const name = values.name.trim();
  if (!name || name.length > 100) errors.name ??= t(L, 'screening.error.nameLength');
  if (!['yes', 'no'].includes(values.livesAtHome)) errors.livesAtHome ??= t(L, 'screening.error.choose');
  if (!['yes', 'no'].includes(values.specialStaff)) errors.specialStaff ??= t(L, 'screening.error.choose');
  let warning: string | undefined;
  let age: number | undefined;
  if (cpr.ok) {
    age = ageOn(cpr.cpr, copenhagenDay(services.clock.now()));
    if (age < 65) {
      warning = t(L, 'screening.under65', { age });
      if (!values.under65Reason.trim()) errors.under65Reason ??= t(L, 'screening.error.reason');
    }
  }
  if (Object.keys(errors).length || !cpr.ok) {
    return { card: stepCard(turn, services, loaded.screening, loaded.draft, { errors: errors as Record<string, string>, values, warning }) };
  }
  const { screening, draft } = loaded;
  let citizenId = screening.citizenId;
  let known = draft.known;
  let createdCitizen = draft.createdCitizen;
  // A different CPR than before: let go of the citizen this draft created for the old one.
  const previous = citizenId ? await services.store.citizens.get(citizenId) : undefined;
  if (previous && previous.cpr !== cpr.cpr.digits) {
    if (createdCitizen) await forgetCreatedCitizen(turn, services, previous, screening.id);
    citizenId = undefined;
    known = false;
    createdCitizen = false;
  }
  if (!citizenId) {
    const existing = await services.store.citizens.findByCpr(cpr.cpr.digits);
    const now = services.clock.now().toISOString();
    if (existing) {
      citizenId = existing.id;
      known = true;
      await audit(turn, services, existing.id, 'read', t('da', 'audit.screening.lookup'));
    } else {
      const citizen: Citizen = { id: randomUUID(), cpr: cpr.cpr.digits, name, createdAt: now, updatedAt: now };
      await services.store.citizens.save(citizen);
      citizenId = citizen.id;
      createdCitizen = true;
      await audit(turn, services, citizen.id, 'create', t('da', 'audit.screening.citizen'));
    }
  }
  const stored = known ? await services.store.citizens.get(citizenId) : undefined;
  draft.citizen = { cpr: cpr.cpr.digits, name: stored?.name ?? name, livesAtHome: values.livesAtHome as 'yes' | 'no', specialStaff: values.specialStaff as 'yes' | 'no', under65Reason: age !== undefined && age < 65 ? values.under65Reason.trim() : '', age };
  draft.known = known;
  draft.createdCitizen = createdCitizen;
  const elig = eligibilityOf(draft);
  // Outside all three offers: nothing more to ask before telling the staff member so.
  draft.step = elig.livesAtHome && !elig.needsSpecialStaff ? 'problems' : 'outcome';
  const saved = await saveDraft(turn, services, { ...screening, citizenId }, draft, t('da', 'audit.screening.draft'));
  return { card: stepCard(turn, services, saved, draft) };
}

async function forgetCreatedCitizen(turn: Turn, services: Services, citizen: Citizen, screeningId: string): Promise<void> {
  const others = (await services.store.screenings.listByCitizen(citizen.id)).filter((s) => s.id !== screeningId);
  const referrals = await services.store.referrals.listByCitizen(citizen.id);
  if (others.length || referrals.length) return;
  await services.store.citizens.delete(citizen.id);
  await audit(turn, services, citizen.id, 'delete', t('da', 'audit.screening.citizenDeleted'));
}

async function addProblem(turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>): Promise<ExecuteResult> {
  const L = turn.lang;
  const { screening, draft } = loaded;
  if (draft.step !== 'problems') return { card: stepCard(turn, services, screening, draft, { notice: t(L, 'screening.stale') }) };
  const fields = readFields(L, data, PROBLEM_FIELDS);
  const { values } = fields;
  const errors: Record<string, string> = { ...fields.errors };
  const activity = values.activity.trim();
  if (!activity || activity.length > 120) errors.activity ??= t(L, 'screening.error.activity');
  if (!(COPM_SUB_AREAS as readonly string[]).includes(values.subArea)) errors.subArea ??= t(L, 'screening.error.choose');
  const importance = Number(values.importance);
  if (!isScore(importance)) errors.importance ??= t(L, 'screening.error.importance');
  if (draft.problems.length >= MAX_PROBLEMS) errors.list = t(L, 'screening.error.tooMany');
  if (Object.keys(errors).length) return { card: stepCard(turn, services, screening, draft, { errors, values }) };
  draft.problems.push({ id: `p${randomUUID().slice(0, 8)}`, activity, subArea: values.subArea as CopmSubArea, importance });
  draft.chosen = [];
  const saved = await saveDraft(turn, services, screening, draft, t('da', 'audit.screening.problems'));
  return { card: stepCard(turn, services, saved, draft) };
}

async function removeProblem(turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>): Promise<ExecuteResult> {
  const { screening, draft } = loaded;
  const pid = str(data.pid);
  if (draft.step !== 'problems' || !draft.problems.some((p) => p.id === pid)) {
    return { card: stepCard(turn, services, screening, draft, { notice: t(turn.lang, 'screening.stale') }) };
  }
  draft.problems = draft.problems.filter((p) => p.id !== pid);
  draft.chosen = [];
  const saved = await saveDraft(turn, services, screening, draft, t('da', 'audit.screening.problems'));
  return { card: stepCard(turn, services, saved, draft) };
}

async function submit(turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>): Promise<ExecuteResult> {
  const L = turn.lang;
  const { screening, draft } = loaded;
  const errors: Record<string, string> = {};
  const values: Record<string, string> = {};
  switch (draft.step) {
    case 'citizen':
      return draft.kind === 'reassessment' ? submitReassessCitizen(turn, services, loaded, data) : submitCitizen(turn, services, loaded, data);
    case 'problems':
      if (!draft.problems.length) return { card: stepCard(turn, services, screening, draft, { errors: { list: t(L, 'screening.error.atLeastOne') } }) };
      draft.step = 'choose';
      break;
    case 'choose': {
      values.chosen = str(data.chosen);
      const ids = values.chosen.split(',').map((s) => s.trim()).filter(Boolean);
      const valid = ids.every((id) => draft.problems.some((p) => p.id === id)) && new Set(ids).size === ids.length;
      if (!valid || ids.length < 1 || ids.length > 5) return { card: stepCard(turn, services, screening, draft, { errors: { chosen: t(L, 'screening.error.chooseCount') }, values }) };
      draft.chosen = ids;
      draft.step = 'scores';
      break;
    }
    case 'scores': {
      for (const p of chosenProblems(draft)) {
        for (const [prefix, key] of [['perf_', 'performance'], ['sat_', 'satisfaction']] as const) {
          const raw = str(data[`${prefix}${p.id}`]);
          values[`${prefix}${p.id}`] = raw;
          const n = Number(raw);
          if (!isScore(n)) errors[`${prefix}${p.id}`] = t(L, 'screening.error.score');
          else p[key] = n;
        }
      }
      if (Object.keys(errors).length) return { card: stepCard(turn, services, screening, draftOf(screening), { errors, values }) };
      draft.step = draft.kind === 'reassessment' ? 'compare' : 'profile';
      break;
    }
    case 'profile': {
      const profile: Partial<Profile> = {};
      for (const key of PROFILE_ANSWERS) values[key] = str(data[key]);
      if ((SUPPORT_LEVELS as readonly string[]).includes(values.activitySupport!)) profile.activitySupport = values.activitySupport as Profile['activitySupport'];
      else errors.activitySupport = t(L, 'screening.error.choose');
      if ((SUPPORT_LEVELS as readonly string[]).includes(values.relationSupport!)) profile.relationSupport = values.relationSupport as Profile['relationSupport'];
      else errors.relationSupport = t(L, 'screening.error.choose');
      if (values.careDuringHours === 'yes' || values.careDuringHours === 'no') profile.careDuringHours = values.careDuringHours === 'yes';
      else errors.careDuringHours = t(L, 'screening.error.choose');
      if ((TRANSPORT_NEEDS as readonly string[]).includes(values.transport!)) profile.transport = values.transport as Profile['transport'];
      else errors.transport = t(L, 'screening.error.choose');
      if (Object.keys(errors).length) return { card: stepCard(turn, services, screening, draft, { errors, values }) };
      draft.profile = profile;
      draft.step = 'outcome';
      break;
    }
    case 'outcome':
    case 'compare':
      return confirmOutcome(turn, services, loaded, undefined);
  }
  const saved = await saveDraft(turn, services, screening, draft, t('da', 'audit.screening.draft'));
  return { card: stepCard(turn, services, saved, draft) };
}

async function back(turn: Turn, services: Services, loaded: Loaded): Promise<ExecuteResult> {
  const { screening, draft } = loaded;
  const elig = eligibilityOf(draft);
  const outside = !elig.livesAtHome || elig.needsSpecialStaff;
  const previous: Record<Step, Step> = { citizen: 'citizen', problems: 'citizen', choose: 'problems', scores: 'choose', profile: 'scores', outcome: outside ? 'citizen' : 'profile', compare: 'scores' };
  draft.step = previous[draft.step];
  const saved = await saveDraft(turn, services, screening, draft, t('da', 'audit.screening.draft'));
  return { card: stepCard(turn, services, saved, draft) };
}

async function confirmOutcome(turn: Turn, services: Services, loaded: Loaded, override: { offer: OfferKind; reason: string } | undefined): Promise<ExecuteResult> {
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
  if (chosen === 'referral') {
    const created = await createReferral(services, { staff: turn.staff, name: turn.user.name }, {
      citizenId,
      source: { kind: 'screening', screeningId: screening.id, by: turn.staff },
      data: { screening: { proposed, chosen, scores, decidedBy: outcome.kind === 'outside' ? [] : outcome.decidedBy } },
    });
    referral = { id: created.id, caseNumber: created.caseNumber };
  }
  const transportGranted = chosen === 'preventive' ? (draft.profile.transport ? services.rules.targetGroups.transportGrantedFor.includes(draft.profile.transport) : false) : undefined;
  draft.decision = { proposed, chosen, overrideReason: override?.reason, outcome, scores, transportGranted, referral, decidedAt: now };
  draft.rev += 1;
  const done: Screening = { ...screening, status: 'done', data: draft as unknown as Record<string, unknown>, updatedAt: now };
  await services.store.screenings.save(done);
  await audit(turn, services, citizenId, 'update', t('da', 'audit.screening.done'));
  return doneResult(turn, services, done, draft, false);
}

async function confirmReassessment(turn: Turn, services: Services, { screening, draft }: Loaded): Promise<ExecuteResult> {
  const L = turn.lang;
  const now = services.clock.now().toISOString();
  draft.reassessment = { result: reassessmentOf(draft), at: now };
  draft.rev += 1;
  const done: Screening = { ...screening, status: 'done', data: draft as unknown as Record<string, unknown>, updatedAt: now };
  await services.store.screenings.save(done);
  await audit(turn, services, screening.citizenId!, 'update', t('da', 'audit.screening.reassessed'));
  const card = form(turn, {
    title: t(L, 'screening.title.reassessDone'),
    intro: [t(L, 'screening.done.reassessed', { name: draft.citizen.name, cpr: maskCpr(draft.citizen.cpr) }), t(L, 'screening.done.summaryBelow')],
    fields: compareFields(L, draft.reassessment.result),
    actions: [button(t(L, 'screening.button.newScreening'), 'screening.start', {}), button(t(L, 'common.showHelp'), 'help.show', {})],
  });
  const author = await services.store.staff.get(screening.author);
  return { card, also: [{ kind: 'text', text: reassessmentSummary(draft, author?.name ?? turn.user.name ?? ''), summary: t(L, 'summary.reassessmentDoc') }] };
}

/** The reassessment summary for the care record: Danish, each problem's change on its own line. */
export function reassessmentSummary(draft: ScreeningDraft, staffName: string): string {
  const d = (key: string, vars: Record<string, string | number> = {}) => t('da', key, vars);
  const r = draft.reassessment!.result;
  const mark = (important: boolean) => (important ? ` ${d('screening.compare.important')}` : '');
  const lines = [
    d('summary.re.title'),
    d('summary.doc.date', { date: formatDate('da', draft.reassessment!.at) }),
    d('summary.doc.citizen', { name: draft.citizen.name, cpr: maskCpr(draft.citizen.cpr) }),
    d('summary.doc.by', { name: staffName }),
    d('summary.re.previous', { date: formatDate('da', draft.previous!.at) }),
    '',
  ];
  for (const p of r.problems) {
    if (p.status === 'both' && p.before && p.after && p.performanceChange !== undefined && p.satisfactionChange !== undefined) {
      lines.push(d('summary.re.both', { activity: p.activity, pb: p.before.performance, pa: p.after.performance, pc: signed('da', p.performanceChange, 0), pm: mark(p.performanceImportant), sb: p.before.satisfaction, sa: p.after.satisfaction, sc: signed('da', p.satisfactionChange, 0), sm: mark(p.satisfactionImportant) }));
    } else if (p.status === 'new' && p.after) {
      lines.push(d('summary.re.new', { activity: p.activity, pa: p.after.performance, sa: p.after.satisfaction }));
    } else {
      lines.push(d('summary.re.dropped', { activity: p.activity }));
    }
  }
  if (r.before && r.after && r.performanceChange !== undefined && r.satisfactionChange !== undefined) {
    lines.push('', d('summary.re.averages', { pb: decimal('da', r.before.performance), pa: decimal('da', r.after.performance), pc: signed('da', r.performanceChange, 1), pm: mark(r.performanceImportant), sb: decimal('da', r.before.satisfaction), sa: decimal('da', r.after.satisfaction), sc: signed('da', r.satisfactionChange, 1), sm: mark(r.satisfactionImportant) }));
  }
  lines.push(d('summary.re.rule'));
  return lines.join('\n');
}

async function doneResult(turn: Turn, services: Services, screening: Screening, draft: ScreeningDraft, fullCpr: boolean): Promise<ExecuteResult> {
  const L = turn.lang;
  const decision = draft.decision!;
  const offer = decision.chosen === 'outside' ? t(L, 'screening.offer.outside') : t(L, `screening.offerShort.${decision.chosen}`);
  const lines = [t(L, 'screening.done.saved', { name: draft.citizen.name, cpr: maskCpr(draft.citizen.cpr), offer })];
  if (decision.referral) {
    lines.push(t(L, 'screening.done.referral', { caseNumber: decision.referral.caseNumber }));
    lines.push(channelPendingText(L, !!(await visitationChannel(services))));
  }
  lines.push(t(L, 'screening.done.summaryBelow'));
  const card = form(turn, {
    title: t(L, 'screening.title.done'),
    intro: lines,
    fields: [],
    actions: [
      button(t(L, 'screening.button.fullCpr'), 'screening.fullCpr', { sid: screening.id }),
      button(t(L, 'screening.button.newScreening'), 'screening.start', {}),
      button(t(L, 'common.showHelp'), 'help.show', {}),
    ],
  });
  const author = await services.store.staff.get(screening.author);
  return { card, also: [{ kind: 'text', text: summaryText(services, screening, draft, author?.name ?? turn.user.name ?? '', fullCpr), summary: t(L, 'summary.screeningDoc') }] };
}

/** The start-conversation summary for the care record: always Danish, plain text, easy to copy. */
export function summaryText(services: Services, screening: Screening, draft: ScreeningDraft, staffName: string, fullCpr: boolean): string {
  const d = (key: string, vars: Record<string, string | number> = {}) => t('da', key, vars);
  const decision = draft.decision!;
  const c = draft.citizen;
  const lines = [
    d('summary.doc.title'),
    d('summary.doc.date', { date: formatDate('da', decision.decidedAt) }),
    d('summary.doc.citizen', { name: c.name, cpr: fullCpr ? `${c.cpr.slice(0, 6)}-${c.cpr.slice(6)}` : maskCpr(c.cpr) }),
    d('summary.doc.by', { name: staffName }),
    d('summary.doc.home', { answer: d(`screening.choice.${c.livesAtHome || 'no'}`).toLowerCase(), special: d(`screening.choice.${c.specialStaff || 'no'}`).toLowerCase() }),
  ];
  if (c.under65Reason) lines.push(d('summary.doc.under65', { reason: c.under65Reason }));
  const outcome = decision.outcome;
  if (outcome.kind === 'outside') {
    lines.push('', d('summary.doc.outside', { reasons: outcome.reasons.map((r) => d(`screening.outcome.outside.${r}`)).join(' ') }));
    return lines.join('\n');
  }
  lines.push('', d('summary.doc.activities'));
  for (const p of draft.problems) {
    const scored = draft.chosen.includes(p.id) && p.performance && p.satisfaction;
    lines.push(
      d('summary.doc.activity', {
        activity: p.activity,
        area: d(`copm.area.${areaOf(p.subArea)}`),
        sub: d(`copm.sub.${p.subArea}`),
        importance: p.importance,
        scores: scored ? d('summary.doc.activityScores', { performance: p.performance!, satisfaction: p.satisfaction! }) + d('summary.doc.chosenMark') : '',
      }),
    );
  }
  if (decision.scores) {
    lines.push(d('summary.doc.copm', { performance: decimal('da', decision.scores.performance), satisfaction: decimal('da', decision.scores.satisfaction), count: decision.scores.count }));
  }
  lines.push('', d('summary.doc.profile'));
  const pr = draft.profile as Profile;
  lines.push(
    d('summary.doc.profileLine', { question: d('screening.field.activitySupport'), answer: d(`screening.support.${pr.activitySupport}`).toLowerCase() }),
    d('summary.doc.profileLine', { question: d('screening.field.relationSupport'), answer: d(`screening.support.${pr.relationSupport}`).toLowerCase() }),
    d('summary.doc.profileLine', { question: d('screening.field.careDuringHours').replace(/\?$/, ''), answer: d(`screening.choice.${pr.careDuringHours ? 'yes' : 'no'}`).toLowerCase() }),
    d('summary.doc.profileLine', { question: d('screening.field.transport'), answer: d(`screening.transport.${pr.transport}`).toLowerCase() }),
  );
  lines.push('', d('summary.doc.proposal', { offer: d(`screening.offer.${outcome.kind}`) }), d('summary.doc.decidedBy', { answers: answersText('da', outcome.decidedBy) }));
  if (decision.chosen !== outcome.kind) lines.push(d('summary.doc.overridden', { offer: d(`screening.offer.${decision.chosen}`), reason: decision.overrideReason ?? '' }));
  else lines.push(d('summary.doc.confirmed'));
  if (decision.chosen === 'preventive') {
    const because = draft.profile.transport;
    lines.push(decision.transportGranted && because ? d('screening.outcome.transportGranted', { because: d(`screening.outcome.transportBecause.${because}`) }) : d('screening.outcome.transportNot'));
  }
  if (decision.referral) lines.push(d('summary.doc.referral', { caseNumber: decision.referral.caseNumber }));
  lines.push(d('summary.doc.ruleSet', { id: outcome.ruleSet.id, version: outcome.ruleSet.version }));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Verbs

type Handler = (turn: Turn, services: Services, data: Record<string, unknown>) => Promise<ExecuteResult>;

const withDraft =
  (fn: (turn: Turn, services: Services, loaded: Loaded, data: Record<string, unknown>) => Promise<ExecuteResult>, options?: { checkRev?: boolean }): Handler =>
  async (turn, services, data) => {
    const loaded = await loadDraft(turn, services, data, options);
    return isLoaded(loaded) ? fn(turn, services, loaded, data) : loaded;
  };

export const screeningVerbs: Record<string, Handler> = {
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
      card: form(turn, {
        title: t(L, 'screening.title.cancel'),
        intro: [t(L, 'screening.cancel.text', { who })],
        fields: [],
        actions: [
          button(t(L, 'screening.button.cancelYes'), 'screening.cancelYes', { sid: screening.id, rev: draft.rev }, 'destructive'),
          button(t(L, 'screening.button.cancelNo'), 'screening.resume', { sid: screening.id }),
        ],
      }),
    };
  }),
  'screening.cancelYes': withDraft(async (turn, services, loaded) => {
    await discard(turn, services, loaded);
    return { card: notice(turn, 'screening.title.cancel', [t(turn.lang, 'screening.cancelled')], [newScreeningAction(turn), backToHelp(turn)]).card };
  }),
  'screening.confirm': withDraft(async (turn, services, loaded) => confirmOutcome(turn, services, loaded, undefined)),
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
    return confirmOutcome(turn, services, loaded, { offer: values.offer as OfferKind, reason: values.reason.trim() });
  }),
  'screening.fullCpr': async (turn, services, data) => {
    const loaded = await loadDraft(turn, services, data, { checkRev: false, status: 'done' });
    if (!isLoaded(loaded)) return loaded;
    await audit(turn, services, loaded.screening.citizenId!, 'read', t('da', 'audit.screening.fullCpr'));
    return doneResult(turn, services, loaded.screening, loaded.draft, true);
  },
};

async function discard(turn: Turn, services: Services, { screening }: Loaded): Promise<void> {
  await services.store.screenings.delete(screening.id);
  const draft = draftOf(screening);
  if (screening.citizenId) {
    await audit(turn, services, screening.citizenId, 'delete', t('da', 'audit.screening.draftDeleted'));
    const citizen = await services.store.citizens.get(screening.citizenId);
    if (citizen && draft.createdCitizen) await forgetCreatedCitizen(turn, services, citizen, screening.id);
  }
}
