/**
 * The import page's dry run names the monthly fields as the catalogue names
 * them (issue 13): a field added to a copy of the catalogue is shown by its
 * label, in the catalogue's order, with no list of labels in the import code.
 */
import { describe, expect, it } from 'vitest';
import { CATALOGUE, withField, type CountFieldDefinition } from '../../src/domain/catalogue.js';
import { changeViews } from '../../src/imports/routes.js';

const DRILLS: CountFieldDefinition = {
  key: 'drills',
  name: 'drills',
  label: '声かけ訓練の回数',
  formLabel: '声かけ訓練の回数',
  short: '訓練',
  unit: '回',
  flow: 'flow',
  group: 'activities',
  rollup: 'sum',
  figure: 'drills',
  hint: 'その月に行った回数',
};

describe('the dry run’s list of changes', () => {
  it('names an added field by its catalogue label, after the city’s fields and before the note', () => {
    const change = {
      line: 2,
      outcome: 'updated' as const,
      label: 'E01 2024-04',
      before: { note: null, drills: 1, watched_elderly: 5 },
      after: { note: 'メモ', drills: 3, watched_elderly: 6 },
    };
    expect(changeViews([change], withField(CATALOGUE, DRILLS))[0]?.details).toEqual([
      { name: '見守り世帯数（高齢者世帯）', before: '5', after: '6' },
      { name: '声かけ訓練の回数', before: '1', after: '3' },
      { name: '備考', before: '（空欄）', after: 'メモ' },
    ]);
    // The city's catalogue does not know the field: it is shown by its column name, last.
    expect(changeViews([change])[0]?.details.map((d) => d.name)).toEqual(['見守り世帯数（高齢者世帯）', '備考', 'drills']);
  });
});
