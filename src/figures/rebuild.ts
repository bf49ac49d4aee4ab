/**
 * Recompute on demand (`cli recompute [--fy N]`): rebuilds the stored figures
 * of open years from the records, after a restore, a bulk load or a fix of a
 * rule, and says what changed. Closed years are left as they are (frozen).
 */
import type { Db } from '../db/index.js';
import { recordAudit } from '../audit/repository.js';
import { ITEMS } from '../domain/items.js';
import { CATALOGUE, figureKeys } from '../domain/catalogue.js';
import { warekiLong } from '../domain/fiscalYear.js';
import {
  closedYearSet,
  fiscalYearsOfRecords,
  isYearStored,
  recomputeFiscalYears,
  storedYears,
  type Conn,
  type FigureChange,
  type FigureField,
} from './recompute.js';

export interface RebuildResult {
  /** Fiscal years that were recomputed (open ones, and closed ones that held no figures yet), ascending. */
  years: number[];
  /** Closed fiscal years that were left as they are. */
  closedSkipped: number[];
  changes: FigureChange[];
}

/** Every fiscal year the records or the stored figures cover. */
function allYears(conn: Conn, now: Date): number[] {
  return [...new Set([...storedYears(conn), ...fiscalYearsOfRecords(conn, now)])].sort((a, b) => a - b);
}

/**
 * Recomputes the stored figures of every open fiscal year (or only `fy`) in
 * one transaction (audited when anything changed). Closed years keep their
 * figures of record; a closed year that has none yet (a database from before
 * the figures of record) is stored from the records once.
 */
export function rebuildFigures(db: Db, options: { fy?: number; now?: Date } = {}): RebuildResult {
  return db.transaction(
    (tx) => {
      const years = options.fy !== undefined ? [options.fy] : allYears(tx, options.now ?? new Date());
      const closed = closedYearSet(tx);
      // A closed year keeps its figures of record; one that never had any (a database from before them) gets them once.
      const frozen = years.filter((y) => closed.has(y) && isYearStored(tx, y));
      const open = years.filter((y) => !frozen.includes(y));
      const changes = recomputeFiscalYears(tx, open, { includeClosed: true });
      if (changes.length > 0) {
        const detail = `${open[0]}-${open[open.length - 1]}: ${changes.length} district-years changed`;
        recordAudit(tx, { userId: null, action: 'recompute', entity: 'figures', before: null, after: { years: open, changed: changes.length }, detail });
      }
      return { years: open, closedSkipped: frozen, changes };
    },
    { behavior: 'immediate' },
  );
}

/** Names of the stored figures as people know them: the items and the monthly fields from the catalogue, then the bookkeeping. */
export const FIGURE_LABELS = {
  ...Object.fromEntries(CATALOGUE.fields.filter((f) => f.rollup !== 'monthsWithAny').map((f) => [f.figure, f.label])),
  ...Object.fromEntries(ITEMS.map((d) => [d.figure, `${d.circled} ${d.title}`])),
  meetingMonths: '連絡調整会議を開いた月数',
  regularMeetingMonths: '定例的とする月数（設定）',
  monthsReported: '報告のあった月数',
  active: '活動している校(地)区',
  wardId: '区',
} as Record<FigureField, string>;

/** The order a rebuild reports changes in: the items ①…, the other figures of the catalogue, then the bookkeeping. */
const ITEM_FIGURES = ITEMS.map((d) => d.figure);
const ORDER = [
  ...ITEM_FIGURES,
  ...figureKeys(CATALOGUE).filter((k) => !ITEM_FIGURES.includes(k)),
  'regularMeetingMonths',
  'monthsReported',
  'active',
  'wardId',
] as FigureField[];

/** What a rebuild did, as lines for the console. */
export function formatRebuild(result: RebuildResult): string[] {
  const lines: string[] = [];
  if (result.years.length === 0) lines.push('再計算する年度はありませんでした。');
  else {
    const span =
      result.years.length === 1 ? warekiLong(result.years[0]!) : `${warekiLong(result.years[0]!)}〜${warekiLong(result.years[result.years.length - 1]!)}`;
    lines.push(`${span}（${result.years.length}年度）の集計値を記録から計算し直しました。`);
  }
  if (result.closedSkipped.length > 0) {
    lines.push(`年度確定済みのため変えていない年度: ${result.closedSkipped.map(warekiLong).join('、')}`);
  }
  if (result.changes.length === 0) {
    lines.push('変わった集計値はありませんでした。');
    return lines;
  }
  const created = result.changes.filter((c) => c.kind === 'created').length;
  const updated = result.changes.filter((c) => c.kind === 'updated').length;
  const deleted = result.changes.filter((c) => c.kind === 'deleted').length;
  lines.push(`変わった校(地)区・年度: ${result.changes.length}件（追加 ${created}件、変更 ${updated}件、削除 ${deleted}件）`);
  lines.push('項目ごとの件数:');
  for (const field of ORDER) {
    const n = result.changes.filter((c) => c.fields.includes(field)).length;
    if (n > 0) lines.push(`  ${FIGURE_LABELS[field]}: ${n}件`);
  }
  const byYear = new Map<number, number>();
  for (const c of result.changes) byYear.set(c.fiscalYear, (byYear.get(c.fiscalYear) ?? 0) + 1);
  lines.push('年度ごとの件数:');
  for (const [fy, n] of [...byYear].sort((a, b) => a[0] - b[0])) lines.push(`  ${warekiLong(fy)}: ${n}件`);
  return lines;
}
