import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { inShop, withShop } from '../../kernel/db/tenant.js';
import { emit, type EventEnvelope } from '../../kernel/events/outbox.js';
import { AppError, badRequest, conflict, notFound, type FieldError } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { newId } from '../../kernel/ids.js';
import { sum } from '../../kernel/money.js';
import { fulfillment } from '../fulfillment/index.js';
import { inventory } from '../inventory/index.js';
import { orders } from '../orders/index.js';
import { payments } from '../payments/index.js';
import { aftersaleCases, aftersaleLines, type CaseStatus, OPEN_STATUSES } from './schema.js';

defineMessages({
  'aftersales.not_eligible': {
    'zh-CN': '订单当前状态（{status}）不能申请售后',
    'en-US': 'After-sales is not available while the order is {status}',
  },
  'aftersales.case_open': {
    'zh-CN': '该订单已有进行中的售后',
    'en-US': 'This order already has an open after-sales case',
  },
  'aftersales.too_many': { 'zh-CN': '超出可退数量', 'en-US': 'More than can be returned' },
  'aftersales.too_much': { 'zh-CN': '超出可退金额', 'en-US': 'More than can be refunded' },
  'aftersales.unknown_line': { 'zh-CN': '订单中没有这一行', 'en-US': 'The order has no such line' },
  'aftersales.return_needs_shipment': {
    'zh-CN': '订单尚未发货，请申请仅退款',
    'en-US': 'The order has not shipped; request a refund only',
  },
  'aftersales.wrong_status': {
    'zh-CN': '售后当前状态（{status}）不能执行此操作',
    'en-US': 'Not possible while the case is {status}',
  },
});

export const requestInput = z.object({
  type: z.enum(['refund_only', 'return_refund']),
  reason: z.string().trim().min(2).max(100),
  description: z.string().trim().max(500).optional(),
  lines: z
    .array(
      z.object({
        lineNo: z.number().int().min(1),
        quantity: z.number().int().min(1).max(999),
        /** Defaults to the line's price for that quantity; less is allowed (a partial refund). */
        amount: z.number().int().min(0).optional(),
      }),
    )
    .min(1)
    .max(50),
});

type CaseRow = typeof aftersaleCases.$inferSelect;
type LineRow = typeof aftersaleLines.$inferSelect;

function caseView(c: CaseRow, lines: LineRow[]) {
  return {
    id: c.id,
    shopId: c.shopId,
    orderId: c.orderId,
    buyerAccountId: c.buyerAccountId,
    type: c.type,
    status: c.status,
    reason: c.reason,
    description: c.description,
    amount: c.amount,
    shippingRefund: c.shippingRefund,
    rejectReason: c.rejectReason,
    returnCarrier: c.returnCarrier,
    returnTrackingNo: c.returnTrackingNo,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    lines: lines.map((l) => ({ lineNo: l.lineNo, skuId: l.skuId, quantity: l.quantity, amount: l.amount })),
  };
}
export type CaseView = ReturnType<typeof caseView>;

async function linesOf(tx: Executor, shopId: string, caseIds: string[]) {
  if (caseIds.length === 0) return [];
  return tx
    .select()
    .from(aftersaleLines)
    .where(and(eq(aftersaleLines.shopId, shopId), inArray(aftersaleLines.caseId, caseIds)));
}

/**
 * A shopper asks for after-sales on lines of a paid order. The order row is locked, so
 * concurrent requests are checked one after another against what earlier cases (open or
 * refunded) already claimed: a line can never be refunded past its quantity or amount.
 */
