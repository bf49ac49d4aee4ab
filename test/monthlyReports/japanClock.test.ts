/**
 * The Japan clock behind every "today", "this month" and shown timestamp (and so behind
 * every monthly save's checks) reads UTC+9 by arithmetic; it must read exactly what ICU's
 * Asia/Tokyo formatter reads, at any instant, including where Japan kept summer time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { japanClock } from '../../src/domain/fiscalYear.js';

const tokyo = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Tokyo',
  calendar: 'gregory',
  numberingSystem: 'latn',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
function byIcu(d: Date): { date: string; time: string } {
  const p: Record<string, string> = {};
  for (const part of tokyo.formatToParts(d)) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

describe('japanClock', () => {
  it('reads what ICU reads for Asia/Tokyo at random instants from 1900 to 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (t) => {
        expect(japanClock(new Date(t))).toEqual(byIcu(new Date(t)));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the day and minute boundaries and the summer time of 1948–1951 as ICU does', () => {
    const instants = [
      '2026-11-30T14:59:59.999Z',
      '2026-11-30T15:00:00.000Z',
      '2025-03-31T15:00:00.000Z',
      '2024-02-28T15:00:00.000Z',
      '2024-02-29T14:59:00.000Z',
      '1999-12-31T15:00:00.000Z',
      '1951-12-31T15:00:00.000Z',
      '1952-01-01T00:00:00.000Z',
      // Japan kept summer time in these summers: the reading is ICU's, not UTC+9.
      '1949-07-01T03:00:00.000Z',
      '1951-06-15T14:30:00.000Z',
    ];
    for (const iso of instants) expect(japanClock(new Date(iso)), iso).toEqual(byIcu(new Date(iso)));
    expect(japanClock(new Date('2026-11-30T14:59:59.999Z'))).toEqual({ date: '2026-11-30', time: '23:59' });
    expect(japanClock(new Date('2026-11-30T15:00:00.000Z'))).toEqual({ date: '2026-12-01', time: '00:00' });
  });
});
