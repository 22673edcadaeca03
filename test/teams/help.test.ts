// The bot's front door, through the real Application: install, help, unknown text, flow buttons,
// channels versus personal chat, Danish and English, stale and forged card payloads.
import { afterEach, describe, expect, it } from 'vitest';
import { ALEX, botAdded, execute, MEGAN, message, TENANT } from '../helpers/activities.js';
import { actionsOf, cardOf, closeAll, conversation, textsOf } from '../helpers/conversation.js';

afterEach(closeAll);

describe('help and install', () => {
  it('greets with the help card in Danish when installed in a personal chat', async () => {
    const c = await conversation();
    const [reply, ...rest] = await c.install();
    expect(rest).toHaveLength(0);
    const card = cardOf(reply);
    expect(card.version).toBe('1.5');
    expect(textsOf(card)).toContain('Aktiv Assistent');
    // Local mode with no roles configured: everyone has every role, the admin tools included.
    expect(actionsOf(card).map((a) => a.title)).toEqual(['Ny screening', 'Henvis en borger', 'Vis kø', 'Mine borgere', 'Roller', 'Adgangslog', 'Indsigt', 'Slet en borger', 'Tildel en borger', 'Se nøgletal', 'Registrér tælleuge', 'Vælg sprog']);
    expect(reply?.summary).toBe('Aktiv Assistent: hvad jeg kan hjælpe med');
  });

  it('greets in a team channel and in a group chat too, with the shared-conversation intro', async () => {
    for (const conversationType of ['channel', 'groupChat'] as const) {
      const c = await conversation();
      const [reply] = await c.install({ conversationType });
      expect(textsOf(cardOf(reply)).join(' ')).toMatch(/aldrig her i den fælles samtale/);
    }
  });

  it('does not greet when someone else joins a conversation', async () => {
    const c = await conversation();
    const sent = await c.send({ ...botAdded({ serviceUrl: 'https://x/' }), membersAdded: [{ id: '29:someone' }] } as never);
    expect(sent).toHaveLength(0);
  });

  it.each(['hjælp', 'Hjælp!', '  HELP ', 'help'])('answers "%s" with the help card', async (text) => {
    const c = await conversation();
    const [reply] = await c.say(text);
    expect(actionsOf(cardOf(reply)).map((a) => a.data?.flow ?? a.verb)).toEqual(['screening', 'refer', 'queue', 'visits', 'roles.start', 'audit.start', 'accessRequest.start', 'erasure.start', 'visits.assignStart', 'visits.stats', 'figures.countStart', 'language.show']);
  });

  it('answers text it does not understand by saying so, then the help card; never repeating what was typed', async () => {
    const c = await conversation();
    const [reply] = await c.say('kan du bage en kage? 010150-1234');
    expect(textsOf(cardOf(reply)).slice(0, 2)).toEqual(['Det forstod jeg ikke. Vælg herunder, hvad du vil gøre, eller skriv et af ordene nederst på kortet.', 'Aktiv Assistent']);
    expect(actionsOf(cardOf(reply)).map((a) => a.data?.flow ?? a.verb)).toContain('screening');
    expect(JSON.stringify(reply)).not.toMatch(/kage|010150/);
    // Asked for, the help card says nothing of the kind.
    const [help] = await c.say('hjælp');
    expect(textsOf(cardOf(help))[0]).toBe('Aktiv Assistent');
  });

  it('says so plainly in local mode that no real citizen data belongs here', async () => {
    const [local] = await (await conversation()).say('hjælp');
    expect(textsOf(cardOf(local)).join(' ')).toContain('Lokal testtilstand: ingen rigtige borgerdata her.');
    expect(textsOf(cardOf(local)).join(' ')).toContain('alle har alle roller');
  });
});

