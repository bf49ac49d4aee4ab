import { describe, expect, it } from 'vitest';
import { characterCount, conflictRows, formValues, formVersion } from '../../src/web/forms.js';
import { parseClosingForm, parseSalonForm, salonsOpenAtYearEnd } from '../../src/salons/form.js';
import { generationLabel, parsePlanForm } from '../../src/plans/form.js';
import { parseCaseStudyForm } from '../../src/caseStudies/form.js';
import type { SalonRow } from '../../src/salons/repository.js';

const salon = (openedOn: string, closedOn: string | null): SalonRow => ({
  id: 1,
  districtId: 1,
  name: 's',
  venue: '',
  openedOn,
  closedOn,
  subsidyApplied: false,
  version: 1,
});

describe('salon form', () => {
  it.each([
    ['2024-04-01', '2024-04-01'],
    ['2024/4/1', '2024-04-01'],
    ['R6.4.1', '2024-04-01'],
    ['令和6年4月1日', '2024-04-01'],
    ['令和６年４月１日', '2024-04-01'],
    ['Ｒ６．４．１', '2024-04-01'],
    ['２０２４／４／１', '2024-04-01'],
    ['令和元年5月1日', '2019-05-01'],
  ])('reads the opening date %s', (typed, stored) => {
    const r = parseSalonForm({ name: 'サロン', opened_on: typed });
    expect(r.ok && r.data.openedOn).toBe(stored);
  });

  it('keeps what was typed and gives one message per bad field', () => {
    const r = parseSalonForm({ name: '   ', venue: 'x'.repeat(101), opened_on: 'R6.2.30', closed_on: 'きのう' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.values).toEqual({ name: '   ', venue: 'x'.repeat(101), opened_on: 'R6.2.30', closed_on: 'きのう', subsidy_applied: '' });
    expect(Object.keys(r.errors).sort()).toEqual(['closed_on', 'name', 'opened_on', 'venue']);
    expect(r.errors.venue).toContain('100文字以内');
    expect(r.errors.opened_on).toBe('その日付は存在しません。');
  });

  it('refuses a closing date before the opening date, even when another field is wrong too', () => {
    const r = parseSalonForm({ name: '', opened_on: 'R6.4.1', closed_on: 'R6.3.31' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.closed_on).toContain('開設日と同じ日か');
    expect(r.errors.name).toBeDefined();
  });

  it('accepts closing on the opening day, and a ticked subsidy box', () => {
    const r = parseSalonForm({ name: 'a', opened_on: 'R6.4.1', closed_on: '2024-04-01', subsidy_applied: '1' });
    expect(r.ok && r.data).toEqual({ name: 'a', venue: '', openedOn: '2024-04-01', closedOn: '2024-04-01', subsidyApplied: true });
  });

  it('refuses dates outside a plausible range', () => {
    const r = parseSalonForm({ name: 'a', opened_on: '1900-01-01' });
    expect(r.ok).toBe(false);
  });

  it('reads the closing form against the opening date', () => {
    expect(parseClosingForm({ closed_on: 'R7.3.31' }, '2024-04-01')).toMatchObject({ ok: true, data: { closedOn: '2025-03-31' } });
    expect(parseClosingForm({ closed_on: '' }, '2024-04-01').ok).toBe(false);
    expect(parseClosingForm({ closed_on: 'R6.3.1' }, '2024-04-01').ok).toBe(false);
  });
});

describe('salons open at the end of a fiscal year (item ⑥)', () => {
  it('does not count a salon closed on March 31 of that year', () => {
    const counts = salonsOpenAtYearEnd([salon('2023-04-01', '2025-03-31')], [2023, 2024, 2025]);
    expect(counts.map((c) => c.count)).toEqual([1, 0, 0]);
  });

  it('counts a salon opened on March 31 and one closed on April 1', () => {
    const counts = salonsOpenAtYearEnd([salon('2025-03-31', null), salon('2020-01-01', '2025-04-01')], [2024, 2025]);
    expect(counts).toEqual([
      { fiscalYear: 2024, yearEnd: '2025-03-31', count: 2 },
      { fiscalYear: 2025, yearEnd: '2026-03-31', count: 1 },
    ]);
  });
});

describe('plan form', () => {
  it.each([
    [
      { generation: '2', formulated_fy: 'R6', first_fy: '令和7年度', last_fy: '2029' },
      { generation: 2, formulatedFy: 2024, firstFy: 2025, lastFy: 2029 },
    ],
    [
      { generation: '1', formulated_fy: '令和元年度', first_fy: 'Ｒ２', last_fy: '２０２４' },
      { generation: 1, formulatedFy: 2019, firstFy: 2020, lastFy: 2024 },
    ],
    [
      { generation: '3', formulated_fy: 'H30', first_fy: 'h31', last_fy: 'R5年度' },
      { generation: 3, formulatedFy: 2018, firstFy: 2019, lastFy: 2023 },
    ],
  ])('reads %j', (typed, input) => {
    const r = parsePlanForm(typed);
    expect(r.ok && r.data).toEqual(input);
  });

  it('refuses a period that ends before it starts, and a plan made after its period', () => {
    const r = parsePlanForm({ generation: '1', formulated_fy: 'R9', first_fy: 'R8', last_fy: 'R7' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['formulated_fy', 'last_fy']);
  });

  it('refuses a missing generation and unreadable years', () => {
    const r = parsePlanForm({ generation: '', formulated_fy: 'らいねん', first_fy: '', last_fy: 'R6.5' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['first_fy', 'formulated_fy', 'generation', 'last_fy']);
  });

  it('names generations as the plans are named', () => {
    expect([1, 2, 3, 5, 10, 12, 20].map(generationLabel)).toEqual(['第一次', '第二次', '第三次', '第五次', '第十次', '第十二次', '第二十次']);
  });
});

describe('case study form', () => {
  it('keeps the body exactly, with CRLF as LF', () => {
    const body = '  一行目\r\n\r\n  三行目\r最後 ';
    const r = parseCaseStudyForm({ fiscal_year: 'R6', title: ' 題 ', body });
    expect(r.ok && r.data).toEqual({ fiscalYear: 2024, title: '題', body: '  一行目\n\n  三行目\n最後 ' });
  });

  it('counts characters, not UTF-16 units, against the limits', () => {
    expect(characterCount('👨‍👩‍👧')).toBe(5);
    expect(parseCaseStudyForm({ fiscal_year: 'R6', title: '😀'.repeat(200), body: 'b' }).ok).toBe(true);
    expect(parseCaseStudyForm({ fiscal_year: 'R6', title: '😀'.repeat(201), body: 'b' }).ok).toBe(false);
    expect(parseCaseStudyForm({ fiscal_year: 'R6', title: 't', body: 'あ'.repeat(20_000) }).ok).toBe(true);
    const long = parseCaseStudyForm({ fiscal_year: 'R6', title: 't', body: 'あ'.repeat(20_001) });
    expect(!long.ok && long.errors.body).toContain('20,001文字');
  });

  it('refuses a blank body and control characters', () => {
    const r = parseCaseStudyForm({ fiscal_year: '', title: 'a\u0000b', body: ' \r\n ' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['body', 'fiscal_year', 'title']);
  });
});

describe('shared helpers', () => {
  it('turns anything that is not a string into an empty value', () => {
    expect(formValues({ a: ['x', 'y'], b: { c: 1 }, d: 3 }, ['a', 'b', 'd', 'e'])).toEqual({ a: '', b: '', d: '3', e: '' });
    expect(formValues(null, ['a'])).toEqual({ a: '' });
  });

  it('reads the version, and treats a garbled one as stale', () => {
    expect(formVersion({ version: '3' })).toBe(3);
    expect(formVersion({ version: '3a' })).toBe(-1);
    expect(formVersion({})).toBe(-1);
  });

  it('marks which fields differ on the conflict page', () => {
    expect(conflictRows({ a: 'A', b: 'B' }, { a: '1', b: '2' }, { a: '1', b: '3' })).toEqual([
      { label: 'A', stored: '1', typed: '1', differs: false },
      { label: 'B', stored: '2', typed: '3', differs: true },
    ]);
  });
});
