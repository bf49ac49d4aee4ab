import { formatCount } from './domain/numbers.js';
import { monthLabelLong, monthLabelShort, warekiLong, warekiShort } from './domain/fiscalYear.js';
import { formatDateLong } from './domain/dates.js';

/** Formatting helpers every template can use as `it.h`. */
export const viewHelpers = {
  count: formatCount,
  fyShort: warekiShort,
  fyLong: warekiLong,
  monthLong: monthLabelLong,
  monthShort: monthLabelShort,
  dateLong: formatDateLong,
  /** Percent with one decimal, signed: +7.0% */
  percent(change: number | null | undefined): string {
    if (change === null || change === undefined || !Number.isFinite(change)) return '—';
    const v = (change * 100).toFixed(1);
    return `${change > 0 ? '+' : ''}${v}%`;
  },
  roleLabel(role: string): string {
    return role === 'city' ? '市社協' : role === 'ward' ? '区社協' : '校(地)区社協';
  },
};

export type ViewHelpers = typeof viewHelpers;
