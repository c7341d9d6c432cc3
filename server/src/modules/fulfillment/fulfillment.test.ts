import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { withShop } from '../../kernel/db/tenant.js';
import { newId } from '../../kernel/ids.js';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { createProduct, payOnTestPay, shopperWithAddress } from '../../../test/commerce.js';
import { inventory } from '../inventory/index.js';
import { locations } from '../inventory/schema.js';
import { fulfillment } from './index.js';
import { shipments } from './schema.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});

type Owner = Awaited<ReturnType<TestPlatform['shopOwner']>>;
const PLACES = {
  hangzhou: { province: '浙江省', city: '杭州市', lat: 30.2741, lng: 120.1551 },
  hangzhouWest: { province: '浙江省', city: '杭州市', lat: 30.26, lng: 120.12 },
  shanghai: { province: '上海市', city: '上海市', lat: 31.2304, lng: 121.4737 },
  beijing: { province: '北京市', city: '北京市', lat: 39.9042, lng: 116.4074 },
};

/** A location placed in a city (the inventory screens make these; tests write the row). */
async function addLocation(
  shopId: string,
  name: string,
  place: keyof typeof PLACES,
  opts: { kind?: 'warehouse' | 'store'; canPickup?: boolean; priority?: number } = {},
) {
  const id = newId('loc');
  await p.db.insert(locations).values({
    shopId,
    id,
    name,
    code: `C-${id.slice(-8)}`,
    kind: opts.kind ?? 'warehouse',
    ...PLACES[place],
    canShip: true,
    canPickup: opts.canPickup ?? false,
    priority: opts.priority ?? 100,
  });
  return id;
}

const setStock = (shopId: string, skuId: string, locationId: string, n: number) =>
  withShop(p.db, shopId, (tx) =>
    inventory.setStock(tx, shopId, skuId, n, { type: 'test', id: newId('t') }, { locationId }),
  );

const levels = async (skuId: string) =>
  new Map(
    (
      await p.db.execute<{ location_id: string; on_hand: number; reserved: number }>(
        sql`select location_id, on_hand, reserved from stock_levels where sku_id = ${skuId}`,
      )
    ).rows.map((r) => [r.location_id, { onHand: r.on_hand, reserved: r.reserved }]),
  );

async function shopWithProduct(colours = ['红', '蓝']) {
  const owner = await p.shopOwner();
  const product = await createProduct(owner, { stock: 0, price: 1000, colours });
  return { owner, skus: product.skus.map((s) => s.id) };
}

async function buy(
  owner: Owner,
  shopper: Awaited<ReturnType<typeof shopperWithAddress>>,
  lines: { skuId: string; quantity: number }[],
  delivery?: { mode: 'ship' | 'pickup' | 'in_store'; locationId?: string },
) {
  return shopper.client.post('/api/checkout', {
    lines: lines.map((l) => ({ shopId: owner.shopId, ...l })),
    addressId: shopper.addressId,
    ...(delivery ? { delivery: { [owner.shopId]: delivery } } : {}),
  });
}

