import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const CASE_STATUSES = [
  'requested',
  'awaiting_return',
  'returned',
  'refunding',
  'refunded',
  'rejected',
  'cancelled',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const OPEN_STATUSES: CaseStatus[] = ['requested', 'awaiting_return', 'returned', 'refunding'];

/** An after-sales case: refund only, or return and refund, for some lines of one order. */
export const aftersaleCases = pgTable(
  'aftersale_cases',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    orderId: text().notNull(),
    buyerAccountId: text().notNull(),
    type: text().notNull().$type<'refund_only' | 'return_refund'>(),
    status: text().notNull().$type<CaseStatus>(),
    reason: text().notNull(),
    description: text(),
    /** Items plus, when the whole unshipped order is refunded, its shipping fee. */
    amount: integer().notNull(),
    shippingRefund: integer().notNull().default(0),
    rejectReason: text(),
    returnCarrier: text(),
    returnTrackingNo: text(),
    refundId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    index('aftersale_cases_order_idx').on(t.shopId, t.orderId),
    index('aftersale_cases_status_idx').on(t.shopId, t.status, t.createdAt),
    index('aftersale_cases_buyer_idx').on(t.buyerAccountId, t.createdAt),
    check('aftersale_cases_amount', sql`${t.amount} > 0 and ${t.shippingRefund} >= 0`),
  ],
);

export const aftersaleLines = pgTable(
  'aftersale_lines',
  {
    shopId: text().notNull(),
    caseId: text().notNull(),
    lineNo: integer().notNull(),
    skuId: text().notNull(),
    quantity: integer().notNull(),
    amount: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.caseId, t.lineNo] }),
    check('aftersale_lines_positive', sql`${t.quantity} > 0 and ${t.amount} >= 0`),
  ],
);
