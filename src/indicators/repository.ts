/**
 * Council-defined indicators: queries and the one audited write path of
 * definitions and values (DESIGN §11). Every write runs in the caller's
 * transaction or its own; the data-version triggers (migration 0013) make the
 * caches notice.
 */
import { and, asc, eq, getTableColumns, gt, lt, or, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/index.js';
import { districtIndicatorValues, indicatorCategories, indicatorDefinitions, wardIndicatorValues } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';
import { ValidationError } from '../errors.js';
import { fiscalYearOfMonth, warekiLong } from '../domain/fiscalYear.js';
import { ClosedFiscalYearError, isFiscalYearClosed } from '../fiscalYears/repository.js';
import type { CategoryValue, DefinitionValue } from './definitions.js';

type Reader = Pick<Db, 'select'>;

export type DefinitionRow = typeof indicatorDefinitions.$inferSelect;
export type CategoryRow = typeof indicatorCategories.$inferSelect;
export interface Indicator extends DefinitionRow {
  categories: CategoryRow[];
}

/** Category id of an indicator's total (and of an indicator without categories). */
export const TOTAL = 0;

/** A definition refused by what is stored (a taken key, values outside a shortened period): one message per field. */
export class DefinitionError extends ValidationError {}

/** Every indicator with its categories, in page order. */
export function listIndicators(db: Reader): Indicator[] {
  const defs = db.select().from(indicatorDefinitions).orderBy(asc(indicatorDefinitions.position), asc(indicatorDefinitions.id)).all();
  const cats = db.select().from(indicatorCategories).orderBy(asc(indicatorCategories.position), asc(indicatorCategories.id)).all();
  return defs.map((d) => ({ ...d, categories: cats.filter((c) => c.indicatorId === d.id) }));
}

export function getIndicatorByKey(db: Reader, key: string): Indicator | undefined {
  const d = db.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.key, key)).get();
  if (!d) return undefined;
  const categories = db
    .select()
    .from(indicatorCategories)
    .where(eq(indicatorCategories.indicatorId, d.id))
    .orderBy(asc(indicatorCategories.position), asc(indicatorCategories.id))
    .all();
  return { ...d, categories };
}

/** The key of the indicator with id `id` (a ratio's numerator or denominator), or '' when there is none. */
export function keyOfId(indicators: readonly Pick<DefinitionRow, 'id' | 'key'>[], id: number | null): string {
  return id === null ? '' : (indicators.find((i) => i.id === id)?.key ?? '');
}

/** The ids of a checked ratio's numerator and denominator (null for other rules); a key no longer there is refused. */
function ratioIds(db: Reader, value: DefinitionValue): { numeratorId: number | null; denominatorId: number | null } {
  const idOf = (key: string | null, field: 'numerator' | 'denominator') => {
    if (key === null) return null;
    const found = db.select({ id: indicatorDefinitions.id }).from(indicatorDefinitions).where(eq(indicatorDefinitions.key, key)).get();
    if (!found) throw new DefinitionError({ [field]: `指標「${key}」は見つかりません。選び直してください。` });
    return found.id;
  };
  return { numeratorId: idOf(value.numeratorKey, 'numerator'), denominatorId: idOf(value.denominatorKey, 'denominator') };
}

/** Ratios that divide the indicator with id `id` (their names). */
function ratiosUsing(db: Reader, id: number): string[] {
  return db
    .select({ name: indicatorDefinitions.name })
    .from(indicatorDefinitions)
    .where(or(eq(indicatorDefinitions.numeratorId, id), eq(indicatorDefinitions.denominatorId, id)))
    .all()
    .map((r) => r.name);
}

