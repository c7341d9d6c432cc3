import { and, asc, desc, eq, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { emit } from '../../kernel/events/outbox.js';
import { AppError, badRequest, notFound, type FieldError } from '../../kernel/http/errors.js';
import { defineMessages, type Locale } from '../../kernel/http/i18n.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { newId } from '../../kernel/ids.js';
import { amount } from '../../kernel/money.js';
import { inventory } from '../inventory/index.js';
import { shops as shopsTable } from '../shops/schema.js';
import { PLATFORM_CATEGORIES } from './categories.js';
import {
  type DetailBlock,
  platformCategories,
  products,
  productSkus,
  shopCategories,
  type SpecAxis,
} from './schema.js';
import { documentTokens, toTsQuery } from './search.js';

defineMessages({
  'catalog.invalid_product': {
    'zh-CN': '商品信息有误，请检查标出的字段',
    'en-US': 'The product has errors; see the fields listed',
  },
  'catalog.sku_spec_mismatch': {
    'zh-CN': '规格组合必须取自已定义的规格值',
    'en-US': 'Each SKU must take one value of every spec axis',
  },
  'catalog.sku_duplicate': { 'zh-CN': '规格组合重复', 'en-US': 'Duplicate SKU combination' },
  'catalog.original_below_price': {
    'zh-CN': '划线价不能低于售价',
    'en-US': 'The original price cannot be below the price',
  },
  'catalog.schedule_in_past': {
    'zh-CN': '定时上架时间必须晚于现在',
    'en-US': 'The scheduled time must be in the future',
  },
  'catalog.unknown_category': { 'zh-CN': '类目不存在', 'en-US': 'No such category' },
  'catalog.category_in_use': { 'zh-CN': '该分类下还有商品，不能删除', 'en-US': 'Products still use this category' },
});

// ------------------------------------------------------------------ input

const mediaUrl = z
  .string()
  .trim()
  .max(500)
  .regex(/^(\/media\/|https?:\/\/)/, 'format.media_url');
const axisName = z.string().trim().min(1).max(20);
export const detailBlock = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().trim().min(1).max(5000) }),
  z.object({ type: z.literal('image'), url: mediaUrl }),
  z.object({ type: z.literal('video'), url: mediaUrl, poster: mediaUrl.optional() }),
]);
export const productInput = z.object({
  title: z.string().trim().min(2).max(60),
  subtitle: z.string().trim().max(120).optional(),
  platformCategoryId: z.string().min(1).max(64),
  shopCategoryId: z.string().min(1).max(64).nullable().optional(),
  status: z.enum(['draft', 'on_shelf', 'off_shelf', 'scheduled']),
  onShelfAt: z.iso.datetime().optional(),
  specAxes: z
    .array(z.object({ name: axisName, values: z.array(z.string().trim().min(1).max(30)).min(1).max(30) }))
    .max(3)
    .default([]),
  skus: z
    .array(
      z.object({
        spec: z.record(axisName, z.string().trim().min(1).max(30)).default({}),
        price: amount.min(1),
        originalPrice: amount.min(1).nullable().optional(),
        stock: z.number().int().min(0).max(10_000_000),
        barcode: z
          .string()
          .trim()
          .regex(/^[0-9A-Za-z-]{4,32}$/, 'format.barcode')
          .nullable()
          .optional(),
        imageUrl: mediaUrl.nullable().optional(),
      }),
    )
    .min(1)
    .max(600),
  images: z.array(mediaUrl).max(10).default([]),
  detailBlocks: z.array(detailBlock).max(60).default([]),
});
export type ProductInput = z.infer<typeof productInput>;

const specKeyOf = (axes: SpecAxis[], spec: Record<string, string>) =>
  axes.map((a) => `${a.name}:${spec[a.name]}`).join(';');

