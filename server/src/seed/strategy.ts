import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../kernel/config.js';
import type { Db } from '../kernel/db/pool.js';
import { withShop } from '../kernel/db/tenant.js';
import { catalog } from '../modules/catalog/index.js';
import { checkout } from '../modules/checkout/index.js';
import { customers } from '../modules/customers/index.js';
import { createSegment } from '../modules/customers/segments.js';
import { identity } from '../modules/identity/index.js';
import { accounts } from '../modules/identity/schema.js';
import { payments } from '../modules/payments/index.js';
import { storefront } from '../modules/storefront/index.js';
import { strategy } from '../modules/strategy/index.js';
import { strategies, strategyConversions, strategyExposures } from '../modules/strategy/schema.js';
import { testpay, testpaySecret } from '../modules/testpay/index.js';
import type { StoreImage } from './commerce.js';

export const DEMO_STRATEGY = '春季头图 · 千人千面';
const DAYS = 14;
const SHOPPERS = 40;
const VISITORS = 120;

function bannerSvg(title: string, subtitle: string, from: string, to: string) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="400" viewBox="0 0 960 400">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
  <rect width="960" height="400" fill="url(#bg)"/>
  <circle cx="800" cy="90" r="150" fill="#ffffff22"/><circle cx="880" cy="330" r="90" fill="#ffffff18"/>
  <path d="M640 300 q60 -120 200 -110 q-40 130 -200 110 z" fill="#ffffff33"/>
  <text x="64" y="190" font-family="sans-serif" font-size="64" font-weight="700" fill="#ffffff">${title}</text>
  <text x="66" y="260" font-family="sans-serif" font-size="30" fill="#ffffffdd">${subtitle}</text>
