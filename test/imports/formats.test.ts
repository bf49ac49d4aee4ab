import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { asc, eq } from 'drizzle-orm';
import type { Database$ } from '../../src/db/index.js';
import { districts, plans, publishedFigures, salons, wards } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { getMonthlyReport, valuesOf } from '../../src/monthlyReports/repository.js';
import { seedSmallCity } from '../support/app.js';
import { auditCount, csv, freshDatabase, HEADERS } from './support.js';

let database: Database$;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  database = await freshDatabase();
  ids = await seedSmallCity(database);
});
afterEach(() => database.sqlite.close());

describe('districts', () => {
  it('creates districts, creates a new ward by name when asked (--create-wards), and updates by code', () => {
    const file = csv([
      HEADERS.districts,
      'N01,北一校区,きたいち,北区,R1,',
      'Ｎ０２,北二校区,きたに,北区,2019,令和5年度',
      'E01,東一校区（新）,ひがしいち,東区,,',
    ]);
    const result = importCsv(database.db, 'districts', file, { userId: null, createWards: true });
    expect(result).toMatchObject({ ok: true, counts: { created: 2, updated: 1, unchanged: 0 }, wardsCreated: ['北区'] });
    const north = database.db.select().from(wards).where(eq(wards.name, '北区')).get();
    expect(north).toBeDefined();
    const rows = database.db.select().from(districts).orderBy(asc(districts.code)).all();
    expect(rows.map((d) => [d.code, d.name, d.wardId, d.activeFrom, d.activeTo])).toEqual([
      ['E01', '東一校区（新）', ids.wardA, null, null],
      ['E02', '東二校区', ids.wardA, null, null],
      ['N01', '北一校区', north!.id, 2019, null],
      ['N02', '北二校区', north!.id, 2019, 2023],
      ['W01', '西一校区', ids.wardB, null, null],
    ]);
    // one event per district written, one for the new ward
    expect(auditCount(database, 'district')).toBe(3);
    expect(auditCount(database, 'ward')).toBe(1);
  });
});

describe('monthly reports', () => {
  it('reads full-width digits, thousands separators, blanks as not reported, and YYYY/M months', () => {
    const file = csv([HEADERS.monthly, 'E01,2024-04,"1,234",１２,,0,５０,"１，００５", 2 ,30,敬老会あり', 'W01,2024/5,7,,,,,,,,']);
    const result = importCsv(database.db, 'monthly', file, { userId: null });
    expect(result).toMatchObject({ ok: true, counts: { created: 2, updated: 0, unchanged: 0 } });
    expect(valuesOf(getMonthlyReport(database.db, ids.d1, '2024-04')!)).toEqual({
      watched_elderly: 1234,
      watched_disability: 12,
      watched_single_parent: null,
      watched_other: 0,
      welfare_cooperators: 50,
      mutual_aid_cases: 1005,
      coordination_meetings: 2,
      well_club_participants: 30,
      note: '敬老会あり',
    });
    expect(getMonthlyReport(database.db, ids.d3, '2024-05')?.watchedElderly).toBe(7);
    expect(auditCount(database, 'monthly_report')).toBe(2);
  });

  it('keeps a note with commas and line breaks inside quotes', () => {
    const file = csv([HEADERS.monthly, 'E01,2024-04,1,,,,,,,,"一行目,続き', '二行目"', 'E02,2024-04,2,,,,,,,,']);
    expect(importCsv(database.db, 'monthly', file, {}).ok).toBe(true);
    expect(getMonthlyReport(database.db, ids.d1, '2024-04')?.note).toBe('一行目,続き\n二行目');
  });
});

describe('salons', () => {
  it('reads YYYY/M/D and YYYY-MM-DD dates and はい/いいえ/1/0/blank', () => {
    const file = csv([
      HEADERS.salons,
      'E01,ひまわりサロン,東一市民センター,2020/4/1,,はい',
      'E01,あさがおサロン,,2021-05-10,2024/3/31,いいえ',
      'W01,さくらサロン,公民館,2019/6/1,,1',
      'W01,もみじサロン,集会所,2022-10-01,,',
    ]);
    expect(importCsv(database.db, 'salons', file, { userId: null })).toMatchObject({ ok: true, counts: { created: 4, updated: 0, unchanged: 0 } });
    const rows = database.db.select().from(salons).orderBy(asc(salons.id)).all();
    expect(rows.map((s) => [s.districtId, s.name, s.venue, s.openedOn, s.closedOn, s.subsidyApplied])).toEqual([
      [ids.d1, 'ひまわりサロン', '東一市民センター', '2020-04-01', null, true],
      [ids.d1, 'あさがおサロン', '', '2021-05-10', '2024-03-31', false],
      [ids.d3, 'さくらサロン', '公民館', '2019-06-01', null, true],
      [ids.d3, 'もみじサロン', '集会所', '2022-10-01', null, false],
    ]);
    expect(auditCount(database, 'salon')).toBe(4);
    // The same file again changes nothing and does not double the register.
    expect(importCsv(database.db, 'salons', file, {})).toMatchObject({ ok: true, counts: { created: 0, updated: 0, unchanged: 4 } });
    expect(database.db.select().from(salons).all()).toHaveLength(4);
  });
});

