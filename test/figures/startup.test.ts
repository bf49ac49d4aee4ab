/**
 * After an upgrade or a bulk load the server stores the yearly figures of every
 * year that has records but none stored, before it answers a request, so that a
 * closed year is frozen from the first request on (DESIGN §7).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { districtYearFigures, monthlyReports } from '../../src/db/schema.js';
import { configSchema } from '../../src/config.js';
import { prepareForStart } from '../../src/startup.js';
import { currentFiscalYear } from '../../src/domain/fiscalYear.js';
import { expectedFigures, smallCity, storedFigures, type SmallCity } from './support.js';

let city: SmallCity;
beforeEach(async () => {
  city = await smallCity();
});
afterEach(() => city.database.sqlite.close());

describe('start-up', () => {
  it('stores the figures of years that have records but none stored, and nothing else', async () => {
    // Rows written behind the app's back (a bulk load, or a database from before the figures existed).
    const now = '2024-01-01T00:00:00.000Z';
    city.database.db
      .insert(monthlyReports)
      .values([
        { districtId: city.d1, month: '2023-05', watchedElderly: 40, mutualAidCases: 7, updatedAt: now },
        { districtId: city.d2, month: '2023-06', watchedElderly: 12, mutualAidCases: 3, updatedAt: now },
      ])
      .run();
    expect(city.database.db.select().from(districtYearFigures).all()).toEqual([]);

    const config = configSchema.parse({ NODE_ENV: 'test', DATABASE_PATH: ':memory:', MIMAMORI_DEMO: 'off' });
    await prepareForStart(config, city.database.db);

    const stored = storedFigures(city.database);
    // From the first year with records up to the current one (later writes only touch stored years).
    const years = [...new Set([...stored.values()].map((r) => r.fiscalYear as number))];
    expect(years[0]).toBe(2023);
    expect(years).toEqual(Array.from({ length: currentFiscalYear() - 2023 + 1 }, (_, i) => 2023 + i));
    expect(stored).toEqual(expectedFigures(city.database, years));
    expect(stored.get(`2023:${city.d1}`)).toMatchObject({ watchedTotal: 40, mutualAidCases: 7 });

    // A second start finds nothing missing and changes nothing.
    await prepareForStart(config, city.database.db);
    expect(storedFigures(city.database)).toEqual(stored);
  });
});
