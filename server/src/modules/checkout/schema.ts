import { boolean, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** A shopper's cart line; one cart spans shops, each line belongs to its shop. */
export const cartItems = pgTable(
  'cart_items',
  {
    shopId: text().notNull(),
    accountId: text().notNull(),
    skuId: text().notNull(),
    quantity: integer().notNull(),
    addedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.accountId, t.skuId] }), index('cart_items_account_idx').on(t.accountId)],
);

export const shopperAddresses = pgTable(
  'shopper_addresses',
  {
    accountId: text().notNull(),
    id: text().notNull(),
    name: text().notNull(),
    phone: text().notNull(),
    province: text().notNull(),
    city: text().notNull(),
    district: text().notNull(),
    detail: text().notNull(),
    lat: doublePrecision(),
    lng: doublePrecision(),
    isDefault: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] })],
);
