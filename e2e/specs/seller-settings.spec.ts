import {
  activeShop,
  apiActor,
  confirmPopconfirm,
  expect,
  openDialog,
  PASSWORD,
  pngLogo,
  signInSeller,
  test,
  useLocale,
} from '../support/fixtures';

test('an owner sets shop categories, shipping and timeouts, and decorates the storefront', async ({
  browser,
  baseURL,
  shot,
}) => {
  const { shopId, ownerEmail } = await activeShop(baseURL!, 'settings-commerce');
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await useLocale(page, 'zh-CN');
  await signInSeller(page, ownerEmail);
  const owner = await apiActor(baseURL!);
  expect((await owner.post('/api/auth/login', { identifier: ownerEmail, password: PASSWORD })).status).toBe(200);

  await test.step('shop categories: add, rename, delete', async () => {
    await page.getByTestId('side-nav').getByText('店铺分类', { exact: true }).click();
    const pageEl = page.getByTestId('shop-categories-page');
    await pageEl.getByLabel('分类名称').fill('红茶');
    await pageEl.getByRole('button', { name: '添加分类' }).click();
    await expect(page.getByText('已添加分类「红茶」')).toBeVisible();
    await pageEl.getByLabel('分类名称').fill('绿茶');
    await pageEl.getByRole('button', { name: '添加分类' }).click();
    const table = page.getByTestId('categories-table');
    await expect(table.locator('tr.ant-table-row')).toHaveCount(2);
    await table.locator('tr.ant-table-row').filter({ hasText: '绿茶' }).getByRole('button', { name: '编辑' }).click();
    const dialog = await openDialog(page);
    await dialog.getByLabel('分类名称').fill('明前绿茶');
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect(table).toContainText('明前绿茶');
    await table.locator('tr.ant-table-row').filter({ hasText: '红茶' }).getByRole('button', { name: '删除' }).click();
    await confirmPopconfirm(page, '确定');
    await expect(page.getByText('已删除分类「红茶」')).toBeVisible();
    const saved = await owner.get(`/api/shops/${shopId}/categories`);
    expect(saved.body.items.map((c: { name: string }) => c.name)).toEqual(['明前绿茶']);
  });

  await test.step('order settings: shipping fee and free-shipping threshold in yuan, timeouts', async () => {
    await page.getByTestId('side-nav').getByText('店铺设置', { exact: true }).click();
    await page.getByRole('tab', { name: '交易设置' }).click();
    const form = page.getByTestId('order-settings-form');
    await form.getByLabel('统一运费').fill('12.5');
    await form.getByRole('switch').click();
    await form.getByLabel('包邮门槛').fill('');
    await page.getByTestId('save-order-settings').click();
    await expect(form.getByText('请填写包邮门槛')).toBeVisible();
    await form.getByLabel('包邮门槛').fill('99');
    await form.getByLabel('未付款自动取消').fill('45');
    await form.getByLabel('自动确认收货').fill('7');
    await page.getByTestId('save-order-settings').click();
    await expect(page.getByText('交易设置已保存')).toBeVisible();
    const settings = await owner.get(`/api/shops/${shopId}/order-settings`);
    expect(settings.body).toMatchObject({
      shippingFee: 1250,
      freeShippingOver: 9900,
      unpaidTimeoutMinutes: 45,
      autoConfirmDays: 7,
    });
    await page.reload();
    await expect(page.getByTestId('order-settings-form').getByLabel('统一运费')).toHaveValue('12.50');
    await shot(page, '41-seller-order-settings-zh');
  });

  await test.step('decoration: an uploaded banner with a link, and a notice', async () => {
    await page.getByRole('tab', { name: '店铺装修' }).click();
    await page.getByTestId('add-banner').click();
    await page
      .getByTestId('banner-image-0')
      .locator('input[type=file]')
      .setInputFiles({
        name: 'banner.png',
        mimeType: 'image/png',
        buffer: pngLogo(320),
      });
    await expect(page.getByTestId('banner-image-0').locator('img')).toBeVisible();
    const row = page.getByTestId('banner-row').first();
    await row.getByLabel('标题').fill('新茶上市');
    await row.getByLabel('跳转链接').fill('javascript:alert(1)');
    await page.getByTestId('save-decoration').click();
    await expect(row.getByText('链接须以 / 开头的站内地址，或 http(s):// 开头的网址')).toBeVisible();
    await row.getByLabel('跳转链接').fill(`/m/shops/${shopId}`);
    await page.getByLabel('店铺公告').fill('明前龙井到货，满 99 元包邮');
    await expect(page.getByTestId('decoration-preview')).toContainText('明前龙井到货');
    await page.getByTestId('save-decoration').click();
    await expect(page.getByText('店铺装修已保存')).toBeVisible();
    const saved = await owner.get(`/api/shops/${shopId}/decoration`);
    expect(saved.body.notice).toBe('明前龙井到货，满 99 元包邮');
    expect(saved.body.banners).toHaveLength(1);
    expect(saved.body.banners[0]).toMatchObject({ title: '新茶上市', link: `/m/shops/${shopId}` });
    expect(saved.body.banners[0].imageUrl).toMatch(/^\/media\//);
    await shot(page, '42-seller-decoration-zh');
    await expect(page.locator('.ant-message-notice')).toHaveCount(0);

    await page.getByTestId('language-switch').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect(page.getByRole('tab', { name: 'Decoration' })).toBeVisible();
    await expect(page.getByTestId('decoration-preview')).toContainText('明前龙井到货');
    await expect(page.getByText('Home banners')).toBeVisible();
    await shot(page, '43-seller-decoration-en');
    await page.getByRole('tab', { name: 'Orders & shipping' }).click();
    await expect(page.getByTestId('order-settings-form').getByLabel('Shipping fee')).toHaveValue('12.50');
    await shot(page, '44-seller-order-settings-en');
  });
  await owner.dispose();
  await context.close();
});

test('customer service sees orders and after-sales but not data, decoration or product editing', async ({
  page,
  shot,
}) => {
  await useLocale(page, 'zh-CN');
  // Seeded: tea.cs is customer service in 山野茶舍 (products.read, orders.read, aftersales.manage).
  await signInSeller(page, 'tea.cs@qiandian.dev');
  await expect(page).toHaveURL(/\/seller\/shops\/[^/]+\/home$/);
  const shopId = /\/shops\/([^/]+)\//.exec(page.url())![1]!;
  const nav = page.getByTestId('side-nav');
  await expect(nav.getByText('商品管理', { exact: true })).toBeVisible();
  await expect(nav.getByText('订单管理', { exact: true })).toBeVisible();
  await expect(nav.getByText('售后管理', { exact: true })).toBeVisible();
  await expect(nav.getByText('数据中心', { exact: true })).toHaveCount(0);
  await expect(nav.getByText('店铺装修', { exact: true })).toHaveCount(0);
  await expect(nav.getByText('店铺设置', { exact: true })).toHaveCount(0);

  await nav.getByText('商品管理', { exact: true }).click();
  await expect(page.getByTestId('products-page')).toBeVisible();
  await expect(page.getByTestId('new-product')).toHaveCount(0);
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);

  await nav.getByText('订单管理', { exact: true }).click();
  await expect(page.getByTestId('orders-page')).toBeVisible();
  await expect(page.getByTestId('csv-ship')).toHaveCount(0);
  await expect(page.getByTestId('ship-order')).toHaveCount(0);

  await page.goto(`/seller/shops/${shopId}/dashboard`);
  await expect(page.getByTestId('forbidden-title')).toHaveText('403 · 没有访问权限');
  await page.goto(`/seller/shops/${shopId}/products/new`);
  await expect(page.getByTestId('forbidden-title')).toBeVisible();
  await shot(page, '45-seller-cs-forbidden-zh');
});
