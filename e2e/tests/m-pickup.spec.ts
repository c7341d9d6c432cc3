import type { Browser, Page } from '@playwright/test';
import { apiActor, expect, PASSWORD, signInSeller, test, uniqueEmail, useLocale } from '../support/fixtures';

/**
 * Buy online, pick up in store, end to end: a shopper on a phone chooses the nearest store with
 * stock at checkout, pays on TestPay and sees the pickup code and QR; the store manager signs in
 * to the workbench on a desktop, verifies the code on the store desk; the order shows collected.
 * Uses the demo shop 织物集: its store manager works at 西湖银泰店.
 */

const OWNER = 'fashion.owner@qiandian.dev';
const STORE_MANAGER = 'fashion.store@qiandian.dev';
const STORE = '西湖银泰店';

async function snap(page: Page, name: string) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: `screenshots/pickup/${name}.png`, fullPage: true });
}

async function desktop(browser: Browser, locale: 'zh-CN' | 'en-US') {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale });
  const page = await context.newPage();
  await useLocale(page, locale);
  return { context, page };
}

test('a shopper picks up in a store: chooses it at checkout, pays, and the store verifies the code', async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(240_000);
  await useLocale(page, 'zh-CN');

  // The demo shop, its store, and a product the store has in stock.
  const owner = await apiActor(baseURL!);
  expect((await owner.post('/api/auth/login', { identifier: OWNER, password: PASSWORD })).status).toBe(200);
  const shopId: string = (await owner.get('/api/me/shops')).body.items.find(
    (s: { shop: { name: string } }) => s.shop.name === '织物集',
  ).shop.id;
  const stores = (await owner.get(`/api/shops/${shopId}/o2o/stores`)).body.items as { id: string; name: string }[];
  const store = stores.find((s) => s.name === STORE)!;
  expect(store).toBeTruthy();
  const sheet = await owner.get(`/api/shops/${shopId}/o2o/stores/${store.id}/shelf-codes?limit=60`);
  const product = (sheet.body.items as { productId: string; storeAvailable: number; title: string }[]).find(
    (p) => p.storeAvailable >= 2,
  )!;
  expect(product, 'a demo product with stock at the store').toBeTruthy();
  const detail = await owner.get(`/api/storefront/shops/${shopId}/stores/${store.id}/products/${product.productId}`);
  const stocked = (detail.body.skus as { skuId: string; available: number }[]).find((s) => s.available > 0)!;
  const full = await owner.get(`/api/storefront/shops/${shopId}/products/${product.productId}`);
  const sku = (full.body.skus as { id: string; spec: Record<string, string> }[]).find((s) => s.id === stocked.skuId)!;
  await owner.dispose();

  // A shopper in Hangzhou.
  const shopper = await apiActor(baseURL!);
  const email = uniqueEmail('m.pickup');
  expect(
    (await shopper.post('/api/auth/register', { kind: 'shopper', email, password: PASSWORD, displayName: '自提顾客' }))
      .status,
  ).toBe(201);
  expect(
    (
      await shopper.post('/api/me/addresses', {
        name: '周自提',
        phone: '13912345678',
        province: '浙江省',
        city: '杭州市',
        district: '上城区',
        detail: '湖滨路 20 号',
        lat: 30.2595,
        lng: 120.1625,
      })
    ).status,
  ).toBe(201);
  await shopper.dispose();

  let code = '';
  let orderUrl = '';
  await test.step('chooses pickup at the nearest store with stock, and pays', async () => {
    await page.goto(`/m/login?next=${encodeURIComponent(`/shops/${shopId}/products/${product.productId}`)}`);
    await page.getByTestId('login-identifier').locator('input').fill(email);
    await page.getByTestId('login-password').locator('input').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('pd-title')).toBeVisible();
    await page.getByTestId('pd-buy').click();
    const picker = page.getByTestId('sku-picker');
    for (const value of Object.values(sku.spec)) {
      const button = picker.getByTestId('sku-value').filter({ hasText: value });
      if ((await button.getAttribute('aria-pressed')) !== 'true') await button.first().click();
    }
    await picker.getByTestId('sku-confirm').click();
    await expect(page).toHaveURL(/\/m\/checkout\?/);
    await page.getByTestId('delivery-pickup').click();
    const list = page.getByTestId('pickup-store-list');
    await expect(list.getByTestId('pickup-store-item').first()).toBeVisible();
    // Nearest first: the West Lake store is a few hundred metres from the address.
    await expect(list.getByTestId('pickup-store-item').first()).toContainText(STORE);
    await expect(list.getByTestId('pickup-store-item').first()).toContainText('有货');
    await snap(page, 'm-01-store-chooser-zh');
    await list.getByTestId('pickup-store-item').first().click();
    await expect(page.getByTestId('pickup-store')).toContainText(STORE);
    // Nothing ships now: no address, only who collects (from the address book, editable).
    await expect(page.getByTestId('checkout-address')).toHaveCount(0);
    await expect(page.getByTestId('pickup-contact-name').locator('input')).toHaveValue('周自提');
    await expect(page.getByTestId('pickup-contact-phone').locator('input')).toHaveValue('13912345678');
    await expect(page.getByTestId('checkout-shipping')).toHaveText('包邮');
    await snap(page, 'm-02-checkout-pickup-zh');
    await page.getByTestId('checkout-submit').click();
    await expect(page).toHaveURL(/\/testpay\/pay\//);
    await page.locator('#testpay-confirm').click();
    await expect(page).toHaveURL(/\/m\/orders\?paid=1$/);
    await expect(page.getByTestId('payment-confirmed')).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('order-card').first().locator('.qd-line').first().click();
    await expect(page.getByTestId('pickup-code')).toHaveText(/^\d{4} \d{4}$/, { timeout: 30_000 });
    await expect(page.getByTestId('pickup-qr')).toBeVisible();
    await expect(page.getByTestId('pickup-card')).toContainText(STORE);
    await expect(page.getByTestId('order-detail-status')).toContainText('待取货');
    code = ((await page.getByTestId('pickup-code').textContent()) ?? '').replace(/\s/g, '');
    orderUrl = page.url();
    await snap(page, 'm-03-pickup-code-zh');
  });

  await test.step('the store manager verifies the code on the store desk', async () => {
    const { context, page: desk } = await desktop(browser, 'zh-CN');
    await signInSeller(desk, STORE_MANAGER);
    await desk.goto(`/seller/shops/${shopId}/store`);
    await expect(desk.getByTestId('store-page')).toBeVisible();
    await expect(desk.getByTestId('store-picker')).toContainText(STORE);
    await expect(desk.getByTestId('pickup-table')).toContainText('周自提');
    await expect(desk.getByTestId('pickup-table')).not.toContainText(code);
    await snap(desk, 'desk-01-pickups-zh');
    // A wrong code is refused clearly.
    await desk.getByTestId('verify-input').fill('00000000' === code ? '00000001' : '00000000');
    await desk.getByTestId('verify-submit').click();
    await expect(desk.getByTestId('verify-error')).toContainText('取货码不存在或已失效');
    await desk.getByTestId('verify-input').fill(code);
    await desk.getByTestId('verify-submit').click();
    await expect(desk.getByTestId('verify-done')).toContainText('已核销');
    await snap(desk, 'desk-02-verified-zh');
    // Verifying again does not hand it over twice.
    await desk.getByTestId('verify-input').fill(code);
    await desk.getByTestId('verify-submit').click();
    await expect(desk.getByTestId('verify-error')).toContainText('已于');
    await desk.getByRole('tab', { name: '已取货' }).click();
    await expect(desk.getByTestId('pickup-table')).toContainText('已取货');
    for (const [tab, name] of [
      ['抢单池', 'desk-03-pool-zh'],
      ['门店业绩', 'desk-04-performance-zh'],
      ['货架码', 'desk-05-shelf-zh'],
      ['导购与店员', 'desk-06-guides-zh'],
    ] as const) {
      await desk.getByRole('tab', { name: tab }).click();
      if (tab === '货架码') await expect(desk.getByTestId('shelf-sheet').locator('img').first()).toBeVisible();
      if (tab === '门店业绩') await expect(desk.getByTestId('performance')).toContainText('自提交付');
      await snap(desk, name);
    }
    await context.close();
  });

  await test.step('the store desk in English', async () => {
    const { context, page: desk } = await desktop(browser, 'en-US');
    await signInSeller(desk, STORE_MANAGER);
    await desk.goto(`/seller/shops/${shopId}/store`);
    await expect(desk.getByText('Verify a pickup code')).toBeVisible();
    await desk.getByRole('tab', { name: 'Collected' }).click();
    await expect(desk.getByTestId('pickup-table')).toContainText('周自提');
    await snap(desk, 'desk-07-pickups-en');
    await desk.getByRole('tab', { name: 'Guides and staff' }).click();
    await expect(desk.getByTestId('guide-table')).toContainText('AJIE01');
    await snap(desk, 'desk-08-guides-en');
    await context.close();
  });

  await test.step('the shopper sees the order collected', async () => {
    await page.goto(orderUrl);
    await expect(page.getByTestId('pickup-status')).toContainText('已于');
    await expect(page.getByTestId('order-detail-status')).toContainText('已收货');
    await snap(page, 'm-04-collected-zh');
  });
});

