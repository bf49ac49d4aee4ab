/**
 * Files of council-defined indicators (DESIGN §8, §11), read by importCsv like
 * the successions file:
 *
 * - `import indicators`: `key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy`,
 *   and optionally `decimals,numerator,denominator` (places after the point, 0 when blank or
 *   absent; a `ratio`'s numerator and denominator keys, which may be indicators of earlier rows).
 *   `categories` lists category names separated by `|` (CATEGORY_SEPARATOR; a
 *   name cannot contain it). A row whose key exists changes that indicator;
 *   listed names it lacks are added as categories, and categories the row does
 *   not list are kept: renaming and ending a category is done on the page, so
 *   that a category keeps its history.
 * - `import values`: `indicator,scope,period,category,value`. `scope` is a
 *   district code (district-monthly indicators) or a ward name (ward-yearly);
 *   `period` a month `2024-04` or a fiscal year `2024`/`R6`; `category` blank
 *   for the total, else a category's name; `value` blank removes the value.
 *
 * Rows are checked by the same functions as the pages (checkDefinition,
 * checkEntry), so a file is refused exactly as the form is; all or nothing, a
 * dry run rolls back, every error by line and column.
 */
import type { Db } from '../db/index.js';
import { allOrNothing } from '../db/rollback.js';
import { DomainError, ValidationError } from '../errors.js';
import { currentFiscalYear, fiscalYearOfMonth, monthLabelLong, warekiLong } from '../domain/fiscalYear.js';
import { todayInJapan } from '../domain/due.js';
import { isDistrictActive } from '../domain/rollup.js';
import { isFutureMonth } from '../domain/invariants.js';
import { reportedCounts } from '../figures/reportedMonths.js';
import { closedYearMessage, ClosedFiscalYearError } from '../fiscalYears/repository.js';
import { readDistrictCode, readFiscalYear, readMonth, REQUIRED_MESSAGE } from '../domain/cells.js';
import { RowReader, type ImportCounts, type ImportError, type ImportOptions, type ImportResult, type RowChange } from '../domain/importFile.js';
import { loadLookups } from '../districts/lookups.js';
import { IMPORT_COLUMNS, OPTIONAL_IMPORT_COLUMNS } from '../domain/importFormats.js';
import { decimalCell, type Cell, type Grid } from '../web/files.js';
import { listDistricts, listWards } from '../districts/repository.js';
import { toHalfWidth } from '../domain/numbers.js';
import {
  CATEGORY_SEPARATOR,
  checkDefinition,
  countsIn,
  rangeWords,
  ROLLUP_LABELS,
  splitCategories,
  type CategoryText,
  type DefinitionValue,
  type RatioPart,
} from './definitions.js';
import {
  createIndicator,
  keyOfId,
  listAllValues,
  listIndicators,
  TOTAL,
  updateIndicator,
  valuesAt,
  writeIndicatorCells,
  type Indicator,
  type ValueTarget,
} from './repository.js';
import { activeIndicators, checkEntry, entryField } from './values.js';

/** The data rows of a checked file, as importCsv read them. */
export interface CheckedFile {
  rows: { line: number; cells: string[] }[];
  index: ReadonlyMap<string, number>;
  /** Columns the header lacks (already reported on line 1). */
  missing: ReadonlySet<string>;
  /** Problems found so far (header, malformed lines). */
  errors: ImportError[];
}

function sortErrors(list: ImportError[], index: ReadonlyMap<string, number>): ImportError[] {
  const position = (c: string) => (c === '' ? -1 : (index.get(c) ?? Number.MAX_SAFE_INTEGER));
  return [...list].sort((a, b) => a.line - b.line || position(a.column) - position(b.column));
}

/** What the writes add up to: a count per outcome and, where something changed, the dry run's line. */
interface ImportTally {
  counts: ImportCounts;
  changes: RowChange[];
}

/**
 * The end both imports share: the problems found while reading are reported (a column the file
 * lacks only once, on the header line); else every planned write runs in one all-or-nothing
 * transaction, and a write the domain refuses becomes that line's error (`refusal`; any other error is thrown).
 */
