import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDateLong, parseDate } from '../../src/domain/dates.js';

const FORMAT = '日付は 2024-04-01、2024/4/1、R6.4.1、令和6年4月1日 のように入力してください。';
const IMPOSSIBLE = 'その日付は存在しません。';

describe('parseDate', () => {
  it.each([
    ['2024-04-01', '2024-04-01'],
    ['2024/4/1', '2024-04-01'],
    ['2024/04/01', '2024-04-01'],
    ['2024-4-1', '2024-04-01'],
    ['２０２４／４／１', '2024-04-01'],
    ['２０２４－０４－０１', '2024-04-01'],
    ['2024年4月1日', '2024-04-01'],
    ['R6.4.1', '2024-04-01'],
    ['r6.4.1', '2024-04-01'],
    ['Ｒ６．４．１', '2024-04-01'],
    ['R6/4/1', '2024-04-01'],
    ['H30.12.31', '2018-12-31'],
    ['令和6年4月1日', '2024-04-01'],
    ['令和６年４月１日', '2024-04-01'],
    ['令和元年5月1日', '2019-05-01'],
    ['平成31年4月30日', '2019-04-30'],
    ['平成元年1月8日', '1989-01-08'],
    ['R元.5.1', '2019-05-01'],
    ['  2024-04-01\u3000', '2024-04-01'],
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
  ])('%j → %s', (s, d) => expect(parseDate(s)).toEqual({ ok: true, value: d }));

  it.each([[''], ['  '], [null], [undefined]])('%j is blank', (s) => expect(parseDate(s)).toEqual({ ok: true, value: null }));

  it.each(['2023-02-29', '2024-13-01', '2024-04-31', '2024-00-10', '2024-04-00', '1900-02-29', 'R6.2.30', 'H32.1.1', '令和6年13月1日'])(
    'refuses impossible %j',
    (s) => expect(parseDate(s)).toEqual({ ok: false, message: IMPOSSIBLE }),
  );

  it.each(['abc', '2024-04', '4/1', '2024-4/1', '24/4/1', 'R6', 'X6.4.1', '2024-04-01T00:00', '令6年4月1日', '１２件', '2024-04-01\u0000'])(
    'refuses %j with the format hint',
    (s) => expect(parseDate(s)).toEqual({ ok: false, message: FORMAT }),
  );

  it('refuses a very long string with the format hint', () => {
    expect(parseDate('x'.repeat(10000))).toEqual({ ok: false, message: FORMAT });
    expect(parseDate('2'.repeat(10000))).toEqual({ ok: false, message: FORMAT });
  });

  it('reads back every ISO date it produces and never throws', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        expect(parseDate(iso)).toEqual({ ok: true, value: iso });
      }),
    );
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => void parseDate(s)));
  });
});

describe('formatDateLong', () => {
  it.each([
    ['2024-04-01', '令和6年4月1日'],
    ['2019-05-01', '令和元年5月1日'],
    ['2019-04-30', '平成31年4月30日'],
    ['1989-01-07', '昭和64年1月7日'],
    ['1989-01-08', '平成元年1月8日'],
  ])('%s → %s', (d, s) => expect(formatDateLong(d)).toBe(s));

  it('round-trips through parseDate', () => {
    for (const d of ['2024-04-01', '2019-05-01', '2019-04-30', '2031-12-31']) {
      expect(parseDate(formatDateLong(d))).toEqual({ ok: true, value: d });
    }
  });
  it('throws on malformed dates', () => {
    expect(() => formatDateLong('2024/04/01')).toThrow(RangeError);
    expect(() => formatDateLong('2023-02-29')).toThrow(RangeError);
  });
});
