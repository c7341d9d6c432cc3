import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** One payment by a shopper, possibly for orders in several shops (a checkout). */
export const payments = pgTable(
  'payments',
  {
    id: text().primaryKey(),
    accountId: text().notNull(),
    amount: integer().notNull(),
    currency: text().notNull(),
    status: text().notNull().$type<'pending' | 'succeeded' | 'closed'>(),
    provider: text().notNull(),
    providerRef: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    paidAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('payments_account_idx').on(t.accountId, t.createdAt),
    check('payments_amount_positive', sql`${t.amount} > 0`),
  ],
);

/** How a payment splits over orders. */
export const paymentAllocations = pgTable(
  'payment_allocations',
  {
    paymentId: text().notNull(),
    shopId: text().notNull(),
    orderId: text().notNull(),
    amount: integer().notNull(),
    refunded: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.paymentId, t.shopId, t.orderId] }),
    uniqueIndex('payment_allocations_order_idx').on(t.shopId, t.orderId),
    check('payment_allocations_refund_cap', sql`${t.refunded} >= 0 and ${t.refunded} <= ${t.amount}`),
  ],
);

export const refunds = pgTable(
  'refunds',
  {
    id: text().primaryKey(),
    paymentId: text().notNull(),
    shopId: text().notNull(),
    orderId: text().notNull(),
    /** The after-sales case it settles, if any (a cancelled-after-payment order has none). */
    caseId: text(),
    amount: integer().notNull(),
    reason: text().notNull(),
    status: text().notNull().$type<'pending' | 'succeeded' | 'failed'>(),
    providerRef: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    succeededAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('refunds_order_idx').on(t.shopId, t.orderId), check('refunds_amount_positive', sql`${t.amount} > 0`)],
);

/** Every verified provider notification, once: duplicates are recognised here. */
export const paymentNotifications = pgTable(
  'payment_notifications',
  {
    provider: text().notNull(),
    id: text().notNull(),
    type: text().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    outcome: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.id] })],
);
