/**
 * Issue 13: one catalogue of what is counted. The city's catalogue gives
 * exactly the lists the app had before (DESIGN §3, §4, §8), and a field added
 * to a copy of the catalogue shows up on the monthly form's field list, in the
 * CSV columns (import and export), in the rollup input and in the rollup, and
 * as a row of the household table.
 */
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  formGroups,
  householdRows,
  monthlyImportColumns,
  monthlyValueColumns,
  rollupReportColumns,
  withField,
  withItem,
  type CountFieldDefinition,
  type ItemDefinition,
  type ItemNumber,
} from '../../src/domain/catalogue.js';
import { HOUSEHOLD_ROWS, ITEMS } from '../../src/domain/items.js';
import {
  districtYearFigures,
  householdValues,
  itemValues,
  rollupHouseholds,
  rollupYear,
  type MonthlyFigures,
  type RollupInput,
} from '../../src/domain/rollup.js';
import { COUNT_FIELDS, FIELD_COLUMNS, FIELD_LABELS } from '../../src/monthlyReports/repository.js';
import { FORM_GROUPS, UNITS } from '../../src/monthlyReports/form.js';
import { IMPORT_COLUMNS } from '../../src/domain/importFormats.js';
import { validateImport } from '../../src/imports/importCsv.js';
import type { ImportLookups } from '../../src/imports/repository.js';
import { MONTHLY_COLUMNS, monthlyImportGrid } from '../../src/exports/tables.js';
import { reportSelectList } from '../../src/figures/rollupInput.js';
import { buildTrendRows, rowDefinitions, type PublishedValue } from '../../src/trends/table.js';
import type { CellValue } from '../../src/domain/rollup.js';

/** DESIGN §8's monthly columns, typed out here rather than taken from the code under test. */
const DESIGN_MONTHLY =
  'district_code,month,watched_elderly,watched_disability,watched_single_parent,watched_other,welfare_cooperators,mutual_aid_cases,coordination_meetings,well_club_participants,note';

/** Another council's stock count (seed 001: ボランティア活動者数), with its own household row. */
const VOLUNTEERS: CountFieldDefinition = {
  key: 'volunteers',
  name: 'volunteers',
  label: 'ボランティア活動者数',
  formLabel: 'ボランティア活動者数',
  short: 'ボランティア',
  unit: '人',
  flow: 'stock',
  group: 'activities',
  rollup: 'latest',
  figure: 'volunteers',
  hint: '月末の人数',
  household: { title: 'ボランティア(人)' },
};

/** And a flow count (seed 001: 声かけ訓練の回数), summed over the year. */
const DRILLS: CountFieldDefinition = {
  key: 'drills',
  name: 'drills',
  label: '声かけ訓練の回数',
  formLabel: '声かけ訓練の回数',
  short: '声かけ訓練',
  unit: '回',
  flow: 'flow',
  group: 'activities',
  rollup: 'sum',
  figure: 'drills',
  hint: 'この月の回数',
};

const COPY = withField(withField(CATALOGUE, VOLUNTEERS), DRILLS);

