import { and, asc, desc, eq, gt, notInArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { AppError } from '../../kernel/http/errors.js';
import { orders, type ShippingAddress } from '../orders/index.js';
import { payments } from '../payments/index.js';
import type { Gate } from './gate.js';
import { flashSaleEntries, flashSaleHolds } from './schema.js';
import type { SaleRow } from './service.js';

/** A shopper who got a unit from the gate, waiting for the writer. */
export interface Winner {
  entryId: string;
  buyer: string;
  seq: number;
  requestKey: string;
  address: ShippingAddress;
}

/** A winner's unit, committed: the entry and the order (pending payment) that holds the unit. */
export interface WrittenEntry {
  id: string;
  orderId: string;
  orderNo: string;
  total: number;
  paymentId: string;
  /** The same request had already been written (a retry): this is the first answer. */
  replayed: boolean;
}

export interface SaleWriter {
  /** Queues the winner; resolves once its order is committed (or rejects, its unit given back). */
  enqueue(sale: SaleRow, winner: Winner): Promise<WrittenEntry>;
  /** Resolves when no batch is queued or being written. */
  idle(): Promise<void>;
  /** Batches committed so far, and the orders in them (for the bench). */
  readonly stats: { batches: number; orders: number; failedBatches: number };
}

interface Pending extends Winner {
  queuedAt: number;
  resolve(e: WrittenEntry): void;
  reject(e: unknown): void;
}

interface Written {
  fresh: Map<string, WrittenEntry>;
  /** Conflicted with an entry already written (a retry, or a unit number already live). */
  dupes: Pending[];
  /** No tranche was free for them (other lanes were writing the rest): they go first next time. */
  deferred: Pending[];
}

/** A batch that has not committed after this long gives up. */
export const BATCH_DEADLINE_MS = 30_000;
/**
 * A winner still queued after this long (the database cannot keep up) gets its unit back and 503
 * instead of waiting on. With the batch deadline, no take stays in flight longer than
 * QUEUE_WAIT_MAX_MS + BATCH_DEADLINE_MS, well under the reconcile job's threshold.
 */
export const QUEUE_WAIT_MAX_MS = 120_000;

const isOutOfStock = (e: unknown) => e instanceof AppError && e.code === 'inventory.out_of_stock';

/**
 * The group-commit writer. Winners queue per sale in the order the gate let them in; up to
 * `lanes` batches per sale (each up to `batchSize`; whoever arrives meanwhile waits for the next)
 * are written at once, each in ONE transaction: per winner an order at the sale price whose unit
 * moves from one of the sale's hold tranches (no stock level lock per buyer; a batch locks its
 * tranches with SKIP LOCKED, so lanes do not wait on each other), its payment, and its entry.
 * Entries are inserted with ON CONFLICT DO NOTHING, so a retried request (same shopper and request
 * key) or a second live unit with the same number is answered from the first and never makes a
 * second order. If a batch fails, each winner is tried alone so one bad request cannot sink the
 * others; a winner that still fails gets its unit back in the gate and a clear error.
 */
export function saleWriter(
  db: Db,
  gate: Gate,
  opts: { batchSize?: number; lanes?: number; maxBatches?: number } = {},
): SaleWriter {
  const batchSize = opts.batchSize ?? 200;
  const lanes = opts.lanes ?? 4;
  // Batches in flight over all sales, each holding a pool connection (the pool has 20).
  const maxBatches = opts.maxBatches ?? 8;
  let active = 0;
  const queues = new Map<string, { sale: SaleRow; waiting: Pending[]; running: number }>();
  const idlers: (() => void)[] = [];
  const stats = { batches: 0, orders: 0, failedBatches: 0 };

  function pump(saleId: string) {
    const q = queues.get(saleId);
    if (!q) return;
    const now = Date.now();
    const expired = q.waiting.filter((w) => now - w.queuedAt > QUEUE_WAIT_MAX_MS);
    if (expired.length > 0) {
      q.waiting = q.waiting.filter((w) => now - w.queuedAt <= QUEUE_WAIT_MAX_MS);
      void gate
        .giveBack(
          q.sale.id,
          expired.map((w) => w.entryId),
        )
        .catch(() => {})
        .finally(() => {
          for (const w of expired) w.reject(new AppError(503, 'flashsale.write_failed'));
        });
    }
    while (q.waiting.length > 0 && q.running < lanes && active < maxBatches) {
      const batch = q.waiting.splice(0, batchSize);
      q.running++;
      active++;
      void writeBatch(q.sale, batch).finally(() => {
        q.running--;
        active--;
        if (q.waiting.length === 0 && q.running === 0) queues.delete(saleId);
        // This lane is free: this sale's queue first, then any other sale that was waiting for one.
        pump(saleId);
        for (const other of queues.keys()) if (other !== saleId) pump(other);
        if (queues.size === 0) for (const wake of idlers.splice(0)) wake();
      });
    }
  }

  function requeue(sale: SaleRow, ws: Pending[]) {
    const q = queues.get(sale.id);
    if (q) q.waiting.unshift(...ws);
    else for (const w of ws) enqueue(sale, w).then(w.resolve, w.reject);
  }

  async function writeBatch(sale: SaleRow, batch: Pending[]): Promise<void> {
    let written: Written;
    try {
      written = await commitBatch(db, sale, batch);
      stats.batches++;
      stats.orders += written.fresh.size;
    } catch (e) {
      stats.failedBatches++;
      if (batch.length > 1) {
        for (const w of batch) await writeBatch(sale, [w]);
        return;
      }
      const w = batch[0]!;
      if (isOutOfStock(e)) {
        // The sale's hold has no unit for it (it ended meanwhile): the gate's count was too high.
        await gate.settle(sale.id, [w.entryId]).catch(() => {});
        w.reject(new AppError(409, 'flashsale.sold_out'));
      } else {
        await gate.giveBack(sale.id, [w.entryId]).catch(() => {});
        w.reject(e instanceof AppError && e.status < 500 ? e : new AppError(503, 'flashsale.write_failed'));
      }
      return;
    }
    await gate.settle(sale.id, [...written.fresh.keys()]).catch(() => {});
    if (written.dupes.length)
      await gate
        .giveBack(
          sale.id,
          written.dupes.map((w) => w.entryId),
        )
        .catch(() => {});
    if (written.deferred.length) {
      // Nothing served: the lanes holding the other tranches finish first.
      if (written.fresh.size === 0) await new Promise((r) => setTimeout(r, 5));
      requeue(sale, written.deferred);
    }
    for (const w of batch) {
      const done = written.fresh.get(w.entryId);
      if (done) w.resolve(done);
    }
    for (const w of written.dupes) {
      const first = await firstAnswer(db, sale, w).catch(() => null);
      if (first) w.resolve(first);
      else w.reject(new AppError(409, 'flashsale.limit_reached', { limit: sale.perShopperLimit }));
    }
  }

  function enqueue(sale: SaleRow, winner: Winner & { queuedAt?: number }): Promise<WrittenEntry> {
    return new Promise<WrittenEntry>((resolve, reject) => {
      let q = queues.get(sale.id);
      if (!q) {
        q = { sale, waiting: [], running: 0 };
        queues.set(sale.id, q);
        // Let the requests that arrive in the same tick join the first batch.
        setImmediate(() => pump(sale.id));
      }
      q.sale = sale;
      q.waiting.push({ queuedAt: Date.now(), ...winner, resolve, reject });
      if (q.running > 0 && q.running < lanes) pump(sale.id);
    });
  }

  return {
    stats,
    enqueue,
    idle: () => (queues.size === 0 ? Promise.resolve() : new Promise<void>((r) => idlers.push(r))),
  };
}

/** The entry an earlier attempt with the same request key wrote. */
async function firstAnswer(db: Db, sale: SaleRow, w: Winner): Promise<WrittenEntry | null> {
  return withShop(db, sale.shopId, async (tx) => {
    const [e] = await tx
      .select()
      .from(flashSaleEntries)
      .where(
        and(
          eq(flashSaleEntries.shopId, sale.shopId),
          eq(flashSaleEntries.saleId, sale.id),
          eq(flashSaleEntries.buyerAccountId, w.buyer),
          eq(flashSaleEntries.requestKey, w.requestKey),
        ),
      );
    if (!e?.orderId) return null;
    return {
      id: e.id,
      orderId: e.orderId,
      orderNo: e.orderNo!,
      total: e.total!,
      paymentId: e.paymentId!,
      replayed: true,
    };
  });
}

async function commitBatch(db: Db, sale: SaleRow, batch: Pending[]): Promise<Written> {
  const started = Date.now();
  const { shopId } = sale;
  return withShop(db, shopId, async (tx) => {
    await tx.execute(sql`set local statement_timeout = '20s'`);
    const holdsLeft = (except: string[]) =>
      and(
        eq(flashSaleHolds.shopId, shopId),
        eq(flashSaleHolds.saleId, sale.id),
        gt(flashSaleHolds.units, 0),
        except.length ? notInArray(flashSaleHolds.refId, except) : undefined,
      );
    // Lock tranches with units (largest first), skipping those another lane is writing, until
    // the batch is covered. Ending the sale locks them all, so it waits for batches in flight.
    const holds: { refId: string; units: number }[] = [];
    let covered = 0;
    while (covered < batch.length) {
      const [h] = await tx
        .select({ refId: flashSaleHolds.refId, units: flashSaleHolds.units })
        .from(flashSaleHolds)
        .where(holdsLeft(holds.map((x) => x.refId)))
        .orderBy(desc(flashSaleHolds.units), asc(flashSaleHolds.refId))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!h) break;
      holds.push(h);
      covered += h.units;
    }
    let serve = batch.slice(0, covered);
    let deferred = batch.slice(covered);
    if (deferred.length > 0) {
      // Short: are the other units being written by another lane (wait for them), or gone?
      const [busy] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(flashSaleHolds)
        .where(holdsLeft(holds.map((x) => x.refId)));
      if (busy!.n === 0) {
        // Nothing left anywhere: these units do not exist; the batch fails and each is answered alone.
        serve = batch;
        deferred = [];
      }
    }
    const inserted = serve.length
      ? await tx
          .insert(flashSaleEntries)
          .values(
            serve.map((w) => ({
              shopId,
              saleId: sale.id,
              id: w.entryId,
              buyerAccountId: w.buyer,
              seq: w.seq,
              requestKey: w.requestKey,
              status: 'live' as const,
            })),
          )
          .onConflictDoNothing()
          .returning({ id: flashSaleEntries.id })
      : [];
    const isFresh = new Set(inserted.map((r) => r.id));
    const fresh = new Map<string, WrittenEntry>();
    const used = new Map<string, number>();
    for (const w of serve) {
      if (!isFresh.has(w.entryId)) continue;
      const hold = holds.find((h) => h.units > 0);
      if (!hold) throw new AppError(409, 'inventory.out_of_stock', { skuIds: [sale.skuId], titles: sale.title });
      hold.units -= 1;
      used.set(hold.refId, (used.get(hold.refId) ?? 0) + 1);
      fresh.set(w.entryId, await orderFor(tx, sale, w, hold.refId));
    }
    if (fresh.size > 0) {
      const rows = [...fresh.values()].map(
        (e) => sql`(${e.id}, ${e.orderId}, ${e.orderNo}, ${e.paymentId}, ${e.total}::int)`,
      );
      await tx.execute(sql`
        update ${flashSaleEntries} as e
           set order_id = v.order_id, order_no = v.order_no, payment_id = v.payment_id, total = v.total
          from (values ${sql.join(rows, sql`, `)}) as v(id, order_id, order_no, payment_id, total)
         where e.shop_id = ${shopId} and e.sale_id = ${sale.id} and e.id = v.id`);
      for (const [refId, n] of used) {
        await tx
          .update(flashSaleHolds)
          .set({ units: sql`${flashSaleHolds.units} - ${n}` })
          .where(
            and(eq(flashSaleHolds.shopId, shopId), eq(flashSaleHolds.saleId, sale.id), eq(flashSaleHolds.refId, refId)),
          );
      }
    }
    if (Date.now() - started > BATCH_DEADLINE_MS) throw new Error('flash sale batch ran past its deadline');
    return { fresh, dupes: serve.filter((w) => !isFresh.has(w.entryId)), deferred };
  });
}

/** The winner's order (pending payment, at the sale price, its unit from the sale's hold) and payment. */
async function orderFor(tx: Tx, sale: SaleRow, w: Winner, holdRefId: string): Promise<WrittenEntry> {
  const line = { skuId: sale.skuId, quantity: 1, unitPrice: sale.price };
  const order = await orders.createOrder(tx, {
    shopId: sale.shopId,
    buyerAccountId: w.buyer,
    lines: [line],
    address: w.address,
    fromHold: { ref: { type: 'flash_sale', id: holdRefId }, locationId: sale.locationId },
  });
  const payment = await payments.createPayment(tx, {
    accountId: w.buyer,
    allocations: [{ shopId: sale.shopId, orderId: order.id, amount: order.total }],
  });
  await orders.attachPayment(tx, sale.shopId, order.id, payment.paymentId);
  return {
    id: w.entryId,
    orderId: order.id,
    orderNo: order.orderNo,
    total: order.total,
    paymentId: payment.paymentId,
    replayed: false,
  };
}
