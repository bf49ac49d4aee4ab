import { sql } from 'drizzle-orm';
import { blob, check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// No ON DELETE CASCADE anywhere: drizzle-kit rebuilds tables with DROP TABLE,
// and a cascade would silently delete user data (see migrations test).

/** 区 — a ward of the city. */
export const wards = sqliteTable('wards', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  kana: text('kana').notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
});

/** 校(地)区 — a district; history stays attached when districts merge. */
export const districts = sqliteTable(
  'districts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    kana: text('kana').notNull(),
    wardId: integer('ward_id')
      .notNull()
      .references(() => wards.id),
    activeFrom: integer('active_from'),
    activeTo: integer('active_to'),
    /** 連絡先 (optional): whom the ward calls about overdue reports (DESIGN §7). */
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    contactEmail: text('contact_email'),
  },
  (t) => [index('districts_ward_idx').on(t.wardId)],
);

export const ROLES = ['city', 'ward', 'district'] as const;
export type Role = (typeof ROLES)[number];

/** People who sign in: 市社協 (city), 区社協 (ward), 校(地)区社協 (district). */
export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    login: text('login').notNull().unique(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    wardId: integer('ward_id').references(() => wards.id),
    districtId: integer('district_id').references(() => districts.id),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    createdAt: text('created_at').notNull(),
    passwordChangedAt: text('password_changed_at'),
    /** Sessions begun before this time (ms since epoch) are dead: set by sign-out everywhere, password change or reset, disabling. */
    sessionsValidAfter: integer('sessions_valid_after').notNull().default(0),
  },
  () => [check('users_scope_check', sql`(role = 'city') OR (role = 'ward' AND ward_id IS NOT NULL) OR (role = 'district' AND district_id IS NOT NULL)`)],
);

/** Server-side sessions, so that sign-out and disabling a user end them at once. */
export const sessions = sqliteTable(
  'sessions',
  {
    sid: text('sid').primaryKey(),
    userId: integer('user_id').references(() => users.id),
    data: text('data').notNull(),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** 月次報告 — one district's counts for one month; NULL is "not reported", never 0. */
export const monthlyReports = sqliteTable(
  'monthly_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    districtId: integer('district_id')
      .notNull()
      .references(() => districts.id),
    month: text('month').notNull(),
    watchedElderly: integer('watched_elderly'),
    watchedDisability: integer('watched_disability'),
    watchedSingleParent: integer('watched_single_parent'),
    watchedOther: integer('watched_other'),
    welfareCooperators: integer('welfare_cooperators'),
    mutualAidCases: integer('mutual_aid_cases'),
    coordinationMeetings: integer('coordination_meetings'),
    wellClubParticipants: integer('well_club_participants'),
    note: text('note'),
    /** JSON array of field names the user confirmed despite the plausibility check. */
    flaggedFields: text('flagged_fields'),
    correctedByWard: integer('corrected_by_ward', { mode: 'boolean' }).notNull().default(false),
    version: integer('version').notNull().default(1),
    updatedBy: integer('updated_by').references(() => users.id),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('monthly_reports_district_month_uq').on(t.districtId, t.month),
    // Covering: a month range (a fiscal year's rollup, the completeness counts) reads the index alone.
    index('monthly_reports_month_idx').on(
      t.month,
      t.districtId,
      t.watchedElderly,
      t.watchedDisability,
      t.watchedSingleParent,
      t.watchedOther,
      t.welfareCooperators,
      t.mutualAidCases,
      t.coordinationMeetings,
      t.wellClubParticipants,
    ),
  ],
);

/** サロン — a salon register entry; closedOn NULL while open. */
export const salons = sqliteTable(
  'salons',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    districtId: integer('district_id')
      .notNull()
      .references(() => districts.id),
    name: text('name').notNull(),
    venue: text('venue').notNull().default(''),
    openedOn: text('opened_on').notNull(),
    closedOn: text('closed_on'),
    subsidyApplied: integer('subsidy_applied', { mode: 'boolean' }).notNull().default(false),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('salons_district_idx').on(t.districtId)],
);

/** 小地域福祉活動計画 — a district's plan: generation, FY formulated, plan period. */
export const plans = sqliteTable(
  'plans',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    districtId: integer('district_id')
      .notNull()
      .references(() => districts.id),
    generation: integer('generation').notNull(),
    formulatedFy: integer('formulated_fy').notNull(),
    firstFy: integer('first_fy').notNull(),
    lastFy: integer('last_fy').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('plans_district_idx').on(t.districtId)],
);

