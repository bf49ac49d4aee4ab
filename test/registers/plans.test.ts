import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { createPlan } from '../../src/plans/repository.js';
import { allPlans, fieldError, inputValue, registerAudit } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const planInput = { generation: 1, formulatedFy: 2019, firstFy: 2020, lastFy: 2024 };

describe('plan register', () => {
  it('adds a plan with fiscal years typed in wareki, full-width and Gregorian', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const form = await client.get('/districts/E01/plans/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<option value="2">第二次</option>');
    const res = await client.post('/districts/E01/plans/new', {
      generation: '2',
      formulated_fy: '令和６年度',
      first_fy: 'Ｒ７',
      last_fy: '2029',
      version: '0',
    });
    expect(res.statusCode).toBe(303);
    expect(allPlans(ctx.database)).toMatchObject([{ districtId: ids.d1, generation: 2, formulatedFy: 2024, firstFy: 2025, lastFy: 2029, version: 1 }]);
    const events = registerAudit(ctx.database, 'plan');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'create', districtId: ids.d1, before: null });
    const list = await client.get('/districts/E01/plans');
    expect(list.body).toContain('第二次計画を登録しました。');
    expect(list.body).toContain('令和7年度 〜 令和11年度');
  });

  it('edits a plan (one audit event with before and after) and deletes it', async () => {
    const plan = createPlan(ctx.database.db, ids.d1, planInput, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const edit = await client.get(`/districts/E01/plans/${plan.id}/edit`);
    expect(inputValue(edit.body, 'formulated_fy')).toBe('令和元年度');
    expect(edit.body).toContain('<option value="1" selected>第一次</option>');
    const res = await client.post(`/districts/E01/plans/${plan.id}/edit`, {
      generation: '1',
      formulated_fy: 'H30',
      first_fy: 'R1',
      last_fy: 'R5',
      version: '1',
    });
    expect(res.statusCode).toBe(303);
    expect(allPlans(ctx.database)[0]).toMatchObject({ formulatedFy: 2018, firstFy: 2019, lastFy: 2023, version: 2 });
    let events = registerAudit(ctx.database, 'plan');
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1]!.before!)).toMatchObject({ formulatedFy: 2019, lastFy: 2024, version: 1 });
    expect(JSON.parse(events[1]!.after!)).toMatchObject({ formulatedFy: 2018, lastFy: 2023, version: 2 });

    const del = await client.post(`/districts/E01/plans/${plan.id}/delete`, { confirmed: '1', version: '2' });
    expect(del.statusCode).toBe(303);
    expect(allPlans(ctx.database)).toEqual([]);
    events = registerAudit(ctx.database, 'plan');
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({ action: 'delete', after: null, districtId: ids.d1 });
  });

  it('offers the next generation on a new plan', async () => {
    createPlan(ctx.database.db, ids.d1, planInput, null);
    const client = await signedIn(ctx.app, 'district-e01');
    expect((await client.get('/districts/E01/plans/new')).body).toContain('<option value="2" selected>第二次</option>');
  });

  it('keeps a stored generation beyond the usual choices selectable', async () => {
    const plan = createPlan(ctx.database.db, ids.d1, { ...planInput, generation: 7 }, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const edit = await client.get(`/districts/E01/plans/${plan.id}/edit`);
    expect(edit.body).toContain('<option value="7" selected>第七次</option>');
  });

  it('refuses bad years with 422, keeps what was typed, writes nothing', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const typed = { generation: '9', formulated_fy: 'R12', first_fy: '令和8年度', last_fy: 'R7', version: '0' };
    const res = await client.post('/districts/E01/plans/new', typed);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('error-summary');
    for (const f of ['formulated_fy', 'first_fy', 'last_fy'] as const) expect(inputValue(res.body, f)).toBe(typed[f]);
    expect(fieldError(res.body, 'last_fy')).toContain('最初の年度と同じか');
    expect(fieldError(res.body, 'formulated_fy')).toContain('最後の年度と同じか');
    const garbled = await client.post('/districts/E01/plans/new', { generation: '', formulated_fy: 'きょねん', first_fy: '', last_fy: '20244', version: '0' });
    expect(garbled.statusCode).toBe(422);
    expect(fieldError(garbled.body, 'generation')).toBe('計画の次数を選んでください。');
    expect(fieldError(garbled.body, 'formulated_fy')).toContain('のように入力してください');
    expect(fieldError(garbled.body, 'first_fy')).toContain('を入力してください');
    expect(inputValue(garbled.body, 'last_fy')).toBe('20244');
    expect(allPlans(ctx.database)).toEqual([]);
    expect(registerAudit(ctx.database, 'plan')).toEqual([]);
  });

  it('refuses a stale edit with 409 showing both versions, leaving the row untouched', async () => {
    const plan = createPlan(ctx.database.db, ids.d1, planInput, null);
    const a = await signedIn(ctx.app, 'district-e01');
    const b = await signedIn(ctx.app, 'city');
    expect(
      (await a.post(`/districts/E01/plans/${plan.id}/edit`, { generation: '1', formulated_fy: 'R1', first_fy: 'R2', last_fy: 'R7', version: '1' })).statusCode,
    ).toBe(303);
    const stale = await b.post(`/districts/E01/plans/${plan.id}/edit`, { generation: '3', formulated_fy: 'R1', first_fy: 'R2', last_fy: 'R8', version: '1' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('令和7年度（2025年度）');
    expect(stale.body).toContain('令和8年度（2026年度）');
    expect(inputValue(stale.body, 'last_fy')).toBe('R8');
    expect(allPlans(ctx.database)[0]).toMatchObject({ generation: 1, lastFy: 2025, version: 2 });
    expect(registerAudit(ctx.database, 'plan')).toHaveLength(2);
    const staleDelete = await b.post(`/districts/E01/plans/${plan.id}/delete`, { confirmed: '1', version: '1' });
    expect(staleDelete.statusCode).toBe(409);
    expect(allPlans(ctx.database)).toHaveLength(1);
  });
});
