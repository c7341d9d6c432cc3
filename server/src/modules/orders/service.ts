import { and, asc, desc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { inShop, withShop } from '../../kernel/db/tenant.js';
import { emit, type EventEnvelope } from '../../kernel/events/outbox.js';
import { AppError, badRequest, notFound, type FieldError } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { newId } from '../../kernel/ids.js';
import { enqueue } from '../../kernel/jobs/queue.js';
import { CURRENCY, sum } from '../../kernel/money.js';
import { catalog } from '../catalog/index.js';
import { fulfillment, type ShipmentView } from '../fulfillment/index.js';
import { inventory } from '../inventory/index.js';
import { payments } from '../payments/index.js';
import { orderLines, orderNoSeq, orderSettings, orders, orderTimeline, type ShippingAddress } from './schema.js';

defineMessages({
  'orders.not_purchasable': {
    'zh-CN': '商品已下架或不存在',
    'en-US': 'The product is off the shelf or does not exist',
  },
  'orders.wrong_status': {
    'zh-CN': '订单当前状态（{status}）不能执行此操作',
    'en-US': 'Not possible while the order is {status}',
  },
  'orders.bulk_ship_errors': {
    'zh-CN': 'CSV 中有错误，未发货任何订单',
    'en-US': 'The CSV has errors; nothing was shipped',
  },
  'orders.csv_bad_line': {
    'zh-CN': '第 {line} 行：格式应为 订单号,物流公司,运单号',
    'en-US': 'Line {line}: expected order number,carrier,tracking number',
  },
  'orders.csv_unknown_order': { 'zh-CN': '第 {line} 行：找不到订单', 'en-US': 'Line {line}: no such order' },
  'orders.csv_not_shippable': {
    'zh-CN': '第 {line} 行：订单不是待发货状态',
    'en-US': 'Line {line}: the order is not waiting to ship',
  },
  'orders.csv_duplicate': { 'zh-CN': '第 {line} 行：订单重复', 'en-US': 'Line {line}: the order appears twice' },
  'orders.shipment_unknown': { 'zh-CN': '该订单没有这个包裹', 'en-US': 'The order has no such parcel' },
  'orders.nothing_to_ship': {
    'zh-CN': '没有待发货的包裹（可能还在门店抢单中）',
    'en-US': 'No parcel is ready to ship (some may still be offered to stores)',
  },
});

// ------------------------------------------------------------------ settings

export const settingsInput = z.object({
  shippingFee: z.number().int().min(0).max(100_000),
  freeShippingOver: z.number().int().min(0).max(100_000_000).nullable(),
  unpaidTimeoutMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60),
  autoConfirmDays: z.number().int().min(1).max(30),
  afterSalesDays: z.number().int().min(0).max(30),
});
export type OrderSettings = z.infer<typeof settingsInput>;

export async function getSettings(tx: Executor, shopId: string): Promise<OrderSettings> {
  const [row] = await tx.select().from(orderSettings).where(eq(orderSettings.shopId, shopId));
  return {
    shippingFee: row?.shippingFee ?? 0,
    freeShippingOver: row?.freeShippingOver ?? null,
    unpaidTimeoutMinutes: row?.unpaidTimeoutMinutes ?? 30,
    autoConfirmDays: row?.autoConfirmDays ?? 10,
    afterSalesDays: row?.afterSalesDays ?? 7,
  };
}

export async function saveSettings(db: Db, shopId: string, input: OrderSettings): Promise<OrderSettings> {
  return withShop(db, shopId, async (tx) => {
    await tx
      .insert(orderSettings)
      .values({ shopId, ...input })
      .onConflictDoUpdate({ target: orderSettings.shopId, set: { ...input, updatedAt: sql`now()` } });
    return getSettings(tx, shopId);
  });
}

export function shippingFeeFor(settings: OrderSettings, itemsTotal: number): number {
  return settings.freeShippingOver !== null && itemsTotal >= settings.freeShippingOver ? 0 : settings.shippingFee;
}

// ------------------------------------------------------------------ views

type OrderRow = typeof orders.$inferSelect;
type LineRow = typeof orderLines.$inferSelect;

