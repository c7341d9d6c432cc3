import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { createProduct, payOnTestPay, shopperWithAddress } from '../../../test/commerce.js';
import { addDays, daysOf, shanghaiDay } from './service.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});

type Owner = Awaited<ReturnType<TestPlatform['shopOwner']>>;
const dashboard = (owner: Owner, range?: string) =>
  owner.client.get(`/api/shops/${owner.shopId}/dashboard${range ? `?range=${range}` : ''}`);

async function buy(
  shopper: { client: Client; addressId: string },
  shopId: string,
  skuId: string,
  quantity: number,
  pay = true,
) {
  const placed = await shopper.client.post('/api/checkout', {
    lines: [{ shopId, skuId, quantity }],
    addressId: shopper.addressId,
  });
  expect(placed.status).toBe(201);
  if (pay) await payOnTestPay(p, placed.body.payUrl);
  await p.settle();
  return placed.body.orders[0] as { id: string; total: number };
}

async function member(owner: Owner, role: string) {
  const person = await p.signUp('merchant');
  await owner.client.post(`/api/shops/${owner.shopId}/invitations`, { identifier: person.email, role });
  const [inv] = (await person.client.get('/api/me/invitations')).body.items;
  expect((await person.client.post(`/api/me/invitations/${inv.id}/accept`)).status).toBe(200);
  return person;
}

