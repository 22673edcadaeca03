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
  const existing = await services.store.citizens.findByCpr(cpr);
  if (existing) {
    await auditCitizen(services, actor, existing.id, 'read', audit.purpose, audit.lookedUp);
    return { citizen: existing, known: true };
  }
  const now = services.clock.now().toISOString();
  const citizen: Citizen = { id: randomUUID(), cpr, name: name.trim(), createdAt: now, updatedAt: now };
  await services.store.citizens.save(citizen);
  await auditCitizen(services, actor, citizen.id, 'create', audit.purpose, audit.created);
  return { citizen, known: false };
}
