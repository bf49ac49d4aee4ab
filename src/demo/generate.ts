/**
 * Generated records of the demo city: monthly reports from R6 on, salons,
 * plans and scheduled plans (策定予定). Pure and deterministic (seeded), so
 * every machine gets the same city for the same clock. Magnitudes continue
 * the citywide series of seed 000; the registers are calibrated so that ④⑥⑦
 * roll up to the printed H30–R5 figures exactly, and a city user sees no
 * spurious differences.
 */
import type { monthlyReports, planSchedules, plans, salons } from '../db/schema.js';
import { addMonths, fiscalYearOfMonth } from '../domain/fiscalYear.js';
import { isDistrictActive } from '../domain/rollup.js';
import { placeName } from './geography.js';
import { seedItemValue } from './publishedFigures.js';
import { Random } from './random.js';

export type NewMonthlyReport = typeof monthlyReports.$inferInsert;
export type NewSalon = typeof salons.$inferInsert;
export type NewPlan = typeof plans.$inferInsert;
export type NewPlanSchedule = typeof planSchedules.$inferInsert & { scheduledFy: number };

/** A stored district, as the generator needs it. */
export interface GeneratorDistrict {
  id: number;
  code: string;
  name: string;
  /** Rough people per district of its ward × any size factor: spreads the city's totals. */
  weight: number;
  activeFrom: number | null;
  activeTo: number | null;
}

/** "Now" for the generator: nothing it makes lies after it. */
export interface GeneratorClock {
  /** Today in Japan, `YYYY-MM-DD`. */
  today: string;
  /** The last month whose report is already due; reports run through it. */
  lastReportMonth: string;
  /** A report is due by this day of the following month. */
  reportDueDay: number;
}

/** The first month the city recorded in the app (R6 = FY2024). */
export const FIRST_REPORT_MONTH = '2024-04';

// Citywide magnitudes for FY2024, continuing seed 000's R5 and seed 003's proportions.
const WATCHED_HOUSEHOLDS = 133_600;
// Seed 003, R3: of 135,812 watched households 94.0 % elderly, 2.6 % with a disabled member,
// 1.7 % single parents, 1.7 % other — the elderly share is what is left.
const DISABILITY_SHARE = 3465 / 135812;
const SINGLE_PARENT_SHARE = 2279 / 135812;
const OTHER_SHARE = 2347 / 135812;
const WELFARE_COOPERATORS = 6_620;
const MUTUAL_AID_CASES_PER_YEAR = 706_000;
const WELL_CLUB_PARTICIPANTS_PER_YEAR = 1_820;
const WELL_CLUB_DISTRICTS = 52;
/** Districts that meet in fewer than 6 months: ③ ≈ active districts − this. */
const IRREGULAR_MEETING_DISTRICTS = 7;
/** Districts that have not yet sent the last due month's report. */
const LATE_DISTRICTS = 8;
/** Districts that skipped one earlier month. */
const DISTRICTS_WITH_A_MISSED_MONTH = 2;
/** Cells left blank (not reported) across all reports. */
const BLANK_CELLS = 14;

// Month factors for mutual-aid cases, April … March (more help around year end and in early spring).
const AID_SEASON = [0.97, 0.99, 0.97, 1.0, 0.96, 0.98, 1.01, 1.0, 1.07, 1.02, 0.98, 1.05];
// Well Club events cluster in school holidays and around the autumn festivals.
const WELL_CLUB_MONTHS = ['08', '07', '12', '03', '11', '10', '05', '01'];

const NOTES = [
  '台風のため連絡調整会議は延期しました。',
  '町内の夏祭りに合わせて見守り訪問を行いました。',
  '新任の福祉協力員向けに説明会を開きました。',
  '見守り世帯のうち2世帯が施設に入所されました。',
  '民生委員さんと合同で会議を開きました。',
  '市民センターの改修のため、会場を変更しました。',
  '年末の安否確認訪問を行いました。',
  '地域包括支援センターと情報交換をしました。',
];

function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m);
  return out;
}

const nonNegative = (x: number): number => Math.max(0, Math.round(x));

/** Shares of `total` in proportion to `raw` (called once per item: it may be random). */
function scaledTo<T>(items: T[], raw: (t: T) => number, total: number): Map<T, number> {
  const values = items.map(raw);
  const sum = values.reduce((s, v) => s + v, 0);
  return new Map(items.map((t, i) => [t, sum > 0 ? (values[i]! * total) / sum : 0]));
}

