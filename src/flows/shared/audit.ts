// Every read or change of a citizen's data is written to the audit log: who, when (the store's
// clock), what (in Danish words for an access request, never health data) and why (the flow's purpose).
import type { StaffKey } from '../../store/index.js';
import type { Services, Turn } from '../types.js';

export type AuditAction = 'read' | 'create' | 'update' | 'delete';

/** Who acted: a turn's person, or a staff member named by a job (follow-ups) or a referral. */
export interface Actor {
  staff: StaffKey;
  name?: string;
}

export const actorOf = (turn: Turn): Actor => ({ staff: turn.staff, name: turn.user.name });

export async function auditCitizen(services: Services, actor: Actor, citizenId: string, action: AuditAction, purpose: string, what: string, reason?: string): Promise<void> {
  await services.store.audit.append({ actor: { ...actor.staff, name: actor.name }, citizenId, action, purpose, what, ...(reason ? { reason } : {}) });
}
