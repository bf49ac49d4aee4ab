/**
 * The settings as read on every save and page (src/db/settings.ts): parsed again
 * only when the stored rows changed, and a caller's copy is its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { getSettings, settingsSchema } from '../../src/db/settings.js';
import { updateSetting } from '../../src/settings/repository.js';

let database: Database$ | undefined;
afterEach(() => {
  database?.sqlite.close();
  database = undefined;
});

/** Counts the schema's parses while `run` runs. */
function countingParses<T>(run: () => T): { result: T; parses: number } {
  let parses = 0;
  const parse = settingsSchema.parse.bind(settingsSchema);
  settingsSchema.parse = (input) => {
    parses++;
    return parse(input);
  };
  try {
    return { result: run(), parses };
  } finally {
    settingsSchema.parse = parse;
  }
}

describe('getSettings', () => {
  it('parses the stored settings again only when they changed, and always gives what is stored', async () => {
    database = await openDatabase(':memory:');
    const { db, sqlite } = database;
    getSettings(db);
    const same = countingParses(() => [getSettings(db), getSettings(db), getSettings(db)]);
    expect(same.result.map((s) => s.regularMeetingMonths)).toEqual([6, 6, 6]);
    expect(same.parses).toBe(0);
    // Another process (the command line) or the settings page changes a row.
    sqlite.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('regularMeetingMonths', '4')").run();
    const changed = countingParses(() => [getSettings(db), getSettings(db)]);
    expect(changed.result.map((s) => s.regularMeetingMonths)).toEqual([4, 4]);
    expect(changed.parses).toBe(1);
    updateSetting(db, 'regularMeetingMonths', 5, null);
    expect(getSettings(db).regularMeetingMonths).toBe(5);
  });

  it('gives each caller its own copy: changing one changes nothing for the next', async () => {
    database = await openDatabase(':memory:');
    const settings = getSettings(database.db);
    settings.reportDueDay = 27;
    expect(getSettings(database.db).reportDueDay).toBe(10);
  });
});