// ---------------------------------------------------------------------------
// Monthly reports

interface DistrictProfile {
  district: GeneratorDistrict;
  watched: number;
  watchedDrift: number;
  shares: [number, number, number, number];
  cooperators: number;
  aidPerYear: number;
  aidDrift: number;
  meetingChance: number;
  wellClubPerYear: number;
}

function profiles(random: Random, districts: GeneratorDistrict[]): DistrictProfile[] {
  const watched = scaledTo(districts, (d) => d.weight * Math.exp(0.2 * random.gauss()), WATCHED_HOUSEHOLDS);
  const cooperators = scaledTo(districts, (d) => d.weight * Math.exp(0.25 * random.gauss()), WELFARE_COOPERATORS);
  // Mutual aid varies far more between districts than households do: some councils run busy help schemes.
  const aid = scaledTo(districts, (d) => d.weight * Math.exp(0.5 * random.gauss()), MUTUAL_AID_CASES_PER_YEAR);
  const byWeight = [...districts].sort((a, b) => a.weight - b.weight);
  // The smallest districts (an island first) are the ones that cannot meet regularly.
  const irregular = new Set(byWeight.slice(0, IRREGULAR_MEETING_DISTRICTS).map((d) => d.id));
  const wellClubCandidates = random.shuffle(districts.filter((d) => !irregular.has(d.id)));
  // 則松校区 writes the Well Club case study, so it is always among them.
  wellClubCandidates.sort((a, b) => Number(b.code === '601') - Number(a.code === '601'));
  const wellClubDistricts = wellClubCandidates.slice(0, WELL_CLUB_DISTRICTS);
  const wellClub = scaledTo(wellClubDistricts, () => Math.exp(0.5 * random.gauss()), WELL_CLUB_PARTICIPANTS_PER_YEAR);
  // Mean-one noise, so the shares average out at the city's R3 split.
  const around = (share: number, sigma: number) => share * Math.exp(sigma * random.gauss() - (sigma * sigma) / 2);
  return districts.map((d) => {
    const disability = around(DISABILITY_SHARE, 0.3);
    const singleParent = around(SINGLE_PARENT_SHARE, 0.3);
    const other = around(OTHER_SHARE, 0.4);
    return {
      district: d,
      watched: watched.get(d)!,
      watchedDrift: 0.004 + 0.012 * random.gauss(),
      shares: [1 - disability - singleParent - other, disability, singleParent, other],
      cooperators: cooperators.get(d)!,
      aidPerYear: aid.get(d)!,
      aidDrift: 0.015 + 0.03 * random.gauss(),
      meetingChance: irregular.has(d.id) ? random.between(0.15, 0.4) : random.between(0.85, 1),
      wellClubPerYear: wellClub.get(d) ?? 0,
    };
  });
}

/** When a report was typed in: within the days before it was due. */
function enteredAt(random: Random, month: string, clock: GeneratorClock): string {
  const day = String(random.int(1, clock.reportDueDay)).padStart(2, '0');
  const hour = String(random.int(0, 8)).padStart(2, '0'); // 9:00–17:59 in Japan
  const minute = String(random.int(0, 59)).padStart(2, '0');
  return `${addMonths(month, 1)}-${day}T${hour}:${minute}:00.000Z`;
}

