// Target-group decision from the seed 000 profiles: the answer needing the most support decides,
// exclusion comes first, transport follows "Kørsel", and the outcome names its rule set and basis.
import { describe, expect, it } from 'vitest';
import { loadTargetGroupRules } from '../../rules/index.js';
import { decide, type Eligibility, type Outcome, type Profile } from '../../src/domain/targetGroup.js';

const rules = loadTargetGroupRules();
const atHome: Eligibility = { livesAtHome: true, needsSpecialStaff: false };
const clubProfile: Profile = { activitySupport: 'none', relationSupport: 'none', careDuringHours: false, transport: 'self' };

function profile(p: Partial<Profile>): Profile {
  return { ...clubProfile, ...p };
}

function offer(o: Outcome) {
  if (o.kind === 'outside') throw new Error('expected an offer');
  return o;
}

describe('each line of the seed profiles points to its offer', () => {
  // "Adgang til klubtilbud", "Styring af adgang til det forebyggende tilbud",
  // "Styring af adgang til det vedligeholdende tilbud" (seed 000), one profile line at a time.
  it.each<[string, Partial<Profile>, Outcome['kind']]>([
    ['kan selv deltage i og igangsætte aktiviteter', { activitySupport: 'none' }, 'club'],
    ['kan selv etablere og vedligeholde sociale relationer', { relationSupport: 'none' }, 'club'],
    ['har ikke brug for transport til og fra en aktivitet', { transport: 'self' }, 'club'],
    ['let til moderat støtte for at kunne deltage i og igangsætte aktiviteter', { activitySupport: 'lightModerate' }, 'preventive'],
    ['let til moderat støtte for at kunne etablere og vedligeholde sociale relationer', { relationSupport: 'lightModerate' }, 'preventive'],
    ['kan i visse tilfælde have brug for transport (nedsat mobilitet)', { transport: 'mobility' }, 'preventive'],
    ['kan i visse tilfælde have brug for transport (kan ikke overskue transport)', { transport: 'cannotManage' }, 'preventive'],
    ['omfattende eller fuldstændig støtte for at kunne deltage i og igangsætte aktiviteter', { activitySupport: 'extensiveComplete' }, 'referral'],
    ['omfattende eller fuldstændig støtte for at kunne etablere og vedligeholde sociale relationer', { relationSupport: 'extensiveComplete' }, 'referral'],
    ['har brug for pleje og omsorg i timerne i et aktivitetscenter', { careDuringHours: true }, 'referral'],
  ])('%s -> %s', (_line, answers, kind) => {
    expect(decide(atHome, profile(answers), rules).kind).toBe(kind);
  });

  it('the whole club profile gives the club offer on §79 pools, without visitation or transport', () => {
    expect(decide(atHome, clubProfile, rules)).toEqual({
      kind: 'club',
      level: 'club',
      decidedBy: ['activitySupport', 'relationSupport', 'careDuringHours', 'transport'],
      perAnswer: { activitySupport: 'club', relationSupport: 'club', careDuringHours: 'club', transport: 'club' },
      legalBasis: 'Serviceloven § 79 (puljemidler)',
      visitation: false,
      ruleSet: { id: 'kk-aktiv-hele-livet-malgrupper', version: '2010.1' },
    });
  });

  it('the whole preventive profile gives the preventive offer under §79, decided at the centre', () => {
    const o = offer(decide(atHome, { activitySupport: 'lightModerate', relationSupport: 'lightModerate', careDuringHours: false, transport: 'mobility' }, rules));
    expect(o).toMatchObject({ kind: 'preventive', level: 'preventive', legalBasis: 'Serviceloven § 79', visitation: false });
    expect(o.decidedBy).toEqual(['activitySupport', 'relationSupport', 'transport']);
    expect(o.transport).toEqual({ granted: true, because: 'mobility' });
  });

  it('the whole maintenance profile is referred to visitation under §86 stk. 2', () => {
    const o = offer(decide(atHome, { activitySupport: 'extensiveComplete', relationSupport: 'extensiveComplete', careDuringHours: true, transport: 'cannotManage' }, rules));
    expect(o).toMatchObject({ kind: 'referral', level: 'maintenance', legalBasis: 'Serviceloven § 86, stk. 2', visitation: true });
    expect(o.decidedBy).toEqual(['activitySupport', 'relationSupport', 'careDuringHours']);
    // Transport with the maintenance offer is for visitation to decide, not the centre.
    expect(o.transport).toBeUndefined();
  });
});

