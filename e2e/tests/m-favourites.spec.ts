import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { activeShop, apiActor, expect, PASSWORD, pngLogo, test, uniqueEmail, useLocale } from '../support/fixtures';

/**
 * 收藏 on a phone: a guest taps the heart on a product page and is sent to sign in; back on the
 * product the heart fills; My favourites (from Me) lists it, with a product since taken off shelf
 * marked as such; the shopper removes both and sees the empty state; the merchant's customer
 * center counts the favourite (the beacon) on the shopper's profile.
 */

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../screenshots');

/** The phone's screen once toasts and animations are gone. */
async function snap(page: Page, name: string) {
  fs.mkdirSync(screenshots, { recursive: true });
  await expect(page.locator('.adm-toast-mask')).toHaveCount(0, { timeout: 5_000 });
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

async function switchTo(page: Page, locale: 'zh-CN' | 'en-US') {
  await page.evaluate((l) => localStorage.setItem('qd.locale', l), locale);
  await page.reload();
}

test('a shopper favourites a product, finds it in My favourites, removes it; the shop sees the favourite', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(180_000);
  await useLocale(page, 'zh-CN');

  // ---- the shop and two products, through the API
  const shop = await activeShop(baseURL!, 'favourites');
  const owner = await apiActor(baseURL!);
  expect((await owner.post('/api/auth/login', { identifier: shop.ownerEmail, password: PASSWORD })).status).toBe(200);
  const { token } = (await (await owner.ctx.get('/api/auth/csrf')).json()) as { token: string };
  const uploaded = await owner.ctx.post(`/api/shops/${shop.shopId}/media`, {
    multipart: { file: { name: 'tea.png', mimeType: 'image/png', buffer: pngLogo(480) } },
    headers: { 'x-csrf-token': token },
  });
  expect(uploaded.status(), await uploaded.text()).toBe(201);
  const image = ((await uploaded.json()) as { url: string }).url;
  const product = async (title: string, price: number) => {
    const made = await owner.post(`/api/shops/${shop.shopId}/products`, {
      title,
      platformCategoryId: 'tea.black',
      status: 'on_shelf',
      images: [image],
      skus: [{ price, stock: 30 }],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body.id as string;
  };
  const teaTitle = '金骏眉 特级 罐装 100g';
  const tea = await product(teaTitle, 26800);
  const gift = await product('正山小种 礼盒 250g', 39800);

  const shopper = await apiActor(baseURL!);
  const email = uniqueEmail('m.fav');
  const reg = await shopper.post('/api/auth/register', {
    kind: 'shopper',
    email,
    password: PASSWORD,
    displayName: '收藏家',
  });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  const accountId: string = reg.body.account.id;
  const heart = page.getByTestId('pd-favourite');

  await test.step('a guest who taps the heart signs in first, then favourites the product', async () => {
    await page.goto(`/m/shops/${shop.shopId}/products/${tea}`);
    await expect(page.getByTestId('pd-title')).toHaveText(teaTitle);
    await expect(heart).toHaveText('收藏');
    await expect(heart).toHaveAttribute('aria-pressed', 'false');
    await heart.click();
    await expect(page).toHaveURL(/\/m\/login\?next=/);
    await page.getByTestId('login-identifier').locator('input').fill(email);
    await page.getByTestId('login-password').locator('input').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(new RegExp(`/m/shops/${shop.shopId}/products/${tea}$`));
    await expect(heart).toHaveAttribute('aria-pressed', 'false');
    await heart.click();
    await expect(page.locator('.adm-toast-main')).toHaveText('已加入收藏');
    await expect(heart).toHaveAttribute('aria-pressed', 'true');
    await expect(heart).toHaveText('已收藏');
    await snap(page, 'm-fav-01-product-zh');
    // It stays favourited when the page is opened again.
    await page.reload();
    await expect(heart).toHaveAttribute('aria-pressed', 'true');
  });

  await test.step('My favourites lists it, and a product since taken off shelf as unavailable', async () => {
    // A second favourite, through the browser's session; then the merchant takes it off shelf.
    const csrf = (await (await page.request.get('/api/auth/csrf')).json()) as { token: string };
    const put = await page.request.put(`/api/storefront/shops/${shop.shopId}/products/${gift}/favourite`, {
      headers: { 'x-csrf-token': csrf.token },
    });
    expect(put.status()).toBe(200);
    const off = await owner.post(`/api/shops/${shop.shopId}/products/status`, {
      productIds: [gift],
      status: 'off_shelf',
    });
    expect(off.body).toEqual({ updated: 1 });

    await page.goto('/m/me');
    await expect(page.getByTestId('me-favourites')).toHaveText('我的收藏');
    await snap(page, 'm-fav-00-me-zh');
    await page.getByTestId('me-favourites').click();
    await expect(page).toHaveURL(/\/m\/favourites$/);
    const rows = page.getByTestId('favourite-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('正山小种 礼盒 250g');
    await expect(rows.nth(0)).toContainText('已下架');
    await expect(rows.nth(1)).toContainText(teaTitle);
    await expect(rows.nth(1)).toContainText('¥268.00');
    await expect(rows.nth(1)).toContainText(shop.name);
    await snap(page, 'm-fav-02-list-zh');
    // The row opens the product.
    await rows.nth(1).getByTestId('favourite-title').click();
    await expect(page).toHaveURL(new RegExp(`/m/shops/${shop.shopId}/products/${tea}$`));
    await expect(heart).toHaveAttribute('aria-pressed', 'true');
  });

  await test.step('in English too', async () => {
    await switchTo(page, 'en-US');
    await expect(heart).toHaveText('Saved');
    await snap(page, 'm-fav-03-product-en');
    await page.goto('/m/favourites');
    await expect(page.getByTestId('favourite-row')).toHaveCount(2);
    await expect(page.getByTestId('favourite-row').nth(0)).toContainText('Unavailable');
    await expect(page.locator('.adm-nav-bar-title')).toHaveText('My favourites');
    await snap(page, 'm-fav-04-list-en');
  });

  await test.step('removes both and sees the empty state', async () => {
    const rows = page.getByTestId('favourite-row');
    await rows.nth(0).getByTestId('favourite-remove').click();
    await expect(rows).toHaveCount(1);
    await expect(rows.nth(0)).toContainText(teaTitle);
    await rows.nth(0).getByTestId('favourite-remove').click();
    await expect(rows).toHaveCount(0);
    await expect(page.getByTestId('m-empty')).toContainText('No favourites yet');
    await snap(page, 'm-fav-05-empty-en');
    await switchTo(page, 'zh-CN');
    await expect(page.getByTestId('m-empty')).toContainText('还没有收藏的宝贝');
    await snap(page, 'm-fav-06-empty-zh');
    // And the product page's heart is empty again.
    await page.goto(`/m/shops/${shop.shopId}/products/${tea}`);
    await expect(heart).toHaveAttribute('aria-pressed', 'false');
    const mine = await shopper.get('/api/me/favourites');
    expect(mine.body).toEqual({ items: [], nextCursor: null });
  });

  await test.step("the merchant's customer center counts the shopper's favourite", async () => {
    await expect
      .poll(
        async () => {
          const found = await owner.get(`/api/shops/${shop.shopId}/customers?q=${accountId}`);
          return found.body?.items?.[0]?.favourites ?? 0;
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThanOrEqual(1);
  });

  await owner.dispose();
  await shopper.dispose();
});