/** Monthly reports of every active district from FIRST_REPORT_MONTH through the last due month, with realistic gaps. */
export function generateMonthlyReports(districts: GeneratorDistrict[], clock: GeneratorClock): NewMonthlyReport[] {
  const random = new Random(20240401);
  const months = monthsBetween(FIRST_REPORT_MONTH, clock.lastReportMonth);
  if (months.length === 0) return [];
  const reporting = districts.filter((d) => months.some((m) => isDistrictActive(d, fiscalYearOfMonth(m))));
  const people = profiles(random, reporting);

  // Gaps: some districts are late with the last due month (田野浦校区 among them, so its
  // demo user finds a month to enter); a couple skipped one month a little earlier.
  const skipped = new Set<string>();
  const dueNow = reporting.filter((d) => isDistrictActive(d, fiscalYearOfMonth(clock.lastReportMonth)));
  const others = random.shuffle(dueNow.filter((d) => d.code !== '101'));
  const late = [...dueNow.filter((d) => d.code === '101'), ...others].slice(0, LATE_DISTRICTS);
  for (const d of late) skipped.add(`${d.id}:${clock.lastReportMonth}`);
  const earlier = months.slice(-8, -2);
  if (earlier.length > 0) {
    for (const d of others.slice(LATE_DISTRICTS, LATE_DISTRICTS + DISTRICTS_WITH_A_MISSED_MONTH)) {
      skipped.add(`${d.id}:${random.pick(earlier)}`);
    }
  }

  const rows: NewMonthlyReport[] = [];
  for (const p of people) {
    let watched = p.watched;
    let cooperators = p.cooperators;
    let wellClubMonths = new Set<string>();
    months.forEach((month, t) => {
      const calendarMonth = month.slice(5);
      // A slow drift with a little noise: a head-count at month end moves by well under a percent.
      watched *= 1 + p.watchedDrift / 12 + 0.004 * random.gauss();
      if (calendarMonth === '04') {
        // New fiscal year: cooperators are appointed and retire mostly in April.
        if (t > 0) cooperators *= 1 - 0.004 + 0.02 * random.gauss();
        wellClubMonths = new Set(random.shuffle(WELL_CLUB_MONTHS.slice(0, 5)).slice(0, random.int(2, 4)));
      } else if (random.chance(0.15)) {
        cooperators += random.int(-1, 1);
      }
      if (skipped.has(`${p.district.id}:${month}`) || !isDistrictActive(p.district, fiscalYearOfMonth(month))) return;
      const [elderly, disability, singleParent, other] = p.shares.map((s) => nonNegative(watched * s * (1 + 0.01 * random.gauss())));
      const season = AID_SEASON[(Number(calendarMonth) + 8) % 12]!;
      const aid = nonNegative((p.aidPerYear / 12) * season * (1 + p.aidDrift * (t / 12)) * (1 + 0.06 * random.gauss()));
      const meetings = random.chance(p.meetingChance) ? (random.chance(0.1) ? 2 : 1) : 0;
      const wellClub =
        p.wellClubPerYear > 0 && wellClubMonths.has(calendarMonth)
          ? Math.max(1, nonNegative((p.wellClubPerYear / wellClubMonths.size) * (1 + 0.25 * random.gauss())))
          : 0;
      rows.push({
        districtId: p.district.id,
        month,
        watchedElderly: elderly,
        watchedDisability: disability,
        watchedSingleParent: singleParent,
        watchedOther: other,
        welfareCooperators: nonNegative(cooperators),
        mutualAidCases: aid,
        coordinationMeetings: meetings,
        wellClubParticipants: wellClub,
        note: random.chance(0.03) ? random.pick(NOTES) : null,
        version: 1,
        updatedBy: null,
        updatedAt: enteredAt(random, month, clock),
      });
    });
  }

  // A few cells left blank — not reported is not zero. Flows only, and never in March,
  // so the year-end head-count (①) stays complete.
  const blankable = ['mutualAidCases', 'wellClubParticipants', 'coordinationMeetings', 'welfareCooperators'] as const;
  const candidates = rows.filter((r) => !r.month.endsWith('-03'));
  for (let i = 0; i < BLANK_CELLS && candidates.length > 0; i++) {
    const row = random.pick(candidates);
    row[random.pick(blankable)] = null;
    row.note ??= '集計が間に合わず、一部未記入です。';
  }
  return rows;
}

// ---------------------------------------------------------------------------
// Salons (⑥)

const FIRST_SALON_FY = 2003;
const FIRST_PUBLISHED_FY = 2018;
const LAST_PUBLISHED_FY = 2023;
/** Salons that had closed before the published series starts. */
const CLOSED_BEFORE_SERIES = 30;
/** Closures per FY within the published series; openings follow from the printed ⑥. */
const CLOSURES: Record<number, number> = { 2019: 11, 2020: 8, 2021: 12, 2022: 71, 2023: 13 };
/** Openings and closures per FY after the series (R6 on): a few more salons each year. */
const LATER_OPENINGS: Record<number, number> = { 2024: 28, 2025: 24 };
const LATER_DEFAULT_OPENINGS = 22;
const LATER_CLOSURES = 12;
/** R6: 20 districts applied for the start-up subsidy (seed 000 §3). */
const SUBSIDY_DISTRICTS_FY2024 = 20;
/** About 8 in 10 districts run a salon (seed 000 §3: 実施率は約８割を超え). */
const DISTRICTS_WITHOUT_SALON = 0.17;