/** Checks what zod cannot: SKUs against the axes, prices, the schedule. */
function validateProduct(input: ProductInput): FieldError[] {
  const errors: FieldError[] = [];
  const axes = input.specAxes;
  const names = new Set(axes.map((a) => a.name));
  if (names.size !== axes.length)
    errors.push({ field: 'body.specAxes', code: 'duplicate', message: 'catalog.sku_duplicate' });
  const keys = new Set<string>();
  input.skus.forEach((sku, i) => {
    const specNames = Object.keys(sku.spec);
    const fits = specNames.length === axes.length && axes.every((a) => a.values.includes(sku.spec[a.name] ?? '\u0000'));
    if (!fits)
      errors.push({ field: `body.skus.${i}.spec`, code: 'spec_mismatch', message: 'catalog.sku_spec_mismatch' });
    const key = specKeyOf(axes, sku.spec);
    if (keys.has(key))
      errors.push({ field: `body.skus.${i}.spec`, code: 'duplicate', message: 'catalog.sku_duplicate' });
    keys.add(key);
    if (sku.originalPrice != null && sku.originalPrice < sku.price) {
      errors.push({
        field: `body.skus.${i}.originalPrice`,
        code: 'below_price',
        message: 'catalog.original_below_price',
      });
    }
  });
  if (input.status === 'scheduled' && (!input.onShelfAt || Date.parse(input.onShelfAt) <= Date.now())) {
    errors.push({ field: 'body.onShelfAt', code: 'in_past', message: 'catalog.schedule_in_past' });
  }
  return errors;
}

// ------------------------------------------------------------------ categories

/** Upserts the platform category tree (run at start; idempotent). */
export async function ensurePlatformCategories(db: Executor): Promise<void> {
  await db
    .insert(platformCategories)
    .values(
      PLATFORM_CATEGORIES.map((c, i) => ({ id: c.id, parentId: c.parentId, nameZh: c.zh, nameEn: c.en, sort: i })),
    )
    .onConflictDoUpdate({
      target: platformCategories.id,
      set: {
        parentId: sql`excluded.parent_id`,
        nameZh: sql`excluded.name_zh`,
        nameEn: sql`excluded.name_en`,
        sort: sql`excluded.sort`,
      },
    });
}

export interface CategoryNode {
  id: string;
  name: string;
  children: CategoryNode[];
}
export async function platformCategoryTree(db: Executor, locale: Locale): Promise<CategoryNode[]> {
  const rows = await db.select().from(platformCategories).orderBy(asc(platformCategories.sort));
  const node = (r: (typeof rows)[number]): CategoryNode => ({
    id: r.id,
    name: locale === 'zh-CN' ? r.nameZh : r.nameEn,
    children: rows.filter((c) => c.parentId === r.id).map(node),
  });
  return rows.filter((r) => r.parentId === null).map(node);
}

export async function listShopCategories(tx: Executor, shopId: string) {
  const rows = await tx
    .select({ id: shopCategories.id, name: shopCategories.name, sort: shopCategories.sort })
    .from(shopCategories)
    .where(eq(shopCategories.shopId, shopId))
    .orderBy(asc(shopCategories.sort), asc(shopCategories.id));
  return rows;
}

export async function shopCategoryList(db: Db, shopId: string) {
  return withShop(db, shopId, (tx) => listShopCategories(tx, shopId));
}

export async function saveShopCategory(db: Db, shopId: string, input: { id?: string; name: string; sort?: number }) {
  return withShop(db, shopId, async (tx) => {
    if (input.id) {
      const [row] = await tx
        .update(shopCategories)
        .set({ name: input.name, sort: input.sort ?? 0 })
        .where(and(eq(shopCategories.shopId, shopId), eq(shopCategories.id, input.id)))
        .returning();
      if (!row) throw notFound('category');
      return { id: row.id, name: row.name, sort: row.sort };
    }
    const [row] = await tx
      .insert(shopCategories)
      .values({ shopId, id: newId('scat'), name: input.name, sort: input.sort ?? 0 })
      .returning();
    return { id: row!.id, name: row!.name, sort: row!.sort };
  });
}

