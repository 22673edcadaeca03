// What the visits flow shares: who may do what (services by role from rules/visits.json, citizens
// by attachment), the visit's own data, and small helpers for cards, audit and telling colleagues.
import { caseMonth } from '../shared/figures.js';
import { actorOf, auditCitizen, type AuditAction } from '../shared/audit.js';
import { str } from '../shared/inputs.js';
import { tellStaff, type Tidings } from '../shared/tell.js';
import { z } from 'zod';
import { renderCard, type AdaptiveCardJson } from '../../../cards/index.js';
import type { Field } from '../../../cards/visits/types.js';
import { maskCpr } from '../../domain/cpr.js';
import { findOverlaps, type Overlap } from '../../domain/overlap.js';
import { can, type Role } from '../../domain/roles.js';
import { formatWhen } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { Attachment, Citizen, StaffKey, Visit } from '../../store/index.js';
import { sameStaff } from '../../store/index.js';
import { button } from '../shared/form.js';
import { notAllowedReply, personalOnlyReply } from '../shared/replies.js';
import type { ExecuteResult, Services, Turn } from '../types.js';

export const PURPOSE = 'besøgskoordinering';

export const ANSWERS = ['joint', 'iTakeIt', 'youTakeIt', 'bothNeeded'] as const;

export type Answer = (typeof ANSWERS)[number];


export const Id = z.string().uuid();

export interface VisitData {
  purpose: string;
  openForJoint: boolean;
  relativesByVideo: boolean;
  /** Colleagues this visit is made on behalf of (one of two visits was handed over). */
  onBehalfOf?: StaffKey[];
  overlapNote?: { kind: 'keptWithReason' | 'coordinating'; reason?: string; coordinationId?: string };
}

export const vdata = (v: Visit) => v.data as unknown as VisitData;

// Who may do what: services by role (rules/visits.json), and citizens by attachment.

export function myServices(turn: Turn, services: Services): { id: string; name: string }[] {
  return services.rules.visits.services
    .filter((s) => s.roles.some((r) => turn.roles.includes(r as Role)))
    .map((s) => ({ id: s.id, name: turn.lang === 'da' ? s.name : s.nameEn }));
}

/** A colleague who works with citizens: one of her roles gives a visits service. */
export async function worksWithCitizens(services: Services, member: StaffKey): Promise<boolean> {
  const roles = await services.directory.rolesOf(member);
  return services.rules.visits.services.some((s) => s.roles.some((r) => roles.includes(r as Role)));
}

/** Colleagues a citizen can be shared with or assigned to (they work with citizens), as choices by name. */
export async function colleagueChoices(turn: Turn, services: Services): Promise<{ title: string; value: string }[]> {
  const out = [];
  for (const m of await services.directory.list(turn.staff.tenantId)) {
    if (!sameStaff(m, turn.staff) && (await worksWithCitizens(services, m))) out.push({ title: m.name || m.aadObjectId, value: m.aadObjectId });
  }
  return out;
}

export function serviceName(services: Services, id: string, lang: Lang): string {
  const s = services.rules.visits.services.find((x) => x.id === id);
  return s ? (lang === 'da' ? s.name : s.nameEn) : id;
}

export function refusal(turn: Turn, services: Services): ExecuteResult | undefined {
  const name = t(turn.lang, 'flow.visits.title');
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, name).card };
  if (!can(turn.roles, 'visits') || !myServices(turn, services).length) return { card: notAllowedReply(turn, name, 'visits').card };
  return undefined;
}

export async function myAttachment(services: Services, staff: StaffKey, citizenId: string): Promise<Attachment | undefined> {
  return (await services.store.attachments.listByCitizen(citizenId)).find((a) => a.status === 'active' && sameStaff(a.staff, staff));
}

export const audit = (turn: Turn, services: Services, citizenId: string, action: AuditAction, what: string, reason?: string) => auditCitizen(services, actorOf(turn), citizenId, action, PURPOSE, what, reason);

export async function staffName(services: Services, key: StaffKey): Promise<string> {
  return (await services.store.staff.get(key))?.name || key.aadObjectId;
}

export const citizenLine = (c: Citizen) => `${c.name}, ${maskCpr(c.cpr)}`;

export const when = formatWhen;

/** A visit's joint staff with one more, never twice (a planner may join the same visit by two ways). */
export const withStaff = (list: StaffKey[] | undefined, who: StaffKey): StaffKey[] => (list?.some((s) => sameStaff(s, who)) ? list : [...(list ?? []), who]);

export async function overlapsFor(services: Services, visit: { id?: string; citizenId: string; staff: StaffKey; at: string }): Promise<Overlap[]> {
  // A stored Visit is a VisitLike; findOverlaps never counts drafts or cancelled visits.
  return findOverlaps(visit, await services.store.visits.listByCitizen(visit.citizenId), services.rules.visits.windowDays, services.rules.visits.timeZone);
}

/** An input's label, with its value and error from the form's last answer ('' or `fallback` when none). */
export const field = (label: string, id: string, values: Record<string, string> = {}, errors: Record<string, string> = {}, fallback = ''): Field => ({
  label,
  value: values[id] ?? fallback,
  error: errors[id] ?? '',
});

/**
 * Colleagues may not have the app yet: what is told to them waits (and retries) until they can be
 * reached. `citizenId`: the citizen it is about (an erasure finds the message by it).
 */
export const tell = (services: Services, to: StaffKey, payload: Tidings, key: string, citizenId: string | undefined, reportTo?: StaffKey) =>
  tellStaff(services, to, payload, key, { reportTo, topic: { kind: 'visits.card', id: key }, waitForApp: true, citizenId });

export const langOf = (services: Services, key: StaffKey): Promise<Lang> => services.directory.languageOf(key);

export async function loadOwnVisit(turn: Turn, services: Services, data: Record<string, unknown>, statuses: Visit['status'][]): Promise<Visit | ExecuteResult> {
  const refused = refusal(turn, services);
  if (refused) return refused;
  const vid = Id.safeParse(data.vid);
  const visit = vid.success ? await services.store.visits.get(vid.data) : undefined;
  if (!visit || !sameStaff(visit.staff, turn.staff) || !statuses.includes(visit.status)) return { card: staleVisit(turn) };
  return visit;
}

export const isVisit = (x: Visit | ExecuteResult): x is Visit => 'citizenId' in x;

/** A card about a citizen the person is not attached to: nothing about the citizen, nothing read. */
export function notAttachedCard(turn: Turn): AdaptiveCardJson {
  const L = turn.lang;
  return renderCard('visits/notAttached', { title: t(L, 'visits.notAttached.title'), text: t(L, 'visits.notAttached'), actions: [button(t(L, 'visits.button.mine'), 'visits.mine', {}), button(t(L, 'common.showHelp'), 'help.show', {})] });
}

export function staleVisit(turn: Turn): AdaptiveCardJson {
  return renderCard('visits/stale', { title: t(turn.lang, 'stale.title'), text: t(turn.lang, 'visits.stale'), actions: [button(t(turn.lang, 'visits.button.myVisits'), 'visits.week', {})] });
}

export async function event(services: Services, service: string, kind: 'planned' | 'overlapFound' | 'avoidedJoint' | 'avoidedHandedOver' | 'keptWithReason'): Promise<void> {
  // The month only (its middle, the same month in any time zone): no count is joined to the access log by its time.
  await services.store.visitEvents.append({ at: `${caseMonth(services)}-15T12:00:00.000Z`, service, kind });
}

export type Handler = (turn: Turn, services: Services, data: Record<string, unknown>) => Promise<ExecuteResult>;

export { str };
