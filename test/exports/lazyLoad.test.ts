import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

describe('heavy libraries', () => {
  it('leaves exceljs unloaded until the first download needs it', async () => {
    // A fresh process: load the whole app, then ask Node which CommonJS modules it has loaded.
    const script = `
      const { default: Module } = await import('node:module');
      const loaded = () => Object.keys(Module._cache).some((k) => k.includes('/node_modules/exceljs/'));
      await import('./src/app.ts');
      const atStart = loaded();
      const { toXlsx } = await import('./src/web/files.ts');
      await toXlsx([{ name: 'x', header: ['a'], rows: [[1]], widths: [10] }]);
      console.log(JSON.stringify({ atStart, afterDownload: loaded() }));
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ atStart: false, afterDownload: true });
  }, 70_000);
});
