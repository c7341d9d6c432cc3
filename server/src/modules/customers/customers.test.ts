import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { createProduct, paidOrder, payOnTestPay, shopperWithAddress } from '../../../test/commerce.js';
import { customers } from './index.js';

let p: TestPlatform;
let owner: Awaited<ReturnType<TestPlatform['shopOwner']>>;

beforeAll(async () => {
  p = await createTestPlatform();
  owner = await p.shopOwner();
});

let seq = 0;
const eventId = () => `e${Date.now().toString(36)}${(seq++).toString(36).padStart(6, '0')}`;

describe('beacon', () => {
  it('keeps good events, rejects bad ones with reasons, ignores duplicate ids', async () => {
    const visitor = p.client();
    const dupId = eventId();
    const good = [
      { id: eventId(), type: 'page_view', shopId: owner.shopId },
      { id: dupId, type: 'product_view', shopId: owner.shopId, props: { productId: 'prd_x', categoryId: 'tea.black' } },
      { id: eventId(), type: 'search', shopId: owner.shopId, props: { query: '红茶' } },
    ];
    const res = await visitor.post('/api/beacon', {
      events: [
        ...good,
        { id: eventId(), type: 'teleport', shopId: owner.shopId }, // unknown type
        { id: eventId(), type: 'add_to_cart', shopId: owner.shopId }, // no productId
        { id: eventId(), type: 'page_view', shopId: 'shp_nonexistent000000' }, // unknown shop
        { id: eventId(), type: 'page_view', shopId: owner.shopId, at: '2001-01-01T00:00:00Z' }, // too old
        'not an object',
        { ...good[0] }, // same id twice in one batch
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(3);
    expect(res.body.duplicates).toBe(0);
    expect(res.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [3, 'customers.event_invalid'],
      [4, 'customers.event_invalid'],
      [5, 'customers.event_unknown_shop'],
      [6, 'customers.event_out_of_window'],
      [7, 'customers.event_invalid'],
      [8, 'customers.event_duplicate_in_batch'],
    ]);
    expect(res.body.rejected[1].fields[0].field).toBe('events.4.props.productId');
    expect(res.body.rejected[0].message).toBe('The event is malformed');

    // A resend of the same events adds nothing.
    const again = await visitor.post('/api/beacon', { events: good });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3 });
    const logged = await p.db.execute<{ n: number }>(
      sql`select count(*)::int as n from customer_events where shop_id = ${owner.shopId}`,
    );
    expect(logged.rows[0]!.n).toBe(3);
  });

  it('resends in parallel count once', async () => {
    const visitor = p.client();
    const events = Array.from({ length: 10 }, () => ({ id: eventId(), type: 'page_view', shopId: owner.shopId }));
    const results = await Promise.all(Array.from({ length: 5 }, () => visitor.post('/api/beacon', { events })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.reduce((s, r) => s + r.body.accepted, 0)).toBe(10);
    expect(results.reduce((s, r) => s + r.body.duplicates, 0)).toBe(40);
    const devices = await p.db.execute<{ n: number }>(
      sql`select count(distinct customer_no)::int as n from customer_events where shop_id = ${owner.shopId} and event_id = any(${`{${events.map((e) => e.id).join(',')}}`}::text[])`,
    );
    expect(devices.rows[0]!.n).toBe(1);
  });

  it('hands accepted events to in-process listeners', async () => {
    const seen: { shopId: string; types: string[] }[] = [];
    const stop = customers.onBehaviour((shopId, events) => {
      seen.push({ shopId, types: events.map((e) => e.type) });
    });
    await p.client().post('/api/beacon', {
      events: [
        {
          id: eventId(),
          type: 'placement_click',
          shopId: owner.shopId,
          props: { strategyId: 'stg_1', variantId: 'B', productId: 'prd_1' },
        },
        { id: eventId(), type: 'placement_click', shopId: owner.shopId }, // no strategyId: rejected
      ],
    });
    stop();
    expect(seen).toEqual([{ shopId: owner.shopId, types: ['placement_click'] }]);
  });

  it('merges the anonymous device into the shopper at sign-in', async () => {
    const shopper = await p.signUp('shopper');
    const device = p.client();
    await device.post('/api/beacon', {
      events: [
        { id: eventId(), type: 'page_view', shopId: owner.shopId },
        { id: eventId(), type: 'favourite', shopId: owner.shopId, props: { productId: 'prd_a' } },
      ],
    });
    const cookie = /qd_vid=([^;]+)/.exec(device.cookieHeader)![1]!;
    const anonymous = await customers.customerFor(p.db, owner.shopId, { deviceId: cookie });
    expect(anonymous).not.toBeNull();

    // The shopper already is a customer (followed the shop on another device) …
    await shopper.client.post(`/api/storefront/shops/${owner.shopId}/follow`);
    await p.settle();
    const known = await customers.customerFor(p.db, owner.shopId, { accountId: shopper.accountId });
    expect(known).not.toBeNull();
    expect(known!.customerNo).not.toBe(anonymous!.customerNo);

    // … then signs in on this device and browses on.
    const login = await device.post('/api/auth/login', { identifier: shopper.email, password: 'correct horse' });
    expect(login.status).toBe(200);
    await device.post('/api/beacon', {
      events: [{ id: eventId(), type: 'add_to_cart', shopId: owner.shopId, props: { productId: 'prd_a' } }],
    });
    const after = await customers.customerFor(p.db, owner.shopId, { deviceId: cookie });
    expect(after).toEqual(known);
    await p.settle();
    const detail = await owner.client.get(`/api/shops/${owner.shopId}/customers/${known!.customerNo}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ favourites: 1, addToCarts: 1, following: true, accountId: shopper.accountId });
    expect(detail.body.events.map((e: { type: string }) => e.type)).toContain('shop_followed');
    // The anonymous customer is gone from the lists and the bitmaps.
    const gone = await owner.client.get(`/api/shops/${owner.shopId}/customers/${anonymous!.customerNo}`);
    expect(gone.status).toBe(404);
    const all = await customers.segmentMembership(owner.shopId, anonymous!.customerNo, []);
    expect(all.size).toBe(0);
  });
});

describe('profiles from real orders', () => {
  it('a paid order and a refund update counts, spend, region and category', async () => {
    const { shopper, order } = await paidOrder(p, owner, { quantity: 2, price: 5000 });
    await p.settle();
    const c = await customers.customerFor(p.db, owner.shopId, { accountId: shopper.accountId });
    expect(c).not.toBeNull();
    const detail = await owner.client.get(`/api/shops/${owner.shopId}/customers/${c!.customerNo}`);
    expect(detail.body).toMatchObject({
      orderCount: 1,
      spend: order.total,
      averageOrderValue: order.total,
      region: '浙江省',
      topCategory: 'tea.black',
    });
    expect(detail.body.firstOrderAt).not.toBeNull();
    expect(detail.body.tags).toEqual(
      expect.arrayContaining([
        { tagId: 'sys.buyer', value: 'yes' },
        { tagId: 'sys.lifecycle', value: 'new' },
        { tagId: 'sys.category', value: 'tea.black' },
      ]),
    );

    // Refund the whole order through after-sales.
    const aftersale = await shopper.client.post(`/api/me/orders/${owner.shopId}/${order.id}/aftersales`, {
      type: 'refund_only',
      reason: '不想要了',
      lines: [{ lineNo: 1, quantity: 2 }],
    });
    expect(aftersale.status).toBe(201);
    const approved = await owner.client.post(`/api/shops/${owner.shopId}/aftersales/${aftersale.body.id}/approve`);
    expect(approved.status).toBeLessThan(300);
    await p.settle();
    const refunded = await owner.client.get(`/api/shops/${owner.shopId}/customers/${c!.customerNo}`);
    expect(refunded.body.refunded).toBeGreaterThan(0);
    expect(refunded.body.spend).toBe(order.total - refunded.body.refunded);
    expect(refunded.body.orderCount).toBe(1);
  });

  it('parallel checkouts by one shopper count every order exactly once', async () => {
    const product = await createProduct(owner, { stock: 50, price: 1000 });
    const shopper = await shopperWithAddress(p);
    const placed = await Promise.all(
      Array.from({ length: 4 }, () =>
        shopper.client.post('/api/checkout', {
          lines: [{ shopId: owner.shopId, skuId: product.skus[0]!.id, quantity: 1 }],
          addressId: shopper.addressId,
        }),
      ),
    );
    await Promise.all(placed.map((r) => payOnTestPay(p, r.body.payUrl)));
    await p.settle();
    const c = await customers.customerFor(p.db, owner.shopId, { accountId: shopper.accountId });
    const detail = await owner.client.get(`/api/shops/${owner.shopId}/customers/${c!.customerNo}`);
    const total = placed.reduce((s, r) => s + (r.body.orders[0].total as number), 0);
    expect(detail.body).toMatchObject({ orderCount: 4, spend: total });
    const rows = await p.db.execute<{ n: number }>(
      sql`select count(*)::int as n from customers where shop_id = ${owner.shopId} and account_id = ${shopper.accountId}`,
    );
    expect(rows.rows[0]!.n).toBe(1);
  });
});