describe('routing at checkout', () => {
  it('splits an order no single place can fill into two parcels, explains why, and ships parcel by parcel', async () => {
    const { owner, skus } = await shopWithProduct();
    const [red, blue] = skus as [string, string];
    const hz = await addLocation(owner.shopId, '杭州仓', 'hangzhou');
    const sh = await addLocation(owner.shopId, '上海仓', 'shanghai');
    const bj = await addLocation(owner.shopId, '北京仓', 'beijing');
    await setStock(owner.shopId, red, hz, 5);
    await setStock(owner.shopId, blue, sh, 5);
    await setStock(owner.shopId, red, bj, 5);

    const shopper = await shopperWithAddress(p); // 浙江省 杭州市
    const placed = await buy(owner, shopper, [
      { skuId: red, quantity: 2 },
      { skuId: blue, quantity: 1 },
    ]);
    expect(placed.status).toBe(201);
    const orderId = placed.body.orders[0].id as string;

    const routing = await owner.client.get(`/api/shops/${owner.shopId}/orders/${orderId}/shipments`);
    expect(routing.status).toBe(200);
    const parcels = routing.body.shipments as { id: string; locationId: string; status: string; lines: unknown[] }[];
    // Nobody fills it alone; 华东 (杭州 + 上海) can between them, so Beijing is dropped and the order splits.
    expect(parcels.map((s) => s.locationId).sort()).toEqual([hz, sh].sort());
    expect(parcels.every((s) => s.status === 'pending')).toBe(true);
    const decision = routing.body.decisions[0];
    expect(decision.trigger).toBe('auto');
    expect(decision.buyer).toMatchObject({ city: '杭州市', region: '华东', source: 'city' });
    const steps = decision.steps as {
      rule: string;
      outcome: string;
      dropped: { locationId: string; reason: string }[];
    }[];
    expect(steps.map((s) => [s.rule, s.outcome])).toEqual([
      ['candidates', 'info'],
      ['single_location', 'skipped'],
      ['same_region', 'applied'],
      ['nearest', 'applied'],
      ['split', 'applied'],
    ]);
    expect(steps[2]!.dropped).toMatchObject([{ locationId: bj, reason: 'routing.drop.other_region' }]);

    expect((await levels(red)).get(hz)).toEqual({ onHand: 5, reserved: 2 });
    expect((await levels(blue)).get(sh)).toEqual({ onHand: 5, reserved: 1 });
    expect((await levels(red)).get(bj)).toEqual({ onHand: 5, reserved: 0 });

    await payOnTestPay(p, placed.body.payUrl);
    await p.settle();
    const ready = await p.db.execute<{ n: number }>(
      sql`select count(*)::int n from outbox where topic = 'fulfillment.shipment_ready' and payload->>'orderId' = ${orderId}`,
    );
    expect(ready.rows[0]!.n).toBe(2);

    const [first, second] = parcels as unknown as [{ id: string }, { id: string }];
    const ship = (id: string, no: string) =>
      owner.client.post(`/api/shops/${owner.shopId}/orders/${orderId}/shipments/${id}/ship`, {
        carrier: '顺丰速运',
        trackingNo: no,
      });
    const partly = await ship(first.id, 'SF1000000001');
    expect(partly.status).toBe(200);
    expect(partly.body.status).toBe('paid');
    expect(partly.body.shipments.find((s: { id: string }) => s.id === first.id)).toMatchObject({
      status: 'shipped',
      trackingNo: 'SF1000000001',
    });
    expect((await ship(first.id, 'SF1000000001')).body.status).toBe('paid'); // again: nothing changes
    const done = await ship(second.id, 'SF1000000002');
    expect(done.body.status).toBe('shipped');

    // The shopper sees two parcels, each with its own tracking.
    const mine = await shopper.client.get(`/api/me/orders/${owner.shopId}/${orderId}`);
    expect(mine.body.shipments.map((s: { trackingNo: string }) => s.trackingNo).sort()).toEqual([
      'SF1000000001',
      'SF1000000002',
    ]);
    expect((await levels(red)).get(hz)).toEqual({ onHand: 3, reserved: 0 });
    expect((await levels(blue)).get(sh)).toEqual({ onHand: 4, reserved: 0 });
  });

  it('one place when it can: the nearest in the region; without split enabled an unsplittable order is refused', async () => {
    const { owner, skus } = await shopWithProduct(['红']);
    const [red] = skus as [string];
    const far = await addLocation(owner.shopId, '上海仓', 'shanghai');
    const near = await addLocation(owner.shopId, '杭州西湖店', 'hangzhouWest', { kind: 'store' });
    await setStock(owner.shopId, red, far, 3);
    await setStock(owner.shopId, red, near, 3);
    const shopper = await shopperWithAddress(p);
    const placed = await buy(owner, shopper, [{ skuId: red, quantity: 2 }]);
    expect(placed.status).toBe(201);
    const parcels = await withShop(p.db, owner.shopId, (tx) =>
      fulfillment.shipmentsOf(tx, owner.shopId, placed.body.orders[0].id),
    );
    expect(parcels.map((s) => s.locationId)).toEqual([near]);

    const rules = await owner.client.request('PUT', `/api/shops/${owner.shopId}/routing/rules`, {
      rules: [
        { kind: 'single_location', enabled: true, params: {} },
        { kind: 'split', enabled: false, params: {} },
      ],
    });
    expect(rules.status).toBe(200);
    const refused = await buy(owner, shopper, [{ skuId: red, quantity: 4 }]); // 1 + 3 left: only together
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('fulfillment.needs_split');
    const tooMany = await buy(owner, shopper, [{ skuId: red, quantity: 5 }]);
    expect(tooMany.body.code).toBe('inventory.out_of_stock');
    expect(tooMany.body.detail ?? tooMany.body.title).toContain('正山小种');
    expect((await levels(red)).get(far)).toEqual({ onHand: 3, reserved: 0 });
    expect((await levels(red)).get(near)).toEqual({ onHand: 3, reserved: 2 });
  });

  it('pickup holds at the chosen store; a location that cannot do it is refused', async () => {
    const { owner, skus } = await shopWithProduct(['红']);
    const [red] = skus as [string];
    const store = await addLocation(owner.shopId, '西湖店', 'hangzhouWest', { kind: 'store', canPickup: true });
    const wh = await addLocation(owner.shopId, '上海仓', 'shanghai');
    await setStock(owner.shopId, red, store, 2);
    await setStock(owner.shopId, red, wh, 9);
    const shopper = await shopperWithAddress(p);
    const bad = await buy(owner, shopper, [{ skuId: red, quantity: 1 }], { mode: 'pickup', locationId: wh });
    expect(bad.body.code).toBe('fulfillment.location_unusable');
    const missing = await buy(owner, shopper, [{ skuId: red, quantity: 1 }], { mode: 'pickup' });
    expect(missing.status).toBe(400);
    const placed = await buy(owner, shopper, [{ skuId: red, quantity: 2 }], { mode: 'pickup', locationId: store });
    expect(placed.status).toBe(201);
    expect(placed.body.orders[0]).toMatchObject({ fulfilment: 'pickup', shippingFee: 0 });
    expect((await levels(red)).get(store)).toEqual({ onHand: 2, reserved: 2 });
    const out = await buy(owner, shopper, [{ skuId: red, quantity: 1 }], { mode: 'pickup', locationId: store });
    expect(out.body.code).toBe('inventory.out_of_stock');
  });
});

