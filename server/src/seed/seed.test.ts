import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTestPlatform } from '../../test/app.js';
import { loadConfig } from '../kernel/config.js';
import { APPAREL_PRODUCTS, TEA_PRODUCTS } from './catalog-data.js';
import { seedDemo } from './index.js';

describe('demo seed', () => {
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
          (select count(*)::int from orders where paid_at is not null) as paid`)
      ).rows[0]!;
    await seedDemo(p.db, config, p.app.log);
    const first = await counts();
    expect(first).toMatchObject({
      accounts: 12 + 24,
      shops: 3,
      members: 9,
      products: TEA_PRODUCTS.length + APPAREL_PRODUCTS.length,
      orders: 48,
      paid: 40,
    });
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
    const search = await p.client().get(`/api/storefront/products?q=${encodeURIComponent('红茶')}`);
    expect(search.body.items.map((i: { shopId: string }) => i.shopId)).toContain(tea.rows[0]!.id);
  }, 120_000);
});
