import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { auditEvents, users } from '../../src/db/schema.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { fiscalYearOfMonth, monthLabelLong, warekiLong } from '../../src/domain/fiscalYear.js';
import { acceptMonths, monthReviewOf, returnMonth } from '../../src/reviews/repository.js';
import type { CurrentUser } from '../../src/auth/access.js';
import { formFields, monthsAgo, storeReport } from '../monthlyReports/helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const m1 = monthsAgo(1);
const m2 = monthsAgo(2);
const reportUrl = (code: string, month: string) => `/districts/${code}/reports/${month}`;
const reviewUrl = (code: string, month: string) => `${reportUrl(code, month)}/review`;

function state(districtId: number, month: string) {
  return monthReviewOf(ctx.database.db, districtId, month).state;
}

function userNamed(login: string): CurrentUser {
  const u = ctx.database.db.select().from(users).where(eq(users.login, login)).get()!;
  return { id: u.id, login: u.login, displayName: u.displayName, role: u.role, wardId: u.wardId, districtId: u.districtId, wardName: null, districtCode: null };
}

function reviewAudits(districtId: number, month: string) {
  return ctx.database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entity, 'monthly_report'), eq(auditEvents.districtId, districtId), eq(auditEvents.month, month)))
    .all()
    .filter((e) => e.action === 'accept' || e.action === 'return');
}