/** 取組事例 — a case study written by a district, picked into agenda sheets. */
export const caseStudies = sqliteTable(
  'case_studies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    districtId: integer('district_id')
      .notNull()
      .references(() => districts.id),
    fiscalYear: integer('fiscal_year').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('case_studies_district_idx').on(t.districtId)],
);

export const SCOPE_TYPES = ['city', 'ward', 'district'] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

/**
 * 公表値 — a figure published in an old agenda sheet, or "not available" (value
 * NULL) with the reason printed in the cell. `item` is '1'…'7' or a household
 * row key; `scopeId` is 0 for the city.
 */
export const publishedFigures = sqliteTable(
  'published_figures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    item: text('item').notNull(),
    fiscalYear: integer('fiscal_year').notNull(),
    scopeType: text('scope_type', { enum: SCOPE_TYPES }).notNull(),
    scopeId: integer('scope_id').notNull().default(0),
    value: integer('value'),
    note: text('note'),
    updatedBy: integer('updated_by').references(() => users.id),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('published_figures_uq').on(t.item, t.fiscalYear, t.scopeType, t.scopeId)],
);

/** Settings as JSON values keyed by name (regularMeetingMonths, reportDueDay, …). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** 年度確定 — a closed fiscal year refuses edits to its months. */
export const closedFiscalYears = sqliteTable('closed_fiscal_years', {
  fiscalYear: integer('fiscal_year').primaryKey(),
  closedBy: integer('closed_by').references(() => users.id),
  closedAt: text('closed_at').notNull(),
});

/** Audit log: who, when, before and after, for every change users make. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    userId: integer('user_id').references(() => users.id),
    /** create | update | delete | close | reopen | sign_in | sign_in_failed | forbidden | … */
    action: text('action').notNull(),
    /** monthly_report | salon | plan | case_study | published_figure | setting | user | fiscal_year | agenda_sheet | session */
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    districtId: integer('district_id').references(() => districts.id),
    month: text('month'),
    before: text('before'),
    after: text('after'),
    detail: text('detail'),
    /** Who acted when it was not a signed-in user: `cli:<operating-system user>` for the command line. */
    actor: text('actor'),
  },
  (t) => [index('audit_events_district_idx').on(t.districtId, t.id), index('audit_events_entity_idx').on(t.entity, t.entityId)],
);

/**
 * 議題シート — an agenda sheet. `content` is the composed sheet (tables, rows,
 * overrides, footnotes, sections, case studies) as JSON; `frozen` holds the
 * figures and labels agreed when it was finalised (確定).
 */
