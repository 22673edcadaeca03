// The access-request document (GDPR art. 15): everything Aktiv Assistent holds about one citizen,
// in Danish, as text the municipality can hand over: the citizen, screenings with their answers,
// referrals with their assessment and decision (rule set and legal basis), visits, attachments,
// and the trail of look-ups with dates and purposes. Pure: the flow reads, this writes.
import { maskCpr } from '../../domain/cpr.js';
import { formatDateTime, formatIsoDay } from '../../i18n/format.js';
import { t } from '../../i18n/index.js';
import type { Attachment, AuditEntry, Citizen, Coordination, Referral, Screening, Visit } from '../../store/index.js';
import { dataOf } from '../../services/referrals.js';
import { formatTrail } from '../shared/trail.js';
import { PROFILE_ANSWERS, profileAnswerText, type ScreeningContent } from '../shared/screeningContent.js';
import { arrangementText } from '../shared/arrangement.js';
import { assessmentInWords } from '../shared/assessment.js';
import type { Scores } from '../../domain/faellesSprog.js';
import type { VisitationRuleSet } from '../../domain/ruleTypes.js';

export interface CitizenRecords {
  /** The record; none when it is gone (erased, or deleted by retention) and only the access log is kept. */
  citizen: Citizen | undefined;
  /** The CPR number asked about. */
  cpr: string;
  screenings: Screening[];
  referrals: Referral[];
  visits: Visit[];
  attachments: Attachment[];
  coordinations: Coordination[];
  trail: AuditEntry[];
  /** Staff names by "tenant|object id", for who did what. */
  names: Map<string, string>;
  /** Service ids to their Danish names. */
  services: Map<string, string>;
  /** The visitation rule sets, to write Fælles Sprog scores in words. */
  visitationRules: readonly VisitationRuleSet[];
}

const d = (key: string, vars?: Record<string, string | number>) => t('da', key, vars);
const day = (iso: string | undefined) => (iso ? formatIsoDay('da', iso.slice(0, 10)) : '-');
const section = (title: string, count: number, lines: string[]) => ['', `${title} (${count})`, ...(count ? lines : [d('access.doc.none')])];

