import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDistrict, createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { buildCompletenessGrid, buildWardSummary, reportKey, reportStatus } from '../../src/completeness/status.js';
import { reportedDistrictMonths, wardMonthCounts } from '../../src/completeness/repository.js';
import { CITY_GRID_MAX_DISTRICTS } from '../../src/completeness/routes.js';
import { updateSetting } from '../../src/settings/repository.js';
import { currentMonth, fiscalYearOfMonth, previousMonth } from '../../src/domain/fiscalYear.js';
import { isOverdue, todayInJapan } from '../../src/domain/due.js';
import { textOf, values } from './helpers.js';

describe('reportStatus and buildCompletenessGrid (pure)', () => {
  const base = { today: '2024-06-05', dueDay: 10, active: true };

  it('tells reported, overdue, awaiting and upcoming apart', () => {
    expect(reportStatus({ ...base, reported: true, month: '2024-04' })).toBe('reported');
    expect(reportStatus({ ...base, reported: false, month: '2024-04' })).toBe('overdue');
    // May is over, but its report is due on June 10.
    expect(reportStatus({ ...base, reported: false, month: '2024-05' })).toBe('awaiting');
    expect(reportStatus({ ...base, reported: false, month: '2024-06' })).toBe('upcoming');
    expect(reportStatus({ ...base, reported: true, month: '2024-04', active: false })).toBe('inactive');
    // The due day is a setting: due on the 3rd, May is already overdue on June 5.
    expect(reportStatus({ ...base, dueDay: 3, reported: false, month: '2024-05' })).toBe('overdue');
  });

  it('counts per ward and for everyone shown, leaving out districts that did not exist that year', () => {
    const wards = [
      { id: 1, name: '東区' },
      { id: 2, name: '西区' },
    ];
    const districts = [
      { id: 10, code: 'E1', name: 'E1', wardId: 1, activeFrom: null, activeTo: null },
      { id: 11, code: 'E2', name: 'E2', wardId: 1, activeFrom: null, activeTo: 2023 },
      { id: 20, code: 'W1', name: 'W1', wardId: 2, activeFrom: null, activeTo: null },
      { id: 21, code: 'W2', name: 'W2', wardId: 2, activeFrom: 2024, activeTo: null },
    ];
    const reported = new Set([
      reportKey(10, '2024-04'),
      reportKey(20, '2024-04'),
      reportKey(21, '2024-04'),
      reportKey(10, '2024-05'),
      reportKey(11, '2024-04'),
    ]);
    const grid = buildCompletenessGrid({ fiscalYear: 2024, wards, districts, reported, today: '2024-06-05', dueDay: 10 });
    expect(grid.months.map((m) => m.month)).toEqual([
      '2024-04',
      '2024-05',
      '2024-06',
      '2024-07',
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
      '2025-03',
    ]);
    expect(grid.months[1]).toMatchObject({ dueDate: '2024-06-10', over: true });
    expect(grid.months.at(2)?.over).toBe(false);
    expect(grid.wards.map((w) => w.rows.map((r) => r.district.code))).toEqual([['E1'], ['W1', 'W2']]);
    expect(grid.wards.at(0)?.counts.at(0)).toEqual({ reported: 1, districts: 1, share: 1 });
    expect(grid.wards.at(1)?.counts.at(1)).toEqual({ reported: 0, districts: 2, share: 0 });
    expect(grid.total.at(0)).toEqual({ reported: 3, districts: 3, share: 1 });
    expect(grid.total.at(1)?.reported).toBe(1);
    expect(grid.total.at(1)?.share).toBeCloseTo(1 / 3, 10);
    const w1 = grid.wards.at(1)?.rows.at(0);
    if (!w1) throw new Error('no row for W1 in the grid');
    expect(w1.statuses.slice(0, 3)).toEqual(['reported', 'awaiting', 'upcoming']);
    expect(w1.reportedCount).toBe(1);
    expect(w1.overdueCount).toBe(0);
  });
});

describe('buildWardSummary (pure)', () => {
  it('counts reported and overdue district-months per ward, by the same rules as the grid', () => {
    const summary = buildWardSummary({
      fiscalYear: 2024,
      wards: [
        { id: 1, name: '東区' },
        { id: 2, name: '西区' },
        { id: 3, name: '空区' },
      ],
      districts: new Map([
        [1, 2],
        [2, 3],
      ]),
      reported: new Map([
        ['1:2024-04', 2],
        ['1:2024-05', 1],
        ['2:2024-04', 3],
        ['2:2024-05', 1],
      ]),
      today: '2024-06-05',
      dueDay: 10,
    });
    // A ward without districts in the year is left out.
    expect(summary.wards.map((w) => w.ward.name)).toEqual(['東区', '西区']);
    expect(summary.wards.at(0)?.counts.at(1)).toEqual({ reported: 1, districts: 2, share: 0.5 });
    // On June 5 only April is overdue (May is due on June 10): nothing is missing for April.
    expect(summary.wards.map((w) => w.overdueCount)).toEqual([0, 0]);
    expect(summary.total[0]).toEqual({ reported: 5, districts: 5, share: 1 });
    expect(summary.districtTotal).toBe(5);
    const later = buildWardSummary({
      ...summary,
      wards: [{ id: 2, name: '西区' }],
      districts: new Map([[2, 3]]),
      reported: new Map([
        ['2:2024-04', 3],
        ['2:2024-05', 1],
      ]),
      today: '2024-06-11',
      dueDay: 10,
      fiscalYear: 2024,
    });
    // June 11: May is overdue for 2 of 西区's 3 districts.
    expect(later.overdueTotal).toBe(2);
  });
});

