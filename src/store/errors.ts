// What a store refuses: a record changed by someone else since it was read, or a second record with
// a value that must be unique (a CPR number). Every store raises the same errors, so the flows and
// the Teams layer answer them the same way whichever store is configured.

export class ConflictError extends Error {
  constructor(
    /** 'version': the record was changed (or removed) since it was read; 'unique': another record holds the value. */
    readonly kind: 'version' | 'unique',
    readonly collection: string,
    readonly id: string,
    /** The record as it is now, when there is one. */
    readonly current?: unknown,
  ) {
    super(kind === 'version' ? `${collection} ${id} was changed by someone else` : `${collection}: another record already holds ${id}`);
    this.name = 'ConflictError';
  }
}

export const isConflict = (err: unknown): err is ConflictError => err instanceof ConflictError;
