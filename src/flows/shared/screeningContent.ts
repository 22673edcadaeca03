// What others read of a finished screening (the screening flow's draft, read only): the visitator
// deciding a referral (the activities the citizen chose with their COPM scores, the target-group
// profile, transport, why the centre chose otherwise, the centre's note) and the access-request
// document. Only shown where the reader has a relation to the citizen (src/services/access.ts).
import { t, type Lang } from '../../i18n/index.js';

/** The profile's answers, in the order the screening asks them. */
export const PROFILE_ANSWERS = ['activitySupport', 'relationSupport', 'careDuringHours', 'transport'] as const;
export type ProfileAnswerKey = (typeof PROFILE_ANSWERS)[number];

/** What is read of a screening's data. */
export interface ScreeningContent {
  kind?: 'first' | 'reassessment';
  citizen?: { livesAtHome?: string; specialStaff?: string; under65Reason?: string; age?: number };
  problems?: { id?: string; activity: string; subArea: string; importance: number; performance?: number; satisfaction?: number }[];
  chosen?: string[];
  profile?: Record<string, string | boolean>;
  decision?: { proposed?: string; chosen: string; overrideReason?: string };
  /** What the centre wrote to visitation when it referred. */
  referralNote?: string;
}

/** A profile answer in words: support levels, transport, and yes or no. */
export function profileAnswerText(L: Lang, key: ProfileAnswerKey, value: string | boolean): string {
  if (typeof value === 'boolean') return t(L, `screening.choice.${value ? 'yes' : 'no'}`);
  if (key === 'transport') return t(L, `screening.transport.${value}`);
  if (key === 'careDuringHours') return t(L, `screening.choice.${value === 'yes' ? 'yes' : 'no'}`);
  return t(L, `screening.support.${value}`);
}

const offerName = (L: Lang, kind: string) => t(L, `screening.offerShort.${kind === 'outside' ? 'referral' : kind}`);

/**
 * The screening as a visitator needs it, one line each: every activity the citizen chose to score,
 * with importance and scores; each profile answer (transport among them); why the centre chose
 * otherwise than proposed; the centre's note.
 */
export function screeningContentLines(L: Lang, s: ScreeningContent): string[] {
  const chosen = new Set(s.chosen ?? []);
  const problems = (s.problems ?? []).filter((p) => !chosen.size || (p.id !== undefined && chosen.has(p.id)));
  const lines = problems.map((p) =>
    t(L, p.performance !== undefined ? 'visitation.screening.activityScored' : 'visitation.screening.activity', {
      activity: p.activity,
      area: t(L, `copm.sub.${p.subArea}`),
      importance: p.importance,
      performance: p.performance ?? '',
      satisfaction: p.satisfaction ?? '',
    }),
  );
  for (const key of PROFILE_ANSWERS) {
    const value = s.profile?.[key];
    if (value !== undefined && value !== '') lines.push(`${capitalised(t(L, `screening.answer.${key}`))}: ${profileAnswerText(L, key, value)}`);
  }
  if (s.decision?.overrideReason && s.decision.proposed && s.decision.proposed !== s.decision.chosen) {
    lines.push(t(L, 'visitation.screening.override', { proposed: offerName(L, s.decision.proposed).toLowerCase(), chosen: offerName(L, s.decision.chosen).toLowerCase(), reason: s.decision.overrideReason }));
  }
  if (s.referralNote) lines.push(t(L, 'visitation.screening.note', { note: s.referralNote }));
  return lines;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