export async function request(
  db: Db,
  buyerAccountId: string,
  shopId: string,
  orderId: string,
  input: z.infer<typeof requestInput>,
): Promise<CaseView> {
  return withShop(db, shopId, async (tx) => {
    const { order, lines } = await orders.lockForAftersales(tx, shopId, orderId);
    if (order.buyerAccountId !== buyerAccountId) throw notFound('order');
    if (!['paid', 'shipped', 'received'].includes(order.status))
      throw new AppError(409, 'aftersales.not_eligible', { status: order.status });
    if (input.type === 'return_refund' && order.status === 'paid')
      throw new AppError(409, 'aftersales.return_needs_shipment');
    const cases = await tx
      .select()
      .from(aftersaleCases)
      .where(and(eq(aftersaleCases.shopId, shopId), eq(aftersaleCases.orderId, orderId)));
    if (cases.some((c) => OPEN_STATUSES.includes(c.status))) throw conflict('aftersales.case_open');
    const counted = cases.filter((c) => c.status === 'refunded');
    const claimed = await linesOf(
      tx,
      shopId,
      counted.map((c) => c.id),
    );
    const problems: FieldError[] = [];
    const picked = input.lines.map((l, i) => {
      const line = lines.find((x) => x.lineNo === l.lineNo);
      if (!line) {
        problems.push({ field: `body.lines.${i}.lineNo`, code: 'unknown_line', message: 'aftersales.unknown_line' });
        return null;
      }
      const before = claimed.filter((c) => c.lineNo === l.lineNo);
      // Units can be sent back once; money can be refunded in parts until the line is used up.
      const returnedBefore = before.filter((c) => counted.find((k) => k.id === c.caseId)?.type === 'return_refund');
      const qtyLeft = line.quantity - (input.type === 'return_refund' ? sum(returnedBefore.map((c) => c.quantity)) : 0);
      const amountLeft = line.lineTotal - sum(before.map((c) => c.amount));
      const amount = l.amount ?? Math.min(amountLeft, line.unitPrice * l.quantity);
      if (l.quantity > qtyLeft)
        problems.push({ field: `body.lines.${i}.quantity`, code: 'too_many', message: 'aftersales.too_many' });
      if (amount > amountLeft)
        problems.push({ field: `body.lines.${i}.amount`, code: 'too_much', message: 'aftersales.too_much' });
      return { lineNo: l.lineNo, skuId: line.skuId, quantity: l.quantity, amount, qtyLeft };
    });
    if (problems.length) throw badRequest('validation_failed', problems);
    const chosen = picked.filter((p): p is NonNullable<typeof p> => p !== null);
    // Nothing shipped and everything left asked back: the shipping fee goes back too.
    const everything = lines.every(
      (l) => chosen.find((c) => c.lineNo === l.lineNo)?.quantity === chosen.find((c) => c.lineNo === l.lineNo)?.qtyLeft,
    );
    const shippingRefund = order.status === 'paid' && everything && counted.length === 0 ? order.shippingFee : 0;
    const amount = sum(chosen.map((c) => c.amount)) + shippingRefund;
    if (amount <= 0)
      throw badRequest('validation_failed', [
        { field: 'body.lines', code: 'too_much', message: 'aftersales.too_much' },
      ]);
    const id = newId('afs');
    const [row] = await tx
      .insert(aftersaleCases)
      .values({
        shopId,
        id,
        orderId,
        buyerAccountId,
        type: input.type,
        status: 'requested',
        reason: input.reason,
        description: input.description ?? null,
        amount,
        shippingRefund,
      })
      .returning();
    const saved = await tx
      .insert(aftersaleLines)
      .values(
        chosen.map((c) => ({
          shopId,
          caseId: id,
          lineNo: c.lineNo,
          skuId: c.skuId,
          quantity: c.quantity,
          amount: c.amount,
        })),
      )
      .returning();
    await emit(
      tx,
      'refund.requested',
      { shopId, caseId: id, orderId, type: input.type, amount, buyerAccountId },
      shopId,
    );
    return caseView(row!, saved);
  });
}

async function lockCase(tx: Tx, shopId: string, caseId: string): Promise<CaseRow> {
  const [c] = await tx
    .select()
    .from(aftersaleCases)
    .where(and(eq(aftersaleCases.shopId, shopId), eq(aftersaleCases.id, caseId)))
    .for('update');
  if (!c) throw notFound('aftersale');
  return c;
}

async function move(tx: Tx, c: CaseRow, status: CaseStatus, extra: Partial<CaseRow> = {}) {
  await tx
    .update(aftersaleCases)
    .set({ ...extra, status, updatedAt: sql`now()` })
    .where(and(eq(aftersaleCases.shopId, c.shopId), eq(aftersaleCases.id, c.id)));
}

