/**
 * The demo city's finalised agenda sheet: seed 000's first page
 * (議題（１）ア 小地域福祉活動の状況, R1–R5), composed from the demo data.
 */
import { count } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { planSchedules } from '../db/schema.js';
import { planScheduleFootnote } from '../domain/narrative.js';
import { loadNarrativeCounts } from './narrative.js';
import { defaultTable, type AgendaContent, type CaseStudyPick } from './content.js';
import { createAgendaSheet, finalizeAgendaSheet, findCaseStudyByDistrictName } from './repository.js';

/** Seed 000's case studies, used as copies when the register has no such case study. */
export const SEED_CASE_STUDIES = [
  {
    districtName: '田野浦校区',
    fiscalYear: 2024,
    title: '新しい助け合いのしくみ「たのうらサポート隊」',
    body: [
      '田野浦校区社会福祉協議会では、高齢者など日常生活で困っている方を支援するため、まちづくり協議会、自治連合会と協働し、新しい助け合いのしくみ「たのうらサポート隊」を立ち上げ、令和６年９月にプレ実施、１０月から本格的に活動をスタートさせた。',
      'サポート隊の登録隊員（ボランティア）は、ゴミ出し、古紙回収、庭の草刈り・枝切りなどの生活するうえでの小さなお困りごとに対して支援を実施し、令和６年１２月末時点で１０件のお困りごとに対応した。',
      '利用者のひとり暮らしの女性からは「今までできていたことが自分ではできなくなったから、すごく助かる」等の声があり、依頼の問合せも徐々に増えてきている。',
      '地域では高齢化が進んでおり、日常生活を送る中で誰かの支援を必要としている方はたくさんいる。',
      '今後活動を継続していく中で、一人の隊員に負担が集中しないようスケジュール等調整し、利用者の方の要望に可能な限り迅速に対応できるよう体制を整えていく。また、ホームページ等で本取組みの周知を図るとともに活動者も募集し、「みんなの力で田野浦を元気に！」を合言葉に地域の支え合いの仕組みを構築していく。',
    ].join('\n\n'),
  },
  {
    districtName: '西戸畑地区',
    fiscalYear: 2024,
    title: '多様な主体が参画する第二次計画づくりと認知症カフェ',
    body: [
      '西戸畑地区社会福祉協議会では、小地域福祉活動第二次計画の策定を進めている。その中で、令和６年度は、地縁団体だけでなく、高齢者施設、障害者施設、病院、保育所も計画の策定に参画することにより、多様な主体による連携が活発化してきている。',
      '実際に、高齢者施設と協働して令和６年４月に認知症カフェを西戸畑市民センターで開催した。コロナ禍により交流が途絶えていた保育園児を認知症カフェに招き、にぎわいによる楽しい時間をつくったことで、高齢者の生きがいの醸成や児童の知識教育、情緒の発達へとつながった。また、西戸畑地区は駅に隣接し、マンションが並ぶ地域のため転入者が多いことが特徴だが、本取組みにより世代間交流を図ったことで、住民・関係機関のつながりも築けた。',
      '次年度以降も引き続き、地域内の福祉施設との協働による避難訓練など、多種多様な機関が連携して地域の課題について取り組む等、地域福祉の向上を目指していく。',
    ].join('\n\n'),
  },
] as const;

const SECTION_3 = [
  '現在、小地域福祉活動計画の策定・推進を強化し、地域生活課題の解決に向けた取組みを重点的に進められるようにしており、令和６年度は１５校(地)区社協が、第一次・第二次・第三次計画の策定を目指し、１２３校(地)区社協が計画を推進することとなった。',
  'サロン活動の校(地)区社協の実施率は約８割を超え、住民同士の交流や介護予防・健康づくりという役割を果たしてきた。令和６年度は、２０校(地)区社協がサロン新設のための助成金を申請し、より身近で多様な居場所づくり活動が広がっている。',
  'また、ウェルクラブ活動として、地域の子どもたち（主に小学４～６年生）に「ふれあいネットワーク活動」等の校(地)区社協の取り組みに参加してもらうことで、次の世代の活動者を育てるとともに、保護者等も加わった地域住民主体の福祉の風土づくりを進めている。令和６年度は５１校(地)区社協（前年比約１．１倍）が取り組み、社会福祉施設等の協力も得ながら支援した。',
].join('\n\n');