describe('the city catalogue', () => {
  it('gives the monthly fields, labels, units and CSV columns the app had, in DESIGN §8 order', () => {
    expect(['district_code', 'month', ...COUNT_FIELDS, 'note'].join(',')).toBe(DESIGN_MONTHLY);
    expect(IMPORT_COLUMNS.monthly.join(',')).toBe(DESIGN_MONTHLY);
    expect(monthlyImportColumns().join(',')).toBe(DESIGN_MONTHLY);
    expect([...MONTHLY_COLUMNS]).toEqual(DESIGN_MONTHLY.split(',').slice(2));
    expect(FIELD_LABELS).toEqual({
      watched_elderly: '見守り世帯数（高齢者世帯）',
      watched_disability: '見守り世帯数（障害のある人のある世帯）',
      watched_single_parent: '見守り世帯数（ひとり親で子育て中の世帯）',
      watched_other: '見守り世帯数（その他の世帯）',
      welfare_cooperators: '福祉協力員数',
      mutual_aid_cases: '助け合い件数',
      coordination_meetings: '連絡調整会議の開催回数',
      well_club_participants: 'ウェルクラブ活動等の参加者数',
      note: '備考',
    });
    expect(UNITS).toEqual({
      watched_elderly: '世帯',
      watched_disability: '世帯',
      watched_single_parent: '世帯',
      watched_other: '世帯',
      welfare_cooperators: '人',
      mutual_aid_cases: '件',
      coordination_meetings: '回',
      well_club_participants: '人',
    });
    expect(FIELD_COLUMNS.well_club_participants).toBe('wellClubParticipants');
  });

  it('gives the form its two groups, the watched households first', () => {
    expect(FORM_GROUPS.map((g) => [g.legend, g.fields.map((f) => `${f.name}:${f.label}:${f.short}:${f.unit}`)])).toEqual([
      [
        '見守り世帯数（月末の世帯数）',
        [
          'watched_elderly:高齢者世帯:高齢者:世帯',
          'watched_disability:障害のある人のある世帯:障害:世帯',
          'watched_single_parent:ひとり親で子育て中の世帯:ひとり親:世帯',
          'watched_other:その他の世帯:その他:世帯',
        ],
      ],
      [
        '福祉協力員・助け合い・会議・ウェルクラブ',
        [
          'welfare_cooperators:福祉協力員数:福祉協力員:人',
          'mutual_aid_cases:助け合い件数:助け合い:件',
          'coordination_meetings:連絡調整会議の開催回数:連絡調整会議:回',
          'well_club_participants:ウェルクラブ活動等の参加者数:ウェルクラブ等:人',
        ],
      ],
    ]);
    expect(FORM_GROUPS.flatMap((g) => g.fields.filter((f) => f.flow === 'flow').map((f) => f.name))).toEqual([
      'mutual_aid_cases',
      'coordination_meetings',
      'well_club_participants',
    ]);
  });

  it('gives the trend tables their item and household rows', () => {
    expect(rowDefinitions('items').map((r) => `${r.circled}${r.title}`)).toEqual(ITEMS.map((d) => `${d.circled}${d.title}`));
    expect(rowDefinitions('households').map((r) => r.key)).toEqual(householdRows().map((r) => r.key));
    expect(HOUSEHOLD_ROWS.map((r) => [r.key, r.unit, r.group])).toEqual([
      ['welfare_cooperators', '人', ''],
      ['watched_elderly', '世帯', '見守り世帯数'],
      ['watched_disability', '世帯', '見守り世帯数'],
      ['watched_single_parent', '世帯', '見守り世帯数'],
      ['watched_other', '世帯', '見守り世帯数'],
      ['watched_total', '世帯', '見守り世帯数'],
    ]);
    expect(ITEMS.filter((d) => d.yearEnd).map((d) => d.item)).toEqual([1, 3, 6, 7]);
    expect(ITEMS.filter((d) => d.registerCount).map((d) => d.item)).toEqual([4, 6, 7]);
  });

  it('reads the rollup input under the rollup keys', () => {
    expect(reportSelectList()).toBe(
      '"district_id" AS "districtId", "month", "watched_elderly" AS "watchedElderly", "watched_disability" AS "watchedDisability", "watched_single_parent" AS "watchedSingleParent", "watched_other" AS "watchedOther", "welfare_cooperators" AS "welfareCooperators", "mutual_aid_cases" AS "mutualAidCases", "coordination_meetings" AS "coordinationMeetings", "well_club_participants" AS "wellClubParticipants"',
    );
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(CATALOGUE.fields)).toBe(true);
    expect(Object.isFrozen(CATALOGUE.fields[0])).toBe(true);
    expect(Object.isFrozen(CATALOGUE.items[0]!.rollup)).toBe(true);
  });
});

