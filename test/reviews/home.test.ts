import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { monthLabelLong } from '../../src/domain/fiscalYear.js';
import { formFields, monthsAgo, storeReport } from '../monthlyReports/helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

describe('district home with returned months', () => {
  it('lists returned months first, with the comment and a link to the form, until resubmitted', async () => {
    const m1 = monthsAgo(1);
    const m2 = monthsAgo(2);
    storeReport(ctx.database, ids.d1, m1);
    storeReport(ctx.database, ids.d1, m2);
    const ward = await signedIn(ctx.app, 'ward-east');
    await ward.get(`/districts/E01/reports/${m2}`);
    expect((await ward.post(`/districts/E01/reports/${m2}/review`, { decision: 'return', comment: '会議の回数を確認してください' })).statusCode).toBe(303);

    const district = await signedIn(ctx.app, 'district-e01');
    const home = await district.get('/');
    expect(home.statusCode).toBe(200);
    const returnedAt = home.body.indexOf('区社協から差し戻された月');
    expect(returnedAt).toBeGreaterThan(-1);
    expect(returnedAt).toBeLessThan(home.body.indexOf('まだ報告していない月'));
    expect(home.body).toContain('会議の回数を確認してください');
    expect(home.body).toContain(`href="/districts/E01/reports/${m2}">${monthLabelLong(m2)}の報告を直す`);
    expect(home.body).not.toContain(`${monthLabelLong(m1)}の報告を直す`);

    // Saving the month resubmits it: the home page no longer lists it.
    await district.get(`/districts/E01/reports/${m2}`);
    expect((await district.post(`/districts/E01/reports/${m2}`, formFields({ watched_elderly: '999', coordination_meetings: '2' }, '1'))).statusCode).toBe(303);
    expect((await district.get('/')).body).not.toContain('区社協から差し戻された月');
  });
});
