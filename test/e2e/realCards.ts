// Every card the flows send, collected by name from real conversations: the real Application (teams-ai,
// routes, flows, card templates, store, roles) through the conversation harness, and what the outbox
// delivers to the Bot Connector stand-in (channel cards and their updates, cards to a colleague, and
// texts that Teams gets as plain cards). Staff press the buttons on the cards they were sent, with
// what they would type, as a person would. Used by cardWidth.test.ts.
import type { Activity } from 'botbuilder';
import { ALEX, MEGAN, TENANT, type Who } from '../helpers/activities.js';
import { recordCardsIn } from '../helpers/cardRecorder.js';
import { TestClock, DAY_MS } from '../helpers/clock.js';
import { startConnector, type Connector } from '../helpers/connector.js';
import { actionsOf, cardOf, conversation, inputOf, textsOf, type Conversation } from '../helpers/conversation.js';
import type { Where } from '../helpers/activities.js';
import { remindFollowUps } from '../../src/flows/index.js';

export interface NamedCard {
  /** What the card is, in the words of the step that led to it ("screening 2/6: three activities"). */
  name: string;
  card: any;
  /** The language it should be in: all Danish here (the default), unless a person chose English. */
  lang: 'da' | 'en';
}

const ADELE: Who = { id: '29:adele', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-000000000022' };
const LEE: Who = { id: '29:lee', name: 'Lee Gu', aadObjectId: '00000000-0000-0000-0000-000000000023' };
const NESTOR: Who = { id: '29:nestor', name: 'Nestor Wilke', aadObjectId: '00000000-0000-0000-0000-000000000024' };
const ROLLO: Who = { id: '29:rollo', name: 'Rollo Nielsen', aadObjectId: '00000000-0000-0000-0000-000000000025' };
const DORTE: Who = { id: '29:dorte', name: 'Dorte Dam', aadObjectId: '00000000-0000-0000-0000-000000000027' };
const CHANNEL = '19:visitation@thread.tacv2';
const inChannel = { conversationType: 'channel' as const, conversationId: `${CHANNEL};messageid=1` };

/** The people: a centre employee who is also the administrator, two visitators, home visitors, a manager, the data-protection officer, someone with no role. */
const SEED = [
  { aadObjectId: ALEX.aadObjectId, name: ALEX.name, roles: ['admin' as const, 'activityStaff' as const] },
  { aadObjectId: ADELE.aadObjectId, name: ADELE.name, roles: ['visitator' as const] },
  { aadObjectId: MEGAN.aadObjectId, name: MEGAN.name, roles: ['dementiaCoordinator' as const, 'visitator' as const] },
  { aadObjectId: LEE.aadObjectId, name: LEE.name, roles: ['preventiveVisitor' as const] },
  { aadObjectId: NESTOR.aadObjectId, name: NESTOR.name, roles: ['manager' as const] },
  { aadObjectId: DORTE.aadObjectId, name: DORTE.name, roles: ['dataProtection' as const] },
];

const START = '2026-11-22T10:00:00Z';
const day = (clock: TestClock, offset: number) => new Date(clock.now().getTime() + offset * DAY_MS).toISOString().slice(0, 10);

export interface CardBook {
  cards: NamedCard[];
  close(): Promise<void>;
}

export async function collectRealCards(): Promise<CardBook> {
  const connector = await startConnector();
  const clock = new TestClock(START);
  const c = await conversation({ seed: SEED, clock, where: { serviceUrl: connector.url } });
  const book = new Book(c, connector);
  try {
    for (const who of [ALEX, ADELE, MEGAN, LEE, NESTOR, ROLLO]) await c.say('hej', { from: who });
    await c.say('sæt som visitationskanal', { ...inChannel, from: ADELE });
    await book.deliver('start'); // welcome messages and the like, if any
    await helpAndNotices(book);
    await screenings(book);
    await visitation(book);
    await visits(book, clock);
    await followUp(book, clock);
    await administration(book);
  } catch (err) {
    await book.close();
    throw err;
  }
  return { cards: book.cards, close: () => book.close() };
}

class Book {
  readonly cards: NamedCard[] = [];
  private seenCalls = 0;
  private started = false;
  private readonly names = new Set<string>();

  constructor(
    readonly c: Conversation,
    private readonly connector: Connector,
  ) {}

  add(name: string, card: any, lang: 'da' | 'en' = 'da'): any {
    if (!card || card.type !== 'AdaptiveCard') throw new Error(`"${name}": no card (got ${JSON.stringify(card)?.slice(0, 200)})`);
    if (this.names.has(name)) throw new Error(`Two cards named "${name}"`);
    this.names.add(name);
    this.cards.push({ name, card, lang });
    // CARDS_DEBUG=1 prints each card's name and text as it comes: handy when adding a step.
    if (process.env.CARDS_DEBUG) console.log(`[${name}] ${textsOf(card).join(" | ").slice(0, 300)}`);
    return card;
  }

  /** Type `text`; the cards in the answer are named `name` (and "(2)", "(3)" after the first). */
  async say(name: string, text: string, where: Partial<Where> = {}): Promise<any> {
    const sent = await this.c.say(text, where);
    const cards = sent.map((a) => cardOf(a)).filter(Boolean);
    if (!cards.length) throw new Error(`"${name}": "${text}" got no card; the bot sent: ${sent.map((a) => a.text ?? a.type).join(' | ')}`);
    cards.forEach((card, i) => this.add(i ? `${name} (${i + 1})` : name, card));
    return cards[0];
  }

  /** Press the button `verb` on `card` (the first, or the one whose data matches), with what was typed. */
  async press(name: string | undefined, card: any, verb: string, inputs: Record<string, unknown> = {}, where: Partial<Where> & { match?: (data: any) => boolean } = {}): Promise<any> {
    const { match, ...at } = where;
    const action = actionsOf(card).find((a) => a.verb === verb && (!match || match(a.data ?? {})));
    if (!action) throw new Error(`"${name}": no ${verb} button on the card; it has ${actionsOf(card).map((a) => a.verb).join(", ")}; it says: ${textsOf(card).join(" | ")}`);
    return this.invoke(name, verb, { ...action.data, ...inputs }, at);
  }

  /** An Action.Execute with this data (for a payload no card of ours carries: forged, or old). */
  async invoke(name: string | undefined, verb: string, data: Record<string, unknown>, where: Partial<Where> = {}): Promise<any> {
    const res = await this.c.press(verb, data, where);
    const card = res.body?.value;
    if (name !== undefined) this.add(name, card);
    res.others.forEach((a, i) => {
      const other = cardOf(a);
      if (other && name !== undefined) this.add(`${name}, then ${i + 1}`, other);
    });
    return card;
  }

  /**
   * Let the outbox deliver what is due, and name every card the stand-in received after `step`
   * (texts with a summary arrive as plain cards: Teams shows only the summary on a locked phone).
   */
  async deliver(step: string): Promise<{ to: string; summary: string; card: any }[]> {
    if (!this.started) {
      this.c.outbox.start();
      this.started = true;
    }
    await this.c.outbox.drained();
    const calls = this.connector.calls.slice(this.seenCalls);
    this.seenCalls = this.connector.calls.length;
    const got: { to: string; summary: string; card: any }[] = [];
    for (const call of calls) {
      const activity: Partial<Activity> | undefined = call.body?.type ? call.body : call.body?.activity;
      const card = cardOf(activity);
      if (!card) continue;
      if (activity !== call.body) recordCardsIn(`connector ${call.method} ${call.path} (new conversation)`, activity);
      const to = call.conversationId ? (call.conversationId.startsWith(CHANNEL) ? 'channel' : call.conversationId) : `new chat with ${call.body?.members?.[0]?.id ?? '?'}`;
      const summary = activity?.summary ?? '';
      got.push({ to, summary, card });
      const name = `${step} → ${to}${call.method === 'PUT' ? ' (updated)' : ''}: ${summary || '(no summary)'}`;
      let n = 1;
      while (this.names.has(n === 1 ? name : `${name} (${n})`)) n++;
      this.add(n === 1 ? name : `${name} (${n})`, card);
    }
    return got;
  }

  async close(): Promise<void> {
    if (this.started) await this.c.outbox.stop();
    await this.connector.close();
  }
}

// --- help, language, and the notices every flow shares ----------------------------------------------------

async function helpAndNotices(b: Book): Promise<void> {
  const [welcome] = await b.c.install({ from: ALEX, conversationId: 'personal-29:alex-install' });
  b.add('help: welcome on install (personal chat)', cardOf(welcome));
  const [welcomeGroup] = await b.c.install({ conversationType: 'groupChat', conversationId: '19:group@thread.v2', from: ALEX });
  b.add('help: welcome on install (group chat)', cardOf(welcomeGroup));
  const help = await b.say('help (admin and centre staff, personal chat)', 'hjælp', { from: ALEX });
  await b.say('help (visitator and dementia coordinator)', 'hjælp', { from: MEGAN });
  await b.say('help (manager)', 'hjælp', { from: NESTOR });
  await b.say('help (no role)', 'hjælp', { from: ROLLO });
  await b.say('help in the visitators\' channel (visitator)', 'hjælp', { ...inChannel, from: ADELE });
  await b.say('help for text it does not understand', 'kan du bage en kage?', { from: ALEX });
  // A personal-data flow pressed in a channel, a flow the role does not allow, a stale button.
  await b.invoke('notice: personal chat only (flow pressed in a channel)', 'flow.open', { flow: 'visits' }, { ...inChannel, from: ADELE });
  await b.invoke('notice: not allowed (queue, no role)', 'flow.open', { flow: 'queue' }, { from: ROLLO });
  await b.say('notice: not allowed (typed "statistik", no role)', 'statistik', { from: ROLLO });
  await b.invoke('notice: stale card (unknown flow)', 'flow.open', { flow: 'nonsense' }, { from: ALEX });
  const visitor = await b.say('help (home visitor)', 'hjælp', { from: LEE });
  const opened = await b.press('help: a flow opened in place (visits, home visitor)', visitor, 'flow.open', {}, { from: LEE, match: (d) => d.flow === 'visits' });
  await b.press(undefined, opened, 'help.show', {}, { from: LEE });
  // Screening opened from help: a draft begins (screenings() below finds it and starts over).
  await b.press('help: a flow opened in place (screening)', help, 'flow.open', {}, { from: ALEX, match: (d) => d.flow === 'screening' });
  // "sprog": the language card, and after choosing Danish.
  const language = await b.say('language ("sprog")', 'sprog', { from: ALEX });
  await b.press('language: Danish chosen', language, 'language.set', {}, { from: ALEX, match: (d) => d.lang === 'da' });
  await b.invoke(undefined, 'language.set', { lang: 'default' }, { from: ALEX });
}

// --- screening ------------------------------------------------------------------------------------------------

const CITIZEN = { cpr: '010150-1234', name: 'Karen Margrethe Holm-Christiansen', livesAtHome: 'yes', specialStaff: 'no' };
const ACTIVITIES = [
  { activity: 'Gå ture langs stranden med naboens hund om eftermiddagen', subArea: 'activeRecreation', importance: '9' },
  { activity: 'Lave mad til mig selv og invitere børnebørnene på aftensmad', subArea: 'householdManagement', importance: '7' },
  { activity: 'Synge i kor i kirken (Sankt Nikolaj Kirkes seniorkor)', subArea: 'socialisation', importance: '8' },
];
const perfSat = (card: any, perf: string, sat: string) =>
  Object.fromEntries(
    (JSON.stringify(card).match(/"id":"perf_[^"]+"/g) ?? fail(`no scores on the card: ${textsOf(card).join(' | ')}`)).flatMap((m) => {
        const id = m.slice(6, -1);
        return [
          [id, perf],
          [id.replace('perf_', 'sat_'), sat],
        ];
    }),
  );

