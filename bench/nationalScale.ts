/**
 * Generates a city of any size straight into a migrated database: wards,
 * districts, one monthly report per district and month, salons and plans.
 * Prepared statements in one transaction, the reports as one INSERT … SELECT,
 * so a national-scale database (20,000 districts × 10 fiscal years × 12 months
 * ≈ 2.4 million monthly reports) takes well under a minute.
 *
 * The counts drift slowly per district, so trends and the plausibility check
 * see a believable city. Used by bench/run.ts, which caches the files under
 * bench/.data/.
 */
import type Database from 'better-sqlite3';

export interface CityShape {
  /** Number of wards; districts are spread over them evenly. */
  wards: number;
  districts: number;
  /** Fiscal years with a monthly report for every district and month (inclusive); firstFy > lastFy for none. */
  firstFy: number;
  lastFy: number;
  /** District codes are `${codePrefix}${number}` (zero-padded to 5 digits). */
  codePrefix: string;
  /** Salons and plans per district (registers) — off for an import-only city. */
  registers: boolean;
}

/** The values of district `d` in the `m`-th month since FY `firstFy` began. */
export function monthlyValues(d: number, m: number): number[] {
  const base = 80 + ((d * 37) % 400);
  const drift = 1 + m / 1200;
  const v = (k: number) => Math.round((base / k) * drift);
  // watched_elderly, _disability, _single_parent, _other, welfare_cooperators,
  // mutual_aid_cases, coordination_meetings, well_club_participants
  return [v(1), v(8), v(15), v(30), v(4), v(6), m % 2, v(2)];
}

export const VALUE_COLUMNS = [
  'watched_elderly',
  'watched_disability',
  'watched_single_parent',
  'watched_other',
  'welfare_cooperators',
  'mutual_aid_cases',
  'coordination_meetings',
  'well_club_participants',
] as const;

/** 'YYYY-MM' of the months of FYs first..last, April to March. */
export function monthsOfYears(firstFy: number, lastFy: number): string[] {
  const months: string[] = [];
  for (let fy = firstFy; fy <= lastFy; fy++) {
    for (let i = 0; i < 12; i++) {
      const month = ((3 + i) % 12) + 1;
      const year = month >= 4 ? fy : fy + 1;
      months.push(`${year}-${String(month).padStart(2, '0')}`);
    }
  }
  return months;
}

export function districtCode(prefix: string, d: number): string {
  return `${prefix}${String(d).padStart(5, '0')}`;
}

/**
 * Fills an empty, migrated database; returns the number of monthly reports
 * written. The reports are one INSERT … SELECT over districts × months, so
 * SQLite writes 2.4 million rows without a round trip per row; the values
 * are those of `monthlyValues`.
 */
export function generateCity(sqlite: Database.Database, shape: CityShape): number {
  const now = new Date().toISOString();
  const insertWard = sqlite.prepare('INSERT INTO wards (name, kana, sort_order) VALUES (?, ?, ?)');
  const insertDistrict = sqlite.prepare('INSERT INTO districts (code, name, kana, ward_id) VALUES (?, ?, ?, ?)');
  const insertSalon = sqlite.prepare('INSERT INTO salons (district_id, name, opened_on, closed_on) VALUES (?, ?, ?, ?)');
  const insertPlan = sqlite.prepare('INSERT INTO plans (district_id, generation, formulated_fy, first_fy, last_fy) VALUES (?, ?, ?, ?, ?)');
  const monthCount = Math.max(0, (shape.lastFy - shape.firstFy + 1) * 12);
  // d: the district's number (its code without the prefix); i: months since April of firstFy.
  const v = (k: number) => `CAST(round(((80 + ((d.n * 37) % 400)) * 1.0 / ${k}) * (1 + m.i / 1200.0)) AS INTEGER)`;
  const insertReports = sqlite.prepare(`
    WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i + 1 < @months),
    d AS (SELECT id, CAST(substr(code, length(@prefix) + 1) AS INTEGER) AS n FROM districts WHERE code LIKE @prefix || '%')
    INSERT INTO monthly_reports (district_id, month, ${VALUE_COLUMNS.join(', ')}, note, updated_at)
    SELECT d.id,
      printf('%04d-%02d', @firstFy + m.i / 12 + (m.i % 12 >= 9), ((3 + m.i % 12) % 12) + 1),
      ${v(1)}, ${v(8)}, ${v(15)}, ${v(30)}, ${v(4)}, ${v(6)}, m.i % 2, ${v(2)},
      CASE WHEN m.i % 12 = 0 THEN '年度はじめ' END, @now
    FROM d, m ORDER BY d.id, m.i`);
  let written = 0;
  sqlite.transaction(() => {
    const wardIds: number[] = [];
    for (let w = 0; w < shape.wards; w++) {
      wardIds.push(Number(insertWard.run(`第${w + 1}区`, `だい${w + 1}く`, w).lastInsertRowid));
    }
    for (let d = 0; d < shape.districts; d++) {
      const wardIndex = Math.floor((d * shape.wards) / shape.districts);
      const id = Number(insertDistrict.run(districtCode(shape.codePrefix, d), `ベンチ${d}校区`, `べんち${d}`, wardIds[wardIndex]).lastInsertRowid);
      if (shape.registers) {
        for (let s = 0; s < 1 + (d % 4); s++) insertSalon.run(id, `サロン${s}`, `${2012 + s}-05-01`, s === 3 ? '2021-03-31' : null);
        insertPlan.run(id, 1, 2015 + (d % 6), 2016 + (d % 6), 2020 + (d % 6));
      }
    }
    if (monthCount > 0) written = insertReports.run({ months: monthCount, prefix: shape.codePrefix, firstFy: shape.firstFy, now }).changes;
  })();
  return written;
}
