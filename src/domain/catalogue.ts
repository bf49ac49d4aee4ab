/**
 * The catalogue of what is counted (DESIGN §3, §4): the monthly count fields,
 * the seven agenda items (①〜⑦) and the household-category rows, each written
 * once. The monthly form, the CSV columns (import, export, Excel template),
 * the year view, the rollup input and the household and trend rows are
 * derived from it. Every derivation takes the catalogue as a parameter (the
 * real one by default), so that a test can add a field to a copy and see it
 * everywhere. Pure: no database, no Fastify.
 */

/** A head-count at month end (stock) or what happened in the month (flow). */
export type Flow = 'stock' | 'flow';

/**
 * How a count's months become one district's yearly value:
 * `latest` — the latest reported value of the fiscal year (a year-end state);
 * `sum` — the sum of the reported months;
 * `monthsWithAny` — the months with at least one (③'s meeting months).
 */
export type FieldRollup = 'latest' | 'sum' | 'monthsWithAny';

/** One monthly count field (月次報告の項目). */
export interface CountFieldDefinition {
  /** Property name in code and in the rollup input (watchedElderly). */
  readonly key: string;
  /** Form field, CSV column and database column (watched_elderly). */
  readonly name: string;
  /** Full Japanese label: messages, CSV notes, history (見守り世帯数（高齢者世帯）). */
  readonly label: string;
  /** Label inside its form group (高齢者世帯). */
  readonly formLabel: string;
  /** Column heading in the year view (高齢者). */
  readonly short: string;
  /** What people may type after the number (「125世帯」). */
  readonly unit: string;
  readonly flow: Flow;
  /** Key of its group (FieldGroupDefinition.key). */
  readonly group: string;
  readonly rollup: FieldRollup;
  /** Key of the yearly figure (district_year_figures) the rollup gives for this field. */
  readonly figure: string;
  /** Help under the field on the form ('' for none). */
  readonly hint: string;
  /** Its row in the household-category table (seed 003 table 2), if it has one. */
  readonly household?: { readonly title: string };
}

/** A group of count fields, shown together on the form (one fieldset). */
export interface FieldGroupDefinition {
  readonly key: string;
  /** The fieldset's legend on the form. */
  readonly legend: string;
  /** The group's yearly total (① is the four watched categories added up), with its household row. */
  readonly total?: {
    /** Household row key and stored column (watched_total). */
    readonly name: string;
    /** Key of the yearly figure (watchedTotal). */
    readonly figure: string;
    /** Heading of the group in tables (見守り世帯数). */
    readonly heading: string;
    /** Title of the total's household row (計). */
    readonly title: string;
    readonly unit: string;
  };
}

/** How an agenda item's yearly value of a district is found (DESIGN §4). */
export type ItemRollup =
  /** The group's fields (each its latest value in the FY) added up: ①. */
  | { readonly kind: 'groupTotal'; readonly group: string }
  /** A flow field summed over the FY: ②⑤. */
  | { readonly kind: 'sum'; readonly field: string }
  /** 1 if the field's months with at least one reach the setting, else 0: ③. */
  | { readonly kind: 'monthsAtLeast'; readonly field: string; readonly setting: 'regularMeetingMonths' }
  /** A count from the registers (plans, salons): ④⑥⑦. */
  | { readonly kind: 'register'; readonly register: 'planFormulated' | 'salonsOpen' | 'planActive' };

/** The number of one of the real catalogue's items (1–7): derived from ITEM_DEFINITIONS, so an item added there is one here. */
export type ItemNumber = (typeof ITEM_DEFINITIONS)[number]['item'];

