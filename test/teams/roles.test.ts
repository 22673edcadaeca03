// Roles: from the roles file, ADMINS and the admin's card; checked on the server for every button,
// shown on each person's help card; open to all only in local mode with nothing configured.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { checkManages, Directory, loadRolesFile, RolesFileError } from '../../src/services/directory.js';
import { loadRules } from '../../rules/index.js';
import { projectRoot } from '../../src/paths.js';
import { ALEX, MEGAN, TENANT } from '../helpers/activities.js';
import { actionsOf, cardOf, closeAll, conversation, inputOf, textsOf } from '../helpers/conversation.js';

afterEach(closeAll);

const seed = loadRolesFile(path.join(projectRoot, 'test/fixtures/roles.json'));
const megan = { tenantId: TENANT, aadObjectId: MEGAN.aadObjectId };

describe('roles from the roles file', () => {
  it('gives each person what the file says, and staff to anyone not in it', async () => {
    const c = await conversation({ seed });
    expect(await c.directory.rolesOf({ tenantId: TENANT, aadObjectId: ALEX.aadObjectId })).toEqual(['staff', 'activityStaff', 'admin']);
    expect(await c.directory.rolesOf(megan)).toEqual(['staff']);
    expect(await c.directory.openMode()).toBe(false);
  });

  it('shows Megan (staff only) what she cannot open and why, with no button for it', async () => {
    const c = await conversation({ seed });
    const [reply] = await c.say('hjælp', { from: MEGAN });
    const card = cardOf(reply);
    expect(textsOf(card)).toContain('Dine roller: Medarbejder');
    expect(textsOf(card).join(' ')).toMatch(/Kræver rollen Visitator/);
    expect(actionsOf(card).map((a) => a.title)).toEqual(['Henvis en borger', 'Vælg sprog']); // every staff member may refer, and choose a language
  });

  it('refuses on the server a flow button pressed by someone without the role (a forged or old card)', async () => {
    const c = await conversation({ seed });
    const res = await c.press('flow.open', { flow: 'queue' }, { from: MEGAN });
    expect(textsOf(res.body.value)[0]).toBe('Det kræver en anden rolle');
    expect(textsOf(res.body.value).join(' ')).toMatch(/kræver rollen Visitator/);
  });

  it('refuses to start on a roles file with an unknown role, naming the file and the entry', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aa-roles-'));
    const file = path.join(dir, 'roles.json');
    writeFileSync(file, JSON.stringify({ staff: [{ aadObjectId: ALEX.aadObjectId, roles: ['visitor'] }] }));
    expect(() => loadRolesFile(file)).toThrow(RolesFileError);
    expect(() => loadRolesFile(file)).toThrow(/roles\.json is not valid:\n {2}- staff\.0\.roles\.0: Invalid enum value/);
    writeFileSync(file, '{ not json');
    expect(() => loadRolesFile(file)).toThrow(/cannot be read as JSON/);
  });

  it('the example roles file shipped in env/ is valid', () => {
    const seed = loadRolesFile(path.join(projectRoot, 'env/roles.example.json'));
    expect(seed.length).toBeGreaterThanOrEqual(5);
    expect(() => checkManages('env/roles.example.json', seed, loadRules().visits.services.map((s) => s.id), loadRules().organisation.centres.map((c) => c.id))).not.toThrow();
    expect(seed.find((s) => s.roles.includes('activityStaff'))?.centre).toBe('nord');
  });

  it('refuses a manager\'s service the rules do not know, and "manages" on someone who is not a manager', () => {
    const services = loadRules().visits.services.map((s) => s.id);
    expect(() => checkManages('roles.json', [{ aadObjectId: ALEX.aadObjectId, roles: ['manager'], manages: ['demens'] }], services)).not.toThrow();
    expect(() => checkManages('roles.json', [{ aadObjectId: ALEX.aadObjectId, roles: ['manager'], manages: ['dementia'] }], services)).toThrow(/staff\.0\.manages: "dementia" is not a service in rules\/visits\.json \(forebyggende, demens/);
    expect(() => checkManages('roles.json', [{ aadObjectId: ALEX.aadObjectId, roles: ['visitator'], manages: ['demens'] }], services)).toThrow(/only a manager manages services/);
  });

  it('refuses a centre that is not one of the municipality\'s centres', () => {
    const services = loadRules().visits.services.map((s) => s.id);
    const centres = loadRules().organisation.centres.map((c) => c.id);
    expect(() => checkManages('roles.json', [{ aadObjectId: ALEX.aadObjectId, roles: ['activityStaff'], centre: 'nord' }], services, centres)).not.toThrow();
    expect(() => checkManages('roles.json', [{ aadObjectId: ALEX.aadObjectId, roles: ['activityStaff'], centre: 'vest' }], services, centres)).toThrow(/staff\.0\.centre: "vest" is not a centre in rules\/organisation\.json \(nord, syd, lokalcentret\)/);
  });
});

