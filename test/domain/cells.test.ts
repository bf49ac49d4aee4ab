import { describe, expect, it } from 'vitest';
import { decodeCsv } from '../../src/imports/decode.js';
import fc from 'fast-check';
import { hasPlainEnds, readBoolean, readCount, readDate, readFiscalYear, readGeneration, readItem, readMonth } from '../../src/domain/cells.js';
import { parseCount } from '../../src/domain/numbers.js';
import { trimSpaces } from '../../src/domain/text.js';

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }) => (r.ok ? r.value : `ERROR ${r.message}`);

describe('cell readers', () => {
  it('reads months as YYYY-MM, YYYY/M, full-width and 年月', () => {
    expect(['2024-04', '2024/4', '２０２４－０４', '２０２４/１２', '2024年4月'].map((s) => value(readMonth(s)))).toEqual([
      '2024-04',
      '2024-04',
      '2024-04',
      '2024-12',
      '2024-04',
    ]);
    for (const bad of ['2024-13', '2024-00', '24-04', '2024-04-01', 'R6.4', '']) expect(readMonth(bad).ok).toBe(false);
  });

  it('reads booleans as 1/0, はい/いいえ, blank = いいえ, and nothing else', () => {
    expect(['1', '0', 'はい', 'いいえ', '', '１'].map((s) => value(readBoolean(s)))).toEqual([true, false, true, false, false, true]);
    for (const bad of ['yes', 'true', '2', '○']) expect(readBoolean(bad).ok).toBe(false);
  });

  it('reads fiscal years as 2019 or R1, optional when allowed', () => {
    expect(value(readFiscalYear('R1', true))).toBe(2019);
    expect(value(readFiscalYear('２０１９', true))).toBe(2019);
    expect(value(readFiscalYear('', false))).toBeNull();
    expect(readFiscalYear('', true).ok).toBe(false);
    expect(readFiscalYear('R', true).ok).toBe(false);
  });

  it('reads dates as YYYY-MM-DD or YYYY/M/D and refuses impossible ones', () => {
    expect(value(readDate('2024/4/1', true))).toBe('2024-04-01');
    expect(value(readDate('2024-04-01', true))).toBe('2024-04-01');
    expect(readDate('2023/2/29', true).ok).toBe(false);
    expect(value(readDate('', false))).toBeNull();
  });

  it('reads plan generations as 2, 第2次, 第二次, 第十二次', () => {
    expect(['2', '第2次', '第二次', '第十二次', '第十次', '３'].map((s) => value(readGeneration(s)))).toEqual([2, 2, 2, 12, 10, 3]);
    for (const bad of ['0', '第〇次', '二二', 'x', '']) expect(readGeneration(bad).ok).toBe(false);
  });

  it('reads agenda items 1–7 (also full-width and circled) and household rows', () => {
    expect(['1', '７', '③', 'watched_elderly'].map((s) => value(readItem(s)))).toEqual(['1', '7', '3', 'watched_elderly']);
    for (const bad of ['0', '8', '⑧', 'x']) expect(readItem(bad).ok).toBe(false);
  });
});

describe('the short cuts a large file takes', () => {
  // Cells as files hold them: plain digits of any length, digits with spaces, commas, full-width digits, signs, text.
  const cells = fc.oneof(
    fc.stringMatching(/^[0-9]{1,12}$/),
    fc.stringMatching(/^[ \t\u3000]?[0-9０-９,.\-−]{0,10}[ \t\u3000\u00a0]?$/),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('', '0', '0000000', '9999999', '10000000', '１２３', '1,234', '١٢', '\ufeff12', '12\u00a0'),
  );

  it('reads a count exactly as parseCount reads it', () => {
    fc.assert(
      fc.property(cells, (cell) => {
        expect(readCount(cell)).toEqual(parseCount(cell));
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves a cell untrimmed only when trimming would not change it', () => {
    fc.assert(
      fc.property(cells, (cell) => {
        if (!hasPlainEnds(cell)) return;
        expect(trimSpaces(cell)).toBe(cell);
        expect(cell.replace(/^[ \t\f]+/, '').trimEnd()).toBe(cell);
      }),
      { numRuns: 2_000 },
    );
    expect(['', '12', 'a b', 'E01'].every(hasPlainEnds)).toBe(true);
    expect([' 12', '12 ', '\t1', '1\u3000', '\ufeff1', '１'].some(hasPlainEnds)).toBe(false);
  });
});

describe('decodeCsv', () => {
  it('takes valid UTF-8 as UTF-8 and drops a BOM', () => {
    const r = decodeCsv(Buffer.from('\ufeffcode,name\n', 'utf8'));
    expect(r).toEqual({ ok: true, text: 'code,name\n', encoding: 'utf-8' });
  });

  it('falls back to Shift_JIS (cp932) for bytes that are not UTF-8', () => {
    // 見守り in Shift_JIS
    const r = decodeCsv(Buffer.from([0x8c, 0xa9, 0x8e, 0xe7, 0x82, 0xe8]));
    expect(r).toEqual({ ok: true, text: '見守り', encoding: 'shift_jis' });
  });
});
