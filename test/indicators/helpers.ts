// Shared helpers of the indicator tests.
import type { Db } from '../../src/db/index.js';
import { createIndicator } from '../../src/indicators/repository.js';
import { checkDefinition, type DefinitionText } from '../../src/indicators/definitions.js';

/** Creates an indicator as the definition page would (checked), from `fy` on; `text` overrides the defaults. */
export function defineIndicator(db: Db, fy: number, text: Partial<DefinitionText>, categories: string[] = []) {
  const checked = checkDefinition(
    {
      key: 'x',
      name: 'x',
      unit: '件',
      entered_by: 'district_monthly',
      rollup: 'sum',
      threshold: '',
      breaks_down_field: '',
      first_fy: String(fy),
      last_fy: '',
      ...text,
    },
    categories.map((name) => ({ id: null, name, first_fy: '', last_fy: '' })),
  );
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return createIndicator(db, checked.value, null);
}
