// Local offers that fit the areas a citizen named in the COPM conversation, from the catalogue in
// rules/offersCatalogue.json. Suggestions only: staff and citizen choose together.
import type { CatalogueOffer, OffersCatalogue } from './ruleTypes.js';
import type { CopmSubArea } from './copm.js';

/**
 * Offers sharing at least one sub-area with `subAreas`, best fit first (most matched sub-areas),
 * then in catalogue order, which the municipality controls. `matched` follows the order of
 * `subAreas`, i.e. the citizen's own order. An empty result means nothing local fits; the caller
 * says so rather than suggesting something unrelated.
 */
export function offersFor(subAreas: readonly CopmSubArea[], catalogue: OffersCatalogue): { offer: CatalogueOffer; matched: CopmSubArea[] }[] {
  const wanted = [...new Set(subAreas)];
  return catalogue.offers
    // An offer only for some citizens (its audience) is not for the screening to propose.
    .filter((offer) => !offer.audience)
    .map((offer) => ({ offer, matched: wanted.filter((s) => offer.subAreas.includes(s)) }))
    .filter((m) => m.matched.length > 0)
    // Stable sort: equal counts keep catalogue order.
    .sort((a, b) => b.matched.length - a.matched.length);
}
