import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import type { EventEnvelope } from '../../kernel/events/outbox.js';
import { AppError, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { newId } from '../../kernel/ids.js';
import { enqueue } from '../../kernel/jobs/queue.js';
import { format as yuan } from '../../kernel/money.js';
import { itemCodesOf } from '../catalog/item-codes.js';
import { fulfillment } from '../fulfillment/index.js';
import { inventory } from '../inventory/index.js';
import { orders } from '../orders/index.js';
import { shops } from '../shops/index.js';
import { loadPartner, partnerForLocation } from './partners.js';
import { buildRequest, type Doc, formatTimestamp, obj, parseBody, post, serialize, text } from './protocol.js';
import { qimenMessages } from './schema.js';

defineMessages({
  'qimen.not_resendable': {
    'zh-CN': '只有发送失败（死信）的消息可以重发',
    'en-US': 'Only messages that failed for good (dead letters) can be resent',
  },
});

/**
 * How outbound messages are retried: attempt n+1 waits `delaysMs[n-1]` (the last delay repeats);
 * after `maxAttempts` the message is a dead letter. Tests shorten the delays.
 */
export const outboundPolicy = {
  maxAttempts: 6,
  delaysMs: [5_000, 30_000, 120_000, 600_000, 1_800_000],
  timeoutMs: 10_000,
};

export const SEND_JOB = 'qimen.send';

type MessageRow = typeof qimenMessages.$inferSelect;

async function queueMessage(
  tx: Tx,
  shopId: string,
  partnerId: string,
  method: 'deliveryorder.create' | 'order.cancel',
  ref: string,
  requestBody = '',
): Promise<string | null> {
  const id = newId('qmm');
  const inserted = await tx
    .insert(qimenMessages)
    .values({
      shopId,
      id,
      partnerId,
      direction: 'out',
      method,
      ref,
      status: 'queued',
      requestBody,
      maxAttempts: outboundPolicy.maxAttempts,
    })
    .onConflictDoNothing()
    .returning({ id: qimenMessages.id });
  if (!inserted.length) return null;
  await enqueue(tx, SEND_JOB, { shopId, messageId: id, attempt: 0 }, { maxAttempts: 3 });
  return id;
}

/**
 * The delivery order code a WMS is given for a parcel: the reference of the parcel's hold at that
 * warehouse — the shipment id for its first placement, `<shipment id>.N` after the N-th move. So a
 * parcel re-routed away and back (or between two warehouses of one WMS) reaches the WMS as a new
 * delivery order, never as a repeat of the one it was told to cancel, and every outbound message
 * is unique per (partner, method, code).
 */
const deliveryOrderCode = (p: { shipmentId: string; holdRef?: string }) => p.holdRef ?? p.shipmentId;

/**
 * `fulfillment.shipment_ready`: a parcel at a WMS-run warehouse becomes a `deliveryorder.create`
 * (also after a re-route, a pool claim or a pool time-out, which fire it again). A late event for
 * a placement the parcel has since left is ignored: the newer event speaks for it.
 */
export async function onShipmentReady(event: EventEnvelope, tx: Tx): Promise<void> {
  const p = event.payload as { shopId: string; shipmentId: string; locationId: string; holdRef?: string; kind: string };
  if (p.kind !== 'ship') return;
  const partner = await partnerForLocation(tx, p.shopId, p.locationId);
  if (!partner?.active) return;
  const code = deliveryOrderCode(p);
  const now = await fulfillment.findByHoldRef(tx, p.shopId, code);
  if (!now?.current || now.shipment.status !== 'ready' || now.shipment.locationId !== p.locationId) return;
  await queueMessage(tx, p.shopId, partner.id, 'deliveryorder.create', code);
}

/** Withdraws the delivery order `code` from the WMS running `locationId`: unsent, or by `order.cancel`. */
async function cancelAt(tx: Tx, shopId: string, code: string, locationId: string, reason: string) {
  const partner = await partnerForLocation(tx, shopId, locationId);
  if (!partner) return;
  const [create] = await tx
    .select()
    .from(qimenMessages)
    .where(
      and(
        eq(qimenMessages.shopId, shopId),
        eq(qimenMessages.partnerId, partner.id),
        eq(qimenMessages.direction, 'out'),
        eq(qimenMessages.method, 'deliveryorder.create'),
        eq(qimenMessages.ref, code),
      ),
    )
    .for('update');
  if (!create) return;
  if (create.status === 'queued' || create.status === 'retrying' || create.status === 'dead') {
    // Never reached the WMS: it is not sent at all.
    await tx
      .update(qimenMessages)
      .set({ status: 'cancelled', updatedAt: sql`now()` })
      .where(and(eq(qimenMessages.shopId, shopId), eq(qimenMessages.id, create.id)));
    if (create.attempts === 0) return;
  }
  if (create.status === 'cancelled') return;
  const locs = await inventory.listLocations(tx, shopId);
  await queueCancel(tx, shopId, partner, code, locs.find((l) => l.id === locationId)?.code ?? '', reason);
}

/** Queues `order.cancel` of delivery order `code` at the partner's warehouse (once per code). */
async function queueCancel(
  tx: Tx,
  shopId: string,
  partner: { id: string; customerId: string },
  code: string,
  warehouseCode: string,
  reason: string,
) {
  const body = {
    warehouseCode,
    ownerCode: partner.customerId,
    orderCode: code,
    orderType: 'JYCK',
    cancelReason: reason,
  };
  await queueMessage(tx, shopId, partner.id, 'order.cancel', code, serialize(body, 'xml', 'request'));
}

/** `fulfillment.shipment_cancelled`: tell the WMS that was asked to ship it. */
export async function onShipmentCancelled(event: EventEnvelope, tx: Tx): Promise<void> {
  const p = event.payload as {
    shopId: string;
    shipmentId: string;
    locationId: string;
    holdRef?: string;
    reason?: string;
  };
  await cancelAt(tx, p.shopId, deliveryOrderCode(p), p.locationId, p.reason ?? 'cancelled');
}

/**
 * `fulfillment.shipment_rerouted`: the old warehouse's WMS no longer ships it. The new place's
 * WMS (if any) gets its `deliveryorder.create` from the `fulfillment.shipment_ready` that follows
 * a re-route of a paid parcel (an unpaid one is sent when it is paid).
 */
export async function onShipmentRerouted(event: EventEnvelope, tx: Tx): Promise<void> {
  const p = event.payload as { shopId: string; shipmentId: string; fromLocationId: string; fromHoldRef?: string };
  await cancelAt(tx, p.shopId, p.fromHoldRef ?? p.shipmentId, p.fromLocationId, 'rerouted');
}

/** The `deliveryorder.create` document for a parcel, from the order, the shop and the catalog. */
export async function deliveryOrderDoc(db: Db, shopId: string, code: string, ownerCode: string): Promise<Doc> {
  const { shipment, locs, codes } = await withShop(db, shopId, async (tx) => {
    const found = await fulfillment.findByHoldRef(tx, shopId, code);
    if (!found) throw notFound('shipment');
    const { shipment } = found;
    return {
      shipment,
      locs: await inventory.listLocations(tx, shopId),
      codes: await itemCodesOf(
        tx,
        shopId,
        shipment.lines.map((l) => l.skuId),
      ),
    };
  });
  const order = await orders.getForShop(db, shopId, shipment.orderId);
  const shop = await shops.getShop(db, shopId);
  const loc = locs.find((l) => l.id === shipment.locationId);
  const now = formatTimestamp();
  const unitPrice = new Map(order.lines.map((l) => [l.skuId, l.unitPrice]));
  const itemAmount = shipment.lines.reduce((s, l) => s + (unitPrice.get(l.skuId) ?? 0) * l.quantity, 0);
  return {
    deliveryOrder: {
      deliveryOrderCode: code,
      orderType: 'JYCK',
      warehouseCode: loc?.code ?? '',
      sourcePlatformCode: 'OTHER',
      sourcePlatformName: '千店',
      createTime: formatTimestamp(new Date(shipment.createdAt)),
      placeOrderTime: formatTimestamp(new Date(order.createdAt)),
      payTime: order.paidAt ? formatTimestamp(new Date(order.paidAt)) : '',
      operateTime: now,
      shopNick: shop.name,
      buyerNick: order.address.name,
      totalAmount: yuan(order.total),
      itemAmount: yuan(itemAmount),
      discountAmount: '0.00',
      freight: yuan(order.shippingFee),
      arAmount: '0.00',
      gotAmount: yuan(order.paidAmount),
      logisticsCode: 'OTHER',
      senderInfo: {
        name: shop.name,
        mobile: shop.contactPhone ?? '',
        province: loc?.province ?? '',
        city: loc?.city ?? '',
        area: loc?.district ?? '',
        detailAddress: loc?.address ?? '',
      },
      receiverInfo: {
        name: order.address.name,
        mobile: order.address.phone,
        province: order.address.province,
        city: order.address.city,
        area: order.address.district,
        detailAddress: order.address.detail,
      },
      buyerMessage: order.buyerNote ?? '',
      remark: order.orderNo,
    },
    orderLines: {
      orderLine: shipment.lines.map((l, i) => {
        const code = codes.get(l.skuId);
        return {
          orderLineNo: String(i + 1),
          sourceOrderCode: order.orderNo,
          ownerCode,
          itemCode: code?.itemCode ?? l.skuId,
          itemId: l.skuId,
          itemName: code ? `${code.title}${code.specText ? ` ${code.specText}` : ''}` : l.skuId,
          inventoryType: 'ZP',
          planQty: String(l.quantity),
          actualPrice: yuan(unitPrice.get(l.skuId) ?? 0),
        };
      }),
    },
  };
}

const delayFor = (attempt: number) =>
  outboundPolicy.delaysMs[Math.min(attempt - 1, outboundPolicy.delaysMs.length - 1)] ?? 60_000;

/**
 * Job: sends one outbound message (signed afresh each attempt), and records the answer. A
 * failure schedules the next attempt; after the last it is a dead letter. Runs only for the
 * attempt it was queued for, so a stale job does nothing.
 */
export async function sendMessage(db: Db, payload: { shopId: string; messageId: string; attempt: number }) {
  const { shopId, messageId, attempt } = payload;
  const msg = await withShop(db, shopId, async (tx) => {
    const [row] = await tx
      .select()
      .from(qimenMessages)
      .where(and(eq(qimenMessages.shopId, shopId), eq(qimenMessages.id, messageId)));
    return row;
  });
  if (!msg || msg.direction !== 'out' || msg.attempts !== attempt) return;
  if (msg.status !== 'queued' && msg.status !== 'retrying') return;
  if (msg.method === 'deliveryorder.create') {
    // The parcel may have moved, shipped or been cancelled since: a delivery order for a
    // placement it has left is withdrawn rather than sent.
    const wanted = await withShop(db, shopId, async (tx) => {
      const now = await fulfillment.findByHoldRef(tx, shopId, msg.ref ?? '');
      return !!now?.current && now.shipment.status === 'ready';
    });
    if (!wanted) {
      await withShop(db, shopId, (tx) =>
        tx
          .update(qimenMessages)
          .set({ status: 'cancelled', nextAttemptAt: null, updatedAt: sql`now()` })
          .where(
            and(
              eq(qimenMessages.shopId, shopId),
              eq(qimenMessages.id, messageId),
              eq(qimenMessages.attempts, attempt),
              inArray(qimenMessages.status, ['queued', 'retrying']),
            ),
          ),
      );
      return;
    }
  }
  const partner = await withShop(db, shopId, (tx) => loadPartner(tx, shopId, msg.partnerId));

  let body = msg.requestBody;
  let outcome: { ok: boolean; code: string; message: string; raw: string; query: Record<string, string> };
  try {
    if (!body && msg.method === 'deliveryorder.create') {
      body = buildRequest({
        method: msg.method,
        appKey: partner.appKey,
        customerId: partner.customerId,
        secret: partner.secret,
        sign: { method: partner.signMethod },
        doc: await deliveryOrderDoc(db, shopId, msg.ref!, partner.customerId),
      }).body;
    }
    const req = buildRequest({
      method: msg.method,
      appKey: partner.appKey,
      customerId: partner.customerId,
      secret: partner.secret,
      sign: { method: partner.signMethod, secretAtEndOnly: partner.secretAtEndOnly },
      doc: body,
    });
    if (!partner.endpointUrl || !partner.active) {
      outcome = {
        ok: false,
        code: '',
        message: partner.active ? 'no endpoint URL set for this partner' : 'partner disabled',
        raw: '',
        query: req.query,
      };
    } else {
      const res = await post(partner.endpointUrl, req, outboundPolicy.timeoutMs);
      outcome = {
        ok: res.envelope.flag === 'success',
        code: res.envelope.code,
        message: res.envelope.message,
        raw: res.raw,
        query: req.query,
      };
    }
  } catch (e) {
    outcome = { ok: false, code: '', message: (e as Error).message, raw: '', query: {} };
  }

  const attempts = attempt + 1;
  const dead = !outcome.ok && attempts >= msg.maxAttempts;
  await withShop(db, shopId, async (tx) => {
    const [updated] = await tx
      .update(qimenMessages)
      .set({
        status: outcome.ok ? 'sent' : dead ? 'dead' : 'retrying',
        attempts,
        requestBody: body,
        query: outcome.query,
        responseBody: outcome.raw || null,
        responseCode: outcome.code,
        responseMessage: outcome.message,
        nextAttemptAt: outcome.ok || dead ? null : new Date(Date.now() + delayFor(attempts)),
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(qimenMessages.shopId, shopId),
          eq(qimenMessages.id, messageId),
          eq(qimenMessages.attempts, attempt),
          inArray(qimenMessages.status, ['queued', 'retrying']),
        ),
      )
      .returning({ id: qimenMessages.id });
    if (!updated && outcome.ok && msg.method === 'deliveryorder.create' && body) {
      // Withdrawn (the parcel moved or was cancelled) while this attempt was on its way, and the
      // WMS took it: it must hear the cancel, or it would ship a parcel that is no longer its own.
      const sent = obj(parseBody(body, 'xml').deliveryOrder);
      await queueCancel(tx, shopId, partner, msg.ref!, text(sent.warehouseCode), 'withdrawn');
    }
    if (updated && !outcome.ok && !dead) {
      await enqueue(
        tx,
        SEND_JOB,
        { shopId, messageId, attempt: attempts },
        { delayMs: delayFor(attempts), maxAttempts: 3 },
      );
    }
  });
}

/** Sends a dead letter again, with a fresh set of attempts. */
export async function resend(db: Db, shopId: string, messageId: string): Promise<MessageRow> {
  return withShop(db, shopId, async (tx) => {
    const [msg] = await tx
      .select()
      .from(qimenMessages)
      .where(and(eq(qimenMessages.shopId, shopId), eq(qimenMessages.id, messageId)))
      .for('update');
    if (!msg) throw notFound('message');
    if (msg.direction !== 'out' || msg.status !== 'dead') throw new AppError(409, 'qimen.not_resendable');
    const [row] = await tx
      .update(qimenMessages)
      .set({
        status: 'queued',
        attempts: 0,
        maxAttempts: outboundPolicy.maxAttempts,
        nextAttemptAt: null,
        updatedAt: sql`now()`,
      })
      .where(and(eq(qimenMessages.shopId, shopId), eq(qimenMessages.id, messageId)))
      .returning();
    await enqueue(tx, SEND_JOB, { shopId, messageId, attempt: 0 }, { maxAttempts: 3 });
    return row!;
  });
}