test('scan to buy: a shelf code with a guide opens the store’s stock; the order is credited to the store and guide', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(180_000);
  await useLocale(page, 'en-US');
  const owner = await apiActor(baseURL!);
  expect((await owner.post('/api/auth/login', { identifier: OWNER, password: PASSWORD })).status).toBe(200);
  const shopId: string = (await owner.get('/api/me/shops')).body.items.find(
    (s: { shop: { name: string } }) => s.shop.name === '织物集',
  ).shop.id;
  const store = (
    (await owner.get(`/api/shops/${shopId}/o2o/stores`)).body.items as { id: string; name: string }[]
  ).find((s) => s.name === STORE)!;
  const range = () =>
    `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`;
  const before = (await owner.get(`/api/shops/${shopId}/o2o/stores/${store.id}/performance?${range()}`)).body;
  const sheet = await owner.get(`/api/shops/${shopId}/o2o/stores/${store.id}/shelf-codes?limit=60&guideCode=AJIE01`);
  const item = (sheet.body.items as { productId: string; storeAvailable: number; url: string }[]).find(
    (p) => p.storeAvailable >= 2,
  )!;
  expect(item.url).toContain('guide=AJIE01');
  const detail = await owner.get(`/api/storefront/shops/${shopId}/stores/${store.id}/products/${item.productId}`);
  const stocked = (detail.body.skus as { skuId: string; available: number }[]).find((s) => s.available > 0)!;
  const full = await owner.get(`/api/storefront/shops/${shopId}/products/${item.productId}`);
  const sku = (full.body.skus as { id: string; spec: Record<string, string>; price: number }[]).find(
    (s) => s.id === stocked.skuId,
  )!;

  const shopper = await apiActor(baseURL!);
  const email = uniqueEmail('m.scan');
  // Standing in the store: no address book at all.
  await shopper.post('/api/auth/register', { kind: 'shopper', email, password: PASSWORD, displayName: 'Scanner' });
  await shopper.dispose();

  // The shelf code's address, as a phone camera opens it (same server, path and query only).
  const shelf = new URL(item.url);
  await page.goto(`/m/login?next=${encodeURIComponent(`${shelf.pathname.replace(/^\/m/, '')}${shelf.search}`)}`);
  await page.getByTestId('login-identifier').locator('input').fill(email);
  await page.getByTestId('login-password').locator('input').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('store-banner')).toContainText(`You are in ${STORE}`);
  await expect(page.getByTestId('store-banner')).toContainText('阿杰');
  await snap(page, 'm-05-scan-product-en');
  await page.getByTestId('pd-buy').click();
  const picker = page.getByTestId('sku-picker');
  for (const value of Object.values(sku.spec)) {
    const button = picker.getByTestId('sku-value').filter({ hasText: value });
    if ((await button.first().getAttribute('aria-pressed')) !== 'true') await button.first().click();
  }
  await expect(picker.getByTestId('sku-stock')).toContainText(String(stocked.available));
  await picker.getByTestId('sku-confirm').click();
  await expect(page).toHaveURL(/\/m\/checkout\?.*store=.*guide=AJIE01/);
  await expect(page.getByTestId('delivery-in-store')).toContainText(STORE);
  await expect(page.getByTestId('checkout-shipping')).toHaveText('Free');
  // Bought in the store, nothing ships: a name and phone instead of an address, checked on submit.
  await expect(page.getByTestId('checkout-address')).toHaveCount(0);
  await page.getByTestId('checkout-submit').click();
  await expect(page.getByTestId('pickup-contact').getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/m\/checkout\?/);
  await page.getByTestId('pickup-contact-name').locator('input').fill('Amy');
  await page.getByTestId('pickup-contact-phone').locator('input').fill('13912340000');
  await snap(page, 'm-06-scan-checkout-en');
  await page.getByTestId('checkout-submit').click();
  await expect(page).toHaveURL(/\/testpay\/pay\//);
  await page.locator('#testpay-confirm').click();
  await expect(page.getByTestId('payment-confirmed')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('order-card').first().locator('.qd-line').first().click();
  await expect(page.getByTestId('pickup-code')).toHaveText(/^\d{4} \d{4}$/, { timeout: 30_000 });
  await expect(page.getByTestId('order-detail-status')).toContainText('To collect');
  await snap(page, 'm-07-scan-order-en');

  // The store's and the guide's sales grew by what was paid.
  await expect
    .poll(
      async () => (await owner.get(`/api/shops/${shopId}/o2o/stores/${store.id}/performance?${range()}`)).body.sales,
    )
    .toBe(before.sales + sku.price);
  const after = (await owner.get(`/api/shops/${shopId}/o2o/stores/${store.id}/performance?${range()}`)).body;
  const guide = (g: { code: string }) => g.code === 'AJIE01';
  expect(after.guides.find(guide).orders).toBe((before.guides.find(guide)?.orders ?? 0) + 1);
  await owner.dispose();
});
