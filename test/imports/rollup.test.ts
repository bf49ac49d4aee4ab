/**
 * Issue 2, "done when": imported district-level monthly reports, salons and
 * plans roll up to the citywide values that DESIGN §4 defines. The data is
 * small enough that every expected figure is worked out by hand below.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database$ } from '../../src/db/index.js';
import { importCsv } from '../../src/imports/importCsv.js';
import type { ImportKind } from '../../src/domain/importFormats.js';
import { loadTrendTable, resolveScope } from '../../src/trends/repository.js';
import { csv, freshDatabase, HEADERS } from './support.js';

let database: Database$;

const FILES: [ImportKind, string[]][] = [
  [
    'districts',
    [
      HEADERS.districts,
      'N01,北一校区,きたいち,北区,,',
      'N02,北二校区,きたに,北区,R1,',
      'S01,南一校区,みなみいち,南区,2019,R5', // active FY2019–2023 only
    ],
  ],
  [
    'monthly',
    [
      HEADERS.monthly,
      // N01 FY2023 (R5)
      'N01,2023-04,100,10,5,3,20,12,1,30,',
      'N01,2023-05,,,,,,8,1,,',
      'N01,2023-06,,,,,,,1,,',
      'N01,2023-07,,,,,,,2,,',
      'N01,2023-08,,,,,,,1,,',
      'N01,2023-09,,,,,,,1,,',
      'N01,2024-03,110,12,4,2,22,5,0,40,',
      // N01 FY2024 (R6): March has no household counts
      'N01,2024-04,115,12,4,2,22,10,1,25,',
      'N01,2025-03,,,,,,3,1,,',
      // N02 FY2023
      'N02,2023-10,50,5,2,1,8,4,1,10,',
      'N02,2024-02,52,5,2,1,9,6,1,,',
      // N02 FY2024: meetings in six months
      'N02,2024/6,５５,６,３,１,９,７,１,１２,',
      'N02,2024/7,,,,,,,1,,',
      'N02,2024/8,,,,,,,1,,',
      'N02,2024/9,,,,,,,1,,',
      'N02,2024/10,,,,,,,1,,',
      'N02,2024/11,,,,,,,1,,',
      // S01 FY2023 only (inactive from FY2024)
      'S01,2024-03,"1,200",80,20,10,150,"2,500",1,300,',
    ],
  ],
  [
    'salons',
    [
      HEADERS.salons,
      'N01,ひまわりサロン,北一市民センター,2020/4/1,,はい',
      'N01,あさがおサロン,公民館,2023-05-10,2024-03-31,いいえ',
      'N01,こすもすサロン,集会所,2024/3/31,,1',
      'N02,さくらサロン,,2019-06-01,2025-01-15,0',
      'S01,みなみサロン,南会館,2018/10/1,,',
      'S01,うみサロン,,2024-04-01,,',
    ],
  ],
  [
    'plans',
    [
      HEADERS.plans,
      'N01,1,H30,2019,2023', // formulated FY2018, covers 2019–2023
      'N01,第二次,R5,R6,R10', // formulated FY2023, covers 2024–2028
      'N02,第1次,2024,2024,2026',
      'S01,1,2019,R1,R3', // covers 2019–2021
    ],
  ],
];

/*
 * Hand arithmetic (regularMeetingMonths = 6, the default).
 *
 * FY2023 (2023-04 … 2024-03)
 *   N01 ① latest month with households 2024-03: 110+12+4+2 = 128
 *       ② 12+8+5 = 25   ③ meeting months Apr–Sep = 6 → 1   ⑤ 30+40 = 70   welfare cooperators 22
 *   N02 ① 2024-02: 52+5+2+1 = 60   ② 4+6 = 10   ③ 2 months → 0   ⑤ 10   cooperators 9
 *   S01 ① 1200+80+20+10 = 1310   ② 2500   ③ 1 month → 0   ⑤ 300   cooperators 150
 *   ④ formulated in FY2023: N01 (第二次) → 1        ⑦ covering 2023: N01 第1次 (2019–2023) → 1
 *   ⑥ open on 2024-03-31: ひまわり, こすもす (opened that day) [not あさがお, closed that day],
 *      さくら, みなみ [not うみ, opened 2024-04-01] → N01 2 + N02 1 + S01 1 = 4
 *   city: ① 128+60+1310 = 1498  ② 25+10+2500 = 2535  ③ 1  ④ 1  ⑤ 70+10+300 = 380  ⑥ 4  ⑦ 1
 *   北区: ① 188  ② 35  ③ 1  ④ 1  ⑤ 80  ⑥ 3  ⑦ 1        南区: ① 1310  ② 2500  ③ 0  ④ 0  ⑤ 300  ⑥ 1  ⑦ 0
 *   households (city): cooperators 22+9+150 = 181, elderly 110+52+1200 = 1362, disability 12+5+80 = 97,
 *                      single parent 4+2+20 = 26, other 2+1+10 = 13, total 1498
 *
 * FY2024 (2024-04 … 2025-03), S01 inactive: contributes nothing
 *   N01 ① 2025-03 has no households, so 2024-04: 115+12+4+2 = 133   ② 10+3 = 13   ③ 2 months → 0   ⑤ 25
 *   N02 ① 55+6+3+1 = 65   ② 7   ③ Jun–Nov = 6 months → 1   ⑤ 12
 *   ④ formulated in 2024: N02 → 1     ⑦ covering 2024: N01 第二次, N02 第1次 → 2
 *   ⑥ open on 2025-03-31: ひまわり, こすもす [さくら closed 2025-01-15] → 2
 *   city = 北区: ① 198  ② 20  ③ 1  ④ 1  ⑤ 37  ⑥ 2  ⑦ 2
 *   南区: ①②③⑤ nothing reported (blank), ④⑥⑦ 0
 *   households (city): cooperators 22+9 = 31, elderly 115+55 = 170, disability 12+6 = 18,
 *                      single parent 4+3 = 7, other 2+1 = 3, total 198
 */

