/**
 * recordSuccession refuses what cannot be a merge or split, with a Japanese
 * message keyed by the field it belongs beside, and writes nothing then.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { auditEvents, closedFiscalYears, districts, successionEvents, users } from '../../src/db/schema.js';
import { addDistrict, addWard, monthlyValues } from '../support/app.js';
import { recordSuccession, SuccessionError, type SuccessionInput } from '../../src/successions/repository.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { createSalon } from '../../src/salons/repository.js';
import { eq } from 'drizzle-orm';

const NOW = new Date('2026-11-30T00:00:00Z');
let database: Database$;

beforeEach(async () => {
  database = await openDatabase(':memory:');
  const ward = addWard(database, '東区');
  addDistrict(database, { code: 'A', name: 'A校区', wardId: ward });
  addDistrict(database, { code: 'B', name: 'B校区', wardId: ward });
  addDistrict(database, { code: 'C', name: 'C校区', wardId: ward, activeFrom: 2025 });
  addDistrict(database, { code: 'D', name: 'D校区', wardId: ward, activeFrom: 2025 });
  database.db.insert(users).values({ login: 'city', displayName: '市社協', passwordHash: 'x', role: 'city', createdAt: NOW.toISOString() }).run();
});
afterEach(() => database.sqlite.close());

function refused(input: Partial<SuccessionInput>): Record<string, string> {
  const full: SuccessionInput = { label: '統合', predecessorCodes: ['A'], successorCodes: ['C'], firstMonth: '2024-10', ...input };
  const before = database.db.select().from(successionEvents).all().length;
  try {
    recordSuccession(database.db, full, { userId: 1 }, NOW);
  } catch (err) {
    expect(err).toBeInstanceOf(SuccessionError);
    expect(database.db.select().from(successionEvents).all()).toHaveLength(before);
    return (err as SuccessionError).fieldErrors;
  }
  throw new Error('not refused');
}

describe('recordSuccession refuses, beside the field', () => {
  it('a blank name, no district on a side, an unknown code, a district on both sides', () => {
    expect(refused({ label: '  ' })).toEqual({ label: '統合・分割の名前を入力してください（例：枝光台校区の統合）。' });
    expect(refused({ predecessorCodes: [] })).toEqual({ predecessor_codes: '統合・分割される（元の）校(地)区を1つ以上選んでください。' });
    expect(refused({ successorCodes: [''] })).toEqual({ successor_codes: '後継の校(地)区を1つ以上選んでください。' });
    expect(refused({ successorCodes: ['Z9'] })).toEqual({ successor_codes: '校(地)区コード Z9 の校(地)区はありません。' });
    expect(refused({ successorCodes: ['A', 'C'] }).successor_codes).toBe('A が元の校(地)区と後継の校(地)区の両方に入っています。どちらか一方にしてください。');
  });

  it('an impossible or far-off month', () => {
    expect(refused({ firstMonth: '2024-13' })).toEqual({ first_month: '月は 2024-10 または 2024/10 のように入力してください。' });
    expect(refused({ firstMonth: '' })).toEqual({ first_month: '後継の校(地)区が報告を始める月を入力してください。' });
    expect(refused({ firstMonth: '2031-04' }).first_month).toBe('令和13年4月は先すぎます。24か月先までの月を入力してください。');
  });

  it('a closed fiscal year, named', () => {
    database.db.insert(closedFiscalYears).values({ fiscalYear: 2024, closedBy: 1, closedAt: NOW.toISOString() }).run();
    expect(refused({}).first_month).toBe('令和6年度は年度確定済みのため、変更できません。変更が必要な場合は市社協に年度の再開を依頼してください。');
  });

  it('a predecessor already succeeded, and reports on the wrong side of the first month', () => {
    recordSuccession(database.db, { label: '最初', predecessorCodes: ['A'], successorCodes: ['C'], firstMonth: '2025-04' }, { userId: 1 }, NOW);
    expect(refused({ label: '二回目', predecessorCodes: ['A'], successorCodes: ['D'], firstMonth: '2025-04' }).predecessor_codes).toBe(
      'A校区（A）は「最初」（令和7年4月から）ですでに統合・分割されています。',
    );
    saveMonthlyReport(database.db, { districtId: 2, month: '2025-06', values: monthlyValues({ mutual_aid_cases: 1 }), userId: 1 });
    expect(refused({ label: 'B', predecessorCodes: ['B'], successorCodes: ['D'], firstMonth: '2025-04' }).first_month).toBe(
      'B校区（B）には令和7年6月の月次報告があります。最初の月はそれより後にするか、その報告を後継の校(地)区に入力し直してください。',
    );
  });

  it('a move to a district that is not a successor', () => {
    const salon = createSalon(database.db, 1, { name: 's', venue: '', openedOn: '2020-04-01', closedOn: null, subsidyApplied: false }, 1);
    expect(refused({ successorCodes: ['C', 'D'], firstMonth: '2025-04', moveTo: { [`salon:${salon.id}`]: 'B' } })).toEqual({
      [`move:salon:${salon.id}`]: '移す先は後継の校(地)区から選んでください。',
    });
  });
});

describe('recordSuccession (a split with a chosen successor per item)', () => {
  it('moves each item to its chosen successor and ends the predecessor the FY before an April first month', () => {
    const s1 = createSalon(database.db, 1, { name: '一', venue: '', openedOn: '2020-04-01', closedOn: null, subsidyApplied: false }, 1);
    const s2 = createSalon(database.db, 1, { name: '二', venue: '', openedOn: '2025-05-01', closedOn: null, subsidyApplied: false }, 1);
    const result = recordSuccession(
      database.db,
      { label: 'Aの分割', predecessorCodes: ['A'], successorCodes: ['C', 'D'], firstMonth: '2025-04', moveTo: { [`salon:${s2.id}`]: 'D' } },
      { userId: 1 },
      NOW,
    );
    // s1 opened before the event: split (A keeps it until the first day); s2 opened after: moved whole to D.
    expect(result.moved).toEqual([
      { key: `salon:${s1.id}`, kind: 'salon', fromCode: 'A', toCode: 'C', split: true },
      { key: `salon:${s2.id}`, kind: 'salon', fromCode: 'A', toCode: 'D', split: false },
    ]);
    expect(database.db.select().from(districts).where(eq(districts.code, 'A')).get()!.activeTo).toBe(2024);
    const audited = database.db.select().from(auditEvents).where(eq(auditEvents.action, 'move')).all();
    expect(audited).toHaveLength(2);
  });
});
