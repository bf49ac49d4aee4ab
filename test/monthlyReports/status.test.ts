import { describe, expect, it } from 'vitest';
import { isFutureMonth, monthStatus, monthsStillDue } from '../../src/monthlyReports/status.js';

describe('monthStatus', () => {
  const today = '2026-11-23';
  it('is reported whenever the month was reported', () => {
    expect(monthStatus('2026-09', true, today, 10).kind).toBe('reported');
    expect(monthStatus('2026-11', true, today, 10).kind).toBe('reported');
  });
  it('is overdue after the due day of the following month', () => {
    expect(monthStatus('2026-09', false, today, 10)).toEqual({ kind: 'overdue', dueDate: '2026-10-10' });
    expect(monthStatus('2026-10', false, '2026-11-10', 10).kind).toBe('unreported');
    expect(monthStatus('2026-10', false, '2026-11-11', 10).kind).toBe('overdue');
  });
  it('follows the due-day setting', () => {
    expect(monthStatus('2026-10', false, today, 25).kind).toBe('unreported');
    expect(monthStatus('2026-10', false, today, 20).kind).toBe('overdue');
  });
  it('calls the current month not reported and later months まだ先', () => {
    expect(monthStatus('2026-11', false, today, 10).kind).toBe('unreported');
    expect(monthStatus('2026-12', false, today, 10).kind).toBe('future');
    expect(monthStatus('2027-03', false, today, 10).kind).toBe('future');
  });
  it('crosses the year end', () => {
    expect(monthStatus('2026-12', false, '2027-01-11', 10).kind).toBe('overdue');
    expect(monthStatus('2026-12', false, '2027-01-10', 10).kind).toBe('unreported');
    expect(isFutureMonth('2027-01', '2026-12-31')).toBe(true);
  });
});

describe('monthsStillDue', () => {
  it('lists months that are over and not reported, oldest first, overdue marked', () => {
    const months = ['2026-11', '2026-10', '2026-09', '2026-08', '2026-12'];
    const due = monthsStillDue(months, new Set(['2026-08']), '2026-11-05', 10);
    expect(due).toEqual([
      { month: '2026-09', dueDate: '2026-10-10', overdue: true },
      { month: '2026-10', dueDate: '2026-11-10', overdue: false },
    ]);
  });
  it('is empty when everything over is reported', () => {
    expect(monthsStillDue(['2026-10', '2026-11'], new Set(['2026-10']), '2026-11-23', 10)).toEqual([]);
  });
});
