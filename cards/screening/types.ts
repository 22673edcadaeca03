// The screening flow's screens: each template in this folder (cards/screening/<screen>.json) and the type of its data.
/** Template name ('screening/<screen>') -> its data. */
export interface ScreeningCards {}
