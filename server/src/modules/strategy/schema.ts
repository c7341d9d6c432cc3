import { bigint, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export type StrategyStatus = 'draft' | 'active' | 'paused' | 'ended';

/** One arm of a strategy: content for the strategy's placement type (validated by that type). */
export interface StrategyVariant {
  id: string;
  name: string;
  content: Record<string, unknown>;
}

/** Shoppers in `segmentId` see `variantId`; rules are tried in order, the first match wins. */
export interface StrategyRule {
  segmentId: string;
  variantId: string;
}

/** The arm of shoppers held out: they see the page as it is without the strategy. */
export const HOLDOUT = 'holdout';

/** 千人千面: which content a placement shows to which segment of shoppers. */
export const strategies = pgTable(
  'strategies',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    name: text().notNull(),
    /** A registered placement type, e.g. `shop_home.hero_banner`. */
    placement: text().notNull(),
    status: text().notNull().$type<StrategyStatus>(),
    /** Higher first when several active strategies share a placement. */
    priority: integer().notNull().default(0),
    rules: jsonb().notNull().$type<StrategyRule[]>(),
    variants: jsonb().notNull().$type<StrategyVariant[]>(),
    defaultVariantId: text().notNull(),
    holdoutPercent: integer().notNull(),
    /** Orders paid within this many days of a shopper's latest exposure count for the strategy. */
    attributionDays: integer().notNull().default(7),
    startedAt: timestamp({ withTimezone: true }),
    endedAt: timestamp({ withTimezone: true }),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    index('strategies_shop_status_idx').on(t.shopId, t.status, t.placement),
  ],
);

/**
 * Who saw which arm of a strategy, one row per shopper and day (so "exposed shoppers" is a
 * distinct count and views add up). Written in batches from memory.
 */
export const strategyExposures = pgTable(
  'strategy_exposures',
  {
    shopId: text().notNull(),
    strategyId: text().notNull(),
    day: date({ mode: 'string' }).notNull(),
    /** The signed-in account, else the device (visitor cookie). */
    shopperKey: text().notNull(),
    variantId: text().notNull(),
    views: integer().notNull(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.strategyId, t.day, t.shopperKey] }),
    index('strategy_exposures_shopper_idx').on(t.shopId, t.shopperKey, t.lastSeenAt),
  ],
);

/** Clicks and add-to-carts on a placement, per shopper and arm (from the behaviour beacon). */
export const strategyInteractions = pgTable(
  'strategy_interactions',
  {
    shopId: text().notNull(),
    strategyId: text().notNull(),
    variantId: text().notNull(),
    kind: text().notNull().$type<'click' | 'add_to_cart'>(),
    shopperKey: text().notNull(),
    count: integer().notNull(),
    lastAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.strategyId, t.variantId, t.kind, t.shopperKey] })],
);

/** Paid orders attributed to the arm the buyer was last shown (within the attribution window). */
export const strategyConversions = pgTable(
  'strategy_conversions',
  {
    shopId: text().notNull(),
    strategyId: text().notNull(),
    orderId: text().notNull(),
    variantId: text().notNull(),
    shopperKey: text().notNull(),
    /** The order's total in fen. */
    amount: bigint({ mode: 'number' }).notNull(),
    /** What has been refunded of it since, in fen (never more than `amount`): GMV is net of it. */
    refunded: bigint({ mode: 'number' }).notNull().default(0),
    paidAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.strategyId, t.orderId] }),
    index('strategy_conversions_order_idx').on(t.shopId, t.orderId),
  ],
);

/** Refunds already taken off attributed orders: each refund counts once, however often it is delivered. */
export const strategyRefunds = pgTable(
  'strategy_refunds',
  {
    shopId: text().notNull(),
    refundId: text().notNull(),
    orderId: text().notNull(),
    amount: bigint({ mode: 'number' }).notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.refundId] })],
);
