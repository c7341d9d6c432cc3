import { z } from 'zod';
import { requirePrincipal } from '../../kernel/http/auth.js';
import { pageOf } from '../../kernel/http/pagination.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { shopAccess } from '../shops/index.js';
import { PICKUP_STATUSES } from './schema.js';
import * as o2o from './service.js';

const id = z.string().min(1).max(64);
const shopParams = z.object({ shopId: id });
const storeParams = shopParams.extend({ locationId: id });

const openingHours = z.array(z.object({ days: z.array(z.number().int()), open: z.string(), close: z.string() }));
const storeView = z.object({
  id: z.string(),
  name: z.string(),
  code: z.string(),
  province: z.string(),
  city: z.string(),
  district: z.string(),
  address: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  openingHours,
  openNow: z.boolean(),
  canShip: z.boolean(),
  canPickup: z.boolean(),
  canSameDay: z.boolean(),
  active: z.boolean(),
});
const pickupStore = storeView.extend({
  distanceKm: z.number().nullable(),
  lines: z.array(z.object({ skuId: z.string(), quantity: z.number().int(), available: z.number().int() })),
  enough: z.boolean(),
});
const pickupLine = z.object({
  title: z.string(),
  specText: z.string(),
  quantity: z.number().int(),
  imageUrl: z.string().nullable(),
});
const pickupView = z.object({
  shipmentId: z.string(),
  orderId: z.string(),
  orderNo: z.string(),
  locationId: z.string(),
  kind: z.enum(['pickup', 'in_store']),
  status: z.enum(PICKUP_STATUSES),
  issuedAt: z.string(),
  expiresAt: z.string(),
  pickedUpAt: z.string().nullable(),
  verifiedBy: z.string().nullable(),
  contactName: z.string(),
  contactPhone: z.string(),
  total: z.number().int(),
  lines: z.array(pickupLine),
});
const buyerPickup = z.object({
  shipmentId: z.string(),
  kind: z.enum(['pickup', 'in_store']),
  status: z.enum(PICKUP_STATUSES),
  code: z.string(),
  qr: z.string().nullable(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  pickedUpAt: z.string().nullable(),
  store: storeView.nullable(),
});
const guideView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  accountId: z.string().nullable(),
  locationId: z.string(),
  storeName: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  url: z.string(),
  qr: z.string(),
});
const shipmentLine = z.object({ skuId: z.string(), quantity: z.number().int() });
const poolView = z.object({
  offers: z.array(
    z.object({
      shipmentId: z.string(),
      orderId: z.string(),
      fromLocationName: z.string(),
      lines: z.array(shipmentLine.extend({ title: z.string(), specText: z.string() })),
      pooledUntil: z.string().nullable(),
      distanceKm: z.number().nullable(),
      radiusKm: z.number().nullable(),
      canFill: z.boolean(),
    }),
  ),
  recentClaims: z.array(
    z.object({
      shipmentId: z.string(),
      orderId: z.string(),
      locationId: z.string(),
      storeName: z.string().nullable(),
      claimedBy: z.string().nullable(),
      claimedAt: z.string(),
      mine: z.boolean(),
    }),
  ),
});
const address = z.object({
  name: z.string(),
  phone: z.string(),
  province: z.string(),
  city: z.string(),
  district: z.string(),
  detail: z.string(),
  lat: z.number().optional(),
  lng: z.number().optional(),
});

