import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';

let p: TestPlatform;
let owner: Awaited<ReturnType<TestPlatform['shopOwner']>>;
beforeAll(async () => {
  p = await createTestPlatform();
  owner = await p.shopOwner();
});

const tee = (overrides: Record<string, unknown> = {}) => ({
  title: '纯棉重磅圆领T恤',
  subtitle: '260g 长绒棉',
  platformCategoryId: 'apparel.tops',
  status: 'on_shelf',
  specAxes: [
    { name: '颜色', values: ['白色', '黑色'] },
    { name: '尺码', values: ['M', 'L'] },
  ],
  skus: [
    { spec: { 颜色: '白色', 尺码: 'M' }, price: 9900, originalPrice: 12900, stock: 10, barcode: '6901234567890' },
    { spec: { 颜色: '白色', 尺码: 'L' }, price: 9900, stock: 5 },
    { spec: { 颜色: '黑色', 尺码: 'M' }, price: 10900, stock: 0 },
    { spec: { 颜色: '黑色', 尺码: 'L' }, price: 10900, stock: 3 },
  ],
  images: ['/media/x/cover.webp'],
  detailBlocks: [
    { type: 'text', text: '面料说明' },
    { type: 'image', url: '/media/x/detail.webp' },
    { type: 'video', url: '/media/x/intro.mp4' },
  ],
  ...overrides,
});

