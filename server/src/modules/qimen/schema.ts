import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { SignMethod } from './protocol.js';

/**
 * A system that talks Qimen with the shop: a WMS, ERP or POS. It signs with `app_key` + secret;
 * `customerId` is the owner code both sides use; outbound calls go to `endpointUrl`.
 */
export const qimenPartners = pgTable(
  'qimen_partners',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    name: text().notNull(),
    appKey: text().notNull(),
    /** Kept as is: HMAC and MD5 signatures need the secret itself. Shown once, on create or rotate. */
    secret: text().notNull(),
    customerId: text().notNull(),
    signMethod: text().notNull().$type<SignMethod>(),
    /** md5 only: the partner signs MD5(S + body + secret) instead of MD5(secret + S + body + secret). */
    secretAtEndOnly: boolean().notNull().default(false),
    /** Where outbound calls (deliveryorder.create, order.cancel) are POSTed; null: inbound only. */
    endpointUrl: text(),
    active: boolean().notNull().default(true),
    /** Router calls a minute this partner may make (per app key); beyond it: code 7, App Call Limited. */
    callsPerMinute: integer().notNull().default(6000),
    secretRotatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.id] }), uniqueIndex('qimen_partners_app_key_idx').on(t.shopId, t.appKey)],
);

/**
 * Platform-wide directory: which shop and partner an `app_key` belongs to. The router reads it
 * before it knows the shop (a reference table on Citus; app keys are unique across the platform).
 */
export const qimenAppKeys = pgTable('qimen_app_keys', {
  appKey: text().primaryKey(),
  shopId: text().notNull(),
  partnerId: text().notNull(),
});

/** The warehouses (locations) a partner runs: at most one partner per location. */
export const qimenPartnerLocations = pgTable(
  'qimen_partner_locations',
  {
    shopId: text().notNull(),
    partnerId: text().notNull(),
    locationId: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.partnerId, t.locationId] }),
    uniqueIndex('qimen_partner_locations_location_idx').on(t.shopId, t.locationId),
  ],
);

export const MESSAGE_STATUSES = [
  'succeeded',
  'failed',
  'duplicate',
  'queued',
  'retrying',
  'sent',
  'dead',
  'cancelled',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * Every Qimen message, both ways. Inbound: `succeeded`, `failed`, or `duplicate` (an outBizCode seen before, answered again, nothing changed); a confirm or report is applied
 * once per (partner, method, outBizCode) — the partial unique index makes a duplicate wait for
 * the first and then see it. Outbound: `queued` → `sent`, or `retrying` until the last attempt,
 * then `dead` (a dead letter the workbench can resend); `cancelled` when the parcel was
 * cancelled before the message reached the warehouse.
 */
export const qimenMessages = pgTable(
  'qimen_messages',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    partnerId: text().notNull(),
    direction: text().notNull().$type<'in' | 'out'>(),
    /** Short method name, e.g. `deliveryorder.confirm`. */
    method: text().notNull(),
    outBizCode: text(),
    /** What the message is about: the delivery order (shipment) or order code. */
    ref: text(),
    status: text().notNull().$type<MessageStatus>(),
    format: text().notNull().$type<'xml' | 'json'>().default('xml'),
    /** System parameters as sent or received (the signature included). */
    query: jsonb().notNull().default({}).$type<Record<string, string>>(),
    requestBody: text().notNull().default(''),
    responseBody: text(),
    responseCode: text(),
    responseMessage: text(),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    uniqueIndex('qimen_messages_inbound_once_idx')
      .on(t.shopId, t.partnerId, t.method, t.outBizCode)
      .where(sql`${t.direction} = 'in' and ${t.status} = 'succeeded' and ${t.outBizCode} is not null`),
    uniqueIndex('qimen_messages_outbound_once_idx')
      .on(t.shopId, t.partnerId, t.method, t.ref)
      .where(sql`${t.direction} = 'out'`),
    index('qimen_messages_created_idx').on(t.shopId, t.createdAt, t.id),
  ],
);
