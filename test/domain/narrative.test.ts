import { describe, expect, it } from 'vitest';
import {
  narrativeCounts,
  narrativeQuotes,
  planScheduleFootnote,
  shareInTenths,
  sharePercent,
  shareInWords,
  toFullWidth,
  type DistrictNarrativeFacts,
} from '../../src/domain/narrative.js';

let nextId = 1;
/** A district that exists in every year and has nothing, except what is given. */
function district(partial: Partial<DistrictNarrativeFacts> = {}): DistrictNarrativeFacts {
  return {
    id: nextId++,
    activeFrom: null,
    activeTo: null,
    salonsOpen: 0,
    wellClubParticipants: null,
    subsidyApplied: false,
    planFormulated: false,
    scheduledInFy: false,
    scheduledInNextFy: false,
    scheduledAfterFy: false,
    ...partial,
  };
}

describe('the 約n割 rule: nearest tenth, halves up', () => {
  it('rounds to the nearest tenth', () => {
    expect(shareInTenths(112, 132)).toBe(8); // 0.848…
    expect(shareInTenths(106, 132)).toBe(8); // 0.803
    expect(shareInTenths(99, 132)).toBe(8); // 0.75 → up
    expect(shareInTenths(98, 132)).toBe(7); // 0.742
    expect(shareInTenths(17, 20)).toBe(9); // exactly 0.85: a half goes up, no floating-point 8.4999
    expect(shareInTenths(849, 1000)).toBe(8);
    expect(shareInTenths(0, 5)).toBe(0);
    expect(shareInTenths(5, 5)).toBe(10);
    expect(shareInTenths(3, 0)).toBeNull();
  });

  it('says it in words with full-width digits, and names the ends instead of 約０割 / 約１０割', () => {
    expect(shareInWords(112, 132)).toBe('約８割');
    expect(shareInWords(17, 20)).toBe('約９割');
    expect(shareInWords(1, 2)).toBe('約５割');
    expect(shareInWords(96, 100)).toBe('ほぼ全て');
    expect(shareInWords(100, 100)).toBe('全て');
    expect(shareInWords(4, 100)).toBe('１割未満');
    expect(shareInWords(0, 100)).toBe('なし');
    expect(shareInWords(0, 0)).toBeNull();
  });

  it('gives the percentage with one decimal', () => {
    expect(sharePercent(112, 132)).toBe(84.8);
    expect(sharePercent(1, 3)).toBe(33.3);
    expect(sharePercent(1, 0)).toBeNull();
  });

  it('writes digits and letters full-width', () => {
    expect(toFullWidth('R6年度14校')).toBe('Ｒ６年度１４校');
  });
});

describe('each narrative count, on hand-made districts', () => {
  const fy = 2023;
  const gone = { activeFrom: null, activeTo: 2022 }; // merged away before the FY: counted nowhere
  const later = { activeFrom: 2024, activeTo: null }; // created after the FY

  it('counts districts with a salon open on March 31 and the active districts', () => {
    const c = narrativeCounts(fy, [
      district({ salonsOpen: 3 }),
      district({ salonsOpen: 1 }),
      district({ salonsOpen: 0 }),
      district({ salonsOpen: null }),
      district({ ...gone, salonsOpen: 2 }),
      district({ ...later, salonsOpen: 2 }),
    ]);
    expect(c.activeDistricts).toBe(4);
    expect(c.districtsWithSalon).toBe(2);
  });

  it('counts districts that applied for a salon subsidy, and districts with Well Club participants', () => {
    const c = narrativeCounts(fy, [
      district({ subsidyApplied: true, wellClubParticipants: 12 }),
      district({ subsidyApplied: true, wellClubParticipants: 0 }),
      district({ wellClubParticipants: null }),
      district({ ...gone, subsidyApplied: true, wellClubParticipants: 5 }),
    ]);
    expect(c.districtsWithSubsidy).toBe(2);
    expect(c.districtsWithWellClub).toBe(1);
  });

  it('counts districts scheduled in the FY and the next, those without a plan, and the 残り of the footnote', () => {
    const c = narrativeCounts(fy, [
      // Has a plan, scheduled for its next one next year: scheduled, not remaining.
      district({ planFormulated: true, scheduledInNextFy: true, scheduledAfterFy: true }),
      // No plan yet, scheduled next year: without plan, scheduled, not remaining.
      district({ scheduledInNextFy: true, scheduledAfterFy: true }),
      // No plan, nothing scheduled: remaining.
      district(),
      // No plan, scheduled two years on: remaining.
      district({ scheduledAfterFy: true }),
      // Has a plan, its next one scheduled two years on: remaining (a plan still to make).
      district({ planFormulated: true, scheduledAfterFy: true }),
      // Has a plan and nothing scheduled: done, counted nowhere below.
      district({ planFormulated: true }),
      // Scheduled in the FY itself and formulated it.
      district({ planFormulated: true, scheduledInFy: true }),
      // Inactive districts count nowhere.
      district({ ...gone, scheduledInNextFy: true }),
      district({ ...later }),
    ]);
    expect(c.activeDistricts).toBe(7);
    expect(c.scheduledInFy).toBe(1);
    expect(c.scheduledInNextFy).toBe(2);
    expect(c.withoutPlan).toBe(3);
    expect(c.remainingAfterNextFy).toBe(3);
  });
});

describe('the sentences to quote', () => {
  it('reproduces seed 000’s ※ footnote for a sheet ending in R5', () => {
    expect(planScheduleFootnote({ fiscalYear: 2023, scheduledInNextFy: 14, remainingAfterNextFy: 18 })).toBe(
      '小地域福祉活動計画はＲ６年度１４校(地)区策定予定で、残り１８校(地)区',
    );
  });

  it('words every count in the style of seed 000 §3', () => {
    const quotes = narrativeQuotes({
      fiscalYear: 2024,
      activeDistricts: 132,
      districtsWithSalon: 112,
      districtsWithSubsidy: 20,
      districtsWithWellClub: 51,
      scheduledInFy: 14,
      scheduledInNextFy: 6,
      withoutPlan: 9,
      remainingAfterNextFy: 12,
    });
    const sentence = Object.fromEntries(quotes.map((q) => [q.key, q.sentence]));
    expect(sentence.salonShare).toBe('サロン活動の校(地)区社協の実施率は約８割（令和６年度末で１３２校(地)区中１１２校(地)区）となっている。');
    expect(sentence.subsidy).toBe('令和６年度は、２０校(地)区社協がサロン新設のための助成金を申請した。');
    expect(sentence.wellClub).toBe('令和６年度は５１校(地)区社協がウェルクラブ活動に取り組んだ。');
    expect(sentence.scheduled).toBe('令和６年度は１４校(地)区社協が小地域福祉活動計画の策定を予定している。');
    expect(sentence.scheduledNext).toBe('令和７年度は６校(地)区社協が小地域福祉活動計画の策定を予定している。');
    expect(sentence.withoutPlan).toBe('令和６年度末で小地域福祉活動計画を策定していない校(地)区は９校(地)区である。');
    expect(sentence.planFootnote).toBe('小地域福祉活動計画はＲ７年度６校(地)区策定予定で、残り１２校(地)区');
    expect(quotes.find((q) => q.key === 'salonShare')!.value).toBe('112校(地)区／132校(地)区（84.8％、約８割）');
  });

  it('leaves the share out when the scope has no district in the FY', () => {
    const quotes = narrativeQuotes(narrativeCounts(2024, []));
    expect(quotes.map((q) => q.key)).not.toContain('salonShare');
  });
});
