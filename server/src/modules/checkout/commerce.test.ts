import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { createProduct, payOnTestPay, shopperWithAddress } from '../../../test/commerce.js';
import { testpay, testpaySecret } from '../testpay/index.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});

const one = async <T>(q: ReturnType<typeof sql>) => (await p.db.execute<T & Record<string, unknown>>(q)).rows[0] as T;
const stockOf = (skuId: string) =>
  one<{ on_hand: number; reserved: number }>(
    sql`select coalesce(sum(on_hand),0)::int on_hand, coalesce(sum(reserved),0)::int reserved from stock_levels where sku_id = ${skuId}`,
  );

describe('buying', () => {
  it('a shopper buys, pays through TestPay (notified twice, applied once); the merchant ships; the shopper confirms', async () => {
    const owner = await p.shopOwner();
    await owner.client.request('PUT', `/api/shops/${owner.shopId}/order-settings`, {
      shippingFee: 800,
      freeShippingOver: 50000,
      unpaidTimeoutMinutes: 30,
      autoConfirmDays: 10,
      afterSalesDays: 7,
    });
    const product = await createProduct(owner, { stock: 10, price: 12800 });
    const sku = product.skus[0]!;
    const shopper = await shopperWithAddress(p);
    const lines = [{ shopId: owner.shopId, skuId: sku.id, quantity: 2 }];
    const preview = await shopper.client.post('/api/checkout/preview', { lines });
    expect(preview.body).toMatchObject({ total: 25600 + 800, groups: [{ itemsTotal: 25600, shippingFee: 800 }] });

    const placed = await shopper.client.post('/api/checkout', {
      lines,
      addressId: shopper.addressId,
      expectedTotal: 26400,
    });
    expect(placed.status).toBe(201);
    const order = placed.body.orders[0];
    expect(order).toMatchObject({
      status: 'pending_payment',
      total: 26400,
      orderNo: expect.stringMatching(/^\d{16}$/),
    });
    expect(order.lines[0]).toMatchObject({ title: '正山小种红茶礼盒', unitPrice: 12800, quantity: 2 });
    expect(await stockOf(sku.id)).toEqual({ on_hand: 10, reserved: 2 });

    await payOnTestPay(p, placed.body.payUrl);
    await p.settle();
    const paid = await shopper.client.get(`/api/me/orders/${owner.shopId}/${order.id}`);
    expect(paid.body.status).toBe('paid');
    expect(paid.body.paidAmount).toBe(26400);
    // TestPay sent the notification twice; it was recorded and applied once.
    expect(await one<{ n: number }>(sql`select count(*)::int n from payment_notifications`)).toEqual({ n: 1 });
    const paidEvents = await one<{ n: number }>(
      sql`select count(*)::int n from outbox where topic = 'order.paid' and payload->>'orderId' = ${order.id}`,
    );
    expect(paidEvents.n).toBe(1);

    const shipped = await owner.client.post(`/api/shops/${owner.shopId}/orders/${order.id}/ship`, {
      carrier: '顺丰速运',
      trackingNo: 'SF1234567890',
    });
    expect(shipped.body.status).toBe('shipped');
    expect(await stockOf(sku.id)).toEqual({ on_hand: 8, reserved: 0 });
    const received = await shopper.client.post(`/api/me/orders/${owner.shopId}/${order.id}/confirm-receipt`);
    expect(received.body.status).toBe('received');
    expect(received.body.timeline.map((t: { status: string }) => t.status)).toEqual([
      'pending_payment',
      'paid',
      'shipped',
      'received',
    ]);
    await p.settle();
    const detail = await p.client().get(`/api/storefront/shops/${owner.shopId}/products/${product.id}`);
    expect(detail.body.salesCount).toBe(2);
  });

  it('200 concurrent buyers of a SKU with 50 in stock get exactly 50 orders; stock never goes negative', async () => {
    const owner = await p.shopOwner();
    const product = await createProduct(owner, { stock: 50, price: 100 });
    const sku = product.skus[0]!;
    const shoppers = await Promise.all(Array.from({ length: 20 }, () => shopperWithAddress(p)));
    const attempts = shoppers.flatMap((s) =>
      Array.from({ length: 10 }, () =>
        s.client.post('/api/checkout', {
          lines: [{ shopId: owner.shopId, skuId: sku.id, quantity: 1 }],
          addressId: s.addressId,
        }),
      ),
    );
    const results = await Promise.all(attempts);
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(created).toHaveLength(50);
    expect(refused).toHaveLength(150);
    expect(refused[0]!.body.code).toBe('inventory.out_of_stock');
    expect(refused[0]!.body.detail).toContain('正山小种红茶礼盒');
    expect(results.every((r) => r.status < 500)).toBe(true);
    expect(await stockOf(sku.id)).toEqual({ on_hand: 50, reserved: 50 });
    const orders = await one<{ n: number }>(sql`select count(*)::int n from orders where shop_id = ${owner.shopId}`);
    expect(orders.n).toBe(50);
    const payments = await one<{ n: number }>(
      sql`select count(*)::int n from payment_allocations where shop_id = ${owner.shopId}`,
    );
    expect(payments.n).toBe(50);
  });

  it('replays order creation for the same Idempotency-Key', async () => {
    const owner = await p.shopOwner();
    const sku = (await createProduct(owner, { stock: 5 })).skus[0]!;
    const shopper = await shopperWithAddress(p);
    const body = { lines: [{ shopId: owner.shopId, skuId: sku.id, quantity: 1 }], addressId: shopper.addressId };
    const key = { 'idempotency-key': `checkout-${Date.now()}-abc` };
    const first = await shopper.client.post('/api/checkout', body, key);
    const again = await shopper.client.post('/api/checkout', body, key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.orders[0].id).toBe(first.body.orders[0].id);
    expect(await stockOf(sku.id)).toEqual({ on_hand: 5, reserved: 1 });
  });

  it('refuses invalid SKUs, quantities, addresses and tampered prices, writing nothing', async () => {
    const owner = await p.shopOwner();
    const sku = (await createProduct(owner, { stock: 5, price: 1000 })).skus[0]!;
    const shopper = await shopperWithAddress(p);
    const count = () =>
      one<{ n: number }>(sql`select (select count(*) from orders)::int + (select count(*) from payments)::int as n`);
    const before = await count();
    const line = { shopId: owner.shopId, skuId: sku.id, quantity: 1 };
    const cases = [
      [{ lines: [{ ...line, skuId: 'sku_nope' }], addressId: shopper.addressId }, 'body.lines.0.skuId'],
      [{ lines: [{ ...line, quantity: 0 }], addressId: shopper.addressId }, 'body.lines.0.quantity'],
      [{ lines: [{ ...line, quantity: 1.5 }], addressId: shopper.addressId }, 'body.lines.0.quantity'],
      [{ lines: [line], addressId: 'adr_someone_elses' }, 'body.addressId'],
      [{ lines: [line], addressId: shopper.addressId, expectedTotal: 1 }, 'body.expectedTotal'],
      [{ lines: [], addressId: shopper.addressId }, 'body.lines'],
    ] as const;
    for (const [body, field] of cases) {
      const res = await shopper.client.post('/api/checkout', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await count()).toEqual(before);
    expect(await stockOf(sku.id)).toEqual({ on_hand: 5, reserved: 0 });
    // A price sent by the client is ignored: the server's price stands.
    const placed = await shopper.client.post('/api/checkout', {
      lines: [{ ...line, price: 1 }],
      addressId: shopper.addressId,
    });
    expect(placed.body.total).toBe(1000);
  });
});

describe('payments', () => {
  it('refuses forged and stale notifications and never pays on a wrong amount', async () => {
    const owner = await p.shopOwner();
    const sku = (await createProduct(owner, { stock: 5, price: 5000 })).skus[0]!;
    const shopper = await shopperWithAddress(p);
    const placed = await shopper.client.post('/api/checkout', {
      lines: [{ shopId: owner.shopId, skuId: sku.id, quantity: 1 }],
      addressId: shopper.addressId,
    });
    const ref = placed.body.payUrl.split('/').pop();
    const secret = await testpaySecret(p.dataDir);
    const note = (amount: number) =>
      JSON.stringify({
        id: `ntf_forged_${amount}`,
        type: 'charge.succeeded',
        ref,
        merchantRef: placed.body.paymentId,
        amount,
        currency: 'CNY',
        // Fixed, so the body signed and the body sent are the same bytes.
        at: '2026-11-24T08:00:00.000Z',
      });
    const post = (body: string, signature: string) =>
      p.app.inject({
        method: 'POST',
        url: '/api/payments/notify/testpay',
        headers: { 'content-type': 'application/json', 'x-testpay-signature': signature },
        payload: body,
      });
    expect((await post(note(5000), sign('wrong-secret', note(5000)))).statusCode).toBe(400);
    expect(
      (await post(note(5000), testpay.sign(secret, note(5000), Math.floor(Date.now() / 1000) - 3600))).statusCode,
    ).toBe(400);
    const wrongAmount = await post(note(1), testpay.sign(secret, note(1)));
    expect(wrongAmount.statusCode).toBe(400);
    expect(wrongAmount.json().code).toBe('payments.amount_mismatch');
    await p.settle();
    const order = await shopper.client.get(`/api/me/orders/${owner.shopId}/${placed.body.orders[0].id}`);
    expect(order.body.status).toBe('pending_payment');
    // The genuine one still works.
    expect((await post(note(5000), testpay.sign(secret, note(5000)))).body).toBe('success');
    await p.settle();
    expect((await shopper.client.get(`/api/me/orders/${owner.shopId}/${placed.body.orders[0].id}`)).body.status).toBe(
      'paid',
    );
  });

  it('an unpaid order times out and gives its stock back; paying afterwards is refunded', async () => {
    const owner = await p.shopOwner();
    const sku = (await createProduct(owner, { stock: 3, price: 2000 })).skus[0]!;
    const shopper = await shopperWithAddress(p);
    const placed = await shopper.client.post('/api/checkout', {
      lines: [{ shopId: owner.shopId, skuId: sku.id, quantity: 2 }],
      addressId: shopper.addressId,
    });
    const orderId = placed.body.orders[0].id;
    await p.db.execute(
      sql`update jobs set run_at = now() where name = 'orders.auto-cancel' and payload->>'orderId' = ${orderId}`,
    );
    await p.settle();
    const cancelled = await shopper.client.get(`/api/me/orders/${owner.shopId}/${orderId}`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', closeReason: 'payment_timeout' });
    expect(await stockOf(sku.id)).toEqual({ on_hand: 3, reserved: 0 });
    // The shopper had the pay page open and pays anyway: the money comes back by itself.
    await payOnTestPay(p, placed.body.payUrl);
    await p.settle();
    const after = await shopper.client.get(`/api/me/orders/${owner.shopId}/${orderId}`);
    expect(after.body).toMatchObject({ status: 'cancelled', paidAmount: 4000, refundedAmount: 4000 });
  });
});

describe('workbench orders', () => {
  it('lists with filters, ships in bulk from CSV all-or-nothing', async () => {
    const owner = await p.shopOwner();
    const sku = (await createProduct(owner, { stock: 10, price: 990 })).skus[0]!;
    const shopper = await shopperWithAddress(p);
    const nos: string[] = [];
    for (let i = 0; i < 3; i++) {
      const placed = await shopper.client.post('/api/checkout', {
        lines: [{ shopId: owner.shopId, skuId: sku.id, quantity: 1 }],
        addressId: shopper.addressId,
      });
      await payOnTestPay(p, placed.body.payUrl);
      nos.push(placed.body.orders[0].orderNo);
    }
    await p.settle();
    const paid = await owner.client.get(`/api/shops/${owner.shopId}/orders?status=paid`);
    expect(paid.body.items).toHaveLength(3);
    const byNo = await owner.client.get(`/api/shops/${owner.shopId}/orders?q=${nos[1]}`);
    expect(byNo.body.items.map((o: { orderNo: string }) => o.orderNo)).toEqual([nos[1]]);
    const byBuyer = await owner.client.get(`/api/shops/${owner.shopId}/orders?q=${encodeURIComponent('张三')}`);
    expect(byBuyer.body.items).toHaveLength(3);

    const bad = await owner.client.post(`/api/shops/${owner.shopId}/orders/ship-csv`, {
      csv: `订单号,物流公司,运单号\n${nos[0]},中通快递,ZT100000001\n9999,中通快递,ZT100000002\n${nos[1]},中通`,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['csv.line.3', 'csv.line.4']);
    expect((await owner.client.get(`/api/shops/${owner.shopId}/orders?status=paid`)).body.items).toHaveLength(3);
    const good = await owner.client.post(`/api/shops/${owner.shopId}/orders/ship-csv`, {
      csv: nos.map((n, i) => `${n},中通快递,ZT10000000${i}`).join('\n'),
    });
    expect(good.body).toEqual({ shipped: 3 });
    expect((await owner.client.get(`/api/shops/${owner.shopId}/orders?status=shipped`)).body.items).toHaveLength(3);
  });
});

function sign(secret: string, body: string) {
  return testpay.sign(secret, body);
}
