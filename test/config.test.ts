import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, sessionSecretFor } from '../src/config.js';

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATABASE_PATH: './data/mimamori.db', NODE_ENV: 'development', MIMAMORI_DEMO: 'on' });
  });
  it('requires SESSION_SECRET in production, with a readable message', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) }).NODE_ENV).toBe('production');
  });
  it('refuses a bad port', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });
  it('generates a session secret once and keeps it beside the database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimamori-config-'));
    try {
      const config = loadConfig({ DATABASE_PATH: join(dir, 'm.db') });
      const first = sessionSecretFor(config);
      expect(first).toHaveLength(64);
      expect(sessionSecretFor(config)).toBe(first);
      expect(readFileSync(join(dir, 'session-secret'), 'utf8')).toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
