// A citizen's access log as text, shared by the access-log export (auditTrail) and the access-request
// document (accessRequest).
import { formatDateTime } from '../../i18n/format.js';
import { t, type Lang } from '../../i18n/index.js';
import type { AuditEntry } from '../../store/index.js';

/** The trail as text, in the admin's language; dates in Danish time. */
export function formatTrail(lang: Lang, maskedCpr: string, entries: AuditEntry[]): string {
  const head = t(lang, 'audit.head', { cpr: maskedCpr, count: entries.length });
  const lines = entries.map((e) =>
    t(lang, e.reason ? 'audit.lineReason' : 'audit.line', { at: formatDateTime(lang, e.at), who: e.actor.name || e.actor.aadObjectId, action: t(lang, `audit.action.${e.action}`), what: e.what, purpose: e.purpose, reason: e.reason ?? '' }),
  );
  return [head, ...lines].join('\n');
}
