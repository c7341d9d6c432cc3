import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'shipped',
  'received',
  'completed',
  'cancelled',
  'closed',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface ShippingAddress {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  lat?: number;
  lng?: number;
}

/** Shop-wide order rules the merchant sets. */
export const orderSettings = pgTable('order_settings', {
  shopId: text().primaryKey(),
  /** Flat shipping fee per order, in fen. */
  shippingFee: integer().notNull().default(0),
  /** Orders whose items reach this total ship free (null: never). */
  freeShippingOver: integer(),
  unpaidTimeoutMinutes: integer().notNull().default(30),
  autoConfirmDays: integer().notNull().default(10),
  /** After receipt, how long after-sales stays open before the order completes. */
  afterSalesDays: integer().notNull().default(7),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const orderNoSeq = pgSequence('order_no_seq', { startWith: 1000, cache: 20 });

export const orders = pgTable(
  'orders',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    /** For people: yyyymmdd + sequence, e.g. 2026112400001234. */
    orderNo: text().notNull(),
    buyerAccountId: text().notNull(),
    status: text().notNull().$type<OrderStatus>(),
    currency: text().notNull(),
    itemsTotal: integer().notNull(),
    shippingFee: integer().notNull(),
    total: integer().notNull(),
    paidAmount: integer().notNull().default(0),
    refundedAmount: integer().notNull().default(0),
    address: jsonb().notNull().$type<ShippingAddress>(),
    buyerNote: text(),
    paymentId: text(),
    /** How the order reaches the buyer: posted, collected at a store, or bought in a store. */
    fulfilment: text().notNull().default('ship').$type<'ship' | 'pickup' | 'in_store'>(),
    carrier: text(),
    trackingNo: text(),
    closeReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    payBy: timestamp({ withTimezone: true }).notNull(),
    paidAt: timestamp({ withTimezone: true }),
    shippedAt: timestamp({ withTimezone: true }),
    receivedAt: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    uniqueIndex('orders_no_idx').on(t.shopId, t.orderNo),
    index('orders_buyer_idx').on(t.buyerAccountId, t.createdAt),
    index('orders_shop_status_idx').on(t.shopId, t.status, t.createdAt),
    index('orders_shop_paid_idx')
      .on(t.shopId, t.paidAt)
      .where(sql`${t.paidAt} is not null`),
    check(
      'orders_amounts',
      sql`${t.total} = ${t.itemsTotal} + ${t.shippingFee} and ${t.paidAmount} in (0, ${t.total}) and ${t.refundedAmount} >= 0 and ${t.refundedAmount} <= ${t.paidAmount}`,
    ),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    shopId: text().notNull(),
    orderId: text().notNull(),
    lineNo: integer().notNull(),
    productId: text().notNull(),
    skuId: text().notNull(),
    title: text().notNull(),
    specText: text().notNull(),
    imageUrl: text(),
    unitPrice: integer().notNull(),
    quantity: integer().notNull(),
    lineTotal: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.orderId, t.lineNo] }),
    check('order_lines_amounts', sql`${t.quantity} > 0 and ${t.lineTotal} = ${t.unitPrice} * ${t.quantity}`),
  ],
);

/** What happened to an order, for its status timeline. */
export const orderTimeline = pgTable(
  'order_timeline',
  {
    shopId: text().notNull(),
    orderId: text().notNull(),
    id: text().notNull(),
    status: text().notNull(),
    note: text(),
    actorId: text(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.orderId, t.id] })],
);