export function orderView(o: OrderRow, lines: LineRow[], shopName?: string) {
  return {
    id: o.id,
    shopId: o.shopId,
    shopName: shopName ?? null,
    orderNo: o.orderNo,
    buyerAccountId: o.buyerAccountId,
    status: o.status,
    currency: o.currency,
    itemsTotal: o.itemsTotal,
    shippingFee: o.shippingFee,
    total: o.total,
    paidAmount: o.paidAmount,
    refundedAmount: o.refundedAmount,
    address: o.address,
    buyerNote: o.buyerNote,
    paymentId: o.paymentId,
    fulfilment: o.fulfilment,
    carrier: o.carrier,
    trackingNo: o.trackingNo,
    closeReason: o.closeReason,
    createdAt: o.createdAt.toISOString(),
    payBy: o.payBy.toISOString(),
    paidAt: o.paidAt?.toISOString() ?? null,
    shippedAt: o.shippedAt?.toISOString() ?? null,
    receivedAt: o.receivedAt?.toISOString() ?? null,
    completedAt: o.completedAt?.toISOString() ?? null,
    closedAt: o.closedAt?.toISOString() ?? null,
    lines: lines
      .sort((a, b) => a.lineNo - b.lineNo)
      .map((l) => ({
        lineNo: l.lineNo,
        productId: l.productId,
        skuId: l.skuId,
        title: l.title,
        specText: l.specText,
        imageUrl: l.imageUrl,
        unitPrice: l.unitPrice,
        quantity: l.quantity,
        lineTotal: l.lineTotal,
      })),
  };
}
export type OrderView = ReturnType<typeof orderView>;

async function linesOf(tx: Executor, shopId: string, orderIds: string[]) {
  if (orderIds.length === 0) return [];
  return tx
    .select()
    .from(orderLines)
    .where(and(eq(orderLines.shopId, shopId), inArray(orderLines.orderId, orderIds)));
}

async function lockOrder(tx: Tx, shopId: string, orderId: string): Promise<OrderRow> {
  const [o] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)))
    .for('update');
  if (!o) throw notFound('order');
  return o;
}

const wrongStatus = (o: OrderRow) => new AppError(409, 'orders.wrong_status', { status: o.status });

async function note(
  tx: Tx,
  o: { shopId: string; id: string },
  status: string,
  noteText?: string | null,
  actorId?: string | null,
) {
  await tx.insert(orderTimeline).values({
    shopId: o.shopId,
    orderId: o.id,
    id: newId('otl'),
    status,
    note: noteText ?? null,
    actorId: actorId ?? null,
  });
}

async function loadOrder(tx: Executor, shopId: string, orderId: string) {
  const [o] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)));
  if (!o) throw notFound('order');
  const lines = await linesOf(tx, shopId, [o.id]);
  const timeline = await tx
    .select()
    .from(orderTimeline)
    .where(and(eq(orderTimeline.shopId, shopId), eq(orderTimeline.orderId, orderId)))
    .orderBy(asc(orderTimeline.at), asc(orderTimeline.id));
  return {
    ...orderView(o, lines),
    timeline: timeline.map((t) => ({ status: t.status, note: t.note, at: t.at.toISOString() })),
    shipments: await fulfillment.shipmentsOf(tx, shopId, orderId),
  };
}

// ------------------------------------------------------------------ creation (called by checkout, in its transaction)

export interface NewOrderLine {
  skuId: string;
  quantity: number;
  /**
   * A price set by server code for this line (a flash sale's price), in fen; otherwise the SKU's
   * catalogue price. Never taken from a client's input.
   */
  unitPrice?: number;
}

export type DeliveryMode = 'ship' | 'pickup' | 'in_store';
/** How one shop's order reaches the buyer: posted (routed by the shop's rules) or at a store. */
export interface Delivery {
  mode: DeliveryMode;
  /** The store for pickup / in-store; for `ship`, forces one location (skips routing). */
  locationId?: string;
}

/** Prices an order without writing anything: for checkout previews and the real thing alike. */
export async function price(
  tx: Executor,
  shopId: string,
  lines: NewOrderLine[],
  fieldPrefix = 'body.lines',
  mode: DeliveryMode = 'ship',
) {
  const skus = await catalog.skusForPurchase(
    tx,
    shopId,
    lines.map((l) => l.skuId),
  );
  const problems: FieldError[] = [];
  const priced = lines.map((l, i) => {
    const sku = skus.get(l.skuId);
    if (!sku?.purchasable)
      problems.push({ field: `${fieldPrefix}.${i}.skuId`, code: 'not_purchasable', message: 'orders.not_purchasable' });
    return { ...l, sku, unitPrice: l.unitPrice ?? sku?.price ?? 0 };
  });
  if (problems.length) throw badRequest('orders.not_purchasable', problems);
  const settings = await getSettings(tx, shopId);
  const itemsTotal = sum(priced.map((l) => l.unitPrice * l.quantity));
  // Collected at a store (pickup, or bought there): nothing is posted, so no shipping fee.
  const shippingFee = mode === 'ship' ? shippingFeeFor(settings, itemsTotal) : 0;
  return { priced, itemsTotal, shippingFee, total: itemsTotal + shippingFee, settings };
}

