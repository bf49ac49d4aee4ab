import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { fiscalYearOfMonth, warekiLong } from '../../src/domain/fiscalYear.js';
import { monthsAgo, storeReport } from '../monthlyReports/helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const m1 = monthsAgo(1);
const fy = fiscalYearOfMonth(m1);
const line = () => /<li data-fy="(\d+)">([^<]+)<\/li>/g;
function lineFor(html: string, year: number): string | undefined {
  return [...html.matchAll(line())].find((m) => Number(m[1]) === year)?.[2];
}

describe('trend table: how many monthly reports are accepted', () => {
  it('counts accepted / reported months for the scope, and follows a new decision (cache by data version)', async () => {
    storeReport(ctx.database, ids.d1, m1);
    storeReport(ctx.database, ids.d2, m1);
    storeReport(ctx.database, ids.d3, m1);
    const city = await signedIn(ctx.app, 'city');
    const url = `/trends?from=${fy - 1}&to=${fy}`;
    expect(lineFor((await city.get(url)).body, fy)).toBe(`${warekiLong(fy)}：確認済み 0 / 3 か月（区の確認が済んだ月次報告の数）`);

    const ward = await signedIn(ctx.app, 'ward-east');
    await ward.get(`/districts/E01/reports/${m1}`);
    expect((await ward.post(`/districts/E01/reports/${m1}/review`, { decision: 'accept' })).statusCode).toBe(303);
    expect(lineFor((await city.get(url)).body, fy)).toBe(`${warekiLong(fy)}：確認済み 1 / 3 か月（区の確認が済んだ月次報告の数）`);
    expect(lineFor((await city.get(url)).body, fy - 1)).toBe(`${warekiLong(fy - 1)}：確認済み 0 / 0 か月（区の確認が済んだ月次報告の数）`);
    // The ward's scope: only its two districts.
    expect(lineFor((await ward.get(`${url}&scope=${encodeURIComponent('ward:東区')}`)).body, fy)).toContain('確認済み 1 / 2 か月');
    // A resubmission (new version) no longer counts as accepted.
    const district = await signedIn(ctx.app, 'district-e01');
    await district.get(`/districts/E01/reports/${m1}`);
    await district.post(`/districts/E01/reports/${m1}`, {
      version: '1',
      watched_elderly: '1001',
      watched_disability: '50',
      watched_single_parent: '40',
      watched_other: '30',
      welfare_cooperators: '120',
      mutual_aid_cases: '200',
      coordination_meetings: '1',
      well_club_participants: '300',
      note: '',
    });
    expect(lineFor((await city.get(url)).body, fy)).toContain('確認済み 0 / 3 か月');
  });
});
