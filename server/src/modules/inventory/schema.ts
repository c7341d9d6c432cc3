import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Weekly opening hours: for each listed ISO weekday (1 = Monday), open and close as HH:MM. */
export type OpeningHours = { days: number[]; open: string; close: string }[];

export const LOCATION_KINDS = ['warehouse', 'store'] as const;

/** Where stock sits: warehouses and stores. */
export const locations = pgTable(
  'locations',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    name: text().notNull(),
    kind: text().notNull().$type<'warehouse' | 'store'>(),
    /** The merchant's code for it, unique in the shop; Qimen's `warehouseCode`. */
    code: text().notNull(),
    province: text().notNull().default(''),
    city: text().notNull().default(''),
    district: text().notNull().default(''),
    address: text().notNull().default(''),
    lat: doublePrecision(),
    lng: doublePrecision(),
    openingHours: jsonb().notNull().default([]).$type<OpeningHours>(),
    /** Capabilities: ships parcels, hands orders over the counter, delivers the same day. */
    canShip: boolean().notNull().default(true),
    canPickup: boolean().notNull().default(false),
    canSameDay: boolean().notNull().default(false),
    /** Lower goes first when routing prefers by priority. */
    priority: integer().notNull().default(100),
    active: boolean().notNull().default(true),
    /** The location online orders draw from until routing rules say otherwise. */
    isDefault: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    uniqueIndex('locations_code_idx').on(t.shopId, t.code),
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
    /** Kept back from sale at this location (shown on hand, never promised online). */
    safetyStock: integer().notNull().default(0),
    /** Alert when available falls to this or below (null: no alert). */
    lowStockThreshold: integer(),
    /** Since when available has been at or below the threshold (null: not low). */
    lowSince: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.skuId, t.locationId] }),
    check('stock_levels_non_negative', sql`${t.onHand} >= 0 and ${t.reserved} >= 0 and ${t.reserved} <= ${t.onHand}`),
    check('stock_levels_safety_non_negative', sql`${t.safetyStock} >= 0`),
    index('stock_levels_location_idx').on(t.shopId, t.locationId),
    index('stock_levels_low_idx')
      .on(t.shopId, t.lowSince)
      .where(sql`${t.lowSince} is not null`),
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
    index('stock_movements_level_idx').on(t.shopId, t.skuId, t.locationId, t.at, t.id),
  ],
);

/** Where the shop sells: the online shop (one per shop) or a store (one per store location). */
export const salesChannels = pgTable(
  'sales_channels',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    kind: text().notNull().$type<'online' | 'store'>(),
    name: text().notNull(),
    /** For a store channel, the store location it is. */
    storeLocationId: text(),
    /**
     * Sells from every active location that ships (the online channel until the merchant picks
     * locations); otherwise from the locations listed in `channel_locations`.
     */
    allShipLocations: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    uniqueIndex('sales_channels_online_idx')
      .on(t.shopId)
      .where(sql`${t.kind} = 'online'`),
    uniqueIndex('sales_channels_store_idx').on(t.shopId, t.storeLocationId),
  ],
);

/** Which locations a channel sells from (its available-to-promise is their sum). */
export const channelLocations = pgTable(
  'channel_locations',
  {
    shopId: text().notNull(),
    channelId: text().notNull(),
    locationId: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.channelId, t.locationId] })],
);

/** The shop's inventory settings (one row per shop, made on first save). */
export const inventorySettings = pgTable('inventory_settings', {
  shopId: text().notNull().primaryKey(),
  /** Alert threshold for levels without their own (null: no alert). */
  lowStockThreshold: integer(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const TRANSFER_STATUSES = ['draft', 'shipped', 'received', 'cancelled'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

/** Stock moving from one location to another: draft → shipped → received, or cancelled before shipping. */
export const stockTransfers = pgTable(
  'stock_transfers',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    fromLocationId: text().notNull(),
    toLocationId: text().notNull(),
    status: text().notNull().$type<TransferStatus>(),
    note: text(),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    shippedAt: timestamp({ withTimezone: true }),
    receivedAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    check('stock_transfers_distinct', sql`${t.fromLocationId} <> ${t.toLocationId}`),
    index('stock_transfers_created_idx').on(t.shopId, t.createdAt, t.id),
  ],
);

export const stockTransferLines = pgTable(
  'stock_transfer_lines',
  {
    shopId: text().notNull(),
    transferId: text().notNull(),
    skuId: text().notNull(),
    quantity: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.transferId, t.skuId] }),
    check('stock_transfer_lines_positive', sql`${t.quantity} > 0`),
  ],
);

export const STOCKTAKE_STATUSES = ['open', 'applied', 'cancelled'] as const;
export type StocktakeStatus = (typeof STOCKTAKE_STATUSES)[number];

/** A count of one location: expected counts snapshotted at the start, counted ones entered, then applied. */
export const stocktakes = pgTable(
  'stocktakes',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    locationId: text().notNull(),
    status: text().notNull().$type<StocktakeStatus>(),
    note: text(),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    appliedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    index('stocktakes_created_idx').on(t.shopId, t.createdAt, t.id),
    /** One open count per location at a time. */
    uniqueIndex('stocktakes_open_idx')
      .on(t.shopId, t.locationId)
      .where(sql`${t.status} = 'open'`),
  ],
);

export const stocktakeLines = pgTable(
  'stocktake_lines',
  {
    shopId: text().notNull(),
    stocktakeId: text().notNull(),
    skuId: text().notNull(),
    /** On hand when the stocktake started. */
    expected: integer().notNull(),
    /** What was counted (null: not counted yet; left alone when applied). */
    counted: integer(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.stocktakeId, t.skuId] }),
    check('stocktake_lines_non_negative', sql`${t.counted} is null or ${t.counted} >= 0`),
  ],
);