export async function deleteShopCategory(db: Db, shopId: string, id: string) {
  await withShop(db, shopId, async (tx) => {
    const [used] = await tx
      .select({ id: products.id })
      .from(products)
      .where(and(eq(products.shopId, shopId), eq(products.shopCategoryId, id)))
      .limit(1);
    if (used) throw new AppError(409, 'catalog.category_in_use');
    const res = await tx
      .delete(shopCategories)
      .where(and(eq(shopCategories.shopId, shopId), eq(shopCategories.id, id)))
      .returning();
    if (res.length === 0) throw notFound('category');
  });
}

// ------------------------------------------------------------------ products (workbench)

type ProductRow = typeof products.$inferSelect;
type SkuRow = typeof productSkus.$inferSelect;

function skuView(s: SkuRow, stock?: { available: number }) {
  return {
    id: s.id,
    spec: s.spec,
    price: s.price,
    originalPrice: s.originalPrice,
    barcode: s.barcode,
    imageUrl: s.imageUrl,
    enabled: s.enabled,
    available: stock?.available ?? 0,
  };
}

function productView(p: ProductRow, skus: SkuRow[], stock: Map<string, number>) {
  return {
    id: p.id,
    shopId: p.shopId,
    title: p.title,
    subtitle: p.subtitle,
    platformCategoryId: p.platformCategoryId,
    shopCategoryId: p.shopCategoryId,
    status: p.status,
    onShelfAt: p.onShelfAt?.toISOString() ?? null,
    specAxes: p.specAxes,
    images: p.images,
    detailBlocks: p.detailBlocks,
    priceMin: p.priceMin,
    priceMax: p.priceMax,
    salesCount: p.salesCount,
    skus: skus.filter((s) => s.enabled).map((s) => skuView(s, { available: stock.get(s.id) ?? 0 })),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
export type ProductView = ReturnType<typeof productView>;

async function checkCategories(tx: Tx, shopId: string, input: ProductInput) {
  const errors: FieldError[] = [];
  const [pc] = await tx
    .select({ id: platformCategories.id })
    .from(platformCategories)
    .where(eq(platformCategories.id, input.platformCategoryId));
  if (!pc) errors.push({ field: 'body.platformCategoryId', code: 'unknown', message: 'catalog.unknown_category' });
  if (input.shopCategoryId) {
    const [sc] = await tx
      .select({ id: shopCategories.id })
      .from(shopCategories)
      .where(and(eq(shopCategories.shopId, shopId), eq(shopCategories.id, input.shopCategoryId)));
    if (!sc) errors.push({ field: 'body.shopCategoryId', code: 'unknown', message: 'catalog.unknown_category' });
  }
  return errors;
}

async function loadProduct(tx: Executor, shopId: string, productId: string) {
  const [p] = await tx
    .select()
    .from(products)
    .where(and(eq(products.shopId, shopId), eq(products.id, productId)));
  if (!p) throw notFound('product');
  const skus = await tx
    .select()
    .from(productSkus)
    .where(and(eq(productSkus.shopId, shopId), eq(productSkus.productId, productId)))
    .orderBy(asc(productSkus.sort));
  const stock = await inventory.available(
    tx,
    shopId,
    skus.map((s) => s.id),
  );
  return productView(p, skus, stock);
}

/** Creates or replaces a product with its SKUs and their stock, in one transaction. */
export async function saveProduct(
  db: Db,
  shopId: string,
  actorId: string,
  input: ProductInput,
  productId?: string,
): Promise<ProductView> {
  const problems = validateProduct(input);
  if (problems.length) throw badRequest('catalog.invalid_product', problems);
  return withShop(db, shopId, async (tx) => {
    const categoryProblems = await checkCategories(tx, shopId, input);
    if (categoryProblems.length) throw badRequest('catalog.invalid_product', categoryProblems);
    const prices = input.skus.map((s) => s.price);
    const fields = {
      title: input.title,
      subtitle: input.subtitle ?? null,
      platformCategoryId: input.platformCategoryId,
      shopCategoryId: input.shopCategoryId ?? null,
      status: input.status,
      onShelfAt: input.status === 'scheduled' ? new Date(input.onShelfAt!) : null,
      specAxes: input.specAxes,
      images: input.images,
      detailBlocks: input.detailBlocks as DetailBlock[],
      priceMin: Math.min(...prices),
      priceMax: Math.max(...prices),
      searchVector: sql`to_tsvector('simple', ${documentTokens(input.title, input.subtitle, ...input.skus.flatMap((s) => Object.values(s.spec)))})`,
      updatedAt: sql`now()`,
    };
    let id = productId;
    if (id) {
      const updated = await tx
        .update(products)
        .set(fields as never)
        .where(and(eq(products.shopId, shopId), eq(products.id, id)))
        .returning({ id: products.id });
      if (updated.length === 0) throw notFound('product');
    } else {
      id = newId('prd');
      await tx.insert(products).values({ shopId, id, ...fields } as never);
    }
    const existing = await tx
      .select()
      .from(productSkus)
      .where(and(eq(productSkus.shopId, shopId), eq(productSkus.productId, id)));
    const byKey = new Map(existing.map((s) => [s.specKey, s]));
    const edit = { type: 'product_edit', id: newId('edt') };
    const kept = new Set<string>();
    for (const [i, sku] of input.skus.entries()) {
      const specKey = specKeyOf(input.specAxes, sku.spec);
      const values = {
        spec: sku.spec,
        price: sku.price,
        originalPrice: sku.originalPrice ?? null,
        barcode: sku.barcode ?? null,
        imageUrl: sku.imageUrl ?? null,
        enabled: true,
        sort: i,
      };
      const prior = byKey.get(specKey);
      const skuId = prior?.id ?? newId('sku');
      if (prior)
        await tx
          .update(productSkus)
          .set(values)
          .where(and(eq(productSkus.shopId, shopId), eq(productSkus.id, skuId)));
      else await tx.insert(productSkus).values({ shopId, id: skuId, productId: id, specKey, ...values });
      kept.add(skuId);
      await inventory.setStock(tx, shopId, skuId, sku.stock, edit, { actorId, sellable: true });
    }
    const dropped = existing.filter((s) => !kept.has(s.id)).map((s) => s.id);
    // SKUs already ordered stay for the order history, disabled.
    if (dropped.length)
      await tx
        .update(productSkus)
        .set({ enabled: false })
        .where(and(eq(productSkus.shopId, shopId), inArray(productSkus.id, dropped)));
    await emit(
      tx,
      productId ? 'product.updated' : 'product.created',
      { shopId, productId: id, status: input.status, actorId },
      shopId,
    );
    return loadProduct(tx, shopId, id);
  });
}

export async function getProduct(db: Db, shopId: string, productId: string) {
  return withShop(db, shopId, (tx) => loadProduct(tx, shopId, productId));
}

export const productListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  status: z.enum(['draft', 'on_shelf', 'off_shelf', 'scheduled']).optional(),
  q: z.string().trim().max(50).optional(),
  shopCategoryId: z.string().max(64).optional(),
});

