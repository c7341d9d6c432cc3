import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../kernel/db/pool.js';
import { emit } from '../../kernel/events/outbox.js';
import { AppError } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { newId } from '../../kernel/ids.js';
import { locations, stockLevels, stockMovements, stockReservations } from './schema.js';

defineMessages({
  'inventory.out_of_stock': { 'zh-CN': '库存不足：{titles}', 'en-US': 'Not enough stock: {titles}' },
  'inventory.negative_stock': { 'zh-CN': '库存不能为负数', 'en-US': 'Stock cannot go below zero' },
});

export interface Ref {
  type: string;
  id: string;
}
export interface Line {
  skuId: string;
  quantity: number;
}

/** The shop's default location, made on first use ("默认仓库"). Call in the shop's scope. */
export async function defaultLocation(tx: Executor, shopId: string): Promise<string> {
  const [existing] = await tx
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.shopId, shopId), eq(locations.isDefault, true)));
  if (existing) return existing.id;
  const id = newId('loc');
  await tx
    .insert(locations)
    .values({ shopId, id, name: '默认仓库', kind: 'warehouse', isDefault: true })
    .onConflictDoNothing();
  const [row] = await tx
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.shopId, shopId), eq(locations.isDefault, true)));
  return row!.id;
}

async function record(
  tx: Tx,
  shopId: string,
  level: { skuId: string; locationId: string; onHand: number; reserved: number },
  delta: { onHand: number; reserved: number },
  reason: string,
  ref: Ref,
  actorId?: string,
): Promise<boolean> {
  const inserted = await tx
    .insert(stockMovements)
    .values({
      shopId,
      id: newId('stm'),
      skuId: level.skuId,
      locationId: level.locationId,
      onHandDelta: delta.onHand,
      reservedDelta: delta.reserved,
      onHandAfter: level.onHand,
      reservedAfter: level.reserved,
      reason,
      refType: ref.type,
      refId: ref.id,
      actorId,
    })
    .onConflictDoNothing()
    .returning({ id: stockMovements.id });
  return inserted.length > 0;
}

/**
 * Sets a SKU's stock at a location (an editor save or a stocktake): the on-hand count, or with
 * `sellable` the count free to sell (on hand = sellable + reserved). Refuses to go below what is
 * reserved. Idempotent by reference.
 */
export async function setStock(
  tx: Tx,
  shopId: string,
  skuId: string,
  count: number,
  ref: Ref,
  opts: { locationId?: string; reason?: string; actorId?: string; sellable?: boolean } = {},
): Promise<void> {
  if (!Number.isInteger(count) || count < 0) throw new AppError(400, 'inventory.negative_stock');
  const locationId = opts.locationId ?? (await defaultLocation(tx, shopId));
  await tx.insert(stockLevels).values({ shopId, skuId, locationId }).onConflictDoNothing();
  const [current] = await tx
    .select()
    .from(stockLevels)
    .where(and(eq(stockLevels.shopId, shopId), eq(stockLevels.skuId, skuId), eq(stockLevels.locationId, locationId)))
    .for('update');
  if (!current) return;
  const onHand = opts.sellable ? count + current.reserved : count;
  if (current.onHand === onHand) return;
  if (onHand < current.reserved) throw new AppError(409, 'inventory.negative_stock');
  const after = { ...current, onHand };
  if (
    !(await record(
      tx,
      shopId,
      after,
      { onHand: onHand - current.onHand, reserved: 0 },
      opts.reason ?? 'adjust',
      ref,
      opts.actorId,
    ))
  )
    return;
  await tx
    .update(stockLevels)
    .set({ onHand, updatedAt: sql`now()` })
    .where(and(eq(stockLevels.shopId, shopId), eq(stockLevels.skuId, skuId), eq(stockLevels.locationId, locationId)));
  await emit(tx, 'inventory.changed', { shopId, skuId, locationId, onHand, reserved: current.reserved }, shopId);
}

/** Available to sell per SKU (on hand less reserved, over all locations). */
export async function available(tx: Executor, shopId: string, skuIds: string[]): Promise<Map<string, number>> {
  const result = new Map(skuIds.map((id) => [id, 0]));
  if (skuIds.length === 0) return result;
  const rows = await tx
    .select({
      skuId: stockLevels.skuId,
      n: sql<number>`sum(${stockLevels.onHand} - ${stockLevels.reserved})`.mapWith(Number),
    })
    .from(stockLevels)
    .where(and(eq(stockLevels.shopId, shopId), inArray(stockLevels.skuId, skuIds)))
    .groupBy(stockLevels.skuId);
  for (const r of rows) result.set(r.skuId, r.n);
  return result;
}

/**
 * Holds stock for a reference (an order), all lines or none. Each line is taken with one
 * conditional UPDATE, so concurrent buyers can never take more than is on hand. Rows are
 * locked in SKU order so two multi-line orders cannot deadlock. Throws 409
 * `inventory.out_of_stock` naming the SKUs short.
 */
