import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, sessionSecretFor } from '../src/config.js';

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATABASE_PATH: './data/mimamori.db',
      NODE_ENV: 'development',
      MIMAMORI_DEMO: 'on',
      TRUST_PROXY: false,
      LOG_LEVEL: 'info',
    });
  });
  it('turns the demo off by default in production, and on only when asked for explicitly', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) };
    expect(loadConfig(production).MIMAMORI_DEMO).toBe('off');
    expect(loadConfig({ ...production, MIMAMORI_DEMO: 'on' }).MIMAMORI_DEMO).toBe('on');
    expect(loadConfig({ NODE_ENV: 'test' }).MIMAMORI_DEMO).toBe('on');
    expect(loadConfig({ MIMAMORI_DEMO: 'off' }).MIMAMORI_DEMO).toBe('off');
    expect(() => loadConfig({ MIMAMORI_DEMO: 'yes' })).toThrow(/MIMAMORI_DEMO は on か off/);
  });
  it('reads TRUST_PROXY as proxy hops or proxy addresses, and refuses a bare true in Japanese', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1' }).TRUST_PROXY).toEqual(['127.0.0.1']);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, 192.168.1.5 ,::1, fd00::/8' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '192.168.1.5', '::1', 'fd00::/8']);
    for (const bad of ['true', 'TRUE', 'yes', '10.0.0.0/33', '300.1.1.1', 'proxy.example', '10.0.0.1/8/1', '11']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY: .*(段数|アドレス)/);
    }
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/true は使えません.*TRUST_PROXY=1/);
  });
  it('takes LOG_LEVEL, info by default, silent allowed', () => {
    expect(loadConfig({ LOG_LEVEL: 'silent' }).LOG_LEVEL).toBe('silent');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).LOG_LEVEL).toBe('debug');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL は fatal、error/);
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
      expect(statSync(join(dir, 'session-secret')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
