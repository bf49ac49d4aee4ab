/**
 * `cli recompute [--fy N]` (issue 9): rebuilds the stored figures of open
 * years from the records after a bulk load or a restore, says what changed per
 * item, and leaves closed years as they are. Run as a separate Node process,
 * as people run it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { createSalon } from '../../src/salons/repository.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { currentFiscalYear } from '../../src/domain/fiscalYear.js';
import { storedYears } from '../../src/figures/recompute.js';
import { monthlyValues, seedSmallCity } from '../support/app.js';
import { expectedFigures, storedFigures } from '../figures/support.js';
import { runCli } from '../support/cli.js';

const SLOW = { timeout: 300_000 };

let dir: string;
let databasePath: string;

async function withDatabase<T>(work: (database: Database$) => T | Promise<T>): Promise<T> {
  const database = await openDatabase(databasePath);
  try {
    return await work(database);
  } finally {
    database.sqlite.close();
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mimamori-recompute-'));
  databasePath = join(dir, 'city.db');
  await withDatabase(async (database) => {
    const { d1, d2 } = await seedSmallCity(database);
    const { db } = database;
    saveMonthlyReport(db, { districtId: d1, month: '2023-05', values: monthlyValues({ watched_elderly: 40, mutual_aid_cases: 3 }), userId: null });
    saveMonthlyReport(db, { districtId: d1, month: '2024-05', values: monthlyValues({ watched_elderly: 42, mutual_aid_cases: 5 }), userId: null });
    saveMonthlyReport(db, { districtId: d2, month: '2024-06', values: monthlyValues({ well_club_participants: 9 }), userId: null });
    createSalon(db, d2, { name: 'ひまわり', venue: '', openedOn: '2023-06-01', closedOn: null, subsidyApplied: false }, null);
    closeFiscalYear(db, 2023, 1);
    // A bulk load straight into the tables (as after a restore of old data or a hand fix): the stored figures lag behind.
    database.sqlite.prepare("UPDATE monthly_reports SET mutual_aid_cases = 50 WHERE month = '2024-05'").run();
    database.sqlite.prepare("UPDATE monthly_reports SET mutual_aid_cases = 70 WHERE month = '2023-05'").run();
    database.sqlite
      .prepare(
        "INSERT INTO monthly_reports (district_id, month, watched_elderly, well_club_participants, version, updated_at) VALUES (?, '2025-04', 7, 4, 1, 'x')",
      )
      .run(d2);
    database.sqlite.prepare('INSERT INTO salons (district_id, name, opened_on) VALUES (?, ?, ?)').run(d1, 'さくら', '2024-07-01');
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('recompute', SLOW, () => {
  it('rebuilds the open years from the records, reports the changes per item, and leaves the closed year alone', async () => {
    const frozen = await withDatabase((d) => storedFigures(d, [2023]));
    const help = await runCli(['help'], { databasePath });
    expect(help.stdout).toContain('recompute [--fy <年度>]');

    const run = await runCli(['recompute'], { databasePath });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('年度確定済みのため変えていない年度: 令和5年度');
    // E01's salon (from July 2024) changes ⑥ in FY2024 up to the current FY, its May 2024 ② in FY2024;
    // E02's April 2025 report ①⑤ in FY2025.
    const salonYears = Math.max(currentFiscalYear(), 2025) - 2024 + 1;
    expect(run.stdout).toContain(`変わった校(地)区・年度: ${salonYears + 1}件（追加 0件、変更 ${salonYears + 1}件、削除 0件）`);
    expect(run.stdout).toContain('② ふれあいネットワーク活動の助け合い件数: 1件');
    expect(run.stdout).toContain(`⑥ サロン開設数: ${salonYears}件`);
    expect(run.stdout).toContain('① ふれあいネットワーク活動の見守り世帯数: 1件');
    expect(run.stdout).toContain('⑤ ウェルクラブ活動等の参加者数: 1件');
    expect(run.stdout).toMatch(/令和6年度: 1件\n\s+令和7年度: 2件/);

    await withDatabase((d) => {
      expect(storedFigures(d, [2023])).toEqual(frozen);
      const open = storedYears(d.db).filter((fy) => fy !== 2023);
      expect(open).toContain(2025);
      expect(storedFigures(d, open)).toEqual(expectedFigures(d, open));
    });

    const again = await runCli(['recompute', '--fy', 'R6'], { databasePath });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('令和6年度（1年度）の集計値を記録から計算し直しました。');
    expect(again.stdout).toContain('変わった集計値はありませんでした。');
  });

  it('refuses a year it cannot read, with exit code 1 and no stack trace', async () => {
    const run = await runCli(['recompute', '--fy', 'きのう'], { databasePath });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--fy の年度「きのう」を読み取れません');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