describe('concurrency', () => {
  it('concurrent checkouts across locations never oversell', async () => {
    const { owner, skus } = await shopWithProduct(['红']);
    const [red] = skus as [string];
    const a = await addLocation(owner.shopId, '杭州仓', 'hangzhou');
    const b = await addLocation(owner.shopId, '上海仓', 'shanghai');
    const c = await addLocation(owner.shopId, '北京仓', 'beijing');
    await setStock(owner.shopId, red, a, 4);
    await setStock(owner.shopId, red, b, 3);
    await setStock(owner.shopId, red, c, 2);
    const shoppers = await Promise.all(Array.from({ length: 6 }, () => shopperWithAddress(p)));
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => buy(owner, shoppers[i % 6]!, [{ skuId: red, quantity: 1 + (i % 2) }])),
    );
    for (const r of results) expect([201, 409]).toContain(r.status);
    const sold = results
      .filter((r) => r.status === 201)
      .reduce((n, r) => n + (r.body.orders[0].lines[0].quantity as number), 0);
    const lv = await levels(red);
    const reserved = [...lv.values()].reduce((n, l) => n + l.reserved, 0);
    expect(reserved).toBe(sold);
    expect(sold).toBeLessThanOrEqual(9);
    expect(sold).toBeGreaterThanOrEqual(8); // the last unit may be left when only 2-unit orders remain
    for (const l of lv.values()) expect(l.reserved).toBeLessThanOrEqual(l.onHand);
    // Every parcel's hold equals its lines.
    const held = await p.db.execute<{ n: number }>(
      sql`select coalesce(sum(quantity),0)::int n from stock_reservations where sku_id = ${red} and status = 'reserved'`,
    );
    expect(held.rows[0]!.n).toBe(sold);
  });

  it('re-routes by hand under concurrency: the new place must have the stock; holds move, never double', async () => {
    const { owner, skus } = await shopWithProduct(['红']);
    const [red] = skus as [string];
    const a = await addLocation(owner.shopId, '杭州仓', 'hangzhou');
    const b = await addLocation(owner.shopId, '上海仓', 'shanghai');
    await setStock(owner.shopId, red, a, 4);
    await setStock(owner.shopId, red, b, 1);
    const shopper = await shopperWithAddress(p);
    const orders: Awaited<ReturnType<typeof buy>>[] = [];
    for (let i = 0; i < 3; i++) orders.push(await buy(owner, shopper, [{ skuId: red, quantity: 1 }]));
    const parcelIds = await withShop(p.db, owner.shopId, async (tx) =>
      Promise.all(
        orders.map(async (o) => (await fulfillment.shipmentsOf(tx, owner.shopId, o.body.orders[0].id))[0]!.id),
      ),
    );
    expect((await levels(red)).get(a)).toEqual({ onHand: 4, reserved: 3 });
    const moves = await Promise.all(
      parcelIds.map((id) =>
        owner.client.post(`/api/shops/${owner.shopId}/shipments/${id}/reassign`, { locationId: b, reason: '就近发货' }),
      ),
    );
    expect(moves.map((m) => m.status).sort()).toEqual([200, 409, 409]);
    const refused = moves.find((m) => m.status === 409)!;
    expect(refused.body.code).toBe('fulfillment.location_out_of_stock');
    expect(refused.body.detail ?? refused.body.title).toContain('上海仓');
    expect((await levels(red)).get(a)).toEqual({ onHand: 4, reserved: 2 });
    expect((await levels(red)).get(b)).toEqual({ onHand: 1, reserved: 1 });
    // The moved parcel can move back to where it was (a fresh hold reference each time).
    const moved = moves.find((m) => m.status === 200)!.body as { id: string; orderId: string };
    const back = await owner.client.post(`/api/shops/${owner.shopId}/shipments/${moved.id}/reassign`, {
      locationId: a,
    });
    expect(back.status).toBe(200);
    expect((await levels(red)).get(a)).toEqual({ onHand: 4, reserved: 3 });
    expect((await levels(red)).get(b)).toEqual({ onHand: 1, reserved: 0 });
    const same = await owner.client.post(`/api/shops/${owner.shopId}/shipments/${moved.id}/reassign`, {
      locationId: a,
    });
    expect(same.body.code).toBe('fulfillment.same_location');
    const history = await owner.client.get(`/api/shops/${owner.shopId}/orders/${moved.orderId}/shipments`);
    expect(history.body.decisions.map((d: { trigger: string }) => d.trigger)).toEqual(['manual', 'manual', 'auto']);
    expect(history.body.decisions[1]).toMatchObject({ reason: '就近发货', actorId: owner.accountId });
  });

  it('a re-route names both placements by their hold references; a parcel is found by any of its references', async () => {
    const { owner, skus } = await shopWithProduct(['红']);
    const [red] = skus as [string];
    const a = await addLocation(owner.shopId, '杭州仓', 'hangzhou');
    const store = await addLocation(owner.shopId, '杭州门店', 'hangzhouWest', { kind: 'store' });
    await setStock(owner.shopId, red, a, 2);
    await setStock(owner.shopId, red, store, 2);
    const shopper = await shopperWithAddress(p);
    const placed = await buy(owner, shopper, [{ skuId: red, quantity: 1 }], { mode: 'ship', locationId: a });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    await payOnTestPay(p, placed.body.payUrl);
    await p.settle();
    const orderId = placed.body.orders[0].id as string;
    const [parcel] = await withShop(p.db, owner.shopId, (tx) => fulfillment.shipmentsOf(tx, owner.shopId, orderId));
    for (const to of [store, a]) {
      const r = await owner.client.post(`/api/shops/${owner.shopId}/shipments/${parcel!.id}/reassign`, {
        locationId: to,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const events = await p.db.execute<{ topic: string; payload: Record<string, unknown> }>(
      sql`select topic, payload from outbox where payload->>'shipmentId' = ${parcel!.id}
          and topic in ('fulfillment.shipment_rerouted', 'fulfillment.shipment_ready') order by id`,
    );
    // (Ids order events across milliseconds only: compare as a set.)
    expect(
      events.rows
        .map((e) => `${e.topic} ${String(e.payload.holdRef ?? `${e.payload.fromHoldRef}→${e.payload.toHoldRef}`)}`)
        .sort(),
    ).toEqual(
      [
        `fulfillment.shipment_ready ${parcel!.id}`,
        `fulfillment.shipment_rerouted ${parcel!.id}→${parcel!.id}.1`,
        `fulfillment.shipment_ready ${parcel!.id}.1`,
        `fulfillment.shipment_rerouted ${parcel!.id}.1→${parcel!.id}.2`,
        `fulfillment.shipment_ready ${parcel!.id}.2`,
      ].sort(),
    );
    expect(events.rows.find((e) => e.payload.toHoldRef === `${parcel!.id}.2`)!.payload).toMatchObject({
      fromLocationId: store,
      toLocationId: a,
      status: 'ready',
      kind: 'ship',
    });
    const find = (ref: string) =>
      withShop(p.db, owner.shopId, (tx) => fulfillment.findByHoldRef(tx, owner.shopId, ref));
    expect((await find(parcel!.id))?.current).toBe(false);
    expect((await find(`${parcel!.id}.1`))?.current).toBe(false);
    expect(await find(`${parcel!.id}.2`)).toMatchObject({ current: true, shipment: { id: parcel!.id, locationId: a } });
    expect(await find(`${parcel!.id}.3`)).toBeNull();
    expect(await find(`${parcel!.id}.0`)).toBeNull();
    expect(await find('shp_nothing')).toBeNull();
  });

  it('cancelling releases every parcel of a split order', async () => {
    const { owner, skus } = await shopWithProduct();
    const [red, blue] = skus as [string, string];
    const a = await addLocation(owner.shopId, '杭州仓', 'hangzhou');
    const b = await addLocation(owner.shopId, '上海仓', 'shanghai');
    await setStock(owner.shopId, red, a, 2);
    await setStock(owner.shopId, blue, b, 2);
    const shopper = await shopperWithAddress(p);
    const placed = await buy(owner, shopper, [
      { skuId: red, quantity: 2 },
      { skuId: blue, quantity: 2 },
    ]);
    const orderId = placed.body.orders[0].id as string;
    const cancels = await Promise.all([
      shopper.client.post(`/api/me/orders/${owner.shopId}/${orderId}/cancel`),
      owner.client.post(`/api/shops/${owner.shopId}/orders/${orderId}/cancel`, { reason: '缺货协商取消' }),
    ]);
    expect(cancels.map((c) => c.status).sort()).toEqual([200, 409]);
    expect((await levels(red)).get(a)).toEqual({ onHand: 2, reserved: 0 });
    expect((await levels(blue)).get(b)).toEqual({ onHand: 2, reserved: 0 });
    const rows = await p.db.select().from(shipments).where(eq(shipments.orderId, orderId));
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });
});

describe('grab pool', () => {
  it('nearby stores may grab a paid parcel: first accept wins and the hold moves; otherwise the warehouse ships', async () => {
    const { owner, skus } = await shopWithProduct(['红']);
    const [red] = skus as [string];
    const wh = await addLocation(owner.shopId, '上海仓', 'shanghai');
    const s1 = await addLocation(owner.shopId, '西湖店', 'hangzhouWest', { kind: 'store' });
    const s2 = await addLocation(owner.shopId, '武林店', 'hangzhou', { kind: 'store' });
    const farStore = await addLocation(owner.shopId, '北京店', 'beijing', { kind: 'store' });
    for (const l of [wh, s1, s2, farStore]) await setStock(owner.shopId, red, l, 5);
    await owner.client.request('PUT', `/api/shops/${owner.shopId}/routing/rules`, {
      rules: [
        { kind: 'grab_pool', enabled: true, params: { radiusKm: 15, timeoutMinutes: 20 } },
        { kind: 'single_location', enabled: true, params: {} },
        { kind: 'nearest', enabled: true, params: {} },
      ],
    });
    const shopper = await shopperWithAddress(p);
    const orderIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const placed = await buy(owner, shopper, [{ skuId: red, quantity: 1 }]);
      expect(placed.status).toBe(201);
      await payOnTestPay(p, placed.body.payUrl);
      orderIds.push(placed.body.orders[0].id);
    }
    await p.settle();
    const [first, second] = await withShop(p.db, owner.shopId, (tx) =>
      Promise.all(orderIds.map(async (id) => (await fulfillment.shipmentsOf(tx, owner.shopId, id))[0]!)),
    );
    expect(first).toMatchObject({ status: 'pooled', locationId: wh });
    const offers = await withShop(p.db, owner.shopId, (tx) => fulfillment.pooledFor(tx, owner.shopId, s1));
    expect(offers.map((o) => o.shipment.id).sort()).toEqual([first!.id, second!.id].sort());
    expect(offers[0]!.canFill).toBe(true);
    expect(await withShop(p.db, owner.shopId, (tx) => fulfillment.pooledFor(tx, owner.shopId, farStore))).toEqual([]);

    const claim = (store: string) =>
      withShop(p.db, owner.shopId, (tx) => fulfillment.claimPooled(tx, owner.shopId, first!.id, store, owner.accountId))
        .then((s) => ({ ok: true as const, s }))
        .catch((e: { code: string }) => ({ ok: false as const, code: e.code }));
    const outcomes = await Promise.all([claim(s1), claim(s2), claim(s1)]);
    const winners = outcomes.filter((o) => o.ok);
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => (o as { code: string }).code)).toEqual([
      'fulfillment.already_claimed',
      'fulfillment.already_claimed',
    ]);
    const winner = (winners[0] as { s: { locationId: string; status: string } }).s;
    expect(winner.status).toBe('ready');
    const lv = await levels(red);
    expect(lv.get(wh)).toEqual({ onHand: 5, reserved: 1 }); // the second order still pooled there
    expect(lv.get(winner.locationId)).toEqual({ onHand: 5, reserved: 1 });
    const outOfRange = await withShop(p.db, owner.shopId, (tx) =>
      fulfillment.claimPooled(tx, owner.shopId, second!.id, farStore, null),
    ).catch((e: { code: string }) => e.code);
    expect(outOfRange).toBe('fulfillment.out_of_range');

    // Nobody takes the second one: the time-out leaves it ready at the warehouse.
    await fulfillment.poolTimeout(p.db, owner.shopId, second!.id);
    await fulfillment.poolTimeout(p.db, owner.shopId, second!.id);
    const after = await withShop(p.db, owner.shopId, (tx) => fulfillment.getShipment(tx, owner.shopId, second!.id));
    expect(after).toMatchObject({ status: 'ready', locationId: wh });
    const decisions = await withShop(p.db, owner.shopId, (tx) =>
      fulfillment.decisionsOf(tx, owner.shopId, orderIds[1]!),
    );
    expect(decisions.map((d) => d.trigger)).toEqual(['pool_timeout', 'auto']);
    expect(decisions[1]!.steps[1]).toMatchObject({ rule: 'grab_pool', outcome: 'applied' });
  });
});