/**
 * Creates one shop's order in the caller's transaction (scoped to that shop): lines snapshot
 * title, SKU, price and image; fulfillment allocates the lines to locations and holds their stock
 * per parcel (all or nothing); an unpaid order is cancelled by a job when its time runs out.
 * `fromHold` takes the units from an existing hold (a flash sale's quota) instead of reserving.
 */
export async function createOrder(
  tx: Tx,
  input: {
    shopId: string;
    buyerAccountId: string;
    lines: NewOrderLine[];
    address: ShippingAddress;
    note?: string;
    delivery?: Delivery;
    fromHold?: { ref: { type: string; id: string }; locationId: string };
  },
): Promise<OrderView> {
  const delivery = input.delivery ?? { mode: 'ship' };
  return inShop(tx, input.shopId, async (tx) => {
    const { priced, itemsTotal, shippingFee, total, settings } = await price(
      tx,
      input.shopId,
      input.lines,
      'body.lines',
      delivery.mode,
    );
    const id = newId('ord');
    const [{ seq }] = (
      await tx.execute<{ seq: number }>(sql`select nextval(${sql.raw(`'${orderNoSeq.seqName}'`)})::int as seq`)
    ).rows as [{ seq: number }];
    const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    const payBy = new Date(Date.now() + settings.unpaidTimeoutMinutes * 60_000);
    const [order] = await tx
      .insert(orders)
      .values({
        shopId: input.shopId,
        id,
        orderNo: `${day}${String(seq).padStart(8, '0')}`,
        buyerAccountId: input.buyerAccountId,
        status: 'pending_payment',
        currency: CURRENCY,
        itemsTotal,
        shippingFee,
        total,
        address: input.address,
        buyerNote: input.note ?? null,
        fulfilment: delivery.mode,
        payBy,
      })
      .returning();
    const lines = await tx
      .insert(orderLines)
      .values(
        priced.map((l, i) => ({
          shopId: input.shopId,
          orderId: id,
          lineNo: i + 1,
          productId: l.sku!.productId,
          skuId: l.skuId,
          title: l.sku!.title,
          specText: l.sku!.specText,
          imageUrl: l.sku!.imageUrl,
          unitPrice: l.unitPrice,
          quantity: l.quantity,
          lineTotal: l.unitPrice * l.quantity,
        })),
      )
      .returning();
    await fulfillment
      .allocateOrder(tx, input.shopId, {
        orderId: id,
        lines: lines.map((l) => ({ orderLineId: String(l.lineNo), skuId: l.skuId, quantity: l.quantity })),
        address: input.address,
        mode: delivery.mode,
        locationId: delivery.locationId,
        fromHold: input.fromHold,
      })
      .catch((e: unknown) => {
        // Name what ran out the way the shopper knows it, not by SKU id.
        if (!(e instanceof AppError) || e.code !== 'inventory.out_of_stock') throw e;
        const short = new Set(e.params.skuIds as string[]);
        const titles = priced
          .filter((l) => short.has(l.skuId))
          .map((l) => [l.sku!.title, l.sku!.specText].filter(Boolean).join(' '));
        throw new AppError(409, 'inventory.out_of_stock', { skuIds: [...short], titles: titles.join('、') });
      });
    await note(tx, order!, 'pending_payment', null, input.buyerAccountId);
    await enqueue(
      tx,
      'orders.auto-cancel',
      { shopId: input.shopId, orderId: id },
      { runAt: payBy, uniqueKey: `auto-cancel:${id}` },
    );
    await emit(
      tx,
      'order.created',
      { shopId: input.shopId, orderId: id, buyerAccountId: input.buyerAccountId, total },
      input.shopId,
    );
    return orderView(order!, lines);
  });
}

export async function attachPayment(tx: Tx, shopId: string, orderId: string, paymentId: string) {
  await inShop(tx, shopId, (tx) =>
    tx
      .update(orders)
      .set({ paymentId })
      .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId))),
  );
}

// ------------------------------------------------------------------ state changes

