// The demo city's second agenda sheet: seed 001's indicator table (DESIGN §10, §11).
import type { Db } from '../db/index.js';
import { defaultTable } from '../agendas/content.js';
import { createAgendaSheet } from '../agendas/repository.js';
import { indicatorRowKey } from '../indicators/rowKeys.js';
import { DEMO_INDICATOR_FIRST_FY, SEED_001_INDICATORS, lastWardYear } from './indicators.js';

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
