import { monthlyValues, seedSmallCity } from '../support/app.js';
import type Database from 'better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../src/db/schema.js';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import type { MonthlyValues } from '../../src/monthlyReports/repository.js';

/** Header rows exactly as DESIGN §8 writes them (typed out here, not taken from the code under test). */
export const HEADERS = {
  districts: 'code,name,kana,ward,active_from,active_to',
  monthly:
    'district_code,month,watched_elderly,watched_disability,watched_single_parent,watched_other,welfare_cooperators,mutual_aid_cases,coordination_meetings,well_club_participants,note',
  salons: 'district_code,name,venue,opened_on,closed_on,subsidy_applied',
  plans: 'district_code,generation,formulated_fy,first_fy,last_fy',
  published: 'item,fiscal_year,scope,value,note',
} as const;

/** A UTF-8 CSV file of the given lines (CRLF endings, as Excel writes them, unless told otherwise). */
export function csv(lines: string[], eol = '\r\n'): Buffer {
  return Buffer.from(lines.join(eol) + eol, 'utf8');
}

/** A fresh in-memory database with migrations applied. */
export async function freshDatabase(): Promise<Database$> {
  return openDatabase(':memory:');
}

/** Row count of every table, to prove that a refused import wrote nothing. */
export function rowCounts(database: Database$): Record<string, number> {
  const tables = database.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {
    name: string;
  }[];
  return Object.fromEntries(tables.map((t) => [t.name, (database.sqlite.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n]));
}

/** Number of audit events, optionally of one entity. */
export function auditCount(database: Database$, entity?: string): number {
  const where = entity ? sql`WHERE entity = ${entity}` : sql``;
  return database.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events ${where}`).n;
}

/** Monthly values with nothing reported, to fill in per test. */
export function emptyValues(): MonthlyValues {
  return monthlyValues();
}

/**
 * Counts the calls of `method` on every statement prepared while `run` runs
 * whose SQL matches `sql`: how often a query ran (per row, or once).
 */
export function countStatementRuns<T>(sqlite: Database.Database, sql: RegExp, method: 'get' | 'all', run: () => T): { result: T; runs: number } {
  let runs = 0;
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source);
    if (sql.test(source)) {
      const calls = statement as unknown as Record<typeof method, (...params: unknown[]) => unknown>;
      const call = calls[method].bind(statement);
      calls[method] = (...params: unknown[]) => {
        runs++;
        return call(...params);
      };
    }
    return statement;
  }) as typeof sqlite.prepare;
  try {
    const result = run();
    return { result, runs };
  } finally {
    sqlite.prepare = prepare;
  }
}

/** A fresh database with the small city, and the city user's id (the set-up most import tests share). */
export async function smallCityWithCityUser(): Promise<{ database: Database$; ids: Awaited<ReturnType<typeof seedSmallCity>>; cityUserId: number }> {
  const database = await freshDatabase();
  const ids = await seedSmallCity(database);
  const cityUserId = database.db.select().from(users).where(eq(users.login, 'city')).get()!.id;
  return { database, ids, cityUserId };
}
