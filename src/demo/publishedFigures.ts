// Citywide figures as printed in the city's old agenda sheets (shared/seeds 000 and 003).
import type { HouseholdRowKey, ItemNumber } from '../domain/items.js';

export interface SeedFigure {
  /** '1'…'7' or a household row key, as stored in published_figures.item. */
  item: `${ItemNumber}` | HouseholdRowKey;
  fiscalYear: number;
  /** null = not available, with `note` printed in the cell. */
  value: number | null;
  note: string | null;
}

export const COVID_NOTE = 'コロナ禍で正確な統計不可';

// Seed 003 table 1 gives H30 (FY2018); seed 000 gives R1–R5 (FY2019–2023).
const ITEM_SERIES: Record<`${ItemNumber}`, (number | null)[]> = {
  //     H30      R1      R2      R3      R4      R5
  '1': [119846, 125407, 136262, 135812, 132844, 133382],
  '2': [687765, 721850, 603869, 614417, 655875, 701956],
  '3': [125, 130, null, 127, 131, 126],
  '4': [9, 5, 3, 13, 63, 28],
  '5': [1223, 1393, 689, 788, 1192, 1766],
  '6': [403, 417, 431, 599, 548, 630],
  '7': [44, 49, 51, 59, 95, 123],
};
const ITEM_FIRST_FY = 2018;

// Seed 003 table 2 (福祉協力員数の推移), H29–R3 (FY2017–2021).
const HOUSEHOLD_SERIES: Record<HouseholdRowKey, number[]> = {
  //                       H29     H30     R1      R2      R3
  welfare_cooperators: [6921, 6854, 6830, 6750, 6652],
  watched_elderly: [117624, 114053, 112149, 128280, 127721],
  watched_disability: [3764, 4030, 3311, 3563, 3465],
  watched_single_parent: [2526, 2387, 2211, 2312, 2279],
  watched_other: [2350, 1890, 2175, 2107, 2347],
  watched_total: [126264, 122360, 119846, 136262, 135812],
};
const HOUSEHOLD_FIRST_FY = 2017;

/** Every citywide published figure the demo city starts with. */
export const SEED_FIGURES: readonly SeedFigure[] = [
  ...Object.entries(ITEM_SERIES).flatMap(([item, values]) =>
    values.map((value, i) => ({
      item: item as `${ItemNumber}`,
      fiscalYear: ITEM_FIRST_FY + i,
      value,
      note: value === null ? COVID_NOTE : null,
    })),
  ),
  ...Object.entries(HOUSEHOLD_SERIES).flatMap(([item, values]) =>
    values.map((value, i) => ({ item: item as HouseholdRowKey, fiscalYear: HOUSEHOLD_FIRST_FY + i, value, note: null })),
  ),
];

/** A published item figure by item and FY (for calibrating generated registers to it). */
export function seedItemValue(item: `${ItemNumber}`, fiscalYear: number): number | null {
  return ITEM_SERIES[item][fiscalYear - ITEM_FIRST_FY] ?? null;
}
