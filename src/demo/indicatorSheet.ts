// The demo city's second agenda sheet: seed 001's indicator table (DESIGN §10, §11).
import type { Db } from '../db/index.js';
import { defaultTable } from '../agendas/content.js';
import { createAgendaSheet } from '../agendas/repository.js';
import { indicatorRowKey } from '../indicators/rowKeys.js';
import { DEMO_INDICATOR_FIRST_FY, SEED_001_INDICATORS, SEED_003_FIRST_FY, SEED_003_KEYS, SEED_003_MINSEI, lastWardYear } from './indicators.js';

/** Seed 001's opening words (区社会福祉協議会による地域福祉活動への支援). */
const SEED_001_INTRO =
  '区社協は、身近な地域のなかで、一人ひとりの生活の困りごとや生活のしづらさに目を向け、地域住民、地域社会福祉協議会、地域団体や関係機関、社会福祉施設、NPO、企業、学校などの多様な団体や専門職が協働し、「つながり・支え合えることができる福祉コミュニティづくり」を実現する取り組みを実施しています。';

/**
 * The demo's second sheet, a draft: seed 001's table of the wards' activities
 * (ward-yearly indicators, src/demo/indicators.ts), from R6 through the last
 * year the wards have entered. None before R6's figures are in; returns the id.
 */
export function createDemoIndicatorSheet(db: Db, userId: number | null, lastReportMonth: string): number | null {
  const toFy = lastWardYear(lastReportMonth);
  if (toFy < DEMO_INDICATOR_FIRST_FY) return null;
  const table = defaultTable('items', 'city');
  table.heading = '区社協の取組み実績';
  table.headerStyle = 'long';
  table.rows = SEED_001_INDICATORS.map((ind) => ({ key: indicatorRowKey(ind.key), override: { text: '', arrow: '' }, footnoteMarker: '', footnote: '' }));
  table.note = '※ 各区社協の年間実績の合計（区社協が年度ごとに入力）';
  const sheet = createAgendaSheet(
    db,
    {
      heading: '議題（２）区社会福祉協議会による地域福祉活動への支援',
      subheading: '（地域福祉の推進にむけた取組み）',
      fromFy: Math.max(DEMO_INDICATOR_FIRST_FY, toFy - 4),
      toFy,
      content: { tables: [table], sections: [{ heading: '区社協の取組み', body: SEED_001_INTRO, caseStudies: [] }] },
    },
    userId,
    'demo',
  );
  return sheet.id;
}

/**
 * The demo's third sheet, a draft: seed 003's first table (民生委員の充足率の推移（各年一斉改選時）)
 * from H28 to R4: 定数, 配置数 with 世帯担当 and 主任児童委員, 欠員 and 充足率 (a ratio, 1 decimal).
 * Only the election years' columns print (H28, R1, R4), as on the paper. Returns the id.
 */
export function createDemoMinseiSheet(db: Db, userId: number | null): number {
  const table = defaultTable('items', 'city');
  table.heading = '民生委員の充足率の推移（各年一斉改選時）';
  table.showTrend = false;
  const k = SEED_003_KEYS;
  table.rows = [
    indicatorRowKey(k.quota),
    indicatorRowKey(k.placed),
    indicatorRowKey(k.placed, 'household'),
    indicatorRowKey(k.placed, 'chief_child'),
    indicatorRowKey(k.vacancies),
    indicatorRowKey(k.fillRate),
  ].map((key) => ({ key, override: { text: '', arrow: '' as const }, footnoteMarker: '', footnote: '' }));
  table.note = '※ 充足率＝配置数÷定数×100（市の充足率は区の値を合計して計算）';
  // As seed 003 prints it: the election years only (H28, R1, R4), not the years between.
  table.printYears = SEED_003_MINSEI.map((y) => y.fiscalYear);
  const sheet = createAgendaSheet(
    db,
    {
      heading: '基本目標1：支え合いの気持ちを育もう',
      subheading: '（成果指標の推移）',
      fromFy: SEED_003_FIRST_FY,
      toFy: SEED_003_MINSEI[SEED_003_MINSEI.length - 1]!.fiscalYear,
      content: { tables: [table], sections: [] },
    },
    userId,
    'demo',
  );
  return sheet.id;
}
