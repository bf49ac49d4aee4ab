/**
 * The five kinds of CSV import: how a row is read into a planned write, and
 * how that write goes through the shared (audited) write path.
 */
import type { Db } from '../db/index.js';
import type { ScopeType } from '../db/schema.js';
import { getPublishedFigure, upsertPublishedFigure } from '../publishedFigures/repository.js';
import { fiscalYearOfMonth, warekiLong } from '../domain/fiscalYear.js';
import { monthNotStartedProblems, planPeriodProblems, salonDateProblems } from '../domain/invariants.js';
import { toHalfWidth } from '../domain/numbers.js';
import { isDistrictActive } from '../domain/rollup.js';
import { readDistrict } from '../districts/rules.js';
import {
  readBoolean,
  readCount,
  readDate,
  readDistrictCode,
  readFiscalYear,
  readGeneration,
  readItem,
  readMonth,
  readText,
  REQUIRED_MESSAGE,
  type CellResult,
} from '../domain/cells.js';
import { RowReader } from '../domain/importFile.js';
import { type DistrictRef, type ImportedMonthlyValues, type ImportLookups, type ImportWriter, type WriteOutcome } from './repository.js';
import type { ImportKind } from '../domain/importFormats.js';
import { storedBreakdownProblem } from '../indicators/repository.js';
import { describeFieldBreakdown } from '../indicators/values.js';

/** Thrown by a planned write when the database disagrees with the row (e.g. a register entry differs). */
export class RowWriteError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

/** A row that passed validation: its identity in the file, and how to write it. */
export interface PlannedWrite {
  /** Two rows with the same key in one file are an error. */
  key: string;
  keyColumn: string;
  /** The row in words, for the dry run's list of rows to add or change (e.g. 「E01 2024-04」). */
  label: string;
  /** Writes the row through the import's writer (one transaction, prepared statements). */
  apply(writer: ImportWriter, tx: Db, userId: number | null): WriteOutcome;
  /** The district-month a monthly row writes (read in bulk before the writes) and the values it writes. */
  monthly?: { districtId: number; month: string; values: ImportedMonthlyValues };
}

export interface KindContext {
  lookups: ImportLookups;
  force: boolean;
  /** Today's date in Japan ('YYYY-MM-DD'): months after its month have not started and are refused, as on the form. */
  today: string;
  /** Whether a districts file may create the wards it names that do not exist yet (--create-wards). */
  createWards: boolean;
  /** Wards the file would create, in the order they first appear (filled in while rows are read). */
  wardsToCreate: string[];
  /** The monthly count fields, by their CSV names, from the catalogue (src/domain/catalogue.ts). */
  countFields: readonly string[];
}

interface KindDefinition {
  /** What makes two rows "the same" in a duplicate message (同じ…の行). */
  keyLabel: string;
  parse(row: RowReader, ctx: KindContext): PlannedWrite | null;
}

const text =
  (max: number, required = true) =>
  (cell: string) =>
    readText(cell, { required, max });
const requiredText =
  (max: number) =>
  (cell: string): CellResult<string> => {
    const r = readText(cell, { required: true, max });
    return r.ok ? { ok: true, value: r.value ?? '' } : r;
  };
const requiredFy = (cell: string): CellResult<number> => {
  const r = readFiscalYear(cell, true);
  return r.ok ? { ok: true, value: r.value ?? 0 } : r;
};
const requiredDate = (cell: string): CellResult<string> => {
  const r = readDate(cell, true);
  return r.ok ? { ok: true, value: r.value ?? '' } : r;
};

/**
 * A pure function that remembers its answers: a large file repeats the same few codes and
 * months on every row. Bounded, so that a file of all-different cells costs no more than before.
 */
function remembered<T>(compute: (key: string) => T): (key: string) => T {
  const seen = new Map<string, T>();
  return (key) => {
    if (seen.has(key)) return seen.get(key)!;
    const value = compute(key);
    if (seen.size >= 4_096) seen.clear();
    seen.set(key, value);
    return value;
  };
}
const readDistrictCodeOnce = remembered(readDistrictCode);
const readMonthOnce = remembered(readMonth);
const fiscalYearOfMonthOnce = remembered(fiscalYearOfMonth);

/** The district named by the row's district_code, which must already exist. */
function districtOf(row: RowReader, ctx: KindContext): DistrictRef | undefined {
  const code = row.take('district_code', readDistrictCodeOnce);
  if (code === undefined) return undefined;
  const district = ctx.lookups.districtsByCode.get(code);
  if (!district) row.error('district_code', `校(地)区コード「${code}」は登録されていません。先に校(地)区を登録してください。`);
  return district;
}

/** Spaces of any width removed, to recognise 「門司 区」 as a misspelling of 「門司区」. */
const squeeze = (name: string) => name.replace(/[\s\u3000]+/g, '');

/**
 * A ward named by a districts file that does not exist yet: created only when
 * asked (--create-wards) or while the city has no ward at all (its first
 * districts file); otherwise refused, naming the ward, so that a misspelling
 * never becomes a new ward.
 */
