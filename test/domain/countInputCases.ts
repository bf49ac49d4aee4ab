/**
 * Typed counts and what they must become, shared by the server parser's unit test
 * (countUnits.test.ts) and the browser test that runs the live total's copy of it
 * in public/app.js (test/monthlyReports/forms.browser.test.ts).
 */
export interface CountInputCase {
  text: string;
  units: string[];
  /** The stored value, null for blank, or 'refused'. */
  expected: number | null | 'refused';
}

export const COUNT_INPUT_CASES: readonly CountInputCase[] = [
  { text: '', units: ['世帯'], expected: null },
  { text: '　', units: ['世帯'], expected: null },
  { text: '125', units: ['世帯'], expected: 125 },
  { text: '１２５', units: ['世帯'], expected: 125 },
  { text: '125世帯', units: ['世帯'], expected: 125 },
  { text: '１２５世帯', units: ['世帯'], expected: 125 },
  { text: '125 世帯', units: ['世帯'], expected: 125 },
  { text: '1,250世帯', units: ['世帯'], expected: 1250 },
  { text: '１，２５０', units: ['世帯'], expected: 1250 },
  { text: '3件', units: ['件'], expected: 3 },
  { text: '３件', units: ['件'], expected: 3 },
  { text: '12人', units: ['人'], expected: 12 },
  { text: '4回', units: ['回'], expected: 4 },
  { text: '0回', units: ['回'], expected: 0 },
  { text: ' 7 ', units: ['人'], expected: 7 },
  { text: '3件', units: ['世帯'], expected: 'refused' },
  { text: '125世帯', units: [], expected: 'refused' },
  { text: '世帯', units: ['世帯'], expected: 'refused' },
  { text: '12 5', units: ['世帯'], expected: 'refused' },
  { text: '１２　５', units: ['世帯'], expected: 'refused' },
  { text: '12,5', units: ['世帯'], expected: 'refused' },
  { text: '1.5', units: ['世帯'], expected: 'refused' },
  { text: '-3', units: ['件'], expected: 'refused' },
  { text: '▲3件', units: ['件'], expected: 'refused' },
  { text: 'たくさん', units: ['人'], expected: 'refused' },
  { text: '10000000', units: ['人'], expected: 'refused' },
  { text: '9,999,999人', units: ['人'], expected: 9999999 },
];
