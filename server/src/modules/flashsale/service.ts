import { and, asc, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { inShop, withShop } from '../../kernel/db/tenant.js';
import type { EventEnvelope } from '../../kernel/events/outbox.js';
import { AppError, badRequest, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { newId } from '../../kernel/ids.js';
import { enqueue } from '../../kernel/jobs/queue.js';
import { catalog } from '../catalog/index.js';
import { checkout } from '../checkout/index.js';
import { inventory } from '../inventory/index.js';
import { payments } from '../payments/index.js';
import type { Gate, GateSnapshot } from './gate.js';
import { flashSaleEntries, flashSaleHolds, flashSales } from './schema.js';
import type { SaleWriter, WrittenEntry } from './writer.js';

defineMessages({
  'flashsale.sold_out': { 'zh-CN': '已抢光', 'en-US': 'Sold out' },
  'flashsale.limit_reached': {
    'zh-CN': '每人限购 {limit} 件，你已抢到',
    'en-US': 'At most {limit} per shopper, and you have them',
  },
  'flashsale.not_started': { 'zh-CN': '秒杀尚未开始', 'en-US': 'The flash sale has not started yet' },
  'flashsale.ended': { 'zh-CN': '秒杀已结束', 'en-US': 'The flash sale has ended' },
  'flashsale.write_failed': {
    'zh-CN': '下单未成功，名额已退回，请重试',
    'en-US': 'The order could not be written; your place was given back, please try again',
  },
  'flashsale.not_editable': {
    'zh-CN': '秒杀开始后只能修改结束时间',
    'en-US': 'Once a flash sale has started only its end time can change',
  },
  'flashsale.finished': { 'zh-CN': '秒杀已结束或已取消', 'en-US': 'The flash sale has ended or was cancelled' },
  'flashsale.overlap': {
    'zh-CN': '该规格在这段时间已有秒杀',
    'en-US': 'This SKU already has a flash sale in that time',
  },
  'flashsale.price_not_lower': {
    'zh-CN': '秒杀价须低于原价 ¥{regular}',
    'en-US': 'The sale price must be below the regular price ¥{regular}',
  },
  'flashsale.bad_window': {
    'zh-CN': '结束时间须晚于开始时间和当前时间',
    'en-US': 'The end must be after the start and in the future',
  },
  'flashsale.not_enough_stock': {
    'zh-CN': '该仓库可售库存不足 {quota} 件',
    'en-US': 'Fewer than {quota} units are free to sell at that location',
  },
});

export type SaleRow = typeof flashSales.$inferSelect;
export type Phase = 'upcoming' | 'running' | 'ended' | 'cancelled';

export function phaseOf(s: Pick<SaleRow, 'status' | 'startsAt' | 'endsAt'>, now = Date.now()): Phase {
  if (s.status === 'cancelled') return 'cancelled';
  if (s.status === 'ended' || now >= s.endsAt.getTime()) return 'ended';
  return now < s.startsAt.getTime() ? 'upcoming' : 'running';
}

/** The sale's inventory reference for its n-th tranche of held units. */
export const trancheRef = (refId: string) => ({ type: 'flash_sale', id: refId });

// ------------------------------------------------------------------ the runtime (gate, writer, sale cache)

export interface FlashRuntime {
  db: Db;
  gate: Gate;
  writer: SaleWriter;
  /** A sale as buying sees it, cached for a second (a hot sale is read once a second, not per attempt). */
  sale(shopId: string, saleId: string): Promise<SaleRow | null>;
  dropCached(saleId: string): void;
}

export function saleCache(db: Db, ttlMs = 1000) {
  const cache = new Map<string, { at: number; row: Promise<SaleRow | null> }>();
  return {
    get(shopId: string, saleId: string): Promise<SaleRow | null> {
      const key = `${shopId}/${saleId}`;
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.row;
      const row = withShop(db, shopId, async (tx) => {
        const [s] = await tx
          .select()
          .from(flashSales)
          .where(and(eq(flashSales.shopId, shopId), eq(flashSales.id, saleId)));
        return s ?? null;
      });
      cache.set(key, { at: Date.now(), row });
      row.catch(() => cache.delete(key));
      if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
      return row;
    },
    drop(saleId: string) {
      for (const key of cache.keys()) if (key.endsWith(`/${saleId}`)) cache.delete(key);
    },
  };
}

/** What the database says the gate should hold for a sale (see GateSnapshot). */
export async function snapshotOf(db: Db, shopId: string, saleId: string): Promise<GateSnapshot> {
  return withShop(db, shopId, async (tx) => {
    const [sale] = await tx
      .select()
      .from(flashSales)
      .where(and(eq(flashSales.shopId, shopId), eq(flashSales.id, saleId)));
    if (!sale) throw notFound('flash_sale');
    const [held] = await tx
      .select({ n: sql<number>`coalesce(sum(${flashSaleHolds.units}), 0)::int` })
      .from(flashSaleHolds)
      .where(and(eq(flashSaleHolds.shopId, shopId), eq(flashSaleHolds.saleId, saleId)));
    const live = await tx
      .select({ buyer: flashSaleEntries.buyerAccountId, n: sql<number>`count(*)::int` })
      .from(flashSaleEntries)
      .where(
        and(
          eq(flashSaleEntries.shopId, shopId),
          eq(flashSaleEntries.saleId, saleId),
          eq(flashSaleEntries.status, 'live'),
        ),
      )
      .groupBy(flashSaleEntries.buyerAccountId);
    const restored = await tx
      .select({ id: flashSaleEntries.id })
      .from(flashSaleEntries)
      .where(
        and(
          eq(flashSaleEntries.shopId, shopId),
          eq(flashSaleEntries.saleId, saleId),
          eq(flashSaleEntries.status, 'cancelled'),
        ),
      );
    return {
      left: phaseOf(sale) === 'running' || phaseOf(sale) === 'upcoming' ? held!.n : 0,
      buyers: Object.fromEntries(live.map((r) => [r.buyer, r.n])),
      restored: restored.map((r) => r.id),
      expiresAt: new Date(sale.endsAt.getTime() + 86_400_000),
    };
  });
}

// ------------------------------------------------------------------ views

export function saleView(s: SaleRow, counters: { left: number; sold: number }) {
  return {
    id: s.id,
    shopId: s.shopId,
    productId: s.productId,
    skuId: s.skuId,
    locationId: s.locationId,
    title: s.title,
    specText: s.specText,
    imageUrl: s.imageUrl,
    price: s.price,
    regularPrice: s.regularPrice,
    quota: s.quota,
    perShopperLimit: s.perShopperLimit,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    status: s.status,
    phase: phaseOf(s),
    /** Units won (orders written; those later cancelled included). */
    sold: counters.sold,
    paid: s.paid,
    returned: s.returned,
    /** Units still to be won (live from the gate while it runs). */
    left: counters.left,
    createdAt: s.createdAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
  };
}
export type SaleView = ReturnType<typeof saleView>;

interface Counters {
  held: number;
  sold: number;
}

/** Per sale: units it still holds in inventory, and units won (entries written, cancelled ones too). */
async function countersOf(tx: Executor, shopId: string, saleIds: string[]): Promise<Map<string, Counters>> {
  const out = new Map<string, Counters>(saleIds.map((id) => [id, { held: 0, sold: 0 }]));
  if (saleIds.length === 0) return out;
  const held = await tx
    .select({ saleId: flashSaleHolds.saleId, n: sql<number>`sum(${flashSaleHolds.units})::int` })
    .from(flashSaleHolds)
    .where(and(eq(flashSaleHolds.shopId, shopId), inArray(flashSaleHolds.saleId, saleIds)))
    .groupBy(flashSaleHolds.saleId);
  const sold = await tx
    .select({ saleId: flashSaleEntries.saleId, n: sql<number>`count(${flashSaleEntries.orderId})::int` })
    .from(flashSaleEntries)
    .where(and(eq(flashSaleEntries.shopId, shopId), inArray(flashSaleEntries.saleId, saleIds)))
    .groupBy(flashSaleEntries.saleId);
  for (const r of held) out.get(r.saleId)!.held = r.n;
  for (const r of sold) out.get(r.saleId)!.sold = r.n;
  return out;
}

/** Views with live counters: units left from the gate while it runs, else from the hold. */
async function viewsOf(rt: FlashRuntime, tx: Executor, shopId: string, rows: SaleRow[]): Promise<SaleView[]> {
  const counters = await countersOf(
    tx,
    shopId,
    rows.map((r) => r.id),
  );
  const out: SaleView[] = [];
  for (const r of rows) {
    const c = counters.get(r.id)!;
    const phase = phaseOf(r);
    const live = phase === 'running' ? await rt.gate.left(r.id).catch(() => null) : null;
    const left = phase === 'ended' || phase === 'cancelled' ? 0 : (live ?? c.held);
    out.push(saleView(r, { left, sold: c.sold }));
  }
  return out;
}

async function loadSale(tx: Executor, shopId: string, saleId: string, lock = false): Promise<SaleRow> {
  const q = tx
    .select()
    .from(flashSales)
    .where(and(eq(flashSales.shopId, shopId), eq(flashSales.id, saleId)));
  const [s] = lock ? await q.for('update') : await q;
  if (!s) throw notFound('flash_sale');
  return s;
}

// ------------------------------------------------------------------ workbench

export const saleInput = z.object({
  skuId: z.string().min(1).max(64),
  /** Where the units are held; the shop's default location when left out. */
  locationId: z.string().min(1).max(64).optional(),
  price: z.number().int().min(1).max(100_000_000),
  quota: z.number().int().min(1).max(1_000_000),
  perShopperLimit: z.number().int().min(1).max(100).default(1),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
});
export const saleUpdate = saleInput.omit({ skuId: true, locationId: true }).partial();

function checkWindow(startsAt: Date, endsAt: Date) {
  if (endsAt <= startsAt || endsAt.getTime() <= Date.now()) {
    throw badRequest('flashsale.bad_window', [
      { field: 'body.endsAt', code: 'bad_window', message: 'flashsale.bad_window' },
    ]);
  }
}

async function checkOverlap(tx: Tx, s: { shopId: string; skuId: string; startsAt: Date; endsAt: Date }, id?: string) {
  const [other] = await tx
    .select({ id: flashSales.id })
    .from(flashSales)
    .where(
      and(
        eq(flashSales.shopId, s.shopId),
        eq(flashSales.skuId, s.skuId),
        eq(flashSales.status, 'active'),
        lt(flashSales.startsAt, s.endsAt),
        gt(flashSales.endsAt, s.startsAt),
        id ? sql`${flashSales.id} <> ${id}` : undefined,
      ),
    )
    .limit(1);
  if (other) throw new AppError(409, 'flashsale.overlap');
}

/** Tranches the quota is split into, so that several writer batches can take units at once. */
export const QUOTA_TRANCHES = 8;

/** Holds `units` more for the sale, split into up to `parts` tranches (one inventory reference each). */
async function holdTranches(tx: Tx, sale: SaleRow, units: number, label: string, parts = 1): Promise<void> {
  const n = Math.max(1, Math.min(parts, units));
  const lines: { refId: string; units: number }[] = [];
  for (let i = 0; i < n; i++) {
    lines.push({
      refId: `${sale.id}.${label}${sale.holdSeq + i + 1}`,
      units: Math.floor(units / n) + (i < units % n ? 1 : 0),
    });
  }
  for (const l of lines) {
    await inventory.reserveAt(
      tx,
      sale.shopId,
      sale.locationId,
      [{ skuId: sale.skuId, quantity: l.units }],
      trancheRef(l.refId),
    );
  }
  await tx.insert(flashSaleHolds).values(lines.map((l) => ({ shopId: sale.shopId, saleId: sale.id, ...l })));
  sale.holdSeq += n;
  await tx
    .update(flashSales)
    .set({ holdSeq: sale.holdSeq })
    .where(and(eq(flashSales.shopId, sale.shopId), eq(flashSales.id, sale.id)));
}

/** Releases everything the sale still holds back to general stock. */
async function releaseHolds(tx: Tx, sale: SaleRow): Promise<number> {
  const holds = await tx
    .select()
    .from(flashSaleHolds)
    .where(and(eq(flashSaleHolds.shopId, sale.shopId), eq(flashSaleHolds.saleId, sale.id), gt(flashSaleHolds.units, 0)))
    .orderBy(asc(flashSaleHolds.refId))
    .for('update');
  let units = 0;
  for (const h of holds) {
    await inventory.release(tx, sale.shopId, trancheRef(h.refId));
    units += h.units;
  }
  await tx
    .update(flashSaleHolds)
    .set({ units: 0 })
    .where(and(eq(flashSaleHolds.shopId, sale.shopId), eq(flashSaleHolds.saleId, sale.id)));
  return units;
}

async function scheduleEnd(tx: Tx, sale: SaleRow) {
  await enqueue(
    tx,
    'flashsale.end',
    { shopId: sale.shopId, saleId: sale.id },
    { runAt: sale.endsAt, uniqueKey: `flashsale-end:${sale.id}:${sale.endsAt.getTime()}` },
  );
}

const outOfStockAsQuota = (quota: number) => (e: unknown) => {
  if (e instanceof AppError && e.code === 'inventory.out_of_stock') {
    throw badRequest(
      'flashsale.not_enough_stock',
      [{ field: 'body.quota', code: 'not_enough_stock', message: 'flashsale.not_enough_stock', params: { quota } }],
      { quota },
    );
  }
  throw e;
};

/** Sets a sale up and holds its quota at the location at once (the general shop cannot sell it). */
export async function createSale(rt: FlashRuntime, shopId: string, input: z.infer<typeof saleInput>, actorId: string) {
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  checkWindow(startsAt, endsAt);
  const sale = await withShop(rt.db, shopId, async (tx) => {
    const sku = (await catalog.skusForPurchase(tx, shopId, [input.skuId])).get(input.skuId);
    if (!sku)
      throw badRequest('validation_failed', [{ field: 'body.skuId', code: 'unknown', message: 'not_found' }], {
        what: 'sku',
      });
    if (input.price >= sku.price)
      throw badRequest(
        'flashsale.price_not_lower',
        [{ field: 'body.price', code: 'price_not_lower', message: 'flashsale.price_not_lower' }],
        { regular: (sku.price / 100).toFixed(2) },
      );
    const locationId = input.locationId ?? (await inventory.defaultLocation(tx, shopId));
    const locs = await inventory.listLocations(tx, shopId, { activeOnly: true });
    if (!locs.some((l) => l.id === locationId))
      throw badRequest('validation_failed', [{ field: 'body.locationId', code: 'unknown', message: 'not_found' }], {
        what: 'location',
      });
    await checkOverlap(tx, { shopId, skuId: input.skuId, startsAt, endsAt });
    const [row] = await tx
      .insert(flashSales)
      .values({
        shopId,
        id: newId('fls'),
        productId: sku.productId,
        skuId: sku.skuId,
        locationId,
        title: sku.title,
        specText: sku.specText,
        imageUrl: sku.imageUrl,
        price: input.price,
        regularPrice: sku.price,
        quota: input.quota,
        perShopperLimit: input.perShopperLimit,
        startsAt,
        endsAt,
        status: 'active',
        createdBy: actorId,
      })
      .returning();
    await holdTranches(tx, row!, input.quota, 'q', QUOTA_TRANCHES).catch(outOfStockAsQuota(input.quota));
    await scheduleEnd(tx, row!);
    return row!;
  });
  return saleView(sale, { left: sale.quota, sold: 0 });
}

/**
 * Changes a sale. Before it starts everything but the SKU and location may change (a new quota
 * replaces the hold); once it runs only the end time may (earlier ends it sooner).
 */
export async function updateSale(
  rt: FlashRuntime,
  shopId: string,
  saleId: string,
  input: z.infer<typeof saleUpdate>,
): Promise<SaleView> {
  const sale = await withShop(rt.db, shopId, async (tx) => {
    const s = await loadSale(tx, shopId, saleId, true);
    const phase = phaseOf(s);
    if (phase === 'ended' || phase === 'cancelled') throw new AppError(409, 'flashsale.finished');
    const changes = Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined);
    if (phase === 'running' && changes.some((k) => k !== 'endsAt')) throw new AppError(409, 'flashsale.not_editable');
    const startsAt = input.startsAt ? new Date(input.startsAt) : s.startsAt;
    const endsAt = input.endsAt ? new Date(input.endsAt) : s.endsAt;
    checkWindow(startsAt, endsAt);
    if (input.price !== undefined && input.price >= s.regularPrice)
      throw badRequest(
        'flashsale.price_not_lower',
        [{ field: 'body.price', code: 'price_not_lower', message: 'flashsale.price_not_lower' }],
        { regular: (s.regularPrice / 100).toFixed(2) },
      );
    await checkOverlap(tx, { shopId, skuId: s.skuId, startsAt, endsAt }, s.id);
    if (input.quota !== undefined && input.quota !== s.quota) {
      // Nothing is sold before the start: the old hold goes back and the new quota is held.
      await releaseHolds(tx, s);
      await holdTranches(tx, s, input.quota, 'q', QUOTA_TRANCHES).catch(outOfStockAsQuota(input.quota));
    }
    const [row] = await tx
      .update(flashSales)
      .set({
        price: input.price ?? s.price,
        quota: input.quota ?? s.quota,
        perShopperLimit: input.perShopperLimit ?? s.perShopperLimit,
        startsAt,
        endsAt,
        holdSeq: s.holdSeq,
        updatedAt: sql`now()`,
      })
      .where(and(eq(flashSales.shopId, shopId), eq(flashSales.id, saleId)))
      .returning();
    if (endsAt.getTime() !== s.endsAt.getTime()) await scheduleEnd(tx, row!);
    return row!;
  });
  rt.dropCached(saleId);
  // The quota may have changed before the start: the counters are rebuilt on the first attempt.
  if (phaseOf(sale) === 'upcoming') await rt.gate.forget(saleId);
  return getSale(rt, shopId, saleId);
}

/** Starts an upcoming sale now. */
export async function startNow(rt: FlashRuntime, shopId: string, saleId: string) {
  const s = await withShop(rt.db, shopId, (tx) => loadSale(tx, shopId, saleId));
  if (phaseOf(s) !== 'upcoming') throw new AppError(409, 'flashsale.not_editable');
  return updateSale(rt, shopId, saleId, { startsAt: new Date().toISOString() });
}

/**
 * Ends a sale now (or cancels it, before it starts): the units it still holds go back to general
 * stock; orders already written keep theirs. Waits for a batch being written (it locks the holds).
 */
export async function endSale(rt: FlashRuntime, shopId: string, saleId: string, opts: { onlyIfDue?: boolean } = {}) {
  const ended = await withShop(rt.db, shopId, async (tx) => {
    const s = await loadSale(tx, shopId, saleId, true);
    if (s.status !== 'active') return false;
    if (opts.onlyIfDue && s.endsAt.getTime() > Date.now()) return false;
    const phase = phaseOf(s);
    await releaseHolds(tx, s);
    await tx
      .update(flashSales)
      .set({
        status: phase === 'upcoming' ? 'cancelled' : 'ended',
        endedAt: sql`now()`,
        endsAt: phase === 'upcoming' ? s.endsAt : sql`least(${flashSales.endsAt}, now())`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(flashSales.shopId, shopId), eq(flashSales.id, saleId)));
    return true;
  });
  rt.dropCached(saleId);
  if (ended) await rt.gate.forget(saleId);
  return opts.onlyIfDue ? null : getSale(rt, shopId, saleId);
}

export async function getSale(rt: FlashRuntime, shopId: string, saleId: string): Promise<SaleView> {
  return withShop(rt.db, shopId, async (tx) => {
    return (await viewsOf(rt, tx, shopId, [await loadSale(tx, shopId, saleId)]))[0]!;
  });
}

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

export async function listSales(rt: FlashRuntime, shopId: string, q: z.infer<typeof listQuery>) {
  const after = decodeCursor(q.cursor);
  return withShop(rt.db, shopId, async (tx) => {
    const rows = await tx
      .select()
      .from(flashSales)
      .where(
        and(
          eq(flashSales.shopId, shopId),
          after
            ? or(
                lt(flashSales.createdAt, new Date(String(after[0]))),
                and(eq(flashSales.createdAt, new Date(String(after[0]))), lt(flashSales.id, String(after[1]))),
              )
            : undefined,
        ),
      )
      .orderBy(desc(flashSales.createdAt), desc(flashSales.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.createdAt.toISOString(), r.id]);
    return { items: await viewsOf(rt, tx, shopId, page.items), nextCursor: page.nextCursor };
  });
}

// ------------------------------------------------------------------ shoppers

/** A sale as a shopper sees it (404 for a cancelled one). */
export async function saleForShopper(rt: FlashRuntime, shopId: string, saleId: string, buyer?: string) {
  return withShop(rt.db, shopId, async (tx) => {
    const s = await loadSale(tx, shopId, saleId);
    if (s.status === 'cancelled') throw notFound('flash_sale');
    const mine = buyer
      ? await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(flashSaleEntries)
          .where(
            and(
              eq(flashSaleEntries.shopId, shopId),
              eq(flashSaleEntries.saleId, saleId),
              eq(flashSaleEntries.buyerAccountId, buyer),
              eq(flashSaleEntries.status, 'live'),
            ),
          )
      : [{ n: 0 }];
    return {
      ...(await viewsOf(rt, tx, shopId, [s]))[0]!,
      serverTime: new Date().toISOString(),
      mine: mine[0]!.n,
    };
  });
}

/** Upcoming and running sales of a product (for the product page's link). */
export async function salesOfProduct(rt: FlashRuntime, shopId: string, productId: string) {
  return withShop(rt.db, shopId, async (tx) => {
    const rows = await tx
      .select()
      .from(flashSales)
      .where(
        and(
          eq(flashSales.shopId, shopId),
          eq(flashSales.productId, productId),
          eq(flashSales.status, 'active'),
          gt(flashSales.endsAt, sql`now()`),
        ),
      )
      .orderBy(asc(flashSales.startsAt))
      .limit(10);
    return { items: await viewsOf(rt, tx, shopId, rows) };
  });
}

export const buyInput = z.object({
  addressId: z.string().min(1).max(64),
  /** Same id, same answer: a retried attempt never makes a second order (so does `Idempotency-Key`). */
  requestId: z.string().min(8).max(200).optional(),
});

async function entryByRequest(db: Db, shopId: string, saleId: string, buyer: string, requestKey: string) {
  return withShop(db, shopId, async (tx) => {
    const [e] = await tx
      .select()
      .from(flashSaleEntries)
      .where(
        and(
          eq(flashSaleEntries.shopId, shopId),
          eq(flashSaleEntries.saleId, saleId),
          eq(flashSaleEntries.buyerAccountId, buyer),
          eq(flashSaleEntries.requestKey, requestKey),
        ),
      );
    return e && e.orderId ? e : null;
  });
}

export interface BuyResult {
  saleId: string;
  entryId: string;
  orderId: string;
  orderNo: string;
  total: number;
  paymentId: string;
  payUrl: string | null;
  replayed: boolean;
}

const inFlight = new Map<string, Promise<WrittenEntry>>();

/**
 * One attempt to buy one unit. The gate decides at once (409 sold out / limit reached for the
 * losers, nothing written); a winner is queued for the writer and this resolves once its order
 * is committed, with where to pay. With a request key (`Idempotency-Key` or `requestId`), the
 * same attempt again answers with the same order.
 */
export async function buy(
  rt: FlashRuntime,
  shopId: string,
  saleId: string,
  buyer: string,
  input: { addressId: string; requestKey?: string },
  returnUrl: string,
): Promise<BuyResult> {
  const sale = await rt.sale(shopId, saleId);
  if (!sale || sale.status === 'cancelled') throw notFound('flash_sale');
  const requestKey = input.requestKey ?? newId('fsr');
  const flightKey = `${saleId}/${buyer}/${requestKey}`;
  // The same attempt again (even after the sale ended, or after a restart): the first answer.
  const existing = input.requestKey ? await entryByRequest(rt.db, shopId, saleId, buyer, requestKey) : null;
  let written: WrittenEntry;
  if (existing) {
    written = {
      id: existing.id,
      orderId: existing.orderId!,
      orderNo: existing.orderNo!,
      total: existing.total!,
      paymentId: existing.paymentId!,
      replayed: true,
    };
  } else if (inFlight.has(flightKey)) {
    written = { ...(await inFlight.get(flightKey)!), replayed: true };
  } else {
    const phase = phaseOf(sale);
    if (phase === 'upcoming')
      throw new AppError(409, 'flashsale.not_started', { startsAt: sale.startsAt.toISOString() });
    if (phase !== 'running') throw new AppError(409, 'flashsale.ended');
    const pending = win(rt, sale, buyer, input.addressId, requestKey);
    inFlight.set(flightKey, pending);
    try {
      written = await pending;
    } finally {
      inFlight.delete(flightKey);
    }
  }
  const payUrl = await payments
    .startCharge(rt.db, written.paymentId, { description: `${sale.title} ${written.orderNo}`, returnUrl })
    .catch(() => null);
  return {
    saleId,
    entryId: written.id,
    orderId: written.orderId,
    orderNo: written.orderNo,
    total: written.total,
    paymentId: written.paymentId,
    payUrl,
    replayed: written.replayed,
  };
}

async function win(rt: FlashRuntime, sale: SaleRow, buyer: string, addressId: string, requestKey: string) {
  const entryId = newId('fse');
  const taken = await rt.gate.take(sale.id, buyer, sale.perShopperLimit, entryId, () =>
    snapshotOf(rt.db, sale.shopId, sale.id),
  );
  if (!taken.ok) {
    throw taken.reason === 'sold_out'
      ? new AppError(409, 'flashsale.sold_out')
      : new AppError(409, 'flashsale.limit_reached', { limit: sale.perShopperLimit });
  }
  let address;
  try {
    const mine = await checkout.listAddresses(rt.db, buyer);
    address = mine.find((a) => a.id === addressId);
  } catch (e) {
    await rt.gate.giveBack(sale.id, [entryId]);
    throw e;
  }
  if (!address) {
    await rt.gate.giveBack(sale.id, [entryId]);
    throw badRequest('validation_failed', [{ field: 'body.addressId', code: 'unknown', message: 'not_found' }], {
      what: 'address',
    });
  }
  return rt.writer.enqueue(sale, {
    entryId,
    buyer,
    seq: taken.seq,
    requestKey,
    address: {
      name: address.name,
      phone: address.phone,
      province: address.province,
      city: address.city,
      district: address.district,
      detail: address.detail,
      ...(address.lat != null && address.lng != null ? { lat: address.lat, lng: address.lng } : {}),
    },
  });
}

// ------------------------------------------------------------------ events and jobs

async function entryOfOrder(tx: Tx, shopId: string, orderId: string) {
  const [e] = await tx
    .select()
    .from(flashSaleEntries)
    .where(and(eq(flashSaleEntries.shopId, shopId), eq(flashSaleEntries.orderId, orderId)));
  return e ?? null;
}

/** order.paid: counts the sale's paid units. */
export async function onOrderPaid(event: EventEnvelope, tx: Tx) {
  const { shopId, orderId } = event.payload as { shopId: string; orderId: string };
  await inShop(tx, shopId, async (tx) => {
    const e = await entryOfOrder(tx, shopId, orderId);
    if (!e) return;
    await tx
      .update(flashSales)
      .set({ paid: sql`${flashSales.paid} + 1` })
      .where(and(eq(flashSales.shopId, shopId), eq(flashSales.id, e.saleId)));
  });
}

/**
 * order.cancelled (unpaid, timed out or cancelled by the shopper): while the sale runs its unit
 * comes back to the sale — held again as a new tranche, and counted again by the gate (by a job,
 * after this commits). After the sale it stays in general stock, where the order released it.
 */
export async function onOrderCancelled(event: EventEnvelope, tx: Tx) {
  const { shopId, orderId } = event.payload as { shopId: string; orderId: string };
  await inShop(tx, shopId, async (tx) => {
    const e = await entryOfOrder(tx, shopId, orderId);
    if (!e || e.status !== 'live') return;
    await tx
      .update(flashSaleEntries)
      .set({ status: 'cancelled' })
      .where(
        and(eq(flashSaleEntries.shopId, shopId), eq(flashSaleEntries.saleId, e.saleId), eq(flashSaleEntries.id, e.id)),
      );
    const sale = await loadSale(tx, shopId, e.saleId, true);
    if (phaseOf(sale) !== 'running') return;
    try {
      await tx.transaction(async (sp) => {
        await holdTranches(sp, sale, 1, 'r');
        await sp
          .update(flashSales)
          .set({ returned: sql`${flashSales.returned} + 1` })
          .where(and(eq(flashSales.shopId, shopId), eq(flashSales.id, sale.id)));
      });
    } catch (err) {
      // The general shop sold that unit meanwhile: it stays sold there; the sale is one smaller.
      if (!(err instanceof AppError && err.code === 'inventory.out_of_stock')) throw err;
      return;
    }
    await enqueue(tx, 'flashsale.restore-gate', { shopId, saleId: sale.id, buyer: e.buyerAccountId, entryId: e.id });
  });
}

/** A take in flight longer than this was made by a process that died (see QUEUE_WAIT_MAX_MS). */
export const STALE_TAKE_MS = 5 * 60_000;

/**
 * In-flight takes older than STALE_TAKE_MS, whose process died: written ones are settled, the
 * rest go back (a live process answers every take well before: it drops winners queued for two
 * minutes and gives up a batch after 30 s).
 */
export async function reconcile(rt: FlashRuntime): Promise<number> {
  const running = await rt.db
    .select({ shopId: flashSales.shopId, id: flashSales.id })
    .from(flashSales)
    .where(
      and(eq(flashSales.status, 'active'), gt(flashSales.endsAt, sql`now()`), lt(flashSales.startsAt, sql`now()`)),
    );
  let back = 0;
  for (const s of running) {
    const stale = await rt.gate.staleTakes(s.id, STALE_TAKE_MS);
    if (stale.length === 0) continue;
    const written = await withShop(rt.db, s.shopId, (tx) =>
      tx
        .select({ id: flashSaleEntries.id })
        .from(flashSaleEntries)
        .where(
          and(
            eq(flashSaleEntries.shopId, s.shopId),
            eq(flashSaleEntries.saleId, s.id),
            inArray(flashSaleEntries.id, stale),
          ),
        ),
    );
    const done = new Set(written.map((w) => w.id));
    await rt.gate.settle(s.id, [...done]);
    const lost = stale.filter((id) => !done.has(id));
    await rt.gate.giveBack(s.id, lost);
    back += lost.length;
  }
  return back;
}
