// The card of each screening step, from the draft: what was typed stays, errors stand at their fields.
// This file says what each card holds (texts, kept values, errors, buttons); its template,
// cards/screening/<screen>.json, says how it looks.
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import type { CompareCardData, Fact, Field, OutcomeStepCardData } from '../../../cards/screening/types.js';
import { COPM_AREAS, areaOf, preselect, type CopmProblem, type CopmSubArea, type Reassessment } from '../../domain/copm.js';
import { offersFor } from '../../domain/offers.js';
import { SUPPORT_LEVELS, TRANSPORT_NEEDS, type Outcome, type ProfileAnswer } from '../../domain/targetGroup.js';
import { formatDecimal, formatList, formatSigned } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Screening } from '../../store/index.js';
import { button, oneToTen } from '../shared/form.js';
import type { Services, Turn } from '../types.js';
import { type ScreeningDraft, stepsOf } from './draft.js';
import { type Scores } from './index.js';
import { evaluate } from './outcome.js';
import { reassessmentOf } from './reassess.js';

export const stepNumber = (draft: ScreeningDraft) => stepsOf(draft).indexOf(draft.step) + 1;

interface CardOptions {
  errors?: Record<string, string>;
  /** What was typed, kept on a card shown again with errors. */
  values?: Record<string, string>;
  notice?: string;
  warning?: string;
}

