import { index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** What happened in a shop, from its events: the workbench home's activity list. */
export const shopActivity = pgTable(
  'shop_activity',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    eventId: text().notNull(),
    type: text().notNull(),
    actorAccountId: text(),
    data: jsonb().notNull().$type<Record<string, unknown>>(),
    at: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.id] }), index('shop_activity_recent_idx').on(t.shopId, t.at)],
);