describe('local mode with nothing configured', () => {
  it('gives everyone every role and says so on the help card', async () => {
    const c = await conversation();
    const [reply] = await c.say('hjælp', { from: MEGAN });
    expect(textsOf(cardOf(reply)).join(' ')).toMatch(/alle har alle roller/);
    expect(actionsOf(cardOf(reply))).toHaveLength(12);
  });

  it('ends open mode once an admin gives roles, and keeps that admin an admin', async () => {
    const c = await conversation();
    await c.say('hjælp', { from: MEGAN });
    await c.press('roles.save', { person: MEGAN.aadObjectId, roles: 'visitator' });
    expect(await c.directory.openMode()).toBe(false);
    expect(await c.directory.rolesOf(megan)).toEqual(['staff', 'visitator']);
    expect(await c.directory.rolesOf({ tenantId: TENANT, aadObjectId: ALEX.aadObjectId })).toContain('admin');
  });

  it('ends open mode on every instance: a directory that saw it open learns of the admin\'s change from the store', async () => {
    const c = await conversation();
    // Another instance on the same store, which has seen open mode already.
    const other = new Directory(c.store, { admins: [], seed: [], localMode: true, clock: c.clock });
    expect(await other.openMode()).toBe(true);
    await c.say('hjælp', { from: MEGAN });
    await c.press('roles.save', { person: MEGAN.aadObjectId, roles: 'visitator' });
    expect(await other.openMode()).toBe(false);
    expect(await other.rolesOf(megan)).toEqual(['staff', 'visitator']);
  });
});

describe('the roles card', () => {
  it('lets an admin pick a colleague, tick roles and save; the colleague is told through the outbox', async () => {
    const c = await conversation({ seed });
    await c.say('hej', { from: MEGAN }); // Megan has written to the bot, so she is in the directory
    const [pickMsg] = await c.say('roller');
    const pick = cardOf(pickMsg);
    const choices = inputOf(pick, 'person').choices.map((ch: any) => ch.title);
    expect(choices).toEqual(expect.arrayContaining(['Megan Bowen (Medarbejder)', 'Alex Wilber (Medarbejder, Aktivitetsmedarbejder, Administrator)']));
    const edit = await c.press('roles.pick', { person: MEGAN.aadObjectId });
    expect(textsOf(edit.body.value)[0]).toBe('Roller for Megan Bowen');
    expect(inputOf(edit.body.value, 'roles').choices.map((ch: any) => ch.value)).not.toContain('staff');
    const saved = await c.press('roles.save', { person: MEGAN.aadObjectId, roles: 'visitator,dementiaCoordinator' });
    expect(textsOf(saved.body.value).join(' ')).toMatch(/Gemt: Megan Bowen har nu rollerne Medarbejder, Visitator, Demenskoordinator/);
    expect(inputOf(saved.body.value, 'roles').value).toBe('visitator,dementiaCoordinator');
    expect(await c.directory.rolesOf(megan)).toEqual(['staff', 'visitator', 'dementiaCoordinator']);
    const told = (await c.store.outbox.due(new Date(c.clock.now().getTime() + 1000))).find((m) => m.target.kind === 'user' && m.target.user.aadObjectId === MEGAN.aadObjectId);
    expect(told?.payload.text).toMatch(/Dine roller er nu: Medarbejder, Visitator, Demenskoordinator/);
    // Megan's help card now opens the visitation queue.
    const [help] = await c.say('hjælp', { from: MEGAN });
    expect(actionsOf(cardOf(help)).map((a) => a.title)).toEqual(['Henvis en borger', 'Vis kø', 'Mine borgere', 'Vælg sprog']);
  });

  it('refuses a non-admin who sends a roles payload (forged), and changes nothing', async () => {
    const c = await conversation({ seed });
    await c.say('hej', { from: MEGAN });
    const res = await c.press('roles.save', { person: MEGAN.aadObjectId, roles: 'admin' }, { from: MEGAN });
    expect(textsOf(res.body.value)[0]).toBe('Det kræver en anden rolle');
    expect(await c.directory.rolesOf(megan)).toEqual(['staff']);
  });

  it('rejects an unknown role on the same card and changes nothing', async () => {
    const c = await conversation({ seed });
    await c.say('hej', { from: MEGAN });
    const res = await c.press('roles.save', { person: MEGAN.aadObjectId, roles: 'visitator,superuser' });
    expect(textsOf(res.body.value).join(' ')).toMatch(/Den rolle kender jeg ikke/);
    expect(await c.directory.rolesOf(megan)).toEqual(['staff']);
  });

  it('rejects a colleague the bot does not know', async () => {
    const c = await conversation({ seed });
    const res = await c.press('roles.pick', { person: '99999999-9999-4999-8999-999999999999' });
    expect(textsOf(res.body.value).join(' ')).toMatch(/Jeg kender ikke den kollega/);
  });

  it('does not let an admin remove their own admin role', async () => {
    const c = await conversation({ seed });
    const res = await c.press('roles.save', { person: ALEX.aadObjectId, roles: 'activityStaff' });
    expect(textsOf(res.body.value).join(' ')).toMatch(/Du kan ikke fjerne din egen administratorrolle/);
    expect(await c.directory.rolesOf({ tenantId: TENANT, aadObjectId: ALEX.aadObjectId })).toContain('admin');
  });

  it('keeps roles out of channels: one line pointing to the personal chat', async () => {
    const c = await conversation({ seed });
    const replies = await c.say('roller', { conversationType: 'channel' });
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toMatch(/personlige chat/);
  });

  it('ADMINS always have the admin role, whatever the card says', async () => {
    const c = await conversation({ env: { ADMINS: MEGAN.aadObjectId.toUpperCase() } });
    expect(await c.directory.rolesOf(megan)).toContain('admin');
  });
});
