/**
 * The demo city's council-defined indicators (DESIGN §10, §11): an Osaka-style
 * ward-yearly table with seed 001's activities entered by one ward (小倉北区),
 * whose R6 (FY2024) figures are seed 001's printed ones, and the kinds of help
 * of seed 004 (Ogori) as a breakdown of ② for a few of that ward's districts.
 * They count from R6 on, so seed 000's R1–R5 table and every figure of the
 * seven items stay as they were (seed 003's 民生委員 table, from H28, follows them); 門司区 and 田野浦校区 (the demo ward and
 * district users) enter none, so their tables keep the seven items only.
 */
import type { Db } from '../db/index.js';
import {
  districtIndicatorValues,
  indicatorCategories,
  indicatorDefinitions,
  wardIndicatorValues,
  type IndicatorEnteredBy,
  type IndicatorRollup,
} from '../db/schema.js';
import { fiscalYearOfMonth } from '../domain/fiscalYear.js';

type Conn = Pick<Db, 'insert'>;

export interface NewIndicator {
  key: string;
  name: string;
  unit: string;
  enteredBy: IndicatorEnteredBy;
  rollup: IndicatorRollup;
  threshold?: number | null;
  breaksDownField?: string | null;
  firstFy: number;
  lastFy?: number | null;
  position?: number;
  categories?: { key: string; name: string; firstFy?: number; lastFy?: number | null }[];
  /** Places after the decimal point (0 when left out). */
  decimals?: number;
  /** For `ratio`: the ids of the numerator and denominator indicators. */
  numeratorId?: number | null;
  denominatorId?: number | null;
}

/** Stores an indicator and its categories; returns its id and its categories' ids by key. */
export function insertIndicator(db: Conn, d: NewIndicator): { id: number; categoryIds: Map<string, number> } {
  const { id } = db
    .insert(indicatorDefinitions)
    .values({
      key: d.key,
      name: d.name,
      unit: d.unit,
      enteredBy: d.enteredBy,
      rollup: d.rollup,
      threshold: d.threshold ?? null,
      breaksDownField: d.breaksDownField ?? null,
      firstFy: d.firstFy,
      lastFy: d.lastFy ?? null,
      position: d.position ?? 0,
      decimals: d.decimals ?? 0,
      numeratorId: d.numeratorId ?? null,
      denominatorId: d.denominatorId ?? null,
    })
    .returning({ id: indicatorDefinitions.id })
    .get();
  const categoryIds = new Map<string, number>();
  (d.categories ?? []).forEach((c, i) => {
    const row = db
      .insert(indicatorCategories)
      .values({ indicatorId: id, key: c.key, name: c.name, firstFy: c.firstFy ?? d.firstFy, lastFy: c.lastFy ?? null, position: i + 1 })
      .returning({ id: indicatorCategories.id })
      .get();
    categoryIds.set(c.key, row.id);
  });
  return { id, categoryIds };
}

/** Stores district-monthly values (`categoryId` 0: the total). */
export function insertDistrictValues(
  db: Conn,
  rows: { indicatorId: number; categoryId?: number; districtId: number; month: string; value: number }[],
  at = '2025-01-01T00:00:00.000Z',
): void {
  if (rows.length === 0) return;
  db.insert(districtIndicatorValues)
    .values(
      rows.map((r) => ({
        indicatorId: r.indicatorId,
        categoryId: r.categoryId ?? 0,
        districtId: r.districtId,
        month: r.month,
        value: r.value,
        updatedAt: at,
        updatedBy: null,
      })),
    )
    .run();
}

/** Stores ward-yearly values (`categoryId` 0: the total). */
export function insertWardValues(
  db: Conn,
  rows: { indicatorId: number; categoryId?: number; wardId: number; fiscalYear: number; value: number }[],
  at = '2025-01-01T00:00:00.000Z',
): void {
  if (rows.length === 0) return;
  db.insert(wardIndicatorValues)
    .values(
      rows.map((r) => ({
        indicatorId: r.indicatorId,
        categoryId: r.categoryId ?? 0,
        wardId: r.wardId,
        fiscalYear: r.fiscalYear,
        value: r.value,
        updatedAt: at,
        updatedBy: null,
      })),
    )
    .run();
}

