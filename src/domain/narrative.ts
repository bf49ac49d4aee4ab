/**
 * Counts the narrative needs (DESIGN §4, 「引用できる数」): the numbers seed 000's
 * text quotes — districts running a salon and their share in words (「約８割」),
 * districts that applied for a salon subsidy, districts doing Well Club,
 * districts scheduled to formulate a plan (策定予定) and those still without one —
 * defined once here over per-district facts, with the sentences that quote them.
 * No database: src/agendas/narrative.ts gathers the facts of a scope and FY.
 */
import { warekiLong, warekiShort } from './fiscalYear.js';
import { isDistrictActive } from './rollup.js';

/** What the narrative counts need to know about one district for fiscal year `fy`. */
export interface DistrictNarrativeFacts {
  id: number;
  activeFrom: number | null;
  activeTo: number | null;
  /** ⑥ of the district for the FY: salons open on March 31 (null when it has no figures). */
  salonsOpen: number | null;
  /** ⑤ of the district for the FY: Well Club participants (null when not reported). */
  wellClubParticipants: number | null;
  /** A salon of the district opened in the FY was marked as having applied for the start-up subsidy. */
  subsidyApplied: boolean;
  /** The district has a plan formulated in or before the FY. */
  planFormulated: boolean;
  /** A 策定予定 is registered for the FY itself. */
  scheduledInFy: boolean;
  /** A 策定予定 is registered for the next FY. */
  scheduledInNextFy: boolean;
  /** A 策定予定 is registered for some FY after this one (the next one included). */
  scheduledAfterFy: boolean;
}

/** The narrative counts of one scope (city, ward, district) and fiscal year. */
export interface NarrativeCounts {
  fiscalYear: number;
  /** Districts that exist in the FY: the population of every count below. */
  activeDistricts: number;
  /** Districts with at least one salon open on March 31 of the FY (⑥ > 0). */
  districtsWithSalon: number;
  /** Districts that applied for a salon start-up subsidy for a salon opened in the FY. */
  districtsWithSubsidy: number;
  /** Districts with Well Club participants in the FY (⑤ > 0). */
  districtsWithWellClub: number;
  /** Districts scheduled (策定予定) to formulate a plan in the FY. */
  scheduledInFy: number;
  /** Districts scheduled to formulate a plan in the next FY. */
  scheduledInNextFy: number;
  /** Districts with no plan formulated by the end of the FY. */
  withoutPlan: number;
  /**
   * 「残り」 of seed 000's ※ footnote: districts that at the end of the FY still
   * have a plan to formulate — none formulated yet, or one scheduled for a later
   * FY — and are not among those scheduled for the next FY. So the footnote
   * 「ＲN+1年度 x 校(地)区策定予定で、残り y 校(地)区」 reads: of the districts with
   * a plan still to make, x will make it next year and y remain after that.
   */
  remainingAfterNextFy: number;
}

/** Counts the narrative numbers of fiscal year `fy` from the facts of every district of a scope. */
export function narrativeCounts(fy: number, districts: readonly DistrictNarrativeFacts[]): NarrativeCounts {
  const counts: NarrativeCounts = {
    fiscalYear: fy,
    activeDistricts: 0,
    districtsWithSalon: 0,
    districtsWithSubsidy: 0,
    districtsWithWellClub: 0,
    scheduledInFy: 0,
    scheduledInNextFy: 0,
    withoutPlan: 0,
    remainingAfterNextFy: 0,
  };
  for (const d of districts) {
    if (!isDistrictActive(d, fy)) continue;
    counts.activeDistricts++;
    if ((d.salonsOpen ?? 0) > 0) counts.districtsWithSalon++;
    if (d.subsidyApplied) counts.districtsWithSubsidy++;
    if ((d.wellClubParticipants ?? 0) > 0) counts.districtsWithWellClub++;
    if (d.scheduledInFy) counts.scheduledInFy++;
    if (d.scheduledInNextFy) counts.scheduledInNextFy++;
    if (!d.planFormulated) counts.withoutPlan++;
    const stillToFormulate = !d.planFormulated || d.scheduledAfterFy;
    if (stillToFormulate && !d.scheduledInNextFy) counts.remainingAfterNextFy++;
  }
  return counts;
}

/**
 * A share in tenths (割), rounded to the nearest tenth with halves rounded up:
 * 112 of 132 = 0.848… → 8; 17 of 20 = 0.85 → 9; 0.849 → 8. Integer arithmetic,
 * so a half is a half (no floating-point 8.4999…). Null when `whole` is 0.
 */
export function shareInTenths(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.floor((20 * part + whole) / (2 * whole));
}

/**
 * A share as people write it in a report: 「約n割」 for the nearest tenth
 * (see shareInTenths). The ends say what they mean rather than 約０割 or 約１０割:
 * 「全て」 when every one, 「ほぼ全て」 when it rounds to ten tenths but some are
 * missing, 「１割未満」 when it rounds to none but some exist, 「なし」 for none.
 * Null when `whole` is 0. Digits are full-width, as seed 000 prints them.
 */