const SECTION_4 = [
  '小地域福祉活動支援事業は、何らかの困難や課題を有する人や世帯を早期に発見し、支援につなげるふれあいネットワーク活動を中心に、地域のニーズに応じた住民主体の様々な生活支援活動や啓発活動を推進している。',
  '近年、地域において生活困窮や社会的孤立などの問題を背景に地域生活課題が深刻化・多様化するなか、これまで社協が取り組んできた総合相談・生活支援活動の取組等を強化している。併せて地域における様々な関係機関・団体と共にニーズ発見や社会資源づくり、地域づくりの取組を発展させることを目指している。今後は、社協における総合的な地域福祉の推進に向けた事業展開を一層強化していく。',
  '小地域福祉活動計画の策定・推進は、地域生活課題の解決に向けた実践を展開できる取組であり、地域における多機関協働のプラットフォームとなっている。また、社会福祉法人・福祉施設との公益的な取組の推進や、行政とのパートナーシップを図りながら居場所づくり活動や生活支援活動等を進めることは、地域を中心とした重層的な支援体制を構築し、地域共生社会の実現に資するものである。',
  '重層的支援体制整備については来年度から全市展開に向けて、複合的な課題を抱え社会的孤立をしている当事者に対し、市・区社協の専門的なアプローチと校(地)区社協の小地域福祉活動によるアプローチの両輪で支援を充実・強化させていく。',
].join('\n\n');

/** Seed 000's footnote to ④ (printed under the table). */
export const SEED_FOOTNOTE = '小地域福祉活動計画はＲ６年度１４校(地)区策定予定で、残り１８校(地)区';

/** The demo sheet's last fiscal year (R5), as printed on seed 000. */
const DEMO_TO_FY = 2023;

/**
 * The ※ footnote to ④, computed from the 策定予定 register for the year after
 * the sheet (the demo city's schedules give seed 000's own words). A database
 * that records no 策定予定 at all keeps the seed's printed text, as it keeps
 * the seed's published figures.
 */
export function demoPlanFootnote(db: Db, toFy = DEMO_TO_FY): string {
  const recorded = db.select({ n: count() }).from(planSchedules).get()!.n > 0;
  if (!recorded) return SEED_FOOTNOTE;
  return planScheduleFootnote(loadNarrativeCounts(db, { type: 'city', id: 0 }, toFy));
}

/** The composition of seed 000's first page; case studies from the register where the demo city wrote them. */
export function demoAgendaContent(db: Db): AgendaContent {
  const table = defaultTable('items', 'city');
  const footnote = demoPlanFootnote(db);
  for (const row of table.rows) {
    // ② is +7.0 % year on year (computed やや増加); the committee printed 増加.
    if (row.key === '2') row.override = { text: '増加', arrow: '↗' };
    if (row.key === '4') {
      row.footnoteMarker = '※';
      row.footnote = footnote;
    }
  }
  const caseStudies: CaseStudyPick[] = SEED_CASE_STUDIES.map((seed) => {
    const found = findCaseStudyByDistrictName(db, seed.districtName, seed.fiscalYear);
    return found ? { kind: 'ref', caseStudyId: found.id } : { kind: 'copy', ...seed };
  });
  return {
    tables: [table],
    sections: [
      { heading: 'ふれあいネットワーク活動（見守り・話し合い・助け合い）の状況（項目①～③）', body: '', caseStudies },
      { heading: '地域共生社会実現のための活動の状況（項目④～⑦）', body: SECTION_3, caseStudies: [] },
      { heading: '小地域福祉活動支援事業と生活困窮者自立支援・重層的支援体制整備との関係性', body: SECTION_4, caseStudies: [] },
    ],
  };
}

/**
 * Creates and finalises the demo sheet (R1–R5 = FY2019–2023) from the city's
 * published figures; returns its id. Both steps are audited.
 */
export function createDemoAgendaSheet(db: Db, userId: number | null): number {
  const sheet = createAgendaSheet(
    db,
    {
      heading: '議題（１）ア 小地域福祉活動の状況',
      subheading: '（地域での見守り・助け合いのためのネットワークづくり）',
      fromFy: 2019,
      toFy: DEMO_TO_FY,
      content: demoAgendaContent(db),
    },
    userId,
    'demo',
  );
  const finalized = finalizeAgendaSheet(db, sheet.id, sheet.version, userId);
  if (finalized.status !== 'saved') throw new Error('demo agenda sheet could not be finalised');
  return sheet.id;
}
