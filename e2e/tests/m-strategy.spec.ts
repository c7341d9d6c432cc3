import {
  activeShop,
  apiActor,
  expect,
  PASSWORD,
  phonePage,
  pngLogo,
  registerShopper,
  signInSeller,
  test,
} from '../support/fixtures';

/**
 * 千人千面 (issue 5, item 8): the merchant builds a segment in the customer center's segment
 * builder and a home-banner strategy in the workbench; two shoppers from different segments open
 * the same shop home on a phone and see different banners; the fan taps hers, lands on the
 * product (the address names the placement) and adds it to the cart; the effect report counts
 * the exposures, the click and the add-to-cart for the arm each was shown.
 */

test('two shoppers from different segments see different home banners; the report counts them', async ({
  browser,
  baseURL,
  shot,
}) => {
  const shop = await activeShop(baseURL!, 'strategy');
  const owner = await apiActor(baseURL!);
  expect((await owner.post('/api/auth/login', { identifier: shop.ownerEmail, password: PASSWORD })).status).toBe(200);

  // Two shoppers become the shop's customers: one follows it, the other only looks around.
  const fan = await registerShopper(baseURL!, 'strategy.shopper', '顾客');
  const passer = await registerShopper(baseURL!, 'strategy.shopper', '顾客');
  expect((await fan.actor.post(`/api/storefront/shops/${shop.shopId}/follow`)).status).toBe(200);
  const viewed = await passer.actor.post('/api/beacon', {
    events: [{ id: `e2e-view-${Date.now()}`, type: 'page_view', shopId: shop.shopId }],
  });
  expect(viewed.status).toBe(200);

  // The customer center has taken both in (its refresh job): the preview counts the follower.
  const rule = { kind: 'attribute', field: 'following', op: 'eq', value: true };
  await expect
    .poll(async () => (await owner.post(`/api/shops/${shop.shopId}/customer-segments/preview`, { rule })).body?.count, {
      timeout: 30_000,
    })
    .toBe(1);
  // A product for the fans' banner to link to.
  const product = await owner.post(`/api/shops/${shop.shopId}/products`, {
    title: '粉丝专享龙井',
    platformCategoryId: 'tea.green',
    status: 'on_shelf',
    skus: [{ price: 8800, stock: 50 }],
  });
  expect(product.status, JSON.stringify(product.body)).toBe(201);

  const seller = await (
    await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  ).newPage();
  await signInSeller(seller, shop.ownerEmail);

  // ---- the merchant builds the segment in the segment builder: shoppers who follow the shop
  await seller.goto(`/seller/shops/${shop.shopId}/customer-segments/new`);
  await expect(seller.getByTestId('segment-builder')).toBeVisible();
  await seller.getByTestId('rule-add-attribute').click();
  await seller.getByTestId('rule-attribute').click();
  await seller
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: '已关注店铺' })
    .click();
  await expect(seller.getByTestId('segment-count')).toHaveText('1');
  await seller.getByTestId('segment-name').fill('店铺粉丝');
  await shot(seller, 'strategy/segment-builder-zh');
  await seller.getByTestId('segment-save').click();
  await expect(seller.getByTestId('segments-page')).toBeVisible();
  await expect(seller.getByRole('row').filter({ hasText: '店铺粉丝' }).getByTestId('segment-row-members')).toHaveText(
    '1',
  );

  // ---- the merchant builds the strategy in the workbench
  await seller.goto(`/seller/shops/${shop.shopId}/strategies`);
  await expect(seller.getByTestId('strategies-page')).toBeVisible();
  await seller.getByTestId('strategy-new').click();
  await expect(seller.getByTestId('strategy-editor')).toBeVisible();
  await seller.getByTestId('strategy-name-input').fill('粉丝专享头图');

  const picture = (name: string) => ({ name, mimeType: 'image/png', buffer: pngLogo(320) });
  await seller.getByTestId('variant-0-name').fill('大众版');
  await seller.getByTestId('variant-0-image').locator('input[type=file]').setInputFiles(picture('everyone.png'));
  await expect(seller.getByTestId('variant-0-image').locator('img')).toBeVisible();
  await seller.getByTestId('variant-0-title').fill('春茶上新');
  await seller.getByTestId('variant-add').click();
  await seller.getByTestId('variant-1-name').fill('粉丝版');
  await seller.getByTestId('variant-1-image').locator('input[type=file]').setInputFiles(picture('fans.png'));
  await expect(seller.getByTestId('variant-1-image').locator('img')).toBeVisible();
  await seller.getByTestId('variant-1-title').fill('粉丝专享八折');
  await seller.getByTestId('variant-1-link').fill(`/m/shops/${shop.shopId}/products/${product.body.id}`);

  await seller.getByTestId('rule-add').click();
  await seller.getByTestId('rule-0-segment').click();
  await seller.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '店铺粉丝' }).click();
  await seller.getByTestId('rule-0-variant').click();
  await seller.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '粉丝版' }).click();
  await seller.getByTestId('strategy-default').getByText('大众版').click();
  // No holdout in this walk-through, so each shopper sees a variant.
  await seller.getByTestId('strategy-holdout').locator('.ant-slider-handle').focus();
  await seller.keyboard.press('Home');
  await shot(seller, 'strategy/editor-zh');
  await seller.getByTestId('strategy-save-start').click();
  await expect(seller.getByTestId('strategies-page')).toBeVisible();
  await expect(seller.getByTestId('strategy-status').first()).toHaveText('投放中');
  await shot(seller, 'strategy/list-zh');

  // ---- the two shoppers open the same shop home on a phone
  const fanPage = await phonePage(browser, baseURL!, fan.email);
  const passerPage = await phonePage(browser, baseURL!, passer.email);
  await fanPage.goto(`/m/shops/${shop.shopId}`);
  await passerPage.goto(`/m/shops/${shop.shopId}`);
  await expect(fanPage.getByTestId('shop-hero-banner')).toContainText('粉丝专享八折');
  await expect(passerPage.getByTestId('shop-hero-banner')).toContainText('春茶上新');
  await shot(fanPage, 'strategy/m-home-fan');
  await shot(passerPage, 'strategy/m-home-passer');

  // ---- the fan taps her banner: the product page knows which placement she came from
  await fanPage.getByTestId('shop-hero-banner').click();
  await expect(fanPage.getByTestId('pd-title')).toHaveText('粉丝专享龙井');
  expect(new URL(fanPage.url()).searchParams.get('from')).toMatch(/^stg_[0-9a-z]+\.[a-z0-9_-]+$/);
  await fanPage.getByTestId('pd-add-cart').click();
  await fanPage.getByTestId('sku-picker').getByTestId('sku-confirm').click();
  await expect(fanPage.getByTestId('sku-picker')).toBeHidden();
  await shot(fanPage, 'strategy/m-product-from-banner');

  // ---- the effect report counts one exposed shopper per variant, and the fan's click and cart
  await seller.getByTestId('strategy-report').first().click();
  await expect(seller.getByTestId('strategy-report-page')).toBeVisible();
  const report = seller.getByTestId('strategy-report-table');
  await expect(report).toBeVisible();
  const created = (await owner.get(`/api/shops/${shop.shopId}/strategies`)).body.items[0];
  const ids = created.variants.map((v: { id: string }) => v.id) as string[];
  // The beacon's events reach the report a moment after the tap.
  await expect
    .poll(
      async () => {
        const r = (await owner.get(`/api/shops/${shop.shopId}/strategies/${created.id}/report`)).body;
        const fans = r.arms.find((a: { variantId: string }) => a.variantId === ids[1]);
        return [fans.clickers, fans.addToCartShoppers];
      },
      { timeout: 15_000 },
    )
    .toEqual([1, 1]);
  await seller.reload();
  await expect(report.getByTestId(`exposed-${ids[0]}`)).toHaveText('1');
  await expect(report.getByTestId(`exposed-${ids[1]}`)).toHaveText('1');
  await expect(report.getByTestId('exposed-holdout')).toHaveText('0');
  await expect(report.getByTestId(`clickers-${ids[1]}`)).toHaveText('1');
  await expect(report.getByTestId(`carts-${ids[1]}`)).toHaveText('1');
  await expect(report.getByTestId(`carts-${ids[0]}`)).toHaveText('0');
  await shot(seller, 'strategy/report-zh');

  // In English too.
  await seller.evaluate(() => localStorage.setItem('qd.locale', 'en-US'));
  await seller.reload();
  await expect(seller.getByText('Effect report')).toBeVisible();
  await shot(seller, 'strategy/report-en');
  // The editor and a phone in English as well.
  await seller.goto(`/seller/shops/${shop.shopId}/strategies`);
  await seller.getByTestId('strategy-new').click();
  await expect(seller.getByTestId('strategy-editor')).toBeVisible();
  await shot(seller, 'strategy/editor-en');
  await passerPage.evaluate(() => localStorage.setItem('qd.locale', 'en-US'));
  await passerPage.goto(`/m/shops/${shop.shopId}`);
  await expect(passerPage.getByTestId('shop-hero-banner')).toContainText('春茶上新');
  await shot(passerPage, 'strategy/m-home-passer-en');
  await owner.dispose();
  await fan.actor.dispose();
  await passer.actor.dispose();
});