/** The first fiscal year the demo's indicators count (R6): seed 001 reports R6. */
export const DEMO_INDICATOR_FIRST_FY = 2024;

/**
 * Seed 001's activity figures (令和6年度, 24区社協計 / 全市実績), as ward-yearly
 * indicators. `r6` is the printed citywide total of FY2024; `r7` the demo's FY2025
 * total, a plausible next year so that the table shows a trend label.
 */
export const SEED_001_INDICATORS = [
  { key: 'osaka_watch_training', name: '見守り活動の意見交換・学習、声かけ訓練等の場の実施回数', unit: '回', r6: 495, r7: 523 },
  { key: 'osaka_area_talks', name: '小地域単位での地域課題・福祉課題に関する話し合いの場の実施回数', unit: '回', r6: 400, r7: 412 },
  { key: 'osaka_places_started', name: '区社協の支援を経て立上げが完了した居場所数', unit: '件', r6: 157, r7: 131 },
  { key: 'osaka_places_supported', name: '活動継続や発展のために積極的なはたらきかけを実施した居場所数', unit: '件', r6: 275, r7: 281 },
  { key: 'osaka_volunteers', name: 'ボランティア活動者数（ボランティア保険加入者数）', unit: '人', r6: 28_274, r7: 27_910 },
  { key: 'osaka_welfare_education', name: '福祉教育実施件数', unit: '件', r6: 308, r7: 337 },
  { key: 'osaka_children_places', name: '支援を経て立上げが完了したこどもの居場所数', unit: '件', r6: 35, r7: 41 },
  { key: 'osaka_disaster_staff', name: '被災地への職員派遣数', unit: '人', r6: 33, r7: 12 },
  { key: 'osaka_disaster_training', name: '災害に関する訓練・講座・協議の場・イベント等の開催回数', unit: '回', r6: 247, r7: 262 },
] as const;

/** Seed 004's kinds of help (小郡市), the default categories of the breakdown of ②. */
export const HELP_KINDS = [
  { key: 'safety_check', name: '安否確認の声かけ' },
  { key: 'consultation', name: '心配ごとなどの相談相手' },
  { key: 'childcare', name: '子どもの短時間の預かり' },
  { key: 'study_support', name: '子どもの学習支援' },
  { key: 'shopping', name: '買い物の手伝い' },
  { key: 'housework', name: '家事の手伝い' },
  { key: 'outing', name: '外出の手伝い' },
  { key: 'garbage', name: 'ごみ出しの手伝い' },
  { key: 'sick_care', name: '急病になった時の看病' },
  { key: 'care_respite', name: '介護を必要とする人の短時間の預かり' },
  { key: 'disaster_help', name: '災害時の手助け' },
  { key: 'conversation', name: '日常的な話し相手' },
  { key: 'other', name: 'その他' },
] as const;

/** Shares of the kinds of help (per mille, adding up to 1000): 安否確認 and 話し相手 lead. */
const HELP_SHARES = [300, 90, 15, 10, 80, 40, 60, 110, 15, 10, 20, 210, 40];

/** Splits a month's ② over the kinds of help; the parts add up to `total` exactly. */
export function splitByHelpKind(total: number): number[] {
  const parts = HELP_SHARES.map((s) => Math.floor((total * s) / 1000));
  let rest = total - parts.reduce((a, b) => a + b, 0);
  // What rounding left goes to the largest kinds first.
  const order = HELP_SHARES.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) parts[order[k]!.i]! += 1;
  return parts;
}

/** The ward that enters seed 001's table. */
export const SEED_001_WARD = '小倉北区';

