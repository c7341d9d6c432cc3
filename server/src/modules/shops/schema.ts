import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from '../identity/schema.js';

/** The tenants. A platform-wide (reference) table: every shop-owned table leads with shop_id. */
export const shops = pgTable(
  'shops',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    mainCategory: text().notNull(),
    contactName: text().notNull(),
    contactPhone: text().notNull(),
    licenceNo: text().notNull(),
    logoUrl: text(),
    status: text().notNull().default('pending').$type<'pending' | 'active' | 'rejected'>(),
    rejectReason: text(),
    ownerAccountId: text()
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    reviewedAt: timestamp({ withTimezone: true }),
    reviewedBy: text().references(() => accounts.id),
  },
  (t) => [index('shops_status_idx').on(t.status, t.createdAt), index('shops_owner_idx').on(t.ownerAccountId)],
);

export const shopMembers = pgTable(
  'shop_members',
  {
    shopId: text()
      .notNull()
      .references(() => shops.id),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    role: text().notNull(),
    invitedBy: text(),
    joinedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.accountId] }), index('shop_members_account_idx').on(t.accountId)],
);

export const shopInvitations = pgTable(
  'shop_invitations',
  {
    shopId: text()
      .notNull()
      .references(() => shops.id),
    id: text().notNull(),
    /** Normalised email or mobile of the person invited. */
    identifier: text().notNull(),
    role: text().notNull(),
    status: text().notNull().default('pending').$type<'pending' | 'accepted' | 'declined' | 'revoked' | 'expired'>(),
    invitedBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    respondedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    index('shop_invitations_id_idx').on(t.id),
    uniqueIndex('shop_invitations_pending_idx')
      .on(t.shopId, t.identifier)
      .where(sql`${t.status} = 'pending'`),
    index('shop_invitations_identifier_idx').on(t.identifier),
  ],
);
