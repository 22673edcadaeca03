// The Danish texts a screening gives the care record: the summary and the reassessment summary.
import { areaOf } from '../../domain/copm.js';
import { maskCpr } from '../../domain/cpr.js';
import { type Profile } from '../../domain/targetGroup.js';
import { formatDate } from '../../i18n/format.js';
import { t } from '../../i18n/index.js';
import type { Screening } from '../../store/index.js';
import type { Services } from '../types.js';
import { decidedByText, decimal, signed } from './cards.js';
import { type ScreeningDraft } from './draft.js';

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
  lines.push('', d('summary.doc.proposal', { offer: d(`screening.offer.${outcome.kind}`) }), decidedByText('da', outcome, 'summary.doc'));
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