function writeAllOrNothing<T>(
  db: Db,
  file: CheckedFile,
  options: ImportOptions,
  planned: Iterable<T>,
  rowWrite: { write(t: Db, item: T, tally: ImportTally): void; refusal(err: unknown, item: T): ImportError[] | null },
): ImportResult {
  const reported = file.errors.filter((e) => e.line === 1 || !file.missing.has(e.column));
  if (reported.length > 0) return { ok: false, errors: sortErrors(reported, file.index) };
  const tally: ImportTally = { counts: { created: 0, updated: 0, unchanged: 0 }, changes: [] };
  const writeErrors: ImportError[] = [];
  allOrNothing(
    db,
    (t) => {
      for (const item of planned) {
        try {
          rowWrite.write(t, item, tally);
        } catch (err) {
          const refused = rowWrite.refusal(err, item);
          if (!refused) throw err;
          writeErrors.push(...refused);
        }
      }
    },
    () => writeErrors.length === 0 && !options.dryRun,
  );
  if (writeErrors.length > 0) return { ok: false, errors: sortErrors(writeErrors, file.index) };
  return { ok: true, counts: tally.counts, changes: tally.changes, wardsCreated: [] };
}

/** The optional trailing columns of an `indicators` file (DESIGN §8, §11). */
const OPTIONAL_DEFINITION_COLUMNS = OPTIONAL_IMPORT_COLUMNS.indicators ?? [];

/** The CSV column of a definition field (category rows are all in `categories`). */
const columnOf = (field: string) => (field.startsWith('cat-') || field === 'breaks_down_field' ? 'categories' : field);

function dataRows(file: CheckedFile) {
  return file.rows.filter((r) => !r.cells.every((c) => c.trim() === ''));
}

