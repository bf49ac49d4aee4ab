import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/domain/catalogue.js';
import { ITEM_NUMBERS, ITEMS } from '../../src/domain/items.js';
import { readItem } from '../../src/domain/cells.js';
import { unitOf } from '../../src/trends/rowCharts.js';

/*
 * The seven items and the eight monthly counts are written once, in src/domain/catalogue.ts
 * (issue 13). The schema declares their columns, migrations and the demo city's data tables use
 * them, and tests may name them; any other file of src/ that lists them by hand is a second copy
 * that adding an item or a field would miss.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const ALLOWED = new Set(['domain/catalogue.ts', 'db/schema.ts']);
const isAllowed = (path: string) => ALLOWED.has(path) || path.startsWith('demo/');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Hand-written lists of the items or the fields: each pattern is one way they were written before. */
const HAND_LISTS: [string, RegExp][] = [
  ['the item numbers as a union', /\b1 \| 2 \| 3 \| 4 \| 5 \| 6 \| 7\b/],
  ['the item numbers as an array', /\[1, 2, 3, 4, 5, 6, 7\]/],
  ['the item numbers as a pattern', /\[1-7\]/],
  ['the circled numbers of the items', /'①',\s*'②'/],
  ['a text per item keyed by number', /Record<ItemNumber, string> = \{/],
  ['the count fields by name', /['"]watched_elderly['"],\s*['"]watched_disability['"]/],
  ['the stored figures by key', /['"]watchedElderly['"],\s*['"]watchedDisability['"]/],
];

describe('one catalogue of what is counted', () => {
  const files = sourceFiles(SRC).map((file) => ({ path: relative(SRC, file).split(sep).join('/'), text: readFileSync(file, 'utf8') }));

  it('no file of src/ outside the catalogue lists the items or the fields by hand', () => {
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap(({ path, text }) => (isAllowed(path) ? [] : HAND_LISTS.filter(([, re]) => re.test(text)).map(([what]) => `${path}: ${what}`)));
    expect(found).toEqual([]);
    // The catalogue writes each item once, as data: its item numbers are derived, not a union beside it.
    const catalogue = files.find((f) => f.path === 'domain/catalogue.ts')!.text;
    expect(HAND_LISTS.filter(([, re]) => re.test(catalogue)).map(([what]) => what)).toEqual([]);
  });

  it('the patterns find what they look for (the scan itself works)', () => {
    const sample = "export type ItemNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7;\nconst CIRCLED = ['①', '②', '③'];\nconst F = ['watchedElderly', 'watchedDisability'];";
    expect(HAND_LISTS.filter(([, re]) => re.test(sample)).map(([what]) => what)).toEqual([
      'the item numbers as a union',
      'the circled numbers of the items',
      'the stored figures by key',
    ]);
  });

  it('the item numbers, the cells that name an item and the chart units come from the catalogue', () => {
    expect([...ITEM_NUMBERS]).toEqual(CATALOGUE.items.map((i) => i.item));
    for (const item of ITEMS) {
      expect(readItem(String(item.item))).toEqual({ ok: true, value: String(item.item) });
      expect(readItem(item.circled)).toEqual({ ok: true, value: String(item.item) });
      expect(unitOf(String(item.item))).toBe(item.unit);
    }
    expect(readItem('8')).toEqual({ ok: false, message: '項目は 1〜7 の番号で入力してください。' });
    for (const f of CATALOGUE.fields.filter((f) => f.household)) expect(unitOf(f.name)).toBe(f.unit);
    expect(unitOf('welfare_cooperators')).toBe('人');
    expect(unitOf('watched_total')).toBe('世帯');
  });

  it('each item says how it is counted (the year view’s words), ③ with the city’s setting', () => {
    expect(ITEMS.map((i) => i.howCounted(6))).toEqual([
      '報告のある最後の月の見守り世帯数の合計',
      '各月の助け合い件数の合計',
      '連絡調整会議を開いた月が6か月以上あれば該当',
      'この年度に小地域福祉活動計画を策定していれば該当',
      '各月の参加者数の合計',
      '年度末（3月31日）に開いているサロンの数',
      '小地域福祉活動計画の推進期間中であれば該当',
    ]);
    expect(ITEMS[2]!.howCounted(4)).toBe('連絡調整会議を開いた月が4か月以上あれば該当');
  });
});
