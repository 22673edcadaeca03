// "roller": an admin gives and takes colleagues' roles with a card. Checked on the server at every
// step; the colleague is told through the outbox.
import { z } from 'zod';
import { renderCard } from '../../../cards/index.js';
import { can, ROLES, type Role } from '../../domain/roles.js';
import { t } from '../../i18n/index.js';
import type { StaffMember } from '../../store/index.js';
import { notAllowedReply, personalOnlyLine, personalOnlyReply, roleNames } from '../shared/replies.js';
import type { ExecuteResult, Reply, Services, Turn, Flow, Verbs } from '../types.js';

const PickData = z.object({ person: z.string().min(1).max(100) });
const SaveData = z.object({ person: z.string().min(1).max(100), roles: z.string().max(500).optional(), centre: z.string().max(100).optional() });

/** Roles an admin can give; everyone is staff anyway. */
const GIVABLE = ROLES.filter((r) => r !== 'staff');

/** For buttons: the card that refuses, if this person may not manage roles here. */
function refusal(turn: Turn): ExecuteResult | undefined {
  if (turn.scope !== 'personal') return { card: personalOnlyReply(turn, t(turn.lang, 'flow.roles.title')).card };
  if (!can(turn.roles, 'roles')) return { card: notAllowedReply(turn, t(turn.lang, 'flow.roles.title'), 'roles').card };
  return undefined;
}

async function pickCard(turn: Turn, services: Services, error = '', selected = ''): Promise<ExecuteResult> {
  const people = await services.directory.list(turn.staff.tenantId);
  const withRoles = await Promise.all(people.map(async (p) => ({ p, roles: await services.directory.rolesOf(p) })));
  const card = renderCard('rolesPick', {
    title: t(turn.lang, 'roles.title'),
    intro: t(turn.lang, 'roles.intro'),
    personLabel: t(turn.lang, 'roles.personLabel'),
    personRequired: t(turn.lang, 'roles.personRequired'),
    selected,
    people: withRoles.map(({ p, roles }) => ({ title: `${p.name || p.aadObjectId} (${roleNames(turn.lang, roles)})`, value: p.aadObjectId })),
    error,
    empty: t(turn.lang, 'roles.empty'),
    showButton: t(turn.lang, 'roles.show'),
    backButton: t(turn.lang, 'common.back'),
  });
  return { card };
}

async function editCard(turn: Turn, services: Services, person: StaffMember, saved = '', error = '', typed?: { roles: string; centre: string }): Promise<ExecuteResult> {
  const roles = await services.directory.rolesOf(person);
  const centre = (await services.directory.centreOf(person)) ?? 'none';
  const card = renderCard('rolesEdit', {
    title: t(turn.lang, 'roles.editTitle', { name: person.name || person.aadObjectId }),
    intro: t(turn.lang, 'roles.editIntro'),
    saved,
    rolesLabel: t(turn.lang, 'roles.rolesLabel'),
    selected: typed?.roles ?? roles.filter((r) => r !== 'staff').join(','),
    choices: GIVABLE.map((r) => ({ title: t(turn.lang, `role.${r}`), value: r })),
    centreLabel: t(turn.lang, 'roles.centreLabel'),
    centre: typed?.centre ?? centre,
    centres: [{ title: t(turn.lang, 'roles.noCentre'), value: 'none' }, ...services.rules.organisation.centres.map((c) => ({ title: c.name, value: c.id }))],
    error,
    note: t(turn.lang, turn.openMode ? 'roles.noteOpenMode' : 'roles.note'),
    person: person.aadObjectId,
    saveButton: t(turn.lang, 'roles.save'),
    backButton: t(turn.lang, 'common.back'),
  });
  return { card };
}

async function rolesCommand(turn: Turn, services: Services): Promise<Reply[]> {
  if (turn.scope !== 'personal') return [personalOnlyLine(turn, 'roles')];
  const refused = refusal(turn);
  if (refused) return [{ kind: 'card', card: refused.card, summary: t(turn.lang, 'notAllowed.title') }];
  const { card } = await pickCard(turn, services);
  return [{ kind: 'card', card, summary: t(turn.lang, 'roles.title') }];
}

