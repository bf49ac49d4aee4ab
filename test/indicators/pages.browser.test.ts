/**
 * A council defines its own indicator and enters it, in Chromium (DESIGN §11): the city user
 * creates a breakdown of ② on the page, a district user enters it on the monthly form (a wrong
 * breakdown is shown beside the field, then saved), a ward user enters a yearly indicator.
 * Each page fits 768 and 1280 px and passes axe-core; screenshots go to .screens/indicators-entry/.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, signInOnPage, startServer, type RunningServer } from '../support/browser.js';
import { addDistrict, addUser, addWard, TEST_PASSWORD } from '../support/app.js';
import { addMonths, currentMonth, fiscalYearOfMonth } from '../../src/domain/fiscalYear.js';
import { getIndicatorByKey } from '../../src/indicators/repository.js';
import { getMonthlyReport } from '../../src/monthlyReports/repository.js';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PROBE_PATH = fileURLToPath(new URL('../ui/probe.js', import.meta.url));
const SHOTS = join(SCREENSHOT_DIR, 'indicators-entry');
const SIZES = [
  { name: '768', width: 768, height: 1024 },
  { name: '1280', width: 1280, height: 900 },
] as const;
const month = addMonths(currentMonth(), -1);
const fy = fiscalYearOfMonth(month);

/** Page overflow and axe violations at both sizes; saves a screenshot of each. */
async function check(page: Page, name: string): Promise<string[]> {
  const problems: string[] = [];
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.addScriptTag({ path: PROBE_PATH });
    const f = await page.evaluate<{ viewport: number; scrollWidth: number; unmarkedScrollers: string[]; squeezedHeaders: string[] }>('mimamoriLayoutFacts()');
    if (f.scrollWidth > f.viewport) problems.push(`${name}@${size.name}: page is ${f.scrollWidth}px wide`);
    for (const s of f.unmarkedScrollers) problems.push(`${name}@${size.name}: ${s} scrolls outside a scroll box`);
    for (const h of f.squeezedHeaders) problems.push(`${name}@${size.name}: ${h}`);
    await page.screenshot({ path: join(SHOTS, `${name}-${size.name}.png`), fullPage: true });
    if (size.name === '768') {
      await page.addScriptTag({ path: AXE_PATH });
      const violations = await page.evaluate<string[]>(
        `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(' ')))`,
      );
      for (const v of violations) problems.push(`${name}: axe ${v}`);
    }
  }
  return problems;
}

