/**
 * A district's history (変更履歴) in words people read: who, when (Japan time),
 * what was done, and the fields that changed, before → after. Pure.
 */
import { formatDateLong } from '../domain/dates.js';
import { isMonth, monthLabelLong, warekiLong } from '../domain/fiscalYear.js';
import { formatCount } from '../domain/numbers.js';
import { countFieldNames, fieldLabels } from '../domain/catalogue.js';
import { formatJapanDateTime } from '../web/japanTime.js';

/** One audit event as listDistrictHistory returns it. */
export interface HistoryEvent {
  event: {
    id: number;
    at: string;
    action: string;
    entity: string;
    entityId: string | null;
    month: string | null;
    before: string | null;
    after: string | null;
    detail: string | null;
  };
  userLogin: string | null;
  userName: string | null;
}

export interface FieldChange {
  label: string;
  before: string;
  after: string;
}

export interface HistoryEntry {
  id: number;
  /** e.g. 令和8年11月23日 14:05 */
  at: string;
  who: string;
  /** e.g. 月次報告（令和8年10月）を変更 */
  what: string;
  /** e.g. 区社協による修正 */
  detail: string | null;
  changes: FieldChange[];
}

const ACTIONS: Record<string, string> = {
  create: '登録',
  update: '変更',
  delete: '削除',
  close: '確定',
  reopen: '再開',
  accept: '確認',
  return: '差し戻し',
};

const ENTITIES: Record<string, string> = {
  monthly_report: '月次報告',
  salon: 'サロン',
  plan: '小地域福祉活動計画',
  case_study: '取組事例',
  published_figure: '公表値',
  district: '校(地)区',
  fiscal_year: '年度',
  indicator_value: '指標の値',
};

const DETAILS: Record<string, string> = {
  corrected_by_ward: '区社協による修正',
  import: 'CSVの取り込み',
  csv_import: 'CSVの取り込み',
};

// The monthly fields (from the catalogue), in form order, then 備考.
const MONTHLY_LABELS = fieldLabels();
const MONTHLY_ORDER = Object.keys(MONTHLY_LABELS);

// Register fields, in both spellings other features may use in their audit records.
const FIELD_NAMES: Record<string, string> = {
  ...MONTHLY_LABELS,
  name: '名称',
  venue: '会場',
  openedOn: '開設日',
  opened_on: '開設日',
  closedOn: '閉鎖日',
  closed_on: '閉鎖日',
  subsidyApplied: '立ち上げ助成の申請',
  subsidy_applied: '立ち上げ助成の申請',
  generation: '計画の次数',
  formulatedFy: '策定年度',
  formulated_fy: '策定年度',
  firstFy: '推進期間（初年度）',
  first_fy: '推進期間（初年度）',
  lastFy: '推進期間（最終年度）',
  last_fy: '推進期間（最終年度）',
  fiscalYear: '年度',
  fiscal_year: '年度',
  title: '題名',
  body: '本文',
  value: '値',
  kana: 'よみがな',
  code: 'コード',
};

// Bookkeeping columns that say nothing to the reader.
const HIDDEN_KEYS = new Set(['id', 'districtId', 'district_id', 'version', 'createdAt', 'updatedAt', 'updatedBy', 'created_at', 'updated_at']);
const FY_KEYS = new Set(['formulatedFy', 'formulated_fy', 'firstFy', 'first_fy', 'lastFy', 'last_fy', 'fiscalYear', 'fiscal_year']);
const COUNT_KEYS = new Set<string>(countFieldNames());

function parseJson(s: string | null): unknown {
  if (s === null) return null;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}

/** A recorded date (開設日 2024-04-01) or month in wareki, as every other page shows them; other text unchanged. */
function wareki(value: string): string {
  try {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDateLong(value);
    if (/^\d{4}-\d{2}$/.test(value) && isMonth(value)) return monthLabelLong(value);
  } catch {
    // Not a real date (e.g. 2024-02-30 in old data): shown as recorded.
  }
  return value;
}

/** One recorded value as text; counts say 未報告 when blank, since blank is not zero. */
export function describeValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return COUNT_KEYS.has(key) ? '未報告' : '（なし）';
  if (typeof value === 'boolean') return value ? 'はい' : 'いいえ';
  if (typeof value === 'number') {
    if (FY_KEYS.has(key) && Number.isInteger(value) && value >= 1868 && value <= 9999) return warekiLong(value);
    return formatCount(value);
  }
  if (typeof value === 'string') return wareki(value);
  return JSON.stringify(value);
}

/**
 * The fields that differ between `before` and `after` (all shown fields on create or delete).
 * `decimals`: the places of a council indicator's values (its event's cells are all numbers of one indicator).
 */
export function changedFields(before: unknown, after: unknown, decimals?: number): FieldChange[] {
  const b = before && typeof before === 'object' ? (before as Record<string, unknown>) : {};
  const a = after && typeof after === 'object' ? (after as Record<string, unknown>) : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !HIDDEN_KEYS.has(k));
  // Monthly fields in form order first, the rest as recorded.
  const order = (k: string) => {
    const i = MONTHLY_ORDER.indexOf(k);
    return i === -1 ? 100 : i;
  };
  keys.sort((x, y) => order(x) - order(y));
  const describe = (k: string, v: unknown) => (decimals !== undefined && typeof v === 'number' ? formatCount(v, decimals) : describeValue(k, v));
  const changes: FieldChange[] = [];
  for (const k of keys) {
    if (JSON.stringify(b[k] ?? null) === JSON.stringify(a[k] ?? null)) continue;
    changes.push({
      label: FIELD_NAMES[k] ?? k,
      before: before === null ? '' : describe(k, b[k]),
      after: after === null ? '' : describe(k, a[k]),
    });
  }
  return changes;
}

/** Each council indicator's decimal places by its key (DESIGN §11), for its values in the history. */
export type IndicatorPlaces = ReadonlyMap<string, number>;

/** The indicator key of an `indicator_value` event (its entity id is `key:month` or `key:wardN:fy`). */
const indicatorKeyOf = (entityId: string | null) => entityId?.split(':')[0] ?? '';

/** Audit events as history entries, indicator values at their indicator's places (97.5 stays 97.5). */
export function describeHistory(rows: readonly HistoryEvent[], places: IndicatorPlaces): HistoryEntry[] {
  return rows.map((row) => describeEvent(row, places));
}

/** An audit event as a history entry; `places` gives indicator values their decimal places (else whole numbers). */
export function describeEvent(row: HistoryEvent, places: IndicatorPlaces = new Map()): HistoryEntry {
  const e = row.event;
  const decimals = e.entity === 'indicator_value' ? (places.get(indicatorKeyOf(e.entityId)) ?? 0) : undefined;
  const entity = ENTITIES[e.entity] ?? e.entity;
  const action = ACTIONS[e.action] ?? e.action;
  const month = e.month ? `（${monthLabelLong(e.month)}）` : '';
  return {
    id: e.id,
    at: formatJapanDateTime(e.at),
    who: row.userName ?? row.userLogin ?? '（システム）',
    what: `${entity}${month}を${action}`,
    detail: e.detail ? (DETAILS[e.detail] ?? e.detail) : null,
    changes: changedFields(parseJson(e.before), parseJson(e.after), decimals),
  };
}