describe('products', () => {
  it('creates a product with a colour × size SKU matrix, stock per SKU, and a stock ledger', async () => {
    const res = await owner.client.post(`/api/shops/${owner.shopId}/products`, tee());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ priceMin: 9900, priceMax: 10900, status: 'on_shelf' });
    expect(res.body.skus.map((s: { available: number }) => s.available)).toEqual([10, 5, 0, 3]);
    const ledger = await p.db.execute<{ n: number }>(
      sql`select count(*)::int n from stock_movements where shop_id = ${owner.shopId} and reason = 'adjust'`,
    );
    expect(ledger.rows[0]!.n).toBe(3); // the SKU with 0 has nothing to record

    // Edit: drop one combination, change a price and a stock; SKU ids stay for the same spec.
    const skus = tee()
      .skus.filter((s) => !(s.spec.颜色 === '黑色' && s.spec.尺码 === 'M'))
      .map((s) => (s.spec.尺码 === 'L' && s.spec.颜色 === '白色' ? { ...s, price: 8900, stock: 7 } : s));
    const edited = await owner.client.request(
      'PUT',
      `/api/shops/${owner.shopId}/products/${res.body.id}`,
      tee({
        specAxes: [
          { name: '颜色', values: ['白色', '黑色'] },
          { name: '尺码', values: ['M', 'L'] },
        ],
        skus,
      }),
    );
    expect(edited.status).toBe(200);
    expect(edited.body.skus).toHaveLength(3);
    expect(edited.body.priceMin).toBe(8900);
    const whiteL = edited.body.skus.find(
      (s: { spec: Record<string, string> }) => s.spec.尺码 === 'L' && s.spec.颜色 === '白色',
    );
    expect(whiteL.id).toBe(res.body.skus[1].id);
    expect(whiteL.available).toBe(7);
  });

  it('refuses a SKU outside the axes, duplicates, bad prices and a schedule in the past, naming the fields', async () => {
    const bad = await owner.client.post(
      `/api/shops/${owner.shopId}/products`,
      tee({
        status: 'scheduled',
        onShelfAt: new Date(Date.now() - 60_000).toISOString(),
        skus: [
          { spec: { 颜色: '红色', 尺码: 'M' }, price: 100, stock: 1 },
          { spec: { 颜色: '白色', 尺码: 'M' }, price: 100, originalPrice: 50, stock: 1 },
          { spec: { 颜色: '白色', 尺码: 'M' }, price: 100, stock: 1 },
        ],
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.onShelfAt',
      'body.skus.0.spec',
      'body.skus.1.originalPrice',
      'body.skus.2.spec',
    ]);
    const zod = await owner.client.post(
      `/api/shops/${owner.shopId}/products`,
      tee({ skus: [{ spec: {}, price: -1, stock: 1.5 }], platformCategoryId: 'nope' }),
    );
    expect(zod.status).toBe(400);
    expect(zod.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['body.skus.0.price', 'body.skus.0.stock']),
    );
    const unknownCategory = await owner.client.post(
      `/api/shops/${owner.shopId}/products`,
      tee({ platformCategoryId: 'nope' }),
    );
    expect(unknownCategory.body.errors[0].field).toBe('body.platformCategoryId');
  });

  it('finds Chinese titles by any part, across shops and within one, with filters and sorting', async () => {
    const other = await p.shopOwner();
    const mk = (o: typeof owner, title: string, price: number) =>
      o.client.post(`/api/shops/${o.shopId}/products`, {
        title,
        platformCategoryId: 'tea.black',
        status: 'on_shelf',
        skus: [{ price, stock: 5 }],
      });
    await mk(owner, '正山小种红茶礼盒', 16800);
    await mk(other, '金骏眉红茶 特级', 26800);
    await mk(other, '西湖龙井绿茶', 19800);
    await mk(other, '下架的红茶', 100).then((r) =>
      other.client.post(`/api/shops/${other.shopId}/products/status`, { productIds: [r.body.id], status: 'off_shelf' }),
    );
    const titles = async (url: string) => (await p.client().get(url)).body.items.map((i: { title: string }) => i.title);
    expect(await titles(`/api/storefront/products?q=${encodeURIComponent('红茶')}&sort=price_asc`)).toEqual([
      '正山小种红茶礼盒',
      '金骏眉红茶 特级',
    ]);
    expect(await titles(`/api/storefront/products?q=${encodeURIComponent('小种')}`)).toEqual(['正山小种红茶礼盒']);
    expect(
      await titles(`/api/storefront/products?q=${encodeURIComponent('茶')}&maxPrice=20000&sort=price_desc`),
    ).toEqual(['西湖龙井绿茶', '正山小种红茶礼盒']);
    expect(await titles(`/api/storefront/shops/${other.shopId}/products?q=${encodeURIComponent('红茶')}`)).toEqual([
      '金骏眉红茶 特级',
    ]);
    expect(await titles(`/api/storefront/products?q=${encodeURIComponent('乌龙')}`)).toEqual([]);
    const workbench = await other.client.get(`/api/shops/${other.shopId}/products?status=off_shelf`);
    expect(workbench.body.items.map((i: { title: string }) => i.title)).toEqual(['下架的红茶']);
    // Paging a sorted list gives each product once.
    const first = await p.client().get('/api/storefront/products?q=%E8%8C%B6&sort=price_asc&limit=1');
    const second = await p
      .client()
      .get(`/api/storefront/products?q=%E8%8C%B6&sort=price_asc&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].title).not.toBe(first.body.items[0].title);
    expect(second.body.items[0].priceMin).toBeGreaterThanOrEqual(first.body.items[0].priceMin);
  });

  it('a scheduled product goes on the shelf by itself when its time comes; shoppers never see drafts', async () => {
    const res = await owner.client.post(
      `/api/shops/${owner.shopId}/products`,
      tee({ title: '定时上架的新品', status: 'scheduled', onShelfAt: new Date(Date.now() + 3_600_000).toISOString() }),
    );
    expect((await p.client().get(`/api/storefront/shops/${owner.shopId}/products/${res.body.id}`)).status).toBe(404);
    await p.db.execute(sql`update products set on_shelf_at = now() - interval '1 second' where id = ${res.body.id}`);
    await p.db.execute(
      sql`update jobs set run_at = now() where name = 'catalog.publish-scheduled' and status = 'queued'`,
    );
    const { catalog } = await import('./index.js');
    expect(await catalog.publishScheduled(p.db)).toBe(1);
    const visible = await p.client().get(`/api/storefront/shops/${owner.shopId}/products/${res.body.id}`);
    expect(visible.status).toBe(200);
    expect(visible.body.status).toBe('on_shelf');
  });

  it('returns the platform category tree in the reader’s language', async () => {
    const zh = await p.client('zh-CN').get('/api/platform-categories');
    const tea = zh.body.items.find((c: { id: string }) => c.id === 'tea');
    expect(tea.name).toBe('茶');
    expect(tea.children.map((c: { id: string }) => c.id)).toContain('tea.black');
    const en = await p.client('en-US').get('/api/platform-categories');
    expect(en.body.items.find((c: { id: string }) => c.id === 'tea').name).toBe('Tea');
  });
});