export function stepCard(turn: Turn, services: Services, screening: Screening, draft: ScreeningDraft, o: CardOptions = {}): AdaptiveCardJson {
  const L = turn.lang;
  const ref = { sid: screening.id, rev: draft.rev };
  const errors = o.errors ?? {};
  /** An input's label, the value it shows (what was typed, else the draft's) and its message. */
  const field = (id: string, labelKey: string, stored: string): Field => ({ label: t(L, labelKey), value: o.values?.[id] ?? stored, error: errors[id] ?? '' });
  const placeholder = t(L, 'screening.select');
  const yesNo = [
    { title: t(L, 'screening.choice.yes'), value: 'yes' },
    { title: t(L, 'screening.choice.no'), value: 'no' },
  ];
  const next = button(t(L, 'screening.button.next'), 'screening.submit', ref, 'positive');
  const back = button(t(L, 'screening.button.back'), 'screening.back', ref);
  const cancel = button(t(L, 'screening.button.cancel'), 'screening.cancel', ref, 'destructive');
  const reassessing = draft.kind === 'reassessment' && (draft.step === 'citizen' || draft.step === 'problems');
  const step = {
    stepLabel: t(L, 'screening.step', { n: stepNumber(draft), m: stepsOf(draft).length }),
    title: draft.kind === 'reassessment' && draft.step === 'citizen' ? t(L, 'screening.title.reassess') : t(L, `screening.title.${draft.step}`),
    intro: t(L, reassessing ? `screening.intro.reassess.${draft.step}` : `screening.intro.${draft.step}`),
    notice: o.notice ?? '',
  };

  switch (draft.step) {
    case 'citizen': {
      const c = draft.citizen;
      const cpr = { ...field('cpr', 'screening.field.cpr', c.cpr ? `${c.cpr.slice(0, 6)}-${c.cpr.slice(6)}` : ''), placeholder: t(L, 'screening.field.cprPlaceholder') };
      if (draft.kind === 'reassessment') return renderCard('screening/reassessCitizen', { ...step, cpr, actions: [next, cancel] });
      return renderCard('screening/citizen', {
        ...step,
        cpr,
        name: field('name', 'screening.field.name', c.name),
        livesAtHome: { ...field('livesAtHome', 'screening.field.livesAtHome', c.livesAtHome), choices: yesNo },
        specialStaff: { ...field('specialStaff', 'screening.field.specialStaff', c.specialStaff), choices: yesNo },
        warning: o.warning ?? '',
        askUnder65Reason: !!(o.warning || c.under65Reason),
        under65Reason: field('under65Reason', 'screening.field.under65Reason', c.under65Reason),
        actions: [next, cancel],
      });
    }
    case 'problems':
      return renderCard('screening/problems', {
        ...step,
        known: draft.known ? t(L, 'screening.known', { name: draft.citizen.name }) : '',
        empty: t(L, 'screening.problems.none'),
        problems: draft.problems.map((p) => ({ activity: p.activity, line: problemLine(L, p), remove: button(t(L, 'screening.button.remove'), 'screening.remove', { ...ref, pid: p.id }) })),
        listError: errors.list ?? '',
        activity: { ...field('activity', 'screening.field.activity', ''), placeholder: t(L, 'screening.field.activityPlaceholder') },
        subArea: { ...field('subArea', 'screening.field.subArea', ''), choices: subAreaChoices(L), placeholder },
        importance: { ...field('importance', 'screening.field.importance', ''), choices: oneToTen(), placeholder },
        add: button(t(L, 'screening.button.add'), 'screening.add', ref),
        actions: [next, back, cancel],
      });
    case 'choose': {
      const chosen = draft.chosen.length ? draft.chosen : preselect(draft.problems);
      const choices = draft.problems.map((p) => ({ title: `${p.activity} (${t(L, 'screening.importanceWord')} ${p.importance})`, value: p.id }));
      return renderCard('screening/choose', { ...step, chosen: { ...field('chosen', 'screening.field.chosen', chosen.join(',')), choices }, actions: [next, back, cancel] });
    }
    case 'scores': {
      const score = (id: string, stored: number | undefined) => ({ value: o.values?.[id] ?? (stored ? String(stored) : ''), error: errors[id] ?? '' });
      return renderCard('screening/scores', {
        ...step,
        performanceLabel: t(L, 'screening.field.performance'),
        satisfactionLabel: t(L, 'screening.field.satisfaction'),
        placeholder,
        scale: oneToTen(),
        problems: chosenProblems(draft).map((p) => ({ id: p.id, activity: p.activity, performance: score(`perf_${p.id}`, p.performance), satisfaction: score(`sat_${p.id}`, p.satisfaction) })),
        actions: [next, back, cancel],
      });
    }
    case 'profile': {
      const support = SUPPORT_LEVELS.map((s) => ({ title: t(L, `screening.support.${s}`), value: s }));
      const pr = draft.profile;
      return renderCard('screening/profile', {
        ...step,
        activitySupport: { ...field('activitySupport', 'screening.field.activitySupport', pr.activitySupport ?? ''), choices: support },
        relationSupport: { ...field('relationSupport', 'screening.field.relationSupport', pr.relationSupport ?? ''), choices: support },
        careDuringHours: { ...field('careDuringHours', 'screening.field.careDuringHours', pr.careDuringHours === undefined ? '' : pr.careDuringHours ? 'yes' : 'no'), choices: yesNo },
        transport: { ...field('transport', 'screening.field.transport', pr.transport ?? ''), choices: TRANSPORT_NEEDS.map((n) => ({ title: t(L, `screening.transport.${n}`), value: n })) },
        actions: [next, back, cancel],
      });
    }
    case 'compare':
      return renderCard('screening/compare', {
        ...step,
        intro: [step.intro],
        ...comparison(L, reassessmentOf(draft)),
        actions: [button(t(L, 'screening.button.saveReassessment'), 'screening.confirm', ref, 'positive'), back, cancel],
      });
    case 'outcome': {
      const { outcome, scores } = evaluate(services, draft);
      const confirm = button(t(L, 'screening.button.confirm'), 'screening.confirm', ref, 'positive');
      if (outcome.kind === 'outside') {
        return renderCard('screening/outside', {
          ...step,
          heading: t(L, 'screening.offer.outside'),
          text: t(L, 'screening.outcome.outside'),
          reasons: outcome.reasons.map((r) => t(L, `screening.outcome.outside.${r}`)),
          actions: [confirm, back, cancel],
        });
      }
      const others = (['club', 'preventive', 'referral'] as const).filter((k) => k !== outcome.kind);
      return renderCard('screening/outcome', {
        ...step,
        ...proposal(L, services, draft, outcome, scores),
        override: {
          offer: { ...field('offer', 'screening.field.override', ''), choices: others.map((k) => ({ title: t(L, `screening.offerShort.${k}`), value: k })), placeholder },
          reason: field('reason', 'screening.field.overrideReason', ''),
        },
        referralNote: outcome.kind === 'referral' ? field('note', 'screening.field.referralNote', '') : { label: '', value: '', error: '' },
        actions: [confirm, button(t(L, 'screening.button.override'), 'screening.override', ref), back, cancel],
      });
    }
  }
}

