/** The demo city stores its figures of record when it is created (issue 9). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { ensureDemoCity } from '../../src/demo/demoCity.js';
import { storedYears } from '../../src/figures/recompute.js';
import { TEST_SCRYPT } from '../support/app.js';
import { expectedFigures, storedFigures } from './support.js';

const NOW = new Date('2026-11-23T12:00:00+09:00');
let database: Database$;
beforeEach(async () => {
  database = await openDatabase(':memory:');
});
afterEach(() => database.sqlite.close());

describe('demo city', () => {
  it('has every year of its records stored, equal to a full recompute', async () => {
    await ensureDemoCity(database.db, { passwordParams: TEST_SCRYPT, now: NOW });
    const years = storedYears(database.db);
    expect(years[0]).toBeLessThanOrEqual(2024);
    expect(years).toContain(2026);
    expect(storedFigures(database, years)).toEqual(expectedFigures(database, years));
    expect(storedFigures(database, years).size).toBeGreaterThan(100 * years.length);
  });
});