export function shareInWords(part: number, whole: number): string | null {
  const tenths = shareInTenths(part, whole);
  if (tenths === null) return null;
  if (part <= 0) return 'なし';
  if (part >= whole) return '全て';
  if (tenths >= 10) return 'ほぼ全て';
  if (tenths <= 0) return `${toFullWidth('1')}割未満`;
  return `約${toFullWidth(String(tenths))}割`;
}

/** A share as a percentage with one decimal (84.8), null when `whole` is 0. */
export function sharePercent(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.round((part * 1000) / whole) / 10;
}

/** Half-width digits and Latin letters to full-width (R6 → Ｒ６), as the printed sentences use them. */
export function toFullWidth(s: string): string {
  return s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/** 14 → 「１４校(地)区」. */
function districtsText(n: number): string {
  return `${toFullWidth(String(n))}校(地)区`;
}

/** 2024 → 令和６年度. */
function yearText(fy: number): string {
  return toFullWidth(warekiLong(fy));
}

/** One number the editor offers to quote, with a sentence ready to paste. */
export interface NarrativeQuote {
  key: 'salonShare' | 'subsidy' | 'wellClub' | 'scheduled' | 'scheduledNext' | 'withoutPlan' | 'planFootnote';
  /** What is counted, for the panel. */
  label: string;
  /** The number(s), as shown in the panel. */
  value: string;
  /** A sentence in the style of seed 000, full-width digits. */
  sentence: string;
}

/** Seed 000's ※ footnote to ④: 「小地域福祉活動計画はＲ６年度１４校(地)区策定予定で、残り１８校(地)区」. */
export function planScheduleFootnote(counts: Pick<NarrativeCounts, 'fiscalYear' | 'scheduledInNextFy' | 'remainingAfterNextFy'>): string {
  const next = toFullWidth(warekiShort(counts.fiscalYear + 1));
  return `小地域福祉活動計画は${next}年度${districtsText(counts.scheduledInNextFy)}策定予定で、残り${districtsText(counts.remainingAfterNextFy)}`;
}

/** The counts as numbers to quote, each with its sentence (the order of seed 000's §3). */
export function narrativeQuotes(c: NarrativeCounts): NarrativeQuote[] {
  const fy = c.fiscalYear;
  const quotes: NarrativeQuote[] = [];
  const words = shareInWords(c.districtsWithSalon, c.activeDistricts);
  const percent = sharePercent(c.districtsWithSalon, c.activeDistricts);
  if (words !== null && percent !== null) {
    quotes.push({
      key: 'salonShare',
      label: `${warekiLong(fy)}末にサロンを開設している校(地)区`,
      value: `${c.districtsWithSalon}校(地)区／${c.activeDistricts}校(地)区（${percent.toFixed(1)}％、${words}）`,
      sentence: `サロン活動の校(地)区社協の実施率は${words}（${yearText(fy)}末で${districtsText(c.activeDistricts)}中${districtsText(c.districtsWithSalon)}）となっている。`,
    });
  }
  quotes.push(
    {
      key: 'subsidy',
      label: `${warekiLong(fy)}に開設したサロンで助成金を申請した校(地)区`,
      value: `${c.districtsWithSubsidy}校(地)区`,
      sentence: `${yearText(fy)}は、${districtsText(c.districtsWithSubsidy)}社協がサロン新設のための助成金を申請した。`,
    },
    {
      key: 'wellClub',
      label: `${warekiLong(fy)}にウェルクラブ活動等の参加者があった校(地)区`,
      value: `${c.districtsWithWellClub}校(地)区`,
      sentence: `${yearText(fy)}は${districtsText(c.districtsWithWellClub)}社協がウェルクラブ活動に取り組んだ。`,
    },
    {
      key: 'scheduled',
      label: `${warekiLong(fy)}に計画の策定を予定していた校(地)区（策定予定）`,
      value: `${c.scheduledInFy}校(地)区`,
      sentence: `${yearText(fy)}は${districtsText(c.scheduledInFy)}社協が小地域福祉活動計画の策定を予定している。`,
    },
    {
      key: 'scheduledNext',
      label: `${warekiLong(fy + 1)}に計画の策定を予定している校(地)区（策定予定）`,
      value: `${c.scheduledInNextFy}校(地)区`,
      sentence: `${yearText(fy + 1)}は${districtsText(c.scheduledInNextFy)}社協が小地域福祉活動計画の策定を予定している。`,
    },
    {
      key: 'withoutPlan',
      label: `${warekiLong(fy)}末で計画をまだ策定していない校(地)区`,
      value: `${c.withoutPlan}校(地)区`,
      sentence: `${yearText(fy)}末で小地域福祉活動計画を策定していない校(地)区は${districtsText(c.withoutPlan)}である。`,
    },
    {
      key: 'planFootnote',
      label: `④の注記：${warekiLong(fy + 1)}の策定予定と、その後に残る校(地)区`,
      value: `策定予定 ${c.scheduledInNextFy}校(地)区、残り ${c.remainingAfterNextFy}校(地)区`,
      sentence: planScheduleFootnote(c),
    },
  );
  return quotes;
}
