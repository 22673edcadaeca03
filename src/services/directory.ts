// The staff directory: who talks to the bot, and their roles. Roles come from ADMINS, the roles
// file and what admins set with the roles card; in local mode with none of these, everyone has
// every role so a new user can try every flow in the Playground.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { normaliseRoles, ROLES, type Role } from '../domain/roles.js';
import { chooseLanguage, type Lang, type LanguagePolicy } from '../i18n/index.js';
import type { StaffKey, StaffMember, Store } from '../store/index.js';

const RolesFile = z.object({
  staff: z.array(
    z.object({
      aadObjectId: z.string().regex(/^[0-9a-f-]{36}$/i, 'must be an Entra object id (a GUID)'),
      tenantId: z.string().regex(/^[0-9a-f-]{36}$/i, 'must be a tenant id (a GUID)').optional(),
      name: z.string().min(1).optional(),
      roles: z.array(z.enum(ROLES)).min(1),
      /** A manager's services (ids from rules/visits.json): she, not every manager, hears of a break of the glass there. */
      manages: z.array(z.string().min(1)).optional(),
      /** The activity centre the person works at (an id in rules/organisation.json centres): their screenings count there. */
      centre: z.string().min(1).optional(),
    }),
  ),
});

export interface RoleSeed {
  aadObjectId: string;
  tenantId?: string;
  name?: string;
  roles: Role[];
  manages?: string[];
  centre?: string;
}

export class RolesFileError extends Error {}

/**
 * The services a roles file says a manager manages must be services the rules know, and the person a
 * manager; a person's centre must be one of the municipality's centres.
 */
export function checkManages(file: string, seed: RoleSeed[], serviceIds: readonly string[], centreIds: readonly string[] = []): void {
  const problems: string[] = [];
  seed.forEach((s, i) => {
    if (s.centre !== undefined && !centreIds.includes(s.centre)) problems.push(`  - staff.${i}.centre: "${s.centre}" is not a centre in rules/organisation.json (${centreIds.join(', ')})`);
    if (s.manages?.length && !s.roles.includes('manager')) problems.push(`  - staff.${i}.manages: only a manager manages services (roles: ${s.roles.join(', ')})`);
    for (const id of s.manages ?? []) if (!serviceIds.includes(id)) problems.push(`  - staff.${i}.manages: "${id}" is not a service in rules/visits.json (${serviceIds.join(', ')})`);
  });
  if (problems.length) throw new RolesFileError(`ROLES_FILE ${file} is not valid:\n${problems.join('\n')}`);
}

