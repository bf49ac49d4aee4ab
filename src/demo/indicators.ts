/**
 * The demo city's council-defined indicators (DESIGN §10, §11): an Osaka-style
 * ward-yearly table with seed 001's activities entered by one ward (小倉北区),
 * whose R6 (FY2024) figures are seed 001's printed ones, and the kinds of help
 * of seed 004 (Ogori) as a breakdown of ② for a few of that ward's districts.
 * They count from R6 on, so seed 000's R1–R5 table and every figure of the
 * seven items stay as they were; 門司区 and 田野浦校区 (the demo ward and
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