export function accessDocument(r: CitizenRecords, meta: { at: Date; by: string; request: string }): string {
  const who = (k: { tenantId: string; aadObjectId: string } | undefined) => (k ? (r.names.get(`${k.tenantId}|${k.aadObjectId}`) ?? d('access.doc.unknownStaff')) : '-');
  const service = (id: string) => r.services.get(id) ?? id;
  const head = [
    d('access.doc.title'),
    d('access.doc.made', { at: formatDateTime('da', meta.at), by: meta.by }),
    d('access.doc.request', { request: meta.request }),
    '',
    d('access.doc.citizen'),
    ...(r.citizen
      ? [d('access.doc.name', { name: r.citizen.name }), d('access.doc.cpr', { cpr: maskCpr(r.cpr) }), d('access.doc.since', { date: day(r.citizen.createdAt) })]
      : [d('access.doc.cpr', { cpr: maskCpr(r.cpr) }), d('access.doc.gone')]),
  ];
  const screenings = r.screenings.flatMap((s) => {
    const x = s.data as ScreeningContent;
    const lines = [`- ${day(s.createdAt)}: ${d(x.kind === 'reassessment' ? 'access.doc.reassessment' : 'access.doc.screening')}, ${d(`access.doc.status.${s.status}`)}, ${who(s.author)}`];
    const c = x.citizen;
    if (c && (c.livesAtHome || c.specialStaff)) {
      const yesNo = (v: string | undefined) => (v === 'yes' || v === 'no' ? d(`screening.choice.${v}`) : '-');
      lines.push(`  ${d('access.doc.citizenStep', { home: yesNo(c.livesAtHome), special: yesNo(c.specialStaff), age: c.age ?? '-' })}`);
      if (c.under65Reason) lines.push(`  ${d('access.doc.under65', { reason: c.under65Reason })}`);
    }
    for (const p of x.problems ?? []) {
      const scored = p.performance !== undefined ? d('access.doc.scores', { performance: p.performance, satisfaction: p.satisfaction ?? '-' }) : '';
      lines.push(`  ${d('access.doc.activity', { activity: p.activity, area: d(`copm.sub.${p.subArea}`), importance: p.importance })}${scored}`);
    }
    const profile = PROFILE_ANSWERS.filter((k) => x.profile?.[k] !== undefined).map((k) => `${d(`screening.answer.${k}`)}: ${profileAnswerText('da', k, x.profile![k]!)}`);
    if (profile.length) lines.push(`  ${d('access.doc.profile', { answers: profile.join('; ') })}`);
    if (x.decision) lines.push(`  ${d('access.doc.proposal', { offer: d(`screening.offerShort.${x.decision.chosen === 'outside' ? 'referral' : x.decision.chosen}`) })}`);
    if (x.decision?.overrideReason) lines.push(`  ${d('access.doc.override', { reason: x.decision.overrideReason })}`);
    if (x.referralNote) lines.push(`  ${d('access.doc.referralNote', { note: x.referralNote })}`);
    return lines;
  });
  const referrals = r.referrals.flatMap((ref) => {
    const data = dataOf(ref);
    const lines = [`- ${ref.caseNumber}, ${d('access.doc.received', { date: day(ref.createdAt) })}, ${d(`visitation.status.${ref.status === 'taken' ? 'taken' : ref.status}`, { name: who(ref.holder) })}`];
    if (data.direct) lines.push(`  ${d('access.doc.directReason', { reason: data.direct.reason, askedBy: d(`visitation.askedBy.${data.direct.askedBy}`) })}`);
    const inWords = (scores: Scores, date: string) => assessmentInWords('da', r.visitationRules, scores, date).join('; ');
    if (data.preTriage) lines.push(`  ${d('access.doc.preTriage', { scores: inWords(data.preTriage.scores, data.preTriage.date), date: day(data.preTriage.date) })}`);
    if (data.triage) lines.push(`  ${d('access.doc.triage', { scores: inWords(data.triage.scores, data.triage.date), date: day(data.triage.date) })}`);
    if (data.refusal) lines.push(`  ${d('access.doc.refusal', { reason: data.refusal.reason })}`);
    const dec = data.decision;
    if (dec) {
      lines.push(`  ${d('access.doc.decision', { offer: d(`visitation.decision.${dec.offer}`), date: day(dec.decidedAt), purpose: dec.purpose })}`);
      if (dec.startDate || dec.endDate) lines.push(`  ${d('access.doc.decisionPeriod', { from: dec.startDate ? day(dec.startDate) : '-', to: dec.endDate ? day(dec.endDate) : '-' })}`);
      if (arrangementText('da', dec)) lines.push(`  ${d('access.doc.arrangement', { arrangement: arrangementText('da', dec) })}`);
      if (dec.singleServices?.length) lines.push(`  ${d('access.doc.singleServices', { services: dec.singleServices.map((x) => d(`visitation.single.${x}`)).join(', ') })}`);
      for (const set of dec.ruleSets) lines.push(`  ${d('access.doc.ruleSet', { title: set.title, version: set.version, basis: set.legalBasis })}`);
    }
    if (data.followUp?.result) lines.push(`  ${d('access.doc.followUp', { result: d(`visitation.followUp.${data.followUp.result}`), date: day(data.followUp.resultAt) })}`);
    return lines;
  });
  const visits = r.visits.flatMap((v) => {
    const vd = v.data as { purpose?: string; overlapNote?: { reason?: string }; cancelled?: { reason: string; note?: string } };
    const lines = [`- ${formatDateTime('da', v.at)}: ${service(v.service)}, ${who(v.staff)}, ${d('access.doc.purpose', { purpose: vd.purpose ?? '' })}, ${d(`access.doc.visit.${v.status}`)}`];
    if (v.jointWith?.length) lines.push(`  ${d('access.doc.joint', { names: v.jointWith.map(who).join(', ') })}`);
    if (vd.overlapNote?.reason) lines.push(`  ${d('access.doc.keptReason', { reason: vd.overlapNote.reason })}`);
    if (vd.cancelled) lines.push(`  ${d('access.doc.cancelled', { reason: [d(`visits.cancel.reason.${vd.cancelled.reason}`), vd.cancelled.note].filter(Boolean).join(': ') })}`);
    return lines;
  });
  const coordinations = r.coordinations.map(
    (k) => `- ${day(k.createdAt)}: ${d('access.doc.coordination', { planner: who(k.planner), colleague: who(k.colleague) })}${k.answer ? `, ${d(`access.doc.answer.${k.answer}`)}` : ''}${k.reason ? ` (${k.reason})` : ''}`,
  );
  const attachments = r.attachments.map((a) => {
    const how = a.assignedBy ? `, ${d('access.doc.assignedBy', { name: who(a.assignedBy) })}` : a.offeredBy ? `, ${d('access.doc.sharedBy', { name: who(a.offeredBy) })}` : '';
    const ended = a.detachReason ? `, ${d('access.doc.ended', { reason: a.detachReason })}` : '';
    return `- ${a.service ? service(a.service) : d('access.doc.offered')}, ${who(a.staff)}, ${d('access.doc.purpose', { purpose: a.purpose })}, ${d('access.doc.period', { from: day(a.since), to: a.detachedAt ? day(a.detachedAt) : d('access.doc.now') })}${how}${ended}`;
  });
  return [
    ...head,
    ...section(d('access.doc.screenings'), r.screenings.length, screenings),
    ...section(d('access.doc.referrals'), r.referrals.length, referrals),
    ...section(d('access.doc.visits'), r.visits.length, visits),
    ...section(d('access.doc.attachments'), r.attachments.length, attachments),
    ...section(d('access.doc.coordinations'), r.coordinations.length, coordinations),
    '',
    formatTrail('da', maskCpr(r.cpr), r.trail),
    '',
    d('access.doc.notHere'),
  ].join('\n');
}
