import { describe, expect, it } from 'vitest';
import { HOUSEHOLD_ROWS, ITEMS, ITEM_NUMBERS, isHouseholdRowKey, isItemNumber, itemByNumber } from '../../src/domain/items.js';

describe('agenda items', () => {
  it('has the seven items titled as printed on seed 000', () => {
    expect(ITEMS.map((i) => `${i.circled}${i.title}`)).toEqual([
      '①ふれあいネットワーク活動の見守り世帯数',
      '②ふれあいネットワーク活動の助け合い件数',
      '③連絡調整会議を定例的に開催する校(地)区数',
      '④小地域福祉活動計画策定校(地)区数',
      '⑤ウェルクラブ活動等の参加者数',
      '⑥サロン開設数',
      '⑦小地域福祉活動計画推進校(地)区数',
    ]);
    expect(ITEMS.map((i) => i.item)).toEqual([...ITEM_NUMBERS]);
    expect([...ITEM_NUMBERS]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ITEMS.map((i) => i.unit)).toEqual(['世帯', '件', '校(地)区', '校(地)区', '人', 'か所', '校(地)区']);
  });
  it('looks items up by number', () => {
    expect(itemByNumber(6).title).toBe('サロン開設数');
    expect(itemByNumber(1).circled).toBe('①');
    expect(itemByNumber(0)).toBeUndefined();
    expect(itemByNumber(8)).toBeUndefined();
    expect(itemByNumber(2.5)).toBeUndefined();
  });
  it('recognises item numbers', () => {
    for (const n of ITEM_NUMBERS) expect(isItemNumber(n)).toBe(true);
    for (const x of [0, 8, -1, 1.5, '1', null, undefined, NaN]) expect(isItemNumber(x)).toBe(false);
  });
  it('cannot be modified by accident', () => {
    expect(Object.isFrozen(ITEMS)).toBe(true);
    expect(Object.isFrozen(ITEMS[0])).toBe(true);
  });
});

describe('household rows', () => {
  it('match seed 003 table 2', () => {
    expect(HOUSEHOLD_ROWS.map((r) => [r.key, r.title])).toEqual([
      ['welfare_cooperators', '福祉協力員(人)'],
      ['watched_elderly', '高齢者世帯'],
      ['watched_disability', '障害のある人のある世帯'],
      ['watched_single_parent', 'ひとり親で子育て中の世帯'],
      ['watched_other', 'その他の世帯'],
      ['watched_total', '計'],
    ]);
    expect(isHouseholdRowKey('watched_total')).toBe(true);
    expect(isHouseholdRowKey('total')).toBe(false);
  });
});
