import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, uniqueEmail, type Client, type TestPlatform } from '../../../test/app.js';
import { createProduct, payOnTestPay, shopperWithAddress } from '../../../test/commerce.js';
import { withShop } from '../../kernel/db/tenant.js';
import { inventory } from '../inventory/index.js';
import { parseVerifyInput, pickupVerifyUrl } from './qr.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});

type Owner = { client: Client; shopId: string; accountId: string };
const HOURS = [{ days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '24:00' }];

const rows = async <T>(q: ReturnType<typeof sql>) => (await p.db.execute(q)).rows as T[];
const stockAt = async (skuId: string, locationId: string) =>
  (
    await rows<{ on_hand: number; reserved: number }>(
      sql`select on_hand, reserved from stock_levels where sku_id = ${skuId} and location_id = ${locationId}`,
    )
  )[0];

/** A store near West Lake (Hangzhou) with `stock` units of each SKU. */
async function store(
  owner: Owner,
  skuIds: string[],
  opts: { name: string; code: string; lat: number; lng: number; stock?: number; canShip?: boolean; active?: boolean },
) {
  return withShop(p.db, owner.shopId, async (tx) => {
    const loc = await inventory.saveLocation(tx, owner.shopId, {
      name: opts.name,
      kind: 'store',
      code: opts.code,
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      address: `${opts.name} 1 号`,
      lat: opts.lat,
      lng: opts.lng,
      openingHours: HOURS,
      canShip: opts.canShip ?? true,
      canPickup: true,
      active: opts.active ?? true,
    });
    for (const skuId of skuIds)
      await inventory.setStock(
        tx,
        owner.shopId,
        skuId,
        opts.stock ?? 5,
        { type: 'test', id: `${loc.id}:${skuId}` },
        {
          locationId: loc.id,
        },
      );
    return loc.id;
  });
}