describe('GET /completeness', () => {
  let ctx: TestContext;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;

  beforeEach(async () => {
    ctx = await createTestApp();
    ids = await seedSmallCity(ctx.database);
    const { db } = ctx.database;
    const save = (districtId: number, month: string) => saveMonthlyReport(db, { districtId, month, values: values({ mutual_aid_cases: 1 }), userId: null });
    // FY2024 (long past, so every unreported month is overdue):
    // April: all three; May: E01 and W01; June: E01 only; later: nobody.
    save(ids.d1, '2024-04');
    save(ids.d1, '2024-05');
    save(ids.d1, '2024-06');
    save(ids.d2, '2024-04');
    save(ids.d3, '2024-04');
    save(ids.d3, '2024-05');
    // A note-only row does not count as reported.
    saveMonthlyReport(db, { districtId: ids.d2, month: '2024-05', values: values({ note: '後で入力' }), userId: null });
  });
  afterEach(async () => ctx.close());

  const cell = (html: string, code: string, month: string) => {
    const row = new RegExp(`<tr data-code="${code}">[\\s\\S]*?</tr>`).exec(html)![0];
    return new RegExp(`data-month="${month}" data-status="(\\w+)"`).exec(row)![1];
  };
  const total = (html: string, key: string, month: string) => {
    const row = new RegExp(`<tr class="total[^"]*" data-total="${key}">[\\s\\S]*?</tr>`).exec(html)![0];
    return textOf(new RegExp(`<td class="num count" data-month="${month}">[\\s\\S]*?</td>`).exec(row)![0]);
  };

  it('shows city staff every ward, counts per ward and the citywide percentage', async () => {
    const city = await signedIn(ctx.app, 'city');
    const res = await city.get('/completeness?fy=2024');
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(cell(html, 'E01', '2024-06')).toBe('reported');
    expect(cell(html, 'E02', '2024-05')).toBe('overdue');
    expect(cell(html, 'W01', '2024-07')).toBe('overdue');
    // Not colour only: each cell carries words for screen readers and a symbol.
    // A reported month not yet reviewed is 提出済み, with a checkbox to accept it (区社協の確認).
    expect(html).toMatch(
      /data-status="reported" data-review="submitted"><input type="checkbox"[^>]*aria-label="[^"]+を確認済みにする"><span class="sr-only">提出済み（区の確認待ち）<\/span>/,
    );
    expect(html).toMatch(/data-status="overdue"><span aria-hidden="true">✗<\/span><span class="sr-only">期限超過（未報告）<\/span>/);
    expect(total(html, '東区', '2024-04')).toBe('2/2 100.0%');
    expect(total(html, '東区', '2024-05')).toBe('1/2 50.0%');
    expect(total(html, '西区', '2024-05')).toBe('1/1 100.0%');
    expect(total(html, 'city', '2024-04')).toBe('3/3 100.0%');
    expect(total(html, 'city', '2024-05')).toBe('2/3 66.7%');
    expect(total(html, 'city', '2024-06')).toBe('1/3 33.3%');
    expect(total(html, 'city', '2024-07')).toBe('0/3 0.0%');
    // Overdue months per district: E02 reported only April → 11 overdue months.
    expect(textOf(new RegExp('<tr data-code="E02">[\\s\\S]*?</tr>').exec(html)![0])).toContain('11か月');
  });

  it('accepts the fiscal year in wareki and lets city staff narrow to one ward', async () => {
    const city = await signedIn(ctx.app, 'city');
    const res = await city.get(`/completeness?fy=R6&ward=${ids.wardB}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-code="W01"');
    expect(res.body).not.toContain('data-code="E01"');
    expect(res.body).not.toContain('data-total="city"');
    expect(res.body).toContain('報告状況（西区・令和6年度）');
  });

  it('shows ward staff only their own ward, without the citywide row', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const res = await ward.get('/completeness?fy=2024');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-code="E01"');
    expect(res.body).toContain('data-code="E02"');
    expect(res.body).not.toContain('data-code="W01"');
    expect(res.body).not.toContain('西一校区');
    expect(res.body).not.toContain('data-total="city"');
    expect(total(res.body, '東区', '2024-05')).toBe('1/2 50.0%');
  });

  it('changes when a district reports', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    expect(cell((await ward.get('/completeness?fy=2024')).body, 'E02', '2024-06')).toBe('overdue');
    saveMonthlyReport(ctx.database.db, { districtId: ids.d2, month: '2024-06', values: values({ watched_elderly: 0 }), userId: null });
    const after = (await ward.get('/completeness?fy=2024')).body;
    expect(cell(after, 'E02', '2024-06')).toBe('reported');
    expect(total(after, '東区', '2024-06')).toBe('2/2 100.0%');
  });

  it('marks months of a far-future year as not yet due, with no percentages', async () => {
    const city = await signedIn(ctx.app, 'city');
    const html = (await city.get('/completeness?fy=2090')).body;
    expect(cell(html, 'E01', '2090-04')).toBe('upcoming');
    expect(html).not.toContain('data-status="overdue"');
    expect(total(html, 'city', '2090-04')).toBe('0/3');
  });

  it('leaves out districts that did not exist in the year and offers years with data', async () => {
    addDistrict(ctx.database, { code: 'E05', name: '新東校区', wardId: ids.wardA, activeFrom: 2025 });
    const city = await signedIn(ctx.app, 'city');
    const fy2024 = (await city.get('/completeness?fy=2024')).body;
    expect(fy2024).not.toContain('data-code="E05"');
    expect(fy2024).toContain('<option value="2024" selected>令和6年度（2024年度）</option>');
    expect((await city.get('/completeness?fy=2025')).body).toContain('data-code="E05"');
  });

  it('shows city staff one row per ward on request, each linking to its ward', async () => {
    const city = await signedIn(ctx.app, 'city');
    const html = (await city.get('/completeness?fy=2024&view=wards')).body;
    expect(html).not.toContain('data-code=');
    expect(total(html, '東区', '2024-05')).toBe('1/2 50.0%');
    expect(total(html, '西区', '2024-05')).toBe('1/1 100.0%');
    expect(total(html, 'city', '2024-05')).toBe('2/3 66.7%');
    expect(total(html, 'city', '2024-07')).toBe('0/3 0.0%');
    expect(html).toContain(`href="/completeness?fy=2024&amp;ward=${ids.wardA}"`);
    // 東区: E01 misses 9 months, E02 misses 11 (its note-only May does not count).
    const east = new RegExp('<tr class="total ward-total" data-total="東区">[\\s\\S]*?</tr>').exec(html)![0];
    expect(textOf(east)).toContain('20か月');
    // The same counts as the district grid.
    const counts = wardMonthCounts(ctx.database.db, 2024, '2024-04', '2025-03');
    expect(counts.reported.get(`${ids.wardA}:2024-05`)).toBe(1);
    expect(counts.districts.get(ids.wardB)).toBe(1);
  });

  it('groups a large city by ward instead of listing every district', async () => {
    const { sqlite } = ctx.database;
    const insert = sqlite.prepare('INSERT INTO districts (code, name, kana, ward_id) VALUES (?, ?, ?, ?)');
    sqlite.transaction(() => {
      for (let i = 0; i < CITY_GRID_MAX_DISTRICTS; i++) insert.run(`X${i}`, `多${i}校区`, `た${i}`, i % 2 ? ids.wardA : ids.wardB);
    })();
    const city = await signedIn(ctx.app, 'city');
    const res = await city.get('/completeness?fy=2024');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('data-code=');
    expect(total(res.body, 'city', '2024-04')).toBe(`3/${CITY_GRID_MAX_DISTRICTS + 3} 1.0%`);
    // Bounded: a few rows per ward, not one per district.
    expect(res.body.length).toBeLessThan(40_000);
    // One ward: its districts, as before.
    const ward = await city.get(`/completeness?fy=2024&ward=${ids.wardB}`);
    expect(ward.body).toContain('data-code="W01"');
    expect(ward.body).toContain('data-code="X0"');
  });

  it('counts only reports with figures, and follows the due-day setting', async () => {
    const { db } = ctx.database;
    const months = reportedDistrictMonths(db, '2024-04', '2025-03');
    expect(months.has(reportKey(ids.d2, '2024-05'))).toBe(false);
    expect(months.has(reportKey(ids.d3, '2024-05'))).toBe(true);
    // Last month's missing report is overdue or not depending on the due day.
    const lastMonth = previousMonth(currentMonth());
    const city = await signedIn(ctx.app, 'city');
    for (const dueDay of [1, 28]) {
      updateSetting(db, 'reportDueDay', dueDay, null);
      const html = (await city.get(`/completeness?fy=${fiscalYearOfMonth(lastMonth)}`)).body;
      expect(html).toContain(`期限（翌月${dueDay}日）を過ぎて未報告`);
      expect(cell(html, 'E01', lastMonth)).toBe(isOverdue(lastMonth, todayInJapan(), dueDay) ? 'overdue' : 'awaiting');
    }
  });
});