export function loadRolesFile(file: string): RoleSeed[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RolesFileError(`ROLES_FILE ${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  const parsed = RolesFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new RolesFileError(`ROLES_FILE ${file} is not valid:\n${problems}\n  Roles are: ${ROLES.join(', ')}`);
  }
  return parsed.data.staff;
}

export interface Person extends StaffKey {
  userId?: string;
  name?: string;
  locale?: string;
}

const SEEN_REFRESH_MS = 60 * 60 * 1000;

export class Directory {
  private assignedByAdmin = false;

  constructor(
    private readonly store: Store,
    private readonly options: { admins: string[]; seed: RoleSeed[]; localMode: boolean; clock: Clock; language?: LanguagePolicy },
  ) {}

  /** Everyone has every role: local mode with no roles configured anywhere. */
  async openMode(): Promise<boolean> {
    if (!this.options.localMode || this.options.admins.length || this.options.seed.length) return false;
    // Once an admin has set roles, open mode is over for good; until then it is asked of the store on
    // each turn, so an admin's change on another instance (one database) counts here at once.
    if (!this.assignedByAdmin) {
      this.assignedByAdmin = (await this.store.staff.list()).some((m) => m.rolesSetBy?.by === 'admin');
    }
    return !this.assignedByAdmin;
  }

  /** Record that a person talked to the bot (at most one write an hour unless something changed). */
  async seen(input: Person): Promise<StaffMember> {
    const now = this.options.clock.now();
    // The edge checks types already; a record that lives on in the directory gets the same care here.
    const text = (v: unknown, max: number) => (typeof v === 'string' && v ? v.slice(0, max) : undefined);
    const person: Person = { tenantId: input.tenantId, aadObjectId: input.aadObjectId, userId: text(input.userId, 1024), name: text(input.name, 512), locale: text(input.locale, 64) };
    const existing = await this.store.staff.get(person);
    if (existing) {
      const changed =
        (person.userId && existing.userId !== person.userId) ||
        (person.name && existing.name !== person.name) ||
        (person.locale && existing.locale !== person.locale) ||
        now.getTime() - Date.parse(existing.lastSeen) > SEEN_REFRESH_MS;
      if (!changed) return existing;
    }
    // Bookkeeping, merged with what is stored: never writes back roles or a language read earlier.
    return this.store.staff.touch(person, { userId: person.userId, name: person.name, locale: person.locale }, now.toISOString());
  }

  async rolesOf(key: StaffKey): Promise<Role[]> {
    if (await this.openMode()) return [...ROLES];
    return this.rolesFrom(key, await this.store.staff.get(key));
  }

  /**
   * What a turn needs to know about the person: roles, open mode and language, from one read of
   * their record (`member`: the record as read already this turn, if it was).
   */
  async forTurn(key: StaffKey, clientLocale: string | undefined, member?: StaffMember): Promise<{ roles: Role[]; openMode: boolean; lang: Lang }> {
    const [open, record] = await Promise.all([this.openMode(), member ?? this.store.staff.get(key)]);
    return {
      roles: open ? [...ROLES] : this.rolesFrom(key, record),
      openMode: open,
      lang: chooseLanguage(this.policy, { chosen: record?.language, clientLocale }),
    };
  }

  private rolesFrom(key: StaffKey, member: StaffMember | undefined): Role[] {
    const roles = new Set<Role>(['staff']);
    if (member?.rolesSetBy?.by === 'admin') member.roles.forEach((r) => roles.add(r));
    else this.seedFor(key)?.roles.forEach((r) => roles.add(r));
    if (this.options.admins.includes(key.aadObjectId.toLowerCase())) roles.add('admin');
    return normaliseRoles(roles);
  }

  /**
   * The activity centre a person works at: as an admin set it with the roles, else as the roles file
   * says; undefined if neither does.
   */
  async centreOf(key: StaffKey): Promise<string | undefined> {
    const member = await this.store.staff.get(key);
    // null: an admin chose "no centre"; absent (never set on the card, or set before centres were): the file's.
    if (member?.rolesSetBy?.by === 'admin' && member.centre !== undefined) return member.centre ?? undefined;
    return this.seedFor(key)?.centre;
  }

  /**
   * An admin sets a colleague's roles (and centre: a centre id, null for none, undefined to leave it
   * as it is); the change is kept and wins over the roles file.
   */
  async setRoles(admin: StaffKey, target: StaffKey, roles: Role[], centre?: string | null): Promise<StaffMember> {
    const now = this.options.clock.now();
    const member = await this.store.staff.get(target);
    if (!member) throw new Error('Unknown staff member');
    const wasOpen = await this.openMode();
    const updated: StaffMember = {
      ...member,
      roles: normaliseRoles(roles),
      ...(centre !== undefined ? { centre } : {}),
      rolesSetBy: { by: 'admin', adminAadObjectId: admin.aadObjectId, at: now.toISOString() },
    };
    await this.store.staff.save(updated);
    // Remembered once the change is stored (not if the turn's transaction rolls back).
    this.store.afterCommit(() => (this.assignedByAdmin = true));
    // Leaving "everyone has every role": whoever did it stays an admin, or nobody could undo it.
    if (wasOpen && (admin.tenantId !== target.tenantId || admin.aadObjectId !== target.aadObjectId)) {
      const self = await this.store.staff.get(admin);
      if (self && !self.rolesSetBy) {
        await this.store.staff.save({ ...self, roles: normaliseRoles([...self.roles, 'admin']), rolesSetBy: { by: 'admin', adminAadObjectId: admin.aadObjectId, at: now.toISOString() } });
      }
    }
    return updated;
  }

  private get policy(): LanguagePolicy {
    return this.options.language ?? { default: 'da', fromClient: false };
  }

  /**
   * The language a colleague reads messages in, also when the bot writes on its own: their choice,
   * else their client's last locale if the municipality lets it decide, else the default (Danish).
   */
  async languageOf(key: StaffKey): Promise<Lang> {
    const member = await this.store.staff.get(key);
    return chooseLanguage(this.policy, { chosen: member?.language, clientLocale: member?.locale });
  }

  /** The language of a turn: the person's choice, else this activity's locale (if allowed), else the default. */
  async languageFor(key: StaffKey, clientLocale: string | undefined): Promise<Lang> {
    const member = await this.store.staff.get(key);
    return chooseLanguage(this.policy, { chosen: member?.language, clientLocale });
  }

  /** A person chooses their language ("sprog"); undefined goes back to the default. */
  async setLanguage(key: StaffKey, language: Lang | undefined): Promise<void> {
    const member = await this.store.staff.get(key);
    if (member) await this.store.staff.save({ ...member, language });
  }

  /**
   * Everyone in the tenant with `role`: those the bot has met, and those the roles file or ADMINS
   * name who never wrote to it (messages to them wait until they have the app).
   */
  async withRole(tenantId: string, role: Role): Promise<StaffKey[]> {
    const out = new Map<string, StaffKey>();
    for (const m of await this.store.staff.list(tenantId)) if ((await this.rolesOf(m)).includes(role)) out.set(m.aadObjectId.toLowerCase(), { tenantId, aadObjectId: m.aadObjectId });
    const named = [...this.options.seed.filter((s) => (!s.tenantId || s.tenantId === tenantId) && s.roles.includes(role)).map((s) => s.aadObjectId), ...(role === 'admin' ? this.options.admins : [])];
    for (const id of named) {
      const key = { tenantId, aadObjectId: id };
      if (!out.has(id.toLowerCase()) && (await this.rolesOf(key)).includes(role)) out.set(id.toLowerCase(), key);
    }
    return [...out.values()];
  }

  /**
   * Whom to tell of something in `service` (a break of the glass): the managers the roles file names
   * for it, otherwise every manager.
   */
  async managersFor(tenantId: string, service: string): Promise<StaffKey[]> {
    const managers = await this.withRole(tenantId, 'manager');
    const named = new Set(this.options.seed.filter((s) => s.manages?.includes(service) && (!s.tenantId || s.tenantId === tenantId)).map((s) => s.aadObjectId.toLowerCase()));
    const chosen = managers.filter((m) => named.has(m.aadObjectId.toLowerCase()));
    return chosen.length ? chosen : managers;
  }

  async list(tenantId: string): Promise<StaffMember[]> {
    return (await this.store.staff.list(tenantId)).sort((a, b) => String(a.name ?? '').localeCompare(String(b.name ?? ''), 'da'));
  }

  private seedFor(key: StaffKey): RoleSeed | undefined {
    return this.options.seed.find((s) => s.aadObjectId.toLowerCase() === key.aadObjectId.toLowerCase() && (!s.tenantId || s.tenantId === key.tenantId));
  }
}
