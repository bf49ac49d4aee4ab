import { describe, expect, it } from 'vitest';
import { parseCount } from '../../src/domain/numbers.js';
import { parseMonthlyForm } from '../../src/monthlyReports/form.js';
import { COUNT_INPUT_CASES } from './countInputCases.js';

/* Issue 12, finding 9: a unit typed after the number is accepted (「125世帯」), by one parser that the live total copies. */
describe('parseCount with units', () => {
  it.each(COUNT_INPUT_CASES)('$text ($units) → $expected', ({ text, units, expected }) => {
    const result = parseCount(text, { units });
    if (expected === 'refused') expect(result.ok).toBe(false);
    else expect(result).toEqual({ ok: true, value: expected });
  });

  it('takes only the unit of each monthly field', () => {
    const form = parseMonthlyForm({
      version: '0',
      watched_elderly: '125世帯',
      watched_disability: '３世帯',
      watched_single_parent: '',
      watched_other: '2件',
      welfare_cooperators: '12人',
      mutual_aid_cases: '3件',
      coordination_meetings: '4回',
      well_club_participants: '３０人',
      note: '',
    });
    expect(Object.keys(form.errors)).toEqual(['watched_other']);
    expect(form.errors.watched_other).toContain('数字で入力してください');
    expect(form.typed.watched_elderly).toBe('125世帯');
    const ok = parseMonthlyForm({
      version: '0',
      watched_elderly: '125世帯',
      watched_other: '2世帯',
      welfare_cooperators: '12人',
      mutual_aid_cases: '3件',
      coordination_meetings: '4回',
      well_club_participants: '３０人',
    });
    expect(ok.values).toMatchObject({
      watched_elderly: 125,
      watched_other: 2,
      welfare_cooperators: 12,
      mutual_aid_cases: 3,
      coordination_meetings: 4,
      well_club_participants: 30,
    });
  });
});
