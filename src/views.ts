import { formatCount } from './domain/numbers.js';
import { monthLabelLong, monthLabelShort, warekiLong, warekiShort } from './domain/fiscalYear.js';
import { formatDateLong } from './domain/dates.js';

const headSegmenter = new Intl.Segmenter('ja', { granularity: 'word' });
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Formatting helpers every template can use as `it.h`. */
export const viewHelpers = {
  count: formatCount,
  fyShort: warekiShort,
  fyLong: warekiLong,
  monthLong: monthLabelLong,
  monthShort: monthLabelShort,
  dateLong: formatDateLong,
  /** Percent with one decimal, signed: +7.0% */
  percent(change: number | null | undefined): string {
    if (change === null || change === undefined || !Number.isFinite(change)) return '—';
    const v = (change * 100).toFixed(1);
    // A change that rounds to zero reads 0.0%, never -0.0% or +0.0%.
    if (Number(v) === 0) return '0.0%';
    return `${change > 0 ? '+' : ''}${v}%`;
  },
  /**
   * A table heading as HTML that breaks only between words: escaped text with <wbr> between
   * Japanese word segments (a one-character segment stays with the word before it), for
   * headings styled with `word-break: keep-all` (「福祉/協力員」, never 「福祉協力/員」).
   */
  headBreaks(text: string): string {
    const segments = [...headSegmenter.segment(text)].map((s) => s.segment);
    const parts: string[] = [];
    let prefix = '';
    segments.forEach((segment, i) => {
      const next = segments[i + 1];
      const single = [...segment].length === 1;
      if (
        parts.length > 0 &&
        !prefix &&
        (/^[\p{Script=Hiragana}ー]+$/u.test(segment) || (single && (!next || [...next].length === 1 || !/\p{L}/u.test(next))))
      ) {
        parts[parts.length - 1] += segment; // okurigana, particles, suffixes (員, 数, 等) and brackets stay with the word before
      } else if (single && next) {
        prefix += segment; // a one-character prefix (小地域, 見守り) goes with the word after
      } else {
        parts.push(prefix + segment);
        prefix = '';
      }
    });
    if (prefix) parts.push(prefix);
    return parts.map(escapeHtml).join('<wbr>');
  },
  roleLabel(role: string): string {
    return role === 'city' ? '市社協' : role === 'ward' ? '区社協' : '校(地)区社協';
  },
};

export type ViewHelpers = typeof viewHelpers;