function subAreaChoices(L: Lang): { title: string; value: string }[] {
  return (Object.keys(COPM_AREAS) as (keyof typeof COPM_AREAS)[]).flatMap((area) =>
    COPM_AREAS[area].map((sub) => ({ title: `${t(L, `copm.area.${area}`)}: ${t(L, `copm.sub.${sub}`)}`, value: sub })),
  );
}

function problemLine(L: Lang, p: CopmProblem): string {
  return t(L, 'screening.problem.line', { area: t(L, `copm.area.${areaOf(p.subArea)}`), sub: t(L, `copm.sub.${p.subArea}`), importance: p.importance });
}

export function chosenProblems(draft: ScreeningDraft): CopmProblem[] {
  return draft.chosen.map((id) => draft.problems.find((p) => p.id === id)).filter((p): p is CopmProblem => !!p);
}

export const decimal = (L: Lang, n: number) => formatDecimal(L, n);

export function answersText(L: Lang, answers: readonly ProfileAnswer[]): string {
  return formatList(L, answers.map((a) => t(L, `screening.answer.${a}`)));
}

/**
 * What decided the proposal: the answers needing the most support; when every answer is at the club
 * level (no support needed anywhere), there is no "most", and it says so. `prefix`: the card's or
 * the summary document's keys.
 */
export function decidedByText(L: Lang, outcome: Exclude<Outcome, { kind: 'outside' }>, prefix: 'screening.outcome' | 'summary.doc'): string {
  if (outcome.level === 'club') return t(L, `${prefix}.decidedByNoSupport`);
  return t(L, `${prefix}.decidedBy`, { answers: answersText(L, outcome.decidedBy) });
}

type Proposal = Omit<OutcomeStepCardData, 'stepLabel' | 'title' | 'intro' | 'notice' | 'override' | 'referralNote' | 'actions'>;

/** The proposed offer, what decided it, what follows from it, and for a club the local offers. */
function proposal(L: Lang, services: Services, draft: ScreeningDraft, outcome: Exclude<Outcome, { kind: 'outside' }>, scores: Scores | undefined): Proposal {
  const notes: string[] = [];
  if (outcome.kind === 'preventive' && outcome.transport) {
    notes.push(outcome.transport.granted && outcome.transport.because ? t(L, 'screening.outcome.transportGranted', { because: t(L, `screening.outcome.transportBecause.${outcome.transport.because}`) }) : t(L, 'screening.outcome.transportNot'));
  }
  if (outcome.kind === 'referral') notes.push(t(L, 'screening.outcome.referralNote'));
  let offersHeading = '';
  let offers: string[] = [];
  let examples = '';
  if (outcome.kind === 'club') {
    const subAreas = [...new Set(chosenProblems(draft).map((p) => p.subArea))] as CopmSubArea[];
    const found = offersFor(subAreas, services.rules.offers);
    if (!found.length) notes.push(t(L, 'screening.outcome.noClubOffers'));
    else {
      offersHeading = t(L, 'screening.outcome.clubOffers');
      offers = found.map(({ offer }) => t(L, 'screening.outcome.clubOffer', { name: offer.name, description: offer.description, where: offer.where }));
    }
    if (services.rules.offers.examplesOnly) examples = t(L, 'screening.outcome.examples');
  }
  return {
    kind: outcome.kind,
    scores: scores
      ? [
          { title: t(L, 'screening.outcome.performance'), value: `${decimal(L, scores.performance)} (${t(L, 'screening.outcome.averageOf', { count: scores.count })})` },
          { title: t(L, 'screening.outcome.satisfaction'), value: decimal(L, scores.satisfaction) },
        ]
      : [],
    proposal: t(L, 'screening.outcome.proposal', { offer: t(L, `screening.offer.${outcome.kind}`) }),
    decidedBy: decidedByText(L, outcome, 'screening.outcome'),
    notes,
    offersHeading,
    offers,
    examples,
  };
}

