// Matching a citizen's COPM sub-areas to the local offers catalogue: best fit first, catalogue
// order among equals, and an empty list when nothing fits.
import { describe, expect, it } from 'vitest';
import { loadOffersCatalogue } from '../../rules/index.js';
import type { OffersCatalogue } from '../../rules/schema.js';
import { offersFor } from '../../src/domain/offers.js';

const catalogue: OffersCatalogue = {
  id: 'test',
  version: '1',
  effectiveFrom: '2025-01-01',
  effectiveTo: null,
  examplesOnly: true,
  offers: [
    { id: 'walk', name: 'Gåklub', description: 'Gåture', subAreas: ['activeRecreation', 'functionalMobility'], where: 'Centret' },
    { id: 'cards', name: 'Kortklub', description: 'Kort', subAreas: ['quietRecreation', 'socialisation'], where: 'Centret' },
    { id: 'cook', name: 'Madklub', description: 'Mad', subAreas: ['householdManagement', 'socialisation'], where: 'Køkkenet' },
    { id: 'meal', name: 'Spis sammen', description: 'Middag', subAreas: ['socialisation'], where: 'Cafeen' },
  ],
};

const ids = (r: ReturnType<typeof offersFor>) => r.map((m) => m.offer.id);

describe('offersFor', () => {
  it('keeps catalogue order among offers matching one sub-area each', () => {
    expect(ids(offersFor(['socialisation'], catalogue))).toEqual(['cards', 'cook', 'meal']);
  });

  it('puts offers matching more of the citizen\'s sub-areas first', () => {
    const r = offersFor(['socialisation', 'householdManagement'], catalogue);
    expect(r.map((m) => [m.offer.id, m.matched])).toEqual([
      ['cook', ['socialisation', 'householdManagement']],
      ['cards', ['socialisation']],
      ['meal', ['socialisation']],
    ]);
  });

  it('lists matched sub-areas in the citizen\'s order, once each', () => {
    const r = offersFor(['functionalMobility', 'activeRecreation', 'functionalMobility'], catalogue);
    expect(r).toEqual([{ offer: catalogue.offers[0], matched: ['functionalMobility', 'activeRecreation'] }]);
  });

  it('never proposes an offer meant only for some citizens (its audience): the screening does not assess that', () => {
    const withCafe: OffersCatalogue = { ...catalogue, offers: [...catalogue.offers, { id: 'cafe', name: 'Demenscafé', description: 'Mødested', subAreas: ['socialisation'], where: 'Caféen', audience: 'Borgere med demens og deres pårørende' }] };
    expect(ids(offersFor(['socialisation'], withCafe))).toEqual(['cards', 'cook', 'meal']);
    expect(ids(offersFor(['socialisation'], loadOffersCatalogue()))).not.toContain('demenscafe');
  });

  it('finds nothing for areas no offer covers, or no areas', () => {
    expect(offersFor(['paidUnpaidWork', 'playSchool'], catalogue)).toEqual([]);
    expect(offersFor([], catalogue)).toEqual([]);
  });

  it('works on the shipped example catalogue, which has no offer for paid/unpaid work or play/school', () => {
    const shipped = loadOffersCatalogue();
    expect(offersFor(['paidUnpaidWork'], shipped)).toEqual([]);
    expect(offersFor(['playSchool'], shipped)).toEqual([]);
    expect(ids(offersFor(['activeRecreation'], shipped))).toEqual(['gaaklub']);
    expect(offersFor(['socialisation'], shipped).length).toBeGreaterThan(1);
  });
});
