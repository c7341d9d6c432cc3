import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db/pool.js';
import { products, productSkus } from './schema.js';

/**
 * Item codes, as warehouses and ERPs name SKUs (Qimen's `itemCode`): a SKU's barcode when it has
 * one, otherwise its id. Both are accepted when reading a code.
 */
export interface ItemCodeSku {
  skuId: string;
  productId: string;
  itemCode: string;
  barcode: string | null;
  title: string;
  specText: string;
}

const view = (s: typeof productSkus.$inferSelect, title: string): ItemCodeSku => ({
  skuId: s.id,
  productId: s.productId,
  itemCode: s.barcode ?? s.id,
  barcode: s.barcode,
  title,
  specText: Object.values(s.spec).join(' / '),
});

/** The SKUs of the shop that the given codes name (by barcode or SKU id): code → SKUs (more than one if a barcode is shared). */
export async function skusByItemCode(
  tx: Executor,
  shopId: string,
  codes: string[],
): Promise<Map<string, ItemCodeSku[]>> {
  const result = new Map<string, ItemCodeSku[]>();
  const unique = [...new Set(codes.filter(Boolean))];
  if (!unique.length) return result;
  const rows = await tx
    .select({ s: productSkus, title: products.title })
    .from(productSkus)
    .innerJoin(products, and(eq(products.shopId, productSkus.shopId), eq(products.id, productSkus.productId)))
    .where(
      and(eq(productSkus.shopId, shopId), or(inArray(productSkus.barcode, unique), inArray(productSkus.id, unique))),
    );
  for (const code of unique) {
    const byBarcode = rows.filter((r) => r.s.barcode === code);
    const matched = byBarcode.length ? byBarcode : rows.filter((r) => r.s.id === code);
    if (matched.length)
      result.set(
        code,
        matched.map((r) => view(r.s, r.title)),
      );
  }
  return result;
}

/** Item codes of SKUs by id. */
export async function itemCodesOf(tx: Executor, shopId: string, skuIds: string[]): Promise<Map<string, ItemCodeSku>> {
  if (!skuIds.length) return new Map();
  const rows = await tx
    .select({ s: productSkus, title: products.title })
    .from(productSkus)
    .innerJoin(products, and(eq(products.shopId, productSkus.shopId), eq(products.id, productSkus.productId)))
    .where(and(eq(productSkus.shopId, shopId), inArray(productSkus.id, [...new Set(skuIds)])));
  return new Map(rows.map((r) => [r.s.id, view(r.s, r.title)]));
}

/** Records the barcode a warehouse or ERP knows a SKU by (Qimen `singleitem.synchronize`). */
export async function setSkuBarcode(tx: Executor, shopId: string, skuId: string, barcode: string): Promise<void> {
  await tx
    .update(productSkus)
    .set({ barcode })
    .where(
      and(
        eq(productSkus.shopId, shopId),
        eq(productSkus.id, skuId),
        sql`${productSkus.barcode} is distinct from ${barcode}`,
      ),
    );
}
