// The visits flow's screens: each template in this folder (cards/visits/<screen>.json) and the type of its data.
/** Template name ('visits/<screen>') -> its data. */
export interface VisitsCards {}