/** Every choice of an input, ticked (a multi-select's value). */
const allChoices = (card: any, id: string) => (inputOf(card, id)?.choices ?? fail(`no ${id} on the card: ${textsOf(card).join(' | ')}`)).map((x: any) => x.value).join(',');

function fail(message: string): never {
  throw new Error(message);
}

async function screenings(b: Book): Promise<void> {
  const as = { from: ALEX };
  // A first screening, every step, with the mistakes people make on the way.
  const resume = await b.say('screening: resume or start over (a draft on step 1)', 'ny screening', as);
  let card = await b.press('screening 1/6: citizen (started over)', resume, 'screening.discard', {}, as);
  card = await b.press('screening 1/6: citizen, errors at the fields', card, 'screening.submit', { cpr: '310299-1234', name: '', livesAtHome: '', specialStaff: '' }, as);
  card = await b.press('screening 1/6: citizen under 65, a reason asked', card, 'screening.submit', { ...CITIZEN, cpr: '010170-1234' }, as);
  card = await b.press('screening 2/6: activities, none yet', card, 'screening.submit', { ...CITIZEN, under65Reason: '' }, as);
  const empty = card;
  card = await b.press('screening 2/6: activities, "Næste" with none', card, 'screening.submit', {}, as);
  for (const [i, a] of ACTIVITIES.entries()) card = await b.press(`screening 2/6: activities, ${i + 1} added`, card, 'screening.add', a, as);
  card = await b.press('screening 2/6: activities, one removed', card, 'screening.remove', {}, as);
  card = await b.press('screening 2/6: activities, added again', card, 'screening.add', ACTIVITIES[0]!, as);
  card = await b.press('screening 2/6: activities, errors at the fields', card, 'screening.add', { activity: '', subArea: '', importance: '11' }, as);
  await b.press('screening 2/6: activities, a stale card pressed', empty, 'screening.add', ACTIVITIES[0]!, as);
  await b.say('screening: resume or start over (a draft on step 2)', 'ny screening', as);
  card = await b.say('screening: "fortsæt" resumes the draft', 'fortsæt', as);
  card = await b.press('screening: cancel? (asks first)', card, 'screening.cancel', {}, as);
  card = await b.press('screening: cancel, "no, go on"', card, 'screening.resume', {}, as);
  card = await b.press('screening 3/6: most important', card, 'screening.submit', {}, as);
  card = await b.press('screening 3/6: most important, none ticked', card, 'screening.submit', { chosen: '' }, as);
  card = await b.press('screening 4/6: scores', card, 'screening.submit', { chosen: allChoices(card, 'chosen') }, as);
  card = await b.press('screening 4/6: scores, errors at the fields', card, 'screening.submit', {}, as);
  card = await b.press('screening 5/6: profile', card, 'screening.submit', perfSat(card, '5', '3'), as);
  card = await b.press('screening 5/6: profile, errors at the fields', card, 'screening.submit', {}, as);
  card = await b.press('screening 6/6: outcome, club offer with local offers', card, 'screening.submit', { activitySupport: 'none', relationSupport: 'none', careDuringHours: 'no', transport: 'self' }, as);
  card = await b.press('screening 6/6: outcome, another offer without a reason', card, 'screening.override', { offer: 'preventive', reason: '' }, as);
  card = await b.press('screening 6/6: back to the profile', card, 'screening.back', {}, as);
  card = await b.press('screening 6/6: outcome, preventive offer with transport', card, 'screening.submit', { activitySupport: 'lightModerate', relationSupport: 'none', careDuringHours: 'no', transport: 'mobility' }, as);
  card = await b.press('screening: done (preventive offer)', card, 'screening.confirm', {}, as);
  await b.press('screening: done, the summary with the full CPR number sent', card, 'screening.fullCpr', {}, as);

  // A second citizen needs extensive support: a referral to the visitation (used below).
  card = await b.say('screening 1/6: citizen (second)', 'ny screening', as);
  card = await b.press(undefined, card, 'screening.submit', { cpr: '120340-2222', name: 'Else Berg', livesAtHome: 'yes', specialStaff: 'no' }, as);
  card = await b.press(undefined, card, 'screening.add', ACTIVITIES[2]!, as);
  card = await b.press(undefined, card, 'screening.submit', {}, as);
  card = await b.press(undefined, card, 'screening.submit', { chosen: inputOf(card, 'chosen').value }, as);
  card = await b.press(undefined, card, 'screening.submit', perfSat(card, '3', '2'), as);
  card = await b.press('screening 6/6: outcome, referral to the visitation', card, 'screening.submit', { activitySupport: 'extensiveComplete', relationSupport: 'none', careDuringHours: 'yes', transport: 'mobility' }, as);
  await b.press('screening: done (referral)', card, 'screening.confirm', {}, as);
  await b.deliver('screening: done (referral)');

  // A citizen outside all three offers.
  card = await b.say('screening 1/6: citizen (third)', 'ny screening', as);
  card = await b.press('screening 6/6: outside all three offers', card, 'screening.submit', { cpr: '050545-1234', name: 'Poul Jensen', livesAtHome: 'no', specialStaff: 'yes' }, as);
  await b.press('screening: done (outside all offers)', card, 'screening.confirm', {}, as);

  // Cancelled: asked, deleted, and the old card pressed afterwards.
  card = await b.say('screening 1/6: citizen (to cancel)', 'ny screening', as);
  const cancelled = await b.press('screening: cancel? (on step 1)', card, 'screening.cancel', {}, as);
  await b.press('screening: cancelled', cancelled, 'screening.cancelYes', {}, as);
  await b.press('screening: a deleted draft\'s card pressed', card, 'screening.submit', CITIZEN, as);
  await b.say('screening: "fortsæt" with nothing to resume', 'fortsæt', as);
  await b.say('screening: not allowed (no role)', 'ny screening', { from: ROLLO });

  // A reassessment of the first citizen: the same activities again, the comparison and its charts.
  card = await b.say('reassessment 1/5: citizen', 'genvurdering', as);
  card = await b.press('reassessment 1/5: citizen, a wrong CPR number', card, 'screening.submit', { cpr: '999999-9999' }, as);
  card = await b.press('reassessment 2/5: activities from before', card, 'screening.submit', { cpr: CITIZEN.cpr }, as);
  card = await b.press('reassessment 2/5: a new activity added', card, 'screening.add', { activity: 'Cykle til svømmehallen om torsdagen', subArea: 'activeRecreation', importance: '6' }, as);
  card = await b.press('reassessment 3/5: most important', card, 'screening.submit', {}, as);
  card = await b.press('reassessment 4/5: scores', card, 'screening.submit', { chosen: allChoices(card, 'chosen') }, as);
  const ids = Object.keys(perfSat(card, '', ''));
  const scores = Object.fromEntries(ids.map((id, i) => [id, String([7, 5, 8, 6, 4, 6, 9, 2][i % 8])]));
  card = await b.press('reassessment 5/5: the comparison, per activity and on average, with charts', card, 'screening.submit', scores, as);
  await b.press('reassessment: saved (the comparison)', card, 'screening.confirm', {}, as);
}

