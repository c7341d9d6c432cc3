import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The built-in test payment provider keeps its own books, as a real one would on its side:
 * charges and refunds with the merchant's reference and where to send notifications.
 */
export const testpayTransactions = pgTable(
  'testpay_transactions',
  {
    ref: text().primaryKey(),
    kind: text().notNull().$type<'charge' | 'refund'>(),
    merchantRef: text().notNull(),
    parentRef: text(),
    amount: integer().notNull(),
    currency: text().notNull(),
    description: text().notNull().default(''),
    status: text().notNull().$type<'created' | 'succeeded' | 'closed'>(),
    notifyUrl: text().notNull(),
    returnUrl: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    succeededAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('testpay_parent_idx').on(t.parentRef)],
);