/** payment.succeeded: each order it covers becomes paid; one cancelled meanwhile is refunded. */
export async function onPaymentSucceeded(event: EventEnvelope, tx: Tx) {
  const p = event.payload as { paymentId: string; allocations: { shopId: string; orderId: string; amount: number }[] };
  for (const a of p.allocations) {
    const refund = await inShop(tx, a.shopId, async (tx) => {
      const o = await lockOrder(tx, a.shopId, a.orderId);
      if (o.status === 'pending_payment' && o.total === a.amount) {
        await tx
          .update(orders)
          .set({ status: 'paid', paidAmount: a.amount, paidAt: sql`now()` })
          .where(and(eq(orders.shopId, o.shopId), eq(orders.id, o.id)));
        await note(tx, o, 'paid');
        await fulfillment.markOrderPaid(tx, o.shopId, o.id);
        const lines = await linesOf(tx, o.shopId, [o.id]);
        await emit(
          tx,
          'order.paid',
          {
            shopId: o.shopId,
            orderId: o.id,
            buyerAccountId: o.buyerAccountId,
            total: o.total,
            lines: lines.map((l) => ({
              productId: l.productId,
              skuId: l.skuId,
              quantity: l.quantity,
              lineTotal: l.lineTotal,
            })),
          },
          o.shopId,
        );
        return false;
      }
      if (o.status === 'cancelled') {
        // Paid after it was cancelled (the payment raced the timeout): the money goes back.
        await tx
          .update(orders)
          .set({ paidAmount: a.amount })
          .where(and(eq(orders.shopId, o.shopId), eq(orders.id, o.id)));
        await note(tx, o, 'cancelled', 'refund_after_cancel');
        return true;
      }
      return false;
    });
    if (refund)
      await payments.requestRefund(tx, {
        shopId: a.shopId,
        orderId: a.orderId,
        amount: a.amount,
        reason: 'order_cancelled',
      });
  }
}

/** refund.succeeded: the order's refunded amount grows; fully refunded before completion, it closes. */
export async function onRefundSucceeded(event: EventEnvelope, tx: Tx) {
  const r = event.payload as { shopId: string; orderId: string; amount: number; refundId: string };
  await inShop(tx, r.shopId, async (tx) => {
    const o = await lockOrder(tx, r.shopId, r.orderId);
    const refundedAmount = o.refundedAmount + r.amount;
    const full = refundedAmount === o.paidAmount;
    const closes = full && ['paid', 'shipped', 'received'].includes(o.status);
    await tx
      .update(orders)
      .set({
        refundedAmount,
        ...(closes ? { status: 'closed' as const, closedAt: sql`now()`, closeReason: 'refunded' } : {}),
      })
      .where(and(eq(orders.shopId, o.shopId), eq(orders.id, o.id)));
    await note(tx, o, closes ? 'closed' : o.status, `refund:${r.amount}`);
    if (closes) {
      // Nothing more will ship now: give the held stock back (parcels already sent stay sent).
      if (o.status === 'paid') await releaseHolds(tx, o, 'refunded');
      await emit(tx, 'order.closed', { shopId: o.shopId, orderId: o.id, reason: 'refunded' }, o.shopId);
    }
  });
}

export async function cancel(
  db: Db,
  shopId: string,
  orderId: string,
  by: { actorId: string | null; reason: string; buyerAccountId?: string },
) {
  return db.transaction(async (tx) => {
    const result = await inShop(tx, shopId, async (tx) => {
      const o = await lockOrder(tx, shopId, orderId);
      if (by.buyerAccountId && o.buyerAccountId !== by.buyerAccountId) throw notFound('order');
      if (o.status !== 'pending_payment') {
        if (by.actorId === null && o.status === 'cancelled') return null; // the timeout job, again
        throw wrongStatus(o);
      }
      await tx
        .update(orders)
        .set({ status: 'cancelled', closedAt: sql`now()`, closeReason: by.reason })
        .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)));
      await releaseHolds(tx, o, by.reason);
      await note(tx, o, 'cancelled', by.reason, by.actorId);
      await emit(tx, 'order.cancelled', { shopId, orderId, reason: by.reason }, shopId);
      return o.paymentId;
    });
    if (result) {
      const siblings = await tx.execute<{ open: number }>(
        sql`select count(*)::int as open from ${orders} where ${orders.paymentId} = ${result} and ${orders.status} = 'pending_payment'`,
      );
      if (siblings.rows[0]?.open === 0) await payments.closeIfPending(tx, result);
    }
    return loadOrderScoped(db, shopId, orderId);
  });
}

const loadOrderScoped = (db: Db, shopId: string, orderId: string) =>
  withShop(db, shopId, (tx) => loadOrder(tx, shopId, orderId));