export async function reserve(tx: Tx, shopId: string, lines: Line[], ref: Ref): Promise<void> {
  const locationId = await defaultLocation(tx, shopId);
  const merged = new Map<string, number>();
  for (const l of lines) merged.set(l.skuId, (merged.get(l.skuId) ?? 0) + l.quantity);
  const short: string[] = [];
  for (const [skuId, quantity] of [...merged].sort(([a], [b]) => a.localeCompare(b))) {
    const [level] = await tx
      .update(stockLevels)
      .set({ reserved: sql`${stockLevels.reserved} + ${quantity}`, updatedAt: sql`now()` })
      .where(
        and(
          eq(stockLevels.shopId, shopId),
          eq(stockLevels.skuId, skuId),
          eq(stockLevels.locationId, locationId),
          sql`${stockLevels.onHand} - ${stockLevels.reserved} >= ${quantity}`,
        ),
      )
      .returning();
    if (!level) {
      short.push(skuId);
      continue;
    }
    await tx
      .insert(stockReservations)
      .values({ shopId, refType: ref.type, refId: ref.id, skuId, locationId, quantity, status: 'reserved' });
    await record(tx, shopId, level, { onHand: 0, reserved: quantity }, 'reserve', ref);
  }
  if (short.length > 0) throw new AppError(409, 'inventory.out_of_stock', { skuIds: short, titles: short.join(', ') });
}

async function settle(tx: Tx, shopId: string, ref: Ref, to: 'released' | 'committed'): Promise<number> {
  const held = await tx
    .update(stockReservations)
    .set({ status: to, settledAt: sql`now()` })
    .where(
      and(
        eq(stockReservations.shopId, shopId),
        eq(stockReservations.refType, ref.type),
        eq(stockReservations.refId, ref.id),
        eq(stockReservations.status, 'reserved'),
      ),
    )
    .returning();
  for (const r of held.sort((a, b) => a.skuId.localeCompare(b.skuId))) {
    const onHandDelta = to === 'committed' ? -r.quantity : 0;
    const [level] = await tx
      .update(stockLevels)
      .set({
        reserved: sql`${stockLevels.reserved} - ${r.quantity}`,
        onHand: sql`${stockLevels.onHand} + ${onHandDelta}`,
        updatedAt: sql`now()`,
      })
      .where(
        and(eq(stockLevels.shopId, shopId), eq(stockLevels.skuId, r.skuId), eq(stockLevels.locationId, r.locationId)),
      )
      .returning();
    await record(
      tx,
      shopId,
      level!,
      { onHand: onHandDelta, reserved: -r.quantity },
      to === 'committed' ? 'ship' : 'release',
      ref,
    );
    if (to === 'committed') {
      await emit(
        tx,
        'inventory.changed',
        { shopId, skuId: r.skuId, locationId: r.locationId, onHand: level!.onHand, reserved: level!.reserved },
        shopId,
      );
    }
  }
  return held.length;
}

/** Gives back what a reference held (a cancelled order). Safe to call again. */
export const release = (tx: Tx, shopId: string, ref: Ref) => settle(tx, shopId, ref, 'released');

/** The held stock leaves the building (the order shipped). Safe to call again. */
export const commit = (tx: Tx, shopId: string, ref: Ref) => settle(tx, shopId, ref, 'committed');

/** Returned goods back on hand at the default location. Idempotent by reference. */
export async function restock(tx: Tx, shopId: string, lines: Line[], ref: Ref): Promise<void> {
  const locationId = await defaultLocation(tx, shopId);
  for (const line of [...lines].sort((a, b) => a.skuId.localeCompare(b.skuId))) {
    if (line.quantity <= 0) continue;
    await tx.insert(stockLevels).values({ shopId, skuId: line.skuId, locationId }).onConflictDoNothing();
    const [current] = await tx
      .select()
      .from(stockLevels)
      .where(
        and(eq(stockLevels.shopId, shopId), eq(stockLevels.skuId, line.skuId), eq(stockLevels.locationId, locationId)),
      )
      .for('update');
    const after = { ...current!, onHand: current!.onHand + line.quantity };
    if (!(await record(tx, shopId, after, { onHand: line.quantity, reserved: 0 }, 'return', ref))) continue;
    await tx
      .update(stockLevels)
      .set({ onHand: after.onHand, updatedAt: sql`now()` })
      .where(
        and(eq(stockLevels.shopId, shopId), eq(stockLevels.skuId, line.skuId), eq(stockLevels.locationId, locationId)),
      );
    await emit(
      tx,
      'inventory.changed',
      { shopId, skuId: line.skuId, locationId, onHand: after.onHand, reserved: after.reserved },
      shopId,
    );
  }
}
