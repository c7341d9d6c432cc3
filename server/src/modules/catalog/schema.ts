import { sql } from 'drizzle-orm';
import {
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

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export interface SpecAxis {
  name: string;
  values: string[];
}
export type DetailBlock =
  { type: 'text'; text: string } | { type: 'image'; url: string } | { type: 'video'; url: string; poster?: string };

/** The platform's category tree (reference data, the same for every shop). */
export const platformCategories = pgTable('platform_categories', {
  id: text().primaryKey(),
  parentId: text(),
  nameZh: text().notNull(),
  nameEn: text().notNull(),
  sort: integer().notNull().default(0),
});

/** A shop's own categories for its storefront. */
export const shopCategories = pgTable(
  'shop_categories',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    name: text().notNull(),
    sort: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.id] })],
);

export const products = pgTable(
  'products',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    title: text().notNull(),
    subtitle: text(),
    platformCategoryId: text().notNull(),
    shopCategoryId: text(),
    status: text().notNull().$type<'draft' | 'on_shelf' | 'off_shelf' | 'scheduled'>(),
    /** For `scheduled`: when it goes on shelf by itself. */
    onShelfAt: timestamp({ withTimezone: true }),
    specAxes: jsonb().notNull().$type<SpecAxis[]>(),
    images: jsonb().notNull().$type<string[]>(),
    detailBlocks: jsonb().notNull().$type<DetailBlock[]>(),
    /** Lowest and highest enabled SKU price, kept with the SKUs, for lists and sorting. */
    priceMin: integer().notNull(),
    priceMax: integer().notNull(),
    salesCount: integer().notNull().default(0),
    searchVector: tsvector().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    index('products_search_idx').using('gin', t.searchVector),
    index('products_shop_status_idx').on(t.shopId, t.status, t.updatedAt),
    index('products_status_sales_idx').on(t.status, t.salesCount),
  ],
);

export const productSkus = pgTable(
  'product_skus',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    productId: text().notNull(),
    /** Axis name → value, e.g. {"颜色": "藏青", "尺码": "L"}. */
    spec: jsonb().notNull().$type<Record<string, string>>(),
    /** Canonical text of spec ("颜色:藏青;尺码:L"), unique within the product. */
    specKey: text().notNull(),
    price: integer().notNull(),
    originalPrice: integer(),
    barcode: text(),
    imageUrl: text(),
    enabled: boolean().notNull().default(true),
    sort: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    uniqueIndex('product_skus_spec_idx').on(t.shopId, t.productId, t.specKey),
    index('product_skus_barcode_idx')
      .on(t.shopId, t.barcode)
      .where(sql`${t.barcode} is not null`),
  ],
);
