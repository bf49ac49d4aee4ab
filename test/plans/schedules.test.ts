import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { auditEvents, closedFiscalYears, planSchedules } from '../../src/db/schema.js';
import { createPlanSchedule } from '../../src/plans/schedules.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const allSchedules = () => ctx.database.db.select().from(planSchedules).orderBy(asc(planSchedules.id)).all();
const scheduleAudit = () => ctx.database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'plan_schedule')).orderBy(asc(auditEvents.id)).all();
const fieldError = (html: string, name: string) => new RegExp(`id="${name}-error">([^<]*)<`).exec(html)?.[1];
const inputValue = (html: string, name: string) => new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];
const closeYear = (fy: number) => ctx.database.db.insert(closedFiscalYears).values({ fiscalYear: fy, closedBy: 1, closedAt: '2026-05-01T00:00:00.000Z' }).run();

describe('策定予定 (scheduled plans) in the plans register', () => {
  it('a district user registers one with the year in full-width wareki; it is audited and listed in its own table', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const form = await client.get('/districts/E01/plans/schedules/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('策定予定の登録');
    const res = await client.post('/districts/E01/plans/schedules/new', { scheduled_fy: '令和７年度', note: ' 第二次計画 ', version: '0' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/districts/E01/plans');
    expect(allSchedules()).toMatchObject([{ districtId: ids.d1, scheduledFy: 2025, note: '第二次計画', version: 1 }]);
    const events = scheduleAudit();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'create', districtId: ids.d1, before: null });
    const list = await client.get('/districts/E01/plans');
    expect(list.body).toContain('令和7年度の策定予定を登録しました。');
    const table = /<section class="panel" id="schedules">([\s\S]*?)<\/section>/.exec(list.body)?.[1] ?? '';
    expect(table).toContain('令和7年度');
    expect(table).toContain('第二次計画');
    expect(table).toContain('<td class="center">予定</td>');
    expect(table).toContain(`/districts/E01/plans/schedules/${allSchedules()[0]!.id}/edit`);
  });

  it('shows a schedule whose plan was formulated in that year as done', async () => {
    createPlanSchedule(ctx.database.db, ids.d1, { scheduledFy: 2024, note: '' }, null);
    const client = await signedIn(ctx.app, 'district-e01');
    await client.post('/districts/E01/plans/new', { generation: '1', formulated_fy: 'R6', first_fy: 'R7', last_fy: 'R11', version: '0' });
    const list = await client.get('/districts/E01/plans');
    const table = /<section class="panel" id="schedules">([\s\S]*?)<\/section>/.exec(list.body)?.[1] ?? '';
    expect(table).toContain('この年度に策定済み');
  });

  it('edits (one audit event with before and after) and deletes only through the confirmation page', async () => {
    const row = createPlanSchedule(ctx.database.db, ids.d1, { scheduledFy: 2025, note: '' }, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const edit = await client.get(`/districts/E01/plans/schedules/${row.id}/edit`);
    expect(inputValue(edit.body, 'scheduled_fy')).toBe('令和7年度');
    const res = await client.post(`/districts/E01/plans/schedules/${row.id}/edit`, { scheduled_fy: 'R8', note: '延期', version: '1' });
    expect(res.statusCode).toBe(303);
    expect(allSchedules()[0]).toMatchObject({ scheduledFy: 2026, note: '延期', version: 2 });
    let events = scheduleAudit();
    expect(events.map((e) => e.action)).toEqual(['create', 'update']);
    expect(JSON.parse(events[1]!.before!)).toMatchObject({ scheduledFy: 2025, version: 1 });
    expect(JSON.parse(events[1]!.after!)).toMatchObject({ scheduledFy: 2026, version: 2 });

    // Without confirmed=1 the POST only shows the confirmation page.
    const ask = await client.post(`/districts/E01/plans/schedules/${row.id}/delete`, { version: '2' });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('令和8年度の策定予定を削除しますか');
    expect(allSchedules()).toHaveLength(1);
    const del = await client.post(`/districts/E01/plans/schedules/${row.id}/delete`, { confirmed: '1', version: '2' });
    expect(del.statusCode).toBe(303);
    expect(allSchedules()).toEqual([]);
    events = scheduleAudit();
    expect(events[2]).toMatchObject({ action: 'delete', after: null, districtId: ids.d1 });
  });

  it('refuses a closed fiscal year with a message naming the year beside the field, keeping what was typed', async () => {
    closeYear(2024);
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post('/districts/E01/plans/schedules/new', { scheduled_fy: 'R6', note: '予定メモ', version: '0' });
    expect(res.statusCode).toBe(409);
    expect(fieldError(res.body, 'scheduled_fy')).toContain('令和6年度は年度確定済み');
    expect(inputValue(res.body, 'scheduled_fy')).toBe('R6');
    expect(inputValue(res.body, 'note')).toBe('予定メモ');
    expect(allSchedules()).toEqual([]);
    expect(scheduleAudit()).toEqual([]);
  });

  it('refuses to move a schedule out of a closed year, or to delete it', async () => {
    const row = createPlanSchedule(ctx.database.db, ids.d1, { scheduledFy: 2024, note: '' }, null);
    closeYear(2024);
    const client = await signedIn(ctx.app, 'district-e01');
    const edit = await client.post(`/districts/E01/plans/schedules/${row.id}/edit`, { scheduled_fy: 'R7', note: '', version: '1' });
    expect(edit.statusCode).toBe(409);
    expect(fieldError(edit.body, 'scheduled_fy')).toContain('令和6年度は年度確定済み');
    const del = await client.post(`/districts/E01/plans/schedules/${row.id}/delete`, { confirmed: '1', version: '1' });
    expect(del.statusCode).toBe(409);
    expect(fieldError(del.body, 'scheduled_fy')).toContain('令和6年度は年度確定済み');
    expect(allSchedules()).toMatchObject([{ scheduledFy: 2024, version: 1 }]);
    expect(scheduleAudit()).toHaveLength(1);
  });

  it('refuses a second schedule for the same year beside the field, and a blank or garbled year', async () => {
    createPlanSchedule(ctx.database.db, ids.d1, { scheduledFy: 2025, note: '' }, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const dup = await client.post('/districts/E01/plans/schedules/new', { scheduled_fy: '2025', note: '', version: '0' });
    expect(dup.statusCode).toBe(409);
    expect(fieldError(dup.body, 'scheduled_fy')).toContain('令和7年度の策定予定はすでに登録されています');
    const blank = await client.post('/districts/E01/plans/schedules/new', { scheduled_fy: '', note: '', version: '0' });
    expect(blank.statusCode).toBe(422);
    expect(fieldError(blank.body, 'scheduled_fy')).toContain('策定予定の年度を入力してください');
    const bad = await client.post('/districts/E01/plans/schedules/new', { scheduled_fy: 'らいねん', note: '', version: '0' });
    expect(bad.statusCode).toBe(422);
    expect(inputValue(bad.body, 'scheduled_fy')).toBe('らいねん');
    expect(allSchedules()).toHaveLength(1);
  });

  it('a stale version is a conflict that shows the stored and the typed values', async () => {
    const row = createPlanSchedule(ctx.database.db, ids.d1, { scheduledFy: 2025, note: '' }, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(`/districts/E01/plans/schedules/${row.id}/edit`, { scheduled_fy: 'R9', note: '', version: '0' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('令和7年度（2025年度）');
    expect(res.body).toContain('令和9年度（2027年度）');
    expect(allSchedules()[0]).toMatchObject({ scheduledFy: 2025, version: 1 });
  });

  it('follows the plans’ access: ward and city users for their districts; others get 403 and ids of other districts 404', async () => {
    const west = createPlanSchedule(ctx.database.db, ids.d3, { scheduledFy: 2025, note: '' }, null);
    const wardEast = await signedIn(ctx.app, 'ward-east');
    expect((await wardEast.post('/districts/E02/plans/schedules/new', { scheduled_fy: 'R7', note: '', version: '0' })).statusCode).toBe(303);
    expect((await wardEast.get('/districts/W01/plans/schedules/new')).statusCode).toBe(403);
    expect((await wardEast.post('/districts/W01/plans/schedules/new', { scheduled_fy: 'R8', note: '', version: '0' })).statusCode).toBe(403);
    const city = await signedIn(ctx.app, 'city');
    expect((await city.post(`/districts/W01/plans/schedules/${west.id}/edit`, { scheduled_fy: 'R8', note: '', version: '1' })).statusCode).toBe(303);
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get(`/districts/E02/plans/schedules/new`)).statusCode).toBe(403);
    // W01's schedule under E01's URL does not exist for E01.
    expect((await district.get(`/districts/E01/plans/schedules/${west.id}/edit`)).statusCode).toBe(404);
    expect((await district.post(`/districts/E01/plans/schedules/${west.id}/delete`, { confirmed: '1', version: '2' })).statusCode).toBe(404);
    expect(allSchedules().map((s) => [s.districtId, s.scheduledFy])).toEqual([
      [ids.d3, 2026],
      [ids.d2, 2025],
    ]);
  });
});