export const agendaSheets = sqliteTable('agenda_sheets', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  heading: text('heading').notNull(),
  subheading: text('subheading').notNull().default(''),
  fromFy: integer('from_fy').notNull(),
  toFy: integer('to_fy').notNull(),
  content: text('content').notNull(),
  frozen: text('frozen'),
  finalizedAt: text('finalized_at'),
  finalizedBy: integer('finalized_by').references(() => users.id),
  version: integer('version').notNull().default(1),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/**
 * Figures of record (DESIGN §4, §7): one district's yearly value of every item
 * in one fiscal year, as the pure rollup computes it, stored on every write
 * and frozen while the year is closed. A row exists for every district active
 * in the FY, and for an inactive one that still has reports in it (active = 0,
 * every item NULL). NULL means "contributes nothing" (not reported).
 * Ward and city figures are SUM … GROUP BY fiscal_year over these rows.
 */
export const districtYearFigures = sqliteTable(
  'district_year_figures',
  {
    fiscalYear: integer('fiscal_year').notNull(),
    districtId: integer('district_id')
      .notNull()
      .references(() => districts.id),
    /** The district's ward when the figures were computed (frozen with a closed year). */
    wardId: integer('ward_id')
      .notNull()
      .references(() => wards.id),
    /** 1 if the district exists in the FY (counts toward "n of N districts"). */
    active: integer('active').notNull(),
    /** Months of the FY with a monthly report row (0 = not reported at all). */
    monthsReported: integer('months_reported').notNull(),
    /** ① watched households, and the four categories and cooperators (household table). */
    watchedTotal: integer('watched_total'),
    watchedElderly: integer('watched_elderly'),
    watchedDisability: integer('watched_disability'),
    watchedSingleParent: integer('watched_single_parent'),
    watchedOther: integer('watched_other'),
    welfareCooperators: integer('welfare_cooperators'),
    /** ② mutual-aid cases. */
    mutualAidCases: integer('mutual_aid_cases'),
    /** ③ 0/1, and the months with a meeting it was decided from. */
    regularMeetings: integer('regular_meetings'),
    meetingMonths: integer('meeting_months'),
    /** The regularMeetingMonths setting ③ was computed with. */
    regularMeetingMonths: integer('regular_meeting_months').notNull(),
    /** ④ 0/1 plan formulated in the FY. */
    planFormulated: integer('plan_formulated'),
    /** ⑤ Well Club participants. */
    wellClubParticipants: integer('well_club_participants'),
    /** ⑥ salons open on March 31. */
    salonsOpen: integer('salons_open'),
    /** ⑦ 0/1 a plan covers the FY. */
    planActive: integer('plan_active'),
    computedAt: text('computed_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.fiscalYear, t.districtId] }),
    index('district_year_figures_ward_idx').on(t.wardId, t.fiscalYear),
    index('district_year_figures_district_idx').on(t.districtId, t.fiscalYear),
  ],
);

/**
 * A form posted after its session had ended (DESIGN §7 "Timeouts lose
 * nothing"): kept for the user who typed it until they sign in again, for two
 * hours at most. The body is the posted fields as JSON, without the CSRF token
 * or any password.
 */
export const pendingForms = sqliteTable(
  'pending_forms',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** The form's URL (its GET shows the form, its POST saves it). */
    path: text('path').notNull(),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('pending_forms_user_idx').on(t.userId)],
);

export const SUCCESSION_SIDES = ['predecessor', 'successor'] as const;
export type SuccessionSide = (typeof SUCCESSION_SIDES)[number];

/**
 * 統合・分割 — one merge or split (DESIGN §2): predecessor district(s) →
 * successor district(s), and the first month the successors report.
 * `label` is the CSV's `event` column (rows with the same label form one event).
 */
export const successionEvents = sqliteTable('succession_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  label: text('label').notNull().unique(),
  /** YYYY-MM: predecessors are due up to the month before, successors from this month. */
  firstMonth: text('first_month').notNull(),
  createdAt: text('created_at').notNull(),
  createdBy: integer('created_by').references(() => users.id),
});

/** The districts of a succession event, each as predecessor or successor. */
export const successionLinks = sqliteTable(
  'succession_links',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => successionEvents.id),
    side: text('side', { enum: SUCCESSION_SIDES }).notNull(),
    districtId: integer('district_id')
      .notNull()
      .references(() => districts.id),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.side, t.districtId] }), index('succession_links_district_idx').on(t.districtId)],
);

/**
 * 策定予定 — a district scheduled to formulate a small-area plan in an FY
 * (DESIGN §3), so that seed 000's ※ footnote is a count the app computes.
 */
export const planSchedules = sqliteTable(
  'plan_schedules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    districtId: integer('district_id')
      .notNull()
      .references(() => districts.id),
    scheduledFy: integer('scheduled_fy').notNull(),
    note: text('note').notNull().default(''),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('plan_schedules_district_fy_uq').on(t.districtId, t.scheduledFy), index('plan_schedules_fy_idx').on(t.scheduledFy)],
);

/**
 * An uploaded import file held between its dry run and its import (DESIGN §8):
 * for the user who uploaded it, bounded in size, expiring, used at most once.
 */
export const pendingUploads = sqliteTable(
  'pending_uploads',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull(),
    fileName: text('file_name').notNull(),
    content: blob('content', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** Set when imported: a second confirm does nothing. */
    usedAt: integer('used_at'),
  },
  (t) => [index('pending_uploads_user_idx').on(t.userId)],
);

