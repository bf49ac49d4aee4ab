/**
 * The recompute at the end of a large import (src/figures/bulk.ts) stores
 * exactly what recomputeDistrictYears stores: for random records changed behind
 * the stored figures' back (monthly reports, salons, plans, the meeting
 * setting), stored and unstored years, a closed year, and random touched
 * district-years, the general recompute finds nothing left to change afterwards,
 * the touched open years equal a full recompute, and the closed year is frozen.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { recomputeDistrictYearsBulk } from '../../src/figures/bulk.js';
import { recomputeDistrictYears, recomputeFiscalYears, storedYears } from '../../src/figures/recompute.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { recordSuccession } from '../../src/successions/repository.js';
import { expectedFigures, smallCity, storedFigures } from '../figures/support.js';

const FYS = [2022, 2023, 2024] as const;
const MONTHS = FYS.flatMap((fy) => Array.from({ length: 12 }, (_, i) => (i < 9 ? `${fy}-${String(i + 4).padStart(2, '0')}` : `${fy + 1}-0${i - 8}`)));
const count = fc.option(fc.integer({ min: 0, max: 30 }), { nil: null, freq: 3 });
const report = fc.record({
  district: fc.integer({ min: 0, max: 2 }),
  month: fc.constantFrom(...MONTHS),
  elderly: count,
  aid: count,
  meetings: count,
  club: count,
});
const date = fc
  .record({ month: fc.constantFrom(...MONTHS), day: fc.integer({ min: 1, max: 28 }) })
  .map(({ month, day }) => `${month}-${String(day).padStart(2, '0')}`);
const salon = fc.record({ district: fc.integer({ min: 0, max: 2 }), opened: date, closed: fc.option(date, { nil: null }) });
const plan = fc.record({ district: fc.integer({ min: 0, max: 2 }), first: fc.constantFrom(...FYS), length: fc.integer({ min: 0, max: 2 }) });
const scenario = fc.record({
  before: fc.array(report, { maxLength: 30 }),
  stored: fc.subarray([...FYS]),
  closed: fc.option(fc.constantFrom(...FYS), { nil: null }),
  after: fc.array(report, { maxLength: 30 }),
  salons: fc.array(salon, { maxLength: 3 }),
  plans: fc.array(plan, { maxLength: 2 }),
  meetingMonths: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
  touched: fc.uniqueArray(fc.record({ district: fc.integer({ min: 0, max: 2 }), fy: fc.constantFrom(...FYS, 2025) }), {
    minLength: 1,
    selector: (p) => `${p.district}:${p.fy}`,
  }),
  succession: fc.boolean(),
});

describe('the bulk recompute of an import', () => {
  it('stores what recomputeDistrictYears stores, and leaves closed years frozen', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const city = await smallCity();
        const { db, sqlite } = city.database;
        const ids = [city.d1, city.d2, city.d3];
        const write = sqlite.prepare(
          `INSERT INTO monthly_reports (district_id, month, watched_elderly, mutual_aid_cases, coordination_meetings, well_club_participants, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'x')
           ON CONFLICT (district_id, month) DO UPDATE SET watched_elderly = excluded.watched_elderly, mutual_aid_cases = excluded.mutual_aid_cases,
             coordination_meetings = excluded.coordination_meetings, well_club_participants = excluded.well_club_participants`,
        );
        const writeAll = (rows: typeof s.before) => {
          for (const r of rows) write.run(ids[r.district], r.month, r.elderly, r.aid, r.meetings, r.club);
        };
        try {
          if (s.succession) {
            // E01 merged into E02 from October 2023: E02's figures then depend on E01's (the general path takes them).
            recordSuccession(db, { label: 'merge', predecessorCodes: ['E01'], successorCodes: ['E02'], firstMonth: '2023-10' }, { userId: 1 });
          }
          writeAll(s.before);
          recomputeFiscalYears(db, s.stored);
          // A year is closed with the figures it has stored.
          const closed = s.closed !== null && s.stored.includes(s.closed) ? s.closed : null;
          if (closed !== null) closeFiscalYear(db, closed, 1);
          const frozen = closed === null ? null : storedFigures(city.database, [closed]);
          // The records change behind the stored figures' back, as an import's rows do before its recompute.
          writeAll(s.after);
          for (const x of s.salons) {
            const closedOn = x.closed && x.closed >= x.opened ? x.closed : null;
            sqlite
              .prepare("INSERT INTO salons (district_id, name, venue, opened_on, closed_on, subsidy_applied) VALUES (?, 's', '', ?, ?, 0)")
              .run(ids[x.district], x.opened, closedOn);
          }
          s.plans.forEach((p, i) => {
            sqlite
              .prepare('INSERT INTO plans (district_id, generation, formulated_fy, first_fy, last_fy) VALUES (?, ?, ?, ?, ?)')
              .run(ids[p.district], 10 + i, p.first, p.first, p.first + p.length);
          });
          if (s.meetingMonths !== null) {
            sqlite.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('regularMeetingMonths', ?)").run(JSON.stringify(s.meetingMonths));
          }
          const pairs = s.touched.map((p) => ({ districtId: ids[p.district]!, fiscalYear: p.fy }));
          const storedBefore = storedYears(db);
          db.transaction((tx) => recomputeDistrictYearsBulk(tx, sqlite, pairs));
          // Nothing left for the general recompute to change on the same district-years.
          expect(db.transaction((tx) => recomputeDistrictYears(tx, pairs))).toEqual([]);
          if (closed !== null) expect(storedFigures(city.database, [closed])).toEqual(frozen);
          // A touched open year that was not stored is now stored whole, as a full recompute gives it.
          const newlyStored = [...new Set(s.touched.map((p) => p.fy))].filter((fy) => !storedBefore.includes(fy) && fy !== closed);
          expect(storedFigures(city.database, newlyStored)).toEqual(expectedFigures(city.database, newlyStored));
        } finally {
          sqlite.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
