import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform } from '../../test/app.js';
import { loadConfig } from '../kernel/config.js';
import { strategy } from '../modules/strategy/index.js';
import { APPAREL_PRODUCTS, TEA_PRODUCTS } from './catalog-data.js';
import { seedDemo } from './index.js';

describe('demo seed', () => {
  // The demo makes 100 000 synthetic customers; a few thousand exercise the same code here.
  const size = process.env.SEED_CUSTOMERS;
  beforeAll(() => {
    process.env.SEED_CUSTOMERS = '3000';
  });
  afterAll(() => {
    if (size === undefined) delete process.env.SEED_CUSTOMERS;
    else process.env.SEED_CUSTOMERS = size;
  });

  it('creates the README’s accounts and shops, catalogues with pictures and an order history; again adds nothing', async () => {
    const p = await createTestPlatform();
    const config = loadConfig({ DATA_DIR: p.dataDir, LOG_LEVEL: 'silent' });
    const counts = async () =>
      (
        await p.db.execute<Record<string, number>>(sql`select
          (select count(*)::int from accounts) as accounts,
          (select count(*)::int from shops) as shops,
          (select count(*)::int from shop_members) as members,
          (select count(*)::int from products) as products,
          (select count(*)::int from orders) as orders,
          (select count(*)::int from orders where paid_at is not null) as paid,
          (select count(*)::int from customers) as customers`)
      ).rows[0]!;
    await seedDemo(p.db, config, p.app.log);
    const first = await counts();
    // The strategy demo's shoppers (40) bought through checkout; each of their orders is attributed.
    const attributed = (
      await p.db.execute<{ n: number }>(sql`select count(distinct order_id)::int n from strategy_conversions`)
    ).rows[0]!.n;
    expect(attributed).toBeGreaterThan(0);
    expect(first).toMatchObject({
      accounts: 12 + 24 + 40,
      shops: 3,
      members: 9,
      products: TEA_PRODUCTS.length + APPAREL_PRODUCTS.length,
      orders: 48 + attributed,
      paid: 40 + attributed,
    });
    // The synthetic customers, plus the real shoppers who visited or bought.
    expect(first.customers).toBeGreaterThanOrEqual(3000);
    await seedDemo(p.db, config, p.app.log);
    expect(await counts()).toEqual(first);

    const ops = await p.db.execute<{ n: number }>(
      sql`select count(*)::int n from shop_members m join accounts a on a.id = m.account_id where a.email = 'tea.ops@qiandian.dev'`,
    );
    expect(ops.rows[0]!.n).toBe(2);
    // Pictures are real files, served with their variants.
    const [product] = (await p.db.execute<{ images: string[] }>(sql`select images from products limit 1`)).rows;
    const cover = await fetch(`${p.url}${product!.images[0]}`);
    expect(cover.status).toBe(200);
    expect(cover.headers.get('content-type')).toBe('image/webp');
    expect((await fetch(`${p.url}${product!.images[0]!.replace('.webp', '_480.webp')}`)).status).toBe(200);
    // The history spreads over the last 30 days, so the dashboard has a shape.
    const days = await p.db.execute<{ n: number }>(
      sql`select count(distinct date(paid_at))::int n from orders where paid_at is not null`,
    );
    expect(days.rows[0]!.n).toBeGreaterThan(10);
    const visited = await p.db.execute<{ days: number; visitors: number }>(
      sql`select count(distinct day)::int days, count(*)::int visitors from shop_visits`,
    );
    expect(visited.rows[0]!.days).toBe(30);
    expect(visited.rows[0]!.visitors).toBeGreaterThan(30 * 18 * 2);
    const tea = await p.db.execute<{ id: string }>(sql`select id from shops where name = '山野茶舍'`);
    // The 千人千面 demo: its effect report has every arm exposed over two weeks, and orders.
    const [demo] = (
      await p.db.execute<{ shop_id: string; id: string }>(
        sql`select shop_id, id from strategies where status = 'active'`,
      )
    ).rows;
    const report = await strategy.report(p.db, demo!.shop_id, demo!.id);
    expect(report.arms.map((a) => a.variantId)).toEqual(['spring', 'loyal', 'fans', 'holdout']);
    for (const arm of report.arms) expect(arm.exposed, arm.variantId).toBeGreaterThan(0);
    expect(new Set(report.daily.map((d) => d.day)).size).toBe(14);
    expect(report.arms.reduce((n, a) => n + a.orders, 0)).toBe(attributed);
    const search = await p.client().get(`/api/storefront/products?q=${encodeURIComponent('红茶')}`);
    expect(search.body.items.map((i: { shopId: string }) => i.shopId)).toContain(tea.rows[0]!.id);
  }, 240_000);
});