/** The workbench list: newest changes first, with stock totals. */
export async function listProducts(db: Db, shopId: string, q: z.infer<typeof productListQuery>) {
  const after = decodeCursor(q.cursor);
  const tsq = q.q ? toTsQuery(q.q) : null;
  return withShop(db, shopId, async (tx) => {
    const rows = await tx
      .select()
      .from(products)
      .where(
        and(
          eq(products.shopId, shopId),
          q.status ? eq(products.status, q.status) : undefined,
          q.shopCategoryId ? eq(products.shopCategoryId, q.shopCategoryId) : undefined,
          tsq ? sql`${products.searchVector} @@ to_tsquery('simple', ${tsq})` : undefined,
          after
            ? sql`(${products.updatedAt}, ${products.id}) < (${String(after[0])}::timestamptz, ${String(after[1])})`
            : undefined,
        ),
      )
      .orderBy(desc(products.updatedAt), desc(products.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.updatedAt.toISOString(), r.id]);
    const skus = page.items.length
      ? await tx
          .select()
          .from(productSkus)
          .where(
            and(
              eq(productSkus.shopId, shopId),
              inArray(
                productSkus.productId,
                page.items.map((p) => p.id),
              ),
            ),
          )
      : [];
    const stock = await inventory.available(
      tx,
      shopId,
      skus.map((s) => s.id),
    );
    return {
      items: page.items.map((p) =>
        productView(
          p,
          skus.filter((s) => s.productId === p.id),
          stock,
        ),
      ),
      nextCursor: page.nextCursor,
    };
  });
}

