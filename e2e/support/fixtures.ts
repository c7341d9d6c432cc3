import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import {
  test as base,
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type Browser,
  type Page,
} from '@playwright/test';

export { expect };

export const PASSWORD = 'Qiandian#2026';
export const OPERATOR = 'admin@qiandian.dev';

const screenshotDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../screenshots');

/** `test` with baseURL pointing at the server global-setup started. */
export const test = base.extend<{ shot: (page: Page, name: string) => Promise<void> }>({
  baseURL: async ({}, use) => {
    const url = process.env.QD_BASE_URL;
    if (!url) throw new Error('QD_BASE_URL is not set: global-setup did not start the server');
    await use(url);
  },
  shot: async ({}, use) => {
    fs.mkdirSync(screenshotDir, { recursive: true });
    await use(async (page, name) => {
      // Let antd's messages and animations settle so the picture shows the page, not a transition.
      await page.waitForTimeout(400);
      await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
    });
  },
});

const unique = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
export const uniqueEmail = (who: string) => `${who}.${unique()}@e2e.qiandian.dev`;
export const uniqueMobile = () => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
export const uniqueSuffix = () => unique().slice(-6);

/** A phone-sized browser page (its own context), signed in as `email` when given. */
export async function phonePage(browser: Browser, baseURL: string, email?: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  if (email) {
    const csrf = (await (await page.request.get('/api/auth/csrf')).json()) as { token: string };
    const login = await page.request.post('/api/auth/login', {
      data: { identifier: email, password: PASSWORD },
      headers: { 'x-csrf-token': csrf.token },
    });
    expect(login.status()).toBe(200);
  }
  return page;
}

/** A new shopper account, signed in through the API. */
export async function registerShopper(baseURL: string, label: string, displayName: string) {
  const actor = await apiActor(baseURL);
  const email = uniqueEmail(label);
  const reg = await actor.post('/api/auth/register', { kind: 'shopper', email, password: PASSWORD, displayName });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  return { actor, email };
}

/** Opens pages in a language: what the app keeps in localStorage before any script runs. */
export async function useLocale(page: Page, locale: 'zh-CN' | 'en-US') {
  await page.addInitScript((l) => {
    if (!sessionStorage.getItem('qd.e2e.locale-set')) {
      localStorage.setItem('qd.locale', l);
      sessionStorage.setItem('qd.e2e.locale-set', '1');
    }
  }, locale);
}

/** An API client with its own cookie jar and CSRF token: one person, outside the browser. */
export async function apiActor(baseURL: string, locale: 'zh-CN' | 'en-US' = 'zh-CN') {
  const ctx: APIRequestContext = await playwrightRequest.newContext({
    baseURL,
    extraHTTPHeaders: { 'accept-language': locale },
  });
  const csrf = await ctx.get('/api/auth/csrf');
  expect(csrf.ok()).toBeTruthy();
  const { token } = (await csrf.json()) as { token: string };
  const send = async (method: 'post' | 'patch' | 'delete', url: string, data?: unknown) => {
    const res = await ctx[method](url, { data, headers: { 'x-csrf-token': token } });
    const body = res.status() === 204 ? null : await res.json().catch(() => null);
    return { status: res.status(), body: body as any };
  };
  return {
    ctx,
    get: async (url: string) => {
      const res = await ctx.get(url);
      return { status: res.status(), body: (await res.json().catch(() => null)) as any };
    },
    post: (url: string, data?: unknown) => send('post', url, data),
    patch: (url: string, data?: unknown) => send('patch', url, data),
    delete: (url: string) => send('delete', url),
    dispose: () => ctx.dispose(),
  };
}

/** A merchant who owns an approved (active) shop, made through the API. */
export async function activeShop(baseURL: string, label: string) {
  const owner = await apiActor(baseURL);
  const email = uniqueEmail(`${label}.owner`);
  const reg = await owner.post('/api/auth/register', {
    kind: 'merchant',
    email,
    password: PASSWORD,
    displayName: `店主${uniqueSuffix()}`,
  });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  const categories = await owner.get('/api/shop-categories');
  const name = `E2E ${label} ${uniqueSuffix()}`;
  const applied = await owner.post('/api/shop-applications', {
    name,
    mainCategory: categories.body.items[0].code,
    contactName: '测试联系人',
    contactPhone: '13800001234',
    licenceNo: `91330100${randomBytes(5).toString('hex').toUpperCase()}`, // 18 characters
    logo: pngDataUrl(),
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  const shopId: string = applied.body.shop.id;
  const operator = await apiActor(baseURL);
  const login = await operator.post('/api/auth/login', { identifier: OPERATOR, password: PASSWORD });
  expect(login.status).toBe(200);
  const approved = await operator.post(`/api/admin/shop-applications/${shopId}/approve`);
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  await operator.dispose();
  await owner.dispose();
  return { shopId, name, ownerEmail: email };
}

/**
 * The open antd dialog, once its opening animation has finished: antd zooms a modal in from the
 * pointer, and a click during the zoom lands somewhere else.
 */
export async function openDialog(page: Page) {
  const dialog = page.locator('.ant-modal-wrap:visible').getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(page.locator('.ant-modal[class*="-appear"], .ant-modal[class*="-enter"]')).toHaveCount(0);
  return dialog;
}

/** Confirms the open antd Popconfirm, once its opening animation has finished. */
export async function confirmPopconfirm(page: Page, okText: string) {
  const pop = page.locator('.ant-popconfirm:visible');
  await expect(pop).toBeVisible();
  await expect(page.locator('.ant-popover[class*="-appear"], .ant-popover[class*="-enter"]')).toHaveCount(0);
  await pop.getByRole('button', { name: okText }).click();
}

/** Picks an option in the antd Select dropdown that is open now (closed ones stay in the DOM). */
export async function pickOption(page: Page, text: string) {
  // A dropdown that is still animating closed (class `…-leave`) may show the same option.
  await page
    .locator('.ant-select-dropdown:visible:not([class*="-leave"]) .ant-select-item-option')
    .filter({ hasText: text })
    .click();
}

/** Signs in through the workbench's sign-in page. */
export async function signInSeller(page: Page, identifier: string, password = PASSWORD) {
  await page.goto('/seller/login');
  await page.getByTestId('login-identifier').fill(identifier);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page).not.toHaveURL(/\/seller\/login/);
}

// ---- a real PNG, made here so the suite needs no binary fixtures ----

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A 96×96 logo: an orange tile with a lighter square in the middle. */
export function pngLogo(size = 96): Buffer {
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const inner = x > size * 0.3 && x < size * 0.7 && y > size * 0.3 && y < size * 0.7;
      const o = y * (size * 3 + 1) + 1 + x * 3;
      raw[o] = 255;
      raw[o + 1] = inner ? 220 : 106 + Math.round((y / size) * 40);
      raw[o + 2] = inner ? 180 : 0;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const pngDataUrl = () => `data:image/png;base64,${pngLogo().toString('base64')}`;
