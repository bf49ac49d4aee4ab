/**
 * Counts the commits in a WAL file by reading it (SQLite's file format): a
 * commit frame is a frame whose header gives the database size after the
 * commit. Open the database with `wal_autocheckpoint = 0` so the WAL is never
 * reset while a test counts.
 */
import { existsSync, readFileSync } from 'node:fs';

export function walCommits(databasePath: string): number {
  const wal = `${databasePath}-wal`;
  if (!existsSync(wal)) return 0;
  const bytes = readFileSync(wal);
  if (bytes.length < 32) return 0;
  const pageSize = bytes.readUInt32BE(8);
  const salt1 = bytes.readUInt32BE(16);
  const salt2 = bytes.readUInt32BE(20);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= bytes.length; at += 24 + pageSize) {
    // Frames left from before a reset carry other salts: not part of this WAL.
    if (bytes.readUInt32BE(at + 8) !== salt1 || bytes.readUInt32BE(at + 12) !== salt2) break;
    if (bytes.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}