async function startRefund(tx: Tx, c: CaseRow) {
  const { refundId } = await payments.requestRefund(tx, {
    shopId: c.shopId,
    orderId: c.orderId,
    amount: c.amount,
    reason: c.reason,
    caseId: c.id,
  });
  await move(tx, c, 'refunding', { refundId });
}

const wrongStatus = (c: CaseRow) => new AppError(409, 'aftersales.wrong_status', { status: c.status });

async function loadCase(tx: Executor, shopId: string, caseId: string) {
  const [c] = await tx
    .select()
    .from(aftersaleCases)
    .where(and(eq(aftersaleCases.shopId, shopId), eq(aftersaleCases.id, caseId)));
  if (!c) throw notFound('aftersale');
  return caseView(c, await linesOf(tx, shopId, [caseId]));
}

type Actor = { kind: 'merchant'; accountId: string } | { kind: 'buyer'; accountId: string };

/** One step of a case, by the merchant or by the buyer, each allowed only from the right status. */
async function step(db: Db, shopId: string, caseId: string, actor: Actor, fn: (tx: Tx, c: CaseRow) => Promise<void>) {
  await withShop(db, shopId, async (tx) => {
    const c = await lockCase(tx, shopId, caseId);
    if (actor.kind === 'buyer' && c.buyerAccountId !== actor.accountId) throw notFound('aftersale');
    await fn(tx, c);
  });
  return withShop(db, shopId, (tx) => loadCase(tx, shopId, caseId));
}

/** Merchant approves: refund only starts the refund; return and refund waits for the goods. */
export const approve = (db: Db, shopId: string, caseId: string, merchantId: string) =>
  step(db, shopId, caseId, { kind: 'merchant', accountId: merchantId }, async (tx, c) => {
    if (c.status !== 'requested') throw wrongStatus(c);
    if (c.type === 'refund_only') await startRefund(tx, c);
    else await move(tx, c, 'awaiting_return');
    await emit(tx, 'refund.approved', { shopId, caseId, orderId: c.orderId, actorId: merchantId }, shopId);
  });

export const reject = (db: Db, shopId: string, caseId: string, merchantId: string, reason: string) =>
  step(db, shopId, caseId, { kind: 'merchant', accountId: merchantId }, async (tx, c) => {
    if (!['requested', 'returned'].includes(c.status)) throw wrongStatus(c);
    await move(tx, c, 'rejected', { rejectReason: reason });
    await emit(tx, 'refund.rejected', { shopId, caseId, orderId: c.orderId, reason, actorId: merchantId }, shopId);
  });

/** Buyer sent the goods back with a tracking number. */
export const returnGoods = (
  db: Db,
  shopId: string,
  caseId: string,
  buyerId: string,
  input: { carrier: string; trackingNo: string },
) =>
  step(db, shopId, caseId, { kind: 'buyer', accountId: buyerId }, async (tx, c) => {
    if (c.status !== 'awaiting_return') throw wrongStatus(c);
    await move(tx, c, 'returned', { returnCarrier: input.carrier, returnTrackingNo: input.trackingNo });
    await emit(tx, 'refund.goods_returned', { shopId, caseId, orderId: c.orderId, ...input }, shopId);
  });

/** Merchant received the returned goods: they go back on hand and the refund starts. */
export const receiveGoods = (db: Db, shopId: string, caseId: string, merchantId: string) =>
  step(db, shopId, caseId, { kind: 'merchant', accountId: merchantId }, async (tx, c) => {
    if (c.status !== 'returned') throw wrongStatus(c);
    const lines = await linesOf(tx, shopId, [c.id]);
    // Goods go back where their parcel left from (the default location for older orders).
    const origins = await fulfillment.shippedFrom(tx, shopId, c.orderId);
    const back = new Map<string | undefined, { skuId: string; quantity: number }[]>();
    for (const l of lines) {
      let left = l.quantity;
      for (const o of origins.filter((o) => o.skuId === l.skuId)) {
        const n = Math.min(left, o.quantity);
        if (n <= 0) break;
        back.set(o.locationId, [...(back.get(o.locationId) ?? []), { skuId: l.skuId, quantity: n }]);
        left -= n;
      }
      if (left > 0) back.set(undefined, [...(back.get(undefined) ?? []), { skuId: l.skuId, quantity: left }]);
    }
    for (const [locationId, returned] of back)
      await inventory.restock(tx, shopId, returned, { type: 'aftersale', id: c.id }, locationId);
    await startRefund(tx, c);
    await emit(tx, 'refund.goods_received', { shopId, caseId, orderId: c.orderId, actorId: merchantId }, shopId);
  });