export const shipInput = z.object({
  carrier: z.string().trim().min(2).max(30),
  trackingNo: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{6,32}$/, 'format.tracking_no'),
});

/** Cancels the order's live parcels (their stock goes back); an order from before parcels held by order. */
async function releaseHolds(tx: Tx, o: OrderRow, reason: string) {
  await fulfillment.cancelOrderShipments(tx, o.shopId, o.id, reason);
  await inventory.release(tx, o.shopId, { type: 'order', id: o.id });
}

/** The order is `shipped` once every live parcel shipped or was picked up. */
async function shippedIfDone(
  tx: Tx,
  o: OrderRow,
  parcels: ShipmentView[],
  last: { carrier: string | null; trackingNo: string | null },
  actorId: string | null,
) {
  if (o.status !== 'paid' || !fulfillment.allDone(parcels)) return false;
  const settings = await getSettings(tx, o.shopId);
  await tx
    .update(orders)
    .set({ status: 'shipped', shippedAt: sql`now()`, carrier: last.carrier, trackingNo: last.trackingNo })
    .where(and(eq(orders.shopId, o.shopId), eq(orders.id, o.id)));
  const live = parcels.filter((p) => p.status !== 'cancelled');
  await note(
    tx,
    o,
    'shipped',
    live.length > 1 ? null : [last.carrier, last.trackingNo].filter(Boolean).join(' ') || null,
    actorId,
  );
  await enqueue(
    tx,
    'orders.auto-confirm',
    { shopId: o.shopId, orderId: o.id },
    { delayMs: settings.autoConfirmDays * 86_400_000, uniqueKey: `auto-confirm:${o.id}` },
  );
  await emit(
    tx,
    'order.shipped',
    { shopId: o.shopId, orderId: o.id, carrier: last.carrier, trackingNo: last.trackingNo, parcels: live.length },
    o.shopId,
  );
  return true;
}

/** Ships every parcel of the order that is ready, with one carrier and tracking number. */
async function shipLocked(tx: Tx, o: OrderRow, input: z.infer<typeof shipInput>, actorId: string) {
  if (o.status !== 'paid') throw wrongStatus(o);
  const parcels = await fulfillment.shipmentsOf(tx, o.shopId, o.id);
  if (parcels.length === 0) {
    // An order placed before parcels existed: its stock is held under the order.
    await inventory.commit(tx, o.shopId, { type: 'order', id: o.id });
    await shippedIfDone(tx, o, [{ status: 'shipped' } as ShipmentView], input, actorId);
    return;
  }
  const ready = parcels.filter((p) => p.status === 'ready' && p.kind === 'ship');
  if (ready.length === 0) throw new AppError(409, 'orders.nothing_to_ship');
  for (const p of ready)
    await fulfillment.confirmShipped(tx, o.shopId, p.id, input, { type: 'order_ship', id: `${o.id}:${actorId}` });
  await shippedIfDone(tx, o, await fulfillment.shipmentsOf(tx, o.shopId, o.id), input, actorId);
}

/**
 * Ships one parcel of the order; the order becomes `shipped` when it was the last one.
 * Shipping it again is a no-op.
 */
export async function shipParcel(
  db: Db,
  shopId: string,
  orderId: string,
  shipmentId: string,
  input: z.infer<typeof shipInput>,
  actorId: string,
) {
  await withShop(db, shopId, async (tx) => {
    const o = await lockOrder(tx, shopId, orderId);
    const parcels = await fulfillment.shipmentsOf(tx, shopId, orderId);
    if (!parcels.some((p) => p.id === shipmentId)) throw new AppError(404, 'orders.shipment_unknown');
    if (o.status !== 'paid') throw wrongStatus(o);
    await fulfillment.confirmShipped(tx, shopId, shipmentId, input, {
      type: 'order_ship',
      id: `${shipmentId}:${actorId}`,
    });
    await note(tx, o, 'parcel_shipped', `${input.carrier} ${input.trackingNo}`, actorId);
    await shippedIfDone(tx, o, await fulfillment.shipmentsOf(tx, shopId, orderId), input, actorId);
  });
  return loadOrderScoped(db, shopId, orderId);
}

/**
 * fulfillment.shipment_shipped / _picked_up from elsewhere (a WMS confirm, a store, a pickup
 * verified): the order becomes `shipped` once every live parcel is out. Safe to run again.
 */
