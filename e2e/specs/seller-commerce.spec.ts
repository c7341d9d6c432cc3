import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import {
  apiActor,
  confirmPopconfirm,
  expect,
  openDialog,
  PASSWORD,
  pickOption,
  pngLogo,
  signInSeller,
  test,
  uniqueEmail,
  uniqueSuffix,
  useLocale,
} from '../support/fixtures';

type Actor = Awaited<ReturnType<typeof apiActor>>;

const TEA_OWNER = 'tea.owner@qiandian.dev';

/** A shopper with a saved address, made through the API. */
async function shopper(baseURL: string) {
  const actor = await apiActor(baseURL);
  const reg = await actor.post('/api/auth/register', {
    kind: 'shopper',
    email: uniqueEmail('buyer'),
    password: PASSWORD,
    displayName: `买家${uniqueSuffix()}`,
  });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  const address = await actor.post('/api/me/addresses', {
    name: '陈小茶',
    phone: '13800138000',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    detail: '龙井路 18 号',
  });
  expect(address.status, JSON.stringify(address.body)).toBe(201);
  return { actor, addressId: address.body.id as string };
}

interface Placed {
  id: string;
  orderNo: string;
  total: number;
}

/** Places one order, pays it on TestPay as the shopper's browser would, and waits until it is paid. */
async function buyAndPay(
  buyer: { actor: Actor; addressId: string },
  shopId: string,
  lines: { skuId: string; quantity: number }[],
): Promise<Placed> {
  const placed = await buyer.actor.post('/api/checkout', {
    lines: lines.map((l) => ({ shopId, ...l })),
    addressId: buyer.addressId,
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const order = placed.body.orders[0] as Placed;
  const payUrl = placed.body.payUrl as string;
  const confirm = await buyer.actor.ctx.post(`${payUrl}/confirm`, { maxRedirects: 0 });
  expect(confirm.status()).toBe(303);
  await expect
    .poll(async () => (await buyer.actor.get(`/api/me/orders/${shopId}/${order.id}`)).body.status, {
      timeout: 30_000,
    })
    .toBe('paid');
  return order;
}

/** The money as the workbench shows it: 12345 fen → "¥123.45" (zh-CN and en-US group the same way). */
const yuan = (fen: number) =>
  `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * A picture of what the screen shows around an element (the editor is long; its action bar sticks
 * to the bottom of the window, so a full-page picture would show it halfway down).
 */
async function viewShot(page: Page, name: string, around: Locator) {
  await around.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.waitForTimeout(400);
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../screenshots');
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

async function openNav(page: Page, label: string) {
  await page.getByTestId('side-nav').getByText(label, { exact: true }).click();
}

test('the tea shop owner publishes a product with a SKU matrix, ships orders one by one and by CSV, refunds, and sees the GMV', async ({
  page,
  baseURL,
  shot,
}) => {
  test.setTimeout(240_000);
  await useLocale(page, 'zh-CN');
  await signInSeller(page, TEA_OWNER);
  await expect(page).toHaveURL(/\/seller\/shops\/[^/]+\/home$/);
  const shopId = /\/shops\/([^/]+)\//.exec(page.url())![1]!;
  const title = `E2E 正山小种礼盒 ${uniqueSuffix()}`;
  let productId = '';

  await test.step('the editor checks the form before sending it', async () => {
    await openNav(page, '商品管理');
    await expect(page).toHaveURL(new RegExp(`/seller/shops/${shopId}/products$`));
    await page.getByTestId('new-product').click();
    await expect(page.getByTestId('product-editor')).toBeVisible();
    await page.getByTestId('save-product').click();
    await expect(page.getByText('请填写商品标题')).toBeVisible();
    await expect(page.getByText('请选择平台类目')).toBeVisible();
    await expect(page.getByText('请填写售价')).toBeVisible();
  });

  await test.step('basic information, two pictures reordered by dragging', async () => {
    await page.getByLabel('商品标题').fill(title);
    await page.getByLabel('副标题').fill('武夷山桐木关 · 传统松烟工艺');
    await page.getByTestId('platform-category').click();
    await page.locator('.ant-cascader-menu-item').filter({ hasText: /^茶$/ }).click();
    await page
      .locator('.ant-cascader-menu-item')
      .filter({ hasText: /^红茶$/ })
      .click();
    await expect(page.getByTestId('platform-category')).toContainText('红茶');

    const images = page.getByTestId('images-field');
    const input = images.locator('input[type=file]');
    await input.setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: pngLogo(240) });
    await expect(images.getByTestId('image-tile')).toHaveCount(1);
    await input.setInputFiles({ name: 'side.png', mimeType: 'image/png', buffer: pngLogo(180) });
    await expect(images.getByTestId('image-tile')).toHaveCount(2);
    const srcOf = (i: number) => images.getByTestId('image-tile').nth(i).locator('img').getAttribute('src');
    const second = await srcOf(1);
    expect(second).toMatch(/^\/media\/.+_200\.webp$/);
    await images.getByTestId('image-tile').nth(1).dragTo(images.getByTestId('image-tile').nth(0));
    await expect.poll(() => srcOf(0)).toBe(second);
    await expect(images.getByTestId('image-tile').nth(0)).toContainText('主图');
  });

  await test.step('two spec axes make a 2×2 matrix; batch fill, then one row by hand', async () => {
    await page.getByTestId('add-axis').click();
    await page.getByLabel('规格1名称').fill('包装');
    await page.getByLabel('规格1的值').fill('铁罐');
    await page.getByLabel('规格1的值').press('Enter');
    await page.getByLabel('规格1的值').fill('礼盒');
    await page.getByLabel('规格1的值').press('Enter');
    await page.getByTestId('add-axis').click();
    await page.getByLabel('规格2名称').fill('净含量');
    await page.getByLabel('规格2的值').fill('100g,250g');
    await page.getByLabel('规格2名称').click(); // blur adds anything still typed
    const table = page.getByTestId('sku-table');
    await expect(table.locator('tbody tr.ant-table-row')).toHaveCount(4);
    await expect(table.locator('thead')).toContainText('包装');
    await expect(table.locator('thead')).toContainText('净含量');

    await page.getByLabel('批量售价').fill('88');
    await page.getByLabel('批量库存').fill('50');
    await page.getByTestId('batch-apply').click();
    await expect(page.getByLabel('铁罐 / 100g 售价')).toHaveValue('88.00');
    await expect(page.getByLabel('礼盒 / 250g 库存')).toHaveValue('50');
    await page.getByLabel('礼盒 / 250g 售价').fill('128');
    await page.getByLabel('礼盒 / 250g 划线价').fill('99');
    await page.getByLabel('礼盒 / 250g 条形码').fill('6901234567892');
    // The original price below the price is caught here, in the right cell.
    await page.getByTestId('save-product').click();
    const originalCell = page.getByTestId('sku-table').locator('tbody tr.ant-table-row').nth(3);
    await expect(originalCell.getByText('划线价不能低于售价')).toBeVisible();
    await page.getByLabel('礼盒 / 250g 划线价').fill('168');
    await page
      .getByTestId('sku-image-3')
      .locator('input[type=file]')
      .setInputFiles({
        name: 'gift.png',
        mimeType: 'image/png',
        buffer: pngLogo(120),
      });
    await expect(page.getByTestId('sku-image-3').locator('img')).toBeVisible();
  });

  await test.step('detail blocks: text and picture, reordered', async () => {
    await page.getByTestId('add-block-image').click();
    await page
      .getByTestId('block-media-0')
      .locator('input[type=file]')
      .setInputFiles({
        name: 'detail.png',
        mimeType: 'image/png',
        buffer: pngLogo(300),
      });
    await expect(page.getByTestId('block-media-0').locator('img')).toBeVisible();
    await page.getByTestId('add-block-text').click();
    await page.getByLabel('第 2 段文字').fill('松烟香、桂圆汤，条索紧结，汤色红亮。');
    await page.getByTestId('detail-block').nth(1).getByRole('button', { name: '上移' }).click();
    await expect(page.getByTestId('detail-block').nth(0)).toHaveAttribute('data-type', 'text');
  });

  await test.step('a field error from the server lands on its cell', async () => {
    // The browser sends what the form holds; here the request is changed on the way so the
    // server itself refuses the fourth SKU, and its answer (body.skus.3.originalPrice) is shown.
    await page.route(`**/api/shops/${shopId}/products`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const body = route.request().postDataJSON() as { skus: { price: number; originalPrice: number | null }[] };
      body.skus[3]!.originalPrice = body.skus[3]!.price - 1;
      await route.continue({ postData: JSON.stringify(body) });
    });
    await page.getByTestId('status-choice').getByText('放入仓库').click();
    await page.getByTestId('save-product').click();
    await expect(page.getByRole('alert').filter({ hasText: '商品信息有误' })).toBeVisible();
    const row = page.getByTestId('sku-table').locator('tbody tr.ant-table-row').nth(3);
    await expect(row.locator('.ant-form-item-explain-error')).toHaveText('划线价不能低于售价');
    await page.unroute(`**/api/shops/${shopId}/products`);
    await viewShot(page, '30-seller-product-editor-zh', page.getByTestId('sku-table'));
  });

  await test.step('saved to the warehouse, then put on the shelf from the list in bulk', async () => {
    await page.getByTestId('save-product').click();
    await expect(page.getByText(`商品「${title}」已创建`)).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/seller/shops/${shopId}/products$`));
    await page.getByRole('tab', { name: '仓库中' }).click();
    const row = page.getByTestId('products-table').locator('tr.ant-table-row').filter({ hasText: title });
    await expect(row).toBeVisible();
    await expect(row.getByTestId('product-status')).toHaveText('已下架');
    await expect(row).toContainText('¥88.00 – ¥128.00');
    await expect(row).toContainText('200');
    await row.locator('.ant-checkbox-input').check();
    await expect(page.getByTestId('bulk-bar')).toContainText('已选 1 件商品');
    await page.getByTestId('bulk-bar').getByRole('button', { name: '批量上架' }).click();
    await expect(page.getByText('已上架 1 件商品')).toBeVisible();
    await page.getByRole('tab', { name: '出售中' }).click();
    const onSale = page.getByTestId('products-table').locator('tr.ant-table-row').filter({ hasText: title });
    await expect(onSale.getByTestId('product-status')).toHaveText('出售中');
    await page.getByTestId('product-search').locator('input').fill(title);
    await page.getByTestId('product-search').locator('input').press('Enter');
    await expect(page.getByTestId('products-table').locator('tr.ant-table-row')).toHaveCount(1);
    await shot(page, '31-seller-products-zh');
    await onSale.getByTestId('product-title').click();
    await expect(page).toHaveURL(/\/products\/prd_[^/]+\/edit$/);
    productId = /\/products\/([^/]+)\/edit/.exec(page.url())![1]!;
    // What was saved comes back: four SKUs, the prices in yuan, the second picture now first.
    await expect(page.getByLabel('礼盒 / 250g 售价')).toHaveValue('128.00');
    await expect(page.getByLabel('礼盒 / 250g 划线价')).toHaveValue('168.00');
    await expect(page.getByLabel('铁罐 / 250g 库存')).toHaveValue('50');
    await expect(page.getByTestId('detail-block').nth(0)).toHaveAttribute('data-type', 'text');
  });

  // ---- a shopper buys three times through the API
  const product = await (await apiActor(baseURL!)).get(`/api/storefront/shops/${shopId}/products/${productId}`);
  expect(product.status, JSON.stringify(product.body)).toBe(200);
  const skus = product.body.skus as { id: string; spec: Record<string, string>; price: number }[];
  expect(skus).toHaveLength(4);
  const sku = (pack: string, weight: string) =>
    skus.find((s) => s.spec['包装'] === pack && s.spec['净含量'] === weight)!;
  expect(sku('礼盒', '250g').price).toBe(12800);
  expect(sku('铁罐', '100g').price).toBe(8800);
  const buyer = await shopper(baseURL!);
  const first = await buyAndPay(buyer, shopId, [{ skuId: sku('礼盒', '250g').id, quantity: 1 }]);
  const second = await buyAndPay(buyer, shopId, [{ skuId: sku('铁罐', '100g').id, quantity: 2 }]);
  const third = await buyAndPay(buyer, shopId, [{ skuId: sku('铁罐', '250g').id, quantity: 1 }]);

  await test.step('the merchant finds the paid order and ships it from the modal', async () => {
    await openNav(page, '订单管理');
    await page.getByRole('tab', { name: '待发货' }).click();
    await page.getByTestId('order-search').locator('input').fill(first.orderNo);
    await page.getByTestId('order-search').locator('input').press('Enter');
    const rows = page.getByTestId('orders-table').locator('tr.ant-table-row');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(title);
    await expect(rows.first()).toContainText(yuan(first.total));
    await expect(rows.first().getByTestId('order-status')).toHaveText('待发货');
    await rows.first().getByTestId('ship-order').click();
    const dialog = await openDialog(page);
    await expect(dialog).toContainText(first.orderNo);
    await dialog.getByTestId('ship-carrier').click();
    await pickOption(page, '顺丰速运');
    await dialog.getByTestId('ship-tracking').fill('SF12');
    await dialog.getByRole('button', { name: '确认发货' }).click();
    await expect(dialog.getByText('运单号为 6 到 32 位字母、数字或短横线')).toBeVisible();
    const tracking = `SF${Date.now()}`;
    await dialog.getByTestId('ship-tracking').fill(tracking);
    await shot(page, '32-seller-ship-modal-zh');
    await dialog.getByRole('button', { name: '确认发货' }).click();
    await expect(page.getByText(`订单 ${first.orderNo} 已发货`)).toBeVisible();
    await expect(rows).toHaveCount(0); // no longer waiting to ship
    const seen = await buyer.actor.get(`/api/me/orders/${shopId}/${first.id}`);
    expect(seen.body).toMatchObject({ status: 'shipped', carrier: '顺丰速运', trackingNo: tracking });
  });

  await test.step('bulk shipping by CSV: a bad line ships nothing and is named; the fixed file ships', async () => {
    await page.getByTestId('order-search').locator('input').fill('');
    await page.getByTestId('order-search').locator('input').press('Enter');
    await page.getByTestId('csv-ship').click();
    const dialog = await openDialog(page);
    const bad = `订单号,物流公司,运单号\n${second.orderNo},中通快递,ZT${Date.now()}\n20991231999999,中通快递,ZT000000001\n`;
    await dialog
      .locator('input[type=file]')
      .setInputFiles({ name: '发货单.csv', mimeType: 'text/csv', buffer: Buffer.from(bad, 'utf8') });
    await expect(dialog.getByTestId('csv-file')).toHaveText('发货单.csv');
    await dialog.getByTestId('csv-submit').click();
    await expect(dialog.getByTestId('csv-line-error')).toHaveText('第 3 行：找不到订单');
    await expect(dialog.getByRole('alert')).toContainText('所有订单都未发货');
    await shot(page, '33-seller-csv-errors-zh');
    expect((await buyer.actor.get(`/api/me/orders/${shopId}/${second.id}`)).body.status).toBe('paid');
    const good = `${second.orderNo},中通快递,ZT${Date.now()}\n`;
    await dialog
      .locator('input[type=file]')
      .setInputFiles({ name: '发货单2.csv', mimeType: 'text/csv', buffer: Buffer.from(good, 'utf8') });
    await expect(dialog.getByTestId('csv-line-error')).toHaveCount(0);
    await dialog.getByTestId('csv-submit').click();
    await expect(page.getByText('已发货 1 个订单')).toBeVisible();
    const shipped = await buyer.actor.get(`/api/me/orders/${shopId}/${second.id}`);
    expect(shipped.body).toMatchObject({ status: 'shipped', carrier: '中通快递' });
  });

  await test.step('order detail: steps, lines, address, amounts and the log', async () => {
    await page.getByTestId('order-search').locator('input').fill(first.orderNo);
    await page.getByTestId('order-search').locator('input').press('Enter');
    await page.getByRole('tab', { name: '全部订单' }).click();
    await page.getByTestId('orders-table').getByTestId('order-no').filter({ hasText: first.orderNo }).click();
    const detail = page.getByTestId('order-detail');
    await expect(detail.getByTestId('detail-order-no')).toHaveText(first.orderNo);
    await expect(detail.getByTestId('order-status')).toHaveText('已发货');
    await expect(detail.getByTestId('order-lines')).toContainText('礼盒 / 250g');
    await expect(detail.getByTestId('order-address')).toContainText('龙井路 18 号');
    await expect(detail.getByTestId('order-amounts')).toContainText(yuan(first.total));
    await expect(detail.getByTestId('order-timeline')).toContainText('卖家发货');
    await expect(detail.getByTestId('order-timeline')).toContainText('顺丰速运');
    await shot(page, '34-seller-order-detail-zh');
  });

  await test.step('an after-sales refund request is approved from the queue', async () => {
    const requested = await buyer.actor.post(`/api/me/orders/${shopId}/${third.id}/aftersales`, {
      type: 'refund_only',
      reason: '不想要了',
      description: '拍错了规格',
      lines: [{ lineNo: 1, quantity: 1 }],
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const caseId = requested.body.id as string;
    // Everything of a paid, unshipped order comes back, shipping included.
    expect(requested.body.amount).toBe(third.total);
    await openNav(page, '售后管理');
    const row = page.getByTestId('cases-table').locator('tr.ant-table-row').filter({ hasText: third.orderNo });
    await expect(row).toBeVisible();
    await expect(row.getByTestId('case-status')).toHaveText('待处理');
    await row.getByTestId('open-case').click();
    const drawer = page.getByTestId('case-drawer');
    await expect(drawer.getByTestId('case-summary')).toContainText('拍错了规格');
    await expect(drawer).toContainText('铁罐 / 250g');
    await expect(drawer.getByTestId('case-total')).toHaveText(yuan(requested.body.amount));
    await shot(page, '35-seller-aftersales-drawer-zh');
    await page.getByTestId('case-approve').click();
    await confirmPopconfirm(page, '确定');
    await expect(page.getByText('已同意退款')).toBeVisible();
    await expect(drawer.getByTestId('case-status')).not.toHaveText('待处理');
    await expect
      .poll(async () => (await buyer.actor.get(`/api/me/aftersales/${shopId}/${caseId}`)).body.status, {
        timeout: 30_000,
      })
      .toBe('refunded');
    await expect
      .poll(async () => (await buyer.actor.get(`/api/me/orders/${shopId}/${third.id}`)).body.refundedAmount, {
        timeout: 30_000,
      })
      .toBe(requested.body.amount);
    await page.locator('.ant-drawer-close').click();
    await expect(drawer).toBeHidden();
  });

  await test.step('a return is approved, the goods come back and are confirmed; another request is rejected', async () => {
    const asked = await buyer.actor.post(`/api/me/orders/${shopId}/${second.id}/aftersales`, {
      type: 'return_refund',
      reason: '包装破损',
      lines: [{ lineNo: 1, quantity: 1 }],
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const returnId = asked.body.id as string;
    const other = await buyer.actor.post(`/api/me/orders/${shopId}/${first.id}/aftersales`, {
      type: 'refund_only',
      reason: '不想要了',
      lines: [{ lineNo: 1, quantity: 1 }],
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    await page.reload();
    const drawer = page.getByTestId('case-drawer');
    const open = async (orderNo: string) => {
      const row = page.getByTestId('cases-table').locator('tr.ant-table-row').filter({ hasText: orderNo });
      await row.getByTestId('open-case').click();
      await expect(drawer.getByTestId('case-summary')).toBeVisible();
    };

    await open(second.orderNo);
    await expect(drawer.getByTestId('case-guide')).toContainText('买家申请退货退款');
    await page.getByTestId('case-approve').click();
    await confirmPopconfirm(page, '确定');
    await expect(page.getByText('已同意退货，等待买家寄回', { exact: true })).toBeVisible();
    await expect(drawer.getByTestId('case-status')).toHaveText('待买家退货');
    const sent = await buyer.actor.post(`/api/me/aftersales/${shopId}/${returnId}/return`, {
      carrier: '中通快递',
      trackingNo: `ZTR${Date.now()}`,
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    await page.locator('.ant-drawer-close').click();
    await page.getByRole('tab', { name: '待确认收货' }).click();
    await open(second.orderNo);
    await expect(drawer.getByTestId('case-summary')).toContainText('中通快递');
    await page.getByTestId('case-receive').click();
    await confirmPopconfirm(page, '确定');
    await expect(page.getByText('已确认收货，退款处理中', { exact: true })).toBeVisible();
    await expect
      .poll(async () => (await buyer.actor.get(`/api/me/aftersales/${shopId}/${returnId}`)).body.status, {
        timeout: 30_000,
      })
      .toBe('refunded');
    await page.locator('.ant-drawer-close').click();

    await page.getByRole('tab', { name: '待处理' }).click();
    await open(first.orderNo);
    await page.getByTestId('case-reject').click();
    const dialog = await openDialog(page);
    await dialog.getByRole('button', { name: '拒绝' }).click();
    await expect(dialog.getByText('请填写拒绝原因')).toBeVisible();
    await dialog.getByLabel('拒绝原因').fill('商品已发出，请收货后申请退货退款');
    await dialog.getByRole('button', { name: '拒绝' }).click();
    await expect(page.getByText('已拒绝售后申请', { exact: true })).toBeVisible();
    await expect(drawer.getByTestId('case-status')).toHaveText('已拒绝');
    await expect(drawer.getByTestId('case-summary')).toContainText('商品已发出');
    const rejected = await buyer.actor.get(`/api/me/aftersales/${shopId}/${other.body.id}`);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '商品已发出，请收货后申请退货退款' });
    await page.locator('.ant-drawer-close').click();
    await expect(drawer).toBeHidden();
  });

  await test.step('the data dashboard counts today’s GMV', async () => {
    await openNav(page, '数据中心');
    await page.getByTestId('dash-range').getByText('今日').click();
    await expect(page).toHaveURL(/range=today/);
    const owner = await apiActor(baseURL!);
    expect((await owner.post('/api/auth/login', { identifier: TEA_OWNER, password: PASSWORD })).status).toBe(200);
    const today = (await owner.get(`/api/shops/${shopId}/dashboard?range=today`)).body;
    await owner.dispose();
    // Our three payments are in today's GMV (other runs may add more).
    expect(today.gmv).toBeGreaterThanOrEqual(first.total + second.total + third.total);
    await expect(page.getByTestId('kpi-gmv-value')).toHaveText(yuan(today.gmv));
    await expect(page.getByTestId('kpi-orders-value')).toHaveText(String(today.orders));
    await expect(page.getByTestId('top-products')).toContainText(title);
    await expect(page.getByTestId('trend-chart').locator('canvas')).toBeVisible();
    await shot(page, '36-seller-dashboard-zh');
  });

  await test.step('the same screens in English', async () => {
    await page.getByTestId('language-switch').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect(page.getByTestId('side-nav')).toContainText('Data center');
    await page.getByTestId('dash-range').getByText('Last 7 days').click();
    await expect(page.getByTestId('kpi-gmv')).toContainText('GMV');
    await shot(page, '37-seller-dashboard-en');
    await openNav(page, 'Orders');
    await expect(page.getByRole('tab', { name: 'To ship' })).toBeVisible();
    await expect(page.getByTestId('orders-table')).toContainText('Shipped');
    await shot(page, '38-seller-orders-en');
    await openNav(page, 'Products');
    await page.getByTestId('products-table').getByTestId('product-title').filter({ hasText: title }).click();
    await expect(page.getByText('Specs & stock')).toBeVisible();
    await expect(page.getByLabel('Price of 礼盒 / 250g', { exact: true })).toHaveValue('128.00');
    await viewShot(page, '39-seller-product-editor-en', page.getByTestId('sku-table'));
    await openNav(page, 'After-sales');
    await page.getByRole('tab', { name: 'Refunded' }).click();
    await expect(
      page.getByTestId('cases-table').locator('tr.ant-table-row').filter({ hasText: third.orderNo }),
    ).toContainText('Refunded');
    await shot(page, '40-seller-aftersales-en');
  });
  await buyer.actor.dispose();
});
