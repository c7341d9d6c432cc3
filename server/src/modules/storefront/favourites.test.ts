import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { createProduct } from '../../../test/commerce.js';
import { FAVOURITES_PER_ACCOUNT } from './service.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});

const favUrl = (shopId: string, productId: string) => `/api/storefront/shops/${shopId}/products/${productId}/favourite`;
const rows = async (shopId: string, productId: string) =>
  (
    await p.db.execute<{ account_id: string }>(
      sql`select account_id from product_favourites where shop_id = ${shopId} and product_id = ${productId}`,
    )
  ).rows.map((r) => r.account_id);
const events = async (shopId: string, topic: string) =>
  (
    await p.db.execute<{ payload: { accountId: string; productId: string; favourites: number } }>(
      sql`select payload from outbox where shop_id = ${shopId} and topic = ${topic} order by id`,
    )
  ).rows.map((r) => r.payload);

describe('product favourites', () => {
  it('favourites and unfavourites idempotently, counts shoppers, and lists the product', async () => {
    const owner = await p.shopOwner('收藏小铺');
    const tea = await createProduct(owner, { title: '白毫银针', price: 16800 });
    const url = favUrl(owner.shopId, tea.id);
    const s1 = await p.signUp('shopper');
    const s2 = await p.signUp('shopper');

    expect((await p.client().get(url)).body).toEqual({ favourited: false, favourites: 0 });
    expect((await s1.client.request('PUT', url)).body).toEqual({ favourited: true, favourites: 1 });
    expect((await s1.client.request('PUT', url)).body).toEqual({ favourited: true, favourites: 1 });
    expect((await s2.client.request('PUT', url)).body).toEqual({ favourited: true, favourites: 2 });
    expect((await s1.client.get(url)).body).toEqual({ favourited: true, favourites: 2 });
    expect((await p.client().get(url)).body).toEqual({ favourited: false, favourites: 2 });

    const mine = await s1.client.get('/api/me/favourites');
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({
      items: [
        {
          shopId: owner.shopId,
          shopName: '收藏小铺',
          productId: tea.id,
          title: '白毫银针',
          image: null,
          priceMin: 16800,
          priceMax: 16800,
          onSale: true,
          favouritedAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });

    expect((await s1.client.delete(url)).body).toEqual({ favourited: false, favourites: 1 });
    expect((await s1.client.delete(url)).body).toEqual({ favourited: false, favourites: 1 });
    expect((await s1.client.get(url)).body).toEqual({ favourited: false, favourites: 1 });
    expect((await s1.client.get('/api/me/favourites')).body).toEqual({ items: [], nextCursor: null });
    expect(await rows(owner.shopId, tea.id)).toEqual([s2.accountId]);

    // Only real changes are announced.
    expect((await events(owner.shopId, 'product.favourited')).map((e) => [e.accountId, e.favourites])).toEqual([
      [s1.accountId, 1],
      [s2.accountId, 2],
    ]);
    expect((await events(owner.shopId, 'product.unfavourited')).map((e) => [e.accountId, e.favourites])).toEqual([
      [s1.accountId, 1],
    ]);
  });

  it('parallel favourites from one shopper make one row and the right count', async () => {
    const owner = await p.shopOwner();
    const tea = await createProduct(owner);
    const shopper = await p.signUp('shopper');
    const other = await p.signUp('shopper');
    expect((await other.client.request('PUT', favUrl(owner.shopId, tea.id))).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => shopper.client.request('PUT', favUrl(owner.shopId, tea.id))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(answers.map((a) => a.body)).toEqual(Array(8).fill({ favourited: true, favourites: 2 }));
    expect((await rows(owner.shopId, tea.id)).sort()).toEqual([shopper.accountId, other.accountId].sort());
    expect(await events(owner.shopId, 'product.favourited')).toHaveLength(2);
  });

  it('pages the favourites, latest first, across shops', async () => {
    const shopper = await p.signUp('shopper');
    const a = await p.shopOwner('甲店');
    const b = await p.shopOwner('乙店');
    const made = [
      { shopId: a.shopId, id: (await createProduct(a, { title: '一号' })).id },
      { shopId: b.shopId, id: (await createProduct(b, { title: '二号' })).id },
      { shopId: a.shopId, id: (await createProduct(a, { title: '三号' })).id },
    ];
    for (const m of made) expect((await shopper.client.request('PUT', favUrl(m.shopId, m.id))).status).toBe(200);
    const first = await shopper.client.get('/api/me/favourites?limit=2');
    expect(first.body.items.map((i: { title: string; shopName: string }) => [i.title, i.shopName])).toEqual([
      ['三号', '甲店'],
      ['二号', '乙店'],
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await shopper.client.get(`/api/me/favourites?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ title: '一号', productId: made[0]!.id }], nextCursor: null });
    expect((await shopper.client.get('/api/me/favourites?cursor=%%%')).status).toBe(400);
    expect((await shopper.client.get('/api/me/favourites?limit=101')).status).toBe(400);
  });

  it('a product off shelf cannot be favourited, stays listed as not on sale, and can be unfavourited', async () => {
    const owner = await p.shopOwner();
    const tea = await createProduct(owner, { title: '下架的茶' });
    const draft = await owner.client.post(`/api/shops/${owner.shopId}/products`, {
      title: '草稿',
      platformCategoryId: 'tea.black',
      status: 'draft',
      skus: [{ price: 100, stock: 1 }],
    });
    expect(draft.status).toBe(201);
    const shopper = await p.signUp('shopper');
    expect((await shopper.client.request('PUT', favUrl(owner.shopId, tea.id))).status).toBe(200);

    const off = await owner.client.post(`/api/shops/${owner.shopId}/products/status`, {
      productIds: [tea.id],
      status: 'off_shelf',
    });
    expect(off.body).toEqual({ updated: 1 });
    expect((await shopper.client.get('/api/me/favourites')).body.items).toMatchObject([
      { productId: tea.id, title: '下架的茶', onSale: false },
    ]);
    const again = await shopper.client.request('PUT', favUrl(owner.shopId, tea.id));
    expect(again.status).toBe(404);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(again.body.code).toBe('not_found');
    expect((await shopper.client.request('PUT', favUrl(owner.shopId, draft.body.id))).status).toBe(404);
    expect((await shopper.client.request('PUT', favUrl(owner.shopId, 'prd_nope'))).status).toBe(404);

    expect((await shopper.client.delete(favUrl(owner.shopId, tea.id))).body).toEqual({
      favourited: false,
      favourites: 0,
    });
    expect((await shopper.client.get('/api/me/favourites')).body.items).toEqual([]);
    expect((await shopper.client.delete('/api/storefront/shops/shp_nope/products/prd_nope/favourite')).status).toBe(
      404,
    );
  });

  it('needs a signed-in shopper to change or list favourites', async () => {
    const owner = await p.shopOwner();
    const tea = await createProduct(owner);
    const anon = p.client('zh-CN');
    for (const res of [
      await anon.request('PUT', favUrl(owner.shopId, tea.id)),
      await anon.delete(favUrl(owner.shopId, tea.id)),
      await anon.get('/api/me/favourites'),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'unauthenticated', detail: '请先登录' });
    }
    expect(await rows(owner.shopId, tea.id)).toEqual([]);
  });

  it("another shop's product in a shop's path is not found and favourites nothing", async () => {
    const a = await p.shopOwner();
    const b = await p.shopOwner();
    const bTea = await createProduct(b);
    const shopper = await p.signUp('shopper');
    const wrong = await shopper.client.request('PUT', favUrl(a.shopId, bTea.id));
    expect(wrong.status).toBe(404);
    expect(wrong.body.code).toBe('not_found');
    expect(await rows(a.shopId, bTea.id)).toEqual([]);
    expect(await rows(b.shopId, bTea.id)).toEqual([]);
    expect((await shopper.client.get(favUrl(a.shopId, bTea.id))).body).toEqual({ favourited: false, favourites: 0 });
    expect((await shopper.client.get('/api/me/favourites')).body.items).toEqual([]);
  });

  it(`keeps at most ${FAVOURITES_PER_ACCOUNT} favourites per account, also under parallel requests`, async () => {
    const owner = await p.shopOwner();
    const [t1, t2] = [await createProduct(owner), await createProduct(owner)];
    const shopper = await p.signUp('shopper', undefined);
    shopper.client.locale = 'zh-CN';
    // One short of the limit (products that no longer exist are left out of the list, not of the count).
    await p.db.execute(sql`
      insert into product_favourites (shop_id, product_id, account_id, created_at)
      select ${owner.shopId}, 'prd_gone_' || g, ${shopper.accountId}, now() - interval '1 day'
        from generate_series(1, ${FAVOURITES_PER_ACCOUNT - 1}) g`);
    const [r1, r2] = await Promise.all([
      shopper.client.request('PUT', favUrl(owner.shopId, t1.id)),
      shopper.client.request('PUT', favUrl(owner.shopId, t2.id)),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
    const full = r1.status === 409 ? r1 : r2;
    const kept = r1.status === 200 ? t1 : t2;
    const refused = r1.status === 200 ? t2 : t1;
    expect(full.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(full.body).toMatchObject({
      code: 'storefront.favourites_full',
      detail: `收藏夹已满（最多 ${FAVOURITES_PER_ACCOUNT} 件），请先移除一些再收藏`,
    });
    expect(await rows(owner.shopId, refused.id)).toEqual([]);
    // Favouriting one already kept is still fine when full; removing one makes room.
    expect((await shopper.client.request('PUT', favUrl(owner.shopId, kept.id))).status).toBe(200);
    shopper.client.locale = 'en-US';
    const enFull = await shopper.client.request('PUT', favUrl(owner.shopId, refused.id));
    expect(enFull.body.detail).toBe(`Your favourites are full (${FAVOURITES_PER_ACCOUNT} at most); remove some first`);
    expect((await shopper.client.delete(favUrl(owner.shopId, kept.id))).status).toBe(200);
    expect((await shopper.client.request('PUT', favUrl(owner.shopId, refused.id))).body).toEqual({
      favourited: true,
      favourites: 1,
    });
    const list = await shopper.client.get('/api/me/favourites?limit=5');
    expect(list.body.items.map((i: { productId: string }) => i.productId)).toEqual([refused.id]);
  });
});
