import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  apiActor,
  expect,
  openDialog,
  PASSWORD,
  signInSeller,
  test,
  uniqueEmail,
  uniqueSuffix,
  useLocale,
} from '../support/fixtures';

const TEA_OWNER = 'tea.owner@qiandian.dev';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The demo WMS partner the seed registers (see the README).
const APP_KEY = 'demo-wms';
const SECRET = 'demo-wms-secret';

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

/** GMT+8 `yyyy-MM-dd HH:mm:ss`. */
const qimenTime = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * A signed Qimen call made here, independently of the server's code: parameters sorted, key +
 * value joined, MD5(secret + S + body + secret) in upper-case hex.
 */
async function qimenCall(baseURL: string, method: string, body: string) {
  const params: Record<string, string> = {
    method: `taobao.qimen.${method}`,
    app_key: APP_KEY,
    customerId: 'demo-wms',
    format: 'xml',
    timestamp: qimenTime(),
    v: '2.0',
    sign_method: 'md5',
  };
  const s = Object.keys(params)
    .sort()
    .map((k) => k + params[k])
    .join('');
  params.sign = createHash('md5').update(`${SECRET}${s}${body}${SECRET}`, 'utf8').digest('hex').toUpperCase();
  const res = await fetch(`${baseURL}/router/qimen/service?${new URLSearchParams(params).toString()}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml;charset=utf-8' },
    body,
  });
  return res.text();
}

let simulator: ChildProcess | undefined;
test.afterAll(() => {
  simulator?.kill('SIGTERM');
});

test('an order routed to the WMS-run warehouse is confirmed by the WMS simulator and shows shipped with its tracking number', async ({
  page,
  baseURL,
  shot,
}) => {
  test.setTimeout(180_000);
  const gateway = baseURL!;

  // The WMS simulator, as a separate program on a free port, confirming 1.5 s after each delivery order.
  const port = await freePort();
  const shipped: Record<string, string> = {};
  simulator = spawn(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
      path.join(ROOT, 'server/src/tools/wms-simulator.ts'),
      '--port',
      String(port),
      '--gateway',
      gateway,
      '--app-key',
      APP_KEY,
      '--secret',
      SECRET,
      '--confirm-delay-ms',
      '1500',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  simulator.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const m of out.matchAll(/shipped (\S+) with (\S+) (\S+)/g)) shipped[m[1]!] = m[3]!;
  });
  simulator.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await expect.poll(() => out, { timeout: 30_000 }).toContain('WMS simulator listening');
  const endpoint = `http://127.0.0.1:${port}/qimen`;

  await useLocale(page, 'zh-CN');
  await signInSeller(page, TEA_OWNER);
  await expect(page).toHaveURL(/\/seller\/shops\/[^/]+\/home$/);
  const shopId = /\/shops\/([^/]+)\//.exec(page.url())![1]!;

  await test.step('the owner points the demo WMS partner at the simulator', async () => {
    await page.getByTestId('side-nav').getByText('奇门对接', { exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/seller/shops/${shopId}/qimen-partners$`));
    const row = page.getByTestId(`qimen-partner-${APP_KEY}`);
    await expect(row).toContainText('WH-CLOUD');
    await row.getByTestId('qimen-partner-edit').click();
    const dialog = await openDialog(page);
    await dialog.getByTestId('qimen-form-endpoint').fill(endpoint);
    // The call limit: left empty it is asked for in place; a whole number is kept.
    const calls = dialog.getByTestId('qimen-form-calls');
    await expect(calls).toHaveValue('6000');
    await calls.fill('');
    await page.getByTestId('qimen-partner-save').click();
    await expect(dialog.getByText('请填写 1 到 10,000,000 之间的整数')).toBeVisible();
    await calls.fill('12000');
    await expect(dialog.getByText('次/分钟')).toBeVisible();
    await shot(page, 'qimen-partner-edit');
    await page.getByTestId('qimen-partner-save').click();
    await expect(row).toContainText(endpoint);
    await expect(row.getByTestId('qimen-partner-calls')).toHaveText('12,000 次/分钟');
    await shot(page, 'qimen-partners');
  });

  // A product only the cloud warehouse stocks: the WMS reports its arrival (a signed stockchange.report).
  const owner = await apiActor(gateway);
  expect((await owner.post('/api/auth/login', { identifier: TEA_OWNER, password: PASSWORD })).status).toBe(200);
  const barcode = `6939${Date.now().toString().slice(-9)}`;
  const product = await owner.post(`/api/shops/${shopId}/products`, {
    title: `云仓专供 白毫银针 ${uniqueSuffix()}`,
    platformCategoryId: 'tea.green',
    status: 'on_shelf',
    specAxes: [],
    skus: [{ spec: {}, price: 8800, stock: 0, barcode }],
  });
  expect(product.status, JSON.stringify(product.body)).toBe(201);
  const report = await qimenCall(
    gateway,
    'stockchange.report',
    `<?xml version="1.0" encoding="utf-8"?><request><items><item><ownerCode>demo-wms</ownerCode><warehouseCode>WH-CLOUD</warehouseCode><orderCode>IN-${barcode}</orderCode><orderType>CGRK</orderType><outBizCode>SC-${barcode}</outBizCode><itemCode>${barcode}</itemCode><inventoryType>ZP</inventoryType><quantity>5</quantity></item></items></request>`,
  );
  expect(report).toContain('<flag>success</flag>');

  // A shopper in Hangzhou buys two and pays.
  const buyer = await apiActor(gateway);
  expect(
    (
      await buyer.post('/api/auth/register', {
        kind: 'shopper',
        email: uniqueEmail('wms.buyer'),
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
    district: '余杭区',
    detail: '良渚街道 8 号',
  });
  const placed = await buyer.post('/api/checkout', {
    lines: [{ shopId, skuId: product.body.skus[0].id, quantity: 2 }],
    addressId: address.body.id,
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const order = placed.body.orders[0] as { id: string; orderNo: string };
  expect((await buyer.ctx.post(`${placed.body.payUrl}/confirm`, { maxRedirects: 0 })).status()).toBe(303);

  // The parcel goes to WH-CLOUD, the simulator gets it and confirms it with a tracking number.
  await expect
    .poll(async () => (await owner.get(`/api/shops/${shopId}/orders/${order.id}`)).body.status, { timeout: 60_000 })
    .toBe('shipped');
  const trackingNo = (await owner.get(`/api/shops/${shopId}/orders/${order.id}`)).body.trackingNo as string;
  expect(Object.values(shipped)).toContain(trackingNo);

  await test.step('the workbench shows the order shipped with the WMS’s tracking number', async () => {
    await page.goto(`/seller/shops/${shopId}/orders/${order.id}`);
    await expect(page.getByTestId('detail-tracking')).toHaveText(trackingNo);
    // The parcel, from the cloud warehouse, with the carrier the WMS named.
    await expect(page.getByTestId('shipment-tracking')).toHaveText(trackingNo);
    await expect(page.getByText(`顺丰速运 ${trackingNo}`)).toBeVisible();
    await shot(page, 'qimen-order-shipped');
  });

  await test.step('the message log shows the delivery order, the confirm and the stock report', async () => {
    await page.getByTestId('side-nav').getByText('奇门消息', { exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/seller/shops/${shopId}/qimen-messages`));
    const create = page.getByTestId('qimen-message-deliveryorder.create').first();
    await expect(create).toContainText('已发送');
    await expect(page.getByTestId('qimen-message-deliveryorder.confirm').first()).toContainText('成功');
    await expect(page.getByTestId('qimen-message-stockchange.report').first()).toContainText(`SC-${barcode}`);
    await create.getByTestId('qimen-message-view').click();
    const detail = page.getByTestId('qimen-message-detail');
    await expect(detail.getByTestId('qimen-message-request')).toContainText('<deliveryOrderCode>');
    await expect(detail.getByTestId('qimen-message-request')).toContainText(barcode);
    await expect(detail.getByTestId('qimen-message-response')).toContainText('<flag>success</flag>');
    await shot(page, 'qimen-message-detail');
    await page.keyboard.press('Escape');

    // Filter: inbound only.
    await page.getByTestId('qimen-filter-direction').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '收到' }).click();
    await expect(page.getByTestId('qimen-message-deliveryorder.create')).toHaveCount(0);
    await expect(page.getByTestId('qimen-message-deliveryorder.confirm').first()).toBeVisible();
    await shot(page, 'qimen-messages-zh');
  });

  await test.step('the same screens in English', async () => {
    await page.evaluate(() => localStorage.setItem('qd.locale', 'en-US'));
    await page.goto(`/seller/shops/${shopId}/qimen-messages`);
    await expect(page.getByText('Qimen message log')).toBeVisible();
    await expect(page.getByTestId('qimen-message-deliveryorder.create').first()).toContainText('Sent');
    await shot(page, 'qimen-messages-en');
    await page.goto(`/seller/shops/${shopId}/qimen-partners`);
    await expect(page.getByText('Gateway address (partners call)')).toBeVisible();
    const row = page.getByTestId(`qimen-partner-${APP_KEY}`);
    await expect(row.getByTestId('qimen-partner-calls')).toHaveText('12,000 a minute');
    await shot(page, 'qimen-partners-en');
    await row.getByTestId('qimen-partner-edit').click();
    const dialog = await openDialog(page);
    await expect(dialog.getByText('Call limit', { exact: true })).toBeVisible();
    await expect(dialog.getByTestId('qimen-form-calls')).toHaveValue('12000');
    await shot(page, 'qimen-partner-edit-en');
    await page.keyboard.press('Escape');
  });

  await owner.dispose();
  await buyer.dispose();
});
