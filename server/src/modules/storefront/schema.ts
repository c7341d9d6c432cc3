import { index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export interface Banner {
  imageUrl: string;
  title: string | null;
  link: string | null;
}

/** How a shop dresses its storefront home: a banner carousel and a notice line. */
export const shopDecorations = pgTable('shop_decorations', {
  shopId: text().primaryKey(),
  banners: jsonb().notNull().$type<Banner[]>().default([]),
  notice: text(),
  updatedBy: text(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Shoppers following shops. */
export const shopFollows = pgTable(
  'shop_follows',
  {
    shopId: text().notNull(),
    accountId: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.accountId] }),
    index('shop_follows_account_idx').on(t.accountId, t.createdAt),
  ],
);

/**
 * Shoppers' favourite products (收藏). The key leads with the product so a product's count is an
 * index range; the account index serves the shopper's own list across shops, latest first.
 */
export const productFavourites = pgTable(
  'product_favourites',
  {
    shopId: text().notNull(),
    productId: text().notNull(),
    accountId: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.productId, t.accountId] }),
    index('product_favourites_account_idx').on(t.accountId, t.createdAt),
  ],
);
