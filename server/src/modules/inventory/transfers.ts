import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor, Tx } from '../../kernel/db/pool.js';
import { emit } from '../../kernel/events/outbox.js';
import { AppError, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { newId } from '../../kernel/ids.js';
import { catalog } from '../catalog/index.js';
import { stockLevels, stockTransferLines, stockTransfers, type TransferStatus, TRANSFER_STATUSES } from './schema.js';
import { adjust, belowReserved, getLocation, type Shortage } from './service.js';

defineMessages({
  'inventory.transfer_cancelled': { 'zh-CN': '调拨单已取消', 'en-US': 'The transfer was cancelled' },
  'inventory.transfer_not_shipped': {
    'zh-CN': '调拨单尚未发出，不能收货',
    'en-US': 'The transfer has not been shipped, so it cannot be received',
  },
  'inventory.transfer_already_shipped': {
    'zh-CN': '调拨单已发出，不能取消',
    'en-US': 'The transfer has already shipped and cannot be cancelled',
  },
  'inventory.transfer_same_location': {
    'zh-CN': '调出和调入不能是同一个地点',
    'en-US': 'Choose two different locations',
  },
});

export const transferInput = z.object({
  fromLocationId: z.string().min(1).max(64),
  toLocationId: z.string().min(1).max(64),
  note: z.string().trim().max(200).optional(),
  lines: z
    .array(z.object({ skuId: z.string().min(1).max(64), quantity: z.number().int().min(1).max(1_000_000) }))
    .min(1)
    .max(200),
});
export type TransferInput = z.infer<typeof transferInput>;

const ref = (id: string) => ({ type: 'transfer', id });

async function loadTransfer(tx: Executor, shopId: string, id: string, lock = false) {
  const q = tx
    .select()
    .from(stockTransfers)
    .where(and(eq(stockTransfers.shopId, shopId), eq(stockTransfers.id, id)));
  const [t] = lock ? await q.for('update') : await q;
  if (!t) throw notFound('transfer');
  const lines = await tx
    .select()
    .from(stockTransferLines)
    .where(and(eq(stockTransferLines.shopId, shopId), eq(stockTransferLines.transferId, id)))
    .orderBy(stockTransferLines.skuId);
  return { ...t, lines };
}

/** A transfer with its lines named as people know them. */
export async function getTransfer(tx: Executor, shopId: string, id: string) {
  return (await viewOf(tx, shopId, [await loadTransfer(tx, shopId, id)]))[0]!;
}

async function viewOf(tx: Executor, shopId: string, transfers: Awaited<ReturnType<typeof loadTransfer>>[]) {
  const skuIds = [...new Set(transfers.flatMap((t) => t.lines.map((l) => l.skuId)))];
  const labels = new Map((await catalog.skuLabels(tx, shopId, { ids: skuIds })).map((l) => [l.skuId, l]));
  return transfers.map((t) => ({
    id: t.id,
    fromLocationId: t.fromLocationId,
    toLocationId: t.toLocationId,
    status: t.status,
    note: t.note,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    shippedAt: t.shippedAt?.toISOString() ?? null,
    receivedAt: t.receivedAt?.toISOString() ?? null,
    cancelledAt: t.cancelledAt?.toISOString() ?? null,
    lines: t.lines.map((l) => ({
      skuId: l.skuId,
      quantity: l.quantity,
      title: labels.get(l.skuId)?.title ?? l.skuId,
      specText: labels.get(l.skuId)?.specText ?? '',
    })),
  }));
}

/** A draft transfer between two of the shop's locations. Stock moves when it ships. */
export async function createTransfer(tx: Tx, shopId: string, input: TransferInput, actorId?: string) {
  if (input.fromLocationId === input.toLocationId)
    throw new AppError(400, 'inventory.transfer_same_location', {}, [
      { field: 'body.toLocationId', code: 'same', message: 'inventory.transfer_same_location' },
    ]);
  await getLocation(tx, shopId, input.fromLocationId);
  await getLocation(tx, shopId, input.toLocationId);
  const merged = new Map<string, number>();
  for (const l of input.lines) merged.set(l.skuId, (merged.get(l.skuId) ?? 0) + l.quantity);
  const known = new Set((await catalog.skuLabels(tx, shopId, { ids: [...merged.keys()] })).map((l) => l.skuId));
  const unknown = [...merged.keys()].filter((id) => !known.has(id));
  if (unknown.length)
    throw new AppError(
      400,
      'validation_failed',
      {},
      unknown.map((id) => ({
        field: 'body.lines',
        code: 'unknown_sku',
        message: 'inventory.unknown_sku',
        params: { id },
      })),
    );
  const id = newId('trf');
  await tx.insert(stockTransfers).values({
    shopId,
    id,
    fromLocationId: input.fromLocationId,
    toLocationId: input.toLocationId,
    status: 'draft',
    note: input.note ?? null,
    createdBy: actorId ?? null,
  });
  await tx
    .insert(stockTransferLines)
    .values([...merged].map(([skuId, quantity]) => ({ shopId, transferId: id, skuId, quantity })));
  return getTransfer(tx, shopId, id);
}

const refuse = (code: string, status: TransferStatus) => new AppError(409, code, { status });

/**
 * Ships a draft: on hand leaves the source (ledger `transfer_out`), all lines or none; refused
 * with 409 `inventory.negative_stock` naming every SKU that would fall below what is reserved
 * there. Shipping a shipped or received transfer again changes nothing.
 */
export async function shipTransfer(tx: Tx, shopId: string, id: string, actorId?: string) {
  const t = await loadTransfer(tx, shopId, id, true);
  if (t.status === 'shipped' || t.status === 'received') return getTransfer(tx, shopId, id);
  if (t.status !== 'draft') throw refuse('inventory.transfer_cancelled', t.status);
  // Lock the source levels in SKU order and check every line before moving any.
  const skuIds = t.lines.map((l) => l.skuId);
  const levels = await tx
    .select()
    .from(stockLevels)
    .where(
      and(
        eq(stockLevels.shopId, shopId),
        eq(stockLevels.locationId, t.fromLocationId),
        inArray(stockLevels.skuId, skuIds),
      ),
    )
    .orderBy(stockLevels.skuId)
    .for('update');
  const byId = new Map(levels.map((l) => [l.skuId, l]));
  const short: Shortage[] = [];
  for (const l of t.lines) {
    const level = byId.get(l.skuId);
    const onHand = level?.onHand ?? 0;
    const reserved = level?.reserved ?? 0;
    if (onHand - l.quantity < reserved) short.push({ skuId: l.skuId, onHand, reserved, change: -l.quantity });
  }
  if (short.length) throw await belowReserved(tx, shopId, short);
  for (const l of t.lines) {
    await adjust(tx, shopId, {
      locationId: t.fromLocationId,
      skuId: l.skuId,
      delta: -l.quantity,
      reason: 'transfer_out',
      ref: ref(id),
      actorId,
    });
  }
  await tx
    .update(stockTransfers)
    .set({ status: 'shipped', shippedAt: sql`now()` })
    .where(and(eq(stockTransfers.shopId, shopId), eq(stockTransfers.id, id)));
  await emit(tx, 'inventory.transfer_shipped', { shopId, transferId: id }, shopId);
  return getTransfer(tx, shopId, id);
}

/** The shipped goods arrive (ledger `transfer_in`). Receiving again changes nothing. */
export async function receiveTransfer(tx: Tx, shopId: string, id: string, actorId?: string) {
  const t = await loadTransfer(tx, shopId, id, true);
  if (t.status === 'received') return getTransfer(tx, shopId, id);
  if (t.status !== 'shipped') throw refuse('inventory.transfer_not_shipped', t.status);
  for (const l of t.lines) {
    await adjust(tx, shopId, {
      locationId: t.toLocationId,
      skuId: l.skuId,
      delta: l.quantity,
      reason: 'transfer_in',
      ref: ref(id),
      actorId,
    });
  }
  await tx
    .update(stockTransfers)
    .set({ status: 'received', receivedAt: sql`now()` })
    .where(and(eq(stockTransfers.shopId, shopId), eq(stockTransfers.id, id)));
  await emit(tx, 'inventory.transfer_received', { shopId, transferId: id }, shopId);
  return getTransfer(tx, shopId, id);
}

/** Cancels a draft (nothing has moved). Cancelling again changes nothing. */
export async function cancelTransfer(tx: Tx, shopId: string, id: string) {
  const t = await loadTransfer(tx, shopId, id, true);
  if (t.status === 'cancelled') return getTransfer(tx, shopId, id);
  if (t.status !== 'draft') throw refuse('inventory.transfer_already_shipped', t.status);
  await tx
    .update(stockTransfers)
    .set({ status: 'cancelled', cancelledAt: sql`now()` })
    .where(and(eq(stockTransfers.shopId, shopId), eq(stockTransfers.id, id)));
  return getTransfer(tx, shopId, id);
}

export const transferListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  status: z.enum(TRANSFER_STATUSES).optional(),
  locationId: z.string().max(64).optional(),
});