function checkNewWard(row: RowReader, ctx: KindContext, wardName: string): void {
  const wards = ctx.lookups.wardsByName;
  if (wards.has(wardName)) return;
  if (ctx.createWards || wards.size === 0) {
    if (!ctx.wardsToCreate.includes(wardName)) ctx.wardsToCreate.push(wardName);
    return;
  }
  const similar = [...wards.keys()].find((w) => squeeze(w) === squeeze(wardName));
  const hint = similar ? `「${similar}」の書き間違いではありませんか。` : '';
  row.error('ward', `区「${wardName}」は登録されていません。${hint}新しい区として作るには --create-wards を付けてください。`);
}

const districtsKind: KindDefinition = {
  keyLabel: '校(地)区コード',
  parse(row, ctx) {
    // The same rules as the district pages (src/districts/rules.ts).
    const read = readDistrict((field) => row.cell(field));
    for (const [column, message] of Object.entries(read.errors)) row.error(column, message);
    if (read.wardName !== undefined) checkNewWard(row, ctx, read.wardName);
    const input = read.data;
    if (row.failed || input === null) return null;
    return { key: input.code, keyColumn: 'code', label: `${input.code} ${input.name}（${input.wardName}）`, apply: (writer) => writer.district(input) };
  },
};

/** No note: what readText gives a blank cell, without its text checks (most rows of a large file have no note). */
const NO_NOTE: CellResult<string | null> = { ok: true, value: null };
const readNote = (cell: string) => (cell === '' ? NO_NOTE : readText(cell, { required: false, max: 1000, multiline: true }));

const monthlyKind: KindDefinition = {
  keyLabel: '校(地)区と月',
  parse(row, ctx) {
    const district = districtOf(row, ctx);
    const month = row.take('month', readMonthOnce);
    const counts: Record<string, number | string | null> = {};
    let reported = false;
    for (const f of ctx.countFields) {
      const count = row.take(f, readCount) ?? null;
      counts[f] = count;
      if (count !== null) reported = true;
    }
    const note = row.take('note', readNote) ?? null;
    counts.note = note;
    const values = counts as ImportedMonthlyValues;
    // The form's rule (DESIGN §8: one set of input rules): a month that has not started cannot be reported.
    if (month !== undefined) for (const p of monthNotStartedProblems(month, ctx.today, 'import')) row.error(p.field, p.message);
    if (row.failed || !district || month === undefined) return null;
    if (!reported && note === null) {
      // Importing it would mark the month as reported, or blank out what was typed on screen.
      row.error('month', 'この行には数がひとつも入っていません。報告のない月の行は削除してください。');
      return null;
    }
    const fy = fiscalYearOfMonthOnce(month);
    if (!isDistrictActive(district, fy)) {
      row.error('month', `${district.name}は${warekiLong(fy)}には活動していない校(地)区です（集計に入りません）。`);
      return null;
    }
    if (ctx.lookups.closedYears.has(fy) && !ctx.force) {
      row.error(
        'month',
        `${warekiLong(fy)}は年度確定済みのため取り込めません。年度を再開するか、確定済みの年度にも書き込む指定（--force）で取り込んでください。`,
      );
      return null;
    }
    // Plausibility flags stay only on values the file leaves as they were (ImportWriter.monthly).
    return {
      key: `${district.id}|${month}`,
      keyColumn: 'month',
      label: `${district.code} ${month}`,
      apply(writer, tx) {
        // A stored breakdown of a field (the kinds of help of ②) must still add up to the field's new value.
        const breakdown = writer.mayHaveBreakdown(district.id, month) ? storedBreakdownProblem(tx, district.id, month, values, describeFieldBreakdown) : null;
        if (breakdown) throw new RowWriteError(breakdown.field, breakdown.message);
        return writer.monthly(district.id, month, values);
      },
      monthly: { districtId: district.id, month, values },
    };
  },
};

const salonsKind: KindDefinition = {
  keyLabel: '校(地)区・サロン名・開設日',
  parse(row, ctx) {
    const district = districtOf(row, ctx);
    const name = row.take('name', requiredText(100));
    const venue = row.take('venue', text(200, false));
    const openedOn = row.take('opened_on', requiredDate);
    const closedOn = row.take('closed_on', (c) => readDate(c, false));
    const subsidyApplied = row.take('subsidy_applied', readBoolean);
    // The salon form's rule and words (閉鎖日), from src/domain/invariants.ts.
    for (const p of salonDateProblems(openedOn, closedOn)) row.error(p.field, p.message);
    if (row.failed || !district || name === undefined || openedOn === undefined || subsidyApplied === undefined) return null;
    const input = { name, venue: venue ?? '', openedOn, closedOn: closedOn ?? null, subsidyApplied };
    return {
      key: `${district.id}|${name}|${openedOn}`,
      keyColumn: 'name',
      label: `${district.code} ${name}（${openedOn}）`,
      apply(writer) {
        const outcome = writer.salon(district.id, input);
        if (outcome !== 'differs') return outcome;
        // The shared salon write path has no update yet; changes go through the salon page, which audits them.
        throw new RowWriteError(
          'name',
          '同じ名前・開設日のサロンがすでに登録されていて、会場・閉鎖日・補助金申請の内容が違います。変更はサロンの画面で行ってください。',
        );
      },
    };
  },
};