describe('Asia/Shanghai days', () => {
  it('a day starts at 16:00 UTC the evening before', () => {
    expect(shanghaiDay(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
    expect(shanghaiDay(new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-02');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysOf('7d', new Date('2026-03-01T16:30:00Z'))).toEqual([
      '2026-02-24',
      '2026-02-25',
      '2026-02-26',
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
  });
});

describe('data dashboard', () => {
  it('counts visitors, paid orders, conversion, refunds and top products from real data, and filters by range', async () => {
    const owner = await p.shopOwner();
    const tea = await createProduct(owner, { price: 5000, stock: 50, title: '正山小种红茶礼盒' });
    const cup = await createProduct(owner, { price: 3000, stock: 50, title: '青瓷茶杯' });
    const detail = (c: Client, productId: string) =>
      c.get(`/api/storefront/shops/${owner.shopId}/products/${productId}`);

    // Two anonymous visitors (cookie), one of them twice; two shoppers who look and then buy.
    const anon1 = p.client();
    const first = await detail(anon1, tea.id);
    expect(first.status).toBe(200);
    expect(String(first.headers['set-cookie'])).toMatch(/qd_vid=vis_\w+;.*Max-Age=31536000.*HttpOnly/i);
    const again = await detail(anon1, tea.id);
    expect(again.headers['set-cookie']).toBeUndefined(); // the cookie is kept, not renewed
    const anon2 = p.client();
    expect((await anon2.get(`/api/storefront/shops/${owner.shopId}/home`)).status).toBe(200);
    expect((await detail(anon2, 'prd_missing')).status).toBe(404);

    const empty = (await dashboard(owner, 'today')).body;
    expect(empty).toMatchObject({
      range: 'today',
      visitors: 2,
      orders: 0,
      gmv: 0,
      payingShoppers: 0,
      conversion: 0,
      averageOrderValue: 0,
      refunds: 0,
      topProducts: [],
    });

    const s1 = await shopperWithAddress(p);
    const s2 = await shopperWithAddress(p);
    const s3 = await shopperWithAddress(p);
    await detail(s1.client, tea.id);
    await detail(s2.client, tea.id);
    const s1Order = await buy(s1, owner.shopId, tea.skus[0]!.id, 2); // 10000
    await buy(s2, owner.shopId, tea.skus[0]!.id, 1); // 5000
    await buy(s2, owner.shopId, cup.skus[0]!.id, 1); // 3000
    await buy(s3, owner.shopId, cup.skus[0]!.id, 5, false); // never paid: not a sale

    // A partial refund of s1's order.
    const refund = await s1.client.post(`/api/me/orders/${owner.shopId}/${s1Order.id}/aftersales`, {
      type: 'refund_only',
      reason: '少件',
      lines: [{ lineNo: 1, quantity: 1 }],
    });
    expect(refund.status).toBe(201);
    await owner.client.post(`/api/shops/${owner.shopId}/aftersales/${refund.body.id}/approve`);
    await p.settle();

    const today = shanghaiDay(new Date());
    const d = await dashboard(owner, 'today');
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({
      range: 'today',
      timeZone: 'Asia/Shanghai',
      from: today,
      to: today,
      gmv: 18000,
      orders: 3,
      payingShoppers: 2,
      visitors: 4, // anon1, anon2, s1, s2 (s3 never looked)
      conversion: 0.5,
      averageOrderValue: 6000,
      refunds: 5000,
      trend: [{ date: today, gmv: 18000, orders: 3, visitors: 4, payingShoppers: 2 }],
    });
    expect(d.body.topProducts).toEqual([
      { productId: tea.id, title: '正山小种红茶礼盒', imageUrl: null, quantity: 3, gmv: 15000, views: 4 },
      { productId: cup.id, title: '青瓷茶杯', imageUrl: null, quantity: 1, gmv: 3000, views: 0 },
    ]);

    // Move s2's orders and visit to three days ago, anon2's visit and s1's order to ten days ago.
    await p.db.execute(
      sql`update orders set paid_at = paid_at - interval '3 days' where shop_id = ${owner.shopId} and buyer_account_id = ${s2.accountId}`,
    );
    await p.db.execute(
      sql`update shop_visits set day = day - 3 where shop_id = ${owner.shopId} and visitor_id = ${s2.accountId}`,
    );
    await p.db.execute(
      sql`update orders set paid_at = paid_at - interval '10 days' where shop_id = ${owner.shopId} and buyer_account_id = ${s1.accountId}`,
    );
    const anon2Id = /qd_vid=([^;]+)/.exec(anon2.cookieHeader)![1]!;
    await p.db.execute(
      sql`update shop_visits set day = day - 10 where shop_id = ${owner.shopId} and visitor_id = ${anon2Id}`,
    );

    const todayNow = (await dashboard(owner, 'today')).body;
    expect(todayNow).toMatchObject({
      gmv: 0,
      orders: 0,
      payingShoppers: 0,
      visitors: 2,
      refunds: 5000,
      conversion: 0,
      topProducts: [],
    });

    const week = (await dashboard(owner, '7d')).body;
    expect(week.from).toBe(addDays(today, -6));
    expect(week.to).toBe(today);
    expect(week.trend.map((t: { date: string }) => t.date)).toEqual(
      Array.from({ length: 7 }, (_, i) => addDays(today, i - 6)),
    );
    expect(week).toMatchObject({
      gmv: 8000,
      orders: 2,
      payingShoppers: 1,
      visitors: 3,
      conversion: 0.3333,
      averageOrderValue: 4000,
      refunds: 5000,
    });
    expect(week.trend.at(-1)).toEqual({ date: today, gmv: 0, orders: 0, visitors: 2, payingShoppers: 0 });
    const byDate = Object.fromEntries(week.trend.map((t: { date: string }) => [t.date, t]));
    expect(byDate[addDays(today, -3)]).toEqual({
      date: addDays(today, -3),
      gmv: 8000,
      orders: 2,
      visitors: 1,
      payingShoppers: 1,
    });
    for (const [i, t] of week.trend.entries()) {
      if (t.date === addDays(today, -3) || t.date === today) continue;
      expect(t, `day ${i}`).toEqual({ date: t.date, gmv: 0, orders: 0, visitors: 0, payingShoppers: 0 });
    }
    expect(week.topProducts.map((t: { productId: string; gmv: number }) => [t.productId, t.gmv])).toEqual([
      [tea.id, 5000],
      [cup.id, 3000],
    ]);

    const month = (await dashboard(owner, '30d')).body;
    expect(month.trend).toHaveLength(30);
    expect(month).toMatchObject({ gmv: 18000, orders: 3, payingShoppers: 2, visitors: 4, conversion: 0.5 });
    expect(month.trend.find((t: { date: string }) => t.date === addDays(today, -10))).toEqual({
      date: addDays(today, -10),
      gmv: 10000,
      orders: 1,
      visitors: 1,
      payingShoppers: 1,
    });
  });

  it('visitors are distinct over the range; conversion is paying shoppers over visitors', async () => {
    const owner = await p.shopOwner();
    const tea = await createProduct(owner, { price: 1000 });
    const shoppers = await Promise.all([1, 2, 3].map(() => shopperWithAddress(p)));
    for (const s of shoppers) await s.client.get(`/api/storefront/shops/${owner.shopId}/home`);
    await buy(shoppers[0]!, owner.shopId, tea.skus[0]!.id, 1);
    // The same shopper also visited yesterday: one visitor over the week, one on each day.
    await p.db.execute(
      sql`insert into shop_visits (shop_id, day, visitor_id) select shop_id, day - 1, visitor_id from shop_visits where shop_id = ${owner.shopId} and visitor_id = ${shoppers[1]!.accountId}`,
    );
    const week = (await dashboard(owner, '7d')).body;
    expect(week.visitors).toBe(3);
    expect(week.conversion).toBe(0.3333);
    expect(week.trend.at(-1).visitors).toBe(3);
    expect(week.trend.at(-2).visitors).toBe(1);
  });

  it('needs data.read, and only for one’s own shop; bad ranges are 400', async () => {
    const owner = await p.shopOwner();
    const other = await p.shopOwner();
    const cs = await member(owner, 'customer_service');
    const res = await cs.client.get(`/api/shops/${owner.shopId}/dashboard`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    const manager = await member(owner, 'store_manager');
    expect((await manager.client.get(`/api/shops/${owner.shopId}/dashboard`)).body.range).toBe('7d');
    expect((await other.client.get(`/api/shops/${owner.shopId}/dashboard`)).status).toBe(403);
    expect((await p.client().get(`/api/shops/${owner.shopId}/dashboard`)).status).toBe(401);
    const bad = await dashboard(owner, 'forever');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('query.range');
  });
});
