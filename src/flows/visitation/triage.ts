// Fælles Sprog triage by the rule sets in force: the scores, and which offers' criteria they meet.
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import type { AssessedSetView } from '../../../cards/visitation/types.js';
import { areasOf, assess, inForce, scaleOf, validateScores, type AssessedSet, type ExplainedNode, type Scores } from '../../domain/faellesSprog.js';
import { can } from '../../domain/roles.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Referral } from '../../store/index.js';
import { sameStaff } from '../../store/index.js';
import { button } from '../shared/form.js';
import { notAllowedReply } from '../shared/replies.js';
import type { Services, Turn , Verbs } from '../types.js';
import { withData } from '../../services/referrals.js';
import { actorOf, audit, mutate, personalOnly, refusedAnswer, str, today, viaPersonalChat, withReferral } from './common.js';
import { decisionForm } from './decide.js';
import { screeningLinesOf } from './details.js';

export async function triageForm(turn: Turn, services: Services, referral: Referral, values: Record<string, string> = {}, errors: Record<string, string> = {}, note = ''): Promise<AdaptiveCardJson> {
  const L = turn.lang;
  const date = today(services);
  const sets = inForce(services.rules.visitation, date);
  const preliminary = !can(turn.roles, 'queue');
  return renderCard('visitation/triage', {
    caseTitle: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
    title: t(L, preliminary ? 'visitation.triage.preTitle' : 'visitation.triage.title'),
    intro: t(L, preliminary ? 'visitation.triage.preIntro' : 'visitation.triage.intro', { sets: sets.map((s) => s.title).join('; ') }),
    note,
    // What the screening said, beside the scoring (the holder and the referring centre have a relation).
    screeningTitle: t(L, 'visitation.details.screening'),
    screeningLines: await screeningLinesOf(L, services, referral),
    legalReview: sets.some((s) => s.legalReview) ? t(L, 'visitation.triage.legalReview') : '',
    scale: scaleOf(sets).map((s) => ({ title: `${s.value} – ${s.label}`, value: String(s.value) })),
    placeholder: t(L, 'screening.select'),
    areas: areasOf(sets).map((area) => {
      const id = `fs_${area.code}`;
      const weight = area.weight ? ` (${t(L, `visitation.weight.${area.weight}`)})` : '';
      return { id, label: `${areaLabel(area.code, area.name)}${weight}`, value: values[id] ?? '', error: errors[id] ?? '' };
    }),
    actions: [button(t(L, 'visitation.triage.submit'), 'referral.triage', { rid: referral.id }, 'positive'), button(t(L, 'common.back'), 'referral.open', { rid: referral.id })],
  });
}

/** "5. Aktivitet" for the old numbered areas, "J3.8 Gå" for Fælles Sprog III codes. */
const areaLabel = (code: string, name: string) => (/^\d+$/.test(code) ? `${code}. ${name}` : `${code} ${name}`);

/** Each criterion in words, with whether it was met: "5. Aktivitet: 3, mindst 3 ✓". */
function explain(L: Lang, node: ExplainedNode, depth = 0): string[] {
  const pad = '  '.repeat(depth);
  const mark = (met: boolean) => (met ? '✓' : '✗');
  if ('all' in node) return [`${pad}${mark(node.met)} ${t(L, 'visitation.explain.all')}`, ...node.all.flatMap((n) => explain(L, n, depth + 1))];
  if ('any' in node) return [`${pad}${mark(node.met)} ${t(L, 'visitation.explain.any')}`, ...node.any.flatMap((n) => explain(L, n, depth + 1))];
  if ('not' in node) return [`${pad}${mark(node.met)} ${t(L, 'visitation.explain.not')}`, ...explain(L, node.not, depth + 1)];
  const rule = 'atLeast' in node ? t(L, 'visitation.explain.atLeast', { n: node.atLeast }) : t(L, 'visitation.explain.atMost', { n: node.atMost });
  const score = node.notRelevant ? t(L, 'visitation.explain.notRelevant', { score: node.score }) : String(node.score);
  return [`${pad}${mark(node.met)} ${areaLabel(node.area, node.name)}: ${score} (${rule})`];
}

