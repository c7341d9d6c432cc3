import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** Where stock sits: warehouses and stores. */
export const locations = pgTable(
  'locations',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    name: text().notNull(),
    kind: text().notNull().$type<'warehouse' | 'store'>(),
    /** The location online orders draw from until routing rules say otherwise. */
    isDefault: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    uniqueIndex('locations_default_idx')
      .on(t.shopId)
      .where(sql`${t.isDefault}`),
  ],
);

/** Stock of one SKU at one location. Never negative; never more reserved than on hand. */
export const stockLevels = pgTable(
  'stock_levels',
  {
    shopId: text().notNull(),
    skuId: text().notNull(),
    locationId: text().notNull(),
    onHand: integer().notNull().default(0),
    reserved: integer().notNull().default(0),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.skuId, t.locationId] }),
    check('stock_levels_non_negative', sql`${t.onHand} >= 0 and ${t.reserved} >= 0 and ${t.reserved} <= ${t.onHand}`),
  ],
);

/** Stock held for a reference (an order) at a location, until released or shipped. */
export const stockReservations = pgTable(
  'stock_reservations',
  {
    shopId: text().notNull(),
    refType: text().notNull(),
    refId: text().notNull(),
    skuId: text().notNull(),
    locationId: text().notNull(),
    quantity: integer().notNull(),
    status: text().notNull().$type<'reserved' | 'released' | 'committed'>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    settledAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.refType, t.refId, t.skuId, t.locationId] }),
    check('stock_reservations_positive', sql`${t.quantity} > 0`),
  ],
);

/** The stock ledger: every change, with its reason and reference; one row per reference. */
export const stockMovements = pgTable(
  'stock_movements',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    skuId: text().notNull(),
    locationId: text().notNull(),
    onHandDelta: integer().notNull(),
    reservedDelta: integer().notNull(),
    onHandAfter: integer().notNull(),
    reservedAfter: integer().notNull(),
    reason: text().notNull(),
    refType: text().notNull(),
    refId: text().notNull(),
    actorId: text(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    uniqueIndex('stock_movements_ref_idx').on(t.shopId, t.reason, t.refType, t.refId, t.skuId, t.locationId),
    index('stock_movements_sku_idx').on(t.shopId, t.skuId, t.at),
  ],
);