</svg>`;
}

/** A small deterministic generator, so the demo's history is the same on every machine. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function shopper(db: Db, email: string, displayName: string) {
  const [existing] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, email));
  return (
    existing?.id ?? (await identity.register(db, { kind: 'shopper', email, password: 'Qiandian#2026', displayName })).id
  );
}

/** Two segments the demo's shoppers really fall into: past buyers and the shop's followers. */
async function demoSegments(db: Db, shopId: string, ownerId: string) {
  const wanted = [
    { name: '老买家', rule: { kind: 'attribute', field: 'orderCount', op: 'gte', value: 1 } as const },
    { name: '店铺粉丝', rule: { kind: 'attribute', field: 'following', op: 'eq', value: true } as const },
  ];
  const have = await customers.listSegments(db, shopId);
  const ids: string[] = [];
  for (const w of wanted) {
    const found = have.find((s) => s.name === w.name);
    ids.push(found ? found.id : (await createSegment(db, shopId, ownerId, w)).id);
  }
  return ids as [string, string];
}

/**
 * The demo's 千人千面 strategy on the tea shop's home: a hero banner with one variant for past
 * buyers, one for followers and a default, 10 % held out; then two weeks of history made the
 * way real use makes it — shoppers follow, open the shop home (resolution records their arm),
 * some click, add to cart and buy through checkout and TestPay (`order.paid` attributes the
 * order) — each day's rows then moved back to that day (the one thing real use cannot do).
 * Runs once: a shop that has the strategy is left alone.
 */
export async function seedStrategy(
  db: Db,
  config: Config,
  shop: { id: string; ownerId: string },
  opts: { storeImage: StoreImage; settle: () => Promise<void> },
) {
  const shopId = shop.id;
  const [done] = await db
    .select({ id: strategies.id })
    .from(strategies)
    .where(and(eq(strategies.shopId, shopId), eq(strategies.name, DEMO_STRATEGY)));
  if (done) return;
  const rnd = random(2026);

  // Shoppers: the tea shop's past buyers (the commerce seed's) and new ones; a third follow.
  const fresh: string[] = [];
  for (let i = 1; i <= SHOPPERS; i++)
    fresh.push(await shopper(db, `tea.fan${String(i).padStart(2, '0')}@demo.qiandian.dev`, `茶友${i}`));
  const buyers = (
    await db.execute<{ id: string }>(sql`select id from accounts where email like 'buyer%@demo.qiandian.dev'`)
  ).rows.map((r) => r.id);
  for (const [i, id] of fresh.entries()) if (i % 3 === 0) await storefront.setFollow(db, shopId, id, true);
  await opts.settle();
  await customers.refreshShop(db, shopId); // new customers join the shop's tags (no job runner in the seed)
  const [loyal, fans] = await demoSegments(db, shopId, shop.ownerId);

  const image = (title: string, subtitle: string, from: string, to: string) =>
    opts.storeImage(shopId, bannerSvg(title, subtitle, from, to));
  const products = (await catalog.listProducts(db, shopId, { limit: 20, status: 'on_shelf' })).items;
  const link = (i: number) => (products[i] ? `/m/shops/${shopId}/products/${products[i].id}` : null);
  const created = await strategy.createStrategy(db, shopId, shop.ownerId, {
    name: DEMO_STRATEGY,
    placement: 'shop_home.hero_banner',
    priority: 10,
    variants: [
      {
        id: 'spring',
        name: '春茶上新',
        content: {
          imageUrl: await image('春茶上新', '明前头采 · 限量预售', '#5f8f4e', '#a8c686'),
          title: '春茶上新',
          link: link(0),
        },
      },
      {
        id: 'loyal',
        name: '老客回购礼',
        content: {
          imageUrl: await image('老客回购礼', '再次下单立减 20 元', '#9a5b2e', '#d8a46b'),
          title: '老客回购礼',
          link: link(1),
        },
      },
      {
        id: 'fans',
        name: '粉丝专享',
        content: {
          imageUrl: await image('粉丝专享八折', '关注店铺的你 · 专属价', '#7a4e8c', '#c69ad6'),
          title: '粉丝专享八折',
          link: link(2),
        },
      },
    ],
    rules: [
      { segmentId: loyal, variantId: 'loyal' },
      { segmentId: fans, variantId: 'fans' },
    ],
    defaultVariantId: 'spring',
    holdoutPercent: 10,
    attributionDays: 7,
  });
  await strategy.setStatus(db, shopId, created.id, shop.ownerId, 'active');
  await db.execute(sql`update strategies set started_at = now() - make_interval(days => ${DAYS})
                        where shop_id = ${shopId} and id = ${created.id}`);

  // Each day some of them open the shop home; tailored banners convert better than the rest.
  const secret = await testpaySecret(config.DATA_DIR);
  const skus = products.flatMap((p) => p.skus.slice(0, 1).map((s) => ({ skuId: s.id, productId: p.id })));
  const addresses = new Map<string, string>();
  const people = [...buyers, ...fresh];
  for (let d = DAYS - 1; d >= 0; d--) {
    const today = people.filter(() => rnd() < 0.35);
    const devices = Array.from({ length: Math.round(VISITORS / DAYS) }, (_, v) => `vis_seedstrategy${d}x${v}xxxxxxxx`);
    const shownTo: string[] = [...today, ...devices];
    const paid: string[] = [];
    for (const accountId of today) {
      const [placed] = await strategy.resolvePage(db, shopId, 'shop_home', { accountId });
      if (!placed) continue;
      const tailored = placed.variantId === 'loyal' || placed.variantId === 'fans';
      const base = placed.holdout ? 0.06 : tailored ? 0.2 : 0.1;
      if (!placed.holdout && rnd() < base * 2.5)
        await strategy.recordInteractions(db, shopId, [{ kind: 'click', strategyId: created.id, accountId }]);
      if (rnd() < base * 1.6)
        await strategy.recordInteractions(db, shopId, [{ kind: 'add_to_cart', strategyId: created.id, accountId }]);
      if (rnd() >= base || skus.length === 0) continue;
      const sku = skus[Math.floor(rnd() * skus.length)]!;
      const orderId = await buy(db, accountId, shopId, sku.skuId, secret, addresses);
      await opts.settle(); // order.paid: the strategy attributes the order to the arm shown
      paid.push(orderId);
    }
    for (const deviceId of devices) await strategy.resolvePage(db, shopId, 'shop_home', { deviceId });
    await strategy.flushExposures(db);
    if (d === 0) continue;
    await withShop(db, shopId, async (tx) => {
      await tx
        .update(strategyExposures)
        .set({
          day: sql`${strategyExposures.day} - ${d}::int`,
          lastSeenAt: sql`${strategyExposures.lastSeenAt} - make_interval(days => ${d})`,
        })
        .where(
          and(
            eq(strategyExposures.shopId, shopId),
            eq(strategyExposures.strategyId, created.id),
            eq(strategyExposures.day, strategy.shanghaiDay()),
            sql`${strategyExposures.shopperKey} = any(${`{${shownTo.join(',')}}`}::text[])`,
          ),
        );
      if (paid.length) {
        const ids = `{${paid.join(',')}}`;
        await tx
          .update(strategyConversions)
          .set({ paidAt: sql`${strategyConversions.paidAt} - make_interval(days => ${d})` })
          .where(
            and(eq(strategyConversions.shopId, shopId), sql`${strategyConversions.orderId} = any(${ids}::text[])`),
          );
        await tx.execute(sql`update orders set
          created_at = created_at - make_interval(days => ${d}),
          pay_by = pay_by - make_interval(days => ${d}),
          paid_at = paid_at - make_interval(days => ${d})
          where shop_id = ${shopId} and id = any(${ids}::text[])`);
      }
    });
  }
}

/** One order through the real checkout, paid by TestPay's signed notification. */
async function buy(
  db: Db,
  accountId: string,
  shopId: string,
  skuId: string,
  secret: string,
  addresses: Map<string, string>,
) {
  let addressId = addresses.get(accountId) ?? (await checkout.listAddresses(db, accountId))[0]?.id;
  addressId ??= (
    await checkout.saveAddress(db, accountId, {
      name: '茶友',
      phone: '13800002026',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '龙井路 1 号',
      isDefault: true,
    })
  ).id;
  addresses.set(accountId, addressId);
  const placed = await checkout.placeOrders(
    db,
    accountId,
    checkout.checkoutInput.parse({ lines: [{ shopId, skuId, quantity: 1 }], addressId }),
    '/m/orders',
  );
  const payment = await payments.getPayment(db, placed.paymentId);
  const body = JSON.stringify({
    id: `ntf_seed_${payment.id}`,
    type: 'charge.succeeded',
    ref: payment.providerRef,
    merchantRef: payment.id,
    amount: payment.amount,
    currency: payment.currency,
    at: new Date().toISOString(),
  });
  await testpay.confirmCharge(db, payment.providerRef!, 0);
  await payments.handleNotification(db, 'testpay', { [testpay.SIGNATURE_HEADER]: testpay.sign(secret, body) }, body);
  return placed.orders[0]!.id;
}
