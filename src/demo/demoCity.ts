import type { Db } from '../db/index.js';
import type { ScryptParams } from '../auth/passwords.js';

export interface DemoResult {
  users: { login: string; description: string }[];
}

export interface DemoOptions {
  /** scrypt cost for the demo users' hashes (tests pass a cheap one). */
  passwordParams?: ScryptParams;
}

/** Creates the demo city on an empty database; returns the users made, or null if data existed. (being written) */
export async function ensureDemoCity(_db: Db, _options: DemoOptions = {}): Promise<DemoResult | null> {
  return null;
}