export async function onParcelDone(event: EventEnvelope, tx: Tx) {
  const e = event.payload as { shopId: string; orderId: string; carrier?: string; trackingNo?: string };
  await inShop(tx, e.shopId, async (tx) => {
    const [o] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.shopId, e.shopId), eq(orders.id, e.orderId)))
      .for('update');
    if (!o || o.status !== 'paid') return;
    const parcels = await fulfillment.shipmentsOf(tx, e.shopId, e.orderId);
    const out = await shippedIfDone(
      tx,
      o,
      parcels,
      { carrier: e.carrier ?? null, trackingNo: e.trackingNo ?? null },
      null,
    );
    // Everything was handed over the counter: the shopper already has the goods.
    const live = parcels.filter((p) => p.status !== 'cancelled');
    if (out && live.every((p) => p.status === 'picked_up')) await markReceived(tx, o, 'handed_over', null);
  });
}

export async function ship(db: Db, shopId: string, orderId: string, input: z.infer<typeof shipInput>, actorId: string) {
  await withShop(db, shopId, async (tx) => shipLocked(tx, await lockOrder(tx, shopId, orderId), input, actorId));
  return loadOrderScoped(db, shopId, orderId);
}

/**
 * Ships many orders from CSV lines `orderNo,carrier,trackingNo` (a header line is allowed).
 * Every line is checked first; with any error nothing ships and each bad line is named.
 */
export async function bulkShip(db: Db, shopId: string, csv: string, actorId: string) {
  return withShop(db, shopId, async (tx) => {
    const rows = csv
      .split(/\r?\n/)
      .map((text, i) => ({ line: i + 1, cells: text.split(',').map((c) => c.trim()) }))
      .filter((r) => r.cells.some(Boolean))
      .filter((r, i) => !(i === 0 && !/^\d/.test(r.cells[0] ?? '')));
    const problems: FieldError[] = [];
    const seen = new Set<string>();
    const plan: { order: OrderRow; carrier: string; trackingNo: string }[] = [];
    for (const r of rows) {
      const [orderNo = '', carrier = '', trackingNo = ''] = r.cells;
      const parsed = shipInput.safeParse({ carrier, trackingNo });
      if (r.cells.length < 3 || !orderNo || !parsed.success) {
        problems.push({
          field: `csv.line.${r.line}`,
          code: 'bad_line',
          message: 'orders.csv_bad_line',
          params: { line: r.line },
        });
        continue;
      }
      if (seen.has(orderNo)) {
        problems.push({
          field: `csv.line.${r.line}`,
          code: 'duplicate',
          message: 'orders.csv_duplicate',
          params: { line: r.line },
        });
        continue;
      }
      seen.add(orderNo);
      const [o] = await tx
        .select()
        .from(orders)
        .where(and(eq(orders.shopId, shopId), eq(orders.orderNo, orderNo)))
        .for('update');
      if (!o)
        problems.push({
          field: `csv.line.${r.line}`,
          code: 'unknown_order',
          message: 'orders.csv_unknown_order',
          params: { line: r.line },
        });
      else if (o.status !== 'paid')
        problems.push({
          field: `csv.line.${r.line}`,
          code: 'not_shippable',
          message: 'orders.csv_not_shippable',
          params: { line: r.line },
        });
      else plan.push({ order: o, ...parsed.data });
    }
    if (problems.length || plan.length === 0) {
      throw badRequest(
        'orders.bulk_ship_errors',
        problems.length ? problems : [{ field: 'csv', code: 'empty', message: 'orders.bulk_ship_errors' }],
      );
    }
    for (const p of plan) await shipLocked(tx, p.order, p, actorId);
    return { shipped: plan.length };
  });
}

export async function confirmReceipt(db: Db, shopId: string, orderId: string, buyerAccountId: string | null) {
  await withShop(db, shopId, async (tx) => {
    const o = await lockOrder(tx, shopId, orderId);
    if (buyerAccountId && o.buyerAccountId !== buyerAccountId) throw notFound('order');
    if (o.status !== 'shipped') {
      if (buyerAccountId === null) return; // the auto-confirm job after a manual confirm
      throw wrongStatus(o);
    }
    await markReceived(tx, o, buyerAccountId ? null : 'auto', buyerAccountId);
  });
  return loadOrderScoped(db, shopId, orderId);
}