/** Districts of that ward whose ② the demo breaks down by kind of help. */
export const HELP_BREAKDOWN_DISTRICTS = ['201', '202', '203'] as const;

/** The last fiscal year a ward has entered on the demo's clock: the last one whose March report is due. */
export function lastWardYear(lastReportMonth: string): number {
  return fiscalYearOfMonth(lastReportMonth) - (lastReportMonth.endsWith('-03') ? 0 : 1);
}

/** Key of the breakdown of ② by kind of help. */
export const HELP_INDICATOR_KEY = 'help_kinds';

/**
 * Inserts the demo's indicators: seed 001's ward-yearly table entered by one
 * ward (R6 as printed, R7 once that year is over) and the kinds of help of ②
 * for a few districts' reported months.
 */
export function insertDemoIndicators(
  db: Conn,
  wardId: number,
  breakdown: readonly { districtId: number; month: string; mutualAidCases: number }[],
  lastReportMonth: string,
  at: string,
): void {
  const lastFy = lastWardYear(lastReportMonth);
  SEED_001_INDICATORS.forEach((ind, i) => {
    const { id } = insertIndicator(db, {
      key: ind.key,
      name: ind.name,
      unit: ind.unit,
      enteredBy: 'ward_yearly',
      rollup: 'sum',
      firstFy: DEMO_INDICATOR_FIRST_FY,
      position: 10 + i,
    });
    const rows: { indicatorId: number; wardId: number; fiscalYear: number; value: number }[] = [];
    for (const [fy, total] of [
      [DEMO_INDICATOR_FIRST_FY, ind.r6],
      [DEMO_INDICATOR_FIRST_FY + 1, ind.r7],
    ] as const) {
      // A ward enters its year once the year is over.
      if (fy <= lastFy) rows.push({ indicatorId: id, wardId, fiscalYear: fy, value: total });
    }
    insertWardValues(db, rows, at);
  });
  const help = insertIndicator(db, {
    key: HELP_INDICATOR_KEY,
    name: '助け合いの内訳（支援の種類別）',
    unit: '件',
    enteredBy: 'district_monthly',
    rollup: 'sum',
    breaksDownField: 'mutual_aid_cases',
    firstFy: DEMO_INDICATOR_FIRST_FY,
    position: 1,
    categories: HELP_KINDS.map((k) => ({ key: k.key, name: k.name })),
  });
  const values = breakdown
    .filter((b) => fiscalYearOfMonth(b.month) >= DEMO_INDICATOR_FIRST_FY)
    .flatMap((b) =>
      splitByHelpKind(b.mutualAidCases).flatMap((value, i) =>
        value === 0 ? [] : [{ indicatorId: help.id, categoryId: help.categoryIds.get(HELP_KINDS[i]!.key)!, districtId: b.districtId, month: b.month, value }],
      ),
    );
  insertDistrictValues(db, values, at);
}

/**
 * Seed 003's first table (民生委員の充足率の推移（各年一斉改選時）, citywide, 人): 定数, 配置数 by
 * 世帯担当 and 主任児童委員, 欠員, at the three elections H28, R1 and R4. 充足率 is not stored:
 * it is the ratio of 配置数 to 定数 (97.0 %, 95.9 %, 94.9 %).
 */
export const SEED_003_MINSEI = [
  { fiscalYear: 2016, quota: 1582, household: 1275, chiefChild: 259, vacancies: 48 },
  { fiscalYear: 2019, quota: 1591, household: 1275, chiefChild: 251, vacancies: 65 },
  { fiscalYear: 2022, quota: 1593, household: 1263, chiefChild: 249, vacancies: 81 },
] as const;

/** Seed 003's ボランティア活動保険加入者数 (人) of the years the app covers: H28 and R3. */
export const SEED_003_VOLUNTEER_INSURED = [
  { fiscalYear: 2016, value: 24_569 },
  { fiscalYear: 2021, value: 17_705 },
] as const;

