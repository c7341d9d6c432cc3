import { date, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * Who visited a shop's storefront on which day (Asia/Shanghai calendar day): one row per
 * distinct visitor per day, so counting rows counts unique visitors. A visitor is the signed-in
 * account, else the `qd_vid` cookie.
 */
export const shopVisits = pgTable(
  'shop_visits',
  {
    shopId: text().notNull(),
    day: date({ mode: 'string' }).notNull(),
    visitorId: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.day, t.visitorId] })],
);

/** Product detail views per product per day (Asia/Shanghai), a counter raised once per view. */
export const productViews = pgTable(
  'product_views',
  {
    shopId: text().notNull(),
    day: date({ mode: 'string' }).notNull(),
    productId: text().notNull(),
    views: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.day, t.productId] })],
);
