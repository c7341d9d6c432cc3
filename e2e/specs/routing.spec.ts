import {
  activeShop,
  apiActor,
  expect,
  openDialog,
  PASSWORD,
  pickOption,
  signInSeller,
  test,
  uniqueEmail,
  uniqueSuffix,
  useLocale,
} from '../support/fixtures';

/**
 * Routing (zh-CN): a paid order no single warehouse can fill is split into two parcels; the
 * merchant reorders and tunes the routing rules, dry-runs a sample order and reads the
 * explanation step by step; in the order detail both parcels show with the decision, one is
 * re-routed by hand to another warehouse, and each ships on its own.
 */
test('merchant edits routing rules, dry-runs them, and re-routes and ships a split order parcel by parcel', async ({
  page,
  baseURL,
  shot,
}) => {
  const shop = await activeShop(baseURL!, 'routing');
  const owner = await apiActor(baseURL!);
  expect((await owner.post('/api/auth/login', { identifier: shop.ownerEmail, password: PASSWORD })).status).toBe(200);
  const title = `路由测试茶 ${uniqueSuffix()}`;
  const product = await owner.post(`/api/shops/${shop.shopId}/products`, {
    title,
    platformCategoryId: 'tea.black',
    status: 'on_shelf',
    specAxes: [{ name: '规格', values: ['罐装', '袋装'] }],
    skus: [
      { spec: { 规格: '罐装' }, price: 5800, stock: 0 },
      { spec: { 规格: '袋装' }, price: 3800, stock: 0 },
    ],
  });
  expect(product.status, JSON.stringify(product.body)).toBe(201);
  const [tin, bag] = (product.body.skus as { id: string }[]).map((s) => s.id) as [string, string];
  const place = async (name: string, code: string, province: string, city: string, lat: number, lng: number) => {
    const res = await owner.post(`/api/shops/${shop.shopId}/locations`, {
      name,
      kind: 'warehouse',
      code,
      province,
      city,
      lat,
      lng,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const hz = await place('杭州仓', 'WH-HZ', '浙江省', '杭州市', 30.2741, 120.1551);
  const sh = await place('上海仓', 'WH-SH', '上海市', '上海市', 31.2304, 121.4737);
  const bj = await place('北京仓', 'WH-BJ', '北京市', '北京市', 39.9042, 116.4074);
  const stock = async (skuId: string, locationId: string, onHand: number) => {
    const res = await owner.post(`/api/shops/${shop.shopId}/stock/${skuId}/${locationId}/adjustments`, {
      onHand,
      reason: 'received',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  await stock(tin, hz, 5);
  await stock(bag, sh, 5);
  await stock(tin, bj, 5);

  // A shopper in Hangzhou buys two tins and a bag and pays: nobody holds both, so it splits.
  const buyer = await apiActor(baseURL!);
  expect(
    (
      await buyer.post('/api/auth/register', {
        kind: 'shopper',
        email: uniqueEmail('buyer'),
        password: PASSWORD,
        displayName: `买家${uniqueSuffix()}`,
      })
    ).status,
  ).toBe(201);
  const address = await buyer.post('/api/me/addresses', {
    name: '陈小茶',
    phone: '13800138000',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    detail: '龙井路 18 号',
  });
  const placed = await buyer.post('/api/checkout', {
    lines: [
      { shopId: shop.shopId, skuId: tin, quantity: 2 },
      { shopId: shop.shopId, skuId: bag, quantity: 1 },
    ],
    addressId: address.body.id,
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const orderId = placed.body.orders[0].id as string;
  const confirm = await buyer.ctx.post(`${placed.body.payUrl as string}/confirm`, { maxRedirects: 0 });
  expect(confirm.status()).toBe(303);
  await expect
    .poll(async () => (await buyer.get(`/api/me/orders/${shop.shopId}/${orderId}`)).body.status, { timeout: 30_000 })
    .toBe('paid');

  await useLocale(page, 'zh-CN');
  await signInSeller(page, shop.ownerEmail);

  await test.step('the rules: reorder, add one with a parameter, save', async () => {
    await page.getByRole('menuitem', { name: '发货路由' }).click();
    await expect(page.getByTestId('routing-page')).toBeVisible();
    const rules = page.getByTestId('routing-rule');
    await expect(rules).toHaveCount(4);
    await expect(rules.first()).toContainText('单仓发货');
    // Nearest before same region.
    await page.locator('[data-testid="routing-rule"][data-kind="nearest"]').getByTestId('rule-up').click();
    await page.getByTestId('routing-add').hover();
    await page.locator('.ant-dropdown:visible').getByText('门店抢单').click();
    const pool = page.locator('[data-testid="routing-rule"][data-kind="grab_pool"]');
    await pool.getByTestId('param-radiusKm').locator('input').fill('8');
    await pool.getByTestId('rule-enabled').click(); // off for now
    await shot(page, 'routing/01-rules-editing');
    await page.getByTestId('routing-save').click();
    await expect(page.getByText('路由规则已保存')).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('routing-rule')).toHaveCount(5);
    const kinds = await page
      .getByTestId('routing-rule')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toEqual(['single_location', 'nearest', 'same_region', 'split', 'grab_pool']);
    await expect(pool.getByTestId('param-radiusKm').locator('input')).toHaveValue('8');
  });

  await test.step('a dry run explains each step and reserves nothing', async () => {
    const dry = page.getByTestId('dry-run');
    await dry.getByTestId('dry-sku').first().click();
    await pickOption(page, `${title} · 罐装`);
    await dry.locator('input[data-testid="dry-qty"], [data-testid="dry-qty"] input').first().fill('2');
    await dry.getByTestId('dry-add-line').click();
    await dry.getByTestId('dry-sku').nth(1).click();
    await pickOption(page, `${title} · 袋装`);
    await dry.getByTestId('dry-city').click();
    await page.keyboard.type('杭州');
    await pickOption(page, '杭州（浙江）');
    await dry.getByTestId('dry-run-submit').click();
    const result = page.getByTestId('dry-result');
    await expect(result).toContainText('将拆为 2 个包裹');
    await expect(result.getByTestId('dry-parcel')).toHaveCount(2);
    await expect(result).toContainText('杭州（城市中心）· 华东');
    const steps = result.getByTestId('route-step');
    await expect(steps).toHaveCount(6);
    await expect(steps.nth(1)).toContainText('没有地点能独自发完整单');
    await expect(steps.nth(2)).toContainText('最近的是 杭州仓（0 公里）');
    await expect(steps.nth(2)).toContainText('北京仓');
    await expect(steps.nth(2)).toContainText('更远，且不需要');
    await expect(steps.nth(4)).toContainText('拆成 2 个包裹');
    await expect(steps.nth(5)).toContainText('规则未启用');
    await shot(page, 'routing/02-dry-run');
    // Only the paid order holds stock (2 tins + 1 bag); the dry run held nothing.
    const grid = await owner.get(`/api/shops/${shop.shopId}/stock?q=${encodeURIComponent(title)}`);
    const reserved = (grid.body.items as { levels: { reserved: number }[] }[])
      .flatMap((r) => r.levels)
      .reduce((n, l) => n + l.reserved, 0);
    expect(reserved).toBe(3);
  });

  await test.step('the split order shows both parcels with the decision; one is re-routed by hand', async () => {
    await page.goto(`/seller/shops/${shop.shopId}/orders/${orderId}`);
    const card = page.getByTestId('order-shipments');
    await expect(card.getByTestId('shipment-row')).toHaveCount(2);
    await expect(card).toContainText('杭州仓');
    await expect(card).toContainText('上海仓');
    await expect(card.getByTestId('decision')).toContainText('自动路由');
    await expect(card.getByTestId('decision-steps')).toContainText('不在买家大区');
    await shot(page, 'routing/03-order-parcels');

    await card.getByTestId('shipment-row').filter({ hasText: '杭州仓' }).getByTestId('shipment-reroute').click();
    const dialog = await openDialog(page);
    await dialog.getByTestId('reroute-location').click();
    await pickOption(page, '北京仓');
    await dialog.getByTestId('reroute-reason').fill('杭州仓盘点暂停发货');
    await shot(page, 'routing/04-reroute');
    await dialog.getByRole('button', { name: '改派' }).click();
    await expect(page.getByText('已改派到 北京仓')).toBeVisible();
    await expect(card.getByTestId('shipment-row').filter({ hasText: '北京仓' })).toHaveCount(1);
    await expect(card.getByTestId('shipment-row').filter({ hasText: '杭州仓' })).toHaveCount(0);
    await expect(card.getByTestId('decision').first()).toContainText('人工改派');
    await expect(card.getByTestId('decision').first()).toContainText('杭州仓盘点暂停发货');
  });

  await test.step('each parcel ships on its own; the order ships with the last', async () => {
    const card = page.getByTestId('order-shipments');
    const ship = async (where: string, trackingNo: string) => {
      await card.getByTestId('shipment-row').filter({ hasText: where }).getByTestId('shipment-ship').click();
      const dialog = await openDialog(page);
      await dialog.getByTestId('parcel-carrier').click();
      await pickOption(page, '顺丰');
      await dialog.getByTestId('parcel-tracking').fill(trackingNo);
      await dialog.getByRole('button', { name: /确认发货|发货/ }).click();
      // The first parcel's message may still be showing when the second ships.
      await expect(page.getByText('包裹已发货').last()).toBeVisible();
    };
    await ship('上海仓', 'SF7000000001');
    await expect(card.getByTestId('shipment-row').filter({ hasText: '上海仓' })).toContainText('已发货');
    const statusOf = async () => (await owner.get(`/api/shops/${shop.shopId}/orders/${orderId}`)).body.status;
    expect(await statusOf()).toBe('paid');
    await ship('北京仓', 'SF7000000002');
    await expect(card.getByTestId('shipment-row').filter({ hasText: '北京仓' })).toContainText('SF7000000002');
    expect(await statusOf()).toBe('shipped');
    await page.reload();
    await expect(page.getByTestId('order-shipments').getByTestId('shipment-status')).toHaveText(['已发货', '已发货']);
    await shot(page, 'routing/05-shipped');
    const mine = await buyer.get(`/api/me/orders/${shop.shopId}/${orderId}`);
    expect(mine.body.shipments.map((s: { trackingNo: string }) => s.trackingNo).sort()).toEqual([
      'SF7000000001',
      'SF7000000002',
    ]);
  });

  await test.step('in English', async () => {
    await page.evaluate(() => localStorage.setItem('qd.locale', 'en-US'));
    await page.goto(`/seller/shops/${shop.shopId}/orders/${orderId}`);
    await expect(page.getByTestId('order-shipments')).toContainText('Parcels');
    await shot(page, 'routing/06-order-parcels-en');
    await page.goto(`/seller/shops/${shop.shopId}/routing`);
    await expect(page.getByTestId('routing-rule').first()).toContainText('One location');
    await shot(page, 'routing/07-rules-en');
  });
  await owner.dispose();
  await buyer.dispose();
});