describe('dry run, rules editor, holds from elsewhere', () => {
  it('a dry run explains each step and holds nothing; the rules round-trip', async () => {
    const { owner, skus } = await shopWithProduct();
    const [red, blue] = skus as [string, string];
    const a = await addLocation(owner.shopId, '杭州仓', 'hangzhou');
    const b = await addLocation(owner.shopId, '北京仓', 'beijing');
    await setStock(owner.shopId, red, a, 5);
    await setStock(owner.shopId, red, b, 5);
    await setStock(owner.shopId, blue, b, 5);
    const defaults = await owner.client.get(`/api/shops/${owner.shopId}/routing/rules`);
    expect(defaults.body.rules.map((r: { kind: string }) => r.kind)).toEqual([
      'single_location',
      'same_region',
      'nearest',
      'split',
    ]);
    const run = await owner.client.post(`/api/shops/${owner.shopId}/routing/dry-run`, {
      lines: [
        { skuId: red, quantity: 2 },
        { skuId: blue, quantity: 1 },
      ],
      address: { province: '浙江省', city: '杭州市' },
    });
    expect(run.status).toBe(200);
    expect(run.body.parcels).toMatchObject([{ locationId: b, name: '北京仓' }]);
    expect(run.body.steps[1]).toMatchObject({ rule: 'single_location', outcome: 'applied' });
    expect(run.body.steps[2]).toMatchObject({
      rule: 'same_region',
      outcome: 'skipped',
      why: { code: 'routing.same_region.none', params: { region: '华东' } },
    });
    expect((await levels(red)).get(b)).toEqual({ onHand: 5, reserved: 0 });

    const dup = await owner.client.request('PUT', `/api/shops/${owner.shopId}/routing/rules`, {
      rules: [
        { kind: 'split', enabled: true, params: {} },
        { kind: 'split', enabled: false, params: {} },
      ],
    });
    expect(dup.status).toBe(400);
    const saved = await owner.client.request('PUT', `/api/shops/${owner.shopId}/routing/rules`, {
      rules: [
        { kind: 'store_priority', enabled: true, params: { storesFirst: 0, bogus: 3 } },
        { kind: 'grab_pool', enabled: false, params: { radiusKm: 8 } },
      ],
    });
    expect(saved.body.rules).toEqual([
      { kind: 'store_priority', enabled: true, params: { storesFirst: 0 } },
      { kind: 'grab_pool', enabled: false, params: { radiusKm: 8, timeoutMinutes: 30 } },
    ]);
  });

  it('fromHold moves units out of an existing hold instead of reserving again', async () => {
    const { owner, skus } = await shopWithProduct(['红']);
    const [red] = skus as [string];
    const a = await addLocation(owner.shopId, '杭州仓', 'hangzhou');
    await setStock(owner.shopId, red, a, 10);
    const quota = { type: 'flashsale', id: newId('fs') };
    await withShop(p.db, owner.shopId, (tx) =>
      inventory.reserveAt(tx, owner.shopId, a, [{ skuId: red, quantity: 4 }], quota),
    );
    const orderId = newId('ord');
    const made = await withShop(p.db, owner.shopId, (tx) =>
      fulfillment.allocateOrder(tx, owner.shopId, {
        orderId,
        lines: [{ skuId: red, quantity: 3 }],
        address: PLACES.hangzhou,
        mode: 'ship',
        fromHold: { ref: quota, locationId: a },
      }),
    );
    expect(made.shipments).toMatchObject([{ locationId: a, status: 'pending' }]);
    expect((await levels(red)).get(a)).toEqual({ onHand: 10, reserved: 4 });
    const holds = await p.db.execute<{ ref_type: string; quantity: number }>(
      sql`select ref_type, quantity from stock_reservations where sku_id = ${red} and status = 'reserved' order by ref_type`,
    );
    expect(holds.rows).toEqual([
      { ref_type: 'flashsale', quantity: 1 },
      { ref_type: 'shipment', quantity: 3 },
    ]);
    const tooMany = await withShop(p.db, owner.shopId, (tx) =>
      fulfillment.allocateOrder(tx, owner.shopId, {
        orderId: newId('ord'),
        lines: [{ skuId: red, quantity: 2 }],
        address: PLACES.hangzhou,
        mode: 'ship',
        fromHold: { ref: quota, locationId: a },
      }),
    ).catch((e: { code: string }) => e.code);
    expect(tooMany).toBe('inventory.out_of_stock');
    const rows = await p.db
      .select()
      .from(shipments)
      .where(and(eq(shipments.shopId, owner.shopId)));
    expect(rows).toHaveLength(1);
  });
});