describe('a field added to a copy of the catalogue', () => {
  it('leaves the city catalogue as it was', () => {
    expect(CATALOGUE.fields).toHaveLength(8);
    expect(COPY.fields).toHaveLength(10);
  });

  it('is on the monthly form, in its group, with its label, unit and hint', () => {
    const activities = formGroups(COPY).find((g) => g.key === 'activities')!;
    expect(activities.fields.map((f) => f.name)).toEqual([
      'welfare_cooperators',
      'mutual_aid_cases',
      'coordination_meetings',
      'well_club_participants',
      'volunteers',
      'drills',
    ]);
    expect(activities.fields.find((f) => f.name === 'volunteers')).toMatchObject({
      label: 'ボランティア活動者数',
      unit: '人',
      hint: '月末の人数',
      short: 'ボランティア',
    });
  });

  it('gives the form its group headings: the watched total’s heading and unit come from the group', () => {
    const renamed = { ...CATALOGUE, groups: CATALOGUE.groups.map((g) => (g.total ? { ...g, total: { ...g.total, heading: '見守り対象', unit: '戸' } } : g)) };
    expect(formGroups(renamed)[0]!.total).toEqual({ heading: '見守り対象', unit: '戸' });
    expect(formGroups(CATALOGUE)[0]!.total).toEqual({ heading: '見守り世帯数', unit: '世帯' });
    expect(formGroups(CATALOGUE)[1]!.total).toBeNull();
  });

  it('is a column of the monthly CSV, imported and exported', () => {
    expect(monthlyImportColumns(COPY)).toEqual([...DESIGN_MONTHLY.split(',').slice(0, -1), 'volunteers', 'drills', 'note']);
    expect(monthlyValueColumns(COPY).slice(-3)).toEqual(['volunteers', 'drills', 'note']);
    const reports = new Map([
      ['2024-04', { watched_elderly: 10, volunteers: 7, drills: 2, note: null }],
      ['2024-05', { volunteers: null, drills: 1 }],
    ]);
    const grid = monthlyImportGrid({ code: 'E01' }, 2024, ['2024-04', '2024-05', '2024-06'], reports, COPY);
    expect(grid.header).toEqual(monthlyImportColumns(COPY));
    const at = (row: number, column: string) => grid.rows[row]![grid.header.indexOf(column)];
    expect(grid.rows).toHaveLength(2);
    expect([at(0, 'volunteers'), at(0, 'drills'), at(0, 'watched_elderly')]).toEqual([7, 2, 10]);
    expect([at(1, 'volunteers'), at(1, 'drills')]).toEqual([null, 1]);
    // The city's export has no such column.
    expect(monthlyImportGrid({ code: 'E01' }, 2024, ['2024-04'], reports as never).header).not.toContain('volunteers');
  });

  it('is read from a monthly CSV by the import’s checks, its problems reported on its own column', () => {
    // The checks only (no database has such columns): one district, no closed year.
    const lookups: ImportLookups = {
      districtsByCode: new Map([['E01', { id: 1, code: 'E01', name: '東校区', wardId: 1, activeFrom: null, activeTo: null }]]),
      wardsByName: new Map([['東区', 1]]),
      closedYears: new Set(),
    };
    const options = { lookups, today: '2024-06-15', catalogue: COPY };
    const header = [...DESIGN_MONTHLY.split(',').slice(0, -1), 'volunteers', 'drills', 'note'].join(',');
    const file = (...lines: string[]) => Buffer.from([header, ...lines].join('\n') + '\n', 'utf8');
    // district_code, month, the eight counts, volunteers, drills, note.
    const row = (month: string, elderly: string, volunteers: string, drills: string) =>
      ['E01', month, elderly, '', '', '', '', '', '', '', volunteers, drills, ''].join(',');

    const read = validateImport('monthly', file(row('2024-04', '10', '７', '2'), row('2024-05', '', '3', '')), options);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.rows.map((r) => r.write.monthly?.values)).toEqual([
      expect.objectContaining({ watched_elderly: 10, volunteers: 7, drills: 2, note: null }),
      // A month that reports only an added field is a report.
      expect.objectContaining({ watched_elderly: null, volunteers: 3, drills: null, note: null }),
    ]);

    const bad = validateImport('monthly', file(row('2024-04', '10', '-1', 'x')), options);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.map((e) => [e.line, e.column, e.message])).toEqual([
      [2, 'volunteers', 'マイナスの数は入力できません。0以上の整数を入力してください。'],
      [2, 'drills', '数字で入力してください（例：125 または １２５）。'],
    ]);

    // A file of the city's columns lacks the added ones; the city's checks do not know them.
    const city = validateImport('monthly', Buffer.from(`${DESIGN_MONTHLY}\nE01,2024-04,10,,,,,,,,\n`), options);
    expect(city.ok ? [] : city.errors.map((e) => [e.line, e.column])).toEqual([
      [1, 'volunteers'],
      [1, 'drills'],
    ]);
    const unknown = validateImport('monthly', file(row('2024-04', '10', '7', '2')), { lookups, today: '2024-06-15' });
    expect(unknown.ok ? [] : unknown.errors.map((e) => e.message)).toEqual([
      `列「volunteers」はこのファイルには使えません。使える列: ${DESIGN_MONTHLY}`,
      `列「drills」はこのファイルには使えません。使える列: ${DESIGN_MONTHLY}`,
    ]);
  });

  it('is read into the rollup input', () => {
    expect(rollupReportColumns(COPY).slice(-2)).toEqual([
      { column: 'volunteers', key: 'volunteers' },
      { column: 'drills', key: 'drills' },
    ]);
    expect(reportSelectList(rollupReportColumns(COPY))).toMatch(/"well_club_participants" AS "wellClubParticipants", "volunteers", "drills"$/);
  });

  it('is rolled up by its rule and is a row of the household table, leaving the seven items as they were', () => {
    const month = (districtId: number, m: string, values: Record<string, number | null>) =>
      ({
        districtId,
        month: m,
        watchedElderly: null,
        watchedDisability: null,
        watchedSingleParent: null,
        watchedOther: null,
        welfareCooperators: null,
        mutualAidCases: null,
        coordinationMeetings: null,
        wellClubParticipants: null,
        ...values,
      }) as MonthlyFigures;
    const reports = [
      month(1, '2024-04', { watchedElderly: 30, volunteers: 5, drills: 1 }),
      month(1, '2024-09', { volunteers: 8, drills: 2 }),
      month(1, '2025-01', { volunteers: null, drills: null, mutualAidCases: 4 }),
      month(2, '2024-05', { watchedElderly: 20, volunteers: 3 }),
    ];
    const districts = [
      { id: 1, activeFrom: null, activeTo: null },
      { id: 2, activeFrom: null, activeTo: null },
      { id: 3, activeFrom: null, activeTo: null },
    ];
    const input: RollupInput = { districts, reports, salons: [], plans: [], regularMeetingMonths: 6, catalogue: COPY };
    const d1 = districtYearFigures(districts[0]!, 2024, input);
    // Stock: the latest reported value of the year; flow: the sum of the months.
    expect([d1.volunteers, d1.drills]).toEqual([8, 3]);
    expect(householdValues(d1, COPY)).toMatchObject({ volunteers: 8, watched_total: 30 });
    const rows = householdRows(COPY);
    expect(rows.map((r) => r.key)).toEqual([
      'welfare_cooperators',
      'volunteers',
      'watched_elderly',
      'watched_disability',
      'watched_single_parent',
      'watched_other',
      'watched_total',
    ]);
    expect(rows.find((r) => r.key === 'volunteers')).toMatchObject({ title: 'ボランティア(人)', unit: '人', group: '' });
    const table = rollupHouseholds(2024, input) as Record<string, { value: number | null; districtsReported: number }>;
    expect(table.volunteers).toEqual({ value: 11, districtsReported: 2 });
    expect(table.watched_total).toEqual({ value: 50, districtsReported: 2 });
    // The seven items are the same with or without the added fields.
    const cityInput: RollupInput = { districts, reports: reports.map((r) => ({ ...r })), salons: [], plans: [], regularMeetingMonths: 6 };
    expect(rollupYear(2024, input)).toEqual(rollupYear(2024, cityInput));
    expect(rollupYear(2024, input)[1]).toEqual({ value: 50, districtsReported: 2 });
    expect(itemValues(d1, COPY)).toEqual(itemValues(d1));
  });

  it('is left out of the year-end states of a district succeeded in that year, as the watched households are', () => {
    const reports = [
      {
        districtId: 1,
        month: '2024-04',
        watchedElderly: 30,
        watchedDisability: null,
        watchedSingleParent: null,
        watchedOther: null,
        welfareCooperators: null,
        mutualAidCases: null,
        coordinationMeetings: null,
        wellClubParticipants: null,
        volunteers: 5,
        drills: 2,
      } as MonthlyFigures,
    ];
    const districts = [
      { id: 1, activeFrom: null, activeTo: 2024 },
      { id: 2, activeFrom: 2024, activeTo: null },
    ];
    const input: RollupInput = {
      districts,
      reports,
      salons: [],
      plans: [],
      regularMeetingMonths: 6,
      catalogue: COPY,
      successions: [{ firstMonth: '2024-10', predecessorIds: [1], successorIds: [2] }],
    };
    const f = districtYearFigures(districts[0]!, 2024, input);
    expect([f.volunteers, f.drills, f.watchedTotal]).toEqual([null, 2, null]);
  });
});

