import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { districts } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { normaliseKana, readDistrict, type DistrictField } from '../../src/districts/rules.js';
import { csv, freshDatabase, HEADERS } from '../imports/support.js';

const cellsOf = (cells: Partial<Record<DistrictField, string>>) => (f: DistrictField) => cells[f] ?? '';

describe('one set of district rules for the pages and the CSV import', () => {
  it('reads a district: full-width code folded, kana as hiragana, fiscal years in any writing', () => {
    const read = readDistrict(cellsOf({ code: 'Ｋ０１', name: '田野浦校区', kana: 'ﾀﾉｳﾗ', ward: '門司区', active_from: 'R6', active_to: '令和8年度' }));
    expect(read.errors).toEqual({});
    expect(read.data).toEqual({ code: 'K01', name: '田野浦校区', kana: 'たのうら', wardName: '門司区', activeFrom: 2024, activeTo: 2026 });
  });

  it('gives a message per wrong field and no data', () => {
    const read = readDistrict(cellsOf({ code: 'new', name: '', kana: 'x'.repeat(101), ward: '東区', active_from: '2025', active_to: '2024' }));
    expect(read.data).toBeNull();
    expect(read.wardName).toBe('東区');
    expect(Object.keys(read.errors).sort()).toEqual(['active_to', 'code', 'kana', 'name']);
    expect(read.errors.code).toContain('「new」は校(地)区コードには使えません');
    expect(read.errors.active_to).toBe('活動の終了年度は開始年度と同じか、それより後にしてください。');
  });

  it('folds katakana (full and half width) to hiragana and leaves other text alone', () => {
    expect(normaliseKana('エダミツ')).toBe('えだみつ');
    expect(normaliseKana('ｴﾀﾞﾐﾂ')).toBe('えだみつ');
    expect(normaliseKana('ヴ')).toBe('ゔ');
    expect(normaliseKana('たのうら')).toBe('たのうら');
  });

  it('the districts import goes through the same rules (katakana kana stored as hiragana, code new refused)', async () => {
    const database = await freshDatabase();
    try {
      const ok = importCsv(database.db, 'districts', csv([HEADERS.districts, 'K01,田野浦校区,タノウラ,門司区,,']));
      expect(ok.ok).toBe(true);
      expect(database.db.select().from(districts).where(eq(districts.code, 'K01')).get()?.kana).toBe('たのうら');
      const refused = importCsv(database.db, 'districts', csv([HEADERS.districts, 'new,新校区,しん,門司区,,']));
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.errors.map((e) => e.column)).toEqual(['code']);
    } finally {
      database.sqlite.close();
    }
  });
});
