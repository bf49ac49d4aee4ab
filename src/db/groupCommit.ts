/**
 * Group commit (issue 9, item 8: saves bounded by the disk, not the code).
 *
 * A durable commit (WAL, synchronous=FULL) costs an fsync; saves that arrive
 * together can share one. Write units handed to `run` in the same event-loop
 * turn, or in the next few turns while more keep arriving (MAX_WAIT_TURNS), are
 * queued and run together in ONE transaction, each in its own
 * SAVEPOINT: a unit that throws is rolled back to its savepoint alone and its
 * promise is rejected with its error, the others go on. Then the transaction
 * commits once, and only after the commit is every unit's promise settled, so
 * nothing is acknowledged before it is on disk. A failed commit rejects every
 * unit of the batch (nothing of it was written).
 *
 * A unit is a synchronous function, as every Drizzle transaction on
 * better-sqlite3 (CONVENTIONS: "keep any await outside them"). Reads made
 * before `run` are not protected by the batch: a unit checks again what must
 * still hold (versions, closed years), as the write paths already do.
 */
import type Database from 'better-sqlite3';
import type { Database$, Db } from './index.js';
import { atomically } from './atomic.js';

/** Most units run in one transaction; more wait for the next turn (keeps one turn short). */
export const MAX_BATCH = 128;

/**
 * How many more event-loop turns a batch waits while saves are still arriving.
 * A save that arrives while the previous batch's commit blocks the loop is read
 * in the next turn: the batch waits one turn (a poll without sleeping, not a
 * timer) as long as the last turn added units, so saves of several people that
 * arrive a moment apart share one fsync. A lone save waits one turn.
 */
export const MAX_WAIT_TURNS = 4;

interface Pending {
  unit: (tx: Db) => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** The error of units whose work was lost because another unit's failure ended the whole transaction. */
export class BatchAbortedError extends Error {
  constructor(cause: unknown) {
    super('同時に保存された別の処理の失敗により、この保存は取り消されました。もう一度保存してください。', { cause });
    this.name = 'BatchAbortedError';
  }
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  /** Queue length at the last turn's look, and how many turns this batch has waited. */
  private seen = 0;
  private waited = 0;
  /** Batches committed (or attempted) and units run: the bench prints units per batch. */
  readonly stats = { batches: 0, units: 0 };
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;

  constructor(private readonly database: Database$) {
    // IMMEDIATE: the write lock is taken at the start, so a batch never fails half-way on a lock upgrade.
    this.begin = database.sqlite.prepare('BEGIN IMMEDIATE');
    this.commit = database.sqlite.prepare('COMMIT');
    this.rollback = database.sqlite.prepare('ROLLBACK');
  }

  /** Runs `unit` in the next batch's transaction (in its own savepoint); settles after the batch's commit. */
  run<T>(unit: (tx: Db) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ unit, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O callbacks of this turn: requests that arrived together join the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    // Still arriving (the last turn added units): wait one more turn, a bounded number of times.
    if (this.queue.length > this.seen && this.queue.length < MAX_BATCH && this.waited < MAX_WAIT_TURNS) {
      this.seen = this.queue.length;
      this.waited++;
      setImmediate(() => this.flush());
      return;
    }
    this.scheduled = false;
    this.seen = 0;
    this.waited = 0;
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    this.stats.batches++;
    this.stats.units += batch.length;
    const { sqlite, db } = this.database;
    let done: { pending: Pending; value: unknown }[] = [];
    /** Starts the batch's transaction; false (every unit left rejected) when it cannot start. */
    const start = (rest: Pending[]): boolean => {
      try {
        if (sqlite.inTransaction) throw new Error('group commit: a transaction is already open on this connection');
        this.begin.run();
        return true;
      } catch (err) {
        for (const p of rest) p.reject(err);
        return false;
      }
    };
    if (!start(batch)) return;
    for (let i = 0; i < batch.length; i++) {
      const pending = batch[i]!;
      try {
        // Its own savepoint inside the batch's transaction (no Drizzle transaction object per unit).
        const value = atomically(db, pending.unit);
        done.push({ pending, value });
      } catch (err) {
        pending.reject(err);
        if (!sqlite.inTransaction) {
          // Some errors (disk full, I/O) end the whole transaction: the units before it were undone too.
          for (const d of done) d.pending.reject(new BatchAbortedError(err));
          done = [];
          if (!start(batch.slice(i + 1))) return;
        }
      }
    }
    try {
      this.commit.run();
    } catch (err) {
      try {
        if (sqlite.inTransaction) this.rollback.run();
      } catch {
        // The commit's own error is the one reported below.
      }
      for (const d of done) d.pending.reject(err);
      return;
    }
    for (const d of done) d.pending.resolve(d.value);
  }
}

const byConnection = new WeakMap<Database.Database, GroupCommit>();

/** The one group commit of a database connection (every batched write of a connection shares it). */
export function groupCommitOf(database: Database$): GroupCommit {
  let group = byConnection.get(database.sqlite);
  if (!group) byConnection.set(database.sqlite, (group = new GroupCommit(database)));
  return group;
}