/** Puts products on or off the shelf together. */
export async function setStatus(
  db: Db,
  shopId: string,
  actorId: string,
  productIds: string[],
  status: 'on_shelf' | 'off_shelf',
) {
  return withShop(db, shopId, async (tx) => {
    const rows = await tx
      .update(products)
      .set({ status, onShelfAt: null, updatedAt: sql`now()` })
      .where(and(eq(products.shopId, shopId), inArray(products.id, productIds)))
      .returning({ id: products.id });
    if (rows.length !== new Set(productIds).size) throw notFound('product');
    for (const r of rows)
      await emit(tx, 'product.status_changed', { shopId, productId: r.id, status, actorId }, shopId);
    return { updated: rows.length };
  });
}

/** Recurring job: scheduled products whose time has come go on the shelf. */
export async function publishScheduled(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .update(products)
      .set({ status: 'on_shelf', updatedAt: sql`now()` })
      .where(and(eq(products.status, 'scheduled'), lte(products.onShelfAt, sql`now()`)))
      .returning({ shopId: products.shopId, id: products.id });
    for (const p of due)
      await emit(tx, 'product.status_changed', { shopId: p.shopId, productId: p.id, status: 'on_shelf' }, p.shopId);
    return due.length;
  });
}

// ------------------------------------------------------------------ storefront (shoppers)

export const storefrontQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(50).optional(),
  shopCategoryId: z.string().max(64).optional(),
  platformCategoryId: z.string().max(64).optional(),
  minPrice: z.coerce.number().int().min(0).optional(),
  maxPrice: z.coerce.number().int().min(0).optional(),
  sort: z.enum(['sales', 'newest', 'price_asc', 'price_desc']).default('sales'),
});
export type StorefrontQuery = z.infer<typeof storefrontQuery>;

const SORTS: Record<
  StorefrontQuery['sort'],
  { col: SQL; dir: 'asc' | 'desc'; key: (p: ProductRow) => string | number }
> = {
  sales: { col: sql`${products.salesCount}`, dir: 'desc', key: (p) => p.salesCount },
  newest: { col: sql`${products.createdAt}`, dir: 'desc', key: (p) => p.createdAt.toISOString() },
  price_asc: { col: sql`${products.priceMin}`, dir: 'asc', key: (p) => p.priceMin },
  price_desc: { col: sql`${products.priceMin}`, dir: 'desc', key: (p) => p.priceMin },
};

export const productCard = (p: ProductRow, shopName?: string) => ({
  id: p.id,
  shopId: p.shopId,
  shopName: shopName ?? null,
  title: p.title,
  subtitle: p.subtitle,
  image: p.images[0] ?? null,
  priceMin: p.priceMin,
  priceMax: p.priceMax,
  salesCount: p.salesCount,
});

/**
 * Products on shelf in open shops; one shop (shopId) or all of them. Keyword search is
 * Chinese-aware (see search.ts); filters by category and price; sorted with a stable cursor.
 */
