import { z } from 'zod';
import { withShop } from '../../kernel/db/tenant.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { shopAccess } from '../shops/index.js';
import { knownCities } from './geo.js';
import { buyerView, shipmentView, stepView } from './views.js';
import * as fulfillment from './service.js';

const rulesView = z.object({ rules: z.array(fulfillment.ruleInput) });

const shopIdParams = z.object({ shopId: z.string().min(1).max(64) });
const shipmentParams = shopIdParams.extend({ shipmentId: z.string().min(1).max(64) });

const dryRunInput = z.object({
  lines: z
    .array(z.object({ skuId: z.string().min(1).max(64), quantity: z.number().int().min(1).max(9999) }))
    .min(1)
    .max(50),
  address: z.object({
    province: z.string().trim().max(20).default(''),
    city: z.string().trim().max(20).default(''),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
  }),
});

export async function fulfillmentRoutes(app: App, { db }: ModuleContext) {
  app.get(
    '/api/shops/:shopId/routing/rules',
    {
      config: { permission: 'fulfilment.manage' },
      schema: {
        tags: ['fulfillment'],
        summary: 'The routing rule list, in order',
        params: shopIdParams,
        response: { 200: rulesView },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return { rules: await withShop(db, shopId, (tx) => fulfillment.rulesOf(tx, shopId)) };
    },
  );
  app.put(
    '/api/shops/:shopId/routing/rules',
    {
      config: { permission: 'fulfilment.manage' },
      schema: {
        tags: ['fulfillment'],
        summary: 'Replace the routing rule list (order, enabled, params)',
        params: shopIdParams,
        body: fulfillment.rulesInput,
        response: { 200: rulesView },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return { rules: await withShop(db, shopId, (tx) => fulfillment.saveRules(tx, shopId, request.body.rules)) };
    },
  );
  app.post(
    '/api/shops/:shopId/routing/dry-run',
    {
      config: { permission: 'fulfilment.manage' },
      schema: {
        tags: ['fulfillment'],
        summary: 'What routing would do for sample lines and a buyer place, step by step (holds nothing)',
        params: shopIdParams,
        body: dryRunInput,
        response: {
          200: z.object({
            buyer: buyerView,
            steps: z.array(stepView),
            parcels: z.array(
              z.object({
                locationId: z.string(),
                name: z.string(),
                distanceKm: z.number().nullable(),
                lines: z.array(z.object({ skuId: z.string(), quantity: z.number().int() })),
              }),
            ),
            pool: z.object({ radiusKm: z.number(), timeoutMinutes: z.number() }).nullable(),
            failure: z.enum(['routing.no_stock', 'routing.needs_split']).nullable(),
            shortSkuIds: z.array(z.string()),
          }),
        },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, (tx) => fulfillment.dryRun(tx, shopId, request.body));
    },
  );
  app.get(
    '/api/shops/:shopId/routing/cities',
    {
      config: { permission: 'fulfilment.manage' },
      schema: {
        tags: ['fulfillment'],
        summary: 'Cities whose centres routing knows (for the dry run)',
        params: shopIdParams,
        response: {
          200: z.array(z.object({ city: z.string(), province: z.string(), lat: z.number(), lng: z.number() })),
        },
      },
    },
    async () => knownCities(),
  );
  app.post(
    '/api/shops/:shopId/shipments/:shipmentId/reassign',
    {
      config: { permission: 'fulfilment.manage' },
      schema: {
        tags: ['fulfillment'],
        summary: 'Re-route a parcel by hand: hold at the new location, release the old (Idempotency-Key)',
        params: shipmentParams,
        body: z.object({
          locationId: z.string().min(1).max(64),
          reason: z.string().trim().max(200).optional(),
        }),
        response: { 200: shipmentView },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return withShop(db, access.shopId, (tx) =>
        fulfillment.reassign(tx, access.shopId, request.params.shipmentId, request.body.locationId, {
          reason: request.body.reason ?? null,
          actorId: access.accountId,
        }),
      );
    },
  );
}