describe.skipIf(!browserAvailable)('council-defined indicators in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let wardId: number;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    wardId = addWard(server.database, '東区', 1);
    const d1 = addDistrict(server.database, { code: 'E01', name: '東一校区', wardId });
    await addUser(server.database, { login: 'city', role: 'city' });
    await addUser(server.database, { login: 'ward-east', role: 'ward', wardId });
    await addUser(server.database, { login: 'district-e01', role: 'district', districtId: d1 });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newPage(login: string): Promise<Page> {
    const context = await browser.newContext({ viewport: SIZES[0], locale: 'ja-JP', bypassCSP: true });
    const page = await context.newPage();
    await signInOnPage(page, server.baseUrl, login, TEST_PASSWORD);
    return page;
  }

  it('a city user defines, a district enters (a wrong breakdown is refused beside it), a ward enters its year', { timeout: 300_000 }, async () => {
    const problems: string[] = [];
    const city = await newPage('city');
    await city.getByRole('link', { name: '指標', exact: true }).click();
    await city.waitForURL(`${server.baseUrl}/indicators`);
    await city.getByRole('link', { name: '助け合い件数の種類別の内訳を作る' }).click();
    await city.waitForURL(/\/indicators\/new\?preset=mutual_aid_kinds/);
    await city.getByLabel('最初の年度（必須）').fill(`R${fy - 2018}`);
    // A mistake first: the unit left blank is shown beside the field, with everything else kept.
    await city.getByLabel('単位（必須）').fill('');
    await Promise.all([city.waitForNavigation(), city.getByRole('button', { name: '作る' }).click()]);
    expect(await city.title()).toMatch(/^エラー：/);
    expect(await city.locator('#unit-error').textContent()).toContain('単位を入力してください');
    expect(await city.locator('#cat-0-name').inputValue()).toBe('安否確認の声かけ');
    problems.push(...(await check(city, 'definition-error')));
    await city.getByLabel('単位（必須）').fill('件');
    await Promise.all([city.waitForNavigation(), city.getByRole('button', { name: '作る' }).click()]);
    expect(await city.locator('.flash').textContent()).toContain('を作りました');
    problems.push(...(await check(city, 'indicator-list')));

    // A ward-yearly indicator, on the blank form.
    await city.goto(`${server.baseUrl}/indicators/new`);
    await city.getByLabel('記号（必須）').fill('learning');
    await city.getByLabel('名前（必須）').fill('見守り学習・声かけ訓練の回数');
    await city.getByLabel('単位（必須）').fill('回');
    await city.getByLabel('区が年度ごとに入力する').check();
    await city.getByLabel('最初の年度（必須）').fill(String(fy));
    problems.push(...(await check(city, 'definition-new')));
    await Promise.all([city.waitForNavigation(), city.getByRole('button', { name: '作る' }).click()]);
    expect(getIndicatorByKey(server.database.db, 'learning')?.enteredBy).toBe('ward_yearly');
    await city.goto(`${server.baseUrl}/indicators/mutual_aid_kinds/edit`);
    problems.push(...(await check(city, 'definition-edit')));

    const district = await newPage('district-e01');
    await district.goto(`${server.baseUrl}/districts/E01/reports/${month}`);
    await district.locator('#mutual_aid_cases').fill('10');
    await district.locator('#ind-mutual_aid_kinds-c1').fill('６');
    await district.locator('#ind-mutual_aid_kinds-c5').fill('3');
    await Promise.all([district.waitForNavigation(), district.locator('form#monthly-form button.primary').click()]);
    expect(await district.title()).toMatch(/^エラー：/);
    expect(await district.locator('#ind-mutual_aid_kinds-c1-error').textContent()).toContain('内訳の合計（9件）が助け合い件数（10件）と1件合いません');
    problems.push(...(await check(district, 'monthly-breakdown-error')));
    await district.locator('#ind-mutual_aid_kinds-c5').fill('4');
    await Promise.all([district.waitForNavigation(), district.locator('form#monthly-form button.primary').click()]);
    expect(await district.locator('.flash').textContent()).toContain('の報告を保存しました');
    expect(getMonthlyReport(server.database.db, 1, month)?.mutualAidCases).toBe(10);

    const ward = await newPage('ward-east');
    await ward.getByRole('link', { name: '区の指標' }).click();
    await ward.waitForURL(new RegExp(`/wards/${wardId}/indicators/\\d+$`));
    await ward.goto(`${server.baseUrl}/wards/${wardId}/indicators/${fy}`);
    await ward.getByLabel('見守り学習・声かけ訓練の回数').fill('１２');
    problems.push(...(await check(ward, 'ward-form')));
    await Promise.all([ward.waitForNavigation(), ward.getByRole('button', { name: '保存する' }).click()]);
    expect(await ward.locator('.flash').textContent()).toContain('の指標を保存しました');
    expect(await ward.getByLabel('見守り学習・声かけ訓練の回数').inputValue()).toBe('12');
    expect(problems).toEqual([]);
  });

  it(
    'a 1-decimal indicator: defined on the page, entered as ９７．０ (97.05 refused beside the field), shown as 97.0 in the trend table',
    { timeout: 300_000 },
    async () => {
      const problems: string[] = [];
      const own = join(SCREENSHOT_DIR, 'decimals');
      mkdirSync(own, { recursive: true });
      const shoot = async (page: Page, name: string) => {
        problems.push(...(await check(page, name)));
        for (const size of SIZES) {
          await page.setViewportSize({ width: size.width, height: size.height });
          await page.screenshot({ path: join(own, `${name}-${size.name}.png`), fullPage: true });
        }
      };
      const city = await newPage('city');
      await city.goto(`${server.baseUrl}/indicators/new`);
      await city.getByLabel('記号（必須）').fill('association_rate');
      await city.getByLabel('名前（必須）').fill('自治会活動への参加率');
      await city.getByLabel('単位（必須）').fill('%');
      await city.getByLabel('区が年度ごとに入力する').check();
      await city.getByLabel('小数点以下の桁数').selectOption('1');
      await city.getByLabel('最初の年度（必須）').fill(String(fy - 1));
      await shoot(city, 'definition-decimals');
      await Promise.all([city.waitForNavigation(), city.getByRole('button', { name: '作る' }).click()]);
      expect(getIndicatorByKey(server.database.db, 'association_rate')?.decimals).toBe(1);

      const ward = await newPage('ward-east');
      await ward.goto(`${server.baseUrl}/wards/${wardId}/indicators/${fy}`);
      await ward.getByLabel('自治会活動への参加率').fill('97.05');
      await Promise.all([ward.waitForNavigation(), ward.getByRole('button', { name: '保存する' }).click()]);
      expect(await ward.title()).toMatch(/^エラー：/);
      expect(await ward.locator('#ind-association_rate-error').textContent()).toContain('小数点以下は1桁まで');
      expect(await ward.getByLabel('自治会活動への参加率').inputValue()).toBe('97.05');
      await shoot(ward, 'ward-decimals-error');
      await ward.getByLabel('自治会活動への参加率').fill('９７．０');
      await Promise.all([ward.waitForNavigation(), ward.getByRole('button', { name: '保存する' }).click()]);
      expect(await ward.locator('.flash').textContent()).toContain('の指標を保存しました');
      expect(await ward.getByLabel('自治会活動への参加率').inputValue()).toBe('97.0');

      await city.goto(`${server.baseUrl}/trends?scope=city&from=${fy - 1}&to=${fy}`);
      const cells = await city.locator('tr[data-row="ind:association_rate"] td.num').allTextContents();
      expect(cells.map((c) => c.trim())).toEqual(['—', '97.0']);
      await shoot(city, 'trend-decimals');
      expect(problems).toEqual([]);
    },
  );
});
