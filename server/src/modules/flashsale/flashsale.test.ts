import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type Client, type TestPlatform } from '../../../test/app.js';
import { createProduct, payOnTestPay } from '../../../test/commerce.js';
import { newId, newToken } from '../../kernel/ids.js';
import { memoryGate, redisGate, type Gate, type GateSnapshot } from './gate.js';
import { createRuntime, runtimeFor } from './runtime.js';
import * as flashsale from './service.js';

let p: TestPlatform;
const redisUrl = process.env.REDIS_URL;
let redis: Redis | undefined;
/** Keys of this run only (the sale ids are unique too). */
const prefix = `qd-fs-test:${newToken(6)}:`;

beforeAll(async () => {
  p = await createTestPlatform();
  if (redisUrl) redis = new Redis(redisUrl);
});
afterAll(async () => {
  if (redis) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
});

type Shopper = { client: Client; accountId: string; addressId: string };

async function shoppers(n: number): Promise<Shopper[]> {
  const out: Shopper[] = [];
  for (let i = 0; i < n; i += 20) {
    out.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(20, n - i) }, async () => {
          const s = await p.signUp('shopper');
          const addr = await s.client.post('/api/me/addresses', {
            name: '李四',
            phone: '13800138000',
            province: '浙江省',
            city: '杭州市',
            district: '西湖区',
            detail: '文三路 100 号',
          });
          return { client: s.client, accountId: s.accountId, addressId: addr.body.id as string };
        }),
      )),
    );
  }
  return out;
}

const q = async <T = any>(query: ReturnType<typeof sql>) => (await p.db.execute(query)).rows as T[];