async function pickupOrder(owner: Owner, skuId: string, locationId: string, quantity = 2) {
  const shopper = await shopperWithAddress(p);
  const placed = await shopper.client.post('/api/checkout', {
    lines: [{ shopId: owner.shopId, skuId, quantity }],
    addressId: shopper.addressId,
    delivery: { [owner.shopId]: { mode: 'pickup', locationId } },
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  await payOnTestPay(p, placed.body.payUrl);
  await p.settle();
  const order = placed.body.orders[0] as { id: string; total: number };
  const pickup = await shopper.client.get(`/api/me/orders/${owner.shopId}/${order.id}/pickup`);
  expect(pickup.status).toBe(200);
  return {
    shopper,
    order,
    pickup: pickup.body.items[0] as { code: string; qr: string; status: string; expiresAt: string },
  };
}

async function staffMember(owner: Owner, role: 'store_manager' | 'shopping_guide') {
  const email = uniqueEmail(role);
  await owner.client.post(`/api/shops/${owner.shopId}/invitations`, { identifier: email, role });
  const member = await p.signUp('merchant', email);
  const inbox = await member.client.get('/api/me/invitations');
  await member.client.post(`/api/me/invitations/${inbox.body.items[0].id}/accept`);
  return member;
}

describe('stores for shoppers', () => {
  it('lists pickup stores nearest first with their stock of the cart lines', async () => {
    const owner = await p.shopOwner();
    const product = await createProduct(owner, { stock: 50, price: 3000 });
    const sku = product.skus[0]!.id;
    const far = await store(owner, [sku], { name: '滨江店', code: 'S-BJ', lat: 30.2084, lng: 120.2119, stock: 1 });
    const near = await store(owner, [sku], { name: '湖滨店', code: 'S-HB', lat: 30.2592, lng: 120.1636, stock: 9 });
    const res = await p
      .client()
      .get(`/api/storefront/shops/${owner.shopId}/pickup-stores?lines=${sku}:2&lat=30.26&lng=120.16`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((s: { id: string }) => s.id)).toEqual([near, far]);
    expect(res.body.items[0]).toMatchObject({
      enough: true,
      openNow: true,
      lines: [{ skuId: sku, quantity: 2, available: 9 }],
    });
    expect(res.body.items[1]).toMatchObject({ enough: false, lines: [{ available: 1 }] });
    expect(res.body.items[0].distanceKm).toBeLessThan(res.body.items[1].distanceKm);
    // From the address's city when the browser gives no position: still a distance.
    const byCity = await p
      .client()
      .get(`/api/storefront/shops/${owner.shopId}/pickup-stores?lines=${sku}:1&city=杭州市`);
    expect(byCity.body.items.every((s: { distanceKm: number | null }) => s.distanceKm !== null)).toBe(true);
    const bad = await p.client().get(`/api/storefront/shops/${owner.shopId}/pickup-stores?lines=nonsense`);
    expect(bad.status).toBe(400);
  });

  it("shows a product's stock in one store and the guide named by a code", async () => {
    const owner = await p.shopOwner();
    const product = await createProduct(owner, { stock: 50, colours: ['红', '黑'] });
    const [red, black] = product.skus.map((s) => s.id);
    const loc = await store(owner, [red!], { name: '湖滨店', code: 'S-HB', lat: 30.2592, lng: 120.1636, stock: 4 });
    const guide = await owner.client.post(`/api/shops/${owner.shopId}/o2o/guides`, { name: '小王', locationId: loc });
    expect(guide.status).toBe(201);
    const res = await p
      .client()
      .get(`/api/storefront/shops/${owner.shopId}/stores/${loc}/products/${product.id}?guide=${guide.body.code}`);
    expect(res.status).toBe(200);
    expect(res.body.skus).toEqual([
      { skuId: red, available: 4 },
      { skuId: black, available: 0 },
    ]);
    expect(res.body.guide).toEqual({ code: guide.body.code, name: '小王' });
    const unknownGuide = await p
      .client()
      .get(`/api/storefront/shops/${owner.shopId}/stores/${loc}/products/${product.id}?guide=NOPE99`);
    expect(unknownGuide.body.guide).toBeNull();
  });
});

describe('pickup codes', () => {
  it('a pickup needs only who collects, not an address; what ships still needs one', async () => {
    const owner = await p.shopOwner();
    const product = await createProduct(owner, { stock: 50, price: 3000 });
    const sku = product.skus[0]!.id;
    const hubin = await store(owner, [sku], { name: '湖滨店', code: 'S-HB', lat: 30.2592, lng: 120.1636 });
    const shopper = await p.signUp('shopper');
    const lines = [{ shopId: owner.shopId, skuId: sku, quantity: 1 }];
    const pickup = { [owner.shopId]: { mode: 'pickup', locationId: hubin } };
    const refused = async (body: object, field: string) => {
      const res = await shopper.client.post('/api/checkout', body, { 'accept-language': 'en-US' });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field, code: 'required' })]);
      expect(res.body.errors[0].message).not.toBe('required');
    };
    await refused({ lines }, 'body.addressId');
    await refused({ lines, contact: { name: '李四', phone: '13900139000' } }, 'body.addressId');
    await refused({ lines, delivery: pickup }, 'body.contact');
    const badPhone = await shopper.client.post('/api/checkout', {
      lines,
      delivery: pickup,
      contact: { name: '李四', phone: '12' },
    });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.errors[0].field).toBe('body.contact.phone');
    expect(await rows(sql`select 1 from orders where shop_id = ${owner.shopId}`)).toHaveLength(0);
    expect(await stockAt(sku, hubin)).toEqual({ on_hand: 5, reserved: 0 });

    const placed = await shopper.client.post('/api/checkout', {
      lines,
      delivery: pickup,
      contact: { name: '李四', phone: '13900139000' },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const order = await shopper.client.get(`/api/me/orders/${owner.shopId}/${placed.body.orders[0].id}`);
    expect(order.body).toMatchObject({
      fulfilment: 'pickup',
      address: { name: '李四', phone: '13900139000', province: '', detail: '' },
    });
    expect(await stockAt(sku, hubin)).toEqual({ on_hand: 5, reserved: 1 });
  });

  it('issues a code and QR on payment; staff verify once, at the right store only; the stock leaves the store', async () => {
    const owner = await p.shopOwner();
    const product = await createProduct(owner, { stock: 50, price: 3000 });
    const sku = product.skus[0]!.id;
    const hubin = await store(owner, [sku], { name: '湖滨店', code: 'S-HB', lat: 30.2592, lng: 120.1636 });
    const binjiang = await store(owner, [sku], { name: '滨江店', code: 'S-BJ', lat: 30.2084, lng: 120.2119 });
    const { shopper, order, pickup } = await pickupOrder(owner, sku, hubin, 2);
    expect(pickup.code).toMatch(/^\d{8}$/);
    expect(pickup.qr).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(pickup.status).toBe('open');
    expect(await stockAt(sku, hubin)).toEqual({ on_hand: 5, reserved: 2 });
    // Nobody else reads the code.
    const stranger = await shopperWithAddress(p);
    expect((await stranger.client.get(`/api/me/orders/${owner.shopId}/${order.id}/pickup`)).status).toBe(404);

    const verifyAt = (loc: string, code: string, c: Client = owner.client, headers?: Record<string, string>) =>
      c.post(`/api/shops/${owner.shopId}/o2o/stores/${loc}/pickups/verify`, { code }, headers);
    const wrong = await verifyAt(hubin, pickup.code === '00000000' ? '00000001' : '00000000');
    expect(wrong.status).toBe(404);
    expect(wrong.body.code).toBe('o2o.pickup_code_unknown');
    owner.client.locale = 'zh-CN';
    const wrongZh = await verifyAt(hubin, pickup.code === '00000000' ? '00000001' : '00000000');
    expect(wrongZh.body.title).toBe('取货码不存在或已失效，请核对后重试');
    owner.client.locale = 'en-US';
    const format = await verifyAt(hubin, '12ab');
    expect(format.status).toBe(400);
    const otherStore = await verifyAt(binjiang, pickup.code);
    expect(otherStore.status).toBe(409);
    expect(otherStore.body.code).toBe('o2o.pickup_other_store');
    expect(otherStore.body.title).toBe('This code is for another store (湖滨店); the shopper collects there');

    // Five staff verify at once (typed or scanned): one hand-over, the others are told it is done.
    const scanned = pickupVerifyUrl('http://x', owner.shopId, pickup.code);
    const results = await Promise.all([
      verifyAt(hubin, pickup.code),
      verifyAt(hubin, scanned),
      verifyAt(hubin, pickup.code),
      verifyAt(hubin, ` ${pickup.code} `),
      verifyAt(hubin, scanned),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'o2o.pickup_already_collected')).toBe(
      true,
    );
    const ok = results.find((r) => r.status === 200)!;
    expect(ok.body).toMatchObject({ status: 'picked_up', orderId: order.id, contactPhone: '138****8000' });
    await p.settle();
    expect(await stockAt(sku, hubin)).toEqual({ on_hand: 3, reserved: 0 });
    const after = await shopper.client.get(`/api/me/orders/${owner.shopId}/${order.id}`);
    // Handed over the counter: nothing is left for the shopper to confirm.
    expect(after.body.status).toBe('received');
    expect(after.body.shipments[0]).toMatchObject({ status: 'picked_up', locationId: hubin });
    const mine = await shopper.client.get(`/api/me/orders/${owner.shopId}/${order.id}/pickup`);
    expect(mine.body.items[0]).toMatchObject({ status: 'picked_up', qr: null });

    // A replay with the same Idempotency-Key answers as the first time.
    const { pickup: second } = await pickupOrder(owner, sku, hubin, 1);
    const key = { 'idempotency-key': `verify-${second.code}` };
    const first = await verifyAt(hubin, second.code, owner.client, key);
    const replay = await verifyAt(hubin, second.code, owner.client, key);
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    await p.settle();
    expect(await stockAt(sku, hubin)).toEqual({ on_hand: 2, reserved: 0 });
  });

  it('store staff work only at their stores; the list shows the store’s pickups', async () => {
    const owner = await p.shopOwner();
    const product = await createProduct(owner, { stock: 50 });
    const sku = product.skus[0]!.id;
    const hubin = await store(owner, [sku], { name: '湖滨店', code: 'S-HB', lat: 30.2592, lng: 120.1636 });
    const binjiang = await store(owner, [sku], { name: '滨江店', code: 'S-BJ', lat: 30.2084, lng: 120.2119 });
    const manager = await staffMember(owner, 'store_manager');
    expect((await manager.client.get(`/api/shops/${owner.shopId}/o2o/stores`)).body.items).toEqual([]);
    const { pickup } = await pickupOrder(owner, sku, hubin, 1);
    const denied = await manager.client.post(`/api/shops/${owner.shopId}/o2o/stores/${hubin}/pickups/verify`, {
      code: pickup.code,
    });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('o2o.not_your_store');
    const assigned = await owner.client.request('PUT', `/api/shops/${owner.shopId}/o2o/stores/${hubin}/staff`, {
      accountIds: [manager.accountId],
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body.items).toEqual([
      expect.objectContaining({ accountId: manager.accountId, role: 'store_manager' }),
    ]);
    const outsider = await p.signUp('merchant');
    const notMember = await owner.client.request('PUT', `/api/shops/${owner.shopId}/o2o/stores/${hubin}/staff`, {
      accountIds: [outsider.accountId],
    });
    expect(notMember.status).toBe(400);
    const stores = await manager.client.get(`/api/shops/${owner.shopId}/o2o/stores`);
    expect(stores.body.items.map((s: { id: string }) => s.id)).toEqual([hubin]);
    const list = await manager.client.get(`/api/shops/${owner.shopId}/o2o/stores/${hubin}/pickups?status=open`);
    expect(list.body.items).toEqual([expect.objectContaining({ status: 'open', lines: [expect.anything()] })]);
    // Staff never read the code from the list: they must get it from the shopper.
    expect(JSON.stringify(list.body)).not.toContain(pickup.code);
    expect((await manager.client.get(`/api/shops/${owner.shopId}/o2o/stores/${binjiang}/pickups`)).status).toBe(403);
    const verified = await manager.client.post(`/api/shops/${owner.shopId}/o2o/stores/${hubin}/pickups/verify`, {
      code: pickup.code,
    });
    expect(verified.status).toBe(200);
    expect(verified.body.verifiedBy).toBe(manager.accountId);
  });

  it('a pickup not collected in time is cancelled and refunded, and the stock returns', async () => {
    const owner = await p.shopOwner();
    const saved = await owner.client.request('PUT', `/api/shops/${owner.shopId}/o2o/settings`, {
      pickupTimeoutHours: 2,
    });
    expect(saved.body).toEqual({ pickupTimeoutHours: 2 });
    const product = await createProduct(owner, { stock: 50, price: 4500 });
    const sku = product.skus[0]!.id;
    const hubin = await store(owner, [sku], { name: '湖滨店', code: 'S-HB', lat: 30.2592, lng: 120.1636 });
    const { shopper, order, pickup } = await pickupOrder(owner, sku, hubin, 3);
    const hours = (Date.parse(pickup.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(1.9);
    expect(hours).toBeLessThanOrEqual(2);
    expect(await stockAt(sku, hubin)).toEqual({ on_hand: 5, reserved: 3 });
    // Two hours pass.
    await p.db.execute(
      sql`update pickup_codes set expires_at = now() - interval '1 second' where shop_id = ${owner.shopId}`,
    );
    await p.db.execute(
      sql`update jobs set run_at = now() - interval '1 second' where name = 'o2o.pickup-expire' and payload->>'shopId' = ${owner.shopId}`,
    );
    await p.settle();
    expect(await stockAt(sku, hubin)).toEqual({ on_hand: 5, reserved: 0 });
    const o = await shopper.client.get(`/api/me/orders/${owner.shopId}/${order.id}`);
    expect(o.body).toMatchObject({ status: 'closed', refundedAmount: order.total, paidAmount: order.total });
    expect(o.body.shipments[0].status).toBe('cancelled');
    const late = await owner.client.post(`/api/shops/${owner.shopId}/o2o/stores/${hubin}/pickups/verify`, {
      code: pickup.code,
    });
    expect(late.status).toBe(404);
    const mine = await shopper.client.get(`/api/me/orders/${owner.shopId}/${order.id}/pickup`);
    expect(mine.body.items[0].status).toBe('expired');
    // Running the job again changes nothing (no second refund).
    await p.db.execute(
      sql`insert into jobs (id, name, payload, run_at) select 'job_again_' || shipment_id, 'o2o.pickup-expire', jsonb_build_object('shopId', shop_id, 'shipmentId', shipment_id), now() from pickup_codes where shop_id = ${owner.shopId}`,
    );
    await p.settle();
    const refunds = await rows<{ n: number }>(
      sql`select count(*)::int n from refunds where shop_id = ${owner.shopId} and order_id = ${order.id}`,
    );
    expect(refunds[0]!.n).toBe(1);
  });

  it('verification racing the timeout: exactly one wins, and money and stock agree with it', async () => {
    const owner = await p.shopOwner();
    const product = await createProduct(owner, { stock: 50, price: 2000 });
    const sku = product.skus[0]!.id;
    const hubin = await store(owner, [sku], { name: '湖滨店', code: 'S-HB', lat: 30.2592, lng: 120.1636, stock: 30 });
    for (let round = 0; round < 4; round++) {
      const { shopper, order, pickup } = await pickupOrder(owner, sku, hubin, 1);
      const before = await stockAt(sku, hubin);
      await p.db.execute(
        sql`update pickup_codes set expires_at = now() - interval '1 second' where shop_id = ${owner.shopId} and order_id = ${order.id}`,
      );
      const { o2o } = await import('./index.js');
      const [verified] = await Promise.all([
        owner.client.post(`/api/shops/${owner.shopId}/o2o/stores/${hubin}/pickups/verify`, { code: pickup.code }),
        o2o.expirePickup(
          p.db,
          owner.shopId,
          (
            await rows<{ shipment_id: string }>(sql`select shipment_id from pickup_codes where order_id = ${order.id}`)
          )[0]!.shipment_id,
        ),
      ]);
      await p.settle();
      const o = await shopper.client.get(`/api/me/orders/${owner.shopId}/${order.id}`);
      const after = await stockAt(sku, hubin);
      if (verified.status === 200) {
        expect(o.body).toMatchObject({ status: 'received', refundedAmount: 0 });
        expect(after).toEqual({ on_hand: before!.on_hand - 1, reserved: before!.reserved - 1 });
      } else {
        expect(verified.status).toBe(404);
        expect(o.body).toMatchObject({ status: 'closed', refundedAmount: order.total });
        expect(after).toEqual({ on_hand: before!.on_hand, reserved: before!.reserved - 1 });
      }
    }
  });

  it('codes are unique among open pickups even when many are issued at once', async () => {
    const owner = await p.shopOwner();
    const product = await createProduct(owner, { stock: 50, price: 1000 });
    const sku = product.skus[0]!.id;
    const hubin = await store(owner, [sku], { name: '湖滨店', code: 'S-HB', lat: 30.2592, lng: 120.1636, stock: 40 });
    const placed = await Promise.all(Array.from({ length: 8 }, () => pickupOrder(owner, sku, hubin, 1)));
    const codes = placed.map((x) => x.pickup.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(await stockAt(sku, hubin)).toEqual({ on_hand: 40, reserved: 8 });
  });
});

describe('the verify input', () => {
  it('reads a typed code or the scanned QR, nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.string({ maxLength: 12 }), (n, shop) => {
        const code = String(n).padStart(8, '0');
        expect(parseVerifyInput(code)).toEqual({ code });
        expect(parseVerifyInput(`${code.slice(0, 4)} ${code.slice(4)}`)).toEqual({ code });
        const shopId = `shp_${shop.replace(/[^a-z0-9]/gi, '') || 'x'}`;
        expect(parseVerifyInput(pickupVerifyUrl('https://shop.example', shopId, code))).toEqual({ code, shopId });
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const r = parseVerifyInput(s);
        if (r) expect(r.code).toMatch(/^\d{8}$/);
        else expect(s.replace(/[\s-]/g, '')).not.toMatch(/^\d{8}$/);
      }),
    );
  });
});