export async function browse(db: Db, q: StorefrontQuery, shopId?: string) {
  const sort = SORTS[q.sort];
  const after = decodeCursor(q.cursor);
  const tsq = q.q ? toTsQuery(q.q) : null;
  if (q.q && !tsq) return { items: [], nextCursor: null };
  const cmp = sort.dir === 'desc' ? '<' : '>';
  const keyCast = q.sort === 'newest' ? sql`::timestamptz` : sql``;
  const rows = await db
    .select({ p: products, shopName: shopsTable.name })
    .from(products)
    .innerJoin(shopsTable, eq(shopsTable.id, products.shopId))
    .where(
      and(
        eq(products.status, 'on_shelf'),
        eq(shopsTable.status, 'active'),
        shopId ? eq(products.shopId, shopId) : undefined,
        q.shopCategoryId ? eq(products.shopCategoryId, q.shopCategoryId) : undefined,
        q.platformCategoryId
          ? or(
              eq(products.platformCategoryId, q.platformCategoryId),
              sql`${products.platformCategoryId} like ${`${q.platformCategoryId}.%`}`,
            )
          : undefined,
        q.minPrice !== undefined ? sql`${products.priceMax} >= ${q.minPrice}` : undefined,
        q.maxPrice !== undefined ? sql`${products.priceMin} <= ${q.maxPrice}` : undefined,
        tsq ? sql`${products.searchVector} @@ to_tsquery('simple', ${tsq})` : undefined,
        after
          ? sql`(${sort.col}, ${products.id}) ${sql.raw(cmp)} (${after[0]}${keyCast}, ${String(after[1])})`
          : undefined,
      ),
    )
    .orderBy(
      sort.dir === 'desc' ? sql`${sort.col} desc, ${products.id} desc` : sql`${sort.col} asc, ${products.id} asc`,
    )
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => [sort.key(r.p), r.p.id]);
  return { items: page.items.map((r) => productCard(r.p, r.shopName)), nextCursor: page.nextCursor };
}

/** A product as a shopper sees it: only on shelf, in an open shop; SKUs with price and stock. */
/**
 * A product as a shopper sees it: only on shelf, in an open shop; SKUs with price and stock.
 * The hottest read of the storefront: no transaction, every query names its shop explicitly
 * (public data, read by the system role), three round trips in all.
 */
export async function productForShopper(db: Db, shopId: string, productId: string) {
  const [row] = await db
    .select({ p: products })
    .from(products)
    .innerJoin(shopsTable, eq(shopsTable.id, products.shopId))
    .where(
      and(
        eq(products.shopId, shopId),
        eq(products.id, productId),
        eq(products.status, 'on_shelf'),
        eq(shopsTable.status, 'active'),
      ),
    );
  if (!row) throw notFound('product');
  const skus = await db
    .select()
    .from(productSkus)
    .where(and(eq(productSkus.shopId, shopId), eq(productSkus.productId, productId)))
    .orderBy(asc(productSkus.sort));
  const stock = await inventory.available(
    db,
    shopId,
    skus.map((s) => s.id),
  );
  return productView(row.p, skus, stock);
}

export interface PurchasableSku {
  skuId: string;
  productId: string;
  title: string;
  specText: string;
  imageUrl: string | null;
  price: number;
  purchasable: boolean;
}

/** What an order needs to know of SKUs, read in the shop's scope: price, title, image, on sale. */
export async function skusForPurchase(
  tx: Executor,
  shopId: string,
  skuIds: string[],
): Promise<Map<string, PurchasableSku>> {
  if (skuIds.length === 0) return new Map();
  const rows = await tx
    .select({ s: productSkus, p: products })
    .from(productSkus)
    .innerJoin(products, and(eq(products.shopId, productSkus.shopId), eq(products.id, productSkus.productId)))
    .where(and(eq(productSkus.shopId, shopId), inArray(productSkus.id, skuIds)));
  return new Map(
    rows.map(({ s, p }) => [
      s.id,
      {
        skuId: s.id,
        productId: p.id,
        title: p.title,
        specText: Object.values(s.spec).join(' / '),
        imageUrl: s.imageUrl ?? p.images[0] ?? null,
        price: s.price,
        purchasable: s.enabled && p.status === 'on_shelf',
      },
    ]),
  );
}

