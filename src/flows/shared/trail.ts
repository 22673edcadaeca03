// A citizen's records by CPR number and their access log, shared by the access-log export
// (auditTrail), the access-request document (accessRequest) and erasure.
import { can } from '../../domain/roles.js';
import { formatDateTime } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { AuditEntry, Citizen } from '../../store/index.js';
import type { Services, Turn } from '../types.js';

/**
 * A citizen by CPR number: the record, if it is there, and the ids of former records under the same
 * number (erased, or deleted by retention; their access log is kept), in `ids` with the record's
 * last. Whether an erased citizen was ever known is for the data-protection role to learn (an access
 * request): to anyone else an erased citizen is unknown, and no former id is given.
 */
export async function citizenRecords(turn: Turn, services: Services, cpr: string): Promise<{ citizen: Citizen | undefined; formerIds: string[]; ids: string[] }> {
  const [citizen, formerIds] = await Promise.all([services.store.citizens.findByCpr(cpr), can(turn.roles, 'accessRequest') ? services.store.citizens.formerIds(cpr) : Promise.resolve([])]);
  return { citizen, formerIds, ids: [...formerIds, ...(citizen ? [citizen.id] : [])] };
}

/** The access log of these record ids, in the order it was written. */
export async function trailOf(services: Services, ids: readonly string[]): Promise<AuditEntry[]> {
  return (await Promise.all(ids.map((id) => services.store.audit.forCitizen(id)))).flat().sort((a, b) => a.seq - b.seq);
}

/** The trail as text, in the admin's language; dates in Danish time. */
export function formatTrail(lang: Lang, maskedCpr: string, entries: AuditEntry[]): string {
  const head = t(lang, 'audit.head', { cpr: maskedCpr, count: entries.length });
  const lines = entries.map((e) =>
    t(lang, e.reason ? 'audit.lineReason' : 'audit.line', { at: formatDateTime(lang, e.at), who: e.actor.name || e.actor.aadObjectId, action: t(lang, `audit.action.${e.action}`), what: e.what, purpose: e.purpose, reason: e.reason ?? '' }),
  );
  return [head, ...lines].join('\n');
}