/** shipped → received; the after-sales window starts. */
async function markReceived(tx: Tx, o: OrderRow, how: 'auto' | 'handed_over' | null, actorId: string | null) {
  const settings = await getSettings(tx, o.shopId);
  await tx
    .update(orders)
    .set({ status: 'received', receivedAt: sql`now()` })
    .where(and(eq(orders.shopId, o.shopId), eq(orders.id, o.id)));
  await note(tx, o, 'received', how, actorId);
  await enqueue(
    tx,
    'orders.complete',
    { shopId: o.shopId, orderId: o.id },
    { delayMs: settings.afterSalesDays * 86_400_000, uniqueKey: `complete:${o.id}` },
  );
  await emit(tx, 'order.received', { shopId: o.shopId, orderId: o.id, auto: how !== null }, o.shopId);
}

/** Job: after the after-sales window, a received order completes (unless after-sales holds it open). */
export async function complete(db: Db, shopId: string, orderId: string, isHeld: (tx: Tx) => Promise<boolean>) {
  await withShop(db, shopId, async (tx) => {
    const o = await lockOrder(tx, shopId, orderId);
    if (o.status !== 'received') return;
    if (await isHeld(tx)) {
      await enqueue(tx, 'orders.complete', { shopId, orderId }, { delayMs: 86_400_000 });
      return;
    }
    await tx
      .update(orders)
      .set({ status: 'completed', completedAt: sql`now()` })
      .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)));
    await note(tx, o, 'completed');
    await emit(tx, 'order.completed', { shopId, orderId }, shopId);
  });
}

// ------------------------------------------------------------------ reads

export const workbenchQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  status: z.enum(['pending_payment', 'paid', 'shipped', 'received', 'completed', 'cancelled', 'closed']).optional(),
  q: z.string().trim().max(60).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});

/** The workbench's order list: filters by status, time and a search over number, buyer and items. */
export async function listForShop(db: Db, shopId: string, q: z.infer<typeof workbenchQuery>) {
  const after = decodeCursor(q.cursor);
  return withShop(db, shopId, async (tx) => {
    const like = q.q ? `%${q.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%` : undefined;
    const rows = await tx
      .select()
      .from(orders)
      .where(
        and(
          eq(orders.shopId, shopId),
          q.status ? eq(orders.status, q.status) : undefined,
          q.from ? sql`${orders.createdAt} >= ${q.from}::timestamptz` : undefined,
          q.to ? sql`${orders.createdAt} < ${q.to}::timestamptz` : undefined,
          like
            ? or(
                ilike(orders.orderNo, like),
                sql`${orders.address}->>'name' ilike ${like}`,
                sql`${orders.address}->>'phone' ilike ${like}`,
                sql`exists (select 1 from ${orderLines} l where l.shop_id = ${orders.shopId} and l.order_id = ${orders.id} and l.title ilike ${like})`,
              )
            : undefined,
          after
            ? sql`(${orders.createdAt}, ${orders.id}) < (${String(after[0])}::timestamptz, ${String(after[1])})`
            : undefined,
        ),
      )
      .orderBy(desc(orders.createdAt), desc(orders.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.createdAt.toISOString(), r.id]);
    const lines = await linesOf(
      tx,
      shopId,
      page.items.map((o) => o.id),
    );
    return {
      items: page.items.map((o) =>
        orderView(
          o,
          lines.filter((l) => l.orderId === o.id),
        ),
      ),
      nextCursor: page.nextCursor,
    };
  });
}

export const getForShop = loadOrderScoped;

/** The order's parcels and every routing decision made for it, with explanations. */
export async function routingOf(db: Db, shopId: string, orderId: string) {
  return withShop(db, shopId, async (tx) => {
    const [o] = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)));
    if (!o) throw notFound('order');
    return {
      shipments: await fulfillment.shipmentsOf(tx, shopId, orderId),
      decisions: await fulfillment.decisionsOf(tx, shopId, orderId),
    };
  });
}

export const shopperQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(10),
  cursor: z.string().max(500).optional(),
  status: z.enum(['pending_payment', 'paid', 'shipped', 'received', 'completed', 'cancelled', 'closed']).optional(),
});

/** A shopper's orders across shops, newest first. */
export async function listForBuyer(
  db: Db,
  buyerAccountId: string,
  q: z.infer<typeof shopperQuery>,
  shopNames: (ids: string[]) => Promise<Map<string, string>>,
) {
  const after = decodeCursor(q.cursor);
  const rows = await db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.buyerAccountId, buyerAccountId),
        q.status ? eq(orders.status, q.status) : undefined,
        after
          ? sql`(${orders.createdAt}, ${orders.id}) < (${String(after[0])}::timestamptz, ${String(after[1])})`
          : undefined,
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => [r.createdAt.toISOString(), r.id]);
  const lines = page.items.length
    ? await db
        .select()
        .from(orderLines)
        .where(
          inArray(
            orderLines.orderId,
            page.items.map((o) => o.id),
          ),
        )
    : [];
  const names = await shopNames([...new Set(page.items.map((o) => o.shopId))]);
  return {
    items: page.items.map((o) =>
      orderView(
        o,
        lines.filter((l) => l.orderId === o.id && l.shopId === o.shopId),
        names.get(o.shopId),
      ),
    ),
    nextCursor: page.nextCursor,
  };
}

