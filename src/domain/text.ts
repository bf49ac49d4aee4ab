/**
 * One normaliser for every piece of text people type or import (forms, CSV and
 * xlsx cells). Pure. Text is stored in NFC, so the same name typed on two
 * machines compares equal; characters that cannot be typed on a keyboard and
 * only arrive by pasting from odd sources or by tampering are refused with a
 * Japanese message, never silently dropped (the user sees what they sent).
 *
 * - C0/C1 control characters and DEL: refused; tab and line feed are allowed
 *   only in multi-line text, where CRLF and CR become LF.
 * - Bidirectional overrides and isolates (U+202A–202E, U+2066–2069): refused
 *   everywhere; they make a name or a printed sentence read differently from
 *   what is stored (「山田\u202e（者理管）」 shows as 「山田（管理者）」).
 * - Direction marks (U+200E, U+200F, U+061C) and zero-width characters
 *   (U+200B–200D, U+2060, U+FEFF): refused in names and one-line fields, where
 *   they make two different values look the same. A zero-width joiner inside an
 *   emoji sequence (👨‍👩‍👧) is part of the emoji and stays.
 */

/** What kind of text a field holds. */
export type TextKind = 'line' | 'multiline';

export type TextResult = { ok: true; value: string } | { ok: false; message: string };

export const CONTROL_MESSAGE = '使えない制御文字が含まれています。その文字を消してください。';
export const BIDI_MESSAGE = '文字の向きを変える見えない文字が含まれています。その文字を消してください。';
export const INVISIBLE_MESSAGE = '幅のない見えない文字が含まれています。その文字を消してください。';

// C0 (except tab and LF, checked per kind), DEL and C1.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
// Line breaks of any kind (U+2028/2029 too) and tabs have no place inside a one-line field.
const TAB_OR_NEWLINE = /[\t\n\u2028\u2029]/u;
const BIDI_OVERRIDE = /[\u202a-\u202e\u2066-\u2069]/u;
const INVISIBLE = /[\u200b-\u200f\u061c\u2060\ufeff]/u;
// A zero-width joiner between two pictographs (with optional variation selector or skin tone) joins an emoji.
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}(?:\ufe0f|[\u{1f3fb}-\u{1f3ff}])?)\u200d(?=\p{Extended_Pictographic})/gu;

// Surrounding white space of a one-line field, but not U+FEFF (which trim() would drop unseen: it is reported instead).
const SURROUNDING_SPACE = /^[^\S\ufeff]+|[^\S\ufeff]+$/gu;

/** Drops surrounding white space like trim(), but keeps a U+FEFF so that the check can report it. */
export function trimSpaces(s: string): string {
  return s.replace(SURROUNDING_SPACE, '');
}

/**
 * Normalises typed text and checks its characters. The text becomes NFC; multi-line text
 * gets LF line ends, a one-line field loses its surrounding spaces (a tab pasted from a
 * spreadsheet cell too). Nothing else changes; length is the field's business.
 */
export function normaliseText(raw: string, kind: TextKind): TextResult {
  const value = (kind === 'multiline' ? raw.replace(/\r\n?/g, '\n') : trimSpaces(raw)).normalize('NFC');
  const problem = textProblem(value, kind);
  return problem === null ? { ok: true, value } : { ok: false, message: problem };
}

/** The Japanese reason a text cannot be stored, or null when it is fine. */
export function textProblem(value: string, kind: TextKind): string | null {
  if (CONTROL.test(value) || (kind === 'line' && TAB_OR_NEWLINE.test(value))) return CONTROL_MESSAGE;
  if (BIDI_OVERRIDE.test(value)) return BIDI_MESSAGE;
  if (kind === 'line' && INVISIBLE.test(value.replace(EMOJI_JOINER, ''))) return INVISIBLE_MESSAGE;
  return null;
}

/** Length as people count it: characters, not UTF-16 code units (an emoji is one). */
export function characterCount(s: string): number {
  return [...s].length;
}
