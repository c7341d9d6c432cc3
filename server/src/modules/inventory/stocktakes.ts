import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor, Tx } from '../../kernel/db/pool.js';
import { emit } from '../../kernel/events/outbox.js';
import { AppError, type FieldError, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { newId } from '../../kernel/ids.js';
import { catalog } from '../catalog/index.js';
import { STOCKTAKE_STATUSES, stockLevels, stocktakeLines, stocktakes } from './schema.js';
import { belowReserved, getLocation, type Shortage, setStock } from './service.js';

defineMessages({
  'inventory.stocktake_already_open': {
    'zh-CN': '该地点已有进行中的盘点，请先完成或取消',
    'en-US': 'This location already has a stocktake in progress; apply or cancel it first',
  },
  'inventory.stocktake_closed': {
    'zh-CN': '盘点单已应用或已取消，不能再修改',
    'en-US': 'The stocktake has been applied or cancelled and cannot change',
  },
  'inventory.csv_invalid': {
    'zh-CN': 'CSV 中有无法识别的行，请检查标出的行',
    'en-US': 'Some CSV rows could not be read; see the rows listed',
  },
  'inventory.csv_bad_row': {
    'zh-CN': '第 {line} 行：应为“SKU 编码或条码,数量”',
    'en-US': 'Row {line}: expected "SKU code or barcode,count"',
  },
  'inventory.csv_unknown_code': {
    'zh-CN': '第 {line} 行：找不到编码或条码 {code}',
    'en-US': 'Row {line}: no SKU with code or barcode {code}',
  },
});

export const stocktakeInput = z.object({
  locationId: z.string().min(1).max(64),
  note: z.string().trim().max(200).optional(),
});
export const countsInput = z.object({
  counts: z
    .array(z.object({ skuId: z.string().min(1).max(64), counted: z.number().int().min(0).max(10_000_000).nullable() }))
    .min(1)
    .max(1000),
});

const ref = (id: string) => ({ type: 'stocktake', id });

async function header(tx: Executor, shopId: string, id: string, lock = false) {
  const q = tx
    .select()
    .from(stocktakes)
    .where(and(eq(stocktakes.shopId, shopId), eq(stocktakes.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('stocktake');
  return row;
}

/**
 * Starts counting a location: every SKU with stock there is listed with what the system expects
 * (on hand now). One open stocktake per location.
 */
export async function startStocktake(tx: Tx, shopId: string, input: z.infer<typeof stocktakeInput>, actorId?: string) {
  await getLocation(tx, shopId, input.locationId);
  const id = newId('stk');
  const inserted = await tx
    .insert(stocktakes)
    .values({ shopId, id, locationId: input.locationId, status: 'open', note: input.note ?? null, createdBy: actorId })
    .onConflictDoNothing()
    .returning({ id: stocktakes.id });
  if (inserted.length === 0) throw new AppError(409, 'inventory.stocktake_already_open');
  await tx.execute(sql`
    insert into stocktake_lines (shop_id, stocktake_id, sku_id, expected)
    select shop_id, ${id}, sku_id, on_hand from stock_levels
     where shop_id = ${shopId} and location_id = ${input.locationId}`);
  return getStocktake(tx, shopId, id);
}

/** A stocktake with its lines: expected, counted, the variance, and live on hand and reserved. */
export async function getStocktake(tx: Executor, shopId: string, id: string) {
  const s = await header(tx, shopId, id);
  const lines = await tx
    .select()
    .from(stocktakeLines)
    .where(and(eq(stocktakeLines.shopId, shopId), eq(stocktakeLines.stocktakeId, id)))
    .orderBy(stocktakeLines.skuId);
  const skuIds = lines.map((l) => l.skuId);
  const labels = new Map((await catalog.skuLabels(tx, shopId, { ids: skuIds })).map((l) => [l.skuId, l]));
  const levels = skuIds.length
    ? await tx
        .select()
        .from(stockLevels)
        .where(
          and(
            eq(stockLevels.shopId, shopId),
            eq(stockLevels.locationId, s.locationId),
            inArray(stockLevels.skuId, skuIds),
          ),
        )
    : [];
  const live = new Map(levels.map((l) => [l.skuId, l]));
  const items = lines.map((l) => ({
    skuId: l.skuId,
    title: labels.get(l.skuId)?.title ?? l.skuId,
    specText: labels.get(l.skuId)?.specText ?? '',
    barcode: labels.get(l.skuId)?.barcode ?? null,
    expected: l.expected,
    counted: l.counted,
    variance: l.counted === null ? null : l.counted - l.expected,
    onHand: live.get(l.skuId)?.onHand ?? 0,
    reserved: live.get(l.skuId)?.reserved ?? 0,
  }));
  return {
    ...view(s),
    lines: items,
    summary: {
      lines: items.length,
      counted: items.filter((i) => i.counted !== null).length,
      withVariance: items.filter((i) => i.variance !== null && i.variance !== 0).length,
      netVariance: items.reduce((n, i) => n + (i.variance ?? 0), 0),
    },
  };
}

const view = (s: typeof stocktakes.$inferSelect) => ({
  id: s.id,
  locationId: s.locationId,
  status: s.status,
  note: s.note,
  createdBy: s.createdBy,
  createdAt: s.createdAt.toISOString(),
  appliedAt: s.appliedAt?.toISOString() ?? null,
});

/**
 * Enters counted quantities (null clears a count). A SKU not in the snapshot is added with what
 * is on hand now as expected.
 */
export async function setCounts(tx: Tx, shopId: string, id: string, counts: z.infer<typeof countsInput>['counts']) {
  const s = await header(tx, shopId, id, true);
  if (s.status !== 'open') throw new AppError(409, 'inventory.stocktake_closed');
  const last = new Map(counts.map((c) => [c.skuId, c.counted]));
  const skuIds = [...last.keys()];
  const known = new Set((await catalog.skuLabels(tx, shopId, { ids: skuIds })).map((l) => l.skuId));
  const unknown = skuIds.filter((x) => !known.has(x));
  if (unknown.length)
    throw new AppError(
      400,
      'validation_failed',
      {},
      unknown.map((x) => ({
        field: 'body.counts',
        code: 'unknown_sku',
        message: 'inventory.unknown_sku',
        params: { id: x },
      })),
    );
  const levels = await tx
    .select()
    .from(stockLevels)
    .where(
      and(eq(stockLevels.shopId, shopId), eq(stockLevels.locationId, s.locationId), inArray(stockLevels.skuId, skuIds)),
    );
  const onHand = new Map(levels.map((l) => [l.skuId, l.onHand]));
  for (const [skuId, counted] of last) {
    await tx
      .insert(stocktakeLines)
      .values({ shopId, stocktakeId: id, skuId, expected: onHand.get(skuId) ?? 0, counted })
      .onConflictDoUpdate({
        target: [stocktakeLines.shopId, stocktakeLines.stocktakeId, stocktakeLines.skuId],
        set: { counted },
      });
  }
  return getStocktake(tx, shopId, id);
}

/**
 * Counts from a CSV of `SKU code or barcode,count` rows (a header row is skipped). Every row must
 * read, or nothing is entered (400 naming the rows).
 */
export async function importCounts(tx: Tx, shopId: string, id: string, csv: string) {
  const s = await header(tx, shopId, id);
  if (s.status !== 'open') throw new AppError(409, 'inventory.stocktake_closed');
  const rows = csv
    .split(/\r?\n/)
    .map((text, i) => ({ text: text.trim(), line: i + 1 }))
    .filter((r) => r.text !== '');
  const problems: FieldError[] = [];
  const parsed: { line: number; code: string; count: number }[] = [];
  for (const [i, r] of rows.entries()) {
    const cells = r.text.split(/[,，\t]/).map((c) => c.trim().replace(/^"|"$/g, ''));
    const count = Number(cells[1]);
    if (cells.length !== 2 || !cells[0] || !/^\d+$/.test(cells[1] ?? '') || !Number.isSafeInteger(count)) {
      if (i === 0 && !/^\d+$/.test(cells[1] ?? '')) continue; // a header row
      problems.push({ field: 'body.csv', code: 'bad_row', message: 'inventory.csv_bad_row', params: { line: r.line } });
      continue;
    }
    parsed.push({ line: r.line, code: cells[0], count });
  }
  const labels = await catalog.skuLabels(tx, shopId, { codes: [...new Set(parsed.map((p) => p.code))] });
  const byCode = new Map<string, string>();
  for (const l of labels) {
    byCode.set(l.skuId, l.skuId);
    if (l.barcode) byCode.set(l.barcode, l.skuId);
  }
  const counts: { skuId: string; counted: number }[] = [];
  for (const p of parsed) {
    const skuId = byCode.get(p.code);
    if (!skuId)
      problems.push({
        field: 'body.csv',
        code: 'unknown_code',
        message: 'inventory.csv_unknown_code',
        params: { line: p.line, code: p.code },
      });
    else counts.push({ skuId, counted: p.count });
  }
  if (problems.length || counts.length === 0) {
    if (!problems.length)
      problems.push({ field: 'body.csv', code: 'bad_row', message: 'inventory.csv_bad_row', params: { line: 1 } });
    throw new AppError(400, 'inventory.csv_invalid', {}, problems);
  }
  return setCounts(tx, shopId, id, counts);
}

/**
 * Applies the counts: each counted SKU's on hand is set to its count (ledger `stocktake`), all or
 * nothing; refused with 409 `inventory.negative_stock` naming every SKU counted below what is
 * reserved. Applying again changes nothing.
 */
export async function applyStocktake(tx: Tx, shopId: string, id: string, actorId?: string) {
  const s = await header(tx, shopId, id, true);
  if (s.status === 'applied') return getStocktake(tx, shopId, id);
  if (s.status !== 'open') throw new AppError(409, 'inventory.stocktake_closed');
  const lines = await tx
    .select()
    .from(stocktakeLines)
    .where(
      and(eq(stocktakeLines.shopId, shopId), eq(stocktakeLines.stocktakeId, id), isNotNull(stocktakeLines.counted)),
    )
    .orderBy(stocktakeLines.skuId);
  const levels = lines.length
    ? await tx
        .select()
        .from(stockLevels)
        .where(
          and(
            eq(stockLevels.shopId, shopId),
            eq(stockLevels.locationId, s.locationId),
            inArray(
              stockLevels.skuId,
              lines.map((l) => l.skuId),
            ),
          ),
        )
        .orderBy(stockLevels.skuId)
        .for('update')
    : [];
  const live = new Map(levels.map((l) => [l.skuId, l]));
  const short: Shortage[] = [];
  for (const l of lines) {
    const level = live.get(l.skuId);
    if (level && l.counted! < level.reserved)
      short.push({ skuId: l.skuId, onHand: level.onHand, reserved: level.reserved, change: l.counted! - level.onHand });
  }
  if (short.length) throw await belowReserved(tx, shopId, short);
  for (const l of lines) {
    await setStock(tx, shopId, l.skuId, l.counted!, ref(id), {
      locationId: s.locationId,
      reason: 'stocktake',
      actorId,
    });
  }
  await tx
    .update(stocktakes)
    .set({ status: 'applied', appliedAt: sql`now()` })
    .where(and(eq(stocktakes.shopId, shopId), eq(stocktakes.id, id)));
  await emit(tx, 'inventory.stocktake_applied', { shopId, stocktakeId: id, locationId: s.locationId }, shopId);
  return getStocktake(tx, shopId, id);
}

/** Drops an open stocktake without changing stock. */
export async function cancelStocktake(tx: Tx, shopId: string, id: string) {
  const s = await header(tx, shopId, id, true);
  if (s.status === 'cancelled') return getStocktake(tx, shopId, id);
  if (s.status !== 'open') throw new AppError(409, 'inventory.stocktake_closed');
  await tx
    .update(stocktakes)
    .set({ status: 'cancelled' })
    .where(and(eq(stocktakes.shopId, shopId), eq(stocktakes.id, id)));
  return getStocktake(tx, shopId, id);
}

export const stocktakeListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  status: z.enum(STOCKTAKE_STATUSES).optional(),
});

/** Stocktakes, newest first, with how far counting has got. */
export async function listStocktakes(tx: Executor, shopId: string, q: z.infer<typeof stocktakeListQuery>) {
  const after = decodeCursor(q.cursor);
  const rows = await tx
    .select({
      s: stocktakes,
      lines: sql<number>`(select count(*)::int from stocktake_lines l where l.shop_id = ${stocktakes.shopId} and l.stocktake_id = ${stocktakes.id})`,
      counted: sql<number>`(select count(*)::int from stocktake_lines l where l.shop_id = ${stocktakes.shopId} and l.stocktake_id = ${stocktakes.id} and l.counted is not null)`,
    })
    .from(stocktakes)
    .where(
      and(
        eq(stocktakes.shopId, shopId),
        q.status ? eq(stocktakes.status, q.status) : undefined,
        after
          ? sql`(${stocktakes.createdAt}, ${stocktakes.id}) < (${String(after[0])}::timestamptz, ${String(after[1])})`
          : undefined,
      ),
    )
    .orderBy(desc(stocktakes.createdAt), desc(stocktakes.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => [r.s.createdAt.toISOString(), r.s.id]);
  return {
    items: page.items.map((r) => ({ ...view(r.s), lineCount: Number(r.lines), countedCount: Number(r.counted) })),
    nextCursor: page.nextCursor,
  };
}
