// Finding a citizen by CPR, or recording a new one, audited either way: the one way every flow
// (screening, a direct referral, attaching to a citizen) learns who a CPR number belongs to.
import { randomUUID } from 'node:crypto';
import type { Citizen } from '../../store/index.js';
import type { Services } from '../types.js';
import { auditCitizen, type Actor } from './audit.js';

export interface CitizenLookup {
  citizen: Citizen;
  /** Already known to the bot (the look-up was audited as a read), or just recorded (a create). */
  known: boolean;
}

/** The citizen with these ten digits; a new one under `name` if there is none. */
export async function findOrCreateCitizen(
  services: Services,
  actor: Actor,
  cpr: string,
  name: string,
  audit: { purpose: string; lookedUp: string; created: string },
): Promise<CitizenLookup> {
  // One citizen per CPR number, also when two people record the same citizen at once.
  const { citizen, created } = await services.store.citizens.findOrCreateByCpr(cpr, () => {
    const now = services.clock.now().toISOString();
    return { id: randomUUID(), cpr, name: name.trim(), createdAt: now, updatedAt: now } satisfies Citizen;
  });
  if (created) await auditCitizen(services, actor, citizen.id, 'create', audit.purpose, audit.created);
  else await auditCitizen(services, actor, citizen.id, 'read', audit.purpose, audit.lookedUp);
  return { citizen, known: !created };
}