describe('review of a month (区社協の確認)', () => {
  it('runs the return → resubmit → accept cycle, audited and shown in the history', async () => {
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.post(reportUrl('E01', m1), formFields({ watched_elderly: '100' }))).statusCode).toBe(303);
    expect(state(ids.d1, m1)).toBe('submitted');

    const ward = await signedIn(ctx.app, 'ward-east');
    const page = await ward.get(reportUrl('E01', m1));
    expect(page.body).toContain('区社協の確認');
    expect(page.body).toContain('提出済み');
    expect(page.body).toContain('確認済みにする');
    const returned = await ward.post(reviewUrl('E01', m1), { decision: 'return', comment: '  高齢者世帯の数が先月と大きく違います。確認してください。 ' });
    expect(returned.statusCode).toBe(303);
    expect(state(ids.d1, m1)).toBe('returned');
    expect(monthReviewOf(ctx.database.db, ids.d1, m1).review!.comment).toBe('高齢者世帯の数が先月と大きく違います。確認してください。');

    // The district sees the comment on its form, and saving resubmits.
    const form = await district.get(reportUrl('E01', m1));
    expect(form.body).toContain('区社協から差し戻されています');
    expect(form.body).toContain('高齢者世帯の数が先月と大きく違います。確認してください。');
    expect(form.body).not.toContain('確認済みにする');
    // A correction with a mistake in it: the error beside the field, and the ward's comment still in view.
    const mistake = await district.post(reportUrl('E01', m1), formFields({ watched_elderly: '百十' }, '1'));
    expect(mistake.statusCode).toBe(422);
    expect(mistake.body).toContain('区社協から差し戻されています');
    expect(mistake.body).toContain('高齢者世帯の数が先月と大きく違います。確認してください。');
    expect((await district.post(reportUrl('E01', m1), formFields({ watched_elderly: '110' }, '1'))).statusCode).toBe(303);
    expect(state(ids.d1, m1)).toBe('submitted');
    expect((await district.get(reportUrl('E01', m1))).body).not.toContain('区社協から差し戻されています');

    const accepted = await ward.post(reviewUrl('E01', m1), { decision: 'accept' });
    expect(accepted.statusCode).toBe(303);
    expect(state(ids.d1, m1)).toBe('accepted');
    // Accepting twice is refused beside the box, nothing written.
    const again = await ward.post(reviewUrl('E01', m1), { decision: 'accept' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('提出済みではないため');

    const audits = reviewAudits(ids.d1, m1);
    expect(audits.map((a) => a.action)).toEqual(['return', 'accept']);
    expect(audits.at(0)?.detail).toBe('高齢者世帯の数が先月と大きく違います。確認してください。');

    const history = await ward.get(`/districts/E01/history?month=${m1}`);
    expect(history.body).toContain(`月次報告（${monthLabelLong(m1)}）を確認`);
    expect(history.body).toContain(`月次報告（${monthLabelLong(m1)}）を差し戻し`);
    expect(history.body).toContain('高齢者世帯の数が先月と大きく違います。確認してください。');
  });

  it('a ward user may return an accepted month', async () => {
    storeReport(ctx.database, ids.d1, m1);
    const ward = await signedIn(ctx.app, 'ward-east');
    await ward.get(reportUrl('E01', m1));
    expect((await ward.post(reviewUrl('E01', m1), { decision: 'accept' })).statusCode).toBe(303);
    expect((await ward.post(reviewUrl('E01', m1), { decision: 'return', comment: 'やはり確認が必要です' })).statusCode).toBe(303);
    expect(state(ids.d1, m1)).toBe('returned');
  });

  it('requires a return comment of at most 500 characters, kept with the error beside the field', async () => {
    storeReport(ctx.database, ids.d1, m1);
    const ward = await signedIn(ctx.app, 'ward-east');
    await ward.get(reportUrl('E01', m1));
    const empty = await ward.post(reviewUrl('E01', m1), { decision: 'return', comment: '   ' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('差し戻す理由を入力してください。');
    const long = 'あ'.repeat(501);
    const tooLong = await ward.post(reviewUrl('E01', m1), { decision: 'return', comment: long });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.body).toContain('500文字以内');
    expect(tooLong.body).toContain(long);
    expect(state(ids.d1, m1)).toBe('submitted');
    expect(reviewAudits(ids.d1, m1)).toHaveLength(0);
  });

  it('cannot review an unreported month', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const page = await ward.get(reportUrl('E01', m1));
    expect(page.body).toContain('まだ報告されていないため');
    expect((await ward.post(reviewUrl('E01', m1), { decision: 'accept' })).statusCode).toBe(409);
    expect(state(ids.d1, m1)).toBe('unreported');
  });

  it('is refused to district users (even their own district) and to other wards with 403', async () => {
    storeReport(ctx.database, ids.d1, m1);
    const district = await signedIn(ctx.app, 'district-e01');
    await district.get(reportUrl('E01', m1));
    expect((await district.post(reviewUrl('E01', m1), { decision: 'accept' })).statusCode).toBe(403);
    const otherWard = await signedIn(ctx.app, 'ward-west');
    await otherWard.get('/');
    expect((await otherWard.post(reviewUrl('E01', m1), { decision: 'accept' })).statusCode).toBe(403);
    expect(() => acceptMonths(ctx.database.db, [{ districtId: ids.d1, month: m1 }], userNamed('ward-west'))).toThrow();
    expect(state(ids.d1, m1)).toBe('submitted');
    expect(reviewAudits(ids.d1, m1)).toHaveLength(0);
    // City users may.
    const city = await signedIn(ctx.app, 'city');
    await city.get(reportUrl('E01', m1));
    expect((await city.post(reviewUrl('E01', m1), { decision: 'accept' })).statusCode).toBe(303);
    expect(state(ids.d1, m1)).toBe('accepted');
  });

  it('refuses a closed fiscal year with a message naming the year', async () => {
    storeReport(ctx.database, ids.d1, m1);
    const fy = fiscalYearOfMonth(m1);
    closeFiscalYear(ctx.database.db, fy, userNamed('city').id);
    const ward = await signedIn(ctx.app, 'ward-east');
    const page = await ward.get(reportUrl('E01', m1));
    expect(page.body).toContain('この年度は確定済みのため');
    expect(page.body).not.toContain('確認済みにする');
    const res = await ward.post(reviewUrl('E01', m1), { decision: 'accept' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(warekiLong(fy));
    expect(() => returnMonth(ctx.database.db, { districtId: ids.d1, month: m1, comment: '理由' }, userNamed('ward-east'))).toThrow(warekiLong(fy));
    expect(state(ids.d1, m1)).toBe('submitted');
  });

  it('accepts many months at once, all or nothing', () => {
    storeReport(ctx.database, ids.d1, m1);
    storeReport(ctx.database, ids.d1, m2);
    storeReport(ctx.database, ids.d2, m1);
    const ward = userNamed('ward-east');
    // One month not submitted (d2 m2 unreported): nothing is accepted.
    expect(() =>
      acceptMonths(
        ctx.database.db,
        [
          { districtId: ids.d1, month: m1 },
          { districtId: ids.d2, month: m2 },
        ],
        ward,
      ),
    ).toThrow('提出済みではない');
    expect(state(ids.d1, m1)).toBe('submitted');
    expect(
      acceptMonths(
        ctx.database.db,
        [
          { districtId: ids.d1, month: m1 },
          { districtId: ids.d1, month: m2 },
          { districtId: ids.d2, month: m1 },
        ],
        ward,
      ),
    ).toBe(3);
    expect([state(ids.d1, m1), state(ids.d1, m2), state(ids.d2, m1)]).toEqual(['accepted', 'accepted', 'accepted']);
    expect(reviewAudits(ids.d2, m1).map((a) => a.action)).toEqual(['accept']);
  });
});