const SALON_AREAS = ['', '東', '西', '南', '北', '中央', '一区', '二区', '三区', '本町', '団地', '台'];
const SALON_KINDS = [
  'ふれあいサロン',
  'いきいきサロン',
  'おしゃべりサロン',
  'げんきサロン',
  'ほっとサロン',
  'にこにこサロン',
  'ひまわりサロン',
  'さくらサロン',
  'なごみサロン',
  'ひだまりカフェ',
  'ふれあいカフェ',
  'オレンジカフェ',
  '子育てサロン',
  '茶話会',
  'うたごえサロン',
  '健康体操の会',
  '男の料理教室',
];

function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
}

function dateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** A day of fiscal year `fy` on or after `notBefore`, never after yesterday. */
function dayIn(random: Random, fy: number, clock: GeneratorClock, notBefore?: string): string {
  const first = Math.max(dayNumber(`${fy}-04-01`), notBefore ? dayNumber(notBefore) + 1 : -Infinity);
  const last = Math.min(dayNumber(`${fy + 1}-03-31`), dayNumber(clock.today) - 1);
  return dateOf(random.int(first, Math.max(first, last)));
}

/** Openings and closures per FY, from the first salons to the current (partial) FY. */
function salonSchedule(clock: GeneratorClock): { fy: number; openings: number; closures: number }[] {
  const currentFy = fiscalYearOfMonth(clock.today.slice(0, 7));
  const schedule: { fy: number; openings: number; closures: number }[] = [];
  // Before the series: openings growing year by year, a few closures from FY2010 on.
  const before = Number(seedItemValue('6', FIRST_PUBLISHED_FY)) + CLOSED_BEFORE_SERIES;
  const years = FIRST_PUBLISHED_FY - FIRST_SALON_FY + 1;
  const weights = Array.from({ length: years }, (_, i) => i + 1);
  const total = weights.reduce((s, w) => s + w, 0);
  let opened = 0;
  let closed = 0;
  const closingYears = FIRST_PUBLISHED_FY - 2010 + 1;
  for (let i = 0; i < years; i++) {
    const fy = FIRST_SALON_FY + i;
    const openings = i === years - 1 ? before - opened : Math.round((before * weights[i]!) / total);
    const closures = fy < 2010 ? 0 : fy === FIRST_PUBLISHED_FY ? CLOSED_BEFORE_SERIES - closed : Math.floor(CLOSED_BEFORE_SERIES / closingYears);
    opened += openings;
    closed += closures;
    schedule.push({ fy, openings, closures });
  }
  for (let fy = FIRST_PUBLISHED_FY + 1; fy <= Math.min(LAST_PUBLISHED_FY, currentFy); fy++) {
    const closures = CLOSURES[fy]!;
    schedule.push({ fy, openings: Number(seedItemValue('6', fy)) - Number(seedItemValue('6', fy - 1)) + closures, closures });
  }
  for (let fy = LAST_PUBLISHED_FY + 1; fy <= currentFy; fy++) {
    let openings = LATER_OPENINGS[fy] ?? LATER_DEFAULT_OPENINGS;
    let closures = LATER_CLOSURES;
    if (fy === currentFy) {
      // The current year has only run part of its course.
      const share = (dayNumber(clock.today) - dayNumber(`${fy}-04-01`)) / 365;
      openings = Math.round(openings * share);
      closures = Math.round(closures * share);
    }
    schedule.push({ fy, openings, closures });
  }
  return schedule;
}

