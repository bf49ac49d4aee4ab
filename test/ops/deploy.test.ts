/**
 * The production files the README shows (issue 8, "Running in production")
 * stay true: the settings example is accepted by the app as production
 * settings, the unit runs the compiled server with UMask=0077, the proxy
 * configurations set the forwarded address the way TRUST_PROXY=1 expects,
 * and the README links only to files inside the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const ROOT = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

function envFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

describe('deployment files', () => {
  it('the settings example is a valid production configuration: one proxy hop, demo off', () => {
    const env = envFile(read('deploy/mimamori.env.example'));
    const config = loadConfig(env);
    expect(config).toMatchObject({ NODE_ENV: 'production', TRUST_PROXY: 1, MIMAMORI_DEMO: 'off', LOG_LEVEL: 'info', HOST: '127.0.0.1' });
    expect(env.LITESTREAM_REPLICA_URL).toBeTruthy();
  });

  it('the systemd unit runs the compiled server with the settings file and UMask=0077', () => {
    const unit = read('deploy/mimamori.service');
    expect(unit).toMatch(/^UMask=0077$/m);
    expect(unit).toMatch(/^ExecStart=\S*node dist\/server\.js$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/mimamori\/mimamori\.env$/m);
    expect(read('deploy/litestream.service')).toMatch(/^UMask=0077$/m);
    expect(read('deploy/mimamori-cli')).toContain('node dist/cli.js');
  });

  it('the proxy configurations give the app exactly the address they received the request from', () => {
    const nginx = read('deploy/nginx.conf');
    expect(nginx).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(nginx).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
    expect(nginx).toContain('proxy_pass http://127.0.0.1:3000;');
    expect(read('deploy/Caddyfile')).toContain('reverse_proxy 127.0.0.1:3000');
  });

  it('litestream.yml replicates DATABASE_PATH to LITESTREAM_REPLICA_URL', () => {
    const yml = read('litestream.yml');
    expect(yml).toMatch(/- path: \$\{DATABASE_PATH\}/);
    expect(yml).toMatch(/- url: \$\{LITESTREAM_REPLICA_URL\}/);
  });

  it('the README points only inside the repository, and every file it links exists', () => {
    const readme = read('README.md');
    expect(readme).not.toMatch(/\.\.\/|shared\/DESIGN/);
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(existsSync(join(ROOT, link)), link).toBe(true);
    for (const section of [
      '## Running in production',
      'UMask=0077',
      'TRUST_PROXY=1',
      'SESSION_SECRET',
      'MIMAMORI_DEMO',
      'LOG_LEVEL',
      'cli backup',
      'restore',
      'Litestream',
    ]) {
      expect(readme, section).toContain(section.replace('cli backup', 'mimamori-cli backup'));
    }
  });
});
