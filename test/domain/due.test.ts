import { describe, expect, it } from 'vitest';
import { dueDate, isMonthOver, isOverdue, todayInJapan } from '../../src/domain/due.js';

describe('report due dates', () => {
  it('is due on the 10th of the following month, across the year end', () => {
    expect(dueDate('2024-04', 10)).toBe('2024-05-10');
    expect(dueDate('2024-12', 10)).toBe('2025-01-10');
  });
  it('is overdue only after the due date', () => {
    expect(isOverdue('2024-04', '2024-05-10', 10)).toBe(false);
    expect(isOverdue('2024-04', '2024-05-11', 10)).toBe(true);
  });
  it('knows when a month is over', () => {
    expect(isMonthOver('2026-11', '2026-11-30')).toBe(false);
    expect(isMonthOver('2026-10', '2026-11-01')).toBe(true);
  });
  it('uses the date in Japan, not UTC', () => {
    expect(todayInJapan(new Date('2026-03-31T16:00:00Z'))).toBe('2026-04-01');
  });
});
