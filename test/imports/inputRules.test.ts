/**
 * Issue 10, finding 4: one set of input rules for forms and imports (DESIGN §8).
 * A month that has not started is refused as on the form, and a districts file
 * names every ward it would create and creates none unless asked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import type { Database$ } from '../../src/db/index.js';
import { districts, wards } from '../../src/db/schema.js';
import { importCsv, type ImportResult } from '../../src/imports/importCsv.js';
import { formatImportSummary } from '../../src/imports/summary.js';
import { seedSmallCity } from '../support/app.js';
import { csv, freshDatabase, HEADERS, rowCounts } from './support.js';

let database: Database$;

beforeEach(async () => {
  database = await freshDatabase();
  await seedSmallCity(database);
});
afterEach(() => database.sqlite.close());

function errorsOf(result: ImportResult) {
  return result.ok ? [] : result.errors;
}

// 2026-12-31 23:30 in Japan is still 2026-12-31 14:30 UTC; 15:30 UTC is already 2027-01-01 in Japan.
const LATE_DECEMBER = new Date('2026-12-31T14:30:00Z');
const NEW_YEAR_IN_JAPAN = new Date('2026-12-31T15:30:00Z');

describe('months that have not started yet', () => {
  const file = () => csv([HEADERS.monthly, 'E01,2026-12,10,,,,,,,,', 'E01,2027-01,10,,,,,,,,', 'E02,2099-12,5,,,,,1,,,']);

  it('are refused by line and column, as on the form, and nothing is written', () => {
    const before = rowCounts(database);
    const result = importCsv(database.db, 'monthly', file(), { now: LATE_DECEMBER });
    expect(result.ok).toBe(false);
    expect(errorsOf(result)).toEqual([
      { line: 3, column: 'month', message: '令和9年1月はまだ始まっていないため、取り込めません。月が始まってから入力してください。' },
      { line: 4, column: 'month', message: expect.stringContaining('まだ始まっていないため、取り込めません。') as unknown },
    ]);
    expect(importCsv(database.db, 'monthly', file(), { now: LATE_DECEMBER, dryRun: true }).ok).toBe(false);
    expect(rowCounts(database)).toEqual(before);
  });

  it('use the current month in Japan time, not the server clock', () => {
    const result = importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'E01,2026-12,10,,,,,,,,', 'E01,2027-01,10,,,,,,,,']), { now: NEW_YEAR_IN_JAPAN });
    expect(result).toMatchObject({ ok: true, counts: { created: 2 } });
  });

  it('the current month itself may be imported (the form allows it too)', () => {
    const result = importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'E01,2026-12,10,,,,,,,,']), { now: LATE_DECEMBER });
    expect(result).toMatchObject({ ok: true, counts: { created: 1 } });
  });
});

describe('wards named by a districts file', () => {
  const misspelt = () => csv([HEADERS.districts, 'E03,東三校区,ひがしさん,東 区,,', 'N01,北一校区,きたいち,北区,,', 'N02,北二校区,きたに,北区,,']);

  it('a ward that does not exist is an error naming it, and nothing is created', () => {
    const before = rowCounts(database);
    const result = importCsv(database.db, 'districts', misspelt());
    expect(errorsOf(result)).toEqual([
      {
        line: 2,
        column: 'ward',
        message: '区「東 区」は登録されていません。「東区」の書き間違いではありませんか。新しい区として作るには --create-wards を付けてください。',
      },
      { line: 3, column: 'ward', message: '区「北区」は登録されていません。新しい区として作るには --create-wards を付けてください。' },
      { line: 4, column: 'ward', message: '区「北区」は登録されていません。新しい区として作るには --create-wards を付けてください。' },
    ]);
    expect(rowCounts(database)).toEqual(before);
  });

  it('the dry run with --create-wards lists the wards that would be created and the rows to add or change', () => {
    const before = rowCounts(database);
    const file = csv([
      HEADERS.districts,
      'E01,東一校区（新）,ひがしいち,東区,,',
      'E02,東二校区,ひがしに,東区,,',
      'N01,北一校区,きたいち,北区,,',
      'S01,南一校区,みなみいち,南区,R1,',
    ]);
    const result = importCsv(database.db, 'districts', file, { dryRun: true, createWards: true });
    expect(result).toEqual({
      ok: true,
      counts: { created: 2, updated: 1, unchanged: 1 },
      changes: [
        { line: 2, outcome: 'updated', label: 'E01 東一校区（新）（東区）' },
        { line: 4, outcome: 'created', label: 'N01 北一校区（北区）' },
        { line: 5, outcome: 'created', label: 'S01 南一校区（南区）' },
      ],
      wardsCreated: ['北区', '南区'],
    });
    expect(rowCounts(database)).toEqual(before);
    expect(formatImportSummary(result, { dryRun: true })).toEqual([
      '確認しました（何も書き込んでいません）。取り込むと: 新規 2 件、更新 1 件、変更なし 1 件',
      '新しく作る区: 北区、南区',
      '2行目 更新: E01 東一校区（新）（東区）',
      '4行目 新規: N01 北一校区（北区）',
      '5行目 新規: S01 南一校区（南区）',
      '問題はありません。--dry-run を外して実行すると取り込みます。',
    ]);
  });

  it('with --create-wards the wards are created once each, and the districts put in them', () => {
    const file = csv([HEADERS.districts, 'N01,北一校区,きたいち,北区,,', 'N02,北二校区,きたに,北区,,']);
    const result = importCsv(database.db, 'districts', file, { createWards: true });
    expect(result).toMatchObject({ ok: true, counts: { created: 2 }, wardsCreated: ['北区'] });
    expect(
      database.db
        .select({ name: wards.name })
        .from(wards)
        .orderBy(asc(wards.id))
        .all()
        .map((w) => w.name),
    ).toEqual(['東区', '西区', '北区']);
    expect(formatImportSummary(result)).toEqual(['取り込みました: 新規 2 件、更新 0 件、変更なし 0 件', '新しく作った区: 北区']);
  });

  it('a city with no ward yet gets the wards of its first districts file (nothing to misspell)', async () => {
    const empty = await freshDatabase();
    try {
      const result = importCsv(empty.db, 'districts', csv([HEADERS.districts, 'N01,北一校区,きたいち,北区,,']));
      expect(result).toMatchObject({ ok: true, wardsCreated: ['北区'] });
      expect(empty.db.select().from(districts).all()).toHaveLength(1);
    } finally {
      empty.sqlite.close();
    }
  });
});
