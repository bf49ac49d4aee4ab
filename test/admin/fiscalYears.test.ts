import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { getMonthlyReport, saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { isFiscalYearClosed } from '../../src/fiscalYears/repository.js';
import { ConflictError } from '../../src/errors.js';
import { currentFiscalYear } from '../../src/domain/fiscalYear.js';
import { auditOf, textOf, values } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  saveMonthlyReport(ctx.database.db, { districtId: ids.d1, month: '2023-06', values: values({ mutual_aid_cases: 4 }), userId: null });
  saveMonthlyReport(ctx.database.db, { districtId: ids.d3, month: '2024-01', values: values({ mutual_aid_cases: 2 }), userId: null });
});
afterEach(async () => ctx.close());

function rowOf(html: string, fy: number): string {
  return new RegExp(`<tr data-fy="${fy}">[\\s\\S]*?</tr>`).exec(html)![0];
}

describe('/fiscal-years', () => {
  it('lists years with data and the current year, open, with how many reports they hold', async () => {
    const city = await signedIn(ctx.app, 'city');
    const res = await city.get('/fiscal-years');
    expect(res.statusCode).toBe(200);
    const row = textOf(rowOf(res.body, 2023));
    expect(row).toContain('令和5年度');
    expect(row).toContain('2件');
    expect(row).toContain('2校(地)区');
    expect(row).toContain('入力できます');
    expect(rowOf(res.body, 2023)).toContain('action="/fiscal-years/2023/close"');
    expect(rowOf(res.body, 2023)).toContain('data-confirm=');
    expect(res.body).toContain(`data-fy="${currentFiscalYear()}"`);
  });

  it('closes a year (audited), after which monthly saves into it are refused with 409', async () => {
    const city = await signedIn(ctx.app, 'city');
    const close = await city.post('/fiscal-years/2023/close', { confirmed: '1' });
    expect(close.statusCode).toBe(303);
    expect(close.headers.location).toBe('/fiscal-years');
    expect(isFiscalYearClosed(ctx.database.db, 2023)).toBe(true);

    const page = await city.get('/fiscal-years');
    expect(page.body).toContain('令和5年度を年度確定しました');
    const row = textOf(rowOf(page.body, 2023));
    expect(row).toContain('確定済み');
    expect(row).toContain('city（city）');
    expect(rowOf(page.body, 2023)).toContain('action="/fiscal-years/2023/reopen"');

    const closes = auditOf(ctx.database, 'fiscal_year', 'close');
    expect(closes).toHaveLength(1);
    const [closeEvent] = closes;
    if (!closeEvent) throw new Error('no close event');
    expect(closeEvent.entityId).toBe('2023');
    expect(JSON.parse(closeEvent.after!)).toMatchObject({ fiscalYear: 2023 });

    // The shared write path refuses the closed year and changes nothing.
    expect(() => saveMonthlyReport(ctx.database.db, { districtId: ids.d1, month: '2023-06', values: values({ mutual_aid_cases: 99 }), userId: null })).toThrow(
      ConflictError,
    );
    expect(getMonthlyReport(ctx.database.db, ids.d1, '2023-06')!.mutualAidCases).toBe(4);

    // And so does the monthly form.
    const form = await city.get('/districts/E01/reports/2023-06');
    const version = /name="version" value="(\d+)"/.exec(form.body)?.[1] ?? '1';
    const post = await city.post('/districts/E01/reports/2023-06', {
      ...Object.fromEntries(Object.entries(values({ mutual_aid_cases: 99 })).map(([k, v]) => [k, v === null ? '' : String(v)])),
      version,
    });
    expect(post.statusCode).toBe(409);
    expect(post.body).toContain('年度確定済み');
    expect(getMonthlyReport(ctx.database.db, ids.d1, '2023-06')!.mutualAidCases).toBe(4);
    // The other year stays open.
    expect(saveMonthlyReport(ctx.database.db, { districtId: ids.d3, month: '2024-05', values: values({ mutual_aid_cases: 1 }), userId: null }).status).toBe(
      'saved',
    );
  });

  it('refuses closing a closed year and reopening an open one with a 409 page', async () => {
    const city = await signedIn(ctx.app, 'city');
    expect((await city.post('/fiscal-years/2023/close', { confirmed: '1' })).statusCode).toBe(303);
    const again = await city.post('/fiscal-years/2023/close', { confirmed: '1' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('すでに年度確定済み');
    const openOne = await city.post('/fiscal-years/2022/reopen', { confirmed: '1' });
    expect(openOne.statusCode).toBe(409);
    expect(openOne.body).toContain('年度確定されていません');
    expect(auditOf(ctx.database, 'fiscal_year')).toHaveLength(1);
  });

  it('reopens a year (audited) so saves work again', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.post('/fiscal-years/R5/close', { confirmed: '1' });
    expect(isFiscalYearClosed(ctx.database.db, 2023)).toBe(true);
    const reopen = await city.post('/fiscal-years/2023/reopen', { confirmed: '1' });
    expect(reopen.statusCode).toBe(303);
    expect(isFiscalYearClosed(ctx.database.db, 2023)).toBe(false);
    expect((await city.get('/fiscal-years')).body).toContain('令和5年度の年度確定を取り消しました');
    const reopens = auditOf(ctx.database, 'fiscal_year', 'reopen');
    expect(reopens).toHaveLength(1);
    const [reopenEvent] = reopens;
    if (!reopenEvent) throw new Error('no reopen event');
    expect(JSON.parse(reopenEvent.before!)).toMatchObject({ fiscalYear: 2023 });
    expect(reopenEvent.after).toBeNull();
    const saved = saveMonthlyReport(ctx.database.db, { districtId: ids.d1, month: '2023-06', values: values({ mutual_aid_cases: 5 }), userId: null });
    expect(saved.status).toBe('saved');
  });

  it('does not close the year under way nor one that has not begun', async () => {
    const city = await signedIn(ctx.app, 'city');
    const current = currentFiscalYear();
    expect(rowOf((await city.get('/fiscal-years')).body, current)).not.toContain('/close"');
    for (const fy of [current, current + 1]) {
      const res = await city.post(`/fiscal-years/${fy}/close`, { confirmed: '1' });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('まだ終わっていない年度は確定できません');
      expect(isFiscalYearClosed(ctx.database.db, fy)).toBe(false);
    }
    expect(auditOf(ctx.database, 'fiscal_year')).toHaveLength(0);
  });

  it('refuses ward and district users, changing nothing', async () => {
    for (const login of ['ward-east', 'district-e01']) {
      const client = await signedIn(ctx.app, login);
      expect((await client.post('/fiscal-years/2023/close', { confirmed: '1' })).statusCode).toBe(403);
      expect(isFiscalYearClosed(ctx.database.db, 2023)).toBe(false);
    }
    const city = await signedIn(ctx.app, 'city');
    await city.post('/fiscal-years/2023/close', { confirmed: '1' });
    const ward = await signedIn(ctx.app, 'ward-east');
    expect((await ward.post('/fiscal-years/2023/reopen', { confirmed: '1' })).statusCode).toBe(403);
    expect(isFiscalYearClosed(ctx.database.db, 2023)).toBe(true);
  });
});