/** Reads and writes an `indicators` file (see the module comment). */
export function importIndicatorDefinitions(db: Db, file: CheckedFile, options: ImportOptions = {}): ImportResult {
  const errors = file.errors;
  const allIndicators = listIndicators(db);
  const indicators = new Map(allIndicators.map((i) => [i.key, i]));
  // What a ratio may divide: the stored indicators, overlaid by the file's rows as they are read.
  const ratioParts = new Map<string, RatioPart>(allIndicators.map((i) => [i.key, i]));
  const planned: { line: number; key: string; existing: Indicator | undefined; value: DefinitionValue }[] = [];
  const firstLine = new Map<string, number>();
  const rows = dataRows(file);
  for (const record of rows) {
    const row = new RowReader(record.line, record.cells, file.index, errors);
    const key = toHalfWidth(row.cell('key')).trim();
    const existing = indicators.get(key);
    const names = splitCategories(row.cell('categories'));
    // Stored categories keep their id, name and years; names the row adds become new categories.
    const categories: CategoryText[] = (existing?.categories ?? []).map((c) => ({
      id: c.id,
      name: c.name,
      first_fy: String(c.firstFy),
      last_fy: c.lastFy === null ? '' : String(c.lastFy),
    }));
    for (const name of names) {
      if (!existing?.categories.some((c) => c.name === name.normalize('NFC') || c.key === name)) categories.push({ id: null, name, first_fy: '', last_fy: '' });
    }
    const checked = checkDefinition(
      {
        key,
        name: row.cell('name'),
        unit: row.cell('unit'),
        entered_by: row.cell('entered_by'),
        rollup: row.cell('rollup'),
        threshold: row.cell('threshold'),
        breaks_down_field: existing?.breaksDownField ?? '',
        first_fy: row.cell('first_fy'),
        last_fy: row.cell('last_fy'),
        // Optional columns: a file without them keeps what is stored (a blank cell in them means 0 / none).
        decimals: file.index.has('decimals') ? row.cell('decimals') : existing ? String(existing.decimals) : '',
        numerator: file.index.has('numerator') ? row.cell('numerator') : existing ? keyOfId(allIndicators, existing.numeratorId) : '',
        denominator: file.index.has('denominator') ? row.cell('denominator') : existing ? keyOfId(allIndicators, existing.denominatorId) : '',
      },
      categories,
      null,
      [...ratioParts.values()],
    );
    if (!checked.ok) {
      const seen = new Set<string>();
      for (const [field, message] of Object.entries(checked.errors)) {
        const column = columnOf(field);
        if (column === 'key' && existing && field === 'key') continue;
        if (seen.has(`${column}|${message}`)) continue;
        seen.add(`${column}|${message}`);
        row.error(column, message);
      }
      continue;
    }
    const first = firstLine.get(key);
    if (first !== undefined) {
      row.error('key', `同じ記号「${key}」の行が${first}行目にもあります。1行にまとめてください。`);
      continue;
    }
    firstLine.set(key, record.line);
    ratioParts.set(key, checked.value);
    planned.push({ line: record.line, key, existing, value: checked.value });
  }
  if (rows.length === 0 && errors.length === 0) errors.push({ line: 2, column: '', message: '取り込む行がありません。' });
  const userId = options.userId ?? null;
  return writeAllOrNothing(db, file, options, planned, {
    write(t, p, { counts, changes }) {
      const label = `${p.key} ${p.value.name}`;
      if (!p.existing) {
        const created = createIndicator(t, p.value, userId);
        counts.created++;
        changes.push({ line: p.line, outcome: 'created', label, before: null, after: definitionWords(created) });
        return;
      }
      const r = updateIndicator(t, { key: p.key, expectedVersion: null, value: p.value, userId });
      if (r.status === 'unchanged') counts.unchanged++;
      else if (r.status === 'saved') {
        counts.updated++;
        changes.push({ line: p.line, outcome: 'updated', label, before: definitionWords(p.existing), after: definitionWords(r.indicator) });
      }
    },
    refusal(err, p) {
      if (err instanceof ValidationError)
        return Object.entries(err.fieldErrors).map(([field, message]) => ({ line: p.line, column: columnOf(field), message }));
      if (err instanceof DomainError) return [{ line: p.line, column: 'key', message: err.message }];
      return null;
    },
  });
}

/** A definition as the dry run lists it (column names as in the file). */
function definitionWords(i: Indicator): Record<string, unknown> {
  return {
    name: i.name,
    unit: i.unit,
    entered_by: i.enteredBy,
    rollup: i.rollup,
    threshold: i.threshold,
    categories: i.categories.map((c) => c.name).join(CATEGORY_SEPARATOR),
    first_fy: i.firstFy,
    last_fy: i.lastFy,
  };
}

interface ValueGroup {
  indicator: Indicator;
  target: ValueTarget;
  label: string;
  firstLine: number;
  /** The file's cells: category id → value (null: remove), with the line of each. */
  cells: Map<number, number | null>;
  lines: Map<number, number>;
}

const targetKey = (t: ValueTarget) => (t.kind === 'district' ? `d${t.districtId}|${t.month}` : `w${t.wardId}|${t.fiscalYear}`);

/** Reads and writes a `values` file (see the module comment). */
/**
 * Gives a district-month's monthly report a new version (creating a blank one if there is none), so that a
 * monthly form opened before the import is refused instead of overwriting the imported values. Passed in by
 * the import dispatcher (src/imports/importCsv.ts), which knows the monthly reports; indicators do not.
 */
export type TouchMonthlyReports = (
  tx: Db,
  months: { districtId: number; month: string }[],
  userId: number | null,
  options: { allowClosedYear?: boolean },
) => void;