export const signed = formatSigned;

/** Each problem's change shown on its own (DOMAIN.md: never one net figure hiding gains and losses). */
export function comparison(L: Lang, r: Reassessment): Pick<CompareCardData, 'problems' | 'averagesHeading' | 'averages' | 'charts'> {
  const mark = (important: boolean) => (important ? ` ${t(L, 'screening.compare.important')}` : '');
  const scoreFacts = (performance: string, satisfaction: string): Fact[] => [
    { title: t(L, 'screening.outcome.performance'), value: performance },
    { title: t(L, 'screening.outcome.satisfaction'), value: satisfaction },
  ];
  const problems = r.problems.map((p, i) => {
    const label = `${i + 1}. ${p.activity}`;
    if (p.status === 'both' && p.before && p.after && p.performanceChange !== undefined && p.satisfactionChange !== undefined) {
      return {
        label,
        facts: scoreFacts(
          `${p.before.performance} → ${p.after.performance} (${signed(L, p.performanceChange, 0)})${mark(p.performanceImportant)}`,
          `${p.before.satisfaction} → ${p.after.satisfaction} (${signed(L, p.satisfactionChange, 0)})${mark(p.satisfactionImportant)}`,
        ),
      };
    }
    if (p.status === 'new' && p.after) return { label: `${label} (${t(L, 'screening.compare.new')})`, facts: scoreFacts(String(p.after.performance), String(p.after.satisfaction)) };
    return { label: `${label} (${t(L, 'screening.compare.dropped')})`, facts: [] };
  });
  let averagesHeading = '';
  let averages: Fact[] = [];
  if (r.before && r.after && r.performanceChange !== undefined && r.satisfactionChange !== undefined) {
    averagesHeading = t(L, 'screening.compare.averages');
    averages = scoreFacts(
      `${decimal(L, r.before.performance)} → ${decimal(L, r.after.performance)} (${signed(L, r.performanceChange, 1)})${mark(r.performanceImportant)}`,
      `${decimal(L, r.before.satisfaction)} → ${decimal(L, r.after.satisfaction)} (${signed(L, r.satisfactionChange, 1)})${mark(r.satisfactionImportant)}`,
    );
  }
  // Short x labels: the Playground and Teams cut chart labels at about ten characters.
  const bars = (key: 'performance' | 'satisfaction') =>
    r.problems.flatMap((p, i) => [
      ...(p.before ? [{ x: `${i + 1} ${t(L, 'screening.compare.before')}`, y: p.before[key] }] : []),
      ...(p.after ? [{ x: `${i + 1} ${t(L, 'screening.compare.now')}`, y: p.after[key] }] : []),
    ]);
  return {
    problems,
    averagesHeading,
    averages,
    charts: [
      // Titled above the chart in a text of its own: not every client draws a chart's own title.
      { title: t(L, 'screening.compare.chart.performance'), data: bars('performance') },
      { title: t(L, 'screening.compare.chart.satisfaction'), data: bars('satisfaction') },
    ],
  };
}