/** One agenda item (項目), titled exactly as printed on the agenda sheets (seeds 000 and 003). */
export interface ItemDefinition<N extends number = ItemNumber> {
  readonly item: N;
  readonly circled: string;
  readonly title: string;
  readonly unit: string;
  /** Key of the yearly figure (watchedTotal). */
  readonly figure: string;
  /** Stored column in district_year_figures (watched_total). */
  readonly column: string;
  readonly rollup: ItemRollup;
  /** A year-end state: in a succession's year it belongs to the successors (DESIGN §2). */
  readonly yearEnd: boolean;
  /** Counted from the registers: a fact about every district, so 0 rather than blank in a sum. */
  readonly registerCount: boolean;
  /** How a district's yearly value is counted, in the year view's words (③ names the city's setting). */
  readonly howCounted: (regularMeetingMonths: number) => string;
}

export interface Catalogue {
  readonly groups: readonly FieldGroupDefinition[];
  /** Count fields in form (and CSV) order. */
  readonly fields: readonly CountFieldDefinition[];
  readonly items: readonly ItemDefinition[];
}

const WATCHED_GROUP = {
  key: 'watched',
  legend: '見守り世帯数（月末の世帯数）',
  total: { name: 'watched_total', figure: 'watchedTotal', heading: '見守り世帯数', title: '計', unit: '世帯' },
} as const;

const ACTIVITY_GROUP = { key: 'activities', legend: '福祉協力員・助け合い・会議・ウェルクラブ' } as const;

/** The eight monthly count fields, in form and CSV order (DESIGN §3, §8). */
export const COUNT_FIELD_DEFINITIONS = [
  {
    key: 'watchedElderly',
    name: 'watched_elderly',
    label: '見守り世帯数（高齢者世帯）',
    formLabel: '高齢者世帯',
    short: '高齢者',
    unit: '世帯',
    flow: 'stock',
    group: 'watched',
    rollup: 'latest',
    figure: 'watchedElderly',
    hint: '',
    household: { title: '高齢者世帯' },
  },
  {
    key: 'watchedDisability',
    name: 'watched_disability',
    label: '見守り世帯数（障害のある人のある世帯）',
    formLabel: '障害のある人のある世帯',
    short: '障害',
    unit: '世帯',
    flow: 'stock',
    group: 'watched',
    rollup: 'latest',
    figure: 'watchedDisability',
    hint: '',
    household: { title: '障害のある人のある世帯' },
  },
  {
    key: 'watchedSingleParent',
    name: 'watched_single_parent',
    label: '見守り世帯数（ひとり親で子育て中の世帯）',
    formLabel: 'ひとり親で子育て中の世帯',
    short: 'ひとり親',
    unit: '世帯',
    flow: 'stock',
    group: 'watched',
    rollup: 'latest',
    figure: 'watchedSingleParent',
    hint: '',
    household: { title: 'ひとり親で子育て中の世帯' },
  },
  {
    key: 'watchedOther',
    name: 'watched_other',
    label: '見守り世帯数（その他の世帯）',
    formLabel: 'その他の世帯',
    short: 'その他',
    unit: '世帯',
    flow: 'stock',
    group: 'watched',
    rollup: 'latest',
    figure: 'watchedOther',
    hint: '',
    household: { title: 'その他の世帯' },
  },
  {
    key: 'welfareCooperators',
    name: 'welfare_cooperators',
    label: '福祉協力員数',
    formLabel: '福祉協力員数',
    short: '福祉協力員',
    unit: '人',
    flow: 'stock',
    group: 'activities',
    rollup: 'latest',
    figure: 'welfareCooperators',
    hint: '月末の人数',
    household: { title: '福祉協力員(人)' },
  },
  {
    key: 'mutualAidCases',
    name: 'mutual_aid_cases',
    label: '助け合い件数',
    formLabel: '助け合い件数',
    short: '助け合い',
    unit: '件',
    flow: 'flow',
    group: 'activities',
    rollup: 'sum',
    figure: 'mutualAidCases',
    hint: 'この月の件数',
  },
  {
    key: 'coordinationMeetings',
    name: 'coordination_meetings',
    label: '連絡調整会議の開催回数',
    formLabel: '連絡調整会議の開催回数',
    short: '連絡調整会議',
    unit: '回',
    flow: 'flow',
    group: 'activities',
    rollup: 'monthsWithAny',
    figure: 'meetingMonths',
    hint: 'この月に開いた回数（開かなかった月は 0）',
  },
  {
    key: 'wellClubParticipants',
    name: 'well_club_participants',
    label: 'ウェルクラブ活動等の参加者数',
    formLabel: 'ウェルクラブ活動等の参加者数',
    short: 'ウェルクラブ等',
    unit: '人',
    flow: 'flow',
    group: 'activities',
    rollup: 'sum',
    figure: 'wellClubParticipants',
    hint: 'この月の参加者の延べ人数',
  },
] as const satisfies readonly CountFieldDefinition[];