// --- visitation ---------------------------------------------------------------------------------------------------

async function visitation(b: Book): Promise<void> {
  const [screened] = await b.c.store.referrals.listOpen();
  if (!screened) throw new Error('the screening made no referral');
  const rid = { rid: screened.id };
  const channelCard = b.cards.find((x) => x.name.startsWith('screening: done (referral) → channel'))?.card;
  if (!channelCard) throw new Error(`no channel card after the referral; delivered: ${b.cards.map((x) => x.name).filter((n) => n.includes('→')).join('; ')}`);
  // The visitators' queue, and the channel card's buttons: details to the personal chat, take.
  await b.say('visitation: queue', 'kø', { from: ADELE });
  await b.press('visitation: channel card after "Åbn" (details sent to the personal chat)', channelCard, 'referral.open', {}, { ...inChannel, from: ADELE });
  await b.deliver('visitation: "Åbn" in the channel');
  await b.press('visitation: refuse form (in the channel)', channelCard, 'referral.refuseStart', {}, { ...inChannel, from: ADELE });
  const taken = await b.press('visitation: channel card, taken (the holder\'s view)', channelCard, 'referral.take', {}, { ...inChannel, from: ADELE });
  await b.deliver('visitation: taken');
  await b.invoke('visitation: channel card refreshed (another visitator\'s view)', 'referral.refresh', rid, { ...inChannel, from: MEGAN });
  await b.invoke('visitation: take refused (taken by another)', 'referral.take', rid, { ...inChannel, from: MEGAN });
  // The centre adds an indicative pre-triage; the visitator triages and decides.
  let card = await b.invoke('visitation: pre-triage form (the centre)', 'referral.triageStart', rid, { from: ALEX });
  await b.press('visitation: pre-triage saved (what it would meet)', card, 'referral.triage', { fs_3: '2', fs_5: '3', fs_6: '3', fs_7: '1' }, { from: ALEX });
  await b.invoke('visitation: details (personal chat, with the pre-triage)', 'referral.open', rid, { from: ADELE });
  await b.press('visitation: channel card after "Vurdér" (triage sent to the personal chat)', taken, 'referral.triageStart', {}, { ...inChannel, from: ADELE });
  const [triage] = await b.deliver('visitation: "Vurdér" in the channel');
  card = await b.press('visitation: triage, a score missing', triage!.card, 'referral.triage', { fs_3: '3' }, { from: ADELE });
  card = await b.press('visitation: decision (what the scores meet)', card, 'referral.triage', { fs_3: '3', fs_5: '3', fs_6: '3', fs_7: '3' }, { from: ADELE });
  card = await b.press('visitation: decision, no purpose', card, 'referral.decide', { offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: '' }, { from: ADELE });
  await b.press('visitation: decided', card, 'referral.decide', { offer: 'centre', centre: 'nord', daysPerWeek: '2', transport: 'yes', purpose: 'Komme ud og mødes med andre to gange om ugen' }, { from: ADELE });
  await b.deliver('visitation: decided');

  // A direct referral from home care, handed over to another visitator and refused by her.
  let form = await b.say('visitation: direct referral form', 'henvis', { from: LEE });
  form = await b.press('visitation: direct referral, errors at the fields', form, 'referral.createDirect', { cpr: '310299-1234', name: 'Else Berg', askedBy: '', reason: '' }, { from: LEE });
  await b.press('visitation: direct referral sent', form, 'referral.createDirect', { cpr: '120340-2222', name: 'Else Berg', askedBy: 'relative', reason: 'Datteren oplever, at moren isolerer sig og ikke kommer ud længere', unit: 'hjemmeplejen' }, { from: LEE });
  await b.deliver('visitation: direct referral');
  const direct = (await b.c.store.referrals.listOpen()).find((r) => r.source.kind !== 'screening')!;
  const did = { rid: direct.id };
  card = await b.invoke('visitation: details after taking (personal chat)', 'referral.take', did, { from: ADELE });
  card = await b.press('visitation: hand-over form', card, 'referral.handoverStart', {}, { from: ADELE });
  card = await b.press('visitation: hand-over, nobody picked', card, 'referral.handover', { to: '' }, { from: ADELE });
  await b.press('visitation: handed over', card, 'referral.handover', { to: MEGAN.aadObjectId }, { from: ADELE });
  await b.deliver('visitation: handed over');
  card = await b.invoke('visitation: refuse form (personal chat)', 'referral.refuseStart', did, { from: MEGAN });
  card = await b.press('visitation: refuse, no reason', card, 'referral.refuse', { reason: '' }, { from: MEGAN });
  await b.press('visitation: refused', card, 'referral.refuse', { reason: 'Borgeren er allerede visiteret til et dagcenter i Hjemmeplejen Nords område' }, { from: MEGAN });
  await b.deliver('visitation: refused');
  await b.invoke('visitation: triage refused (not the holder)', 'referral.triageStart', rid, { from: MEGAN });
  await b.invoke('visitation: a referral that does not exist', 'referral.open', { rid: '00000000-0000-4000-8000-000000000000' }, { from: ADELE });
}

