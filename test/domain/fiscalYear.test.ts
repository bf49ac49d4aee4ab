import { describe, expect, it } from 'vitest';
import {
  addMonths,
  currentFiscalYear,
  currentMonth,
  eraYearToGregorian,
  eras,
  fiscalYearOfDate,
  fiscalYearOfMonth,
  isMonth,
  monthLabelLong,
  monthLabelShort,
  monthsOfFiscalYear,
  parseFiscalYear,
  previousMonth,
  warekiLong,
  warekiShort,
} from '../../src/domain/fiscalYear.js';

describe('isMonth', () => {
  it.each(['2024-01', '2024-12', '1989-04'])('accepts %s', (m) => expect(isMonth(m)).toBe(true));
  it.each(['2024-00', '2024-13', '2024-1', '24-01', '2024/01', '2024-01-01', '', ' 2024-01'])('refuses %j', (m) => expect(isMonth(m)).toBe(false));
});

describe('fiscal year of a month or date', () => {
  it('puts January–March in the previous fiscal year', () => {
    expect(fiscalYearOfMonth('2024-03')).toBe(2023);
    expect(fiscalYearOfMonth('2024-01')).toBe(2023);
    expect(fiscalYearOfMonth('2024-04')).toBe(2024);
    expect(fiscalYearOfMonth('2024-12')).toBe(2024);
  });
  it('works on dates', () => {
    expect(fiscalYearOfDate('2024-03-31')).toBe(2023);
    expect(fiscalYearOfDate('2024-04-01')).toBe(2024);
  });
  it('throws on malformed months rather than guessing', () => {
    expect(() => fiscalYearOfMonth('2024-13')).toThrow(RangeError);
    expect(() => fiscalYearOfDate('2024/04/01')).toThrow(RangeError);
  });
});

describe('month arithmetic', () => {
  it('lists April … March', () => {
    const months = monthsOfFiscalYear(2024);
    expect(months).toHaveLength(12);
    expect(months[0]).toBe('2024-04');
    expect(months[8]).toBe('2024-12');
    expect(months[9]).toBe('2025-01');
    expect(months[11]).toBe('2025-03');
    expect(new Set(months.map(fiscalYearOfMonth))).toEqual(new Set([2024]));
  });
  it('adds and subtracts months across years', () => {
    expect(previousMonth('2024-01')).toBe('2023-12');
    expect(previousMonth('2024-04')).toBe('2024-03');
    expect(addMonths('2024-11', 2)).toBe('2025-01');
    expect(addMonths('2024-01', -13)).toBe('2022-12');
    expect(addMonths('2024-05', 0)).toBe('2024-05');
    expect(addMonths('2024-05', 24)).toBe('2026-05');
  });
});

describe('current month in Tokyo', () => {
  it('uses Asia/Tokyo, not UTC', () => {
    // 2024-03-31T15:30Z is 2024-04-01 00:30 in Tokyo: already the new fiscal year.
    const t = new Date('2024-03-31T15:30:00Z');
    expect(currentMonth(t)).toBe('2024-04');
    expect(currentFiscalYear(t)).toBe(2024);
    const before = new Date('2024-03-31T14:59:00Z');
    expect(currentMonth(before)).toBe('2024-03');
    expect(currentFiscalYear(before)).toBe(2023);
  });
  it('defaults to now', () => {
    expect(isMonth(currentMonth())).toBe(true);
    expect(currentFiscalYear()).toBeGreaterThanOrEqual(2024);
  });
});

describe('wareki labels of fiscal years (DESIGN §2)', () => {
  it.each([
    [2016, 'H28', '平成28年度'],
    [2018, 'H30', '平成30年度'],
    [2019, 'R1', '令和元年度'],
    [2020, 'R2', '令和2年度'],
    [2023, 'R5', '令和5年度'],
    [2024, 'R6', '令和6年度'],
    [1989, 'H1', '平成元年度'],
    [1988, 'S63', '昭和63年度'],
    [1926, 'T15', '大正15年度'], // Shōwa began on Dec 25: Taishō held most of 1926
    [1912, 'M45', '明治45年度'], // Taishō began on Jul 30
  ])('%i → %s / %s', (fy, short, long) => {
    expect(warekiShort(fy)).toBe(short);
    expect(warekiLong(fy)).toBe(long);
  });
});