/** The seven agenda items (議題の項目①〜⑦). */
export const ITEM_DEFINITIONS = [
  {
    item: 1,
    circled: '①',
    title: 'ふれあいネットワーク活動の見守り世帯数',
    unit: '世帯',
    figure: 'watchedTotal',
    column: 'watched_total',
    rollup: { kind: 'groupTotal', group: 'watched' },
    yearEnd: true,
    registerCount: false,
    howCounted: () => '報告のある最後の月の見守り世帯数の合計',
  },
  {
    item: 2,
    circled: '②',
    title: 'ふれあいネットワーク活動の助け合い件数',
    unit: '件',
    figure: 'mutualAidCases',
    column: 'mutual_aid_cases',
    rollup: { kind: 'sum', field: 'mutual_aid_cases' },
    yearEnd: false,
    registerCount: false,
    howCounted: () => '各月の助け合い件数の合計',
  },
  {
    item: 3,
    circled: '③',
    title: '連絡調整会議を定例的に開催する校(地)区数',
    unit: '校(地)区',
    figure: 'regularMeetings',
    column: 'regular_meetings',
    rollup: { kind: 'monthsAtLeast', field: 'coordination_meetings', setting: 'regularMeetingMonths' },
    yearEnd: true,
    registerCount: false,
    howCounted: (months) => `連絡調整会議を開いた月が${months}か月以上あれば該当`,
  },
  {
    item: 4,
    circled: '④',
    title: '小地域福祉活動計画策定校(地)区数',
    unit: '校(地)区',
    figure: 'planFormulated',
    column: 'plan_formulated',
    rollup: { kind: 'register', register: 'planFormulated' },
    yearEnd: false,
    registerCount: true,
    howCounted: () => 'この年度に小地域福祉活動計画を策定していれば該当',
  },
  {
    item: 5,
    circled: '⑤',
    title: 'ウェルクラブ活動等の参加者数',
    unit: '人',
    figure: 'wellClubParticipants',
    column: 'well_club_participants',
    rollup: { kind: 'sum', field: 'well_club_participants' },
    yearEnd: false,
    registerCount: false,
    howCounted: () => '各月の参加者数の合計',
  },
  {
    item: 6,
    circled: '⑥',
    title: 'サロン開設数',
    unit: 'か所',
    figure: 'salonsOpen',
    column: 'salons_open',
    rollup: { kind: 'register', register: 'salonsOpen' },
    yearEnd: true,
    registerCount: true,
    howCounted: () => '年度末（3月31日）に開いているサロンの数',
  },
  {
    item: 7,
    circled: '⑦',
    title: '小地域福祉活動計画推進校(地)区数',
    unit: '校(地)区',
    figure: 'planActive',
    column: 'plan_active',
    rollup: { kind: 'register', register: 'planActive' },
    yearEnd: true,
    registerCount: true,
    howCounted: () => '小地域福祉活動計画の推進期間中であれば該当',
  },
] as const satisfies readonly ItemDefinition<number>[];

