// The fields of screening step 2 keep their places however the card changes (no browser needed).
// Renderers that update a card in place key its elements by type and position in their parent (the
// Agents Playground's does: "Container-4"): an input whose place changes is drawn with the state of
// the one that was there before. With the list of activities above the fields, the second activity
// moved every field down one place and the area list showed 1-10. The Playground test shows it in a
// browser; this one holds the card's shape to it in every state the step has.
import { afterAll, describe, expect, it } from 'vitest';
import { actionsOf, closeAll, conversation } from '../helpers/conversation.js';
import { TestClock } from '../helpers/clock.js';

afterAll(closeAll);

/** Each input's place, as such a renderer keys it: type-index at every level from the card's body down. */
function inputPlaces(card: any): Record<string, string> {
  const places: Record<string, string> = {};
  const walk = (items: any[], path: string[]) =>
    items.forEach((el, i) => {
      const here = [...path, `${el.type}-${i}`];
      if (typeof el.type === 'string' && el.type.startsWith('Input.')) places[el.id] = here.join(' > ');
      for (const key of ['items', 'columns']) if (Array.isArray(el[key])) walk(el[key], here);
    });
  walk(card.body ?? [], []);
  return places;
}

describe('screening step 2 keeps its fields in place', () => {
  it('with no, one, two, three and twenty activities, one removed, an error, a field error and a stale-card notice', async () => {
    const c = await conversation({ clock: new TestClock('2026-11-22T10:00:00Z') });
    const cards: Record<string, any> = {};
    let card: any = (await c.say('ny screening'))[0]!.attachments![0]!.content;
    const press = async (verb: string, inputs: Record<string, unknown> = {}, from = card) => (card = (await c.press(verb, { ...actionsOf(from).find((a) => a.verb === verb).data, ...inputs })).body.value);
    await press('screening.submit', { cpr: '010150-1234', name: 'Jens Hansen', livesAtHome: 'yes', specialStaff: 'no' });
    cards.none = card;
    await press('screening.submit');
    cards.noneError = card;
    const activities = ['Gå ture i parken', 'Lave mad til mig selv', 'Spille kort med naboerne'];
    for (const [i, activity] of activities.entries()) {
      const before = card;
      await press('screening.add', { activity, subArea: 'activeRecreation', importance: String(9 - i) });
      cards[`added ${i + 1}`] = card;
      if (i === 1) cards.stale = await press('screening.add', { activity: 'Igen', subArea: 'activeRecreation', importance: '5' }, before);
    }
    cards.removed = await press('screening.remove', {}, cards['added 3']);
    await press('screening.add', { activity: 'Lave mad til mig selv', subArea: 'householdManagement', importance: '7' });
    await press('screening.add', { activity: 'Uden betydning', subArea: 'activeRecreation', importance: '' });
    cards.fieldError = card;
    for (let i = 3; i < 20; i++) await press('screening.add', { activity: `Aktivitet ${i + 1}`, subArea: 'socialisation', importance: '5' });
    cards.twenty = card;
    await press('screening.add', { activity: 'En for meget', subArea: 'socialisation', importance: '5' });
    cards.tooMany = card;

    expect(JSON.stringify(cards.stale)).toContain('"color":"Accent"'); // the stale notice is on it
    expect(actionsOf(cards.twenty).filter((a) => a.verb === 'screening.remove')).toHaveLength(20);
    const expected = inputPlaces(cards.none);
    expect(Object.keys(expected)).toEqual(['activity', 'subArea', 'importance']);
    for (const [name, shown] of Object.entries(cards)) expect(inputPlaces(shown), `the fields on the card "${name}"`).toEqual(expected);
    // The Add button right under the fields, in its place too.
    const addPlace = (x: any) => x.body.findIndex((el: any) => el.type === 'ActionSet' && el.actions.some((a: any) => a.verb === 'screening.add'));
    for (const [name, shown] of Object.entries(cards)) expect(addPlace(shown), `Add on the card "${name}"`).toBe(addPlace(cards.none));
  });
});
