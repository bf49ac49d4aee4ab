// Council-defined indicators as rows an agenda sheet can carry (DESIGN §6, §11).
import type { Db } from '../db/index.js';
import { indicatorsCountingIn } from './figures.js';
import { indicatorRowKey } from './rowKeys.js';

/** An indicator row the agenda editor offers beside ①–⑦. */
export interface IndicatorRowChoice {
  key: `ind:${string}`;
  title: string;
  /** 0: the indicator; 1: one of its categories. */
  depth: 0 | 1;
}

/**
 * Every indicator and category ever defined, in printed order: the editor
 * offers them whatever the sheet's window (a row outside its years prints blank).
 */
export function indicatorRowChoices(db: Db): IndicatorRowChoice[] {
  return indicatorsCountingIn(db, 0, 9999).flatMap((d) => [
    { key: indicatorRowKey(d.key), title: d.name, depth: 0 as const },
    ...d.categories.map((c) => ({ key: indicatorRowKey(d.key, c.key), title: c.name, depth: 1 as const })),
  ]);
}
