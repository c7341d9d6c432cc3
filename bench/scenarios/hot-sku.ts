/**
 * hot-sku: one SKU, 10 000 units, 50 000 buy attempts by many signed-in shoppers at once, sent
 * first through the normal checkout (POST /api/checkout: the order, its lines and parcel, the
 * payment, each in its own transaction whose guarded `UPDATE stock_levels … WHERE on_hand −
 * reserved − safety ≥ 1` holds the SKU's row lock until commit, so buyers queue on that row),
 * then through the flash sale (POST …/flash-sales/:id/buy: the gate decides at once, winners are
 * written in group-committed batches moving units from the sale's hold). Both paths create the
 * same things for a winner: an order pending payment with its payment and TestPay charge.
 *
 * orders/s = units ordered ÷ seconds from the first attempt to the last answer. ratio =
 * flash_orders_per_s ÷ checkout_orders_per_s. oversell = units ordered beyond the stock offered,
 * counted in the database afterwards (must be 0); lost = 201 answers without an order or orders
 * without a 201 (must be 0). The flash path runs second, on a database that already holds the
 * first path's orders.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withShop } from '../../server/src/kernel/db/tenant.js';
import { identity } from '../../server/src/modules/identity/index.js';
import { inventory } from '../../server/src/modules/inventory/index.js';
import { runtimeFor } from '../../server/src/modules/flashsale/runtime.js';
import { ApiClient } from '../lib/http.js';
import { openShop } from '../lib/shop.js';
import { startPlatform, type BenchPlatform } from '../lib/platform.js';
import type { DriverPlan, DriverTally } from './hot-sku/driver.js';

export const description =
  'flash-sale buy vs normal checkout (row-locking guarded UPDATE) on one hot SKU; orders/s, oversell';

const STOCK = Number(process.env.BENCH_HOT_STOCK ?? 10_000);
const ATTEMPTS = Number(process.env.BENCH_HOT_ATTEMPTS ?? 50_000);
const SHOPPERS = Number(process.env.BENCH_HOT_SHOPPERS ?? 200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const PASSWORD = 'bench-password-2026';
const tag = `${process.pid}.${Date.now()}`;

async function seed(p: BenchPlatform) {
  const { owner, shop } = await openShop(p, 'Bench hot');
  const product = await owner.post<{ id: string; skus: { id: string }[] }>(`/api/shops/${shop.id}/products`, {
    title: '限量联名保温杯',
    platformCategoryId: 'tea.black',
    status: 'on_shelf',
    specAxes: [],
    skus: [{ spec: {}, price: 12800, stock: STOCK }],
  });
  const shoppers: { headers: Record<string, string>; addressId: string }[] = [];
  for (let i = 0; i < SHOPPERS; i += 10) {
    shoppers.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, SHOPPERS - i) }, async (_, j) => {
          const account = await identity.register(p.db, {
            kind: 'shopper',
            email: `s${i + j}.${tag}@bench.qiandian.dev`,
            password: PASSWORD,
            displayName: `S${i + j}`,
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
      )),
    );
  }
  return { owner, shopId: shop.id, skuId: product.skus[0]!.id, shoppers };
}

async function drive(plan: DriverPlan): Promise<DriverTally> {
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./hot-sku/driver.ts', import.meta.url))],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  child.stdin.end(JSON.stringify(plan));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`hot-sku driver exited with ${code}`);
  return JSON.parse(out) as DriverTally;
}

/** Units ordered for the SKU (orders not cancelled), and whether every stock row adds up. */
async function ledger(p: BenchPlatform, skuId: string) {
  const { rows } = await p.db.$client.query<{ units: number; orders: number }>(
    `select coalesce(sum(l.quantity), 0)::int units, count(distinct o.id)::int orders
       from order_lines l join orders o on o.shop_id = l.shop_id and o.id = l.order_id
      where l.sku_id = $1 and o.status <> 'cancelled'`,
    [skuId],
  );
  const level = await p.db.$client.query<{ on_hand: number; reserved: number; held: number }>(
    `select sum(s.on_hand)::int on_hand, sum(s.reserved)::int reserved,
            (select coalesce(sum(quantity), 0)::int from stock_reservations r
              where r.sku_id = $1 and r.status = 'reserved') held
       from stock_levels s where s.sku_id = $1`,
    [skuId],
  );
  const l = level.rows[0]!;
  return {
    ...rows[0]!,
    consistent: l.reserved === l.held && l.reserved <= l.on_hand,
    onHand: l.on_hand,
    reserved: l.reserved,
  };
}

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

