/**
 * storefront: the shopper's two hot paths against a bare Fastify route in the same run.
 *
 * - detail: GET /api/storefront/shops/:shopId/products/:productId (an on-shelf product with a
 *   3×4 SKU matrix: the product, its SKUs, stock over locations, the visit counter) vs a bare
 *   GET returning a JSON object of the same size. ratio = detail_rps / bare_get_rps.
 * - order: POST /api/checkout (address, price, stock reservation, order, lines, timeline, jobs,
 *   outbox, payment, the TestPay charge) by a signed-in shopper, vs a bare POST that parses
 *   the same JSON body. order_ratio = order_rps / bare_post_rps.
 * The load generator runs in its own process; targets alternate in short slices.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { identity } from '../../server/src/modules/identity/index.js';
import { ApiClient } from '../lib/http.js';
import { openShop } from '../lib/shop.js';
import { measure } from '../lib/load.js';
import { startPlatform, type BenchPlatform } from '../lib/platform.js';

export const description = 'product detail and order creation vs bare Fastify GET/POST routes, same run';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const PASSWORD = 'bench-password-2026';
const tag = `${process.pid}.${Date.now()}`;

async function seed(p: BenchPlatform) {
  const { owner, shop } = await openShop(p, 'Bench tea');
  const sizes = ['S', 'M', 'L', 'XL'];
  const colours = ['白色', '黑色', '藏青'];
  const product = await owner.post<{ id: string; skus: { id: string; price: number }[] }>(
    `/api/shops/${shop.id}/products`,
    {
      title: '纯棉重磅圆领T恤',
      subtitle: '260g 新疆长绒棉',
      platformCategoryId: 'apparel.tops',
      status: 'on_shelf',
      specAxes: [
        { name: '颜色', values: colours },
        { name: '尺码', values: sizes },
      ],
      skus: colours.flatMap((c) =>
        sizes.map((s) => ({ spec: { 颜色: c, 尺码: s }, price: 9900, originalPrice: 12900, stock: 5_000_000 })),
      ),
      images: ['/media/bench/cover.webp'],
      detailBlocks: [{ type: 'text', text: '面料与尺码说明'.repeat(10) }],
    },
  );
  // The shopper: account and session from the identity service, address and CSRF token over HTTP.
  const shoppers = await Promise.all(
    Array.from({ length: 1 }, async (_, i) => {
      const account = await identity.register(p.db, {
        kind: 'shopper',
        email: `s${i}.${tag}@bench.qiandian.dev`,
        password: PASSWORD,
        displayName: `S${i}`,
      });
      const session = await identity.createSession(p.db, account.id, 'bench');
      const client = new ApiClient(p.base).setCookie('qd_session', session.token);
      const address = await client.post<{ id: string }>('/api/me/addresses', {
        name: '张三',
        phone: '13800138000',
        province: '浙江省',
        city: '杭州市',
        district: '西湖区',
        detail: '文三路 100 号',
      });
      const { token } = await client.request<{ token: string }>('GET', '/api/auth/csrf');
      return { headers: { cookie: client.cookieHeader(), 'x-csrf-token': token }, addressId: address.id };
    }),
  );
  return { shopId: shop.id, product, shoppers };
}

async function startBare(detailSize: number) {
  const bare = Fastify({ logger: false });
  const payload = { filler: 'x'.repeat(detailSize) };
  bare.get('/bare', async () => payload);
  bare.post('/bare', async (request) => ({ received: Object.keys(request.body as object).length }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  return { app: bare, url: `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/bare` };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function run(): Promise<Record<string, number | string>> {
  // All load comes from one address and one shopper session: lift the per-client budget.
  process.env.BENCH_RATE_LIMIT ??= '10000000';
  const platform = await startPlatform();
  try {
    const { shopId, product, shoppers } = await seed(platform);
    const detailUrl = `${platform.base}/api/storefront/shops/${shopId}/products/${product.id}`;
    const detailSize = (await (await fetch(detailUrl)).text()).length;
    const bare = await startBare(detailSize);
    try {
      const orderBody = (addressId: string) => ({
        lines: [{ shopId, skuId: product.skus[0]!.id, quantity: 1 }],
        addressId,
      });
      const ordersBefore = await platform.db.$client.query('select count(*)::int n from orders');
      const figures = await measure({
        targets: {
          detail: { url: detailUrl, headers: { cookie: 'qd_vid=bench-visitor' } },
          bare_get: { url: bare.url },
          order: {
            url: `${platform.base}/api/checkout`,
            method: 'POST',
            body: orderBody(shoppers[0]!.addressId),
            sessions: [shoppers[0]!.headers],
          },
          bare_post: { url: bare.url, method: 'POST', body: orderBody(shoppers[0]!.addressId) },
        },
        connections: CONNECTIONS,
        durationSec: DURATION_S,
        rounds: Math.max(1, Math.min(DURATION_S, 5)),
        warmupSec: 1,
      });
      const ordersAfter = await platform.db.$client.query('select count(*)::int n from orders');
      const d = figures.detail!;
      const o = figures.order!;
      return {
        detail_rps: d.rps,
        detail_p50_ms: d.p50_ms,
        detail_p99_ms: d.p99_ms,
        bare_get_rps: figures.bare_get!.rps,
        ratio: round(d.rps / figures.bare_get!.rps),
        order_rps: o.rps,
        order_p50_ms: o.p50_ms,
        order_p99_ms: o.p99_ms,
        bare_post_rps: figures.bare_post!.rps,
        order_ratio: round(o.rps / figures.bare_post!.rps),
        orders_created: ordersAfter.rows[0].n - ordersBefore.rows[0].n,
        connections: CONNECTIONS,
        database: platform.database,
      };
    } finally {
      await bare.app.close();
    }
  } finally {
    await platform.close();
  }
}
