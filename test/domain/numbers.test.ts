import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COUNT_MESSAGES, formatCount, parseCount, toHalfWidth } from '../../src/domain/numbers.js';

const NEGATIVE = 'マイナスの数は入力できません。0以上の整数を入力してください。';
const DECIMAL = '小数は入力できません。整数で入力してください。';
const NOT_NUMBER = '数字で入力してください（例：125 または １２５）。';

describe('toHalfWidth', () => {
  it('folds full-width ASCII but not circled digits', () => {
    expect(toHalfWidth('Ｒ６．４．１')).toBe('R6.4.1');
    expect(toHalfWidth('①')).toBe('①');
  });
});

describe('parseCount', () => {
  it.each([
    ['125407', 125407],
    ['125,407', 125407],
    ['１２５，４０７', 125407],
    [' 12 ', 12],
    ['０', 0],
    ['0', 0],
    ['007', 7],
    ['1,000,000', 1000000],
    ['9,999,999', 9999999],
    ['\u3000１２\u3000', 12],
    ['12\n', 12],
  ])('accepts %j as %i', (s, v) => expect(parseCount(s)).toEqual({ ok: true, value: v }));

  it.each([[''], ['   '], ['\u3000'], [null], [undefined]])('treats %j as not reported, never 0', (s) => {
    expect(parseCount(s)).toEqual({ ok: true, value: null });
  });

  it.each(['−5', '-5', '－５', '▲5', '△5', '- 5', '-1.5', '-1,000'])('refuses negative %j', (s) =>
    expect(parseCount(s)).toEqual({ ok: false, message: NEGATIVE }),
  );

  it.each(['1.5', '１．５', '1.0', '.5', '1,234.5', '3.'])('refuses decimal %j', (s) => expect(parseCount(s)).toEqual({ ok: false, message: DECIMAL }));

  it('refuses numbers over the default maximum, naming it', () => {
    expect(parseCount('10000000')).toEqual({ ok: false, message: '数が大きすぎます。9,999,999以下で入力してください。' });
    expect(parseCount('10,000,000')).toEqual({ ok: false, message: '数が大きすぎます。9,999,999以下で入力してください。' });
  });
  it('honours a custom maximum', () => {
    expect(parseCount('13', { max: 12 })).toEqual({ ok: false, message: '数が大きすぎます。12以下で入力してください。' });
    expect(parseCount('12', { max: 12 })).toEqual({ ok: true, value: 12 });
    expect(parseCount('1001', { max: 1000 })).toEqual({ ok: false, message: COUNT_MESSAGES.tooLarge(1000) });
    expect(COUNT_MESSAGES.tooLarge(1000)).toBe('数が大きすぎます。1,000以下で入力してください。');
  });
  it('refuses very long digit strings as too large without losing precision', () => {
    expect(parseCount('9'.repeat(400))).toEqual({ ok: false, message: COUNT_MESSAGES.tooLarge(9999999) });
    expect(parseCount('0'.repeat(400) + '5')).toEqual({ ok: true, value: 5 });
  });
  it('never accepts a count a Number cannot hold exactly, whatever the maximum', () => {
    expect(parseCount('9007199254740991', { max: Infinity })).toEqual({ ok: true, value: 9007199254740991 });
    expect(parseCount('9007199254740993', { max: Infinity })).toEqual({
      ok: false,
      message: '数が大きすぎます。9,007,199,254,740,991以下で入力してください。',
    });
  });

  it.each([
    'abc',
    '12a',
    '１２件',
    '1,25,407',
    '12,34',
    ',123',
    '123,',
    '1e3',
    '1E3',
    '+5',
    '1 000',
    '1、000',
    '①',
    '0x10',
    'Infinity',
    'NaN',
    '12\u00003',
    '\u0000',
    '5\u0007',
    '--5x',
  ])('refuses %j as not a number', (s) => expect(parseCount(s)).toEqual({ ok: false, message: NOT_NUMBER }));

  it('refuses a very long non-numeric string quickly', () => {
    expect(parseCount('1'.repeat(50000) + 'x')).toEqual({ ok: false, message: NOT_NUMBER });
    expect(parseCount('x'.repeat(100000))).toEqual({ ok: false, message: NOT_NUMBER });
  });

  it('never throws and returns either null, a valid integer, or a message', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const r = parseCount(s);
        if (r.ok) {
          expect(r.value === null || (Number.isInteger(r.value) && r.value >= 0 && r.value <= 9999999)).toBe(true);
        } else {
          expect(r.message.length).toBeGreaterThan(0);
        }
      }),
    );
  });
  it('reads back whatever formatCount writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999999 }), (n) => {
        expect(parseCount(formatCount(n))).toEqual({ ok: true, value: n });
      }),
    );
  });
});

describe('formatCount', () => {
  it('writes thousands separators and blank for not reported', () => {
    expect(formatCount(125407)).toBe('125,407');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(null)).toBe('');
    expect(formatCount(undefined)).toBe('');
    expect(formatCount(Number.NaN)).toBe('');
  });
});