/** How many values of an indicator have more places after the point than `decimals`. */
function valuesWithMorePlaces(db: Reader, indicatorId: number, decimals: number): number {
  const d =
    db
      .select({ n: sql<number>`count(*)` })
      .from(districtIndicatorValues)
      .where(
        and(
          eq(districtIndicatorValues.indicatorId, indicatorId),
          sql`abs(${districtIndicatorValues.value} - round(${districtIndicatorValues.value}, ${decimals})) > 1e-9`,
        ),
      )
      .get()?.n ?? 0;
  const w =
    db
      .select({ n: sql<number>`count(*)` })
      .from(wardIndicatorValues)
      .where(
        and(eq(wardIndicatorValues.indicatorId, indicatorId), sql`abs(${wardIndicatorValues.value} - round(${wardIndicatorValues.value}, ${decimals})) > 1e-9`),
      )
      .get()?.n ?? 0;
  return d + w;
}

/** What the audit log keeps of a definition. */
function snapshot(i: Indicator) {
  const { categories, ...definition } = i;
  return { ...definition, categories: categories.map((c) => ({ id: c.id, key: c.key, name: c.name, firstFy: c.firstFy, lastFy: c.lastFy })) };
}

const firstMonth = (fy: number) => `${fy}-04`;
const lastMonth = (fy: number) => `${fy + 1}-03`;

/** How many values an indicator (or one category) holds outside [firstFy, lastFy]. */
function valuesOutside(db: Reader, indicatorId: number, range: { firstFy: number; lastFy: number | null }, categoryId?: number): number {
  const dCat = categoryId === undefined ? sql`1 = 1` : eq(districtIndicatorValues.categoryId, categoryId);
  const wCat = categoryId === undefined ? sql`1 = 1` : eq(wardIndicatorValues.categoryId, categoryId);
  const dOut = or(
    lt(districtIndicatorValues.month, firstMonth(range.firstFy)),
    range.lastFy === null ? sql`0 = 1` : gt(districtIndicatorValues.month, lastMonth(range.lastFy)),
  );
  const wOut = or(lt(wardIndicatorValues.fiscalYear, range.firstFy), range.lastFy === null ? sql`0 = 1` : gt(wardIndicatorValues.fiscalYear, range.lastFy));
  const d =
    db
      .select({ n: sql<number>`count(*)` })
      .from(districtIndicatorValues)
      .where(and(eq(districtIndicatorValues.indicatorId, indicatorId), dCat, dOut))
      .get()?.n ?? 0;
  const w =
    db
      .select({ n: sql<number>`count(*)` })
      .from(wardIndicatorValues)
      .where(and(eq(wardIndicatorValues.indicatorId, indicatorId), wCat, wOut))
      .get()?.n ?? 0;
  return d + w;
}

function valueCount(db: Reader, indicatorId: number): number {
  const d =
    db
      .select({ n: sql<number>`count(*)` })
      .from(districtIndicatorValues)
      .where(eq(districtIndicatorValues.indicatorId, indicatorId))
      .get()?.n ?? 0;
  const w =
    db
      .select({ n: sql<number>`count(*)` })
      .from(wardIndicatorValues)
      .where(eq(wardIndicatorValues.indicatorId, indicatorId))
      .get()?.n ?? 0;
  return d + w;
}

const outsideMessage = (n: number, range: { firstFy: number; lastFy: number | null }, what: string) =>
  `この期間（${warekiLong(range.firstFy)}${range.lastFy === null ? 'から' : `〜${warekiLong(range.lastFy)}`}）の外に、${what}の値が${n}件入力されています。期間を広げるか、先にその値を消してください。`;