export async function getForBuyer(db: Db, buyerAccountId: string, shopId: string, orderId: string) {
  const o = await loadOrderScoped(db, shopId, orderId);
  if (o.buyerAccountId !== buyerAccountId) throw notFound('order');
  return o;
}

/** For after-sales: an order with its lines, locked, in the caller's shop scope. */
export async function lockForAftersales(tx: Tx, shopId: string, orderId: string) {
  const o = await lockOrder(tx, shopId, orderId);
  return { order: o, lines: await linesOf(tx, shopId, [orderId]) };
}

// ------------------------------------------------------------------ for the data dashboard (stats module)

/** Statuses an order can have once it was paid (closed: fully refunded after payment). */
const PAID_STATUSES = ['paid', 'shipped', 'received', 'completed', 'closed'] as const;
const shanghaiDayOf = (col: unknown) => sql`to_char((${col} at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD')`;

/**
 * Orders paid in [from, to), per Asia/Shanghai calendar day and in total, in the caller's shop
 * scope. An order counts once, on the day it was paid, whatever happened to it since; GMV is
 * what was paid (shipping included, refunds not deducted). Paying shoppers are distinct buyers
 * (the total is distinct over the whole range, not the sum of the days).
 */
export async function paidOrderStats(tx: Executor, shopId: string, from: Date, to: Date) {
  const day = shanghaiDayOf(orders.paidAt);
  const res = await tx.execute<{ day: string | null; gmv: string; orders: number; payingShoppers: number }>(sql`
    select ${day} as "day",
           coalesce(sum(${orders.paidAmount}), 0)::bigint as "gmv",
           count(*)::int as "orders",
           count(distinct ${orders.buyerAccountId})::int as "payingShoppers"
      from ${orders}
     where ${orders.shopId} = ${shopId}
       and ${orders.paidAt} >= ${from.toISOString()}::timestamptz and ${orders.paidAt} < ${to.toISOString()}::timestamptz
       and ${orders.status} in (${sql.join(
         PAID_STATUSES.map((s) => sql`${s}`),
         sql`, `,
       )})
     group by grouping sets ((${day}), ())`);
  const rows = res.rows.map((r) => ({
    day: r.day,
    gmv: Number(r.gmv),
    orders: r.orders,
    payingShoppers: r.payingShoppers,
  }));
  const total = rows.find((r) => r.day === null) ?? { gmv: 0, orders: 0, payingShoppers: 0 };
  return {
    total: { gmv: total.gmv, orders: total.orders, payingShoppers: total.payingShoppers },
    days: rows.filter((r): r is typeof r & { day: string } => r.day !== null),
  };
}

/** The best-selling products among orders paid in [from, to), by line total (items only, no shipping). */
export async function topProducts(tx: Executor, shopId: string, from: Date, to: Date, limit = 10) {
  const res = await tx.execute<{
    productId: string;
    title: string;
    imageUrl: string | null;
    quantity: string;
    gmv: string;
  }>(sql`
    select l.product_id as "productId",
           (array_agg(l.title order by o.paid_at desc))[1] as "title",
           (array_agg(l.image_url order by o.paid_at desc))[1] as "imageUrl",
           sum(l.quantity)::bigint as "quantity",
           sum(l.line_total)::bigint as "gmv"
      from ${orderLines} l
      join ${orders} o on o.shop_id = l.shop_id and o.id = l.order_id
     where o.shop_id = ${shopId} and l.shop_id = ${shopId}
       and o.paid_at >= ${from.toISOString()}::timestamptz and o.paid_at < ${to.toISOString()}::timestamptz
       and o.status in (${sql.join(
         PAID_STATUSES.map((s) => sql`${s}`),
         sql`, `,
       )})
     group by l.product_id
     order by 5 desc, 4 desc, 1
     limit ${limit}`);
  return res.rows.map((r) => ({
    productId: r.productId,
    title: r.title,
    imageUrl: r.imageUrl,
    quantity: Number(r.quantity),
    gmv: Number(r.gmv),
  }));
}