/** The salon register, calibrated so the count open on each March 31 of H30–R5 is the printed ⑥. */
export function generateSalons(districts: GeneratorDistrict[], clock: GeneratorClock): NewSalon[] {
  const random = new Random(20190331);
  // Case-study districts always run salons; about one district in six runs none.
  const affinity = new Map(
    districts.map((d) => [d.id, ['101', '701'].includes(d.code) || !random.chance(DISTRICTS_WITHOUT_SALON) ? d.weight * Math.exp(0.3 * random.gauss()) : 0]),
  );
  const salonsOf = new Map<number, { names: Set<string> }>();
  const all: (NewSalon & { districtId: number; openedOn: string })[] = [];
  const merged = districts.filter((d) => d.activeTo !== null);

  for (const { fy, openings, closures } of salonSchedule(clock)) {
    // Closures first, among salons open when the year began (so every count stays exact).
    const openAtStart = all.filter((s) => s.openedOn < `${fy}-04-01` && !s.closedOn);
    // Districts that end this year close their salons as part of the year's closures.
    const ending = openAtStart.filter((s) => merged.some((d) => d.id === s.districtId && d.activeTo === fy));
    const rest = random.shuffle(openAtStart.filter((s) => !ending.includes(s)));
    for (const s of [...ending, ...rest].slice(0, Math.max(closures, ending.length))) s.closedOn = dayIn(random, fy, clock, s.openedOn);

    // No new salons in a district's last years before it merges.
    const eligible = districts.filter((d) => isDistrictActive(d, fy) && (d.activeTo === null || d.activeTo - 3 > fy));
    const weights = eligible.map((d) => affinity.get(d.id)!);
    const subsidised = new Set<number>();
    for (let i = 0; i < openings; i++) {
      const district = eligible[random.weightedIndex(weights)]!;
      const place = placeName(district.name);
      const names = salonsOf.get(district.id)?.names ?? new Set<string>();
      salonsOf.set(district.id, { names });
      let name = `${place}${random.pick(SALON_AREAS)}${random.pick(SALON_KINDS)}`;
      while (names.has(name)) name = `${place}${random.pick(SALON_AREAS)}${random.pick(SALON_KINDS)}`;
      names.add(name);
      let subsidyApplied: boolean;
      if (fy === 2024) {
        subsidyApplied = !subsidised.has(district.id) && subsidised.size < SUBSIDY_DISTRICTS_FY2024;
        if (subsidyApplied) subsidised.add(district.id);
      } else {
        subsidyApplied = random.chance(fy >= 2022 ? 0.6 : 0.3);
      }
      const venue = random.pick([
        `${place}市民センター`,
        `${place}市民センター`,
        `${place}${random.pick(['一区', '二区', '東', '西', '中央'])}公民館`,
        `${place}${random.pick(['一丁目', '二丁目', '団地', '本町'])}集会所`,
        `特別養護老人ホーム ${place}苑`,
        `${place}町内会館`,
      ]);
      all.push({ districtId: district.id, name, venue, openedOn: dayIn(random, fy, clock), closedOn: null, subsidyApplied });
    }
  }
  return all.map((s) => ({ ...s, closedOn: s.closedOn ?? null }));
}

// ---------------------------------------------------------------------------
// Plans (④⑦)

type PlanSpan = [formulatedFy: number, firstFy: number, lastFy: number];

/**
 * Districts grouped by the history of their plans (generation 1, 2, 3 in order),
 * worked out so that plans formulated (④) and in force (⑦) each year are
 * exactly the printed H30–R5 figures, with 15 formulated and 123 in force in R6.
 */
const PLAN_COHORTS: readonly { count: number; plans: PlanSpan[] }[] = [
  {
    count: 1,
    plans: [
      [2014, 2015, 2019],
      [2020, 2020, 2024],
      [2025, 2025, 2029],
    ],
  },
  {
    count: 5,
    plans: [
      [2015, 2016, 2020],
      [2021, 2021, 2025],
      [2026, 2026, 2030],
    ],
  },
  {
    count: 18,
    plans: [
      [2011, 2012, 2016],
      [2016, 2017, 2021],
      [2022, 2022, 2026],
    ],
  },
  {
    count: 9,
    plans: [
      [2018, 2018, 2021],
      [2022, 2022, 2026],
    ],
  },
  {
    count: 10,
    plans: [
      [2017, 2018, 2023],
      [2024, 2024, 2028],
    ],
  },
  {
    count: 1,
    plans: [
      [2015, 2015, 2024],
      [2025, 2025, 2029],
    ],
  },
  {
    count: 5,
    plans: [
      [2019, 2019, 2023],
      [2024, 2024, 2028],
    ],
  }, // 西戸畑地区: 第二次計画 in R6
  {
    count: 2,
    plans: [
      [2020, 2020, 2024],
      [2025, 2025, 2029],
    ],
  },
  {
    count: 8,
    plans: [
      [2021, 2021, 2025],
      [2026, 2026, 2030],
    ],
  },
  { count: 36, plans: [[2022, 2022, 2026]] }, // 小森江東校区: its first plan (seed 003, R4)
  { count: 28, plans: [[2023, 2023, 2027]] }, // 枝光台校区, new after the merger
  { count: 2, plans: [[2025, 2025, 2029]] },
  { count: 2, plans: [[2026, 2026, 2030]] },
];