/** Writes the categories of a checked definition: known ids are renamed or re-dated in place (history stays), new ones get the next key. */
function writeCategories(
  tx: Db,
  indicatorId: number,
  existing: readonly CategoryRow[],
  categories: readonly CategoryValue[],
  categoryFieldOf: (c: CategoryValue) => string,
): void {
  const errors: Record<string, string> = {};
  let next = existing.reduce((m, c) => Math.max(m, Number(/^c(\d+)$/.exec(c.key)?.[1] ?? 0)), 0);
  const kept = new Set(categories.map((c) => c.id).filter((id): id is number => id !== null));
  // A category the form no longer lists keeps its place and history.
  const positions = [...categories, ...existing.filter((c) => !kept.has(c.id))];
  categories.forEach((c) => {
    const position = positions.indexOf(c);
    if (c.id === null) {
      next++;
      tx.insert(indicatorCategories)
        .values({ indicatorId, key: `c${next}`, name: c.name, firstFy: c.firstFy, lastFy: c.lastFy, position })
        .run();
      return;
    }
    const stored = existing.find((e) => e.id === c.id);
    if (!stored) {
      errors[categoryFieldOf(c)] = 'この内訳は見つかりません。画面を開き直してください。';
      return;
    }
    if (c.firstFy !== stored.firstFy || c.lastFy !== stored.lastFy) {
      const n = valuesOutside(tx, indicatorId, c, c.id);
      if (n > 0) errors[categoryFieldOf(c)] = outsideMessage(n, c, `内訳「${stored.name}」`);
    }
    tx.update(indicatorCategories).set({ name: c.name, firstFy: c.firstFy, lastFy: c.lastFy, position }).where(eq(indicatorCategories.id, c.id)).run();
  });
  if (Object.keys(errors).length > 0) throw new DefinitionError(errors);
}

/** Creates an indicator with its categories (audited). Throws DefinitionError when the key is taken. */
export function createIndicator(
  db: Db,
  value: DefinitionValue,
  userId: number | null,
  categoryFieldOf: (c: CategoryValue) => string = () => 'categories',
): Indicator {
  return db.transaction((tx) => {
    const t = tx as unknown as Db;
    if (getIndicatorByKey(t, value.key)) throw new DefinitionError({ key: `記号「${value.key}」はすでに使われています。別の記号にしてください。` });
    const position =
      (t
        .select({ m: sql<number | null>`max(${indicatorDefinitions.position})` })
        .from(indicatorDefinitions)
        .get()?.m ?? 0) + 1;
    const row = t
      .insert(indicatorDefinitions)
      .values({
        key: value.key,
        name: value.name,
        unit: value.unit,
        enteredBy: value.enteredBy,
        rollup: value.rollup,
        threshold: value.threshold,
        breaksDownField: value.breaksDownField,
        firstFy: value.firstFy,
        lastFy: value.lastFy,
        position,
        decimals: value.decimals,
        ...ratioIds(t, value),
      })
      .returning()
      .get();
    writeCategories(t, row.id, [], value.categories, categoryFieldOf);
    const created = getIndicatorByKey(t, value.key)!;
    recordAudit(t, { userId, action: 'create', entity: 'indicator', entityId: value.key, before: null, after: snapshot(created) });
    return created;
  });
}

export type UpdateIndicatorResult = { status: 'saved' | 'unchanged'; indicator: Indicator } | { status: 'conflict'; stored: Indicator };

/**
 * Changes an indicator (audited) if it is still at `expectedVersion`. A period
 * or a category's period may not leave values outside it; who enters it may
 * not change once values exist. Throws DefinitionError with a message per field.
 */
