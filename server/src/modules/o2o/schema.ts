import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** The shop's store rules. */
export const o2oSettings = pgTable(
  'o2o_settings',
  {
    shopId: text().primaryKey(),
    /** A pickup not collected this long after it is ready is cancelled and refunded. */
    pickupTimeoutHours: integer().notNull().default(72),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('o2o_settings_timeout', sql`${t.pickupTimeoutHours} between 1 and 720`)],
);

/** Which staff work at which store (owners work everywhere without a row). */
export const storeStaff = pgTable(
  'store_staff',
  {
    shopId: text().notNull(),
    locationId: text().notNull(),
    accountId: text().notNull(),
    assignedBy: text(),
    assignedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.locationId, t.accountId] }),
    index('store_staff_account_idx').on(t.shopId, t.accountId),
  ],
);

export interface PickupLine {
  title: string;
  specText: string;
  quantity: number;
  imageUrl: string | null;
}

export const PICKUP_STATUSES = ['open', 'picked_up', 'expired', 'cancelled'] as const;
export type PickupStatus = (typeof PICKUP_STATUSES)[number];

/**
 * A hand-over code for one shipment collected at a store (a pickup, or an in-store purchase).
 * Kept in plain digits: the shopper must be able to read it again in the order, and a hash of an
 * 8-digit space is reversed in milliseconds, so hashing would hide nothing. Rows are protected the
 * way the rest of the shop's data is (row-level security; staff of the store; the buyer only).
 * The code is unique among the shop's open pickups, and is freed once the pickup ends.
 */
export const pickupCodes = pgTable(
  'pickup_codes',
  {
    shopId: text().notNull(),
    shipmentId: text().notNull(),
    orderId: text().notNull(),
    locationId: text().notNull(),
    buyerAccountId: text().notNull(),
    kind: text().notNull().$type<'pickup' | 'in_store'>(),
    code: text().notNull(),
    status: text().notNull().$type<PickupStatus>().default('open'),
    /** What the counter needs to see, copied from the order when the code is issued. */
    orderNo: text().notNull().default(''),
    contactName: text().notNull().default(''),
    contactPhone: text().notNull().default(''),
    total: integer().notNull().default(0),
    lines: jsonb().notNull().default([]).$type<PickupLine[]>(),
    issuedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    pickedUpAt: timestamp({ withTimezone: true }),
    verifiedBy: text(),
    closedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.shipmentId] }),
    uniqueIndex('pickup_codes_open_code_idx')
      .on(t.shopId, t.code)
      .where(sql`${t.status} = 'open'`),
    index('pickup_codes_store_idx').on(t.shopId, t.locationId, t.issuedAt),
    index('pickup_codes_order_idx').on(t.shopId, t.orderId),
    index('pickup_codes_code_idx').on(t.shopId, t.code, t.pickedUpAt),
    check('pickup_codes_code', sql`${t.code} ~ '^[0-9]{8}$'`),
    check('pickup_codes_status', sql`${t.status} in ('open', 'picked_up', 'expired', 'cancelled')`),
  ],
);

/** Who won a pooled shipment: the store that accepted first and the person who pressed accept. */
export const poolClaims = pgTable(
  'pool_claims',
  {
    shopId: text().notNull(),
    shipmentId: text().notNull(),
    orderId: text().notNull(),
    locationId: text().notNull(),
    accountId: text().notNull(),
    claimedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.shipmentId] }), index('pool_claims_at_idx').on(t.shopId, t.claimedAt)],
);

/** A shop's shopping guides (导购): each has a personal code shoppers' orders are credited to. */
export const shoppingGuides = pgTable(
  'shopping_guides',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    /** Short and readable, unique in the shop; it is printed on the guide's QR. */
    code: text().notNull(),
    name: text().notNull(),
    /** The staff account, when the guide signs in to the workbench. */
    accountId: text(),
    /** The store the guide works at. */
    locationId: text().notNull(),
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    uniqueIndex('shopping_guides_code_idx').on(t.shopId, t.code),
    index('shopping_guides_store_idx').on(t.shopId, t.locationId),
    check('shopping_guides_code_format', sql`${t.code} ~ '^[A-Z0-9]{4,12}$'`),
  ],
);

/**
 * An order credited to a store (and a guide): placed from a store's shelf code. Counts in store
 * performance once paid; refunds are taken off.
 */
export const salesCredits = pgTable(
  'sales_credits',
  {
    shopId: text().notNull(),
    orderId: text().notNull(),
    locationId: text().notNull(),
    guideId: text(),
    amount: integer().notNull(),
    refunded: integer().notNull().default(0),
    status: text().notNull().$type<'pending' | 'paid' | 'cancelled'>().default('pending'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    paidAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.orderId] }),
    index('sales_credits_store_idx').on(t.shopId, t.locationId, t.paidAt),
    index('sales_credits_guide_idx').on(t.shopId, t.guideId, t.paidAt),
    check('sales_credits_amounts', sql`${t.amount} >= 0 and ${t.refunded} >= 0 and ${t.refunded} <= ${t.amount}`),
  ],
);

/**
 * Parcels waiting to ship from a store, as the store screen lists them: kept from fulfillment's
 * events (ready at a store → listed; shipped, cancelled or moved away → gone).
 */
export const storeParcels = pgTable(
  'store_parcels',
  {
    shopId: text().notNull(),
    shipmentId: text().notNull(),
    orderId: text().notNull(),
    locationId: text().notNull(),
    readyAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.shipmentId] }),
    index('store_parcels_store_idx').on(t.shopId, t.locationId, t.readyAt),
  ],
);