/** What each rule set in force says of the scores, for the assessment and decision cards. */
export function assessmentView(L: Lang, assessment: AssessedSet[]): AssessedSetView[] {
  return assessment.map((a) => ({
    met: a.evaluation.met,
    verdict: `${a.evaluation.met ? '✓' : '✗'} ${t(L, a.evaluation.met ? 'visitation.assess.met' : 'visitation.assess.notMet', { offer: t(L, `visitation.decision.${a.set.offer}`) })}`,
    // Indentation with no-break spaces, which cards do not trim.
    criteria: explain(L, a.evaluation.explanation).map((line) => line.replace(/^( +)/, (m) => '\u00a0\u00a0'.repeat(m.length / 2))),
    basis: t(L, 'visitation.assess.basis', { basis: a.set.legalBasis }),
  }));
}

/** The legal-review warning of the rule sets in force, each different note once (two sets often share one). */
export function reviewOf(L: Lang, assessment: AssessedSet[]): string {
  return [...new Set(assessment.filter((a) => a.set.legalReview).map((a) => a.set.reviewNote ?? t(L, 'visitation.triage.legalReview')))].join(' ');
}

export const triageVerbs = {
  'referral.triageStart': withReferral(async (turn, services, { referral }) => {
    const holder = referral.status === 'taken' && sameStaff(referral.holder, turn.staff) && can(turn.roles, 'queue');
    const centre = turn.scope === 'personal' && can(turn.roles, 'screening') && sameStaff(referral.source.by, turn.staff) && (referral.status === 'new' || referral.status === 'taken');
    if (!holder && !centre) {
      if (!can(turn.roles, 'queue')) return { card: notAllowedReply(turn, t(turn.lang, 'flow.queue.title'), 'queue').card };
      return refusedAnswer(turn, services, referral, t('da', 'visitation.notHolder'));
    }
    const form = await triageForm({ ...turn, scope: 'personal' }, services, referral);
    return turn.scope === 'personal' ? { card: form } : viaPersonalChat(turn, services, referral, form, 'triage');
  }),

  'referral.triage': withReferral(async (turn, services, { referral }, data) => {
    const refused = personalOnly(turn);
    if (refused) return refused;
    const L = turn.lang;
    const holder = referral.status === 'taken' && sameStaff(referral.holder, turn.staff) && can(turn.roles, 'queue');
    const centre = !holder && can(turn.roles, 'screening') && sameStaff(referral.source.by, turn.staff) && (referral.status === 'new' || referral.status === 'taken');
    if (!holder && !centre) return { card: notAllowedReply(turn, t(L, 'flow.queue.title'), 'queue').card };
    const date = today(services);
    const sets = inForce(services.rules.visitation, date);
    const values: Record<string, string> = {};
    const scores: Scores = {};
    for (const area of areasOf(sets)) {
      const raw = str(data[`fs_${area.code}`]);
      values[`fs_${area.code}`] = raw;
      if (raw !== '' && /^\d+$/.test(raw)) scores[area.code] = Number(raw);
    }
    const problems = validateScores(sets, scores);
    if (problems.length) {
      const errors = Object.fromEntries(problems.map((p) => [`fs_${p.code}`, t(L, 'visitation.triage.pickScore')]));
      return { card: await triageForm(turn, services, referral, values, errors) };
    }
    const at = services.clock.now().toISOString();
    const saved = await mutate(services, referral.id, (r, d) => {
      const entry = { scores, date, at, by: turn.staff, byName: turn.user.name ?? '' };
      if (holder) d.triage = entry;
      else d.preTriage = entry;
      d.history.push({ at, by: turn.staff, byName: turn.user.name ?? '', action: holder ? 'triaged' : 'preTriaged' });
      return withData(r, d);
    });
    await audit(services, actorOf(turn), referral.citizenId, 'update', t('da', holder ? 'audit.visitation.triage' : 'audit.visitation.preTriage', { caseNumber: referral.caseNumber }));
    if (holder) return { card: decisionForm(turn, services, saved!) };
    // Centre staff: an indicative pre-triage for the visitator, shown with what it would meet.
    const assessment = assess(services.rules.visitation, scores, date);
    return {
      card: renderCard('visitation/assessment', {
        caseTitle: t(L, 'visitation.card.title', { caseNumber: referral.caseNumber }),
        title: t(L, 'visitation.triage.preSaved'),
        intro: t(L, 'visitation.triage.preSavedText'),
        sets: assessmentView(L, assessment),
        review: reviewOf(L, assessment),
        actions: [button(t(L, 'common.showHelp'), 'help.show', {})],
      }),
    };
  }),
} satisfies Verbs;
