// Staff roles and what each allows. Checked on the server for every action; the help card shows
// each person what their roles open.
export const ROLES = [
  'staff',
  'activityStaff',
  'visitator',
  'dementiaCoordinator',
  'preventiveVisitor',
  'networkWorker',
  'manager',
  'dataProtection',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export type Permission = 'screening' | 'queue' | 'refer' | 'visits' | 'statistics' | 'countingWeek' | 'assign' | 'roles' | 'auditExport' | 'accessRequest' | 'erasure';

/** Who may do what. Every staff member may refer a citizen to visitation (seed 001). */
const ALLOWED: Record<Permission, readonly Role[]> = {
  screening: ['activityStaff'],
  queue: ['visitator'],
  refer: ['staff', 'activityStaff', 'visitator', 'dementiaCoordinator', 'preventiveVisitor', 'networkWorker', 'manager', 'dataProtection', 'admin'],
  visits: ['dementiaCoordinator', 'preventiveVisitor', 'networkWorker', 'activityStaff'],
  statistics: ['manager'],
  /** A centre's counting week (Tabel 1): the centre's staff count, a manager may correct. */
  countingWeek: ['activityStaff', 'manager'],
  /** A manager assigns a colleague to a citizen: the colleague's relation to the citizen (issue 15). */
  assign: ['manager'],
  roles: ['admin'],
  auditExport: ['admin', 'dataProtection'],
  /** A citizen's access request (GDPR art. 15): everything the bot holds about one citizen, as a document. */
  accessRequest: ['dataProtection'],
  /** Erasing a citizen on request (GDPR art. 17): everything but the access log. */
  erasure: ['dataProtection'],
};

export function can(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((r) => ALLOWED[permission].includes(r));
}

export function rolesFor(permission: Permission): readonly Role[] {
  return ALLOWED[permission];
}

/** Everyone is at least staff; order follows ROLES so lists read the same everywhere. */
export function normaliseRoles(roles: Iterable<Role>): Role[] {
  const set = new Set<Role>(roles);
  set.add('staff');
  return ROLES.filter((r) => set.has(r));
}