export function importIndicatorValues(db: Db, file: CheckedFile, options: ImportOptions, touchMonthlyReports: TouchMonthlyReports): ImportResult {
  const errors = file.errors;
  const lookups = loadLookups(db);
  const indicators = new Map(listIndicators(db).map((i) => [i.key, i]));
  const today = todayInJapan(options.now);
  const force = options.force ?? false;
  const groups = new Map<string, ValueGroup>();
  const rows = dataRows(file);
  for (const record of rows) {
    const row = new RowReader(record.line, record.cells, file.index, errors);
    const key = toHalfWidth(row.cell('indicator')).trim();
    const indicator = key === '' ? undefined : indicators.get(key);
    if (key === '') row.error('indicator', REQUIRED_MESSAGE);
    else if (!indicator) row.error('indicator', `指標「${key}」は登録されていません。先に指標を登録してください（記号で指定します）。`);
    if (!indicator) continue;
    if (indicator.rollup === 'ratio') {
      row.error(
        'indicator',
        `指標「${indicator.name}」は割合（分子の指標 ÷ 分母の指標 × 100）として計算するため、値は取り込めません。分子と分母の指標の値を取り込んでください。`,
      );
      continue;
    }
    let target: ValueTarget | undefined;
    let scopeLabel = '';
    if (indicator.enteredBy === 'district_monthly') {
      const code = row.take('scope', readDistrictCode);
      const district = code === undefined ? undefined : lookups.districtsByCode.get(code);
      if (code !== undefined && !district)
        row.error('scope', `校(地)区コード「${code}」は登録されていません。この指標は校(地)区ごとに入力するため、scope には校(地)区コードを書いてください。`);
      const month = row.take('period', readMonth);
      if (district && month !== undefined) {
        const fy = fiscalYearOfMonth(month);
        if (isFutureMonth(month, today))
          row.error('period', `${monthLabelLong(month)}はまだ始まっていないため、取り込めません。月が始まってから入力してください。`);
        else if (!isDistrictActive(district, fy)) row.error('period', `${district.name}は${warekiLong(fy)}には活動していない校(地)区です。`);
        else {
          target = { kind: 'district', districtId: district.id, month };
          scopeLabel = `${district.code} ${month}`;
        }
      }
    } else {
      const raw = row.cell('scope');
      const name = raw.replace(/^ward:/, '').trim();
      const wardId = lookups.wardsByName.get(name);
      if (raw === '') row.error('scope', REQUIRED_MESSAGE);
      else if (wardId === undefined)
        row.error('scope', `区「${name}」は登録されていません。この指標は区ごとに入力するため、scope には区の名前を書いてください。`);
      const fy = row.take('period', (c) => readFiscalYear(c, true));
      if (fy !== undefined && fy !== null && fy > currentFiscalYear(options.now))
        row.error('period', `${warekiLong(fy)}はまだ始まっていないため、取り込めません。`);
      else if (wardId !== undefined && fy !== undefined && fy !== null) {
        target = { kind: 'ward', wardId, fiscalYear: fy };
        scopeLabel = `${name} ${fy}`;
      }
    }
    const fy = target ? (target.kind === 'district' ? fiscalYearOfMonth(target.month) : target.fiscalYear) : null;
    if (fy !== null && !countsIn(indicator, fy)) {
      row.error('period', `指標「${indicator.name}」は${warekiLong(fy)}には数えません（${rangeWords(indicator, warekiLong)}）。`);
      target = undefined;
    } else if (fy !== null && lookups.closedYears.has(fy) && !force) {
      row.error('period', `${closedYearMessage(fy)}確定済みの年度にも書き込むときは --force を付けてください。`);
      target = undefined;
    }
    const categoryCell = row.cell('category');
    let categoryId: number | undefined;
    if (categoryCell === '') {
      if (indicator.breaksDownField)
        row.error('category', `指標「${indicator.name}」は月次報告の欄の内訳です。合計は月次報告で入力するため、category には内訳の名前を書いてください。`);
      else categoryId = TOTAL;
    } else {
      const name = categoryCell.normalize('NFC');
      const category = indicator.categories.find((c) => c.name === name) ?? indicator.categories.find((c) => c.key === name);
      if (!category)
        row.error(
          'category',
          `指標「${indicator.name}」に内訳「${categoryCell}」はありません。内訳の名前は ${indicator.categories.map((c) => c.name).join('、') || '（内訳なし）'} です。`,
        );
      else if (fy !== null && !countsIn(category, fy))
        row.error('category', `内訳「${category.name}」は${warekiLong(fy)}には数えません（${rangeWords(category, warekiLong)}）。`);
      else categoryId = category.id;
    }
    const valueCell = row.cell('value');
    const parsed = checkEntry([{ indicator, categories: [], breaksDownField: null }], () => valueCell);
    const message = parsed.errors[entryField(indicator.key)];
    if (message) row.error('value', message);
    const value = parsed.cells.get(indicator.id)?.get(TOTAL);
    if (row.failed || !target || categoryId === undefined || value === undefined) continue;
    const gk = `${indicator.id}|${targetKey(target)}`;
    let group = groups.get(gk);
    if (!group)
      groups.set(gk, (group = { indicator, target, label: `${scopeLabel} ${indicator.key}`, firstLine: record.line, cells: new Map(), lines: new Map() }));
    const before = group.lines.get(categoryId);
    if (before !== undefined) {
      row.error('category', `同じ指標・範囲・期間・内訳の行が${before}行目にもあります。1行にまとめてください。`);
      continue;
    }
    group.cells.set(categoryId, value);
    group.lines.set(categoryId, record.line);
  }
  if (rows.length === 0 && errors.length === 0) errors.push({ line: 2, column: '', message: '取り込む行がありません。' });

  // The breakdown rule, on the values as they will be (stored, overlaid by the file), by the form's check.
  for (const group of groups.values()) {
    const fy = group.target.kind === 'district' ? fiscalYearOfMonth(group.target.month) : group.target.fiscalYear;
    const active = activeIndicators([group.indicator], group.indicator.enteredBy, fy);
    const merged = new Map<number, number | null>(valuesAt(db, group.target).get(group.indicator.id) ?? []);
    for (const [id, v] of group.cells) merged.set(id, v);
    const fieldOf = new Map<string, number>([
      [entryField(group.indicator.key), TOTAL],
      ...(active[0]?.categories ?? []).map((c) => [entryField(group.indicator.key, c.key), c.id] as [string, number]),
    ]);
    const monthly = group.target.kind === 'district' ? reportedCounts(db, group.target.districtId, group.target.month) : undefined;
    const check = checkEntry(
      active,
      (f) => {
        const id = fieldOf.get(f);
        const v = id === undefined ? null : (merged.get(id) ?? null);
        return v === null ? '' : String(v);
      },
      monthly ?? {},
    );
    for (const [field, message] of Object.entries(check.errors)) {
      const id = fieldOf.get(field);
      const line = (id !== undefined ? group.lines.get(id) : undefined) ?? group.firstLine;
      errors.push({ line, column: 'value', message });
    }
  }
  const userId = options.userId ?? null;
  // District-months whose values changed: their monthly report gets a new version (touchMonthlyReports), once each.
  const touched = new Set<string>();
  return writeAllOrNothing(db, file, options, groups.values(), {
    write(t, group, { counts, changes }) {
      const names = (id: number) => (id === TOTAL ? '合計' : (group.indicator.categories.find((c) => c.id === id)?.name ?? String(id)));
      const stored = valuesAt(t, group.target).get(group.indicator.id) ?? new Map<number, number>();
      const outcome = writeIndicatorCells(t, group.indicator, group.target, group.cells, userId, { allowClosedYear: force });
      counts[outcome]++;
      if (outcome === 'unchanged') return;
      // A monthly form opened before the import must not overwrite the imported values unseen (a 409 instead).
      if (group.target.kind === 'district' && !touched.has(targetKey(group.target))) {
        touched.add(targetKey(group.target));
        touchMonthlyReports(t, [group.target], userId, { allowClosedYear: force });
      }
      const before = Object.fromEntries([...group.cells.keys()].filter((id) => stored.has(id)).map((id) => [names(id), stored.get(id)]));
      const after = Object.fromEntries([...group.cells].filter(([, v]) => v !== null).map(([id, v]) => [names(id), v]));
      changes.push({
        line: group.firstLine,
        outcome,
        label: `${group.label}（${group.indicator.name}）`,
        before: outcome === 'created' ? null : before,
        after,
      });
    },
    refusal(err, group) {
      if (err instanceof ClosedFiscalYearError) return [{ line: group.firstLine, column: 'period', message: err.message }];
      if (err instanceof DomainError) return [{ line: group.firstLine, column: 'indicator', message: err.message }];
      return null;
    },
  });
}

