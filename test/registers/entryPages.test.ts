import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { createPlan } from '../../src/plans/repository.js';
import { createSalon } from '../../src/salons/repository.js';
import { allPlans, allSalons, fieldError, inputValue } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

// The register entry routes (src/registers/entryPages.ts) are one set for every register: a refusal that
// belongs beside a field is shown there on every write, deletes included, with the stored entry in the form.
describe('deleting a register entry of a closed fiscal year', () => {
  it('shows the plan form again with the message beside the year, and keeps the plan', async () => {
    const plan = createPlan(ctx.database.db, ids.d1, { generation: 1, formulatedFy: 2019, firstFy: 2020, lastFy: 2024 }, null);
    closeFiscalYear(ctx.database.db, 2020, 1);
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(`/districts/E01/plans/${plan.id}/delete`, { confirmed: '1', version: '1' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(`action="/districts/E01/plans/${plan.id}/edit"`);
    expect(fieldError(res.body, 'first_fy')).toContain('令和2年度');
    expect(inputValue(res.body, 'first_fy')).toBe('令和2年度');
    expect(allPlans(ctx.database)).toHaveLength(1);
  });

  it('shows the salon form again with the message beside the opening date, and keeps the salon', async () => {
    const salon = createSalon(ctx.database.db, ids.d1, { name: 'ひだまり', venue: '', openedOn: '2020-06-01', closedOn: null, subsidyApplied: false }, null);
    closeFiscalYear(ctx.database.db, 2020, 1);
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(`/districts/E01/salons/${salon.id}/delete`, { confirmed: '1', version: '1' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(`action="/districts/E01/salons/${salon.id}/edit"`);
    expect(fieldError(res.body, 'opened_on')).toContain('令和2年度');
    expect(inputValue(res.body, 'name')).toBe('ひだまり');
    expect(allSalons(ctx.database)).toHaveLength(1);
  });
});