async function findPerson(turn: Turn, services: Services, aadObjectId: string): Promise<StaffMember | undefined> {
  return services.store.staff.get({ tenantId: turn.staff.tenantId, aadObjectId });
}

const rolesVerbs = {
  async 'roles.start'(turn: Turn, services: Services): Promise<ExecuteResult> {
    return refusal(turn) ?? pickCard(turn, services);
  },

  async 'roles.pick'(turn: Turn, services: Services, data: Record<string, unknown>): Promise<ExecuteResult> {
    const refused = refusal(turn);
    if (refused) return refused;
    const parsed = PickData.safeParse(data);
    if (!parsed.success) return pickCard(turn, services, t(turn.lang, 'roles.personRequired'));
    const person = await findPerson(turn, services, parsed.data.person);
    if (!person) return pickCard(turn, services, t(turn.lang, 'roles.unknownPerson'));
    return editCard(turn, services, person);
  },

  async 'roles.save'(turn: Turn, services: Services, data: Record<string, unknown>): Promise<ExecuteResult> {
    const refused = refusal(turn);
    if (refused) return refused;
    const parsed = SaveData.safeParse(data);
    if (!parsed.success) return pickCard(turn, services, t(turn.lang, 'roles.unknownPerson'));
    const person = await findPerson(turn, services, parsed.data.person);
    if (!person) return pickCard(turn, services, t(turn.lang, 'roles.unknownPerson'));
    const asked = (parsed.data.roles ?? '').split(',').map((r) => r.trim()).filter(Boolean);
    // A card without the centre field (one left open from before centres) leaves the centre as it is.
    const current = (await services.directory.centreOf(person)) ?? 'none';
    // An empty choice is no centre, as "Intet center" is.
    const typed = { roles: parsed.data.roles ?? '', centre: parsed.data.centre === undefined ? current : parsed.data.centre || 'none' };
    const unknown = asked.filter((r) => !(GIVABLE as readonly string[]).includes(r));
    if (unknown.length) return editCard(turn, services, person, '', t(turn.lang, 'roles.unknownRole'), { ...typed, roles: asked.filter((r) => (GIVABLE as readonly string[]).includes(r)).join(',') });
    const known = services.rules.organisation.centres.find((c) => c.id === typed.centre)?.id;
    if (typed.centre !== 'none' && !known) return editCard(turn, services, person, '', t(turn.lang, 'roles.unknownCentre'), typed);
    const centre = parsed.data.centre === undefined ? undefined : (known ?? null);
    const isSelf = person.aadObjectId === turn.staff.aadObjectId;
    if (isSelf && !asked.includes('admin') && !turn.openMode) {
      // An admin cannot lock themself out by accident; another admin can take the role.
      return editCard(turn, services, person, '', t(turn.lang, 'roles.keepOwnAdmin'), typed);
    }
    const updated = await services.directory.setRoles(turn.staff, person, asked as Role[], centre);
    const names = roleNames(turn.lang, updated.roles);
    services.log.info('roles changed', { by: turn.staff.aadObjectId, for: person.aadObjectId, roles: updated.roles.join(',') });
    if (services.outbox && !isSelf) {
      const lang = await services.directory.languageOf(person);
      await services.outbox.enqueue({
        idempotencyKey: `roles:${person.tenantId}:${person.aadObjectId}:${updated.rolesSetBy?.at}`,
        target: { kind: 'user', user: person },
        payload: { text: t(lang, 'roles.told', { roles: roleNames(lang, updated.roles) }), summary: t(lang, 'roles.toldSummary') },
      });
    }
    const now = await services.directory.centreOf(updated);
    const centreName = services.rules.organisation.centres.find((c) => c.id === now)?.name;
    const savedText = [t(turn.lang, 'roles.saved', { name: person.name || person.aadObjectId, roles: names }), centreName ? t(turn.lang, 'roles.savedCentre', { centre: centreName }) : ''].filter(Boolean).join(' ');
    return editCard(turn, services, updated, savedText);
  },
} satisfies Verbs;

export const rolesFlow = { commands: { roles: rolesCommand }, verbs: rolesVerbs } satisfies Flow;
