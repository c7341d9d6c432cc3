import {
  activeShop,
  apiActor,
  confirmPopconfirm,
  expect,
  openDialog,
  PASSWORD,
  phonePage,
  pickOption,
  registerShopper,
  signInSeller,
  test,
  useLocale,
} from '../support/fixtures';

/**
 * 秒杀 (issue 4, item 6): the merchant sets up a flash sale in the workbench and starts it; a
 * shopper on a phone finds it from the product page, watches the countdown, presses buy, gets
 * the order and goes to pay; the workbench's live counters show the unit won. A second shopper
 * finds it sold out.
 */

async function shopperWithAddress(baseURL: string) {
  const { actor, email } = await registerShopper(baseURL, 'flash.shopper', '抢购者');
  const addr = await actor.post('/api/me/addresses', {
    name: '王五',
    phone: '13800138000',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    detail: '文三路 100 号',
  });
  expect(addr.status, JSON.stringify(addr.body)).toBe(201);
  return { actor, email };
}

test('a merchant runs a flash sale; a shopper wins a unit on a phone and goes to pay; the next finds it sold out', async ({
  browser,
  baseURL,
  shot,
}) => {
  const shop = await activeShop(baseURL!, 'flash');
  const owner = await apiActor(baseURL!);
  expect((await owner.post('/api/auth/login', { identifier: shop.ownerEmail, password: PASSWORD })).status).toBe(200);
  const title = `秒杀保温杯 ${Date.now().toString(36)}`;
  const product = await owner.post(`/api/shops/${shop.shopId}/products`, {
    title,
    platformCategoryId: 'tea.black',
    status: 'on_shelf',
    specAxes: [],
    skus: [{ spec: {}, price: 12800, stock: 20 }],
  });
  expect(product.status, JSON.stringify(product.body)).toBe(201);

  // ---- the merchant sets the sale up in the workbench
  const seller = await (
    await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  ).newPage();
  await signInSeller(seller, shop.ownerEmail);
  await seller.goto(`/seller/shops/${shop.shopId}/flash-sales`);
  await expect(seller.getByTestId('flash-sales-page')).toBeVisible();
  await seller.getByTestId('fs-new').click();
  const dialog = await openDialog(seller);
  await dialog.getByTestId('fs-product').click();
  await seller.keyboard.type(title.slice(0, 5));
  await pickOption(seller, title);
  await expect(dialog.getByTestId('fs-sku')).toContainText('¥128.00');
  await dialog.locator('input[data-testid="fs-price"], [data-testid="fs-price"] input').fill('99');
  await dialog.locator('input[data-testid="fs-quota"], [data-testid="fs-quota"] input').fill('1');
  await shot(seller, 'seller-flashsale-form-zh');
  await dialog.getByTestId('fs-save').click();
  await expect(seller.locator('.ant-modal-wrap:visible')).toHaveCount(0);
  const row = seller.locator('tr', { hasText: title });
  await expect(row.getByTestId('fs-phase')).toHaveText('未开始');
  await row.getByTestId('fs-start').click();
  await expect(row.getByTestId('fs-phase')).toHaveText('进行中');
  await expect(row.getByTestId('fs-left')).toHaveText('1');
  await shot(seller, 'seller-flashsale-list-zh');

  // ---- a shopper finds it from the product page and wins
  const buyer = await shopperWithAddress(baseURL!);
  const page = await phonePage(browser, baseURL!, buyer.email);
  await page.goto(`/m/shops/${shop.shopId}/products/${product.body.id}`);
  const banner = page.getByTestId('pd-flash-sale');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('99.00');
  await shot(page, 'm-flashsale-product-banner-zh');
  await banner.click();
  await expect(page.getByTestId('m-flash-sale')).toBeVisible();
  await expect(page.getByTestId('fs-countdown')).toHaveText(/\d\d:\d\d:\d\d/);
  await expect(page.getByTestId('fs-left')).toContainText('1');
  await shot(page, 'm-flashsale-page-zh');
  await page.getByTestId('fs-buy').click();
  const won = page.getByTestId('fs-won');
  await expect(won).toBeVisible();
  await expect(won).toContainText('抢到了');
  // At the sale price (soft: the rest of the journey is checked even when this fails).
  await expect(page.getByTestId('fs-pay')).toContainText('99.00');
  await shot(page, 'm-flashsale-won-zh');

  // ---- the next shopper is told at once that it is sold out
  const late = await shopperWithAddress(baseURL!);
  const second = await phonePage(browser, baseURL!, late.email);
  await second.goto(
    `/m/shops/${shop.shopId}/flash-sales/${(await owner.get(`/api/shops/${shop.shopId}/flash-sales`)).body.items[0].id}`,
  );
  await expect(second.getByTestId('fs-buy')).toHaveText(/已抢光/);
  await shot(second, 'm-flashsale-soldout-zh');

  // ---- the winner goes to pay
  await page.getByTestId('fs-pay').click();
  await expect(page).toHaveURL(/\/testpay\/pay\//);
  await page.locator('#testpay-confirm').click();

  // ---- the workbench's live counters: one won, paid, nothing left (in English too)
  await expect(row.getByTestId('fs-sold')).toHaveText('1');
  await expect(row.getByTestId('fs-left')).toHaveText('0');
  await expect(row.getByTestId('fs-paid')).toHaveText('1', { timeout: 30_000 });
  const en = await (
    await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: 'en-US' })
  ).newPage();
  await useLocale(en, 'en-US');
  await signInSeller(en, shop.ownerEmail);
  await en.goto(`/seller/shops/${shop.shopId}/flash-sales`);
  const enRow = en.locator('tr', { hasText: title });
  await expect(enRow.getByTestId('fs-phase')).toHaveText('Running');
  await shot(en, 'seller-flashsale-list-en');
  await enRow.getByTestId('fs-end').click();
  await confirmPopconfirm(en, 'OK');
  await expect(enRow.getByTestId('fs-phase')).toHaveText('Ended');
});
