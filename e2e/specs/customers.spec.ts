import type { Page } from '@playwright/test';
import { expect, signInSeller, test, useLocale } from '../support/fixtures';

const TEA_OWNER = 'tea.owner@qiandian.dev';

/** antd puts an InputNumber's test id on the input or on its wrapper. */
const numberInput = (page: Page, testId: string) =>
  page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();

/** The live count as a number, once the builder has one. */
async function liveCount(page: Page): Promise<number> {
  const el = page.getByTestId('segment-count');
  await expect(el).toHaveText(/^[\d,]+$/);
  await expect(page.getByTestId('segment-share')).not.toHaveText(/计算中|Counting/);
  return Number((await el.innerText()).replace(/,/g, ''));
}

test('merchant builds a segment with a live count, saves it and opens its portrait', async ({ page, shot }) => {
  await useLocale(page, 'zh-CN');
  await signInSeller(page, TEA_OWNER);
  await page.getByRole('menuitem', { name: /(^|\s)人群$/ }).click();
  await expect(page.getByTestId('segments-page')).toBeVisible();
  await page.getByTestId('segment-new').click();
  await expect(page.getByTestId('segment-builder')).toBeVisible();
  await expect(page.getByTestId('segment-share')).toHaveText('先添加一个条件');

  // 1. Women (the first tag condition is gender = female).
  await page.getByTestId('rule-add-tag').click();
  await expect(page.getByTestId('rule-tag-value')).toContainText('女');
  const women = await liveCount(page);
  expect(women).toBeGreaterThan(0);

  // 2. … who ordered at least twice.
  await page.getByTestId('rule-add-attribute').click();
  await numberInput(page, 'rule-attribute-value').fill('2');
  await expect.poll(() => liveCount(page)).toBeLessThan(women);
  const repeatWomen = await liveCount(page);
  expect(repeatWomen).toBeGreaterThan(0);

  // 3. … excluding those who viewed a product in the last 7 days.
  await page.getByTestId('rule-add-behaviour').click();
  await numberInput(page, 'rule-window').fill('7');
  await page.getByTestId('rule-exclude').nth(2).check();
  await expect.poll(() => liveCount(page)).toBeLessThan(repeatWomen);
  const count = await liveCount(page);
  await shot(page, 'customers-segment-builder-zh');

  const name = `复购女性 ${Date.now().toString(36)}`;
  await page.getByTestId('segment-name').fill(name);
  await page.getByTestId('segment-save').click();
  await expect(page.getByTestId('segments-page')).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row.getByTestId('segment-row-members')).toHaveText(count.toLocaleString('en-US'));
  await shot(page, 'customers-segments-zh');

  // Its portrait against all customers: every member is a woman, so female TGI is over 100.
  await row.getByTestId('segment-portrait').click();
  await expect(page.getByTestId('insight-page')).toBeVisible();
  await expect(page.getByTestId('insight-members')).toContainText(count.toLocaleString('en-US'));
  const gender = page.getByTestId('insight-sys.gender');
  await expect(gender).toBeVisible();
  const femaleRow = gender.getByRole('row').filter({ hasText: '女' });
  await expect(femaleRow.getByTestId('insight-tgi')).toHaveText(/^\d+$/);
  expect(Number(await femaleRow.getByTestId('insight-tgi').innerText())).toBeGreaterThan(100);
  await expect(page.getByTestId('insight-sys.rfm')).toBeVisible();
  await shot(page, 'customers-portrait-zh');
});

test('ready views, tags and customers in English', async ({ page, shot }) => {
  await useLocale(page, 'en-US');
  await signInSeller(page, TEA_OWNER);
  await page.getByRole('menuitem', { name: /(^|\s)Insight$/ }).click();
  await expect(page.getByTestId('insight-page')).toBeVisible();
  await page.getByTestId('insight-views').getByText('Churned').click();
  await expect(page.getByTestId('insight-members')).toContainText('Segment');
  await expect(page.getByTestId('insight-sys.lifecycle')).toContainText('Churned');
  await shot(page, 'customers-insight-churned-en');

  await page.getByRole('menuitem', { name: /(^|\s)Tags$/ }).click();
  await expect(page.getByTestId('tags-page')).toBeVisible();
  await expect(page.getByText('RFM level')).toBeVisible();
  await shot(page, 'customers-tags-en');

  // A CSV with a bad line imports nothing and names the line.
  await page.getByTestId('tag-import-new').click();
  await page.getByRole('dialog').getByRole('textbox').first().fill('VIP list');
  await page.getByTestId('tag-import-csv').fill('customer_no\n1\nnot-an-id!\n');
  await page.getByTestId('tag-import-submit').click();
  await expect(page.getByTestId('tag-import-errors')).toContainText('Line 3');
  await shot(page, 'customers-import-errors-en');
  await page.keyboard.press('Escape');

  await page.getByRole('menuitem', { name: /(^|\s)Customers$/ }).click();
  await expect(page.getByTestId('customers-page')).toBeVisible();
  await page.getByRole('row').nth(1).click();
  await expect(page.getByText('Latest behaviour')).toBeVisible();
  await shot(page, 'customers-list-en');
});