beforeEach(async () => {
  database = await freshDatabase();
  for (const [kind, lines] of FILES) {
    const result = importCsv(database.db, kind, csv(lines), {});
    if (!result.ok) throw new Error(`${kind}: ${JSON.stringify(result.errors)}`);
  }
});
afterEach(() => database.sqlite.close());

function items(scopeKey: string) {
  const scope = resolveScope(database.db, scopeKey);
  if (!scope) throw new Error(`no scope ${scopeKey}`);
  const table = loadTrendTable(database.db, scope, { kind: 'items', fromFy: 2023, toFy: 2024, basis: 'yoy' });
  return table.rows.map((r) => [r.item, ...r.values.map((v) => v.value)]);
}

describe('imported data rolls up as DESIGN §4 defines', () => {
  it('gives the hand-computed citywide values of ①–⑦', () => {
    expect(items('city')).toEqual([
      [1, 1498, 198],
      [2, 2535, 20],
      [3, 1, 1],
      [4, 1, 1],
      [5, 380, 37],
      [6, 4, 2],
      [7, 1, 2],
    ]);
  });

  it('gives each ward its share', () => {
    expect(items('ward:北区')).toEqual([
      [1, 188, 198],
      [2, 35, 20],
      [3, 1, 1],
      [4, 1, 1],
      [5, 80, 37],
      [6, 3, 2],
      [7, 1, 2],
    ]);
    expect(items('ward:南区')).toEqual([
      [1, 1310, null],
      [2, 2500, null],
      [3, 0, null],
      [4, 0, 0],
      [5, 300, null],
      [6, 1, 0],
      [7, 0, 0],
    ]);
  });

  it('gives one district its own values', () => {
    expect(items('district:N01')).toEqual([
      [1, 128, 133],
      [2, 25, 13],
      [3, 1, 0],
      [4, 1, 0],
      [5, 70, 25],
      [6, 2, 2],
      [7, 1, 1],
    ]);
  });

  it('gives the hand-computed household-category table with welfare cooperators', () => {
    const table = loadTrendTable(database.db, resolveScope(database.db, 'city')!, { kind: 'households', fromFy: 2023, toFy: 2024, basis: 'yoy' });
    expect(table.rows.map((r) => [r.key, ...r.values.map((v) => v.value)])).toEqual([
      ['welfare_cooperators', 181, 31],
      ['watched_elderly', 1362, 170],
      ['watched_disability', 97, 18],
      ['watched_single_parent', 26, 7],
      ['watched_other', 13, 3],
      ['watched_total', 1498, 198],
    ]);
  });

  it('counts the districts that reported in each year', () => {
    const table = loadTrendTable(database.db, resolveScope(database.db, 'city')!, { kind: 'items', fromFy: 2023, toFy: 2024, basis: 'yoy' });
    expect(table.rows.at(0)?.values.map((v) => v.districtsReported)).toEqual([3, 2]);
    expect([...table.districtsReporting.values()]).toEqual([3, 2]);
  });
});
