// The visitation flow's screens: each template in this folder (cards/visitation/<screen>.json) and the type of its data.
/** Template name ('visitation/<screen>') -> its data. */
export interface VisitationCards {}