/** Every stored value in the `values` file format (importing it again changes nothing). */
export function indicatorValuesGrid(db: Db): Grid {
  const indicators = new Map(listIndicators(db).map((i) => [i.id, i]));
  const districtCodes = new Map(listDistricts(db).map((d) => [d.id, d.code]));
  const wardNames = new Map(listWards(db).map((w) => [w.id, w.name]));
  const { district, ward } = listAllValues(db);
  const category = (i: Indicator, id: number) => (id === TOTAL ? '' : (i.categories.find((c) => c.id === id)?.name ?? ''));
  const rows: Cell[][] = [];
  for (const v of district) {
    const i = indicators.get(v.indicatorId)!;
    rows.push([i.key, districtCodes.get(v.districtId) ?? '', v.month, category(i, v.categoryId), decimalCell(v.value, i.decimals)]);
  }
  for (const v of ward) {
    const i = indicators.get(v.indicatorId)!;
    rows.push([i.key, wardNames.get(v.wardId) ?? '', String(v.fiscalYear), category(i, v.categoryId), decimalCell(v.value, i.decimals)]);
  }
  return { name: '指標の値', header: [...IMPORT_COLUMNS.values], rows, widths: [16, 12, 10, 20, 10] };
}

/**
 * Every definition in the `indicators` file format. The optional columns
 * `decimals,numerator,denominator` are written only when some indicator uses them,
 * so that a council that never did keeps exactly the documented header.
 */