describe('plans', () => {
  it('reads fiscal years as 2019, R1, H30 and generations as 2, 第2次, 第二次', () => {
    const file = csv([HEADERS.plans, 'E01,1,H30,R1,R5', 'E01,第二次,2023,2024,2028', 'W01,第1次,R6,２０２４,R8']);
    expect(importCsv(database.db, 'plans', file, { userId: null })).toMatchObject({ ok: true, counts: { created: 3, updated: 0, unchanged: 0 } });
    const rows = database.db.select().from(plans).orderBy(asc(plans.id)).all();
    expect(rows.map((p) => [p.districtId, p.generation, p.formulatedFy, p.firstFy, p.lastFy])).toEqual([
      [ids.d1, 1, 2018, 2019, 2023],
      [ids.d1, 2, 2023, 2024, 2028],
      [ids.d3, 1, 2024, 2024, 2026],
    ]);
    expect(auditCount(database, 'plan')).toBe(3);
  });
});

describe('published figures', () => {
  it('reads item numbers, scopes (city, ward name, district code) and not-available cells with their reason', () => {
    const file = csv([HEADERS.published, '1,R1,city,"125,407",', '３,R2,city,,コロナ禍で正確な統計不可', '2,2020,東区,１，２３４,', '5,2021,W01,88,速報値']);
    expect(importCsv(database.db, 'published', file, { userId: null })).toMatchObject({ ok: true, counts: { created: 4, updated: 0, unchanged: 0 } });
    const rows = database.db.select().from(publishedFigures).orderBy(asc(publishedFigures.id)).all();
    expect(rows.map((f) => [f.item, f.fiscalYear, f.scopeType, f.scopeId, f.value, f.note])).toEqual([
      ['1', 2019, 'city', 0, 125407, null],
      ['3', 2020, 'city', 0, null, 'コロナ禍で正確な統計不可'],
      ['2', 2020, 'ward', ids.wardA, 1234, null],
      ['5', 2021, 'district', ids.d3, 88, '速報値'],
    ]);
    // Changing one value updates that cell only.
    const again = csv([HEADERS.published, '1,2019,city,125408,', '３,R2,city,,コロナ禍で正確な統計不可']);
    expect(importCsv(database.db, 'published', again, {})).toMatchObject({ ok: true, counts: { created: 0, updated: 1, unchanged: 1 } });
    expect(auditCount(database, 'published_figure')).toBe(5);
  });
});

describe('encodings and header order', () => {
  it('imports a Shift_JIS file (as Excel in Japan saves it) with Japanese names', () => {
    const text = [HEADERS.districts, 'K01,小倉北校区,こくらきた,小倉北区,R1,', 'K02,髙島校区,たかしま,小倉北区,,'].join('\r\n') + '\r\n';
    const bytes = iconv.encode(text, 'Shift_JIS');
    // Make sure the fixture really is not UTF-8, or the test would prove nothing.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(importCsv(database.db, 'districts', bytes, { createWards: true })).toMatchObject({ ok: true, counts: { created: 2, updated: 0, unchanged: 0 } });
    const k01 = database.db.select().from(districts).where(eq(districts.code, 'K01')).get();
    expect(k01).toMatchObject({ name: '小倉北校区', kana: 'こくらきた' });
    // cp932 holds the NEC/IBM extension 髙 that plain Shift_JIS lacks
    const k02 = database.db.select().from(districts).where(eq(districts.code, 'K02')).get();
    expect(k02?.name).toBe('髙島校区');
    expect(database.db.select().from(wards).where(eq(wards.name, '小倉北区')).get()).toBeDefined();
  });

  it('imports a Shift_JIS monthly file with a Japanese note and full-width digits', () => {
    const text = [HEADERS.monthly, 'E01,2024-04,１２５,,,,,３,,,夏祭りで見守り'].join('\r\n');
    const result = importCsv(database.db, 'monthly', iconv.encode(text, 'cp932'), {});
    expect(result.ok).toBe(true);
    expect(getMonthlyReport(database.db, ids.d1, '2024-04')).toMatchObject({ watchedElderly: 125, mutualAidCases: 3, note: '夏祭りで見守り' });
  });

  it('imports a UTF-8 file with a BOM (the BOM is not part of the first column name)', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), csv([HEADERS.salons, 'E02,ゆうやけサロン,東二会館,2023/7/1,,はい'])]);
    expect(importCsv(database.db, 'salons', bytes, {})).toMatchObject({ ok: true, counts: { created: 1, updated: 0, unchanged: 0 } });
    expect(database.db.select().from(salons).get()).toMatchObject({ districtId: ids.d2, name: 'ゆうやけサロン', subsidyApplied: true });
  });

  it('accepts the columns in any order and LF line endings', () => {
    const file = csv(['last_fy,first_fy,formulated_fy,generation,district_code', 'R5,R1,R1,1,E02'], '\n');
    expect(importCsv(database.db, 'plans', file, {}).ok).toBe(true);
    expect(database.db.select().from(plans).get()).toMatchObject({ districtId: ids.d2, firstFy: 2019, lastFy: 2023 });
  });

  it('skips blank lines and rows of empty cells that Excel leaves below the data', () => {
    const file = csv([HEADERS.plans, 'E02,1,R1,R1,R5', '', ',,,,', ',,,,']);
    expect(importCsv(database.db, 'plans', file, {})).toMatchObject({ ok: true, counts: { created: 1, updated: 0, unchanged: 0 } });
  });
});
