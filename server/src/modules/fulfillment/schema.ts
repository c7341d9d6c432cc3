import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

export const SHIPMENT_STATUSES = ['pending', 'pooled', 'ready', 'shipped', 'picked_up', 'cancelled'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];
export type ShipmentKind = 'ship' | 'pickup' | 'in_store';

/** One order line's units in a parcel (an order line may be split over several parcels). */
export interface ShipmentLine {
  orderLineId?: string;
  skuId: string;
  quantity: number;
}

/**
 * A parcel: some of an order's units leaving one location. Its stock is held in inventory under
 * the reference `{ type: 'shipment', id: holdRef }` (the shipment id, suffixed after a re-route so
 * each hold has its own reference).
 */
export const shipments = pgTable(
  'shipments',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    orderId: text().notNull(),
    locationId: text().notNull(),
    kind: text().notNull().$type<ShipmentKind>(),
    status: text().notNull().$type<ShipmentStatus>(),
    lines: jsonb().notNull().$type<ShipmentLine[]>(),
    /** The inventory reference id that holds this parcel's stock now. */
    holdRef: text().notNull(),
    /** Times the hold moved (re-route, pool claim); names the next hold reference. */
    holdMoves: integer().notNull().default(0),
    /** Where the buyer is, for the grab pool's distances (null when unknown). */
    buyerLat: doublePrecision(),
    buyerLng: doublePrecision(),
    /** Set by the grab_pool rule: offered to stores this close for this long once paid. */
    poolRadiusKm: doublePrecision(),
    poolTimeoutMinutes: integer(),
    pooledUntil: timestamp({ withTimezone: true }),
    carrier: text(),
    trackingNo: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp({ withTimezone: true }),
    shippedAt: timestamp({ withTimezone: true }),
    pickedUpAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    index('shipments_order_idx').on(t.shopId, t.orderId),
    index('shipments_status_idx').on(t.shopId, t.status, t.createdAt),
    check('shipments_status', sql`${t.status} in ('pending', 'pooled', 'ready', 'shipped', 'picked_up', 'cancelled')`),
  ],
);

export const RULE_KINDS = [
  'single_location',
  'nearest',
  'store_priority',
  'same_region',
  'grab_pool',
  'split',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** The shop's ordered routing rule list (a shop without rows uses the default list). */
export const routingRules = pgTable(
  'routing_rules',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    position: integer().notNull(),
    kind: text().notNull().$type<RuleKind>(),
    enabled: boolean().notNull().default(true),
    params: jsonb().notNull().default({}).$type<Record<string, number>>(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.id] }), index('routing_rules_position_idx').on(t.shopId, t.position)],
);

/** A candidate location as the explanation names it. */
export interface CandidateNote {
  locationId: string;
  name: string;
  distanceKm: number | null;
}

/** What one rule did: which candidates it kept, which it dropped, and why (an i18n code + params). */
export interface RoutingStep {
  rule: RuleKind | 'candidates' | 'fallback' | 'fixed' | 'manual' | 'pool_claim' | 'pool_timeout';
  params?: Record<string, number>;
  outcome: 'applied' | 'skipped' | 'info';
  why: { code: string; params?: Record<string, string | number> };
  kept: CandidateNote[];
  dropped: (CandidateNote & { reason: string })[];
}

export interface BuyerPosition {
  lat: number | null;
  lng: number | null;
  source: 'address' | 'city' | 'unknown';
  province: string;
  city: string;
  region: string | null;
}

/** Every routing decision with its explanation: automatic at order creation, or by a person. */
export const routingDecisions = pgTable(
  'routing_decisions',
  {
    shopId: text().notNull(),
    id: text().notNull(),
    orderId: text().notNull(),
    trigger: text().notNull().$type<'auto' | 'fixed' | 'manual' | 'pool_claim' | 'pool_timeout'>(),
    actorId: text(),
    reason: text(),
    buyer: jsonb().$type<BuyerPosition>(),
    /** Parcels made: shipment id, location and lines. */
    result: jsonb().notNull().$type<{ shipmentId: string; locationId: string; lines: ShipmentLine[] }[]>(),
    steps: jsonb().notNull().$type<RoutingStep[]>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    index('routing_decisions_order_idx').on(t.shopId, t.orderId, t.createdAt),
  ],
);
