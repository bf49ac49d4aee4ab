/**
 * The seven agenda items (議題の項目①〜⑦) and the household-category rows,
 * titled exactly as printed on the city's agenda sheets (seeds 000 and 003).
 */

export const ITEM_NUMBERS = [1, 2, 3, 4, 5, 6, 7] as const;
export type ItemNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One agenda item (項目). */
export interface ItemDefinition {
  item: ItemNumber;
  circled: string;
  title: string;
  unit: string;
}

export const ITEMS: readonly ItemDefinition[] = Object.freeze([
  { item: 1, circled: '①', title: 'ふれあいネットワーク活動の見守り世帯数', unit: '世帯' },
  { item: 2, circled: '②', title: 'ふれあいネットワーク活動の助け合い件数', unit: '件' },
  { item: 3, circled: '③', title: '連絡調整会議を定例的に開催する校(地)区数', unit: '校(地)区' },
  { item: 4, circled: '④', title: '小地域福祉活動計画策定校(地)区数', unit: '校(地)区' },
  { item: 5, circled: '⑤', title: 'ウェルクラブ活動等の参加者数', unit: '人' },
  { item: 6, circled: '⑥', title: 'サロン開設数', unit: 'か所' },
  { item: 7, circled: '⑦', title: '小地域福祉活動計画推進校(地)区数', unit: '校(地)区' },
].map((d) => Object.freeze(d as ItemDefinition)));

/** True if `x` is one of the item numbers 1–7. */
export function isItemNumber(x: unknown): x is ItemNumber {
  return typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 7;
}

/** The item definition for an item number. */
export function itemByNumber(n: ItemNumber): ItemDefinition;
export function itemByNumber(n: number): ItemDefinition | undefined;
export function itemByNumber(n: number): ItemDefinition | undefined {
  return isItemNumber(n) ? ITEMS[n - 1] : undefined;
}

/** Rows of the household-category table (福祉協力員数・見守り世帯数の内訳, seed 003 table 2). */
export type HouseholdRowKey =
  | 'welfare_cooperators'
  | 'watched_elderly'
  | 'watched_disability'
  | 'watched_single_parent'
  | 'watched_other'
  | 'watched_total';

export const HOUSEHOLD_ROWS: readonly { key: HouseholdRowKey; title: string }[] = Object.freeze([
  { key: 'welfare_cooperators', title: '福祉協力員(人)' },
  { key: 'watched_elderly', title: '高齢者世帯' },
  { key: 'watched_disability', title: '障害のある人のある世帯' },
  { key: 'watched_single_parent', title: 'ひとり親で子育て中の世帯' },
  { key: 'watched_other', title: 'その他の世帯' },
  { key: 'watched_total', title: '計' },
].map((r) => Object.freeze(r as { key: HouseholdRowKey; title: string })));

/** True if `x` is a household row key. */
export function isHouseholdRowKey(x: unknown): x is HouseholdRowKey {
  return HOUSEHOLD_ROWS.some((r) => r.key === x);
}