export const cancelCase = (db: Db, shopId: string, caseId: string, buyerId: string) =>
  step(db, shopId, caseId, { kind: 'buyer', accountId: buyerId }, async (tx, c) => {
    if (!['requested', 'awaiting_return'].includes(c.status)) throw wrongStatus(c);
    await move(tx, c, 'cancelled');
    await emit(tx, 'refund.cancelled', { shopId, caseId, orderId: c.orderId }, shopId);
  });

/** refund.succeeded for a case: it is done. */
export async function onRefundSucceeded(event: EventEnvelope, tx: Tx) {
  const r = event.payload as { shopId: string; caseId: string | null };
  if (!r.caseId) return;
  await inShop(tx, r.shopId, async (tx) => {
    const c = await lockCase(tx, r.shopId, r.caseId!);
    if (c.status !== 'refunding') return;
    await move(tx, c, 'refunded');
    await emit(
      tx,
      'refund.completed',
      { shopId: c.shopId, caseId: c.id, orderId: c.orderId, amount: c.amount },
      c.shopId,
    );
  });
}

/** Orders stay open for completion while a case on them is open. */
export async function hasOpenCase(tx: Executor, shopId: string, orderId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: aftersaleCases.id })
    .from(aftersaleCases)
    .where(
      and(
        eq(aftersaleCases.shopId, shopId),
        eq(aftersaleCases.orderId, orderId),
        inArray(aftersaleCases.status, OPEN_STATUSES),
      ),
    )
    .limit(1);
  return !!row;
}

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  status: z
    .enum(['requested', 'awaiting_return', 'returned', 'refunding', 'refunded', 'rejected', 'cancelled'])
    .optional(),
  orderId: z.string().max(64).optional(),
});

export async function listForShop(db: Db, shopId: string, q: z.infer<typeof listQuery>) {
  const after = decodeCursor(q.cursor);
  return withShop(db, shopId, async (tx) => {
    const rows = await tx
      .select()
      .from(aftersaleCases)
      .where(
        and(
          eq(aftersaleCases.shopId, shopId),
          q.status ? eq(aftersaleCases.status, q.status) : undefined,
          q.orderId ? eq(aftersaleCases.orderId, q.orderId) : undefined,
          after
            ? sql`(${aftersaleCases.createdAt}, ${aftersaleCases.id}) < (${String(after[0])}::timestamptz, ${String(after[1])})`
            : undefined,
        ),
      )
      .orderBy(desc(aftersaleCases.createdAt), desc(aftersaleCases.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.createdAt.toISOString(), r.id]);
    const lines = await linesOf(
      tx,
      shopId,
      page.items.map((c) => c.id),
    );
    return {
      items: page.items.map((c) =>
        caseView(
          c,
          lines.filter((l) => l.caseId === c.id),
        ),
      ),
      nextCursor: page.nextCursor,
    };
  });
}

export const getForShop = (db: Db, shopId: string, caseId: string) =>
  withShop(db, shopId, (tx) => loadCase(tx, shopId, caseId));

export async function listForBuyer(db: Db, buyerAccountId: string) {
  const rows = await db
    .select()
    .from(aftersaleCases)
    .where(eq(aftersaleCases.buyerAccountId, buyerAccountId))
    .orderBy(desc(aftersaleCases.createdAt))
    .limit(100);
  const lines = rows.length
    ? await db
        .select()
        .from(aftersaleLines)
        .where(
          inArray(
            aftersaleLines.caseId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  return rows.map((c) =>
    caseView(
      c,
      lines.filter((l) => l.caseId === c.id && l.shopId === c.shopId),
    ),
  );
}

export async function getForBuyer(db: Db, buyerAccountId: string, shopId: string, caseId: string) {
  const c = await getForShop(db, shopId, caseId);
  if (c.buyerAccountId !== buyerAccountId) throw notFound('aftersale');
  return c;
}
