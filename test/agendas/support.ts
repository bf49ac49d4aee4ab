import type { Db } from '../../src/db/index.js';
import { upsertPublishedFigure } from '../../src/publishedFigures/repository.js';

/** Seed 000's table (R1–R5 = FY2019–2023), item by item; null = not available. */
export const SEED_000: Record<string, (number | null)[]> = {
  '1': [125407, 136262, 135812, 132844, 133382],
  '2': [721850, 603869, 614417, 655875, 701956],
  '3': [130, null, 127, 131, 126],
  '4': [5, 3, 13, 63, 28],
  '5': [1393, 689, 788, 1192, 1766],
  '6': [417, 431, 599, 548, 630],
  '7': [49, 51, 59, 95, 123],
};

/** Seed 000's printed labels, in row order. */
export const SEED_000_LABELS = ['ほぼ横ばい', '増加', 'ほぼ横ばい', '減少(※)', '増加', 'やや増加', '増加'];

export const NOT_AVAILABLE = 'コロナ禍で正確な統計不可';

/** Loads seed 000's citywide figures as published figures, as the demo city does. */
export function loadSeed000(db: Db): void {
  for (const [item, values] of Object.entries(SEED_000)) {
    values.forEach((value, i) => {
      upsertPublishedFigure(db, { item, fiscalYear: 2019 + i, scopeType: 'city', scopeId: 0, value, note: value === null ? NOT_AVAILABLE : null }, null);
    });
  }
}

export const ITEM_KEYS = ['1', '2', '3', '4', '5', '6', '7'];

/** The editor's fields for a one-table sheet (all seven rows in order), with overrides. */
export function sheetFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const fields: Record<string, string> = {
    heading: '議題（１）ア 小地域福祉活動の状況',
    subheading: '（地域での見守り・助け合いのためのネットワークづくり）',
    from: '2019',
    to: 'R5',
    version: '0',
    tableCount: '1',
    sectionCount: '0',
    't0.kind': 'items',
    't0.scope': 'city',
    't0.heading': '前年度までの推移',
    't0.basis': 'yoy',
    't0.flatPercent': '5',
    't0.strongPercent': '20',
    't0.headerStyle': 'short',
    't0.showTrend': '1',
    't0.note': '',
    op: 'save',
  };
  for (const k of ITEM_KEYS) {
    fields[`t0.r.${k}.order`] = k;
    fields[`t0.r.${k}.arrow`] = '';
    fields[`t0.r.${k}.text`] = '';
    fields[`t0.r.${k}.marker`] = '';
    fields[`t0.r.${k}.footnote`] = '';
  }
  return { ...fields, ...overrides };
}
