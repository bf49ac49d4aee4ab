import type { Db } from './index.js';

/**
 * Rolling a transaction back on purpose (a dry run, a refused row, a preview):
 * throw `new Rollback()` inside it and run it under `rolledBackQuietly`.
 */
export class Rollback extends Error {
  constructor() {
    super('rolled back on purpose');
    this.name = 'Rollback';
  }
}

/** Runs `run` (which opens a transaction and may throw Rollback inside it); a Rollback ends it without an error. */
export function rolledBackQuietly(run: () => void): void {
  try {
    run();
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
}

/**
 * Runs `write` in one immediate transaction and keeps what it wrote only when
 * `keep()` says so afterwards (no row refused, not a dry run): all or nothing.
 */
export function allOrNothing(db: Db, write: (tx: Db) => void, keep: () => boolean): void {
  rolledBackQuietly(() =>
    db.transaction(
      (tx) => {
        write(tx);
        if (!keep()) throw new Rollback();
      },
      { behavior: 'immediate' },
    ),
  );
}