// --- visits ---------------------------------------------------------------------------------------------------------

async function visits(b: Book, clock: TestClock): Promise<void> {
  const megan = { from: MEGAN };
  const lee = { from: LEE };
  let card = await b.say('visits: my citizens, none yet', 'mine borgere', megan);
  card = await b.press('visits: attach form', card, 'visits.attachStart', {}, megan);
  card = await b.press('visits: attach, errors at the fields', card, 'visits.attach', { cpr: '010150-12', name: '', service: 'forebyggende', purpose: '' }, megan);
  await b.press('visits: attached (the citizen\'s card)', card, 'visits.attach', { cpr: '251240-1234', name: 'Karen Holm', service: 'demens', purpose: 'Demensudredning følges op hvert kvartal', reason: 'Henvist af egen læge til demensudredning' }, megan);
  card = await b.say('visits: my citizens, none yet (home visitor)', 'mine borgere', lee);
  card = await b.press('visits: attach form (home visitor, one service)', card, 'visits.attachStart', {}, lee);
  card = await b.press('visits: attach, no relation: asked why', card, 'visits.attach', { cpr: '251240-1234', name: 'Karen Holm', service: 'forebyggende', purpose: 'Forebyggende hjemmebesøg' }, lee);
  await b.press('visits: attached with a reason (a colleague already is)', card, 'visits.attach', { cpr: '251240-1234', name: 'Karen Holm', service: 'forebyggende', purpose: 'Forebyggende hjemmebesøg', reason: 'Borgeren har selv bedt om et forebyggende besøg' }, lee);
  await b.deliver('visits: Lee attached');
  const mine = await b.say('visits: my citizens, one with a colleague', 'mine borgere', megan);
  const citizen = await b.press('visits: a citizen\'s card', mine, 'visits.citizen', {}, megan);
  const citizenId = actionsOf(citizen).find((a) => a.verb === 'visits.planStart').data.citizenId;
  card = await b.press('visits: plan form', citizen, 'visits.planStart', {}, megan);
  card = await b.press('visits: plan, errors at the fields', card, 'visits.plan', { citizenId, date: '2026-02-30', time: '25:00', purpose: '' }, megan);
  await b.press('visits: planned', card, 'visits.plan', { citizenId, date: day(clock, 2), time: '10:00', purpose: 'Demensopfølgning med pårørende', openForJoint: 'yes', relativesByVideo: 'yes' }, megan);
  await b.say('visits: plan form (typed "planlæg besøg")', 'planlæg besøg', lee);
  card = await b.invoke('visits: plan form (home visitor)', 'visits.planStart', { citizenId }, lee);
  const overlap = await b.press('visits: overlap warning', card, 'visits.plan', { citizenId, date: day(clock, 5), time: '13:30', purpose: 'Forebyggende hjemmebesøg', openForJoint: 'yes', relativesByVideo: 'no' }, lee);
  await b.press('visits: overlap, "plan anyway" without a reason', overlap, 'visits.keep', { reason: '' }, lee);
  await b.press('visits: planned, the colleague asked', overlap, 'visits.coordinate', {}, { ...lee, replyToId: 'lee-overlap' } as never);
  const [ask] = await b.deliver('visits: coordinate');
  const request = ask?.card ?? b.cards.find((x) => x.name.startsWith('visits: coordinate →') && JSON.stringify(x.card).includes('visits.answer'))?.card;
  await b.press('visits: coordination, "both needed" without a reason', request, 'visits.answer', { reason: '' }, { ...megan, match: (d) => d.answer === 'bothNeeded' });
  await b.press('visits: coordination answered', request, 'visits.answer', {}, { ...megan, match: (d) => d.answer === 'joint' });
  await b.deliver('visits: answered');
  await b.press('visits: a coordination card answered again (stale)', request, 'visits.answer', {}, { ...megan, match: (d) => d.answer === 'iTakeIt' });
  // Week, moving, cancelling.
  card = await b.invoke('visits: plan form (a later visit)', 'visits.planStart', { citizenId }, lee);
  await b.press('visits: planned, no colleague near', card, 'visits.plan', { citizenId, date: day(clock, 30), time: '11:15', purpose: 'Opfølgning på forebyggende hjemmebesøg', openForJoint: 'no', relativesByVideo: 'no' }, lee);
  const own = (await b.c.store.visits.listByStaff({ tenantId: TENANT, aadObjectId: LEE.aadObjectId })).find((v) => v.status === 'planned' && v.staff.aadObjectId === LEE.aadObjectId);
  if (!own) throw new Error('Lee has no visit of his own');
  const week = await b.say('visits: my visits (a joint visit and my own)', 'mine besøg', lee);
  card = await b.press('visits: change form', week, 'visits.changeStart', {}, { ...lee, match: (d) => d.vid === own.id });
  card = await b.press('visits: change, errors at the fields', card, 'visits.move', { date: '', time: '' }, lee);
  await b.press('visits: moved', card, 'visits.move', { date: day(clock, 20), time: '09:00' }, lee);
  await b.deliver('visits: moved');
  const megansWeek = await b.say('visits: my visits (a joint visit)', 'mine besøg', megan);
  const change = await b.press(undefined, megansWeek, 'visits.changeStart', {}, megan);
  const whyCancel = await b.press('visits: cancel, asked why', change, 'visits.cancelStart', {}, megan);
  const noReason = await b.press('visits: cancel, no reason given', whyCancel, 'visits.cancel', { why: '', note: '' }, megan);
  await b.press('visits: cancelled', noReason, 'visits.cancel', { why: 'citizenCancelled', note: 'Ringede i morges' }, megan);
  await b.deliver('visits: cancelled');
  // Sharing and detaching.
  card = await b.invoke('visits: share form', 'visits.shareStart', { citizenId }, megan);
  const colleague = inputOf(card, 'to')?.choices?.[0]?.value ?? fail(`no colleague to share with: ${textsOf(card).join(' | ')}`);
  card = await b.press('visits: share, nobody picked', card, 'visits.share', { citizenId, to: '', reason: '' }, megan);
  await b.press('visits: shared', card, 'visits.share', { citizenId, to: colleague, reason: 'Hun bor alene og virker ensom; måske noget for netværksholdet' }, megan);
  await b.deliver('visits: shared');
  await b.say('visits: share form (typed "del borger")', 'del borger', megan);
  card = await b.invoke('visits: detach form', 'visits.detachStart', { citizenId }, lee);
  card = await b.press('visits: detach, no reason', card, 'visits.detach', { reason: '' }, lee);
  await b.press('visits: detached', card, 'visits.detach', { reason: 'Borgeren har takket nej til flere forebyggende besøg' }, lee);
  await b.invoke('visits: a citizen he is not attached to (after detaching)', 'visits.citizen', { citizenId }, lee);
  await b.invoke('visits: a stale card (a visit that is no longer a draft)', 'visits.keep', { vid: '00000000-0000-4000-8000-000000000000', reason: 'x' }, lee);
  // Statistics for the manager, with the chart.
  const stats = await b.say('visits: statistics', 'statistik', { from: NESTOR });
  await b.press('visits: statistics, CSV sent', stats, 'visits.stats', { csv: 'yes' }, { from: NESTOR });
  await b.press('figures: one centre, one month', stats, 'visits.stats', { filterCentre: 'nord', filterMonth: 'all' }, { from: NESTOR });
  await b.press('figures: a forged filter', stats, 'visits.stats', { filterCentre: 'mars', filterMonth: '1999-01' }, { from: NESTOR });
  // A centre's counting week (the manager may record one too).
  card = await b.say('figures: counting week (typed "tælleuge")', 'tælleuge', { from: NESTOR });
  card = await b.press('figures: counting week, errors at the fields', card, 'figures.count', { centre: '', week: 'x', users: 'mange' }, { from: NESTOR });
  card = await b.press('figures: counting week saved', card, 'figures.count', { centre: 'nord', week: inputOf(card, 'week').choices[0].value, users: '320' }, { from: NESTOR });
  await b.press('figures: counting week removed', card, 'figures.countRemove', { centre: 'nord', week: inputOf(card, 'week').choices[0].value }, { from: NESTOR });
  // A manager assigns a colleague to a citizen; the colleague is told.
  card = await b.say('visits: assign form (manager, typed "tildel borger")', 'tildel borger', { from: NESTOR });
  card = await b.press('visits: assign, errors at the fields', card, 'visits.assign', { cpr: '', name: '', to: '', reason: '' }, { from: NESTOR });
  await b.press('visits: assigned', card, 'visits.assign', { cpr: '120340-2222', name: 'Else Marie Berg-Sørensen', to: LEE.aadObjectId, reason: 'Udskrevet fra sygehuset; brug for forebyggende besøg i eget hjem' }, { from: NESTOR });
  await b.deliver('visits: assigned');
}

