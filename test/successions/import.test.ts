/**
 * `npm run cli -- import successions <file>` (issue 10): rows with the same
 * event form one event; dry run, all or nothing, errors by line and column in Japanese.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { districts, successionEvents, successionLinks } from '../../src/db/schema.js';
import { addDistrict, addWard } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { importCsv } from '../../src/imports/importCsv.js';

const SLOW = { timeout: 300_000 };
let dir: string;
let databasePath: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mimamori-succ-'));
  databasePath = join(dir, 'city.db');
  const database = await openDatabase(databasePath);
  seed(database);
  database.sqlite.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function seed(database: Database$): void {
  const ward = addWard(database, '八幡東区');
  addDistrict(database, { code: '511', name: '枝光校区', wardId: ward, activeTo: 2022 });
  addDistrict(database, { code: '512', name: '枝光北校区', wardId: ward, activeTo: 2022 });
  addDistrict(database, { code: '513', name: '枝光台校区', wardId: ward, activeFrom: 2023 });
  addDistrict(database, { code: '601', name: '大蔵校区', wardId: ward });
  addDistrict(database, { code: '602', name: '大蔵東校区', wardId: ward, activeFrom: 2025 });
  addDistrict(database, { code: '603', name: '大蔵西校区', wardId: ward, activeFrom: 2025 });
}

async function tables() {
  const database = await openDatabase(databasePath);
  try {
    const { db } = database;
    return {
      events: db
        .select()
        .from(successionEvents)
        .orderBy(asc(successionEvents.id))
        .all()
        .map((e) => [e.label, e.firstMonth]),
      links: db.select().from(successionLinks).all().length,
      spans: db
        .select()
        .from(districts)
        .orderBy(asc(districts.code))
        .all()
        .map((d) => [d.code, d.activeFrom, d.activeTo]),
    };
  } finally {
    database.sqlite.close();
  }
}

const GOOD = [
  'event,predecessor_code,successor_code,first_month',
  '枝光台の統合,511,513,2023-04',
  '枝光台の統合,５１２,513,2023/4',
  '大蔵の分割,601,602,2025-04',
  '大蔵の分割,601,603,2025-04',
  '',
].join('\n');

describe('import successions', SLOW, () => {
  it('checks a good file in a dry run without writing, then records each event', async () => {
    const file = join(dir, 'good.csv');
    writeFileSync(file, GOOD);
    const dry = await runCli(['import', 'successions', file, '--dry-run'], { databasePath });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('確認しました（何も書き込んでいません）。取り込むと: 新規 2 件');
    expect(dry.stdout).toContain('2行目 新規: 枝光台の統合: 511・512 → 513（令和5年4月から）');
    expect(dry.stdout).toContain('4行目 新規: 大蔵の分割: 601 → 602・603（令和7年4月から）');
    expect((await tables()).events).toEqual([]);

    const run = await runCli(['import', 'successions', file], { databasePath });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('取り込みました: 新規 2 件');
    const after = await tables();
    expect(after.events).toEqual([
      ['枝光台の統合', '2023-04'],
      ['大蔵の分割', '2025-04'],
    ]);
    expect(after.links).toBe(3 + 3);
    // 601 ends with FY2024 (the first month is April 2025); the others were already consistent.
    expect(after.spans).toEqual([
      ['511', null, 2022],
      ['512', null, 2022],
      ['513', 2023, null],
      ['601', null, 2024],
      ['602', 2025, null],
      ['603', 2025, null],
    ]);
  });

  it('refuses a file with bad rows, naming line and column, and writes nothing', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      [
        'event,predecessor_code,successor_code,first_month',
        '枝光台の統合,511,513,2023-04',
        '枝光台の統合,512,513,2023-05',
        '大蔵の分割,601,999,2025-04',
        '自分に,602,602,2025-04',
        '月なし,603,601,',
        '先の月,603,601,2099-04',
        '',
      ].join('\n'),
    );
    const run = await runCli(['import', 'successions', file], { databasePath });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('取り込みを中止しました（何も書き込んでいません）');
    expect(run.stderr).toContain('3行目 first_month: 同じ統合・分割「枝光台の統合」の2行目は令和5年4月です。');
    expect(run.stderr).toContain('6行目 first_month: 必ず入力してください。');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect((await tables()).events).toEqual([]);
  });
});

describe('import successions through the one event check (in process)', () => {
  it('reports each refused event beside its column, and nothing is kept of the good ones', async () => {
    const database = await openDatabase(join(dir, 'city.db'));
    try {
      const bytes = new TextEncoder().encode(
        [
          'event,predecessor_code,successor_code,first_month',
          '枝光台の統合,511,513,2023-04',
          '大蔵の分割,601,999,2025-04',
          '自分に,602,602,2025-04',
          '先の月,603,601,2099-04',
          '枝光台の統合,512,513,2023-04',
        ].join('\n'),
      );
      const result = importCsv(database.db, 'successions', bytes, { now: new Date('2026-11-30T00:00:00Z') });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toEqual([
        { line: 3, column: 'successor_code', message: '校(地)区コード 999 の校(地)区はありません。' },
        { line: 4, column: 'successor_code', message: '602 が元の校(地)区と後継の校(地)区の両方に入っています。どちらか一方にしてください。' },
        { line: 5, column: 'first_month', message: '令和81年4月は先すぎます。24か月先までの月を入力してください。' },
      ]);
      expect(database.db.select().from(successionEvents).all()).toEqual([]);

      // The same predecessor twice: the second event is refused.
      const twice = importCsv(
        database.db,
        'successions',
        new TextEncoder().encode(['event,predecessor_code,successor_code,first_month', 'a,511,513,2023-04', 'b,511,601,2023-04'].join('\n')),
        { now: new Date('2026-11-30T00:00:00Z') },
      );
      expect(twice.ok).toBe(false);
      if (twice.ok) return;
      expect(twice.errors[0]).toMatchObject({ line: 3, column: 'predecessor_code' });
      expect(twice.errors[0]!.message).toContain('「a」（令和5年4月から）ですでに統合・分割されています');
    } finally {
      database.sqlite.close();
    }
  });
});