export async function run(): Promise<Record<string, number | string>> {
  process.env.BENCH_RATE_LIMIT ??= '10000000';
  const platform = await startPlatform();
  try {
    const { owner, shopId, skuId, shoppers } = await seed(platform);

    // 1. The peer: the normal checkout for the SKU, 10 000 units in general stock.
    const before = await ledger(platform, skuId);
    const checkout = await drive({
      url: `${platform.base}/api/checkout`,
      amount: ATTEMPTS,
      connections: CONNECTIONS,
      shoppers: shoppers.map((s) => ({
        headers: s.headers,
        body: { lines: [{ shopId, skuId, quantity: 1 }], addressId: s.addressId },
      })),
    });
    const afterCheckout = await ledger(platform, skuId);
    const checkoutUnits = afterCheckout.units - before.units;

    // 2. The same SKU restocked with 10 000 units, all held by a flash sale running now.
    await withShop(platform.db, shopId, async (tx) => {
      const [loc] = await inventory.listLocations(tx, shopId, { activeOnly: true });
      await inventory.adjust(tx, shopId, {
        locationId: loc!.id,
        skuId,
        delta: STOCK,
        reason: 'receive',
        ref: { type: 'bench', id: `restock-${tag}` },
      });
    });
    const sale = await owner.post<{ id: string }>(`/api/shops/${shopId}/flash-sales`, {
      skuId,
      price: 9900,
      quota: STOCK,
      perShopperLimit: 100,
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const writer = runtimeFor({ db: platform.db, config: {} as never }).writer;
    const flash = await drive({
      url: `${platform.base}/api/storefront/shops/${shopId}/flash-sales/${sale.id}/buy`,
      amount: ATTEMPTS,
      connections: CONNECTIONS,
      shoppers: shoppers.map((s) => ({ headers: s.headers, body: { addressId: s.addressId } })),
    });
    const afterFlash = await ledger(platform, skuId);
    const flashUnits = afterFlash.units - afterCheckout.units;
    const { rows } = await platform.db.$client.query<{ sold: number }>(
      'select count(order_id)::int sold from flash_sale_entries where shop_id = $1 and sale_id = $2',
      [shopId, sale.id],
    );

    const checkoutRate = checkoutUnits / checkout.seconds;
    const flashRate = flashUnits / flash.seconds;
    const ok = (t: DriverTally) => t.statuses['201'] ?? 0;
    const others = (t: DriverTally) =>
      Object.entries(t.statuses)
        .filter(([s]) => s !== '201' && s !== '409')
        .reduce((a, [, n]) => a + n, 0) + t.errors;
    return {
      flash_orders_per_s: round(flashRate, 1),
      checkout_orders_per_s: round(checkoutRate, 1),
      ratio: round(flashRate / checkoutRate),
      flash_attempts_per_s: round(flash.requests / flash.seconds, 1),
      checkout_attempts_per_s: round(checkout.requests / checkout.seconds, 1),
      flash_units: flashUnits,
      checkout_units: checkoutUnits,
      oversell: Math.max(0, flashUnits - STOCK) + Math.max(0, checkoutUnits - STOCK),
      flash_oversell: Math.max(0, flashUnits - STOCK),
      checkout_oversell: Math.max(0, checkoutUnits - STOCK),
      lost:
        Math.abs(ok(flash) - flashUnits) +
        Math.abs(ok(checkout) - checkoutUnits) +
        Math.abs(rows[0]!.sold - flashUnits),
      unexpected_answers: others(flash) + others(checkout),
      stock_consistent: afterFlash.consistent ? 'yes' : 'no',
      flash_seconds: round(flash.seconds, 2),
      checkout_seconds: round(checkout.seconds, 2),
      flash_p99_ms: flash.p99_ms,
      checkout_p99_ms: checkout.p99_ms,
      flash_batches: writer.stats.batches,
      flash_mean_batch: round(writer.stats.orders / Math.max(1, writer.stats.batches), 1),
      attempts: ATTEMPTS,
      stock: STOCK,
      shoppers: SHOPPERS,
      connections: CONNECTIONS,
      gate: runtimeFor({ db: platform.db, config: {} as never }).gate.kind,
      database: platform.database,
    };
  } finally {
    await platform.close();
  }
}
