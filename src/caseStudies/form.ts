/** The case study form (取組事例): fields, labels, parsing and display. */
import { z } from 'zod';
import { warekiLong } from '../domain/fiscalYear.js';
import { characterCount, fiscalYearField, multilineText, parseForm, singleLineText, type FormResult, type FormValues } from '../web/forms.js';
import type { CaseStudyInput, CaseStudyRow } from './repository.js';

export const CASE_STUDY_FIELDS = ['fiscal_year', 'title', 'body'] as const;
export type CaseStudyField = (typeof CASE_STUDY_FIELDS)[number];

export const CASE_STUDY_LABELS: Record<CaseStudyField, string> = {
  fiscal_year: '年度',
  title: '題名',
  body: '本文',
};

export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;
const EXCERPT_LENGTH = 80;

const caseStudySchema = z.object({
  fiscal_year: fiscalYearField(CASE_STUDY_LABELS.fiscal_year),
  title: singleLineText(CASE_STUDY_LABELS.title, { max: TITLE_MAX, required: true }),
  body: multilineText(CASE_STUDY_LABELS.body, { max: BODY_MAX, required: true }),
});

/** Reads the case study form. */
export function parseCaseStudyForm(body: unknown): FormResult<CaseStudyInput> {
  const result = parseForm(caseStudySchema, body, CASE_STUDY_FIELDS);
  if (!result.ok) return result;
  const d = result.data;
  return { ok: true, values: result.values, data: { fiscalYear: d.fiscal_year, title: d.title, body: d.body } };
}

/** A stored case study as the form shows it. */
export function caseStudyFormValues(row: CaseStudyRow): FormValues {
  return { fiscal_year: warekiLong(row.fiscalYear), title: row.title, body: row.body };
}

/** A case study's fields as plain text, for the conflict page (stored and typed alike). */
export function caseStudyDisplay(c: CaseStudyInput): Record<CaseStudyField, string> {
  return { fiscal_year: warekiLong(c.fiscalYear), title: c.title, body: c.body };
}

/** The start of the body on one line, for the list. */
export function excerpt(body: string): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  return characterCount(oneLine) > EXCERPT_LENGTH ? `${[...oneLine].slice(0, EXCERPT_LENGTH).join('')}…` : oneLine;
}
