import { eq, sql } from 'drizzle-orm';
import type { Config } from '../kernel/config.js';
import type { Db } from '../kernel/db/pool.js';
import { withShop } from '../kernel/db/tenant.js';
import { catalog } from '../modules/catalog/index.js';
import { checkout } from '../modules/checkout/index.js';
import { identity } from '../modules/identity/index.js';
import { accounts } from '../modules/identity/schema.js';
import { orders } from '../modules/orders/index.js';
import { payments } from '../modules/payments/index.js';
import { stats } from '../modules/stats/index.js';
import { testpay, testpaySecret } from '../modules/testpay/index.js';
import { productSvg } from './art.js';
import { APPAREL_PRODUCTS, COLOURS, type DemoProduct, TEA_PRODUCTS } from './catalog-data.js';

export type StoreImage = (shopId: string, svg: string) => Promise<string>;

function combinations(axes: DemoProduct['axes']): Record<string, string>[] {
  return axes.reduce<Record<string, string>[]>(
    (acc, axis) => acc.flatMap((spec) => axis.values.map((v) => ({ ...spec, [axis.name]: v }))),
    [{}],
  );
}

/** The shop's catalogue, if it has none yet: categories, products, SKUs, stock, pictures. */
async function seedCatalogue(db: Db, shopId: string, ownerId: string, list: DemoProduct[], storeImage: StoreImage) {
  const existing = await catalog.listProducts(db, shopId, { limit: 1 });
  if (existing.items.length > 0) return;
  const categoryIds = new Map<string, string>();
  for (const [i, name] of [...new Set(list.map((p) => p.shopCategory))].entries()) {
    categoryIds.set(name, (await catalog.saveShopCategory(db, shopId, { name, sort: i })).id);
  }
  for (const p of list) {
    const colourAxis = p.axes.find((a) => a.name === '颜色');
    const cover = await storeImage(
      shopId,
      productSvg(p, colourAxis ? (COLOURS[colourAxis.values[0]!] ?? p.art.hue) : p.art.hue, 'Qiandian demo'),
    );
    const colourImages = new Map<string, string>();
    for (const c of colourAxis?.values ?? [])
      colourImages.set(c, await storeImage(shopId, productSvg(p, COLOURS[c] ?? p.art.hue)));
    const detail = await storeImage(shopId, productSvg(p, p.art.hue, 'detail'));
    await catalog.saveProduct(db, shopId, ownerId, {
      title: p.title,
      subtitle: p.subtitle,
      platformCategoryId: p.category,
      shopCategoryId: categoryIds.get(p.shopCategory)!,
      status: 'on_shelf',
      specAxes: p.axes,
      images: [cover, ...[...colourImages.values()].slice(1, 4)],
      detailBlocks: [
        { type: 'text', text: p.story[0]! },
        { type: 'image', url: detail },
        ...p.story.slice(1).map((text) => ({ type: 'text' as const, text })),
      ],
      skus: combinations(p.axes).map((spec, i) => ({
        spec,
        price: p.price(spec),
        originalPrice: Math.round((p.price(spec) * 1.25) / 100) * 100,
        stock: p.stock - (i % 4) * 3,
        barcode: `69${String(Math.abs(hash(p.title + JSON.stringify(spec))))
          .padStart(11, '0')
          .slice(0, 11)}`,
        imageUrl: spec['颜色'] ? (colourImages.get(spec['颜色']) ?? null) : null,
      })),
    });
  }
}

