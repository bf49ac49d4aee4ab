/**
 * The seven agenda items (議題の項目①〜⑦) and the household-category rows,
 * titled exactly as printed on the city's agenda sheets (seeds 000 and 003):
 * views of the catalogue (src/domain/catalogue.ts), where they are written.
 */
import { CATALOGUE, householdRows, type HouseholdRowDefinition, type HouseholdRowKey, type ItemDefinition, type ItemNumber } from './catalogue.js';

export type { HouseholdRowKey, ItemDefinition, ItemNumber } from './catalogue.js';

export const ITEMS: readonly ItemDefinition[] = CATALOGUE.items;

/** The catalogue's item numbers in order (1–7). */
export const ITEM_NUMBERS: readonly ItemNumber[] = Object.freeze(ITEMS.map((d) => d.item));

/** True if `x` is the number of one of the catalogue's items (1–7). */
export function isItemNumber(x: unknown): x is ItemNumber {
  return ITEMS.some((d) => d.item === x);
}

/** True if `key` is an item's row key ('1'…'7' in the city's catalogue). */
export function isItemKey(key: string): boolean {
  return ITEMS.some((d) => String(d.item) === key);
}

/** The item definition for an item number. */
export function itemByNumber(n: ItemNumber): ItemDefinition;
export function itemByNumber(n: number): ItemDefinition | undefined;
export function itemByNumber(n: number): ItemDefinition | undefined {
  return isItemNumber(n) ? ITEMS.find((d) => d.item === n) : undefined;
}

/** Rows of the household-category table (福祉協力員数・見守り世帯数の内訳, seed 003 table 2). */
export const HOUSEHOLD_ROWS: readonly (HouseholdRowDefinition & { key: HouseholdRowKey })[] = Object.freeze(
  householdRows(CATALOGUE).map((r) => Object.freeze(r as HouseholdRowDefinition & { key: HouseholdRowKey })),
);

/** True if `x` is a household row key. */
export function isHouseholdRowKey(x: unknown): x is HouseholdRowKey {
  return HOUSEHOLD_ROWS.some((r) => r.key === x);
}