describe('the trend tables built from a copy of the catalogue', () => {
  /** Another council's eighth item: the flow count DRILLS summed over the year (the city's types name its seven). */
  const DRILLS_ITEM: ItemDefinition = {
    item: 8 as number as ItemNumber,
    circled: '⑧',
    title: '声かけ訓練の実施回数',
    unit: '回',
    figure: 'drills',
    column: 'drills',
    rollup: { kind: 'sum', field: 'drills' },
    yearEnd: false,
    registerCount: false,
    howCounted: () => '各月の実施回数の合計',
  };
  const WITH_ITEM = withItem(COPY, DRILLS_ITEM);
  const options = { basis: 'yoy', thresholds: { flat: 0.05, strong: 0.2 } } as const;

  const month = (districtId: number, m: string, values: Record<string, number | null>) =>
    ({
      districtId,
      month: m,
      watchedElderly: null,
      watchedDisability: null,
      watchedSingleParent: null,
      watchedOther: null,
      welfareCooperators: null,
      mutualAidCases: null,
      coordinationMeetings: null,
      wellClubParticipants: null,
      ...values,
    }) as MonthlyFigures;
  const districts = [
    { id: 1, activeFrom: null, activeTo: null },
    { id: 2, activeFrom: null, activeTo: null },
  ];
  const reports = [
    month(1, '2023-06', { watchedElderly: 25, volunteers: 6, drills: 4 }),
    month(1, '2024-04', { watchedElderly: 30, volunteers: 5, drills: 1 }),
    month(1, '2024-09', { volunteers: 8, drills: 2 }),
    month(2, '2024-05', { watchedElderly: 20, volunteers: 3, drills: 3 }),
  ];
  const input: RollupInput = { districts, reports, salons: [], plans: [], regularMeetingMonths: 6, catalogue: WITH_ITEM };
  const years = [2023, 2024];
  const itemRollups = new Map<number, Record<string, CellValue>>(years.map((fy) => [fy, rollupYear(fy, input)]));
  const householdRollups = new Map<number, Record<string, CellValue>>(years.map((fy) => [fy, rollupHouseholds(fy, input)]));
  const none = new Map<string, PublishedValue>();

  it('lists the added item after the seven, with its title and its yearly figures', () => {
    expect(rowDefinitions('items', WITH_ITEM).map((r) => r.key)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    const rows = buildTrendRows('items', years, itemRollups, none, { ...options, catalogue: WITH_ITEM });
    expect(rows).toHaveLength(8);
    const added = rows[7]!;
    expect([added.key, added.item, added.circled, added.title]).toEqual(['8', 8, '⑧', '声かけ訓練の実施回数']);
    // A flow count: the sum of the months, over the districts that reported it.
    expect(added.values.map((c) => [c.fiscalYear, c.value, c.origin, c.districtsReported])).toEqual([
      [2023, 4, 'rollup', 1],
      [2024, 6, 'rollup', 2],
    ]);
    expect([added.trend.change, added.trend.arrow]).toEqual([0.5, '↗']);
    // The seven rows are those of the city's table over the same figures.
    expect(rows.slice(0, 7)).toEqual(buildTrendRows('items', years, itemRollups, none, options));
    expect(rows[0]!.values.map((c) => c.value)).toEqual([25, 50]);
  });

  it('lists the added stock field as a household row, with its title, its figures and a published figure', () => {
    const published = new Map<string, PublishedValue>([['volunteers:2023', { value: 9, note: null }]]);
    const rows = buildTrendRows('households', years, householdRollups, published, { ...options, catalogue: WITH_ITEM });
    expect(rows.map((r) => r.key)).toEqual(householdRows(COPY).map((r) => r.key));
    const added = rows.find((r) => r.key === 'volunteers')!;
    expect([added.item, added.circled, added.title]).toEqual([null, '', 'ボランティア(人)']);
    // The latest value of each district's year, added up; a published figure wins over the rollup.
    expect(added.values.map((c) => [c.fiscalYear, c.value, c.origin, c.rollupValue, c.districtsReported])).toEqual([
      [2023, 9, 'published', 6, 1],
      [2024, 11, 'rollup', 11, 2],
    ]);
    expect(rows.find((r) => r.key === 'watched_total')!.values.map((c) => c.value)).toEqual([25, 50]);
  });

  it('keeps the city tables as they were when no catalogue is given', () => {
    expect(buildTrendRows('items', years, itemRollups, none, options).map((r) => r.key)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(buildTrendRows('households', years, householdRollups, none, options).map((r) => r.title)).toEqual(HOUSEHOLD_ROWS.map((r) => r.title));
  });
});
