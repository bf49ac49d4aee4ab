import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationError } from '../../src/errors.js';
import { httpStatusOf } from '../../src/web/errors.js';
import {
  blankToUndefined,
  districtMonthPathParams,
  districtYearPathParams,
  fiscalYearParam,
  idPathParams,
  monthParam,
  wardIdParam,
} from '../../src/web/params.js';
import { parseInput, parsePath } from '../../src/web/replies.js';
import { formatJapanDateTime, formatJapanTime } from '../../src/web/japanTime.js';
import { currentMonth, japanClock } from '../../src/domain/fiscalYear.js';
import { todayInJapan } from '../../src/domain/due.js';
import { chartHref, districtContactsUrl, districtHistoryUrl, districtReportUrl, districtUrl, districtYearUrl, trendQueryString } from '../../src/web/urls.js';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

describe('parameter schemas', () => {
  it('read a fiscal year as 2024, R6 or 令和6年度, and refuse anything else in Japanese', () => {
    expect(fiscalYearParam.parse('2024')).toBe(2024);
    expect(fiscalYearParam.parse('R6')).toBe(2024);
    expect(fiscalYearParam.parse('令和6年度')).toBe(2024);
    const bad = fiscalYearParam.safeParse('abc');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('年度は 2024 または R6 のように指定してください。');
    expect(fiscalYearParam.safeParse('1800').success).toBe(false);
  });

  it('read a month as YYYY-MM only', () => {
    expect(monthParam.parse('2024-04')).toBe('2024-04');
    for (const m of ['2024-13', '2024-4', '24-04', '2024-04-01', '']) expect(monthParam.safeParse(m).success, m).toBe(false);
  });

  it('read ids as positive digits only', () => {
    expect(idPathParams.parse({ id: '12' })).toEqual({ id: 12 });
    for (const id of ['0', '-1', '1.5', 'abc', '01', '99999999999']) expect(idPathParams.safeParse({ id }).success, id).toBe(false);
    expect(wardIdParam.parse('3')).toBe(3);
  });

  it('read district paths with their month or fiscal year', () => {
    expect(districtMonthPathParams.parse({ code: 'E01', month: '2024-05' })).toEqual({ code: 'E01', month: '2024-05' });
    expect(districtYearPathParams.parse({ code: 'E01', fy: 'R6' })).toEqual({ code: 'E01', fy: 2024 });
    expect(districtYearPathParams.safeParse({ code: '', fy: '2024' }).success).toBe(false);
  });

  it('treat an empty select or search box as no filter', () => {
    const schema = z.object({ fy: z.preprocess(blankToUndefined, fiscalYearParam.optional()) });
    expect(schema.parse({ fy: '  ' })).toEqual({ fy: undefined });
    expect(schema.parse({ fy: '2023' })).toEqual({ fy: 2023 });
  });
});

describe('one way to answer a bad parameter', () => {
  it('a malformed path parameter is a 404 (it names nothing), with the given message', () => {
    const err = (() => {
      try {
        parsePath(idPathParams, { id: 'abc' }, 'その利用者は見つかりません。');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).message).toBe('その利用者は見つかりません。');
    expect(httpStatusOf(err as NotFoundError)).toBe(404);
  });

  it('a malformed query or body is a 422 with a Japanese message per field', () => {
    const schema = z.object({ fy: fiscalYearParam.optional(), ward: wardIdParam.optional() });
    let err: unknown;
    try {
      parseInput(schema, { fy: 'abc', ward: 'x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const v = err as ValidationError;
    expect(v.fieldErrors.fy).toBe('年度は 2024 または R6 のように指定してください。');
    // zod's own wording is not shown as such: one plain sentence instead.
    expect(v.fieldErrors.ward).toBe('指定の形式が正しくありません。');
    expect(httpStatusOf(v)).toBe(422);
    expect(parseInput(schema, undefined)).toEqual({});
  });
});

describe('domain errors know no HTTP; the web maps them once', () => {
  it('maps each kind to its status', () => {
    expect(httpStatusOf(new NotFoundError())).toBe(404);
    expect(httpStatusOf(new ForbiddenError())).toBe(403);
    expect(httpStatusOf(new ConflictError('先に保存されました。'))).toBe(409);
    expect(httpStatusOf(new ValidationError({ note: '長すぎます。' }))).toBe(422);
  });

  it('a domain error carries no status of its own', () => {
    const err: DomainError = new ConflictError('x');
    expect('statusCode' in err).toBe(false);
    expect(err.kind).toBe('conflict');
  });
});

describe('Japan time, read in one place', () => {
  it('reads the Japan clock whatever the server zone (JST is UTC+9)', () => {
    expect(japanClock(new Date('2024-03-31T15:30:00Z'))).toEqual({ date: '2024-04-01', time: '00:30' });
    expect(japanClock(new Date('2024-03-31T14:59:00Z'))).toEqual({ date: '2024-03-31', time: '23:59' });
    expect(todayInJapan(new Date('2024-03-31T15:00:00Z'))).toBe('2024-04-01');
    expect(currentMonth(new Date('2024-03-31T15:00:00Z'))).toBe('2024-04');
  });

  it('formats stored timestamps as people in Japan read them', () => {
    expect(formatJapanDateTime('2026-11-23T05:05:00.000Z')).toBe('令和8年11月23日 14:05');
    expect(formatJapanDateTime('2019-04-30T15:00:00Z')).toBe('令和元年5月1日 00:00');
    expect(formatJapanDateTime(null)).toBe('');
    expect(formatJapanDateTime('not a time')).toBe('');
    expect(formatJapanTime('2026-11-23T05:05:00.000Z')).toBe('14:05');
    expect(formatJapanTime(undefined)).toBe('');
  });
});

describe('district and trend URLs, built in one place', () => {
  it('encodes the district code', () => {
    const d = { code: '東 01' };
    expect(districtUrl(d)).toBe('/districts/%E6%9D%B1%2001');
    expect(districtYearUrl({ code: 'E01' }, 2024)).toBe('/districts/E01/years/2024');
    expect(districtReportUrl({ code: 'E01' }, '2024-05')).toBe('/districts/E01/reports/2024-05');
    expect(districtHistoryUrl({ code: 'E01' })).toBe('/districts/E01/history');
    expect(districtContactsUrl({ code: 'E01' })).toBe('/districts/E01/contacts');
  });

  it('carries a trend request to charts and exports', () => {
    const q = { scope: { key: 'ward:門司区' }, fromFy: 2020, toFy: 2024, basis: 'yoy', thresholds: { flat: 0.02, strong: 0.1 } };
    expect(trendQueryString(q)).toBe('scope=ward%3A%E9%96%80%E5%8F%B8%E5%8C%BA&from=2020&to=2024&basis=yoy&flat=0.02&strong=0.1');
    expect(chartHref(q, '2')).toBe(`/charts/trend?${trendQueryString(q)}&item=2`);
  });
});

describe('the rule on real pages', () => {
  let ctx: TestContext | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  it('malformed path parameters answer the 404 page; a malformed query answers 422 beside its field', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const city = await signedIn(ctx.app, 'city');
    for (const url of ['/fiscal-years/abc/close', '/users/abc/disable']) {
      const res = await city.post(url, { confirmed: '1' });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('text/html');
    }
    const year = await city.get('/districts/E01/years/abc');
    expect(year.statusCode).toBe(404);
    const query = await city.get('/completeness?fy=abc');
    expect(query.statusCode).toBe(422);
    expect(query.body).toContain('年度は 2024 または R6 のように指定してください。');
  });
});