describe('language', () => {
  it.each(['en-US', 'EN-gb', 'en', 'da-DK', 'de-DE', undefined])('is Danish by default whatever the client says (%s): the Playground and English Teams clients included', async (locale) => {
    const [reply] = await (await conversation()).say('help', locale ? { locale } : {});
    expect(actionsOf(cardOf(reply))[0].title).toBe('Ny screening');
  });

  it.each([
    ['en-US', 'New screening'],
    ['EN-gb', 'New screening'],
    ['en', 'New screening'],
    ['da-DK', 'Ny screening'],
    ['da-dk', 'Ny screening'],
    ['de-DE', 'Ny screening'],
  ])('with LANGUAGE_FROM_CLIENT=true, locale %s shows "%s"', async (locale, button) => {
    const [reply] = await (await conversation({ env: { LANGUAGE_FROM_CLIENT: 'true' } })).say('help', { locale });
    expect(actionsOf(cardOf(reply))[0].title).toBe(button);
  });

  it('with LANGUAGE_FROM_CLIENT=true, falls back to the clientInfo entity when the activity has no locale', async () => {
    const c = await conversation({ env: { LANGUAGE_FROM_CLIENT: 'true' } });
    const activity = { ...message('hjælp', { serviceUrl: 'https://x/' }), entities: [{ type: 'clientInfo', locale: 'EN-us', platform: 'Android' }] };
    const [reply] = await c.send(activity as never);
    expect(actionsOf(cardOf(reply))[0].title).toBe('New screening');
  });

  it('DEFAULT_LANGUAGE=en makes English the default', async () => {
    const [reply] = await (await conversation({ env: { DEFAULT_LANGUAGE: 'en' } })).say('hjælp', { locale: 'da-DK' });
    expect(actionsOf(cardOf(reply))[0].title).toBe('New screening');
  });

  it('"sprog" lets each person choose: English for Alex only, whatever the client; back to the default', async () => {
    const c = await conversation();
    const [card] = await c.say('sprog', { locale: 'da-DK' });
    expect(textsOf(cardOf(card))).toEqual(['Sprog', 'Jeg skriver til dig på dansk.', 'Vælg det sprog, jeg skal skrive til dig på. Det gælder kun dig.']);
    expect(actionsOf(cardOf(card)).map((a) => a.title)).toEqual(['Dansk', 'English', 'Kommunens standard', 'Vis hjælp']);
    const chosen = await c.press('language.set', { lang: 'en' }, { locale: 'da-DK' });
    expect(textsOf(chosen.body.value)[1]).toBe('I will now write to you in English.');
    const [help] = await c.say('hjælp', { locale: 'da-DK' });
    expect(actionsOf(cardOf(help))[0].title).toBe('New screening');
    // Megan has not chosen: Danish, though her client is English.
    const [megans] = await c.say('help', { from: MEGAN, locale: 'en-US' });
    expect(actionsOf(cardOf(megans))[0].title).toBe('Ny screening');
    // What the bot sends Alex on its own follows his choice too.
    expect(await c.directory.languageOf({ tenantId: TENANT, aadObjectId: ALEX.aadObjectId })).toBe('en');
    await c.press('language.set', { lang: 'default' });
    const [back] = await c.say('help', { locale: 'en-US' });
    expect(actionsOf(cardOf(back))[0].title).toBe('Ny screening');
    // A forged choice changes nothing.
    const forged = await c.press('language.set', { lang: 'klingon' });
    expect(textsOf(forged.body.value)[1]).toBe('Jeg skriver til dig på dansk.');
    expect((await c.store.staff.get({ tenantId: TENANT, aadObjectId: ALEX.aadObjectId }))!.language).toBeUndefined();
  });
});


describe('flow buttons', () => {
  it('opens a flow in place in a personal chat, with a way back to help', async () => {
    const c = await conversation();
    const res = await c.press('flow.open', { flow: 'visits' });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(textsOf(res.body.value)[0]).toBe('Mine borgere');
    const back = actionsOf(res.body.value).find((a) => a.verb === 'help.show');
    const again = await c.press(back.verb, back.data);
    expect(actionsOf(again.body.value).map((a) => a.title).slice(0, 4)).toEqual(['Ny screening', 'Henvis en borger', 'Vis kø', 'Mine borgere']);
  });

  it('leads to the personal chat instead when a personal-data flow is pressed in a channel', async () => {
    const c = await conversation();
    const res = await c.press('flow.open', { flow: 'visits' }, { conversationType: 'channel' });
    const text = textsOf(res.body.value).join(' ');
    expect(text).toMatch(/foregår kun i din personlige chat/);
    expect(text).not.toMatch(/ikke bygget/);
  });

  it('offers a deep link to the personal chat when the bot has an app id', async () => {
    const c = await conversation({
      config: { credentials: { appId: '33333333-3333-4333-8333-333333333333', type: 'SingleTenant', password: 'x', tenantId: '11111111-1111-4111-8111-111111111111' } },
    });
    const res = await c.press('flow.open', { flow: 'screening' }, { conversationType: 'groupChat' });
    const link = actionsOf(res.body.value).find((a) => a.type === 'Action.OpenUrl');
    expect(link.url).toBe('https://teams.microsoft.com/l/chat/0/0?users=28:33333333-3333-4333-8333-333333333333');
    expect(link.title).toBe('Åbn personlig chat');
  });

  it('refuses a personal-data command typed in a channel in one line and points to the personal chat', async () => {
    const c = await conversation();
    const replies = await c.say('ny screening', { conversationType: 'channel' });
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toMatch(/Det foregår kun i din personlige chat med mig.*"ny screening"/);
  });

  it('answers a typed command in a personal chat like the button', async () => {
    const [reply] = await (await conversation()).say('mine borgere');
    expect(textsOf(cardOf(reply))[0]).toBe('Mine borgere');
  });
});

describe('stale and forged card payloads', () => {
  it.each([
    ['an unknown verb', 'flow.delete', { flow: 'screening' }],
    ['an unknown flow', 'flow.open', { flow: 'admin' }],
    ['a payload of the wrong type', 'flow.open', { flow: 42 }],
  ])('answers %s with a clear "out of date" card and the way back to help', async (_name, verb, data) => {
    const res = await (await conversation()).press(verb, data as Record<string, unknown>);
    expect(res.status).toBe(200);
    expect(textsOf(res.body.value)[0]).toBe('Kortet er forældet');
    expect(actionsOf(res.body.value).map((a) => a.verb)).toEqual(['help.show']);
  });

  it('answers an invoke that is not an Action.Execute with the same card', async () => {
    const c = await conversation();
    const activity = { ...execute('x', {}, { serviceUrl: 'https://x/' }), value: { action: { type: 'Action.Submit', data: {} } } };
    const sent = await c.send(activity as never);
    const response = sent.find((a) => a.type === 'invokeResponse');
    expect(textsOf((response?.value as any).body.value)[0]).toBe('Kortet er forældet');
  });

  it('treats an old Action.Submit (a message with a value and no text) as a stale card', async () => {
    const c = await conversation();
    const [reply] = await c.send({ ...message('', { serviceUrl: 'https://x/' }), text: undefined, value: { verb: 'old' } } as never);
    expect(textsOf(cardOf(reply))[0]).toBe('Kortet er forældet');
  });
});
