import { describe, expect, it } from 'vitest';
import {
  countsIn,
  districtYearValue,
  rollupDistrictIndicator,
  rollupDistricts,
  rollupWardIndicator,
  withDerivedTotals,
  type DistrictYearAggregate,
} from '../../src/indicators/rollup.js';

/** One district-year aggregate as SQL would return it. */
function agg(districtId: number, fiscalYear: number, sum: number, latestMonth: string, latestValue: number, categoryId = 0, months = 1): DistrictYearAggregate {
  return { districtId, categoryId, fiscalYear, sum, months, latestMonth, latestValue };
}

describe('districtYearValue', () => {
  it('takes the sum, the latest month or 1/0 against the threshold', () => {
    // A district reported 4, 6 and 5 (March): sum 15, latest 5.
    const a = { sum: 15, latestValue: 5 };
    expect(districtYearValue({ rollup: 'sum', threshold: null }, a)).toBe(15);
    expect(districtYearValue({ rollup: 'latest', threshold: null }, a)).toBe(5);
    // 15 ≥ 12 → counts; 15 < 16 → does not; exactly the threshold counts.
    expect(districtYearValue({ rollup: 'districts_meeting', threshold: 12 }, a)).toBe(1);
    expect(districtYearValue({ rollup: 'districts_meeting', threshold: 16 }, a)).toBe(0);
    expect(districtYearValue({ rollup: 'districts_meeting', threshold: 15 }, a)).toBe(1);
  });
});

describe('rollupDistricts', () => {
  // Three districts in FY2024: A 4+6+5 = 15 (March 5), B 2+2 = 4 (February 2), C 30 in one month (April 30).
  const aggs = [agg(1, 2024, 15, '2025-03', 5, 0, 3), agg(2, 2024, 4, '2025-02', 2, 0, 2), agg(3, 2024, 30, '2024-04', 30)];

  it('sums the districts’ sums', () => {
    // 15 + 4 + 30 = 49
    expect(rollupDistricts({ rollup: 'sum', threshold: null }, aggs)).toEqual({ value: 49, districtsReported: 3 });
  });

  it('sums the districts’ latest months', () => {
    // 5 + 2 + 30 = 37: each district's own latest month, whichever it is.
    expect(rollupDistricts({ rollup: 'latest', threshold: null }, aggs)).toEqual({ value: 37, districtsReported: 3 });
  });

  it('counts the districts meeting the threshold', () => {
    // threshold 10: A (15) and C (30) meet it, B (4) does not → 2.
    expect(rollupDistricts({ rollup: 'districts_meeting', threshold: 10 }, aggs)).toEqual({ value: 2, districtsReported: 3 });
    // threshold 100: none → 0, not blank: three districts reported.
    expect(rollupDistricts({ rollup: 'districts_meeting', threshold: 100 }, aggs)).toEqual({ value: 0, districtsReported: 3 });
  });

  it('is blank, not 0, when no district reported', () => {
    expect(rollupDistricts({ rollup: 'sum', threshold: null }, [])).toEqual({ value: null, districtsReported: 0 });
  });

  it('adds decimals without float noise', () => {
    // 0.1 + 0.2 = 0.3 exactly as printed.
    expect(rollupDistricts({ rollup: 'sum', threshold: null }, [agg(1, 2024, 0.1, '2024-04', 0.1), agg(2, 2024, 0.2, '2024-04', 0.2)]).value).toBe(0.3);
  });
});

describe('withDerivedTotals', () => {
  it('makes a total from the categories when a district stored none', () => {
    // District 1: kind 11 = 3+4 (latest 2025-03: 4), kind 12 = 5 (latest 2025-02: 5) → total sum 12, latest March 4.
    const out = withDerivedTotals([agg(1, 2024, 7, '2025-03', 4, 11, 2), agg(1, 2024, 5, '2025-02', 5, 12, 1)]);
    expect(out.find((a) => a.categoryId === 0)).toEqual(agg(1, 2024, 12, '2025-03', 4, 0, 2));
  });

  it('adds the categories reported in the same latest month', () => {
    // Both kinds reported in March: 4 + 5 = 9.
    const out = withDerivedTotals([agg(1, 2024, 7, '2025-03', 4, 11), agg(1, 2024, 5, '2025-03', 5, 12)]);
    expect(out.find((a) => a.categoryId === 0)!.latestValue).toBe(9);
  });

  it('keeps a stored total', () => {
    const out = withDerivedTotals([agg(1, 2024, 20, '2025-03', 20, 0), agg(1, 2024, 7, '2025-03', 7, 11)]);
    expect(out.filter((a) => a.categoryId === 0)).toEqual([agg(1, 2024, 20, '2025-03', 20, 0)]);
  });
});