export const REVIEW_STATUSES = ['accepted', 'returned'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/**
 * 区社協の確認 (DESIGN §7): a ward user's decision on one district-month, for
 * the report's version it was made on. Saving the month again (a new version)
 * resubmits it: the decision then no longer applies and the month is 提出済み.
 * No row: 提出済み if the month has values, else 未報告.
 */
export const monthReviews = sqliteTable(
  'month_reviews',
  {
    districtId: integer('district_id')
      .notNull()
      .references(() => districts.id),
    month: text('month').notNull(),
    status: text('status', { enum: REVIEW_STATUSES }).notNull(),
    /** Why it was returned (差し戻しの理由), shown to the district on its home page and form. */
    comment: text('comment').notNull().default(''),
    /** The monthly report's version the decision was made on. */
    reportVersion: integer('report_version').notNull(),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    reviewedAt: text('reviewed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.districtId, t.month] }), index('month_reviews_month_idx').on(t.month)],
);

/** Who enters a council-defined indicator (DESIGN §11). */
export const INDICATOR_ENTERED_BY = ['district_monthly', 'ward_yearly'] as const;
export type IndicatorEnteredBy = (typeof INDICATOR_ENTERED_BY)[number];
/** How a council-defined indicator's year is rolled up (DESIGN §11). */
export const INDICATOR_ROLLUPS = ['sum', 'latest', 'districts_meeting', 'ratio'] as const;
export type IndicatorRollup = (typeof INDICATOR_ROLLUPS)[number];

/**
 * An indicator defined by a city user without code (DESIGN §11): shown on the
 * entry forms, in the trend tables, the CSV/xlsx files and agenda sheets.
 * It counts from `firstFy` to `lastFy` (null: still counted). When
 * `breaksDownField` names a monthly count field (e.g. `mutual_aid_cases`),
 * the indicator is a breakdown of that field: its categories must add up to
 * the field's value and it stores no total of its own.
 */
export const indicatorDefinitions = sqliteTable(
  'indicator_definitions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    unit: text('unit').notNull(),
    enteredBy: text('entered_by', { enum: INDICATOR_ENTERED_BY }).notNull(),
    rollup: text('rollup', { enum: INDICATOR_ROLLUPS }).notNull(),
    /** For `districts_meeting`: a district counts when its year value is at least this. */
    threshold: real('threshold'),
    breaksDownField: text('breaks_down_field'),
    firstFy: integer('first_fy').notNull(),
    lastFy: integer('last_fy'),
    position: integer('position').notNull().default(0),
    version: integer('version').notNull().default(1),
    /** Places after the decimal point its values are entered and shown with (0, 1 or 2). */
    decimals: integer('decimals').notNull().default(0),
    /** For `ratio` (a rate such as 充足率): 100 × Σ numerator ÷ Σ denominator, two other indicators' ids (checked in code). */
    numeratorId: integer('numerator_id'),
    denominatorId: integer('denominator_id'),
  },
  (t) => [uniqueIndex('indicator_definitions_key_uq').on(t.key)],
);

/**
 * A category an indicator is broken down by. Its id is its history: renaming
 * keeps the values; a category can start and end like its indicator.
 */
export const indicatorCategories = sqliteTable(
  'indicator_categories',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    indicatorId: integer('indicator_id')
      .notNull()
      .references(() => indicatorDefinitions.id),
    key: text('key').notNull(),
    name: text('name').notNull(),
    firstFy: integer('first_fy').notNull(),
    lastFy: integer('last_fy'),
    position: integer('position').notNull().default(0),
  },
  (t) => [uniqueIndex('indicator_categories_key_uq').on(t.indicatorId, t.key)],
);

/**
 * A district's monthly value of an indicator entered by districts. `categoryId`
 * 0 is the indicator's total (indicators without categories, or the total
 * beside a breakdown); other values are one category's value.
 */
export const districtIndicatorValues = sqliteTable(
  'district_indicator_values',
  {
    indicatorId: integer('indicator_id')
      .notNull()
      .references(() => indicatorDefinitions.id),
    categoryId: integer('category_id').notNull().default(0),
    districtId: integer('district_id')
      .notNull()
      .references(() => districts.id),
    month: text('month').notNull(),
    value: real('value').notNull(),
    updatedAt: text('updated_at').notNull(),
    updatedBy: integer('updated_by').references(() => users.id),
  },
  (t) => [
    primaryKey({ columns: [t.indicatorId, t.categoryId, t.districtId, t.month] }),
    index('district_indicator_values_month_idx').on(t.indicatorId, t.month, t.categoryId, t.districtId, t.value),
    index('district_indicator_values_district_idx').on(t.districtId, t.month),
  ],
);

/** A ward's yearly value of an indicator entered by wards (`categoryId` 0: the total). */
export const wardIndicatorValues = sqliteTable(
  'ward_indicator_values',
  {
    indicatorId: integer('indicator_id')
      .notNull()
      .references(() => indicatorDefinitions.id),
    categoryId: integer('category_id').notNull().default(0),
    wardId: integer('ward_id')
      .notNull()
      .references(() => wards.id),
    fiscalYear: integer('fiscal_year').notNull(),
    value: real('value').notNull(),
    updatedAt: text('updated_at').notNull(),
    updatedBy: integer('updated_by').references(() => users.id),
  },
  (t) => [
    primaryKey({ columns: [t.indicatorId, t.categoryId, t.wardId, t.fiscalYear] }),
    index('ward_indicator_values_fy_idx').on(t.indicatorId, t.fiscalYear),
  ],
);
