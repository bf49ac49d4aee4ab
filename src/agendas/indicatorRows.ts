// The council-defined indicator rows the agenda editor offers (DESIGN §6, §11).
import type { Db } from '../db/index.js';
import { indicatorRowChoices } from '../indicators/agendaRows.js';

/** Keys of every indicator row the editor offers after ①–⑦, in printed order. */
export function indicatorRowKeys(db: Db): string[] {
  return indicatorRowChoices(db).map((r) => r.key);
}

/** Titles of the indicator rows, by key: a chosen row outside the sheet's years is shown blank under its title. */
export function indicatorRowTitles(db: Db): Map<string, string> {
  return new Map(indicatorRowChoices(db).map((r) => [r.key, r.depth === 1 ? `\u3000${r.title}` : r.title]));
}
