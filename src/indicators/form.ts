/**
 * Entry of council-defined indicators on the district monthly form (a section
 * after the seven items) and on the ward yearly form: view data built by pure
 * functions from the active indicators, and the checked save (DESIGN §11).
 */
import { asc } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { indicatorCategories, indicatorDefinitions } from '../db/schema.js';
import { preparedOnce } from '../db/prepared.js';
import { fiscalYearOfMonth } from '../domain/fiscalYear.js';
import type { CountField } from '../domain/catalogue.js';
import { breakdownFieldLabel } from './definitions.js';
import { valuesAt, writeIndicatorCells, type Indicator, type ValueTarget } from './repository.js';
import { activeIndicators, checkEntry, entryField, entryLabels, hasOwnTotal, typedFromStored, type ActiveIndicator, type EntryCheck } from './values.js';

/** One input of the section. */
export interface EntryInput {
  field: string;
  label: string;
  value: string;
  error: string | null;
}

/** One indicator of the section: its total (if it has one of its own) and its categories. */
export interface EntryGroup {
  key: string;
  name: string;
  unit: string;
  /** 「助け合い件数の内訳」: the categories add up to that monthly field. */
  breaksDown: string | null;
  /** Places after the decimal point the values may have (0: whole numbers). */
  decimals: number;
  /** 「小数点以下1桁まで（例：97.0）」 for an indicator with decimals; null for whole numbers. */
  decimalsHint: string | null;
  total: EntryInput | null;
  categories: EntryInput[];
}

/** What was typed and the problems, when the section is shown again after a failed save. */
export interface EntryState {
  typed: Record<string, string>;
  errors: Record<string, string>;
}

/** The section's view data: one group per active indicator (none: the section is not shown). */
export function entryGroups(active: readonly ActiveIndicator[], state: EntryState): EntryGroup[] {
  const input = (field: string, label: string): EntryInput => ({ field, label, value: state.typed[field] ?? '', error: state.errors[field] ?? null });
  return active.map((a) => ({
    key: a.indicator.key,
    name: a.indicator.name,
    unit: a.indicator.unit,
    breaksDown: a.breaksDownField ? `${breakdownFieldLabel(a.breaksDownField)}の内訳` : null,
    decimals: a.indicator.decimals,
    decimalsHint: a.indicator.decimals > 0 ? `小数点以下${a.indicator.decimals}桁まで入力できます（例：${(97).toFixed(a.indicator.decimals)}）。` : null,
    total: hasOwnTotal(a) ? input(entryField(a.indicator.key), a.categories.length > 0 ? '合計' : a.indicator.name) : null,
    categories: a.categories.map((c) => input(entryField(a.indicator.key, c.key), c.name)),
  }));
}

/**
 * Every indicator with its categories, in page order (as listIndicators), with
 * both statements prepared once per connection: every monthly save and form
 * reads them, and building the queries cost more than the save's own SQL.
 */
function indicatorsForEntry(db: Db): Indicator[] {
  const s = preparedOnce(db, 'indicators.forEntry', (c) => ({
    definitions: c.select().from(indicatorDefinitions).orderBy(asc(indicatorDefinitions.position), asc(indicatorDefinitions.id)).prepare(),
    categories: c.select().from(indicatorCategories).orderBy(asc(indicatorCategories.position), asc(indicatorCategories.id)).prepare(),
  }));
  const definitions = s.definitions.all();
  if (definitions.length === 0) return [];
  const categories = s.categories.all();
  return definitions.map((d) => ({ ...d, categories: categories.filter((c) => c.indicatorId === d.id) }));
}

/** The district-monthly indicators of a month's fiscal year. */
export function monthlyIndicators(db: Db, month: string): ActiveIndicator[] {
  return activeIndicators(indicatorsForEntry(db), 'district_monthly', fiscalYearOfMonth(month));
}

/** The ward-yearly indicators of a fiscal year. */
export function wardIndicators(db: Db, fy: number): ActiveIndicator[] {
  return activeIndicators(indicatorsForEntry(db), 'ward_yearly', fy);
}

/**
 * The monthly form's indicator section: stored values, or what was typed
 * (`state`) after a failed save. Also returns the labels for the error summary.
 */
export function monthlyIndicatorSection(db: Db, districtId: number, month: string, state?: EntryState) {
  const active = monthlyIndicators(db, month);
  const shown = state ?? { typed: typedFromStored(active, valuesAt(db, { kind: 'district', districtId, month })), errors: {} };
  return { groups: entryGroups(active, shown), errors: shown.errors, labels: entryLabels(active) };
}

/** Reads the posted monthly form's indicator fields against the month's checked values (for breakdowns of a field). */
export function checkMonthlyIndicators(
  db: Db,
  month: string,
  body: unknown,
  monthly: Partial<Record<CountField, number | null>> | null,
): EntryCheck & { active: ActiveIndicator[] } {
  const all = monthlyIndicators(db, month);
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  // A form without the section (the conflict page's overwrite, a page opened before an indicator
  // was defined) leaves the stored values alone: an indicator none of whose fields were sent is skipped.
  const sent = (a: ActiveIndicator) =>
    [entryField(a.indicator.key), ...a.categories.map((c) => entryField(a.indicator.key, c.key))].some((f) => typeof fields[f] === 'string');
  const active = all.filter(sent);
  const read = (f: string) => {
    const v = fields[f];
    return typeof v === 'string' ? v.slice(0, 1000) : '';
  };
  const check = checkEntry(active, read, monthly ?? {});
  // A breakdown of a field that itself failed to read is checked again once the field reads.
  if (monthly === null)
    for (const a of active)
      if (a.breaksDownField)
        for (const c of a.categories)
          if (check.errors[entryField(a.indicator.key, c.key)]?.startsWith('内訳')) delete check.errors[entryField(a.indicator.key, c.key)];
  return { ...check, active };
}

/** Writes every active indicator's checked cells at a target, audited, in the caller's transaction; true if anything changed. */
export function saveIndicatorCells(
  tx: Db,
  active: readonly ActiveIndicator[],
  target: ValueTarget,
  cells: EntryCheck['cells'],
  userId: number | null,
): boolean {
  let changed = false;
  for (const a of active) {
    const c = cells.get(a.indicator.id);
    if (c && writeIndicatorCells(tx, a.indicator, target, c, userId) !== 'unchanged') changed = true;
  }
  return changed;
}
