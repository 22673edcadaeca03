// The data-protection officer's forms (access request, erasure): a citizen by CPR number and a
// reason for the access log, both required. A citizen whose record is gone is still found by the
// register of former citizens (src/store/pseudonym.ts), for the access log kept about them. What was wrong comes back per field, with what was typed.
import { t } from '../../i18n/index.js';
import type { Citizen } from '../../store/index.js';
import type { Services, Turn } from '../types.js';
import { readCprForLookup } from './cpr.js';
import { oneLine, readFields } from './inputs.js';
import { citizenRecords } from './trail.js';

/**
 * Found: the citizen (if the record is there) and the ids of former records under the same CPR
 * number (erased, or deleted by retention; their access log is kept), at least one of the two;
 * `ids`: all of them, the record's last (citizenRecords in trail.ts).
 */
export type CprWithReason =
  | { ok: true; citizen: Citizen | undefined; formerIds: string[]; ids: string[]; cpr: string; reason: string }
  | { ok: false; values: Record<string, string>; errors: Record<string, string> };

/** `reasonField`: the form's name for the reason, up to `maxLength`; `requiredKey`: the message when it is empty. */
export async function citizenWithReason(turn: Turn, services: Services, data: Record<string, unknown>, reasonField: string, maxLength: number, requiredKey: string): Promise<CprWithReason> {
  const L = turn.lang;
  const fields = readFields(L, data, { cpr: 20, [reasonField]: maxLength });
  const values = fields.values as Record<string, string>;
  const errors: Record<string, string> = { ...(fields.errors as Record<string, string>) };
  const cpr = readCprForLookup(values.cpr ?? '', L, services);
  if (!cpr.ok) errors.cpr ??= cpr.error;
  const reason = oneLine(values[reasonField] ?? '');
  if (!reason) errors[reasonField] ??= t(L, requiredKey);
  if (Object.keys(errors).length || !cpr.ok) return { ok: false, values, errors };
  const { citizen, formerIds, ids } = await citizenRecords(turn, services, cpr.digits);
  if (!ids.length) return { ok: false, values, errors: { cpr: t(L, 'audit.unknownCitizen') } };
  return { ok: true, citizen, formerIds, ids, cpr: cpr.digits, reason };
}
