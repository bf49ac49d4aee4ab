import type { Db } from '../db/index.js';

export interface DemoUsers {
  users: { login: string; description: string }[];
}

/** Creates the demo city on an empty database; returns the users made, or null if data existed. (placeholder, being written) */
export async function ensureDemoCity(_db: Db): Promise<DemoUsers | null> {
  return null;
}