export async function o2oRoutes(app: App, { db, config }: ModuleContext) {
  const publicUrl = config.PUBLIC_URL;
  const tags = ['o2o'];

  // ---- shoppers
  app.get(
    '/api/storefront/shops/:shopId/pickup-stores',
    {
      schema: {
        tags,
        summary: 'Stores to collect from, nearest first, with their stock of the lines and opening hours',
        params: shopParams,
        querystring: o2o.pickupStoresQuery,
        response: { 200: z.object({ items: z.array(pickupStore) }) },
      },
    },
    async (request) => ({ items: await o2o.pickupStores(db, request.params.shopId, request.query) }),
  );
  app.get(
    '/api/storefront/shops/:shopId/stores/:locationId/products/:productId',
    {
      schema: {
        tags,
        summary: "A product's stock in one store (scan to buy), and the shopping guide when a code is given",
        params: storeParams.extend({ productId: id }),
        querystring: z.object({ guide: z.string().trim().max(12).optional() }),
        response: {
          200: z.object({
            store: storeView,
            productId: z.string(),
            skus: z.array(z.object({ skuId: z.string(), available: z.number().int() })),
            guide: z.object({ code: z.string(), name: z.string() }).nullable(),
          }),
        },
      },
    },
    async (request) =>
      o2o.storeProduct(
        db,
        request.params.shopId,
        request.params.locationId,
        request.params.productId,
        request.query.guide,
      ),
  );
  app.get(
    '/api/me/orders/:shopId/:orderId/pickup',
    {
      schema: {
        tags,
        summary: 'The pickup code, QR, store and deadline of one of my orders',
        params: shopParams.extend({ orderId: id }),
        response: { 200: z.object({ items: z.array(buyerPickup) }) },
      },
    },
    async (request) => ({
      items: await o2o.pickupForBuyer(
        db,
        requirePrincipal(request).accountId,
        request.params.shopId,
        request.params.orderId,
        publicUrl,
      ),
    }),
  );

  // ---- store staff
  app.get(
    '/api/shops/:shopId/o2o/stores',
    {
      config: { permission: 'store.operate' },
      schema: {
        tags,
        summary: 'The stores I work at (all of them for the owner)',
        params: shopParams,
        response: { 200: z.object({ items: z.array(storeView) }) },
      },
    },
    async (request) => ({ items: await o2o.myStores(db, shopAccess(request)) }),
  );
  app.get(
    '/api/shops/:shopId/o2o/settings',
    {
      config: { permission: 'store.operate' },
      schema: { tags, summary: 'Store rules', params: shopParams, response: { 200: o2o.settingsInput } },
    },
    async (request) => o2o.getSettings(db, shopAccess(request).shopId),
  );
  app.put(
    '/api/shops/:shopId/o2o/settings',
    {
      config: { permission: 'shop.settings' },
      schema: {
        tags,
        summary: 'Set how long a pickup waits before it is cancelled and refunded',
        params: shopParams,
        body: o2o.settingsInput,
        response: { 200: o2o.settingsInput },
      },
    },
    async (request) => o2o.saveSettings(db, shopAccess(request).shopId, request.body),
  );
  const staffList = z.object({
    items: z.array(
      z.object({ accountId: z.string(), displayName: z.string(), role: z.string(), assignedAt: z.string() }),
    ),
    candidates: z.array(z.object({ accountId: z.string(), displayName: z.string(), role: z.string() })),
  });
  app.get(
    '/api/shops/:shopId/o2o/stores/:locationId/staff',
    {
      config: { permission: 'store.operate' },
      schema: { tags, summary: 'Who works at the store', params: storeParams, response: { 200: staffList } },
    },
    async (request) => o2o.storeStaffList(db, shopAccess(request), request.params.locationId),
  );
  app.put(
    '/api/shops/:shopId/o2o/stores/:locationId/staff',
    {
      config: { permission: 'store.manage' },
      schema: {
        tags,
        summary: 'Set who works at the store',
        params: storeParams,
        body: z.object({ accountIds: z.array(id).max(200) }),
        response: { 200: staffList },
      },
    },
    async (request) => o2o.setStoreStaff(db, shopAccess(request), request.params.locationId, request.body.accountIds),
  );
  app.get(
    '/api/shops/:shopId/o2o/stores/:locationId/pickups',
    {
      config: { permission: 'store.operate' },
      schema: {
        tags,
        summary: "The store's pickups, newest first",
        params: storeParams,
        querystring: o2o.pickupListQuery,
        response: { 200: pageOf(pickupView) },
      },
    },
    async (request) => o2o.listPickups(db, shopAccess(request), request.params.locationId, request.query),
  );
  app.post(
    '/api/shops/:shopId/o2o/stores/:locationId/pickups/verify',
    {
      config: { permission: 'store.operate' },
      schema: {
        tags,
        summary: 'Verify a pickup code (typed, or the scanned QR text) and hand the order over',
        params: storeParams,
        body: z.object({ code: z.string().trim().min(1).max(500) }),
        response: { 200: pickupView },
      },
    },
    async (request) => o2o.verifyPickup(db, shopAccess(request), request.params.locationId, request.body.code),
  );
  app.get(
    '/api/shops/:shopId/o2o/stores/:locationId/pool',
    {
      config: { permission: 'store.operate' },
      schema: {
        tags,
        summary: 'Orders offered to this store to grab, and who won recent ones',
        params: storeParams,
        response: { 200: poolView },
      },
    },
    async (request) => o2o.poolFor(db, shopAccess(request), request.params.locationId),
  );
  app.post(
    '/api/shops/:shopId/o2o/stores/:locationId/pool/:shipmentId/accept',
    {
      config: { permission: 'store.operate' },
      schema: {
        tags,
        summary: 'Grab a pooled order for this store (the first store to accept wins)',
        params: storeParams.extend({ shipmentId: id }),
        response: {
          200: z.object({
            shipmentId: z.string(),
            orderId: z.string(),
            locationId: z.string(),
            storeName: z.string(),
            status: z.string(),
          }),
        },
      },
    },
    async (request) => o2o.acceptPooled(db, shopAccess(request), request.params.locationId, request.params.shipmentId),
  );
  app.get(
    '/api/shops/:shopId/o2o/stores/:locationId/shipments',
    {
      config: { permission: 'store.operate' },
      schema: {
        tags,
        summary: 'Parcels ready to ship from this store',
        params: storeParams,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                shipmentId: z.string(),
                orderId: z.string(),
                orderNo: z.string(),
                readyAt: z.string().nullable(),
                address,
                lines: z.array(
                  z.object({ skuId: z.string(), quantity: z.number().int(), title: z.string(), specText: z.string() }),
                ),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await o2o.storeShipments(db, shopAccess(request), request.params.locationId) }),
  );
  app.post(
    '/api/shops/:shopId/o2o/stores/:locationId/shipments/:shipmentId/ship',
    {
      config: { permission: 'store.operate' },
      schema: {
        tags,
        summary: 'Ship a parcel from this store with carrier and tracking number',
        params: storeParams.extend({ shipmentId: id }),
        body: o2o.shipInput,
        response: {
          200: z.object({
            shipmentId: z.string(),
            status: z.string(),
            carrier: z.string().nullable(),
            trackingNo: z.string().nullable(),
          }),
        },
      },
    },
    async (request) =>
      o2o.shipFromStore(db, shopAccess(request), request.params.locationId, request.params.shipmentId, request.body),
  );
  app.get(
    '/api/shops/:shopId/o2o/stores/:locationId/performance',
    {
      config: { permission: 'store.operate' },
      schema: {
        tags,
        summary: 'Sales credited to the store and its shopping guides, and pickups handed over',
        params: storeParams,
        querystring: o2o.performanceQuery,
        response: {
          200: z.object({
            orders: z.number().int(),
            sales: z.number().int(),
            pickupsHandedOver: z.number().int(),
            guides: z.array(
              z.object({
                guideId: z.string(),
                code: z.string(),
                name: z.string(),
                orders: z.number().int(),
                sales: z.number().int(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => o2o.performance(db, shopAccess(request), request.params.locationId, request.query),
  );
  app.get(
    '/api/shops/:shopId/o2o/stores/:locationId/shelf-codes',
    {
      config: { permission: 'store.operate' },
      schema: {
        tags,
        summary: "The store's shelf QR sheet: one code per product on shelf (a guide's code when asked)",
        params: storeParams,
        querystring: o2o.shelfQuery,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                productId: z.string(),
                title: z.string(),
                imageUrl: z.string().nullable(),
                price: z.number().int(),
                storeAvailable: z.number().int(),
                url: z.string(),
                qr: z.string(),
              }),
            ),
            nextCursor: z.string().nullable(),
            guide: z.object({ code: z.string(), name: z.string() }).nullable(),
          }),
        },
      },
    },
    async (request) => o2o.shelfCodes(db, shopAccess(request), publicUrl, request.params.locationId, request.query),
  );
  app.get(
    '/api/shops/:shopId/o2o/guides',
    {
      config: { permission: 'store.operate' },
      schema: {
        tags,
        summary: 'Shopping guides of my stores, with their personal QR codes',
        params: shopParams,
        querystring: z.object({ locationId: id.optional() }),
        response: { 200: z.object({ items: z.array(guideView) }) },
      },
    },
    async (request) => ({
      items: await o2o.listGuides(db, shopAccess(request), publicUrl, request.query.locationId),
    }),
  );
  app.post(
    '/api/shops/:shopId/o2o/guides',
    {
      config: { permission: 'store.manage' },
      schema: {
        tags,
        summary: 'Add a shopping guide to a store',
        params: shopParams,
        body: o2o.guideInput,
        response: { 201: guideView },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await o2o.createGuide(db, shopAccess(request), publicUrl, request.body)),
  );
  app.patch(
    '/api/shops/:shopId/o2o/guides/:guideId',
    {
      config: { permission: 'store.manage' },
      schema: {
        tags,
        summary: 'Rename, move, link or retire a shopping guide',
        params: shopParams.extend({ guideId: id }),
        body: o2o.guidePatch,
        response: { 200: guideView },
      },
    },
    async (request) => o2o.updateGuide(db, shopAccess(request), publicUrl, request.params.guideId, request.body),
  );
}