export function updateIndicator(
  db: Db,
  args: { key: string; expectedVersion: number | null; value: DefinitionValue; userId: number | null; categoryFieldOf?: (c: CategoryValue) => string },
): UpdateIndicatorResult {
  return db.transaction((tx) => {
    const t = tx as unknown as Db;
    const stored = getIndicatorByKey(t, args.key);
    if (!stored) throw new DefinitionError({ key: `指標「${args.key}」は見つかりません。` });
    if (args.expectedVersion !== null && stored.version !== args.expectedVersion) return { status: 'conflict', stored } as const;
    const v = args.value;
    const errors: Record<string, string> = {};
    const hasValues = (v.enteredBy !== stored.enteredBy || v.breaksDownField !== stored.breaksDownField) && valueCount(t, stored.id) > 0;
    if (hasValues && v.enteredBy !== stored.enteredBy) {
      errors.entered_by = 'すでに値が入力されているため、だれが入力するかは変えられません。新しい指標を作ってください。';
    }
    // A breakdown of a monthly field stores no total of its own: switching it on or off would orphan or lose totals.
    if (hasValues && v.breaksDownField !== stored.breaksDownField) {
      errors.breaks_down_field = 'すでに値が入力されているため、月次報告の欄の内訳にするかどうかは変えられません。新しい指標を作ってください。';
    }
    if (v.firstFy !== stored.firstFy || v.lastFy !== stored.lastFy) {
      const n = valuesOutside(t, stored.id, v);
      if (n > 0) errors[v.lastFy !== stored.lastFy ? 'last_fy' : 'first_fy'] = outsideMessage(n, v, 'この指標');
    }
    // A ratio is computed, never entered: values already entered would be hidden.
    if (v.rollup === 'ratio' && stored.rollup !== 'ratio' && valueCount(t, stored.id) > 0) {
      errors.rollup = 'すでに値が入力されているため、「割合」にはできません。割合は新しい指標として作ってください。';
    }
    const users = v.rollup === 'ratio' || v.enteredBy !== stored.enteredBy ? ratiosUsing(t, stored.id) : [];
    if (users.length > 0) {
      errors[v.rollup === 'ratio' ? 'rollup' : 'entered_by'] =
        `この指標は割合の指標（${users.join('、')}）の分子か分母になっているため、この変更はできません。`;
    }
    if (v.decimals < stored.decimals) {
      const n = valuesWithMorePlaces(t, stored.id, v.decimals);
      if (n > 0) errors.decimals = `小数点以下が${v.decimals}桁より多い値が${n}件入力されています。桁数を減らすには、先にその値を直してください。`;
    }
    const ratio = ratioIds(t, v);
    if (Object.keys(errors).length > 0) throw new DefinitionError(errors);
    const same =
      stored.name === v.name &&
      stored.unit === v.unit &&
      stored.enteredBy === v.enteredBy &&
      stored.rollup === v.rollup &&
      stored.threshold === v.threshold &&
      stored.breaksDownField === v.breaksDownField &&
      stored.firstFy === v.firstFy &&
      stored.lastFy === v.lastFy &&
      stored.decimals === v.decimals &&
      stored.numeratorId === ratio.numeratorId &&
      stored.denominatorId === ratio.denominatorId &&
      v.categories.every((c) => {
        const s = stored.categories.find((e) => e.id === c.id);
        return s && s.name === c.name && s.firstFy === c.firstFy && s.lastFy === c.lastFy;
      });
    if (same) return { status: 'unchanged', indicator: stored } as const;
    t.update(indicatorDefinitions)
      .set({
        name: v.name,
        unit: v.unit,
        enteredBy: v.enteredBy,
        rollup: v.rollup,
        threshold: v.threshold,
        breaksDownField: v.breaksDownField,
        firstFy: v.firstFy,
        lastFy: v.lastFy,
        decimals: v.decimals,
        ...ratio,
        version: stored.version + 1,
      })
      .where(eq(indicatorDefinitions.id, stored.id))
      .run();
    writeCategories(t, stored.id, stored.categories, v.categories, args.categoryFieldOf ?? (() => 'categories'));
    const after = getIndicatorByKey(t, args.key)!;
    recordAudit(t, { userId: args.userId, action: 'update', entity: 'indicator', entityId: args.key, before: snapshot(stored), after: snapshot(after) });
    return { status: 'saved', indicator: after } as const;
  });
}

/** Where a value belongs: a district-month (district-monthly indicators) or a ward-year (ward-yearly ones). */
export type ValueTarget = { kind: 'district'; districtId: number; month: string } | { kind: 'ward'; wardId: number; fiscalYear: number };

