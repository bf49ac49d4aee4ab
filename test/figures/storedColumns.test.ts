import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { districtYearFigures } from '../../src/db/schema.js';
import { CATALOGUE, figureKeys, householdRows } from '../../src/domain/catalogue.js';
import type { DistrictYearFigures } from '../../src/domain/rollup.js';
import { FIGURE_FIELDS, storedRowOf } from '../../src/figures/recompute.js';

/*
 * The stored yearly figures (`district_year_figures`) and the catalogue cannot drift apart: the
 * table is declared in src/db/schema.ts (a declaration, changed by a migration), while the lists of
 * its figure columns (FIGURE_FIELDS, the stored row, the aggregates) are derived from the catalogue.
 */

const COLUMNS = getTableColumns(districtYearFigures);
/** The columns that say which row it is and when it was computed, not a figure. */
const ROW_KEYS = ['fiscalYear', 'districtId', 'computedAt'];
/** The columns beside the catalogue's figures. */
const BOOKKEEPING = ['wardId', 'active', 'monthsReported', 'regularMeetingMonths'];

describe('district_year_figures and the catalogue', () => {
  it('has a column for every figure of the catalogue (fields, group totals, items) under the same key', () => {
    const missing = figureKeys(CATALOGUE).filter((k) => !(k in COLUMNS));
    expect(missing).toEqual([]);
    // Each item names its stored column; each household row's key is its column.
    for (const item of CATALOGUE.items) expect(COLUMNS[item.figure as keyof typeof COLUMNS].name).toBe(item.column);
    for (const row of householdRows(CATALOGUE)) expect(COLUMNS[row.figure as keyof typeof COLUMNS].name).toBe(row.key);
  });

  it('has no figure column the catalogue does not define', () => {
    const known = new Set([...ROW_KEYS, ...BOOKKEEPING, ...figureKeys(CATALOGUE)]);
    expect(Object.keys(COLUMNS).filter((k) => !known.has(k))).toEqual([]);
  });

  it('reports changes by exactly the bookkeeping and the catalogue’s figures, in the table’s order', () => {
    expect(new Set(FIGURE_FIELDS)).toEqual(new Set([...BOOKKEEPING, ...figureKeys(CATALOGUE)]));
    expect(FIGURE_FIELDS.length).toBe(BOOKKEEPING.length + figureKeys(CATALOGUE).length);
    const tableOrder = Object.keys(COLUMNS).filter((k) => !ROW_KEYS.includes(k));
    expect([...FIGURE_FIELDS]).toEqual(tableOrder);
  });

  it('the migrated table holds exactly the declared columns', async () => {
    const database = await openDatabase(':memory:');
    try {
      const migrated = database.sqlite.prepare('SELECT name FROM pragma_table_info(?)').all('district_year_figures') as { name: string }[];
      expect(migrated.map((c) => c.name).sort()).toEqual(
        Object.values(COLUMNS)
          .map((c) => c.name)
          .sort(),
      );
    } finally {
      database.sqlite.close();
    }
  });

  it('a stored row carries every figure of the rollup into its column', () => {
    const figures: Record<string, number | boolean> = { active: true, monthsReported: 9 };
    figureKeys(CATALOGUE).forEach((k, i) => (figures[k] = 100 + i));
    const row = storedRowOf({ id: 5, wardId: 2 }, 2024, figures as DistrictYearFigures, 4, '2025-04-01T00:00:00.000Z');
    expect(Object.keys(row)).toEqual(Object.keys(COLUMNS));
    expect(row).toMatchObject({ fiscalYear: 2024, districtId: 5, wardId: 2, active: 1, monthsReported: 9, regularMeetingMonths: 4 });
    for (const k of figureKeys(CATALOGUE)) expect(row[k as keyof typeof row]).toBe(figures[k]);
    expect(row.computedAt).toBe('2025-04-01T00:00:00.000Z');
  });
});
