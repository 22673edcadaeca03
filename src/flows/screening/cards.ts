// The card of each screening step, from the draft: what was typed stays, errors stand at their fields.
import { renderCard, type AdaptiveCardJson, type FormField } from '../../../cards/index.js';
import { COPM_AREAS, areaOf, preselect, type CopmProblem, type CopmSubArea, type Reassessment } from '../../domain/copm.js';
import { offersFor } from '../../domain/offers.js';
import { SUPPORT_LEVELS, TRANSPORT_NEEDS, type Outcome, type ProfileAnswer } from '../../domain/targetGroup.js';
import { formatDecimal, formatList, formatSigned } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Screening } from '../../store/index.js';
import { button, chart, choice, facts, info, item, oneToTen, textInput, type FormAction } from '../shared/form.js';
import type { Services, Turn } from '../types.js';
import { type ScreeningDraft, stepsOf } from './draft.js';
import { type Scores } from './index.js';
import { evaluate } from './outcome.js';
import { reassessmentOf } from './reassess.js';

export const stepNumber = (draft: ScreeningDraft) => stepsOf(draft).indexOf(draft.step) + 1;

export function form(turn: Turn, data: { stepLabel?: string; title: string; intro: string[]; fields: FormField[]; actions: FormAction[] }): AdaptiveCardJson {
  return renderCard('form', { stepLabel: data.stepLabel ?? '', title: data.title, intro: data.intro, fields: data.fields, actions: data.actions });
}

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
          draft.problems.map((p) => ({ title: `${p.activity} (${t(L, 'screening.importanceWord')} ${p.importance})`, value: p.id })),
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

export const signed = formatSigned;

/** Each problem's change shown on its own (DOMAIN.md: never one net figure hiding gains and losses). */
export function compareFields(L: Lang, r: Reassessment): FormField[] {
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
