import {
  activeShop,
  apiActor,
  confirmPopconfirm,
  expect,
  openDialog,
  PASSWORD,
  pickOption,
  signInSeller,
  test,
  uniqueSuffix,
  useLocale,
} from '../support/fixtures';

/**
 * A merchant sets up omnichannel stock in the workbench (zh-CN): opens a store, corrects stock
 * with a reason, sets a low-stock threshold and sees the alert, moves stock to the store with a
 * transfer (ship, then receive), and reads the ledger.
 */
test('merchant creates a store, adjusts stock, transfers it and sees the ledger and a low-stock alert', async ({
  page,
  baseURL,
  shot,
}) => {
  const shop = await activeShop(baseURL!, 'inventory');
  const owner = await apiActor(baseURL!);
  expect((await owner.post('/api/auth/login', { identifier: shop.ownerEmail, password: PASSWORD })).status).toBe(200);
  const title = `库存测试茶 ${uniqueSuffix()}`;
  const storeName = `湖滨测试店 ${uniqueSuffix()}`;
  const product = await owner.post(`/api/shops/${shop.shopId}/products`, {
    title,
    platformCategoryId: 'tea.black',
    status: 'on_shelf',
    specAxes: [],
    skus: [{ spec: {}, price: 5800, stock: 20 }],
  });
  expect(product.status, JSON.stringify(product.body)).toBe(201);
  const skuId = product.body.skus[0].id as string;
  const defaultLocation = (await owner.get(`/api/shops/${shop.shopId}/locations`)).body.items[0].id as string;
  await owner.dispose();

  await useLocale(page, 'zh-CN');
  await signInSeller(page, shop.ownerEmail);

  // 1. A store: address, coordinates, opening hours, pickup.
  await page.getByRole('menuitem', { name: '门店与仓库' }).click();
  await expect(page.getByTestId('locations-page')).toBeVisible();
  await page.getByTestId('location-add').click();
  const form = page.getByTestId('location-form');
  await form.getByTestId('location-kind').click();
  await pickOption(page, '门店');
  await form.getByTestId('location-name').fill(storeName);
  await form.getByTestId('location-code').fill('ST-XH01');
  await form.getByTestId('location-province').fill('浙江省');
  await form.getByTestId('location-city').fill('杭州市');
  await form.getByTestId('location-district').fill('上城区');
  await form.getByTestId('location-address').fill('延安路 98 号银泰百货 B1 层');
  await form.getByTestId('location-lat').fill('30.2572');
  await form.getByTestId('location-lng').fill('120.1636');
  await form.getByTestId('hours-add').click();
  await form.getByTestId('hours-close').fill('21:30');
  await form.getByRole('checkbox', { name: '发货' }).uncheck();
  await form.getByRole('checkbox', { name: '自提' }).check();
  await shot(page, 'inventory/01-location-form');
  await page.getByTestId('location-save').click();
  await expect(page.getByText(`已新建 ${storeName}`)).toBeVisible();
  const row = page.getByTestId('locations-table').getByRole('row').filter({ hasText: storeName });
  await expect(row).toContainText('ST-XH01');
  await expect(row).toContainText('自提');
  await expect(row).toContainText('10:00–21:30');
  // Its store channel sells from the store itself.
  await expect(page.getByTestId('channels-table').getByRole('row').filter({ hasText: storeName })).toContainText(
    '门店',
  );
  await shot(page, 'inventory/02-locations');

  // 2. Stock: correct on hand with a reason; set a threshold; the alert shows.
  await page.getByRole('menuitem', { name: /(^|\s)库存$/ }).click();
  await page.getByTestId('stock-search').locator('input').fill(title);
  await page.getByTestId('stock-search').locator('input').press('Enter');
  await page.getByTestId(`level-${skuId}-${defaultLocation}`).click();
  const drawer = page.getByRole('dialog');
  await expect(drawer).toContainText(title);
  await drawer.getByTestId('adjust-onhand').fill('6');
  await drawer.getByTestId('adjust-reason').click();
  await pickOption(page, '破损报废');
  await drawer.getByTestId('adjust-submit').click();
  await expect(page.getByText('在库已调整为 6')).toBeVisible();
  await drawer.getByTestId('level-threshold').fill('8');
  await drawer.getByTestId('level-settings-submit').click();
  await expect(drawer.getByText('低库存', { exact: true })).toBeVisible();
  const ledger = drawer.getByTestId('ledger-table');
  await expect(ledger.getByRole('row').nth(1)).toContainText('破损报废');
  await expect(ledger.getByRole('row').nth(1)).toContainText('-14');
  await shot(page, 'inventory/03-stock-drawer');
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);

  await page.getByRole('menuitem', { name: /库存预警/ }).click();
  await expect(page.getByTestId('low-stock-table')).toContainText(title);
  await expect(page.getByTestId('low-stock-badge')).toContainText('1');
  await shot(page, 'inventory/04-low-stock');

  // 3. A transfer to the store: draft, ship (stock leaves), receive (stock arrives).
  await page.getByRole('menuitem', { name: '调拨' }).click();
  await page.getByTestId('transfer-new').click();
  const dialog = await openDialog(page);
  await dialog.getByTestId('transfer-from').click();
  await pickOption(page, '默认仓库');
  await dialog.getByTestId('transfer-to').click();
  await pickOption(page, storeName);
  await dialog.getByTestId('transfer-sku-0').click();
  await page.keyboard.type(title.slice(0, 5));
  await pickOption(page, title);
  await dialog.getByTestId('transfer-qty-0').fill('2');
  await shot(page, 'inventory/05-transfer-new');
  await page.getByTestId('transfer-save').click();
  await expect(page.getByText('调拨单已创建')).toBeVisible();
  const transferRow = page.getByTestId('transfers-table').getByRole('row').filter({ hasText: title });
  await expect(transferRow).toContainText('待发出');
  await transferRow.getByRole('button', { name: '发出' }).click();
  await confirmPopconfirm(page, '确定');
  await expect(transferRow).toContainText('在途');
  await transferRow.getByRole('button', { name: '收货' }).click();
  await confirmPopconfirm(page, '确定');
  await expect(transferRow).toContainText('已收货');
  await shot(page, 'inventory/06-transfers');

  // 4. The ledger at the store shows the transfer in; the default location shows it out.
  await page.getByRole('menuitem', { name: /(^|\s)库存$/ }).click();
  await page.getByTestId('stock-search').locator('input').fill(title);
  await page.getByTestId('stock-search').locator('input').press('Enter');
  const storeCell = page.getByTestId('stock-table').locator('[data-testid^="level-"]').filter({ hasText: '2/0/2' });
  await expect(storeCell).toHaveCount(1);
  await storeCell.click();
  await expect(drawer.getByTestId('ledger-table').getByRole('row').nth(1)).toContainText('调拨入库');
  await expect(drawer.getByTestId('ledger-table').getByRole('row').nth(1)).toContainText('+2');
  await shot(page, 'inventory/07-store-ledger');
});
