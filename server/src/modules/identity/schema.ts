import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** Everyone who signs in: shoppers, merchant staff, service providers, platform operators. */
export const accounts = pgTable(
  'accounts',
  {
    id: text().primaryKey(),
    kind: text().notNull().$type<'shopper' | 'merchant' | 'provider' | 'operator'>(),
    email: text(),
    mobile: text(),
    passwordHash: text().notNull(),
    displayName: text().notNull(),
    locale: text().notNull().default('zh-CN'),
    disabled: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('accounts_email_idx')
      .on(t.email)
      .where(sql`${t.email} is not null`),
    uniqueIndex('accounts_mobile_idx')
      .on(t.mobile)
      .where(sql`${t.mobile} is not null`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text().primaryKey(),
    /** sha256 of the cookie's token; the token itself is never stored. */
    tokenHash: text().notNull(),
    accountId: text()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    userAgent: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('sessions_token_idx').on(t.tokenHash), index('sessions_account_idx').on(t.accountId)],
);

/** Sign-in attempts, for throttling guessing. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: text().primaryKey(),
    identifier: text().notNull(),
    ip: text().notNull(),
    succeeded: boolean().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('login_attempts_identifier_idx').on(t.identifier, t.at), index('login_attempts_ip_idx').on(t.ip, t.at)],
);