/** The catalogue of this city (Kitakyushu's seven items and their monthly counts). */
export const CATALOGUE: Catalogue = deepFreeze({
  groups: [WATCHED_GROUP, ACTIVITY_GROUP],
  fields: COUNT_FIELD_DEFINITIONS,
  items: ITEM_DEFINITIONS,
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The name (form field, CSV column) of a count field of the real catalogue. */
export type CountFieldName = (typeof COUNT_FIELD_DEFINITIONS)[number]['name'];
/** The property name of a count field of the real catalogue. */
export type CountFieldKey = (typeof COUNT_FIELD_DEFINITIONS)[number]['key'];
/** Keys of the household-category rows of the real catalogue. */
export type HouseholdRowKey = Extract<(typeof COUNT_FIELD_DEFINITIONS)[number], { household: object }>['name'] | typeof WATCHED_GROUP.total.name;
/** Keys of the yearly figures of the real catalogue's count fields and of its group total (watchedTotal … meetingMonths). */
export type CountFigureKey = (typeof COUNT_FIELD_DEFINITIONS)[number]['figure'] | typeof WATCHED_GROUP.total.figure;
/** Keys of the yearly figures of the real catalogue's seven items (watchedTotal … planActive). */
export type ItemFigureKey = (typeof ITEM_DEFINITIONS)[number]['figure'];

/** A count field of the real catalogue, by name (the monthly form's and CSV's word for it). */
export type CountField = CountFieldName;

// ——— Derived views ———

/**
 * Every yearly figure of a district-year the catalogue defines, each once: the fields', the group
 * totals' and the items' (an item that sums a field shares its figure). Stored in
 * district_year_figures under the same keys (src/figures/recompute.ts).
 */
export function figureKeys(catalogue: Catalogue = CATALOGUE): string[] {
  const totals = catalogue.groups.flatMap((g) => (g.total ? [g.total.figure] : []));
  return [...new Set([...catalogue.fields.map((f) => f.figure), ...totals, ...catalogue.items.map((i) => i.figure)])];
}

/** The count fields' names (form fields and CSV columns), in order. */
export function countFieldNames(catalogue: Catalogue = CATALOGUE): string[] {
  return catalogue.fields.map((f) => f.name);
}

/** The count field called `name`, or undefined. */
export function fieldByName(name: string, catalogue: Catalogue = CATALOGUE): CountFieldDefinition | undefined {
  return catalogue.fields.find((f) => f.name === name);
}

/** The fields of a group, in order. */
export function fieldsOfGroup(group: string, catalogue: Catalogue = CATALOGUE): CountFieldDefinition[] {
  return catalogue.fields.filter((f) => f.group === group);
}

/** The group whose fields have a yearly total (the watched households), if any. */
export function totalledGroups(catalogue: Catalogue = CATALOGUE): (FieldGroupDefinition & { total: NonNullable<FieldGroupDefinition['total']> })[] {
  return catalogue.groups.filter((g): g is FieldGroupDefinition & { total: NonNullable<FieldGroupDefinition['total']> } => !!g.total);
}

/** Japanese labels of the monthly form's fields (counts, then 備考), by name. */
export function fieldLabels(catalogue: Catalogue = CATALOGUE): Record<string, string> {
  return { ...Object.fromEntries(catalogue.fields.map((f) => [f.name, f.label])), note: '備考' };
}

/** The unit of each count field, by name. */
export function fieldUnits(catalogue: Catalogue = CATALOGUE): Record<string, string> {
  return Object.fromEntries(catalogue.fields.map((f) => [f.name, f.unit]));
}

/** One count field as the monthly form and the year view show it. */
export interface FormFieldView {
  name: string;
  label: string;
  /** Short column heading in the year view. */
  short: string;
  unit: string;
  hint: string;
  flow: Flow;
}

/** The monthly form's fields in their groups (one fieldset each), in order; empty groups are left out. */
export function formGroups(
  catalogue: Catalogue = CATALOGUE,
): { key: string; legend: string; total: { heading: string; unit: string } | null; fields: FormFieldView[] }[] {
  return catalogue.groups
    .map((g) => ({
      key: g.key,
      legend: g.legend,
      total: g.total ? { heading: g.total.heading, unit: g.total.unit } : null,
      fields: fieldsOfGroup(g.key, catalogue).map((f) => ({ name: f.name, label: f.formLabel, short: f.short, unit: f.unit, hint: f.hint, flow: f.flow })),
    }))
    .filter((g) => g.fields.length > 0);
}

/** The monthly CSV's value columns (export and import alike): every count, then note (DESIGN §8). */
export function monthlyValueColumns(catalogue: Catalogue = CATALOGUE): string[] {
  return [...countFieldNames(catalogue), 'note'];
}

/** The monthly import file's columns (DESIGN §8). */
export function monthlyImportColumns(catalogue: Catalogue = CATALOGUE): string[] {
  return ['district_code', 'month', ...monthlyValueColumns(catalogue)];
}

/** The monthly rows the rollup reads: database column → rollup key, district and month first. */
export function rollupReportColumns(catalogue: Catalogue = CATALOGUE): { column: string; key: string }[] {
  return [{ column: 'district_id', key: 'districtId' }, { column: 'month', key: 'month' }, ...catalogue.fields.map((f) => ({ column: f.name, key: f.key }))];
}

/** One row of the household-category table. */
export interface HouseholdRowDefinition {
  key: string;
  title: string;
  unit: string;
  /** Key of the yearly figure. */
  figure: string;
  /** Heading of the group it belongs to in print (見守り世帯数), '' for none. */
  group: string;
}

/**
 * The household-category table's rows (福祉協力員数・見守り世帯数の内訳, seed 003
 * table 2): the stock fields that stand alone first, then each totalled group's
 * fields and its total (計), so the category rows add up to ①.
 */
export function householdRows(catalogue: Catalogue = CATALOGUE): HouseholdRowDefinition[] {
  const totalled = new Map(totalledGroups(catalogue).map((g) => [g.key, g]));
  const row = (f: CountFieldDefinition): HouseholdRowDefinition => ({
    key: f.name,
    title: f.household!.title,
    unit: f.unit,
    figure: f.figure,
    group: totalled.get(f.group)?.total.heading ?? '',
  });
  const rows = catalogue.fields.filter((f) => f.household && !totalled.has(f.group)).map(row);
  for (const g of totalled.values()) {
    rows.push(
      ...fieldsOfGroup(g.key, catalogue)
        .filter((f) => f.household)
        .map(row),
    );
    rows.push({ key: g.total.name, title: g.total.title, unit: g.total.unit, figure: g.total.figure, group: g.total.heading });
  }
  return rows;
}

/** The agenda items as the trend table lists them. */
export function itemRows(catalogue: Catalogue = CATALOGUE): { key: string; item: ItemNumber; circled: string; title: string; unit: string; figure: string }[] {
  return catalogue.items.map((d) => ({ key: `${d.item}`, item: d.item, circled: d.circled, title: d.title, unit: d.unit, figure: d.figure }));
}

/** A copy of the catalogue with `field` added after the other fields (for tests and other councils' counts). */
export function withField(catalogue: Catalogue, field: CountFieldDefinition): Catalogue {
  return { ...catalogue, fields: [...catalogue.fields, field] };
}

/** A copy of the catalogue with `item` added after the other items (for tests and other councils' items). */
export function withItem(catalogue: Catalogue, item: ItemDefinition): Catalogue {
  return { ...catalogue, items: [...catalogue.items, item] };
}

/** The monthly counts of the real catalogue as named in forms and CSV (DESIGN §8), in form order. */
export const COUNT_FIELDS: readonly CountField[] = Object.freeze(COUNT_FIELD_DEFINITIONS.map((f) => f.name));

/** Japanese labels of the monthly fields (counts and 備考) of the real catalogue. */
export const FIELD_LABELS = Object.freeze(fieldLabels(CATALOGUE)) as Readonly<Record<CountField | 'note', string>>;
