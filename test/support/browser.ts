import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { ensureDemoCity } from '../../src/demo/demoCity.js';
import { TEST_SCRYPT } from './app.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether browser tests can run. In CI a missing Chromium is a failure (the
 * tests run and fail to launch); elsewhere they are skipped with a printed reason.
 */
export const browserAvailable: boolean = (() => {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) return true; // let launch fail loudly
  console.warn(`[browser tests skipped] Chromium not found at ${CHROMIUM_PATH}. Install it: apt-get install -y chromium fonts-noto-cjk`);
  return false;
})();

/** Launches Debian's Chromium headless with the flags this machine needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true });
}

export interface RunningServer {
  app: FastifyInstance;
  database: Database$;
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts the real app on 127.0.0.1 with a temp-file database, optionally with the demo city. */
export async function startServer(options: { demo?: boolean } = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mimamori-browser-'));
  const path = join(dir, 'test.db');
  const config = configSchema.parse({ NODE_ENV: 'test', DATABASE_PATH: path, MIMAMORI_DEMO: options.demo ? 'on' : 'off' });
  const database = await openDatabase(path);
  if (options.demo) await ensureDemoCity(database.db, { passwordParams: TEST_SCRYPT });
  const app = await buildApp({ config, database, sessionSecret: 'b'.repeat(64), passwordParams: TEST_SCRYPT });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    database,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      database.sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where tests save screenshots and PDFs for people to look at (git-ignored). */
export const SCREENSHOT_DIR = join(process.cwd(), '.screens');

/** Signs in through the real sign-in page, as a person would, and waits for the home page. */
export async function signInOnPage(page: Page, baseUrl: string, login: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('ログインID').fill(login);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await page.waitForURL(`${baseUrl}/`);
}