function hash(s: string): number {
  let h = 7;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

const CITIES = [
  ['浙江省', '杭州市', '西湖区'],
  ['上海市', '上海市', '徐汇区'],
  ['北京市', '北京市', '朝阳区'],
  ['广东省', '深圳市', '南山区'],
  ['四川省', '成都市', '武侯区'],
  ['江苏省', '苏州市', '姑苏区'],
];

/**
 * Order history for the dashboard: shoppers buy through the real checkout, TestPay's signed
 * notification pays them, some ship and complete; then the demo moves them back in time over the
 * last 30 days (the one thing real use cannot do).
 */
async function seedHistory(db: Db, config: Config, shopId: string, ownerId: string, settle: () => Promise<void>) {
  const [{ n }] = (
    await db.execute<{ n: number }>(sql`select count(*)::int as n from orders where shop_id = ${shopId}`)
  ).rows as [{ n: number }];
  if (n > 0) return;
  const products = (await catalog.listProducts(db, shopId, { limit: 50, status: 'on_shelf' })).items;
  const secret = await testpaySecret(config.DATA_DIR);
  for (let i = 0; i < 24; i++) {
    const email = `buyer${String(i + 1).padStart(2, '0')}@demo.qiandian.dev`;
    const [existing] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, email));
    const buyerId =
      existing?.id ??
      (await identity.register(db, { kind: 'shopper', email, password: 'Qiandian#2026', displayName: `买家${i + 1}` }))
        .id;
    const [province, city, district] = CITIES[i % CITIES.length]!;
    const address =
      (await checkout.listAddresses(db, buyerId))[0] ??
      (await checkout.saveAddress(db, buyerId, {
        name: `买家${i + 1}`,
        phone: `1380000${String(1000 + i)}`,
        province: province!,
        city: city!,
        district: district!,
        detail: `幸福路 ${i + 1} 号`,
        isDefault: true,
      }));
    const product = products[(i * 7) % products.length]!;
    const sku = product.skus[i % product.skus.length]!;
    const placed = await checkout.placeOrders(
      db,
      buyerId,
      { lines: [{ shopId, skuId: sku.id, quantity: 1 + (i % 2) }], addressId: address.id, notes: {}, fromCart: false },
      '/m/orders',
    );
    if (i % 6 === 5) continue; // some are never paid and will time out
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
    await settle();
    const order = placed.orders[0]!;
    if (i % 3 !== 0)
      await orders.ship(
        db,
        shopId,
        order.id,
        { carrier: '顺丰速运', trackingNo: `SF${String(7000000000 + i)}` },
        ownerId,
      );
    if (i % 3 === 1) await orders.confirmReceipt(db, shopId, order.id, buyerId);
    const daysAgo = 29 - Math.floor((i * 29) / 23);
    // The buyer looked at the product that day (the dashboard's visitors and conversion).
    await stats.recordVisit(db, { shopId, visitorId: buyerId, productId: product.id, day: dayAgo(daysAgo) });
    await withShop(db, shopId, (tx) =>
      tx.execute(sql`update orders set
        created_at = created_at - make_interval(days => ${daysAgo}),
        pay_by = pay_by - make_interval(days => ${daysAgo}),
        paid_at = paid_at - make_interval(days => ${daysAgo}),
        shipped_at = shipped_at - make_interval(days => ${daysAgo}),
        received_at = received_at - make_interval(days => ${daysAgo})
        where shop_id = ${shopId} and id = ${order.id}`),
    );
  }
  // Browsers who did not buy: a few dozen a day, more on weekends.
  for (let d = 0; d < 30; d++) {
    const date = new Date(Date.now() - d * 86_400_000);
    const visitors = 18 + ((d * 7) % 13) + (date.getUTCDay() % 6 === 0 ? 15 : 0);
    for (let v = 0; v < visitors; v++) {
      const product = products[(d + v) % products.length]!;
      await stats.recordVisit(db, {
        shopId,
        visitorId: `demo-visitor-${d}-${v}`,
        productId: product.id,
        day: dayAgo(d),
      });
    }
  }
  await settle();
}

/** The Asia/Shanghai calendar day `days` ago, as the dashboard counts days. */
const dayAgo = (days: number) => stats.shanghaiDay(new Date(Date.now() - days * 86_400_000));

export async function seedCommerce(
  db: Db,
  config: Config,
  shops: { tea: { id: string; ownerId: string }; fashion: { id: string; ownerId: string } },
  opts: { storeImage: StoreImage; settle: () => Promise<void> },
) {
  await seedCatalogue(db, shops.tea.id, shops.tea.ownerId, TEA_PRODUCTS, opts.storeImage);
  await seedCatalogue(db, shops.fashion.id, shops.fashion.ownerId, APPAREL_PRODUCTS, opts.storeImage);
  await orders.saveSettings(db, shops.tea.id, {
    shippingFee: 1000,
    freeShippingOver: 9900,
    unpaidTimeoutMinutes: 30,
    autoConfirmDays: 10,
    afterSalesDays: 7,
  });
  await orders.saveSettings(db, shops.fashion.id, {
    shippingFee: 800,
    freeShippingOver: 19900,
    unpaidTimeoutMinutes: 20,
    autoConfirmDays: 10,
    afterSalesDays: 7,
  });
  await seedHistory(db, config, shops.tea.id, shops.tea.ownerId, opts.settle);
  await seedHistory(db, config, shops.fashion.id, shops.fashion.ownerId, opts.settle);
}
