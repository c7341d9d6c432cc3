import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** A Roaring bitmap in its portable serialized form (readable by the C, Java and Go libraries). */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * A shop's customers: anyone who visited, bought, followed or joined. `customer_no` is dense
 * and small per shop (1, 2, 3, …): it is the member of every tag and segment bitmap.
 * The behaviour log lives in `customer_events` (see events-table.ts: partitioned by month).
 */
export const customers = pgTable(
  'customers',
  {
    shopId: text().notNull(),
    customerNo: integer().notNull(),
    /** The shopper's account once known; null for an anonymous device. */
    accountId: text(),
    /** Set when this anonymous customer signed in and was merged into another; it counts no more. */
    mergedInto: integer(),
    gender: text().$type<'female' | 'male'>(),
    ageBand: text(),
    /** Province of the latest shipping address. */
    region: text(),
    /** Membership tier, from the membership module. */
    tier: text(),
    firstSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Distinct Asia/Shanghai days with storefront behaviour. */
    visitDays: integer().notNull().default(0),
    lastVisitDay: text(),
    firstOrderAt: timestamp({ withTimezone: true }),
    lastOrderAt: timestamp({ withTimezone: true }),
    orderCount: integer().notNull().default(0),
    /** Paid minus refunded, in fen. */
    spend: bigint({ mode: 'number' }).notNull().default(0),
    refunded: bigint({ mode: 'number' }).notNull().default(0),
    favourites: integer().notNull().default(0),
    addToCarts: integer().notNull().default(0),
    following: boolean().notNull().default(false),
    /** Platform category the customer spends on / looks at most. */
    topCategory: text(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.customerNo] }),
    uniqueIndex('customers_account_idx')
      .on(t.shopId, t.accountId)
      .where(sql`${t.accountId} is not null`),
    index('customers_last_seen_idx').on(t.shopId, t.lastSeenAt),
  ],
);

/** Anonymous device ids (the `qd_vid` cookie or the beacon's `deviceId`) and whose they are. */
export const customerDevices = pgTable(
  'customer_devices',
  {
    shopId: text().notNull(),
    deviceId: text().notNull(),
    customerNo: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.deviceId] })],
);

/** The last customer number handed out per shop. */
export const customerCounters = pgTable('customer_counters', {
  shopId: text().primaryKey(),
  lastNo: integer().notNull().default(0),
});

/** Per customer and platform category: orders, spend and views (category affinity, behaviour rules). */
export const customerCategoryStats = pgTable(
  'customer_category_stats',
  {
    shopId: text().notNull(),
    customerNo: integer().notNull(),
    categoryId: text().notNull(),
    orders: integer().notNull().default(0),
    spend: bigint({ mode: 'number' }).notNull().default(0),
    views: integer().notNull().default(0),
    lastAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.customerNo, t.categoryId] })],
);

/** Customers whose system and rule tags must be recomputed (incremental refresh queue). */
export const customerDirty = pgTable(
  'customer_dirty',
  {
    shopId: text().notNull(),
    customerNo: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.customerNo] })],
);

export type TagKind = 'rule' | 'manual' | 'import';

/** Merchant-defined tags (system tags are defined in code, see tags.ts). */
export const customerTags = pgTable(
  'customer_tags',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    name: text().notNull(),
    kind: text().notNull().$type<TagKind>(),
    /** For rule tags: the condition (segments.ts `Rule`). */
    rule: jsonb().$type<unknown>(),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.id] })],
);

/** One Roaring bitmap of customer numbers per tag value (system, rule, manual and imported tags). */
export const customerTagBitmaps = pgTable(
  'customer_tag_bitmaps',
  {
    shopId: text().notNull(),
    tagId: text().notNull(),
    value: text().notNull(),
    bitmap: bytea().notNull(),
    members: integer().notNull(),
    version: integer().notNull().default(1),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.tagId, t.value] })],
);

export type SegmentKind = 'rule' | 'lookalike' | 'rfm_cluster';

/** Saved segments: a rule kept fresh, or an algorithmic result (look-alike, RFM cluster). */
export const customerSegments = pgTable(
  'customer_segments',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    name: text().notNull(),
    kind: text().notNull().$type<SegmentKind>(),
    /** Rule segments: the rule; look-alike: seed segment and size; cluster: centroid. */
    definition: jsonb().notNull().$type<Record<string, unknown>>(),
    /** Look-alike: weights, feature scaling and held-out AUC. */
    model: jsonb().$type<Record<string, unknown>>(),
    bitmap: bytea().notNull(),
    members: integer().notNull(),
    version: integer().notNull().default(1),
    computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.id] })],
);

/** A segment's members frozen at a moment (for exports and campaign audiences). */
export const customerSegmentSnapshots = pgTable(
  'customer_segment_snapshots',
  {
    shopId: text().notNull(),
    segmentId: text().notNull(),
    id: text().notNull(),
    bitmap: bytea().notNull(),
    members: integer().notNull(),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.segmentId, t.id] })],
);