/** Stored values at a target, by indicator id then category id. */
export function valuesAt(db: Reader, target: ValueTarget): Map<number, Map<number, number>> {
  const rows =
    target.kind === 'district'
      ? db
          .select({ indicatorId: districtIndicatorValues.indicatorId, categoryId: districtIndicatorValues.categoryId, value: districtIndicatorValues.value })
          .from(districtIndicatorValues)
          .where(and(eq(districtIndicatorValues.districtId, target.districtId), eq(districtIndicatorValues.month, target.month)))
          .all()
      : db
          .select({ indicatorId: wardIndicatorValues.indicatorId, categoryId: wardIndicatorValues.categoryId, value: wardIndicatorValues.value })
          .from(wardIndicatorValues)
          .where(and(eq(wardIndicatorValues.wardId, target.wardId), eq(wardIndicatorValues.fiscalYear, target.fiscalYear)))
          .all();
  const out = new Map<number, Map<number, number>>();
  for (const r of rows) {
    let m = out.get(r.indicatorId);
    if (!m) out.set(r.indicatorId, (m = new Map<number, number>()));
    m.set(r.categoryId, r.value);
  }
  return out;
}

/** Category names by id (0: 合計), for the audit record and the dry run. */
function cellNames(indicator: Indicator): (categoryId: number) => string {
  return (id) => (id === TOTAL ? '合計' : (indicator.categories.find((c) => c.id === id)?.name ?? String(id)));
}

type ValueTable = typeof districtIndicatorValues | typeof wardIndicatorValues;
type CellKey<T extends ValueTable> = Omit<T['$inferInsert'], 'value' | 'updatedAt' | 'updatedBy'>;

/** One stored cell, by its table's unique key: null deletes the row, a number inserts or updates it. */
function putCell<T extends ValueTable>(tx: Db, table: T, key: CellKey<T>, value: number | null, updatedAt: string, updatedBy: number | null): void {
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  const keyColumns = Object.keys(key).map((name) => columns[name]!);
  if (value === null) {
    tx.delete(table)
      .where(and(...Object.entries(key).map(([name, v]) => eq(columns[name]!, v))))
      .run();
    return;
  }
  tx.insert(table)
    .values({ ...key, value, updatedAt, updatedBy } as T['$inferInsert'])
    .onConflictDoUpdate({ target: keyColumns, set: { value, updatedAt, updatedBy } as SQLiteUpdateSetSource<T> })
    .run();
}

/**
 * Writes one indicator's cells at a target (null = not entered: the row is
 * deleted), audited as one event with before and after; returns what changed.
 * The caller has checked the values (checkEntry) and the year is open.
 */
export function writeIndicatorCells(
  tx: Db,
  indicator: Indicator,
  target: ValueTarget,
  cells: ReadonlyMap<number, number | null>,
  userId: number | null,
  options: { allowClosedYear?: boolean } = {},
): 'created' | 'updated' | 'unchanged' {
  const fy = target.kind === 'district' ? fiscalYearOfMonth(target.month) : target.fiscalYear;
  // DESIGN §7: a closed year's values are refused (the import's --force writes them; its figures stay frozen).
  if (!options.allowClosedYear && isFiscalYearClosed(tx, fy)) throw new ClosedFiscalYearError(fy, target.kind === 'district' ? 'month' : 'fiscal_year');
  const stored = valuesAt(tx, target).get(indicator.id) ?? new Map<number, number>();
  const changed = [...cells].filter(([id, v]) => (stored.get(id) ?? null) !== v);
  if (changed.length === 0) return 'unchanged';
  const now = new Date().toISOString();
  for (const [categoryId, value] of changed) {
    if (target.kind === 'district')
      putCell(tx, districtIndicatorValues, { indicatorId: indicator.id, categoryId, districtId: target.districtId, month: target.month }, value, now, userId);
    else putCell(tx, wardIndicatorValues, { indicatorId: indicator.id, categoryId, wardId: target.wardId, fiscalYear: target.fiscalYear }, value, now, userId);
  }
  const name = cellNames(indicator);
  const before: Record<string, number> = {};
  const after: Record<string, number> = {};
  for (const [id, v] of stored) before[name(id)] = v;
  const merged = new Map(stored);
  for (const [id, v] of changed) {
    if (v === null) merged.delete(id);
    else merged.set(id, v);
  }
  for (const [id, v] of merged) after[name(id)] = v;
  recordAudit(tx, {
    userId,
    action: stored.size === 0 ? 'create' : merged.size === 0 ? 'delete' : 'update',
    entity: 'indicator_value',
    entityId: target.kind === 'district' ? `${indicator.key}:${target.month}` : `${indicator.key}:ward${target.wardId}:${target.fiscalYear}`,
    districtId: target.kind === 'district' ? target.districtId : null,
    month: target.kind === 'district' ? target.month : null,
    before: stored.size === 0 ? null : before,
    after: merged.size === 0 ? null : after,
    detail: indicator.name,
  });
  return stored.size === 0 ? 'created' : 'updated';
}