async function saleSetup(opts: { stock?: number; quota?: number; limit?: number; startsIn?: number } = {}) {
  const owner = await p.shopOwner();
  const product = await createProduct(owner, { stock: opts.stock ?? 80, price: 12800 });
  const sku = product.skus[0]!;
  const startsAt = new Date(Date.now() + (opts.startsIn ?? -1000));
  const res = await owner.client.post(`/api/shops/${owner.shopId}/flash-sales`, {
    skuId: sku.id,
    price: 9900,
    quota: opts.quota ?? 50,
    perShopperLimit: opts.limit ?? 2,
    startsAt: startsAt.toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { owner, product, sku, sale: res.body as flashsale.SaleView };
}

const level = async (skuId: string) =>
  (
    await q<{ on_hand: number; reserved: number }>(
      sql`select sum(on_hand)::int on_hand, sum(reserved)::int reserved from stock_levels where sku_id = ${skuId}`,
    )
  )[0]!;

/** Units held per reference type for the SKU (live holds only). */
const holds = async (skuId: string) =>
  Object.fromEntries(
    (
      await q<{ ref_type: string; n: number }>(
        sql`select ref_type, sum(quantity)::int n from stock_reservations
             where sku_id = ${skuId} and status = 'reserved' group by ref_type`,
      )
    ).map((r) => [r.ref_type, r.n]),
  );

const buyUrl = (shopId: string, saleId: string) => `/api/storefront/shops/${shopId}/flash-sales/${saleId}/buy`;

describe('flash sale', () => {
  it('400 parallel attempts on a quota of 50: exactly 50 orders at the sale price, 50 units moved, nobody over the limit', async () => {
    const { owner, sku, sale } = await saleSetup({ stock: 80, quota: 50, limit: 2 });
    expect(await level(sku.id)).toEqual({ on_hand: 80, reserved: 50 });
    expect(sale.left).toBe(50);
    const people = await shoppers(100);
    const attempts = people.flatMap((s) => Array.from({ length: 4 }, () => s));
    const results = await Promise.all(
      attempts.map((s) => s.client.post(buyUrl(owner.shopId, sale.id), { addressId: s.addressId })),
    );
    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status !== 201);
    expect(won).toHaveLength(50);
    expect(new Set(lost.map((r) => r.status))).toEqual(new Set([409]));
    for (const r of lost) expect(['flashsale.sold_out', 'flashsale.limit_reached']).toContain(r.body.code);
    expect(lost[0]!.headers['content-type']).toContain('application/problem+json');
    expect(new Set(won.map((r) => r.body.orderId)).size).toBe(50);
    for (const r of won) expect(r.body.payUrl).toMatch(/^\/testpay\/pay\//);

    const orders = await q<{ buyer_account_id: string; total: number; unit_price: number; status: string }>(
      sql`select o.buyer_account_id, o.total, l.unit_price, o.status from orders o
            join order_lines l on l.shop_id = o.shop_id and l.order_id = o.id
           where o.shop_id = ${owner.shopId}`,
    );
    expect(orders).toHaveLength(50);
    for (const o of orders) expect(o.status).toBe('pending_payment');
    const perBuyer = new Map<string, number>();
    for (const o of orders) perBuyer.set(o.buyer_account_id, (perBuyer.get(o.buyer_account_id) ?? 0) + 1);
    expect(Math.max(...perBuyer.values())).toBeLessThanOrEqual(2);

    // The level row was not touched per buyer: units moved from the sale's hold to the orders' parcels.
    expect(await level(sku.id)).toEqual({ on_hand: 80, reserved: 50 });
    const held = await holds(sku.id);
    expect(held.flash_sale ?? 0).toBe(0);
    expect((held.shipment ?? 0) + (held.order ?? 0)).toBe(50);
    const entries = await q<{ n: number; orders: number }>(
      sql`select count(*)::int n, count(distinct order_id)::int orders from flash_sale_entries where sale_id = ${sale.id}`,
    );
    expect(entries[0]).toEqual({ n: 50, orders: 50 });
    const view = await owner.client.get(`/api/shops/${owner.shopId}/flash-sales/${sale.id}`);
    expect(view.body).toMatchObject({ sold: 50, left: 0, phase: 'running' });

    // One more attempt: sold out at once, in the shopper's language.
    const late = await people[0]!.client.request(
      'POST',
      buyUrl(owner.shopId, sale.id),
      { addressId: people[0]!.addressId },
      {
        'accept-language': 'zh-CN',
      },
    );
    expect(late.status).toBe(409);
    expect(late.body.detail ?? late.body.title).toMatch(/抢光|限购/);

    // Every order is at the sale price.
    expect(orders.map((o) => o.unit_price)).toEqual(orders.map(() => 9900));
  });

  it('a retry with the same Idempotency-Key or requestId answers with the same order, never a second one', async () => {
    const { owner, sale } = await saleSetup({ quota: 10, limit: 3 });
    const [s] = await shoppers(1);
    const key = `try-${newToken(8)}`;
    const first = await s!.client.post(
      buyUrl(owner.shopId, sale.id),
      { addressId: s!.addressId },
      { 'idempotency-key': key },
    );
    expect(first.status).toBe(201);
    const again = await s!.client.post(
      buyUrl(owner.shopId, sale.id),
      { addressId: s!.addressId },
      { 'idempotency-key': key },
    );
    expect(again.status).toBe(201);
    expect(again.body.orderId).toBe(first.body.orderId);

    // With a request id in the body, even concurrent repeats make one order.
    const requestId = `req-${newToken(8)}`;
    const same = await Promise.all(
      Array.from({ length: 5 }, () =>
        s!.client.post(buyUrl(owner.shopId, sale.id), { addressId: s!.addressId, requestId }),
      ),
    );
    expect(same.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(same.map((r) => r.body.orderId)).size).toBe(1);
    expect(same.filter((r) => r.body.replayed)).toHaveLength(4);

    // After a restart (a fresh runtime: nothing in flight, nothing cached) the same request id still answers.
    const rt = createRuntime(p.db, memoryGate());
    const replay = await flashsale.buy(
      rt,
      owner.shopId,
      sale.id,
      s!.accountId,
      { addressId: s!.addressId, requestKey: requestId },
      '/m',
    );
    expect(replay).toMatchObject({ orderId: same[0]!.body.orderId, replayed: true });
    const n = await q<{ n: number }>(sql`select count(*)::int n from orders where shop_id = ${owner.shopId}`);
    expect(n[0]!.n).toBe(2);
  });

  it('the gate is rebuilt from the database after a restart: quota less live orders, counts per shopper', async () => {
    const { owner, sku, sale } = await saleSetup({ quota: 20, limit: 5 });
    const people = await shoppers(3);
    for (const s of people)
      for (let i = 0; i < 3; i++)
        expect((await s.client.post(buyUrl(owner.shopId, sale.id), { addressId: s.addressId })).status).toBe(201);
    // A process took units and died before writing them: its gate is gone with it.
    const dead = memoryGate();
    const load = () => flashsale.snapshotOf(p.db, owner.shopId, sale.id);
    for (let i = 0; i < 5; i++) await dead.take(sale.id, newId('acc'), 5, newId('fse'), load);
    // A new process rebuilds from the record.
    const snap = await flashsale.snapshotOf(p.db, owner.shopId, sale.id);
    expect(snap.left).toBe(11);
    expect(Object.values(snap.buyers)).toEqual([3, 3, 3]);
    const rt = createRuntime(p.db, memoryGate());
    const wins = [];
    for (let i = 0; i < 3; i++)
      wins.push(
        await flashsale
          .buy(rt, owner.shopId, sale.id, people[0]!.accountId, { addressId: people[0]!.addressId }, '/m')
          .catch((e) => e.code),
      );
    expect(wins.filter((w) => typeof w === 'string')).toEqual(['flashsale.limit_reached']);
    expect(await rt.gate.left(sale.id)).toBe(9);
    expect((await holds(sku.id)).flash_sale).toBe(9);
  });

  it('an unpaid order cancelled while the sale runs gives its unit back to the sale; paid ones count as paid', async () => {
    const { owner, sku, sale } = await saleSetup({ stock: 5, quota: 2, limit: 1 });
    const [a, b, c] = await shoppers(3);
    const won = await Promise.all(
      [a!, b!].map((s) => s.client.post(buyUrl(owner.shopId, sale.id), { addressId: s.addressId })),
    );
    expect(won.map((r) => r.status)).toEqual([201, 201]);
    expect((await c!.client.post(buyUrl(owner.shopId, sale.id), { addressId: c!.addressId })).body.code).toBe(
      'flashsale.sold_out',
    );

    await payOnTestPay(p, won[1]!.body.payUrl);
    const cancelled = await a!.client.post(`/api/me/orders/${owner.shopId}/${won[0]!.body.orderId}/cancel`);
    expect(cancelled.status).toBe(200);
    await p.settle();
    const view = await owner.client.get(`/api/shops/${owner.shopId}/flash-sales/${sale.id}`);
    expect(view.body).toMatchObject({ sold: 2, paid: 1, returned: 1, left: 1 });
    expect((await holds(sku.id)).flash_sale).toBe(1);
    expect(await level(sku.id)).toEqual({ on_hand: 5, reserved: 2 });

    // The unit is the sale's again: the next shopper gets it at the sale price; the one who let it lapse may try again.
    const again = await c!.client.post(buyUrl(owner.shopId, sale.id), { addressId: c!.addressId });
    expect(again.status).toBe(201);
    expect((await a!.client.post(buyUrl(owner.shopId, sale.id), { addressId: a!.addressId })).body.code).toBe(
      'flashsale.sold_out',
    );
    expect(again.body.total).toBe(9900);
  });

  it('a batch that cannot be written gives its units back and answers with a clear error', async () => {
    const { owner, product, sale } = await saleSetup({ quota: 10, limit: 1 });
    const people = await shoppers(4);
    // The merchant takes the product off the shelf mid-sale: orders for it are refused.
    const off = await owner.client.post(`/api/shops/${owner.shopId}/products/status`, {
      productIds: [product.id],
      status: 'off_shelf',
    });
    expect(off.status, JSON.stringify(off.body)).toBeLessThan(300);
    const tries = await Promise.all(
      people.map((s) => s.client.post(buyUrl(owner.shopId, sale.id), { addressId: s.addressId })),
    );
    for (const t of tries) {
      expect(t.status).toBe(400);
      expect(t.body.code).toBe('orders.not_purchasable');
    }
    // The app's own runtime (one per database in a process).
    const rt = runtimeFor({ db: p.db, config: { REDIS_URL: redisUrl } as never });
    expect(await rt.gate.left(sale.id)).toBe(10);
    const n = await q<{ n: number }>(sql`select count(*)::int n from flash_sale_entries where sale_id = ${sale.id}`);
    expect(n[0]!.n).toBe(0);
    // A bad address takes nothing either.
    const bad = await people[0]!.client.post(buyUrl(owner.shopId, sale.id), { addressId: 'adr_nope' });
    expect(bad.status).toBe(400);
    expect(await rt.gate.left(sale.id)).toBe(10);
  });

  it('ending a sale returns what it holds to general stock; upcoming and ended sales refuse buyers', async () => {
    const { owner, sku, sale } = await saleSetup({ stock: 30, quota: 20, limit: 1, startsIn: 60_000 });
    const [s] = await shoppers(1);
    const early = await s!.client.post(buyUrl(owner.shopId, sale.id), { addressId: s!.addressId });
    expect(early.body.code).toBe('flashsale.not_started');
    const started = await owner.client.post(`/api/shops/${owner.shopId}/flash-sales/${sale.id}/start`);
    expect(started.body.phase).toBe('running');
    await new Promise((r) => setTimeout(r, 1100)); // the buying path's one-second sale cache
    const requestId = `end-${newToken(8)}`;
    const bought = await s!.client.post(buyUrl(owner.shopId, sale.id), { addressId: s!.addressId, requestId });
    expect(bought.status).toBe(201);
    const ended = await owner.client.post(`/api/shops/${owner.shopId}/flash-sales/${sale.id}/end`);
    expect(ended.body).toMatchObject({ phase: 'ended', sold: 1, left: 0 });
    expect(await level(sku.id)).toEqual({ on_hand: 30, reserved: 1 });
    await new Promise((r) => setTimeout(r, 1100));
    const late = await s!.client.post(buyUrl(owner.shopId, sale.id), { addressId: s!.addressId });
    expect(late.body.code).toBe('flashsale.ended');
    // The same attempt again after the end still answers with its order.
    const retried = await s!.client.post(buyUrl(owner.shopId, sale.id), { addressId: s!.addressId, requestId });
    expect(retried.status).toBe(201);
    expect(retried.body.orderId).toBe(bought.body.orderId);
    // Changing an ended sale is refused; a price at or above the regular one never is accepted.
    expect((await owner.client.patch(`/api/shops/${owner.shopId}/flash-sales/${sale.id}`, { price: 100 })).status).toBe(
      409,
    );
    const dear = await owner.client.post(`/api/shops/${owner.shopId}/flash-sales`, {
      skuId: sku.id,
      price: 12800,
      quota: 1,
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(dear.body.code).toBe('flashsale.price_not_lower');
    const tooMany = await owner.client.post(`/api/shops/${owner.shopId}/flash-sales`, {
      skuId: sku.id,
      price: 100,
      quota: 30,
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(tooMany.body.code).toBe('flashsale.not_enough_stock');
  });
});

// ------------------------------------------------------------------ the gate, both kinds, one property

const gates: [string, () => Gate][] = [['memory', () => memoryGate()]];
if (redisUrl) gates.push(['redis', () => redisGate(redis!, prefix)]);

describe.each(gates)('%s gate', (_name, makeGate) => {
  const snapshot =
    (left: number, buyers: Record<string, number> = {}): (() => Promise<GateSnapshot>) =>
    async () => ({
      left,
      buyers,
      restored: [],
      expiresAt: new Date(Date.now() + 3_600_000),
    });

  it('parallel takes never hand out more than the quota, nor more than the limit to anyone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 120 }),
        async (quota, limit, buyers) => {
          const gate = makeGate();
          const saleId = newId('fls');
          const results = await Promise.all(
            buyers.map((b) => gate.take(saleId, `b${b}`, limit, newId('fse'), snapshot(quota))),
          );
          const per = new Map<number, number>();
          buyers.forEach((b, i) => {
            if (results[i]!.ok) per.set(b, (per.get(b) ?? 0) + 1);
          });
          const won = [...per.values()].reduce((a, n) => a + n, 0);
          const wanted = [...new Set(buyers)].reduce(
            (a, b) => a + Math.min(limit, buyers.filter((x) => x === b).length),
            0,
          );
          expect(won).toBe(Math.min(quota, wanted));
          for (const n of per.values()) expect(n).toBeLessThanOrEqual(limit);
          expect(await gate.left(saleId)).toBe(quota - won);
          await gate.forget(saleId);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('takes, give-backs, settles and restores keep units conserved', async () => {
    type Op = { kind: 'take'; buyer: number } | { kind: 'back' | 'settle' | 'restore'; pick: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('take' as const), buyer: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ kind: fc.constantFrom('back' as const, 'settle' as const, 'restore' as const), pick: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10 }), fc.array(op, { maxLength: 60 }), async (quota, ops) => {
        const gate = makeGate();
        const saleId = newId('fls');
        const limit = 3;
        // Model: entries in flight, written, and restored (given back after writing).
        const inflight: { id: string; buyer: string }[] = [];
        const written: { id: string; buyer: string }[] = [];
        let restored = 0;
        for (const o of ops) {
          if (o.kind === 'take') {
            const id = newId('fse');
            const r = await gate.take(saleId, `b${o.buyer}`, limit, id, snapshot(quota));
            if (r.ok) inflight.push({ id, buyer: `b${o.buyer}` });
          } else if (o.kind === 'back' && inflight.length) {
            const [e] = inflight.splice(o.pick % inflight.length, 1);
            await gate.giveBack(saleId, [e!.id]);
            await gate.giveBack(saleId, [e!.id]); // twice: still once
          } else if (o.kind === 'settle' && inflight.length) {
            const [e] = inflight.splice(o.pick % inflight.length, 1);
            await gate.settle(saleId, [e!.id]);
            written.push(e!);
          } else if (o.kind === 'restore' && written.length) {
            const [e] = written.splice(o.pick % written.length, 1);
            await gate.restore(saleId, e!.buyer, e!.id);
            await gate.restore(saleId, e!.buyer, e!.id); // a job run twice: still once
            restored++;
          }
          const left = await gate.left(saleId);
          if (left !== null) {
            expect(left).toBeGreaterThanOrEqual(0);
            expect(left + inflight.length + written.length).toBe(quota);
          }
        }
        expect(restored).toBeGreaterThanOrEqual(0);
        await gate.forget(saleId);
      }),
      { numRuns: 60 },
    );
  });
});
