import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const SALE_STATUSES = ['active', 'ended', 'cancelled'] as const;
export type SaleStatus = (typeof SALE_STATUSES)[number];

/**
 * A flash sale (秒杀) of one SKU at one location. `active` sales run between `startsAt` and
 * `endsAt`; the quota is held in inventory from creation until the sale ends or is cancelled.
 */
export const flashSales = pgTable(
  'flash_sales',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    productId: text().notNull(),
    skuId: text().notNull(),
    locationId: text().notNull(),
    /** The product's title and spec when the sale was set up (for lists; orders snapshot their own). */
    title: text().notNull(),
    specText: text().notNull().default(''),
    imageUrl: text(),
    /** Sale price per unit, in fen; `regularPrice` is the SKU's price when the sale was set up. */
    price: integer().notNull(),
    regularPrice: integer().notNull(),
    quota: integer().notNull(),
    perShopperLimit: integer().notNull(),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    status: text().notNull().$type<SaleStatus>(),
    /** Units whose orders were paid. */
    paid: integer().notNull().default(0),
    /** Units that came back to the sale from orders cancelled unpaid while it ran. */
    returned: integer().notNull().default(0),
    /** Tranches of the hold made so far; names the next inventory reference. */
    holdSeq: integer().notNull().default(0),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    index('flash_sales_sku_idx').on(t.shopId, t.skuId, t.endsAt),
    index('flash_sales_created_idx').on(t.shopId, t.createdAt, t.id),
    index('flash_sales_status_idx').on(t.status, t.endsAt),
    check('flash_sales_positive', sql`${t.price} > 0 and ${t.quota} > 0 and ${t.perShopperLimit} > 0`),
    check('flash_sales_window', sql`${t.endsAt} > ${t.startsAt}`),
    check('flash_sales_counts', sql`${t.paid} >= 0 and ${t.returned} >= 0`),
  ],
);

/**
 * The sale's stock held in inventory, per tranche: the quota when it was set up (split in a few
 * tranches, so several writer batches can take units at once without waiting on one row), then one
 * tranche per cancelled order whose unit came back. Each tranche is one inventory reference
 * `{ type: 'flash_sale', id: refId }`; `units` is what it still holds for the sale.
 */
export const flashSaleHolds = pgTable(
  'flash_sale_holds',
  {
    shopId: text().notNull(),
    saleId: text().notNull(),
    refId: text().notNull(),
    units: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.saleId, t.refId] }),
    check('flash_sale_holds_non_negative', sql`${t.units} >= 0`),
  ],
);

/**
 * One unit won in a sale: the shopper's `seq`-th live unit (unique while live, so nobody holds
 * more than the limit even across processes) and the request that won it (unique, so a retry
 * answers with the same order).
 */
export const flashSaleEntries = pgTable(
  'flash_sale_entries',
  {
    shopId: text().notNull(),
    saleId: text().notNull(),
    id: text().notNull(),
    buyerAccountId: text().notNull(),
    seq: integer().notNull(),
    requestKey: text().notNull(),
    orderId: text(),
    orderNo: text(),
    paymentId: text(),
    total: integer(),
    /** `live` until the order is cancelled unpaid (its unit goes back to the sale). */
    status: text().notNull().$type<'live' | 'cancelled'>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.saleId, t.id] }),
    uniqueIndex('flash_sale_entries_request_idx').on(t.shopId, t.saleId, t.buyerAccountId, t.requestKey),
    uniqueIndex('flash_sale_entries_seq_idx')
      .on(t.shopId, t.saleId, t.buyerAccountId, t.seq)
      .where(sql`${t.status} = 'live'`),
    index('flash_sale_entries_order_idx').on(t.shopId, t.orderId),
    check('flash_sale_entries_seq', sql`${t.seq} >= 1`),
  ],
);
