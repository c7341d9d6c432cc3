import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, crc32 } from 'node:zlib';
import type { Page } from '@playwright/test';
import {
  activeShop,
  apiActor,
  expect,
  PASSWORD,
  test,
  uniqueEmail,
  uniqueSuffix,
  useLocale,
} from '../support/fixtures';

/**
 * The shopper's storefront on a phone, end to end against the real server: search, product detail
 * with its SKU picker, sign-in on the way, address, checkout, TestPay, the order paid; the merchant
 * ships (API); receipt; a refund request; the merchant approves (API); the refund arrives.
 */

const TEA_OWNER = 'tea.owner@qiandian.dev';
const TEA_SHOP = '山野茶舍';

// ---------------------------------------------------------------- pictures, painted here

type Rgb = [number, number, number];
function png(size: number, pixel: (x: number, y: number) => Rgb, height = size): Buffer {
  const row = size * 3 + 1;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < size; x++) {
      const [r, g, b] = pixel(x / size, y / height);
      raw.set([r, g, b], y * row + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as Rgb;

/** A green tea tin on a warm paper background. */
const tinPicture = () =>
  png(480, (x, y) => {
    const bg = mix([250, 243, 228], [236, 222, 196], y);
    const inTin = Math.abs(x - 0.5) < 0.22 && y > 0.2 && y < 0.86;
    const lid = Math.abs(x - 0.5) < 0.235 && y > 0.16 && y < 0.26;
    const band = inTin && y > 0.44 && y < 0.6;
    const leaf = (x - 0.5) ** 2 / 0.01 + (y - 0.52) ** 2 / 0.002 < 1;
    if (lid) return [38, 72, 48];
    if (leaf && band) return [120, 170, 90];
    if (band) return [246, 236, 210];
    if (inTin) return mix([58, 110, 70], [34, 80, 50], x);
    const shadow = Math.abs(x - 0.5) < 0.26 && y > 0.86 && y < 0.9;
    return shadow ? mix(bg, [0, 0, 0], 0.12) : bg;
  });
/** A red gift box with a gold ribbon. */
const boxPicture = () =>
  png(480, (x, y) => {
    const bg = mix([255, 246, 240], [255, 228, 214], y);
    const box = Math.abs(x - 0.5) < 0.32 && y > 0.3 && y < 0.84;
    const lid = Math.abs(x - 0.5) < 0.35 && y > 0.24 && y < 0.36;
    const ribbon = (box || lid) && (Math.abs(x - 0.5) < 0.04 || Math.abs(y - 0.58) < 0.035);
    if (ribbon) return [236, 190, 84];
    if (lid) return [200, 30, 40];
    if (box) return mix([220, 42, 48], [176, 22, 32], y);
    return bg;
  });
/** Tea leaves in a white cup. */
const cupPicture = () =>
  png(480, (x, y) => {
    const bg = mix([232, 244, 226], [205, 228, 196], Math.hypot(x - 0.5, y - 0.5));
    const cup = (x - 0.5) ** 2 / 0.09 + (y - 0.5) ** 2 / 0.05 < 1 && y > 0.42;
    const tea = (x - 0.5) ** 2 / 0.08 + (y - 0.47) ** 2 / 0.008 < 1;
    if (tea) return mix([176, 180, 70], [120, 140, 40], x);
    if (cup) return mix([255, 255, 255], [220, 220, 220], y);
    return bg;
  });

/** A wide banner: a tea field at dawn. */
const bannerPicture = () =>
  png(
    960,
    (x, yy) => {
      const sun = Math.hypot(x - 0.75, yy - 0.35) < 0.08;
      const hill = yy > 0.55 + 0.12 * Math.sin(x * 7);
      const rows = hill && Math.sin((yy - 0.55) * 60 + x * 8) > 0.4;
      if (sun) return [255, 214, 120];
      if (rows) return [58, 120, 60];
      if (hill) return [92, 160, 84];
      return mix([255, 178, 120], [255, 236, 205], yy);
    },
    480,
  );

// ---------------------------------------------------------------- the merchant, through the API

/** A shop's owner, signed in through the API, with an uploader for the shop's media. */
async function shopOwner(baseURL: string, identifier: string, shopName: string) {
  const owner = await apiActor(baseURL);
  const login = await owner.post('/api/auth/login', { identifier, password: PASSWORD });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  const shops = await owner.get('/api/me/shops');
  const shopId: string = shops.body.items.find((i: { shop: { name: string } }) => i.shop.name === shopName).shop.id;
  const { token } = (await (await owner.ctx.get('/api/auth/csrf')).json()) as { token: string };
  const upload = async (name: string, buffer: Buffer) => {
    const res = await owner.ctx.post(`/api/shops/${shopId}/media`, {
      multipart: { file: { name, mimeType: 'image/png', buffer } },
      headers: { 'x-csrf-token': token },
    });
    expect(res.status(), await res.text()).toBe(201);
    return ((await res.json()) as { url: string }).url;
  };
  const put = async (url: string, data: unknown) => {
    const res = await owner.ctx.put(url, { data, headers: { 'x-csrf-token': token } });
    return { status: res.status(), body: (await res.json().catch(() => null)) as any };
  };
  return { owner, shopId, upload, put };
}

/**
 * A tea with two axes (packing × grade), one combination sold out; its title carries `code` so a
 * search finds exactly this one.
 */
async function createTea(
  baseURL: string,
  shop: { owner: string; name: string } = { owner: TEA_OWNER, name: TEA_SHOP },
) {
  const { owner, shopId, upload, put } = await shopOwner(baseURL, shop.owner, shop.name);
  const code = `qd${uniqueSuffix()}`.toLowerCase();
  const [tin, box, cup] = [
    await upload('tin.png', tinPicture()),
    await upload('box.png', boxPicture()),
    await upload('cup.png', cupPicture()),
  ];
  const categories = await owner.get(`/api/shops/${shopId}/categories`);
  let categoryId: string | undefined = categories.body.items.find((c: { name: string }) => c.name === '明前新茶')?.id;
  if (!categoryId) {
    const made = await owner.post(`/api/shops/${shopId}/categories`, { name: '明前新茶' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    categoryId = made.body.id;
  }
  const title = `西湖龙井 明前特级 ${code}`;
  const created = await owner.post(`/api/shops/${shopId}/products`, {
    title,
    subtitle: '核心产区 手工炒制 豆香浓郁',
    platformCategoryId: 'tea.green',
    shopCategoryId: categoryId,
    status: 'on_shelf',
    specAxes: [
      { name: '包装', values: ['罐装 100g', '礼盒 250g'] },
      { name: '等级', values: ['特级', '一级'] },
    ],
    skus: [
      { spec: { 包装: '罐装 100g', 等级: '特级' }, price: 12800, stock: 50, imageUrl: tin },
      { spec: { 包装: '罐装 100g', 等级: '一级' }, price: 8800, stock: 50, imageUrl: tin },
      { spec: { 包装: '礼盒 250g', 等级: '特级' }, price: 32800, originalPrice: 39800, stock: 5, imageUrl: box },
      { spec: { 包装: '礼盒 250g', 等级: '一级' }, price: 19800, stock: 0, imageUrl: box },
    ],
    images: [tin, box, cup],
    detailBlocks: [
      {
        type: 'text',
        text: '产自西湖龙井核心产区，清明前采摘一芽一叶，师傅手工炒制。\n冲泡：80°C 水，3 克茶叶，先注水后投茶。',
      },
      { type: 'image', url: cup },
    ],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { owner, shopId, upload, put, code, title, productId: created.body.id as string };
}

async function newShopper(baseURL: string) {
  const shopper = await apiActor(baseURL);
  const email = uniqueEmail('m.shopper');
  const reg = await shopper.post('/api/auth/register', {
    kind: 'shopper',
    email,
    password: PASSWORD,
    displayName: '茶友小林',
  });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  return { shopper, email };
}

/** Confirms the antd-mobile dialog that is open, once its animation is over. */
async function confirmDialog(page: Page, button: string) {
  const confirm = page.locator('.adm-dialog').getByRole('button', { name: button, exact: true });
  await expect(confirm).toBeVisible();
  await page.waitForTimeout(300);
  await confirm.click();
}

async function switchTo(page: Page, locale: 'zh-CN' | 'en-US') {
  await page.evaluate((l) => localStorage.setItem('qd.locale', l), locale);
  await page.reload();
}

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../screenshots');

/**
 * The phone's screen as the shopper sees it (fixed bars where they are), once toasts and
 * animations are gone; `scroll` first scrolls that element into view.
 */
async function snap(page: Page, name: string, scroll?: string) {
  fs.mkdirSync(screenshots, { recursive: true });
  await expect(page.locator('.adm-toast-mask')).toHaveCount(0, { timeout: 5_000 });
  if (scroll) await page.getByTestId(scroll).evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

// ---------------------------------------------------------------- the story

test('a shopper finds a tea by search, buys it on TestPay, confirms receipt and gets a refund', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(240_000);
  await useLocale(page, 'zh-CN');
  const tea = await createTea(baseURL!);
  const { shopper, email } = await newShopper(baseURL!);

  await test.step('home shows the search bar, categories and the product feed', async () => {
    await page.goto('/m/');
    await expect(page.getByTestId('m-greeting')).toHaveText('欢迎来到千店');
    await expect(page.getByTestId('product-card').first()).toBeVisible();
    await expect(page.locator('.qd-cat-tile').filter({ hasText: '茶' }).first()).toBeVisible();
    await snap(page, 'm-01-home-zh');
    await page.locator('.adm-tab-bar-item').filter({ hasText: '分类' }).click();
    await expect(page).toHaveURL(/\/m\/categories$/);
    await page.locator('.adm-side-bar-item').filter({ hasText: /^茶$/ }).click();
    await expect(page.locator('.qd-cats-grid')).toContainText('绿茶');
    await snap(page, 'm-01b-categories-zh');
    await page.locator('.qd-cats-grid .qd-cat-tile').filter({ hasText: '绿茶' }).click();
    await expect(page).toHaveURL(/\/m\/search\?cat=tea\.green$/);
    await expect(page.getByTestId('product-card').first()).toBeVisible();
    await page.goto('/m/');
  });

  await test.step('searches for the tea and opens it', async () => {
    await page.getByTestId('home-search').click();
    await expect(page).toHaveURL(/\/m\/search$/);
    await page.getByTestId('search-input').locator('input').fill(`龙井 ${tea.code}`);
    await page.getByTestId('search-submit').click();
    const cards = page.getByTestId('product-card');
    await expect(cards).toHaveCount(1);
    await expect(cards.first()).toContainText(tea.title);
    await expect(cards.first()).toContainText('¥88.00');
    await expect(cards.first()).toContainText(TEA_SHOP);
    // Grids load the 480-wide variant of an uploaded picture, and it is there.
    const img = cards.first().locator('img');
    await expect(img).toHaveAttribute('src', /^\/media\/.+_480\.webp$/);
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(480);
    await snap(page, 'm-02-search-zh');
    // A price range the tea does not reach finds nothing; resetting brings it back.
    await page.getByTestId('open-filter').click();
    await page.getByTestId('filter-max').locator('input').fill('50');
    await snap(page, 'm-02b-filter-zh');
    await page.getByTestId('filter-apply').click();
    await expect(page).toHaveURL(/max=50/);
    await expect(page.getByTestId('m-empty')).toContainText('没有找到相关宝贝');
    await page.locator('.qd-filter-summary').getByText('重置').click();
    await expect(cards).toHaveCount(1);
    await page.getByTestId('sort-price').click();
    await expect(page).toHaveURL(/sort=price_asc/);
    await expect(cards).toHaveCount(1);
    await cards.first().click();
    await expect(page).toHaveURL(new RegExp(`/m/shops/${tea.shopId}/products/${tea.productId}$`));
    await expect(page.getByTestId('pd-title')).toHaveText(tea.title);
    await expect(page.getByTestId('pd-price')).toContainText('88.00');
    await expect(page.getByTestId('pd-price')).toContainText('328.00');
    await expect(page.getByTestId('pd-detail')).toContainText('清明前采摘一芽一叶');
    await snap(page, 'm-03-product-zh');
    await snap(page, 'm-03b-product-detail-zh', 'pd-shop');
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  await test.step('a guest who taps Buy now signs in and comes back to the product', async () => {
    await page.getByTestId('pd-buy').click();
    await expect(page).toHaveURL(/\/m\/login\?next=/);
    await page.getByTestId('login-identifier').locator('input').fill(email);
    await page.getByTestId('login-password').locator('input').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(new RegExp(`/m/shops/${tea.shopId}/products/${tea.productId}$`));
  });

  await test.step('the SKU picker disables the sold-out combination and limits quantity by stock', async () => {
    await page.getByTestId('pd-buy').click();
    const picker = page.getByTestId('sku-picker');
    await expect(picker).toBeVisible();
    const value = (text: string) => picker.getByTestId('sku-value').filter({ hasText: text });
    await value('礼盒 250g').click();
    await expect(value('一级')).toHaveAttribute('aria-disabled', 'true');
    await expect(value('特级')).toHaveAttribute('aria-disabled', 'false');
    await value('特级').click();
    await expect(picker.getByTestId('sku-price')).toHaveText('¥328.00');
    await expect(picker.getByTestId('sku-stock')).toHaveText('库存 5 件');
    const plus = picker.locator('.adm-stepper-plus');
    for (let i = 0; i < 4; i++) await plus.click();
    await expect(picker.getByTestId('sku-quantity').locator('input')).toHaveValue('5');
    await expect(plus).toBeDisabled();
    for (let i = 0; i < 4; i++) await picker.locator('.adm-stepper-minus').click();
    await expect(picker.getByTestId('sku-quantity').locator('input')).toHaveValue('1');
    await snap(page, 'm-04-sku-picker-zh');
    await picker.getByTestId('sku-confirm').click();
    await expect(page).toHaveURL(/\/m\/checkout\?/);
  });

  await test.step('adds a shipping address on the way and sees the checkout totals', async () => {
    await expect(page.getByTestId('checkout-address')).toContainText('添加收货地址');
    await page.getByTestId('checkout-address').click();
    await expect(page).toHaveURL(/\/m\/addresses\/new\?next=/);
    const bad = {
      name: '林小茶',
      phone: '12345',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '龙井路 18 号',
    };
    const expected = await shopper.post('/api/me/addresses', bad);
    expect(expected.status).toBe(400);
    const phoneMessage = (expected.body.errors as { field: string; message: string }[]).find(
      (e) => e.field === 'body.phone',
    )!.message;
    await page.getByTestId('address-name').locator('input').fill(bad.name);
    await page.getByTestId('address-phone').locator('input').fill(bad.phone);
    await page.getByTestId('address-province').locator('input').fill('浙江省');
    await page.getByTestId('address-city').locator('input').fill('杭州市');
    await page.getByTestId('address-district').locator('input').fill('西湖区');
    await page.getByTestId('address-detail').locator('textarea:not([readonly])').fill('龙井路 18 号');
    await page.getByTestId('address-save').click();
    // The API's detail and its message for the phone field, as it said them.
    await expect(page.getByRole('alert')).toContainText(expected.body.detail);
    const phoneItem = page.locator('.adm-form-item').filter({ has: page.getByTestId('address-phone') });
    await expect(phoneItem.locator('.adm-form-item-feedback-error')).toHaveText(phoneMessage);
    await expect(page).toHaveURL(/\/m\/addresses\/new/);
    await snap(page, 'm-05a-address-error-zh');
    await page.getByTestId('address-phone').locator('input').fill('13812345678');
    await page.getByTestId('address-save').click();
    await expect(page).toHaveURL(/\/m\/checkout\?/);
    await expect(page.getByTestId('checkout-address')).toContainText('林小茶');
    await expect(page.getByTestId('checkout-address')).toContainText('浙江省 杭州市 西湖区 龙井路 18 号');
    const shop = page.getByTestId('checkout-shop');
    await expect(shop).toContainText(TEA_SHOP);
    await expect(shop).toContainText(tea.title);
    await expect(shop).toContainText('礼盒 250g / 特级');
    await page.getByTestId('checkout-note').locator('input').fill('请在周末送达');
    await expect(page.getByTestId('checkout-total')).toContainText('328.00');
    await snap(page, 'm-05-checkout-zh');
  });

  let orderId = '';
  await test.step('places the order, pays on TestPay and sees it paid', async () => {
    await page.getByTestId('checkout-submit').click();
    await expect(page).toHaveURL(/\/testpay\/pay\//);
    await expect(page.locator('.amount')).toContainText('328.00');
    await snap(page, 'm-06-testpay-zh');
    await page.locator('#testpay-confirm').click();
    await expect(page).toHaveURL(/\/m\/orders\?paid=1$/);
    const card = page.getByTestId('order-card').first();
    await expect(card).toContainText(tea.title);
    await expect(page.getByTestId('payment-confirmed')).toBeVisible({ timeout: 30_000 });
    await expect(card.getByTestId('order-status')).toHaveText('待发货');
    orderId = (await card.getAttribute('data-order-id'))!;
    await snap(page, 'm-07-orders-paid-zh');
  });

  await test.step('the merchant ships; the shopper confirms receipt', async () => {
    const shipped = await tea.owner.post(`/api/shops/${tea.shopId}/orders/${orderId}/ship`, {
      carrier: '顺丰速运',
      trackingNo: 'SF1234567890',
    });
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    await page.getByTestId('order-card').first().locator('.qd-line').first().click();
    await expect(page).toHaveURL(new RegExp(`/m/orders/${tea.shopId}/${orderId}$`));
    await expect(page.getByTestId('order-detail-status')).toHaveText('待收货');
    await expect(page.locator('.qd-status-sub')).toContainText('顺丰速运 SF1234567890');
    await expect(page.getByTestId('order-timeline')).toContainText('商家已发货');
    await expect(page.getByTestId('order-timeline')).toContainText('付款成功');
    await snap(page, 'm-08-order-shipped-zh');
    await snap(page, 'm-08b-order-timeline-zh', 'order-timeline');
    await page.getByTestId('order-confirm-receipt').click();
    await confirmDialog(page, '确认收货');
    await expect(page.getByTestId('order-detail-status')).toHaveText('已收货');
    await expect(page.getByTestId('order-timeline')).toContainText('已确认收货');
  });

  let caseId = '';
  await test.step('asks for a refund on the line', async () => {
    await page.getByTestId('order-aftersales').click();
    await expect(page).toHaveURL(new RegExp(`/m/orders/${tea.shopId}/${orderId}/aftersales$`));
    await expect(page.getByTestId('aftersale-line')).toHaveCount(1);
    await expect(page.getByTestId('aftersale-total')).toContainText('328.00');
    await page.getByTestId('aftersale-reason').getByText('质量问题').click();
    await page.locator('textarea:not([readonly])').fill('茶叶有受潮结块');
    await page.evaluate(() => window.scrollTo(0, 0));
    await snap(page, 'm-09-aftersale-request-zh');
    await snap(page, 'm-09b-aftersale-reason-zh', 'aftersale-reason');
    await page.getByTestId('aftersale-submit').click();
    await expect(page).toHaveURL(new RegExp(`/m/aftersales/${tea.shopId}/[^/]+$`));
    await expect(page.getByTestId('case-status')).toHaveText('待商家处理');
    await expect(page.getByTestId('case-amount')).toContainText('328.00');
    caseId = page.url().split('/').pop()!;
    await snap(page, 'm-10-aftersale-requested-zh');
  });

  await test.step('the merchant approves; the shopper sees the refund arrive', async () => {
    const approved = await tea.owner.post(`/api/shops/${tea.shopId}/aftersales/${caseId}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await expect(page.getByTestId('case-status')).toHaveText('退款成功', { timeout: 30_000 });
    await expect(page.locator('.qd-status-sub')).toContainText('¥328.00 已原路退回');
    await snap(page, 'm-11-aftersale-refunded-zh');
    await page.getByText('查看订单').click();
    await expect(page.getByTestId('order-refunded')).toHaveText('¥328.00');
    await expect(page.getByTestId('order-case')).toContainText('退款成功');
    await snap(page, 'm-12-order-refunded-zh');
  });

  await test.step('Me shows orders by status and the saved address', async () => {
    await page.goto('/m/me');
    await expect(page.getByTestId('me-orders')).toContainText('待发货');
    await snap(page, 'm-12b-me-zh');
    await page.getByTestId('me-addresses').click();
    await expect(page.getByTestId('address-row')).toHaveCount(1);
    await expect(page.getByTestId('address-row')).toContainText('林小茶');
    await snap(page, 'm-12c-addresses-zh');
    await page.goto(`/m/orders/${tea.shopId}/${orderId}`);
  });

  await test.step('the same screens in English', async () => {
    await switchTo(page, 'en-US');
    await expect(page.getByTestId('order-case')).toContainText('Refunded');
    await expect(page.getByTestId('order-timeline')).toContainText('Receipt confirmed');
    await snap(page, 'm-13-order-refunded-en');
    await page.goto(`/m/aftersales/${tea.shopId}/${caseId}`);
    await expect(page.getByTestId('case-status')).toHaveText('Refunded');
    await snap(page, 'm-14-aftersale-refunded-en');
    await page.goto('/m/orders');
    await expect(page.getByTestId('order-card').first()).toContainText(/Refunded\s*¥328\.00/);
    await snap(page, 'm-15-orders-en');
  });
  await shopper.dispose();
  await tea.owner.dispose();
});

test('in English: a shop home, follow, a cart with two SKUs, checkout from the cart and pay', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(180_000);
  await useLocale(page, 'en-US');
  // A shop of its own, decorated with banners and a notice.
  const shop = await activeShop(baseURL!, 'm-tea');
  const tea = await createTea(baseURL!, { owner: shop.ownerEmail, name: shop.name });
  const banner = await tea.upload('banner.png', bannerPicture());
  const decorated = await tea.put(`/api/shops/${tea.shopId}/decoration`, {
    banners: [
      { imageUrl: banner, title: 'Spring harvest 明前新茶', link: `/m/shops/${tea.shopId}/products/${tea.productId}` },
      { imageUrl: banner, title: null, link: null },
    ],
    notice: 'Orders before 4 pm ship the same day · 下午 4 点前下单当天发货',
  });
  expect(decorated.status, JSON.stringify(decorated.body)).toBe(200);
  const { shopper, email } = await newShopper(baseURL!);
  const addr = await shopper.post('/api/me/addresses', {
    name: 'Lin',
    phone: '13900001111',
    province: '上海市',
    city: '上海市',
    district: '徐汇区',
    detail: '漕溪北路 88 号',
  });
  expect(addr.status, JSON.stringify(addr.body)).toBe(201);
  await shopper.dispose();

  await test.step('signs in', async () => {
    await page.goto(`/m/login?next=${encodeURIComponent(`/shops/${tea.shopId}`)}`);
    await page.getByTestId('login-identifier').locator('input').fill(email);
    await page.getByTestId('login-password').locator('input').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(new RegExp(`/m/shops/${tea.shopId}$`));
  });

  await test.step('the shop home shows its banners, notice and products; following counts', async () => {
    await expect(page.getByTestId('shop-name')).toHaveText(shop.name);
    await expect(page.getByTestId('shop-notice')).toContainText('Orders before 4 pm');
    await expect(page.getByTestId('shop-banners')).toContainText('Spring harvest');
    await expect(page.getByTestId('product-grid')).toBeVisible();
    await expect(page.getByTestId('shop-followers')).toHaveText('Followers 0');
    await page.getByTestId('shop-follow').click();
    await expect(page.getByTestId('shop-follow')).toHaveText('Following');
    await expect(page.getByTestId('shop-followers')).toHaveText('Followers 1');
    await snap(page, 'm-16-shop-en');
    await page.locator('.adm-tabs-tab').filter({ hasText: '明前新茶' }).click();
    await expect(page.getByTestId('product-card').filter({ hasText: tea.code })).toBeVisible();
    await page.getByTestId('product-card').filter({ hasText: tea.code }).click();
    await expect(page.getByTestId('pd-title')).toHaveText(tea.title);
    await snap(page, 'm-17-product-en');
  });

  await test.step('adds two SKUs to the cart', async () => {
    const picker = page.getByTestId('sku-picker');
    const value = (text: string) => picker.getByTestId('sku-value').filter({ hasText: text });
    await page.getByTestId('pd-add-cart').click();
    await value('罐装 100g').click();
    await value('特级').click();
    await picker.locator('.adm-stepper-plus').click();
    await expect(picker.getByTestId('sku-price')).toHaveText('¥128.00');
    await snap(page, 'm-18-sku-picker-en');
    await picker.getByTestId('sku-confirm').click();
    await expect(page.locator('.adm-toast-main')).toContainText('Added to cart');
    await expect(picker).toBeHidden();
    await page.getByTestId('pd-add-cart').click();
    await value('一级').click();
    await expect(picker.getByTestId('sku-price')).toHaveText('¥88.00');
    await picker.getByTestId('sku-confirm').click();
    await expect(page.getByTestId('pd-cart').locator('.adm-badge')).toHaveText('3');
  });

  await test.step('the cart groups by shop, edits quantity, totals what is chosen', async () => {
    await page.getByTestId('pd-cart').click();
    await expect(page).toHaveURL(/\/m\/cart$/);
    const lines = page.getByTestId('cart-line').filter({ hasText: tea.code });
    await expect(lines).toHaveCount(2);
    await page.getByTestId('cart-bar').getByText('All').click();
    await expect(page.getByTestId('cart-total')).toHaveText('¥344.00');
    const first = lines.filter({ hasText: '一级' });
    await first.locator('.adm-stepper-plus').click();
    await expect(first.getByRole('spinbutton')).toHaveValue('2');
    await expect(page.getByTestId('cart-total')).toHaveText('¥432.00');
    await snap(page, 'm-19-cart-en');
    await page.getByTestId('cart-checkout').click();
    await expect(page).toHaveURL(/\/m\/checkout\?.*cart=1/);
  });

  await test.step('checks out from the cart, leaves TestPay without paying, then pays from the order', async () => {
    await expect(page.getByTestId('checkout-address')).toContainText('Lin');
    await expect(page.getByTestId('checkout-total')).toContainText('432.00');
    await snap(page, 'm-20-checkout-en');
    await page.getByTestId('checkout-submit').click();
    await expect(page).toHaveURL(/\/testpay\/pay\//);
    // TestPay's "back to the shop" link: the order stays unpaid.
    await page.locator('a[href*="/m/orders"]').click();
    await expect(page).toHaveURL(/\/m\/orders\?paid=1$/);
    const card = page.getByTestId('order-card').first();
    await expect(card.getByTestId('order-status')).toHaveText('Awaiting payment');
    await card.locator('.qd-line').first().click();
    await expect(page.getByTestId('order-detail-status')).toHaveText('Awaiting payment');
    await expect(page.locator('.qd-status-sub')).toContainText(/Pay within \d\d:\d\d/);
    await snap(page, 'm-20b-order-unpaid-en');
    await page.getByTestId('order-pay').click();
    await expect(page).toHaveURL(/\/testpay\/pay\//);
    await expect(page.locator('.amount')).toContainText('432.00');
    await page.locator('#testpay-confirm').click();
    await expect(page).toHaveURL(/\/m\/orders\?paid=1$/);
    await expect(page.getByTestId('payment-confirmed')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('order-card').first().getByTestId('order-status')).toHaveText('To ship');
    await snap(page, 'm-21-orders-paid-en');
  });

  await test.step('the cart no longer holds what was bought', async () => {
    await page.goto('/m/cart');
    await expect(page.getByTestId('cart-line').filter({ hasText: tea.code })).toHaveCount(0);
  });
  await tea.owner.dispose();
});

test('a return and refund on part of an order: the shopper sends the goods back with a tracking number', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(180_000);
  await useLocale(page, 'zh-CN');
  const tea = await createTea(baseURL!);
  const { shopper, email } = await newShopper(baseURL!);
  const product = await shopper.get(`/api/storefront/shops/${tea.shopId}/products/${tea.productId}`);
  const sku = product.body.skus.find(
    (s: { spec: Record<string, string> }) => s.spec['等级'] === '一级' && s.spec['包装'] === '罐装 100g',
  );
  const addr = await shopper.post('/api/me/addresses', {
    name: '周一',
    phone: '13700002222',
    province: '福建省',
    city: '厦门市',
    district: '思明区',
    detail: '鼓浪屿 1 号',
  });
  expect(addr.status).toBe(201);
  // Bought and paid outside the browser: two tins at ¥88.
  const placed = await shopper.post('/api/checkout', {
    lines: [{ shopId: tea.shopId, skuId: sku.id, quantity: 2 }],
    addressId: addr.body.id,
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const orderId: string = placed.body.orders[0].id;
  const paid = await shopper.ctx.post(`${placed.body.payUrl}/confirm`, { form: {}, maxRedirects: 0 });
  expect(paid.status()).toBe(303);
  await expect
    .poll(async () => (await shopper.get(`/api/me/orders/${tea.shopId}/${orderId}`)).body.status, { timeout: 20_000 })
    .toBe('paid');
  const shipped = await tea.owner.post(`/api/shops/${tea.shopId}/orders/${orderId}/ship`, {
    carrier: '中通快递',
    trackingNo: 'ZT7788990011',
  });
  expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);

  await test.step('signs in straight into the order and asks to return one of the two tins for ¥80', async () => {
    await page.goto(`/m/orders/${tea.shopId}/${orderId}`);
    await expect(page).toHaveURL(/\/m\/login\?next=/);
    await page.getByTestId('login-identifier').locator('input').fill(email);
    await page.getByTestId('login-password').locator('input').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('order-detail-status')).toHaveText('待收货');
    await page.getByTestId('order-aftersales').click();
    await page.getByTestId('aftersale-type').getByText('退货退款').click();
    await page.getByTestId('aftersale-quantity').locator('.adm-stepper-minus').click();
    await expect(page.getByTestId('aftersale-total')).toHaveText('¥88.00');
    // More than the line allows: the API's message shows under the line.
    await page.getByTestId('aftersale-amount').locator('input').fill('500');
    await page.getByTestId('aftersale-reason').getByText('与描述不符').click();
    await page.getByTestId('aftersale-submit').click();
    await expect(page.getByTestId('aftersale-line').locator('.qd-field-error')).toHaveText('超出可退金额');
    await snap(page, 'm-22-aftersale-too-much-zh');
    await page.getByTestId('aftersale-amount').locator('input').fill('80');
    await expect(page.getByTestId('aftersale-total')).toHaveText('¥80.00');
    await page.getByTestId('aftersale-submit').click();
    await expect(page.getByTestId('case-status')).toHaveText('待商家处理');
    await expect(page.getByTestId('case-amount')).toHaveText('¥80.00');
  });

  const caseId = page.url().split('/').pop()!;
  await test.step('the merchant agrees; the shopper enters the return shipment', async () => {
    const approved = await tea.owner.post(`/api/shops/${tea.shopId}/aftersales/${caseId}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await expect(page.getByTestId('case-status')).toHaveText('待寄回商品', { timeout: 20_000 });
    await page.getByTestId('return-carrier').locator('input').fill('顺丰速运');
    await page.getByTestId('return-tracking').locator('input').fill('SF#1');
    await page.getByTestId('return-submit').click();
    const trackingItem = page.locator('.adm-form-item').filter({ has: page.getByTestId('return-tracking') });
    await expect(trackingItem.locator('.adm-form-item-feedback-error')).not.toHaveCount(0);
    await snap(page, 'm-23-return-form-zh');
    await page.getByTestId('return-tracking').locator('input').fill('SF5566778899');
    await page.getByTestId('return-submit').click();
    await expect(page.getByTestId('case-status')).toHaveText('待商家收货');
    await expect(page.getByTestId('m-aftersale')).toContainText('顺丰速运 SF5566778899');
  });

  await test.step('the merchant receives the goods; the refund arrives', async () => {
    const received = await tea.owner.post(`/api/shops/${tea.shopId}/aftersales/${caseId}/receive`);
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    await expect(page.getByTestId('case-status')).toHaveText('退款成功', { timeout: 30_000 });
    await snap(page, 'm-24-return-refunded-zh');
    await page.goto('/m/aftersales');
    await expect(page.getByTestId('case-card').first()).toContainText('退货退款');
    await expect(page.getByTestId('case-card').first()).toContainText('退款成功');
    await page.goto(`/m/orders/${tea.shopId}/${orderId}`);
    await expect(page.getByTestId('order-refunded')).toHaveText('¥80.00');
    await expect(page.getByTestId('order-detail-status')).toHaveText('待收货');
  });
  await shopper.dispose();
  await tea.owner.dispose();
});