describe('answers that point different ways: the one needing the most support decides', () => {
  it('activities alone, relations with extensive support -> referral, decided by relationSupport', () => {
    const o = offer(decide(atHome, profile({ activitySupport: 'none', relationSupport: 'extensiveComplete' }), rules));
    expect(o.kind).toBe('referral');
    expect(o.decidedBy).toEqual(['relationSupport']);
    expect(o.perAnswer).toEqual({ activitySupport: 'club', relationSupport: 'maintenance', careDuringHours: 'club', transport: 'club' });
  });

  it('care during the hours alone -> referral, decided by careDuringHours', () => {
    const o = offer(decide(atHome, profile({ careDuringHours: true }), rules));
    expect(o.kind).toBe('referral');
    expect(o.decidedBy).toEqual(['careDuringHours']);
  });

  it('light support with activities but care during the hours -> referral; the preventive answer does not decide', () => {
    const o = offer(decide(atHome, profile({ activitySupport: 'lightModerate', careDuringHours: true, transport: 'mobility' }), rules));
    expect(o.kind).toBe('referral');
    expect(o.decidedBy).toEqual(['careDuringHours']);
    expect(o.perAnswer.activitySupport).toBe('preventive');
  });

  it('cannot manage the journey, otherwise club answers -> preventive with transport granted', () => {
    const o = offer(decide(atHome, profile({ transport: 'cannotManage' }), rules));
    expect(o.kind).toBe('preventive');
    expect(o.decidedBy).toEqual(['transport']);
    expect(o.transport).toEqual({ granted: true, because: 'cannotManage' });
  });

  it('preventive without a transport need: no transport, the default (seed "Kørsel")', () => {
    const o = offer(decide(atHome, profile({ activitySupport: 'lightModerate' }), rules));
    expect(o.kind).toBe('preventive');
    expect(o.transport).toEqual({ granted: false });
  });
});

describe('outside all three offers', () => {
  it.each<[string, Eligibility, ('notAtHome' | 'specialStaff')[]]>([
    ['does not live at home', { livesAtHome: false, needsSpecialStaff: false }, ['notAtHome']],
    ['needs specially trained staff', { livesAtHome: true, needsSpecialStaff: true }, ['specialStaff']],
    ['both', { livesAtHome: false, needsSpecialStaff: true }, ['notAtHome', 'specialStaff']],
  ])('%s -> outside, no referral', (_case, eligibility, reasons) => {
    // Even a profile that would be referred is not: these citizens are not activity visitation's.
    const o = decide(eligibility, profile({ careDuringHours: true }), rules);
    expect(o).toEqual({ kind: 'outside', reasons });
  });
});

describe('recomputing a stored decision', () => {
  it('gives the same outcome from the stored inputs and rule set', () => {
    const inputs = { eligibility: atHome, profile: profile({ activitySupport: 'lightModerate', transport: 'mobility' }) };
    const first = decide(inputs.eligibility, inputs.profile, rules);
    // As if read back from the store: plain JSON, no shared references.
    const stored = JSON.parse(JSON.stringify({ inputs, rules })) as { inputs: typeof inputs; rules: typeof rules };
    expect(decide(stored.inputs.eligibility, stored.inputs.profile, stored.rules)).toEqual(first);
    expect(decide(inputs.eligibility, inputs.profile, rules)).toEqual(first);
  });

  it('follows the rule set it is given, not a built-in table', () => {
    const stricter = { ...rules, id: 'test-stricter', version: '2', answers: { ...rules.answers, transport: { ...rules.answers.transport, cannotManage: 'maintenance' as const } } };
    const o = offer(decide(atHome, profile({ transport: 'cannotManage' }), stricter));
    expect(o.kind).toBe('referral');
    expect(o.ruleSet).toEqual({ id: 'test-stricter', version: '2' });
  });
});