/** Transfers, newest first; by status, or touching one location. */
export async function listTransfers(tx: Executor, shopId: string, q: z.infer<typeof transferListQuery>) {
  const after = decodeCursor(q.cursor);
  const rows = await tx
    .select()
    .from(stockTransfers)
    .where(
      and(
        eq(stockTransfers.shopId, shopId),
        q.status ? eq(stockTransfers.status, q.status) : undefined,
        q.locationId
          ? sql`(${stockTransfers.fromLocationId} = ${q.locationId} or ${stockTransfers.toLocationId} = ${q.locationId})`
          : undefined,
        after
          ? sql`(${stockTransfers.createdAt}, ${stockTransfers.id}) < (${String(after[0])}::timestamptz, ${String(after[1])})`
          : undefined,
      ),
    )
    .orderBy(desc(stockTransfers.createdAt), desc(stockTransfers.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => [r.createdAt.toISOString(), r.id]);
  const lines = page.items.length
    ? await tx
        .select()
        .from(stockTransferLines)
        .where(
          and(
            eq(stockTransferLines.shopId, shopId),
            inArray(
              stockTransferLines.transferId,
              page.items.map((t) => t.id),
            ),
          ),
        )
        .orderBy(stockTransferLines.skuId)
    : [];
  return {
    items: await viewOf(
      tx,
      shopId,
      page.items.map((t) => ({ ...t, lines: lines.filter((l) => l.transferId === t.id) })),
    ),
    nextCursor: page.nextCursor,
  };
}