/** Every stored value, for the export (indicator, district or ward, period, category). */
export function listAllValues(db: Reader) {
  const district = db
    .select({
      indicatorId: districtIndicatorValues.indicatorId,
      categoryId: districtIndicatorValues.categoryId,
      districtId: districtIndicatorValues.districtId,
      month: districtIndicatorValues.month,
      value: districtIndicatorValues.value,
    })
    .from(districtIndicatorValues)
    .orderBy(
      asc(districtIndicatorValues.indicatorId),
      asc(districtIndicatorValues.districtId),
      asc(districtIndicatorValues.month),
      asc(districtIndicatorValues.categoryId),
    )
    .all();
  const ward = db
    .select({
      indicatorId: wardIndicatorValues.indicatorId,
      categoryId: wardIndicatorValues.categoryId,
      wardId: wardIndicatorValues.wardId,
      fiscalYear: wardIndicatorValues.fiscalYear,
      value: wardIndicatorValues.value,
    })
    .from(wardIndicatorValues)
    .orderBy(asc(wardIndicatorValues.indicatorId), asc(wardIndicatorValues.wardId), asc(wardIndicatorValues.fiscalYear), asc(wardIndicatorValues.categoryId))
    .all();
  return { district, ward };
}

/**
 * The breakdown rule seen from the monthly field (DESIGN §11): when a district-month already
 * holds a breakdown of a monthly field (e.g. the kinds of help of ② mutual-aid cases), the
 * field's new value must still equal the categories' sum. Used where the field is written
 * without the indicator section (the monthly CSV import); null when it agrees.
 */
export function storedBreakdownProblem(
  db: Reader,
  districtId: number,
  month: string,
  values: Readonly<Record<string, unknown>>,
  describe: (total: number | null, parts: number[], unit: string, field: string) => string | null,
): { field: string; message: string } | null {
  const rows = db
    .select({
      field: indicatorDefinitions.breaksDownField,
      name: indicatorDefinitions.name,
      unit: indicatorDefinitions.unit,
      value: districtIndicatorValues.value,
    })
    .from(districtIndicatorValues)
    .innerJoin(indicatorDefinitions, eq(indicatorDefinitions.id, districtIndicatorValues.indicatorId))
    .where(
      and(
        eq(districtIndicatorValues.districtId, districtId),
        eq(districtIndicatorValues.month, month),
        sql`${indicatorDefinitions.breaksDownField} IS NOT NULL`,
      ),
    )
    .all();
  const byIndicator = new Map<string, { field: string; unit: string; parts: number[] }>();
  for (const r of rows) {
    if (r.field === null || !(r.field in values)) continue;
    let group = byIndicator.get(r.name);
    if (!group) byIndicator.set(r.name, (group = { field: r.field, unit: r.unit, parts: [] }));
    group.parts.push(r.value);
  }
  for (const [name, g] of byIndicator) {
    const total = values[g.field];
    const problem = describe(typeof total === 'number' ? total : null, g.parts, g.unit, g.field);
    if (problem) return { field: g.field, message: `この月に入力済みの「${name}」について：${problem}内訳は月次報告の画面で直してください。` };
  }
  return null;
}