/** The first fiscal year of seed 003's indicators (H28). */
export const SEED_003_FIRST_FY = 2016;

/** Keys of seed 003's indicators. */
export const SEED_003_KEYS = {
  quota: 'minsei_quota',
  placed: 'minsei_placed',
  vacancies: 'minsei_vacancies',
  fillRate: 'minsei_fill_rate',
  volunteerInsured: 'volunteer_insured',
} as const;

/**
 * Splits `total` over shares proportional to `weights` (largest remainder): whole
 * numbers that add up to `total` exactly, so the wards' values sum to the printed figure.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let rest = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) parts[order[k]!.i]! += 1;
  return parts;
}

/**
 * Inserts seed 003's 民生委員 table and ボランティア活動保険加入者数 as ward-yearly
 * indicators entered by every ward (shares by population), whose citywide sums are
 * the printed figures; 充足率 is a `ratio` indicator (1 decimal), computed, not entered.
 */
export function insertSeed003Indicators(db: Conn, wards: readonly { id: number; population: number }[], at: string): void {
  const weights = wards.map((w) => w.population);
  const base = { enteredBy: 'ward_yearly' as const, rollup: 'sum' as const, unit: '人', firstFy: SEED_003_FIRST_FY };
  const quota = insertIndicator(db, { ...base, key: SEED_003_KEYS.quota, name: '民生委員の定数', position: 20 });
  const placed = insertIndicator(db, {
    ...base,
    key: SEED_003_KEYS.placed,
    name: '民生委員の配置数',
    position: 21,
    categories: [
      { key: 'household', name: '世帯担当' },
      { key: 'chief_child', name: '主任児童委員' },
    ],
  });
  const vacancies = insertIndicator(db, { ...base, key: SEED_003_KEYS.vacancies, name: '民生委員の欠員', position: 22 });
  insertIndicator(db, {
    key: SEED_003_KEYS.fillRate,
    name: '民生委員の充足率',
    unit: '%',
    enteredBy: 'ward_yearly',
    rollup: 'ratio',
    decimals: 1,
    numeratorId: placed.id,
    denominatorId: quota.id,
    firstFy: SEED_003_FIRST_FY,
    position: 23,
  });
  const insured = insertIndicator(db, { ...base, key: SEED_003_KEYS.volunteerInsured, name: 'ボランティア活動保険加入者数', position: 24 });
  const householdId = placed.categoryIds.get('household')!;
  const chiefChildId = placed.categoryIds.get('chief_child')!;
  const rows: { indicatorId: number; categoryId?: number; wardId: number; fiscalYear: number; value: number }[] = [];
  for (const year of SEED_003_MINSEI) {
    const quotas = apportion(year.quota, weights);
    const vacant = apportion(year.vacancies, weights);
    const chiefChild = apportion(year.chiefChild, weights);
    wards.forEach((w, i) => {
      const fiscalYear = year.fiscalYear;
      const placedHere = quotas[i]! - vacant[i]!;
      rows.push(
        { indicatorId: quota.id, wardId: w.id, fiscalYear, value: quotas[i]! },
        { indicatorId: vacancies.id, wardId: w.id, fiscalYear, value: vacant[i]! },
        // As the ward form stores it: the total and its categories, which add up to it.
        { indicatorId: placed.id, wardId: w.id, fiscalYear, value: placedHere },
        { indicatorId: placed.id, categoryId: chiefChildId, wardId: w.id, fiscalYear, value: chiefChild[i]! },
        { indicatorId: placed.id, categoryId: householdId, wardId: w.id, fiscalYear, value: placedHere - chiefChild[i]! },
      );
    });
  }
  for (const year of SEED_003_VOLUNTEER_INSURED) {
    apportion(year.value, weights).forEach((value, i) => rows.push({ indicatorId: insured.id, wardId: wards[i]!.id, fiscalYear: year.fiscalYear, value }));
  }
  insertWardValues(db, rows, at);
}