const plansKind: KindDefinition = {
  keyLabel: '校(地)区と計画の次数',
  parse(row, ctx) {
    const district = districtOf(row, ctx);
    const generation = row.take('generation', readGeneration);
    const formulatedFy = row.take('formulated_fy', requiredFy);
    const firstFy = row.take('first_fy', requiredFy);
    const lastFy = row.take('last_fy', requiredFy);
    // The plan form's rules (the period runs forward; formulated by its last year), from src/domain/invariants.ts.
    for (const p of planPeriodProblems({ formulatedFy, firstFy, lastFy })) row.error(p.field, p.message);
    if (row.failed || !district || generation === undefined || formulatedFy === undefined || firstFy === undefined || lastFy === undefined) {
      return null;
    }
    const input = { generation, formulatedFy, firstFy, lastFy };
    return {
      key: `${district.id}|${generation}`,
      keyColumn: 'generation',
      label: `${district.code} 第${generation}次`,
      apply(writer) {
        const outcome = writer.plan(district.id, input);
        if (outcome !== 'differs') return outcome;
        throw new RowWriteError(
          'generation',
          `この校(地)区の第${generation}次計画はすでに登録されていて、年度の内容が違います。変更は計画の画面で行ってください。`,
        );
      },
    };
  },
};

/** `city`, a ward name or a district code (also `ward:<name>` / `district:<code>` as in URLs). */
function scopeOf(row: RowReader, ctx: KindContext): { scopeType: ScopeType; scopeId: number } | undefined {
  const raw = row.cell('scope');
  if (raw === '') {
    row.error('scope', REQUIRED_MESSAGE);
    return undefined;
  }
  const s = toHalfWidth(raw).trim();
  if (s.toLowerCase() === 'city' || s === '全市') return { scopeType: 'city', scopeId: 0 };
  const [prefix, ...rest] = s.split(':');
  const name = rest.join(':');
  const district = ctx.lookups.districtsByCode.get(prefix === 'district' ? name : s);
  const wardId = ctx.lookups.wardsByName.get(prefix === 'ward' ? name : raw.trim());
  if (prefix === 'district' && district) return { scopeType: 'district', scopeId: district.id };
  if (prefix === 'ward' && wardId !== undefined) return { scopeType: 'ward', scopeId: wardId };
  if (prefix !== 'district' && prefix !== 'ward') {
    if (district && wardId !== undefined) {
      row.error('scope', `「${raw}」は区の名前とも校(地)区コードとも読めます。ward:${raw} または district:${s} と書いてください。`);
      return undefined;
    }
    if (district) return { scopeType: 'district', scopeId: district.id };
    if (wardId !== undefined) return { scopeType: 'ward', scopeId: wardId };
  }
  row.error('scope', `「${raw}」という区・校(地)区は登録されていません。city、区の名前、校(地)区コードのどれかを入力してください。`);
  return undefined;
}

const publishedKind: KindDefinition = {
  keyLabel: '項目・年度・範囲',
  parse(row, ctx) {
    const item = row.take('item', readItem);
    const fiscalYear = row.take('fiscal_year', requiredFy);
    const scope = scopeOf(row, ctx);
    const value = row.take('value', readCount);
    const note = row.take('note', text(200, false));
    if (value === null && note === null) row.error('note', '公表値がない（value が空の）ときは、表に載せる理由を入力してください。');
    if (row.failed || item === undefined || fiscalYear === undefined || !scope || value === undefined) return null;
    const input = { item, fiscalYear, ...scope, value, note: note ?? null };
    return {
      key: `${item}|${fiscalYear}|${scope.scopeType}|${scope.scopeId}`,
      keyColumn: 'item',
      label: `${item} ${fiscalYear} ${row.cell('scope')}`,
      apply(_writer, tx, userId) {
        const existing = getPublishedFigure(tx, input);
        if (existing && existing.value === input.value && existing.note === input.note) return 'unchanged';
        upsertPublishedFigure(tx, input, userId);
        return existing ? 'updated' : 'created';
      },
    };
  },
};

// Successions are read as events of several rows (src/successions/importer.ts), not row by row;
// indicators and their values by src/indicators/importer.ts (values are checked per district-month or ward-year).
/** The kinds read row by row (the others have their own importers). */
export type RowKind = Exclude<ImportKind, 'successions' | 'indicators' | 'values'>;

export const KINDS: Record<RowKind, KindDefinition> = {
  districts: districtsKind,
  monthly: monthlyKind,
  salons: salonsKind,
  plans: plansKind,
  published: publishedKind,
};
