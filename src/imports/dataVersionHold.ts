/**
 * The data version (migration 0004) is bumped by a trigger on every row written
 * to monthly_reports, so that cached tables know a write happened. An import of
 * 100,000 rows needs that said once, not 100,000 times (issue 9, P4): while its
 * transaction holds the row of `data_version_hold` (migration 0015), the
 * monthly_reports triggers skip, and the importer bumps the version itself once.
 * The hold lives and dies inside the caller's transaction: other connections
 * never see it, and a rolled-back import leaves nothing behind.
 */
import type BetterSqlite3 from 'better-sqlite3';

/**
 * Runs `write` inside the caller's write transaction with the per-row bumps of
 * monthly_reports held, then releases the hold and bumps the version once
 * (also when `write` throws, so that a caller that goes on never keeps the hold).
 */
export function withDataVersionHeld<T>(sqlite: BetterSqlite3.Database, write: () => T): T {
  if (!sqlite.inTransaction) throw new Error('withDataVersionHeld は書き込みのトランザクションの中で呼んでください');
  sqlite.prepare('INSERT INTO data_version_hold (id) VALUES (1)').run();
  try {
    return write();
  } finally {
    sqlite.prepare('DELETE FROM data_version_hold').run();
    sqlite.prepare('UPDATE data_version SET version = version + 1 WHERE id = 1').run();
  }
}