describe('month labels use the era of the calendar month', () => {
  it.each([
    ['2024-04', '令和6年4月', 'R6.4'],
    ['2025-03', '令和7年3月', 'R7.3'],
    ['2019-04', '平成31年4月', 'H31.4'],
    ['2019-05', '令和元年5月', 'R1.5'],
    ['2019-03', '平成31年3月', 'H31.3'],
    ['1989-01', '平成元年1月', 'H1.1'], // Heisei held Jan 8–31, most of the month
  ])('%s → %s / %s', (m, long, short) => {
    expect(monthLabelLong(m)).toBe(long);
    expect(monthLabelShort(m)).toBe(short);
  });
});

describe('eras from ICU', () => {
  it('knows the modern eras with their letters and start years', () => {
    const byName = Object.fromEntries(eras().map((e) => [e.name, e]));
    expect(byName['明治']).toMatchObject({ letter: 'M', startYear: 1868, lastYear: 1912 });
    expect(byName['大正']).toMatchObject({ letter: 'T', startYear: 1912, lastYear: 1926 });
    expect(byName['昭和']).toMatchObject({ letter: 'S', startYear: 1926, lastYear: 1989 });
    expect(byName['平成']).toMatchObject({ letter: 'H', startYear: 1989, lastYear: 2019 });
    expect(byName['令和']).toMatchObject({ letter: 'R', startYear: 2019, lastYear: null });
    expect(
      eras()
        .map((e) => e.name)
        .slice(0, 5),
    ).toEqual(['明治', '大正', '昭和', '平成', '令和']);
  });
});

describe('eraYearToGregorian', () => {
  it.each([
    ['R', 6, 2024],
    ['令和', 1, 2019],
    ['H', 31, 2019],
    ['H', 1, 1989],
    ['S', 64, 1989],
    ['S', 63, 1988],
    ['r', 2, 2020],
    ['Ｒ', 6, 2024],
    ['平成', 30, 2018],
    ['T', 15, 1926],
    ['M', 45, 1912],
  ])('(%s, %i) → %i', (era, y, g) => expect(eraYearToGregorian(era, y)).toBe(g));

  it.each([
    ['H', 32],
    ['S', 65],
    ['R', 0],
    ['R', -1],
    ['R', 1.5],
    ['X', 1],
    ['', 1],
    ['令', 1],
  ])('(%j, %d) → null', (era, y) => expect(eraYearToGregorian(era, y)).toBeNull());
});

describe('parseFiscalYear', () => {
  it.each([
    ['2019', 2019],
    ['２０１９', 2019],
    ['R1', 2019],
    ['r1', 2019],
    ['Ｒ１', 2019],
    ['H30', 2018],
    ['令和元年度', 2019],
    ['令和6年度', 2024],
    ['令和６', 2024],
    ['R6年度', 2024],
    [' R5 ', 2023],
    ['平成元年度', 1989],
    ['2024年度', 2024],
  ])('%j → %i', (s, fy) => expect(parseFiscalYear(s)).toBe(fy));

  it.each(['', '   ', 'R', '19', '201', '20190', 'R1.5', 'abc', 'Q1', 'H32', '令和', '令和元年4月', '2019-04', '-2019', 'R１x', '0000', '1867'])(
    '%j → null',
    (s) => expect(parseFiscalYear(s)).toBeNull(),
  );
  it('round-trips every label it prints', () => {
    for (let fy = 1989; fy <= 2040; fy++) {
      expect(parseFiscalYear(warekiShort(fy))).toBe(fy);
      expect(parseFiscalYear(warekiLong(fy))).toBe(fy);
    }
  });
});
