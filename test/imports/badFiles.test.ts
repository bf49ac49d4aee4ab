import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database$ } from '../../src/db/index.js';
import { importCsv, type ImportResult } from '../../src/imports/importCsv.js';
import { formatImportSummary } from '../../src/imports/summary.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { seedSmallCity } from '../support/app.js';
import { auditCount, csv, emptyValues, freshDatabase, HEADERS, rowCounts } from './support.js';

let database: Database$;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  database = await freshDatabase();
  ids = await seedSmallCity(database);
});
afterEach(() => database.sqlite.close());

function errorsOf(result: ImportResult) {
  if (result.ok) throw new Error(`expected the import to be refused, got ${JSON.stringify(result.counts)}`);
  return result.errors.map((e) => [e.line, e.column]);
}

describe('a file with bad rows', () => {
  it('writes nothing and reports every bad cell with its line and column', () => {
    const file = csv([
      HEADERS.monthly,
      'E01,2024-04,10,,,,,3,,,', // line 2: fine
      'E01,2024-05,10,,,,,-3,,,', // line 3: negative
      'E02,2024-05,十,,,,,1.5,,,', // line 4: text, decimal
      'X99,2024-05,1,,,,,,,,', // line 5: unknown district
      'W01,2024-13,1,,,,,,,,', // line 6: bad month
      'W01,2024-06,1,,,,,,abc,,', // line 7: text in a count
    ]);
    const before = rowCounts(database);
    const result = importCsv(database.db, 'monthly', file, { userId: null });
    expect(errorsOf(result)).toEqual([
      [3, 'mutual_aid_cases'],
      [4, 'watched_elderly'],
      [4, 'mutual_aid_cases'],
      [5, 'district_code'],
      [6, 'month'],
      [7, 'coordination_meetings'],
    ]);
    expect(result.ok === false && result.errors.at(0)?.message).toBe('マイナスの数は入力できません。0以上の整数を入力してください。');
    expect(result.ok === false && result.errors.at(3)?.message).toContain('X99');
    // Line 2 was fine, but nothing at all is written.
    expect(rowCounts(database)).toEqual(before);
    expect(auditCount(database)).toBe(0);
  });

  it('reports bad dates, booleans and a closing date before the opening date', () => {
    const file = csv([
      HEADERS.salons,
      'E01,ひまわり,,2024/2/30,,はい', // impossible date
      'E01,あさがお,,2024/4/1,2024/3/1,いいえ', // closed before opened
      'E01,こすもす,,4月1日,,たぶん', // bad date, bad boolean
      'E01,,,2024-04-01,,', // no name
    ]);
    const before = rowCounts(database);
    expect(errorsOf(importCsv(database.db, 'salons', file, {}))).toEqual([
      [2, 'opened_on'],
      [3, 'closed_on'],
      [4, 'opened_on'],
      [4, 'subsidy_applied'],
      [5, 'name'],
    ]);
    expect(rowCounts(database)).toEqual(before);
  });

  it('reports a wrong header by column name on line 1 and still checks the rows', () => {
    const file = csv(['district_code,generation,formulated_year,first_fy,last_fy,memo', 'E01,1,R1,R1,R5,x', 'E01,1,R1,R5,R1,y']);
    const result = importCsv(database.db, 'plans', file, {});
    expect(errorsOf(result)).toEqual([
      [1, 'formulated_year'],
      [1, 'memo'],
      [1, 'formulated_fy'],
      [3, 'last_fy'],
    ]);
    expect(result.ok === false && result.errors.find((e) => e.column === 'formulated_fy')?.message).toContain('ありません');
  });

  it('says when the file is of another kind', () => {
    const result = importCsv(database.db, 'salons', csv([HEADERS.plans, 'E01,1,R1,R1,R5']), {});
    expect(result.ok === false && result.errors[0]).toMatchObject({ line: 1, column: '' });
    expect(result.ok === false && result.errors.at(0)?.message).toContain('小地域福祉活動計画');
  });

  it('reports lines whose number of cells differs from the header, and broken quotes', () => {
    const file = csv([HEADERS.plans, 'E01,1,R1,R1', 'E01,2,R1,R1,R5', 'E02,"1"x,R1,R1,R5']);
    expect(errorsOf(importCsv(database.db, 'plans', file, {}))).toEqual([
      [2, ''],
      [4, ''],
    ]);
  });

  it('numbers lines from where a record starts when a quoted note spans lines', () => {
    const file = csv([HEADERS.monthly, 'E01,2024-04,1,,,,,,,,"二行の', '備考"', 'E02,2024-04,-1,,,,,,,,']);
    expect(errorsOf(importCsv(database.db, 'monthly', file, {}))).toEqual([[4, 'watched_elderly']]);
  });

  it('refuses the same district and month twice in one file', () => {
    const file = csv([HEADERS.monthly, 'E01,2024-04,1,,,,,,,,', 'E02,2024-04,1,,,,,,,,', 'E01,2024/4,2,,,,,,,,']);
    const result = importCsv(database.db, 'monthly', file, {});
    expect(errorsOf(result)).toEqual([[4, 'month']]);
    expect(result.ok === false && result.errors.at(0)?.message).toContain('2行目');
  });

  it('refuses a row without any value, which would mark the month as reported', () => {
    expect(errorsOf(importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'E01,2024-04,,,,,,,,,']), {}))).toEqual([[2, 'month']]);
  });

  it('refuses reports of a district in a year it was not active', () => {
    importCsv(database.db, 'districts', csv([HEADERS.districts, 'OLD,旧校区,きゅう,東区,R1,R3']), {});
    const result = importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'OLD,2021-04,1,,,,,,,,', 'OLD,2022-04,1,,,,,,,,']), {});
    expect(errorsOf(result)).toEqual([[3, 'month']]);
  });

  it('refuses a not-available published figure without a reason, and an unknown scope', () => {
    const file = csv([HEADERS.published, '3,R2,city,,', '8,R2,city,1,', '1,R2,北区,1,', '1,平成,city,1,']);
    expect(errorsOf(importCsv(database.db, 'published', file, {}))).toEqual([
      [2, 'note'],
      [3, 'item'],
      [4, 'scope'],
      [5, 'fiscal_year'],
    ]);
  });

  it('refuses a changed register entry rather than adding a second one, and rolls back the rest', () => {
    importCsv(database.db, 'salons', csv([HEADERS.salons, 'E01,ひまわり,会館,2020/4/1,,はい']), {});
    const before = rowCounts(database);
    const file = csv([HEADERS.salons, 'E02,ゆうやけ,,2021/4/1,,', 'E01,ひまわり,会館,2020/4/1,2024/3/31,はい']);
    expect(errorsOf(importCsv(database.db, 'salons', file, {}))).toEqual([[3, 'name']]);
    // ゆうやけ (line 2) was written inside the transaction and rolled back with it.
    expect(rowCounts(database)).toEqual(before);
  });

  it('refuses an empty file, a header-only file, and UTF-16', () => {
    expect(errorsOf(importCsv(database.db, 'plans', Buffer.alloc(0), {}))).toEqual([[1, '']]);
    expect(errorsOf(importCsv(database.db, 'plans', csv([HEADERS.plans]), {}))).toEqual([[2, '']]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADERS.plans, 'utf16le')]);
    const result = importCsv(database.db, 'plans', utf16, {});
    expect(result.ok === false && result.errors.at(0)?.message).toContain('UTF-16');
  });
});

describe('the printed summary', () => {
  it('prints one line per error as 「N行目 column: reason」 after the refusal', () => {
    const result = importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'E01,2024-04,1,,,,,,,,', 'E01,2024-05,1,,,,,-3,,,']), {});
    expect(formatImportSummary(result)).toEqual([
      '取り込みを中止しました（何も書き込んでいません）',
      '3行目 mutual_aid_cases: マイナスの数は入力できません。0以上の整数を入力してください。',
    ]);
  });

  it('prints the counts after a successful import', () => {
    saveMonthlyReport(database.db, { districtId: ids.d1, month: '2024-04', values: { ...emptyValues(), watched_elderly: 1 }, userId: null });
    const result = importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'E01,2024-04,1,,,,,,,,', 'E02,2024-04,2,,,,,,,,']), {});
    expect(formatImportSummary(result)).toEqual(['取り込みました: 新規 1 件、更新 0 件、変更なし 1 件']);
  });
});
