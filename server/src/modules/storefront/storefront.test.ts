import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, licence, type TestPlatform } from '../../../test/app.js';
import { createProduct } from '../../../test/commerce.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});

type Owner = Awaited<ReturnType<TestPlatform['shopOwner']>>;
async function member(owner: Owner, role: string) {
  const person = await p.signUp('merchant');
  await owner.client.post(`/api/shops/${owner.shopId}/invitations`, { identifier: person.email, role });
  const [inv] = (await person.client.get('/api/me/invitations')).body.items;
  expect((await person.client.post(`/api/me/invitations/${inv.id}/accept`)).status).toBe(200);
  return person;
}
const events = async (shopId: string, topic: string) =>
  (
    await p.db.execute<{ payload: { accountId: string; followers: number } }>(
      sql`select payload from outbox where shop_id = ${shopId} and topic = ${topic} order by id`,
    )
  ).rows.map((r) => r.payload);

describe('shop decoration', () => {
  it('saves banners and a notice, validates links, and needs marketing.manage to change', async () => {
    const owner = await p.shopOwner();
    const url = `/api/shops/${owner.shopId}/decoration`;
    expect((await owner.client.get(url)).body).toEqual({ banners: [], notice: null, updatedAt: null });

    const saved = await owner.client.request('PUT', url, {
      banners: [
        { imageUrl: '/media/banner-1.jpg', title: '新茶上市', link: `/m/shops/${owner.shopId}` },
        { imageUrl: 'https://cdn.example.com/b2.png' },
      ],
      notice: '  全场满 99 包邮  ',
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      banners: [
        { imageUrl: '/media/banner-1.jpg', title: '新茶上市', link: `/m/shops/${owner.shopId}` },
        { imageUrl: 'https://cdn.example.com/b2.png', title: null, link: null },
      ],
      notice: '全场满 99 包邮',
    });
    expect(saved.body.updatedAt).toEqual(expect.any(String));

    const badImage = await owner.client.request('PUT', url, {
      banners: [{ imageUrl: 'javascript:alert(1)' }],
      notice: null,
    });
    expect(badImage.status).toBe(400);
    expect(badImage.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.banners.0.imageUrl']);
    const badLink = await owner.client.request('PUT', url, {
      banners: [{ imageUrl: '/media/x.jpg', link: '//evil.example.com' }],
    });
    expect(badLink.status).toBe(400);
    expect(badLink.body.errors[0].field).toBe('body.banners.0.link');
    expect(badLink.body.errors[0].message).toMatch(/path on this site/);
    const tooMany = await owner.client.request('PUT', url, {
      banners: Array.from({ length: 6 }, () => ({ imageUrl: '/media/x.jpg' })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('body.banners');
    expect((await owner.client.get(url)).body.notice).toBe('全场满 99 包邮'); // nothing written by the bad requests

    const cs = await member(owner, 'customer_service');
    expect((await cs.client.get(url)).status).toBe(200);
    expect((await cs.client.request('PUT', url, { banners: [], notice: null })).status).toBe(403);
    const cleared = await owner.client.request('PUT', url, { banners: [], notice: '' });
    expect(cleared.body).toMatchObject({ banners: [], notice: null });
  });
});

describe('storefront home and follows', () => {
  it('shows the shop, its notice, banners, categories and best sellers; counts followers idempotently', async () => {
    const owner = await p.shopOwner('茶语小铺');
    const category = (await owner.client.post(`/api/shops/${owner.shopId}/categories`, { name: '红茶' })).body;
    const low = await createProduct(owner, { title: '滇红', price: 3000 });
    const high = await createProduct(owner, { title: '金骏眉', price: 9000 });
    await p.db.execute(sql`update products set sales_count = 7 where shop_id = ${owner.shopId} and id = ${high.id}`);
    await owner.client.request('PUT', `/api/shops/${owner.shopId}/decoration`, {
      banners: [{ imageUrl: '/media/b.jpg', title: '春茶' }],
      notice: '今日发货',
    });

    const anon = p.client();
    const home = await anon.get(`/api/storefront/shops/${owner.shopId}/home`);
    expect(home.status).toBe(200);
    expect(home.body).toMatchObject({
      shop: {
        id: owner.shopId,
        name: '茶语小铺',
        logoUrl: null,
        mainCategory: 'food',
        mainCategoryName: 'Food, tea & drinks',
        followers: 0,
        followed: false,
      },
      notice: '今日发货',
      banners: [{ imageUrl: '/media/b.jpg', title: '春茶', link: null }],
      categories: [{ id: category.id, name: '红茶' }],
      products: { nextCursor: null },
    });
    expect(home.body.products.items.map((c: { id: string }) => c.id)).toEqual([high.id, low.id]);
    expect(String(home.headers['set-cookie'])).toMatch(/qd_vid=/);

    const url = `/api/storefront/shops/${owner.shopId}/follow`;
    expect((await anon.post(url)).status).toBe(401);
    const s1 = await p.signUp('shopper');
    const s2 = await p.signUp('shopper');
    expect((await s1.client.post(url)).body).toEqual({ followed: true, followers: 1 });
    expect((await s1.client.post(url)).body).toEqual({ followed: true, followers: 1 });
    expect((await s2.client.post(url)).body).toEqual({ followed: true, followers: 2 });
    expect((await s1.client.get(`/api/storefront/shops/${owner.shopId}/home`)).body.shop).toMatchObject({
      followers: 2,
      followed: true,
    });

    const mine = await s1.client.get('/api/me/follows');
    expect(mine.body).toMatchObject({
      items: [{ shopId: owner.shopId, name: '茶语小铺', logoUrl: null, mainCategory: 'food', open: true }],
      nextCursor: null,
    });

    expect((await s1.client.delete(url)).body).toEqual({ followed: false, followers: 1 });
    expect((await s1.client.delete(url)).body).toEqual({ followed: false, followers: 1 });
    expect((await s1.client.get(`/api/storefront/shops/${owner.shopId}/home`)).body.shop).toMatchObject({
      followers: 1,
      followed: false,
    });
    expect((await s1.client.get('/api/me/follows')).body.items).toEqual([]);

    // Only real changes are announced.
    expect((await events(owner.shopId, 'shop.followed')).map((e) => [e.accountId, e.followers])).toEqual([
      [s1.accountId, 1],
      [s2.accountId, 2],
    ]);
    expect((await events(owner.shopId, 'shop.unfollowed')).map((e) => [e.accountId, e.followers])).toEqual([
      [s1.accountId, 1],
    ]);
  });

  it('pages the followed shops, latest first', async () => {
    const shopper = await p.signUp('shopper');
    const shops = [await p.shopOwner(), await p.shopOwner(), await p.shopOwner()];
    for (const s of shops)
      expect((await shopper.client.post(`/api/storefront/shops/${s.shopId}/follow`)).status).toBe(200);
    const first = await shopper.client.get('/api/me/follows?limit=2');
    expect(first.body.items.map((i: { shopId: string }) => i.shopId)).toEqual([shops[2]!.shopId, shops[1]!.shopId]);
    const second = await shopper.client.get(`/api/me/follows?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ shopId: shops[0]!.shopId }], nextCursor: null });
    expect((await shopper.client.get('/api/me/follows?cursor=%%%')).status).toBe(400);
  });

  it('a shop that is not open has no storefront and cannot be followed', async () => {
    const merchant = await p.signUp('merchant');
    const applied = await merchant.client.post('/api/shop-applications', {
      name: '待审核小店',
      mainCategory: 'food',
      contactName: 'Owner',
      contactPhone: '13900000000',
      licenceNo: licence(),
    });
    const pendingId = applied.body.shop.id as string;
    const shopper = await p.signUp('shopper');
    const home = await shopper.client.get(`/api/storefront/shops/${pendingId}/home`);
    expect(home.status).toBe(404);
    expect(home.body.code).toBe('not_found');
    expect((await shopper.client.post(`/api/storefront/shops/${pendingId}/follow`)).status).toBe(404);
    expect((await shopper.client.get('/api/storefront/shops/shp_nope/home')).status).toBe(404);
    expect((await shopper.client.delete('/api/storefront/shops/shp_nope/follow')).status).toBe(404);
    const visits = await p.db.execute(sql`select 1 from shop_visits where shop_id = ${pendingId}`);
    expect(visits.rows).toHaveLength(0);
  });
});
