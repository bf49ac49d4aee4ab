/**
 * What the server does with the database before it listens (DESIGN §12):
 * refuses settings that are unsafe in production, and creates the demo city
 * only where it is asked for and the database is empty, and stores the yearly
 * figures of years that have records but none stored yet.
 */
import { and, eq, inArray, notInArray } from 'drizzle-orm';
import type { Config } from './config.js';
import type { Db } from './db/index.js';
import { users } from './db/schema.js';
import { verifyPassword } from './auth/passwords.js';
import { storeMissingYears } from './figures/recompute.js';
import { DEMO_LOGINS, DEMO_PASSWORD, ensureDemoCity, type DemoResult } from './demo/demoCity.js';

/** A setting that must not be used: the server prints the message and does not start. */
export class UnsafeSettingError extends Error {}

/** Enabled demo users whose password is still the published one. */
async function demoUsersWithPublicPassword(db: Db): Promise<string[]> {
  const rows = db
    .select({ login: users.login, passwordHash: users.passwordHash })
    .from(users)
    .where(and(inArray(users.login, [...DEMO_LOGINS]), eq(users.disabled, false)))
    .all();
  const found: string[] = [];
  for (const row of rows) if (await verifyPassword(DEMO_PASSWORD, row.passwordHash)) found.push(row.login);
  return found;
}

function hasNonDemoUsers(db: Db): boolean {
  return (
    db
      .select({ id: users.id })
      .from(users)
      .where(notInArray(users.login, [...DEMO_LOGINS]))
      .limit(1)
      .get() !== undefined
  );
}

export interface StartResult {
  /** The demo users made now, if the demo city was created. */
  demo: DemoResult | null;
  /** Things the operator should know (printed at start-up). */
  warnings: string[];
}

/**
 * Checks the settings against the database and creates the demo city when it
 * is on and the database is empty. Throws UnsafeSettingError in production when
 * the demo is on in a database that real users work in, or when a demo user
 * still signs in with the published password while the demo is off.
 */
export async function prepareForStart(config: Config, db: Db): Promise<StartResult> {
  const warnings: string[] = [];
  const production = config.NODE_ENV === 'production';
  if (production && config.TRUST_PROXY === false) {
    warnings.push(
      '注意: NODE_ENV=production ではセッションの Cookie は HTTPS でのみ送られます。HTTPS のリバースプロキシの後ろで動かし、TRUST_PROXY にプロキシの段数（例: 1）を設定してください。',
    );
  }
  if (production && config.MIMAMORI_DEMO === 'on') {
    if (hasNonDemoUsers(db)) {
      throw new UnsafeSettingError(
        'MIMAMORI_DEMO=on ですが、このデータベースにはデモ用以外の利用者がいます。本番のデータベースではデモを使えません。MIMAMORI_DEMO=off にするか、設定を消してください（NODE_ENV=production では既定で off です）。',
      );
    }
    warnings.push(
      '注意: NODE_ENV=production で MIMAMORI_DEMO=on です。デモ用の利用者のパスワード（mimamori-demo）は公開されています。実際の記録には使わないでください。',
    );
  }
  if (production && config.MIMAMORI_DEMO === 'off') {
    const exposed = await demoUsersWithPublicPassword(db);
    if (exposed.length > 0) {
      throw new UnsafeSettingError(
        `デモ用の利用者（${exposed.join('、')}）が公開のパスワードのまま残っています。本番で動かす前に、市社協の利用者の画面でこの利用者を停止するか、パスワードを変えてください（デモのデータベースをそのまま本番に使わないでください）。`,
      );
    }
  }
  const demo = config.MIMAMORI_DEMO === 'on' ? await ensureDemoCity(db) : null;
  // After an upgrade or a bulk load: store the yearly figures of every year that has records but none stored,
  // so that closed years are frozen from the first request on (DESIGN §7).
  storeMissingYears(db);
  return { demo, warnings };
}
