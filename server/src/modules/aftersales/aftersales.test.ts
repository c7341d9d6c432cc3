import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { paidOrder } from '../../../test/commerce.js';
import { withShop } from '../../kernel/db/tenant.js';
import { payments } from '../payments/index.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});

const stock = async (skuId: string) =>
  (
    await p.db.execute<{ on_hand: number; reserved: number }>(
      sql`select sum(on_hand)::int on_hand, sum(reserved)::int reserved from stock_levels where sku_id = ${skuId}`,
    )
  ).rows[0];

describe('after-sales', () => {
  it('return and refund: approve, goods back with tracking, received into stock, refunded through the provider', async () => {
    const owner = await p.shopOwner();
    const { shopper, order, sku } = await paidOrder(p, owner, { quantity: 2, price: 5000, ship: true });
    expect(await stock(sku.id)).toEqual({ on_hand: 18, reserved: 0 });
    const base = `/api/me/orders/${owner.shopId}/${order.id}/aftersales`;
    const created = await shopper.client.post(base, {
      type: 'return_refund',
      reason: '尺码不合适',
      lines: [{ lineNo: 1, quantity: 1 }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'requested', amount: 5000 });
    expect(
      (
        await shopper.client.post(base, {
          type: 'refund_only',
          reason: '再来一次',
          lines: [{ lineNo: 1, quantity: 1 }],
        })
      ).status,
    ).toBe(409);

    const caseUrl = `/api/shops/${owner.shopId}/aftersales/${created.body.id}`;
    const queue = await owner.client.get(`/api/shops/${owner.shopId}/aftersales?status=requested`);
    expect(queue.body.items.map((c: { id: string }) => c.id)).toContain(created.body.id);
    expect((await owner.client.post(`${caseUrl}/approve`)).body.status).toBe('awaiting_return');
    expect((await owner.client.post(`${caseUrl}/receive`)).status).toBe(409);
    const returned = await shopper.client.post(`/api/me/aftersales/${owner.shopId}/${created.body.id}/return`, {
      carrier: '中通快递',
      trackingNo: 'ZT5550001',
    });
    expect(returned.body).toMatchObject({ status: 'returned', returnTrackingNo: 'ZT5550001' });
    expect((await owner.client.post(`${caseUrl}/receive`)).body.status).toBe('refunding');
    expect(await stock(sku.id)).toEqual({ on_hand: 19, reserved: 0 });
    await p.settle();
    expect((await owner.client.get(caseUrl)).body.status).toBe('refunded');
    const after = await shopper.client.get(`/api/me/orders/${owner.shopId}/${order.id}`);
    expect(after.body).toMatchObject({ status: 'shipped', refundedAmount: 5000 });
  });

  it('refund only before shipping returns everything with the shipping fee and closes the order', async () => {
    const owner = await p.shopOwner();
    await owner.client.request('PUT', `/api/shops/${owner.shopId}/order-settings`, {
      shippingFee: 600,
      freeShippingOver: null,
      unpaidTimeoutMinutes: 30,
      autoConfirmDays: 10,
      afterSalesDays: 7,
    });
    const { shopper, order, sku } = await paidOrder(p, owner, { quantity: 2, price: 3000 });
    const created = await shopper.client.post(`/api/me/orders/${owner.shopId}/${order.id}/aftersales`, {
      type: 'refund_only',
      reason: '不想要了',
      lines: [{ lineNo: 1, quantity: 2 }],
    });
    expect(created.body).toMatchObject({ amount: 6600, shippingRefund: 600 });
    await owner.client.post(`/api/shops/${owner.shopId}/aftersales/${created.body.id}/approve`);
    await p.settle();
    const closed = await shopper.client.get(`/api/me/orders/${owner.shopId}/${order.id}`);
    expect(closed.body).toMatchObject({ status: 'closed', paidAmount: 6600, refundedAmount: 6600 });
    expect(await stock(sku.id)).toEqual({ on_hand: 20, reserved: 0 });
  });

  it('a merchant rejects with a reason; refunds never exceed the line or what was paid', async () => {
    const owner = await p.shopOwner();
    const { shopper, order } = await paidOrder(p, owner, { quantity: 1, price: 4000, ship: true });
    const base = `/api/me/orders/${owner.shopId}/${order.id}/aftersales`;
    const tooMuch = await shopper.client.post(base, {
      type: 'refund_only',
      reason: '少件',
      lines: [{ lineNo: 1, quantity: 1, amount: 4001 }],
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.errors[0].field).toBe('body.lines.0.amount');
    const tooMany = await shopper.client.post(base, {
      type: 'refund_only',
      reason: '少件',
      lines: [{ lineNo: 1, quantity: 2 }],
    });
    expect(tooMany.body.errors[0].field).toBe('body.lines.0.quantity');
    const partial = await shopper.client.post(base, {
      type: 'refund_only',
      reason: '外包装破损',
      lines: [{ lineNo: 1, quantity: 1, amount: 1500 }],
    });
    const rejected = await owner.client.post(`/api/shops/${owner.shopId}/aftersales/${partial.body.id}/reject`, {
      reason: '图片无法证明破损',
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '图片无法证明破损' });
    const again = await shopper.client.post(base, {
      type: 'refund_only',
      reason: '外包装破损',
      lines: [{ lineNo: 1, quantity: 1, amount: 1500 }],
    });
    await owner.client.post(`/api/shops/${owner.shopId}/aftersales/${again.body.id}/approve`);
    await p.settle();
    const rest = await shopper.client.post(base, {
      type: 'refund_only',
      reason: '再退',
      lines: [{ lineNo: 1, quantity: 1, amount: 2501 }],
    });
    expect(rest.status).toBe(400);
    const fine = await shopper.client.post(base, {
      type: 'refund_only',
      reason: '再退',
      lines: [{ lineNo: 1, quantity: 1, amount: 2500 }],
    });
    expect(fine.status).toBe(201);
  });

  it('concurrent requests open one case; concurrent refunds never pass what was paid (property)', async () => {
    const owner = await p.shopOwner();
    const { shopper, order } = await paidOrder(p, owner, { quantity: 3, price: 1000, ship: true });
    const many = await Promise.all(
      Array.from({ length: 8 }, () =>
        shopper.client.post(`/api/me/orders/${owner.shopId}/${order.id}/aftersales`, {
          type: 'refund_only',
          reason: '并发',
          lines: [{ lineNo: 1, quantity: 1 }],
        }),
      ),
    );
    expect(many.filter((r) => r.status === 201)).toHaveLength(1);
    expect(many.filter((r) => r.status === 409)).toHaveLength(7);

    const { order: second } = await paidOrder(p, owner, { quantity: 1, price: 10_000, ship: true });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 12 }),
        async (amounts) => {
          await p.db.execute(sql`update payment_allocations set refunded = 0 where order_id = ${second.id}`);
          await p.db.execute(sql`delete from refunds where order_id = ${second.id}`);
          const results = await Promise.allSettled(
            amounts.map((amount) =>
              withShop(p.db, owner.shopId, (tx) =>
                payments.requestRefund(tx, { shopId: owner.shopId, orderId: second.id, amount, reason: 'prop' }),
              ),
            ),
          );
          const total = (
            await p.db.execute<{ refunded: number }>(
              sql`select refunded from payment_allocations where order_id = ${second.id}`,
            )
          ).rows[0]!.refunded;
          const pending = (
            await p.db.execute<{ n: number }>(
              sql`select coalesce(sum(amount),0)::int n from refunds where order_id = ${second.id}`,
            )
          ).rows[0]!.n;
          expect(total).toBeLessThanOrEqual(10_000);
          expect(pending).toBe(total);
          const granted = amounts.filter((_, i) => results[i]!.status === 'fulfilled');
          expect(granted.reduce((a, b) => a + b, 0)).toBe(total);
        },
      ),
      { numRuns: 25 },
    );
    await p.db.execute(sql`delete from jobs where name = 'payments.execute-refund'`);
  });
});