// Districts whose case studies tell their plan's story sit in the matching cohort.
const PLAN_COHORT_OF: Record<string, number> = { '701': 6, '102': 9, '513': 10 };

/** Which cohort of PLAN_COHORTS each district with a plan belongs to (seeded: the same every time). */
function assignPlanCohorts(districts: GeneratorDistrict[]): Map<number, number> {
  const random = new Random(20220401);
  const slots = PLAN_COHORTS.flatMap((c, i) => Array.from({ length: c.count }, () => i));
  const assigned = new Map<number, number>();
  for (const d of districts) {
    const cohort = PLAN_COHORT_OF[d.code];
    if (cohort === undefined) continue;
    assigned.set(d.id, cohort);
    slots.splice(slots.indexOf(cohort), 1);
  }
  // Merged districts had no plan; the successor only exists from its first year.
  const free = random.shuffle(districts.filter((d) => d.activeFrom === null && d.activeTo === null && !assigned.has(d.id)));
  for (const [i, cohort] of random.shuffle(slots).entries()) {
    const d = free[i];
    if (d) assigned.set(d.id, cohort);
  }
  return assigned;
}

/** The plan register; nothing formulated after the current fiscal year. */
export function generatePlans(districts: GeneratorDistrict[], clock: GeneratorClock): NewPlan[] {
  const currentFy = fiscalYearOfMonth(clock.today.slice(0, 7));
  const rows: NewPlan[] = [];
  for (const [districtId, cohort] of assignPlanCohorts(districts)) {
    PLAN_COHORTS[cohort]!.plans.forEach(([formulatedFy, firstFy, lastFy], i) => {
      if (formulatedFy <= currentFy) rows.push({ districtId, generation: i + 1, formulatedFy, firstFy, lastFy, version: 1 });
    });
  }
  return rows.sort((a, b) => a.districtId - b.districtId || a.generation - b.generation);
}

// ---------------------------------------------------------------------------
// 策定予定 (scheduled plans: the ※ footnote to ④)

/**
 * Cohorts whose next plan was registered as scheduled (策定予定), for the FY it
 * is formulated in. Chosen so that at the end of R5 (FY2023) the city reads
 * seed 000's footnote 「Ｒ６年度１４校(地)区策定予定で、残り１８校(地)区」:
 * 14 of the 15 districts formulating in R6 registered it beforehand (one of
 * cohort 4 did not); the 18 remaining are the 9 with no plan yet (5 with none
 * at all, the 4 whose first plan comes in R7–R8) and the 9 whose next plan is
 * scheduled for R7–R8 (cohorts 0, 5, 7 and 1); cohort 8 has not scheduled its
 * R8 plan yet. Schedules are rows of their own: ④⑦ do not move.
 */
const SCHEDULED_COHORTS: readonly { cohort: number; fy: number; leaveOut?: number }[] = [
  { cohort: 4, fy: 2024, leaveOut: 1 },
  { cohort: 6, fy: 2024 },
  { cohort: 0, fy: 2025 },
  { cohort: 5, fy: 2025 },
  { cohort: 7, fy: 2025 },
  { cohort: 11, fy: 2025 },
  { cohort: 1, fy: 2026 },
  { cohort: 12, fy: 2026 },
];

const SCHEDULE_NOTES: Record<number, string> = { 1: '第一次計画', 2: '第二次計画', 3: '第三次計画' };

/** The 策定予定 register (independent of the clock: a schedule may lie ahead). */
export function generatePlanSchedules(districts: GeneratorDistrict[]): NewPlanSchedule[] {
  const byCohort = new Map<number, number[]>();
  for (const [districtId, cohort] of assignPlanCohorts(districts)) byCohort.set(cohort, [...(byCohort.get(cohort) ?? []), districtId]);
  const rows: NewPlanSchedule[] = [];
  for (const { cohort, fy, leaveOut = 0 } of SCHEDULED_COHORTS) {
    const generation = PLAN_COHORTS[cohort]!.plans.findIndex(([formulatedFy]) => formulatedFy === fy) + 1;
    const members = [...(byCohort.get(cohort) ?? [])].sort((a, b) => a - b);
    for (const districtId of members.slice(leaveOut)) rows.push({ districtId, scheduledFy: fy, note: SCHEDULE_NOTES[generation] ?? '', version: 1 });
  }
  return rows.sort((a, b) => a.districtId - b.districtId || a.scheduledFy - b.scheduledFy);
}