/** Adds sold quantities to products' sales counts (from paid orders). */
export async function addSales(tx: Tx, shopId: string, lines: { productId: string; quantity: number }[]) {
  for (const l of lines) {
    await tx
      .update(products)
      .set({ salesCount: sql`${products.salesCount} + ${l.quantity}` })
      .where(and(eq(products.shopId, shopId), eq(products.id, l.productId)));
  }
}

/**
 * Product cards for the given ids of one shop, in no particular order; ids that are not the
 * shop's are left out. With `onShelfOnly`, only products a shopper may see (on shelf, shop open).
 * For modules that show hand-picked products (strategy placements).
 */
export async function productCards(db: Executor, shopId: string, ids: string[], opts: { onShelfOnly: boolean }) {
  if (!ids.length) return [];
  const rows = await db
    .select({ p: products, shopName: shopsTable.name })
    .from(products)
    .innerJoin(shopsTable, eq(shopsTable.id, products.shopId))
    .where(
      and(
        eq(products.shopId, shopId),
        inArray(products.id, ids),
        opts.onShelfOnly ? and(eq(products.status, 'on_shelf'), eq(shopsTable.status, 'active')) : undefined,
      ),
    );
  return rows.map((r) => productCard(r.p, r.shopName));
}

/**
 * Product cards named by (shop, product) across shops, each with whether a shopper can buy it
 * now (on shelf, shop open); refs that name no product are left out, and the order is none in
 * particular. For lists a shopper keeps over time (favourites), where products may since have
 * gone off shelf. One query, read by the system role.
 */
export async function productCardsByRef(db: Executor, refs: { shopId: string; productId: string }[]) {
  if (!refs.length) return [];
  const rows = await db
    .select({ p: products, shopName: shopsTable.name, shopStatus: shopsTable.status })
    .from(products)
    .innerJoin(shopsTable, eq(shopsTable.id, products.shopId))
    .where(
      sql`(${products.shopId}, ${products.id}) in (${sql.join(
        refs.map((r) => sql`(${r.shopId}, ${r.productId})`),
        sql`, `,
      )})`,
    );
  return rows.map((r) => ({
    ...productCard(r.p, r.shopName),
    onSale: r.p.status === 'on_shelf' && r.shopStatus === 'active',
  }));
}

export interface SkuLabel {
  skuId: string;
  productId: string;
  title: string;
  specText: string;
  barcode: string | null;
  imageUrl: string | null;
}

/**
 * How people know the shop's SKUs (product title, spec, barcode), by SKU id or by a code that is
 * either the SKU id or its barcode; for screens and files that name stock (inventory).
 */
export async function skuLabels(
  tx: Executor,
  shopId: string,
  by: { ids?: string[]; codes?: string[] },
): Promise<SkuLabel[]> {
  const ids = by.ids ?? [];
  const codes = by.codes ?? [];
  if (ids.length === 0 && codes.length === 0) return [];
  const rows = await tx
    .select({ s: productSkus, p: products })
    .from(productSkus)
    .innerJoin(products, and(eq(products.shopId, productSkus.shopId), eq(products.id, productSkus.productId)))
    .where(
      and(
        eq(productSkus.shopId, shopId),
        or(
          ids.length ? inArray(productSkus.id, ids) : undefined,
          codes.length ? inArray(productSkus.id, codes) : undefined,
          codes.length ? inArray(productSkus.barcode, codes) : undefined,
        ),
      ),
    );
  return rows.map(({ s, p }) => ({
    skuId: s.id,
    productId: p.id,
    title: p.title,
    specText: Object.values(s.spec).join(' / '),
    barcode: s.barcode,
    imageUrl: s.imageUrl ?? p.images[0] ?? null,
  }));
}
