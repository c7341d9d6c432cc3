import { z } from 'zod';
import { SHIPMENT_STATUSES } from './schema.js';

/** The shapes fulfillment answers with (leaf module: other modules' routes import it). */
export const candidateNote = z.object({ locationId: z.string(), name: z.string(), distanceKm: z.number().nullable() });
export const stepView = z.object({
  rule: z.string(),
  params: z.record(z.string(), z.number()).optional(),
  outcome: z.enum(['applied', 'skipped', 'info']),
  why: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }),
  kept: z.array(candidateNote),
  dropped: z.array(candidateNote.extend({ reason: z.string() })),
});
export const buyerView = z.object({
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  source: z.enum(['address', 'city', 'unknown']),
  province: z.string(),
  city: z.string(),
  region: z.string().nullable(),
});
export const shipmentLine = z.object({
  orderLineId: z.string().optional(),
  skuId: z.string(),
  quantity: z.number().int(),
});
export const shipmentView = z.object({
  id: z.string(),
  orderId: z.string(),
  locationId: z.string(),
  locationName: z.string(),
  locationKind: z.enum(['warehouse', 'store']),
  kind: z.enum(['ship', 'pickup', 'in_store']),
  status: z.enum(SHIPMENT_STATUSES),
  lines: z.array(shipmentLine),
  carrier: z.string().nullable(),
  trackingNo: z.string().nullable(),
  pooledUntil: z.string().nullable(),
  createdAt: z.string(),
  readyAt: z.string().nullable(),
  shippedAt: z.string().nullable(),
  pickedUpAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});
export const decisionView = z.object({
  id: z.string(),
  orderId: z.string(),
  trigger: z.enum(['auto', 'fixed', 'manual', 'pool_claim', 'pool_timeout']),
  actorId: z.string().nullable(),
  reason: z.string().nullable(),
  buyer: buyerView.nullable(),
  result: z.array(z.object({ shipmentId: z.string(), locationId: z.string(), lines: z.array(shipmentLine) })),
  steps: z.array(stepView),
  createdAt: z.string(),
});