describe('grab pool and ship from store', () => {
  it('two stores accept the same pooled order at once: one wins, ships it from the store', async () => {
    const owner = await p.shopOwner();
    const product = await createProduct(owner, { stock: 50, price: 8000 });
    const sku = product.skus[0]!.id;
    const a = await store(owner, [sku], { name: '湖滨店', code: 'S-HB', lat: 30.2592, lng: 120.1636 });
    const b = await store(owner, [sku], { name: '武林店', code: 'S-WL', lat: 30.2769, lng: 120.1647 });
    const rules = await owner.client.request('PUT', `/api/shops/${owner.shopId}/routing/rules`, {
      rules: [
        { kind: 'grab_pool', enabled: true, params: { radiusKm: 20, timeoutMinutes: 30 } },
        { kind: 'single_location', enabled: true },
        { kind: 'split', enabled: true },
      ],
    });
    expect(rules.status, JSON.stringify(rules.body)).toBe(200);
    const shopper = await shopperWithAddress(p);
    const placed = await shopper.client.post('/api/checkout', {
      lines: [{ shopId: owner.shopId, skuId: sku, quantity: 1 }],
      addressId: shopper.addressId,
    });
    await payOnTestPay(p, placed.body.payUrl);
    await p.settle();
    const pool = await owner.client.get(`/api/shops/${owner.shopId}/o2o/stores/${a}/pool`);
    expect(pool.status).toBe(200);
    expect(pool.body.offers).toHaveLength(1);
    const offer = pool.body.offers[0];
    expect(offer).toMatchObject({ canFill: true, radiusKm: 20 });
    expect(offer.distanceKm).toBeGreaterThanOrEqual(0);
    const accept = (loc: string) =>
      owner.client.post(`/api/shops/${owner.shopId}/o2o/stores/${loc}/pool/${offer.shipmentId}/accept`);
    const [ra, rb] = await Promise.all([accept(a), accept(b)]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(loser.body.code).toBe('fulfillment.already_claimed');
    const winner = ra.status === 200 ? a : b;
    await p.settle();
    const after = await owner.client.get(`/api/shops/${owner.shopId}/o2o/stores/${a}/pool`);
    expect(after.body.offers).toEqual([]);
    expect(after.body.recentClaims).toEqual([
      expect.objectContaining({ shipmentId: offer.shipmentId, locationId: winner, mine: winner === a }),
    ]);
    const parcels = await owner.client.get(`/api/shops/${owner.shopId}/o2o/stores/${winner}/shipments`);
    expect(parcels.body.items).toEqual([expect.objectContaining({ shipmentId: offer.shipmentId })]);
    expect(await stockAt(sku, winner)).toEqual({ on_hand: 5, reserved: 1 });
    const otherStore = winner === a ? b : a;
    const wrongStore = await owner.client.post(
      `/api/shops/${owner.shopId}/o2o/stores/${otherStore}/shipments/${offer.shipmentId}/ship`,
      { carrier: '顺丰速运', trackingNo: 'SF1234567890' },
    );
    expect(wrongStore.status).toBe(409);
    const shipped = await owner.client.post(
      `/api/shops/${owner.shopId}/o2o/stores/${winner}/shipments/${offer.shipmentId}/ship`,
      { carrier: '顺丰速运', trackingNo: 'SF1234567890' },
    );
    expect(shipped.status).toBe(200);
    await p.settle();
    expect(await stockAt(sku, winner)).toEqual({ on_hand: 4, reserved: 0 });
    expect((await owner.client.get(`/api/shops/${owner.shopId}/o2o/stores/${winner}/shipments`)).body.items).toEqual(
      [],
    );
    expect((await shopper.client.get(`/api/me/orders/${owner.shopId}/${placed.body.orders[0].id}`)).body.status).toBe(
      'shipped',
    );
  });
});

describe('shopping guides and shelf codes', () => {
  it('makes guides with unique codes and a shelf sheet per store', async () => {
    const owner = await p.shopOwner();
    const product = await createProduct(owner, { stock: 50 });
    const loc = await store(owner, [product.skus[0]!.id], {
      name: '湖滨店',
      code: 'S-HB',
      lat: 30.2592,
      lng: 120.1636,
    });
    const g = await owner.client.post(`/api/shops/${owner.shopId}/o2o/guides`, {
      name: '小李',
      locationId: loc,
      code: 'li01',
    });
    expect(g.status).toBe(201);
    expect(g.body).toMatchObject({ code: 'LI01', storeName: '湖滨店', active: true });
    expect(g.body.url).toContain(`store=${loc}`);
    const dup = await owner.client.post(`/api/shops/${owner.shopId}/o2o/guides`, {
      name: '小张',
      locationId: loc,
      code: 'LI01',
    });
    expect(dup.status).toBe(400);
    expect(dup.body.code).toBe('o2o.guide_code_taken');
    const sheet = await owner.client.get(`/api/shops/${owner.shopId}/o2o/stores/${loc}/shelf-codes?guideCode=LI01`);
    expect(sheet.status).toBe(200);
    expect(sheet.body.items).toEqual([
      expect.objectContaining({
        productId: product.id,
        storeAvailable: 5,
        url: expect.stringMatching(
          new RegExp(`/m/shops/${owner.shopId}/products/${product.id}\\?store=${loc}&guide=LI01$`),
        ),
        qr: expect.stringMatching(/^data:image\/svg\+xml;base64,/),
      }),
    ]);
    const retired = await owner.client.patch(`/api/shops/${owner.shopId}/o2o/guides/${g.body.id}`, { active: false });
    expect(retired.body.active).toBe(false);
    expect(
      (await owner.client.get(`/api/shops/${owner.shopId}/o2o/stores/${loc}/shelf-codes?guideCode=LI01`)).status,
    ).toBe(400);
  });
});

describe('scan to buy: orders credited to the store and guide', () => {
  it('credits an in-store order to the store and guide, checks both, and takes refunds off', async () => {
    const owner = await p.shopOwner();
    const other = await p.shopOwner();
    const product = await createProduct(owner, { stock: 50, price: 6000 });
    const sku = product.skus[0]!.id;
    const loc = await store(owner, [sku], { name: '湖滨店', code: 'S-HB', lat: 30.2592, lng: 120.1636 });
    const closed = await store(owner, [sku], { name: '旧店', code: 'S-OLD', lat: 30.25, lng: 120.16, active: false });
    const otherLoc = await store(other, [], { name: '别家店', code: 'S-X', lat: 30.25, lng: 120.16 });
    const guide = (await owner.client.post(`/api/shops/${owner.shopId}/o2o/guides`, { name: '小王', locationId: loc }))
      .body;
    const foreignGuide = (
      await other.client.post(`/api/shops/${other.shopId}/o2o/guides`, { name: '别家导购', locationId: otherLoc })
    ).body;
    const shopper = await shopperWithAddress(p);
    const buy = (attribution: Record<string, unknown>, quantity = 1) =>
      shopper.client.post('/api/checkout', {
        lines: [{ shopId: owner.shopId, skuId: sku, quantity }],
        addressId: shopper.addressId,
        delivery: { [owner.shopId]: { mode: 'in_store', locationId: loc } },
        attribution: { [owner.shopId]: attribution },
      });
    const countOrders = async () =>
      (await rows<{ n: number }>(sql`select count(*)::int n from orders where shop_id = ${owner.shopId}`))[0]!.n;
    const before = await countOrders();
    const refused = await Promise.all([
      buy({ storeLocationId: closed, guideCode: guide.code }),
      buy({ storeLocationId: otherLoc }),
      buy({ storeLocationId: loc, guideCode: 'ZZZZ99' }),
      buy({ storeLocationId: loc, guideCode: foreignGuide.code }),
    ]);
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect(refused.map((r) => r.body.code)).toEqual([
      'o2o.store_unavailable',
      'o2o.store_unavailable',
      'o2o.guide_unknown',
      'o2o.guide_unknown',
    ]);
    expect(refused[2]!.body.errors).toEqual([
      expect.objectContaining({ field: `body.attribution.${owner.shopId}.guideCode`, code: 'unknown' }),
    ]);
    expect(await countOrders()).toBe(before); // nothing half-written
    expect(await stockAt(sku, loc)).toEqual({ on_hand: 5, reserved: 0 });

    const placed = await buy({ storeLocationId: loc, guideCode: guide.code.toLowerCase() }, 2);
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const unpaid = await buy({ storeLocationId: loc }, 1); // never paid: never counts
    expect(unpaid.status).toBe(201);
    await payOnTestPay(p, placed.body.payUrl);
    await p.settle();
    const order = placed.body.orders[0];
    expect(order.fulfilment).toBe('in_store');
    expect(order.shippingFee).toBe(0);
    const range = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
    const perf = await owner.client.get(`/api/shops/${owner.shopId}/o2o/stores/${loc}/performance?${range}`);
    expect(perf.status).toBe(200);
    expect(perf.body).toMatchObject({ orders: 1, sales: 12000 });
    expect(perf.body.guides).toEqual([expect.objectContaining({ code: guide.code, orders: 1, sales: 12000 })]);
    // The bought-in-store parcel is handed over with its code like a pickup.
    const code = (await shopper.client.get(`/api/me/orders/${owner.shopId}/${order.id}/pickup`)).body.items[0];
    expect(code.kind).toBe('in_store');

    // A partial refund comes off the store's and the guide's sales.
    const asked = await shopper.client.post(`/api/me/orders/${owner.shopId}/${order.id}/aftersales`, {
      type: 'refund_only',
      reason: '买多了',
      lines: [{ lineNo: 1, quantity: 1, amount: 2500 }],
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const approved = await owner.client.post(`/api/shops/${owner.shopId}/aftersales/${asked.body.id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await p.settle();
    const after = await owner.client.get(`/api/shops/${owner.shopId}/o2o/stores/${loc}/performance?${range}`);
    expect(after.body).toMatchObject({ orders: 1, sales: 9500 });
    expect(after.body.guides[0]).toMatchObject({ sales: 9500 });
  });
});