export function indicatorDefinitionsGrid(db: Db): Grid {
  const all = listIndicators(db);
  const optional = all.some((i) => i.decimals !== 0 || i.rollup === 'ratio');
  const rows = all.map((i) => [
    i.key,
    i.name,
    i.unit,
    i.enteredBy,
    i.rollup,
    i.threshold === null ? '' : i.threshold,
    i.categories.map((c) => c.name).join(CATEGORY_SEPARATOR),
    String(i.firstFy),
    i.lastFy === null ? '' : String(i.lastFy),
    ...(optional ? [String(i.decimals), keyOfId(all, i.numeratorId), keyOfId(all, i.denominatorId)] : []),
  ]);
  const header = [...IMPORT_COLUMNS.indicators, ...(optional ? OPTIONAL_DEFINITION_COLUMNS : [])];
  return { name: '指標', header, rows, widths: [16, 30, 8, 18, 18, 10, 60, 10, 10, ...(optional ? [10, 16, 16] : [])] };
}

/**
 * The import page's note on an `indicators` file, in plain Japanese: the rollup words the file
 * takes, and the optional trailing columns (DESIGN §8, §11).
 */
export const definitionsFileNote =
  `rollup には sum（${ROLLUP_LABELS.sum}）、latest（${ROLLUP_LABELS.latest}）、districts_at_least（${ROLLUP_LABELS.districts_meeting}）、` +
  'ratio（割合：分子の指標 ÷ 分母の指標 × 100）のどれかを書きます。' +
  `見出しの最後に ${OPTIONAL_DEFINITION_COLUMNS.join(',')} の列を足すこともできます（省略できます）：` +
  'decimals は小数点以下の桁数（0〜2、空欄は 0）、numerator と denominator は ratio の指標の分子と分母にする指標の記号です。';

/** The text check of a category cell, for messages naming the separator. */
export const categoriesHelp = `内訳の名前を「${CATEGORY_SEPARATOR}」で区切って書きます（例：安否確認${CATEGORY_SEPARATOR}買い物${CATEGORY_SEPARATOR}ごみ出し）。`;
