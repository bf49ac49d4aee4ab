import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findImplausible, isFarFromRange, recentRange } from '../../src/monthlyReports/plausibility.js';

describe('recentRange', () => {
  it('skips months that were not reported', () => {
    expect(recentRange([null, 1020, undefined, 1080, 1050])).toEqual({ min: 1020, max: 1080 });
  });
  it('is null when nothing was reported', () => {
    expect(recentRange([null, null])).toBeNull();
    expect(recentRange([])).toBeNull();
  });
});

describe('isFarFromRange', () => {
  const range = { min: 1020, max: 1080 };
  it('flags a value more than factor × the recent maximum', () => {
    expect(isFarFromRange(3241, range, { factor: 3 })).toBe(true);
    expect(isFarFromRange(3240, range, { factor: 3 })).toBe(false);
  });
  it('flags a value below the recent minimum ÷ factor', () => {
    expect(isFarFromRange(339, range, { factor: 3 })).toBe(true);
    expect(isFarFromRange(340, range, { factor: 3 })).toBe(false);
  });
  it('flags zero after months of large values', () => {
    expect(isFarFromRange(0, range, { factor: 3 })).toBe(true);
  });
  it('ignores small absolute differences on tiny counts', () => {
    expect(isFarFromRange(4, { min: 1, max: 1 }, { factor: 3 })).toBe(false);
    expect(isFarFromRange(10, { min: 0, max: 0 }, { factor: 3 })).toBe(true);
    expect(isFarFromRange(9, { min: 0, max: 0 }, { factor: 3 })).toBe(false);
    expect(isFarFromRange(0, { min: 6, max: 9 }, { factor: 3 })).toBe(false);
  });
  it('never flags a low value when the recent minimum is 0', () => {
    expect(isFarFromRange(0, { min: 0, max: 500 }, { factor: 3 })).toBe(false);
  });
  it('respects a custom minimum difference', () => {
    expect(isFarFromRange(4, { min: 1, max: 1 }, { factor: 3, minDifference: 2 })).toBe(true);
  });
  it('never flags a value inside the recent range', () => {
    fc.assert(
      fc.property(
        fc.nat(1_000_000),
        fc.nat(1_000_000),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1.1, max: 100, noNaN: true }),
        (a, b, t, factor) => {
          const min = Math.min(a, b);
          const max = Math.max(a, b);
          const value = Math.round(min + (max - min) * t);
          return !isFarFromRange(value, { min, max }, { factor });
        },
      ),
    );
  });
});

describe('findImplausible', () => {
  const recent = [
    { a: 1020, b: 5 },
    { a: 1080, b: null },
    { a: 1050, b: 7 },
  ];
  it('returns each far-off field with its recent range', () => {
    const out = findImplausible(['a', 'b'] as const, { a: 5000, b: 6 }, recent, { factor: 3 });
    expect([...out]).toEqual([['a', { min: 1020, max: 1080 }]]);
  });
  it('never flags blanks or fields with no recent values', () => {
    const out = findImplausible(['a', 'c'] as const, { a: null, c: 99999 }, recent as { a: number; c?: number }[], { factor: 3 });
    expect(out.size).toBe(0);
  });
  it('checks only the fields it is given', () => {
    expect(findImplausible<'a' | 'b'>(['b'], { a: 5000, b: 6 }, recent, { factor: 3 }).size).toBe(0);
  });
});