describe('rollupDistrictIndicator', () => {
  it('rolls up the total and each category per year, blank where nothing was entered', () => {
    // FY2023: district 1 kind 11 = 6, kind 12 = 4; district 2 kind 11 = 10.  FY2024: district 1 kind 11 = 8.
    const cells = rollupDistrictIndicator(
      { rollup: 'sum', threshold: null },
      [agg(1, 2023, 6, '2023-05', 6, 11), agg(1, 2023, 4, '2023-05', 4, 12), agg(2, 2023, 10, '2023-06', 10, 11), agg(1, 2024, 8, '2024-04', 8, 11)],
      [11, 12],
      [2023, 2024, 2025],
    );
    // Totals: 2023 = 6 + 4 + 10 = 20 (two districts); 2024 = 8; 2025 blank.
    expect([...cells.get(0)!.values()]).toEqual([
      { value: 20, districtsReported: 2 },
      { value: 8, districtsReported: 1 },
      { value: null, districtsReported: 0 },
    ]);
    expect(cells.get(11)!.get(2023)).toEqual({ value: 16, districtsReported: 2 });
    expect(cells.get(12)!.get(2023)).toEqual({ value: 4, districtsReported: 1 });
    expect(cells.get(12)!.get(2024)).toEqual({ value: null, districtsReported: 0 });
  });

  it('counts districts meeting the threshold per category as well', () => {
    // threshold 5: kind 11 — district 1 (6) and 2 (10) meet it → 2; kind 12 — district 1 (4) does not → 0.
    // The totals: district 1 = 10, district 2 = 10 → both meet it → 2.
    const cells = rollupDistrictIndicator(
      { rollup: 'districts_meeting', threshold: 5 },
      [agg(1, 2023, 6, '2023-05', 6, 11), agg(1, 2023, 4, '2023-05', 4, 12), agg(2, 2023, 10, '2023-06', 10, 11)],
      [11, 12],
      [2023],
    );
    expect(cells.get(0)!.get(2023)!.value).toBe(2);
    expect(cells.get(11)!.get(2023)!.value).toBe(2);
    expect(cells.get(12)!.get(2023)!.value).toBe(0);
  });
});

describe('rollupWardIndicator', () => {
  it('sums the wards for the city, and a ward’s categories when it entered no total', () => {
    // FY2024: ward 1 entered 300, ward 2 entered 195 → 300 + 195 = 495 (seed 001's 声かけ訓練 total).
    // FY2025: ward 1 entered kinds only: 7 + 3 = 10 as its total.
    const cells = rollupWardIndicator(
      [
        { wardId: 1, categoryId: 0, fiscalYear: 2024, value: 300 },
        { wardId: 2, categoryId: 0, fiscalYear: 2024, value: 195 },
        { wardId: 1, categoryId: 21, fiscalYear: 2025, value: 7 },
        { wardId: 1, categoryId: 22, fiscalYear: 2025, value: 3 },
      ],
      [21, 22],
      [2024, 2025],
    );
    expect(cells.get(0)!.get(2024)).toEqual({ value: 495, districtsReported: 2 });
    expect(cells.get(0)!.get(2025)).toEqual({ value: 10, districtsReported: 1 });
    expect(cells.get(21)!.get(2025)).toEqual({ value: 7, districtsReported: 1 });
    expect(cells.get(21)!.get(2024)).toEqual({ value: null, districtsReported: 0 });
  });
});

describe('countsIn', () => {
  it('reads first and last fiscal years inclusively, an open end as still counted', () => {
    expect(countsIn({ firstFy: 2024, lastFy: null }, 2023)).toBe(false);
    expect(countsIn({ firstFy: 2024, lastFy: null }, 2030)).toBe(true);
    expect(countsIn({ firstFy: 2020, lastFy: 2022 }, 2022)).toBe(true);
    expect(countsIn({ firstFy: 2020, lastFy: 2022 }, 2023)).toBe(false);
  });
});