// --- follow-up a year after the decision -----------------------------------------------------------------------------

async function followUp(b: Book, clock: TestClock): Promise<void> {
  clock.set(new Date(new Date(START).getTime() + 366 * DAY_MS).toISOString());
  await remindFollowUps(b.c.bot.services);
  const got = await b.deliver('visitation: follow-up due');
  const reminder = got.find((x) => JSON.stringify(x.card).includes('referral.followUp'));
  if (!reminder) throw new Error('no follow-up card');
  await b.press('visitation: follow-up recorded', reminder.card, 'referral.followUp', {}, { from: ADELE, match: (d) => d.result === 'E1' });
}

// --- roles and the access log (the administrator) ------------------------------------------------------------------------

async function administration(b: Book): Promise<void> {
  const as = { from: ALEX };
  const pick = await b.say('roles: pick a person', 'roller', as);
  const edit = await b.press('roles: a person\'s roles', pick, 'roles.pick', { person: MEGAN.aadObjectId }, as);
  await b.press('roles: saved', edit, 'roles.save', { roles: 'dementiaCoordinator,visitator' }, as);
  await b.press('roles: nobody picked', pick, 'roles.pick', { person: '' }, as);
  const log = await b.say('access log: form', 'adgangslog', as);
  await b.press('access log: a wrong CPR number', log, 'audit.export', { cpr: '070747-7777' }, as);
  await b.press('access log: exported', log, 'audit.export', { cpr: CITIZEN.cpr }, as);
  // The data-protection officer's access request.
  const dpo = { from: DORTE };
  const request = await b.say('access request: form ("indsigt")', 'indsigt', dpo);
  await b.press('access request: errors at the fields', request, 'accessRequest.export', { cpr: '12345', request: '' }, dpo);
  await b.press('access request: the document', request, 'accessRequest.export', { cpr: CITIZEN.cpr, request: 'Sag 2026-4711: borgerens datter bad om indsigt på borgerens vegne' }, dpo);
  // Erasure: the form, its errors, and the last question (not pressed: the citizen stays for the cards after).
  const erasure = await b.say('erasure: form ("slet borger")', 'slet borger', dpo);
  await b.press('erasure: errors at the fields', erasure, 'erasure.confirm', { cpr: '010150', reason: '' }, dpo);
  await b.press('erasure: what will go, and the last question', erasure, 'erasure.confirm', { cpr: CITIZEN.cpr, reason: 'Sag 2026-4712: borgeren bad om sletning af alle oplysninger' }, dpo);
}
