import { z } from 'zod';
import { requirePrincipal } from '../../kernel/http/auth.js';
import { pageOf } from '../../kernel/http/pagination.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { decisionView as decisionSchema, shipmentView as shipmentSchema } from '../fulfillment/views.js';
import { shopAccess, shops } from '../shops/index.js';
import { ORDER_STATUSES } from './schema.js';
import * as orders from './service.js';

export const addressView = z.object({
  name: z.string(),
  phone: z.string(),
  province: z.string(),
  city: z.string(),
  district: z.string(),
  detail: z.string(),
  lat: z.number().optional(),
  lng: z.number().optional(),
});
export const orderView = z.object({
  id: z.string(),
  shopId: z.string(),
  shopName: z.string().nullable(),
  orderNo: z.string(),
  buyerAccountId: z.string(),
  status: z.enum(ORDER_STATUSES),
  currency: z.string(),
  itemsTotal: z.number().int(),
  shippingFee: z.number().int(),
  total: z.number().int(),
  paidAmount: z.number().int(),
  refundedAmount: z.number().int(),
  address: addressView,
  buyerNote: z.string().nullable(),
  paymentId: z.string().nullable(),
  fulfilment: z.enum(['ship', 'pickup', 'in_store']),
  carrier: z.string().nullable(),
  trackingNo: z.string().nullable(),
  closeReason: z.string().nullable(),
  createdAt: z.string(),
  payBy: z.string(),
  paidAt: z.string().nullable(),
  shippedAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  lines: z.array(
    z.object({
      lineNo: z.number().int(),
      productId: z.string(),
      skuId: z.string(),
      title: z.string(),
      specText: z.string(),
      imageUrl: z.string().nullable(),
      unitPrice: z.number().int(),
      quantity: z.number().int(),
      lineTotal: z.number().int(),
    }),
  ),
});
const orderDetail = orderView.extend({
  timeline: z.array(z.object({ status: z.string(), note: z.string().nullable(), at: z.string() })),
  /** The parcels: one per location the order leaves from, each with its own status and tracking. */
  shipments: z.array(shipmentSchema),
});

const shopIdParams = z.object({ shopId: z.string().min(1).max(64) });
const orderParams = shopIdParams.extend({ orderId: z.string().min(1).max(64) });

export async function ordersRoutes(app: App, { db }: ModuleContext) {
  // ---- workbench
  app.get(
    '/api/shops/:shopId/orders',
    {
      config: { permission: 'orders.read' },
      schema: {
        tags: ['orders'],
        summary: 'Orders with filters and search',
        params: shopIdParams,
        querystring: orders.workbenchQuery,
        response: { 200: pageOf(orderView) },
      },
    },
    async (request) => orders.listForShop(db, shopAccess(request).shopId, request.query),
  );
  app.get(
    '/api/shops/:shopId/orders/:orderId',
    {
      config: { permission: 'orders.read' },
      schema: {
        tags: ['orders'],
        summary: 'Order detail with its timeline',
        params: orderParams,
        response: { 200: orderDetail },
      },
    },
    async (request) => orders.getForShop(db, shopAccess(request).shopId, request.params.orderId),
  );
  app.post(
    '/api/shops/:shopId/orders/:orderId/ship',
    {
      config: { permission: 'fulfilment.manage' },
      schema: {
        tags: ['orders'],
        summary: 'Ship with carrier and tracking number',
        params: orderParams,
        body: orders.shipInput,
        response: { 200: orderDetail },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return orders.ship(db, access.shopId, request.params.orderId, request.body, access.accountId);
    },
  );
  app.get(
    '/api/shops/:shopId/orders/:orderId/shipments',
    {
      config: { permission: 'orders.read' },
      schema: {
        tags: ['orders'],
        summary: "An order's parcels and its routing decisions with their explanations",
        params: orderParams,
        response: { 200: z.object({ shipments: z.array(shipmentSchema), decisions: z.array(decisionSchema) }) },
      },
    },
    async (request) => orders.routingOf(db, shopAccess(request).shopId, request.params.orderId),
  );
  app.post(
    '/api/shops/:shopId/orders/:orderId/shipments/:shipmentId/ship',
    {
      config: { permission: 'fulfilment.manage' },
      schema: {
        tags: ['orders'],
        summary: 'Ship one parcel with carrier and tracking number (the order ships with its last parcel)',
        params: orderParams.extend({ shipmentId: z.string().min(1).max(64) }),
        body: orders.shipInput,
        response: { 200: orderDetail },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      const { orderId, shipmentId } = request.params;
      return orders.shipParcel(db, access.shopId, orderId, shipmentId, request.body, access.accountId);
    },
  );
  app.post(
    '/api/shops/:shopId/orders/ship-csv',
    {
      config: { permission: 'fulfilment.manage' },
      schema: {
        tags: ['orders'],
        summary: 'Ship many orders from CSV text: orderNo,carrier,trackingNo per line (all or nothing)',
        params: shopIdParams,
        body: z.object({ csv: z.string().min(1).max(1_000_000) }),
        response: { 200: z.object({ shipped: z.number().int() }) },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return orders.bulkShip(db, access.shopId, request.body.csv, access.accountId);
    },
  );
  app.post(
    '/api/shops/:shopId/orders/:orderId/cancel',
    {
      config: { permission: 'orders.write' },
      schema: {
        tags: ['orders'],
        summary: 'Cancel an unpaid order',
        params: orderParams,
        body: z.object({ reason: z.string().trim().min(2).max(200) }),
        response: { 200: orderDetail },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return orders.cancel(db, access.shopId, request.params.orderId, {
        actorId: access.accountId,
        reason: request.body.reason,
      });
    },
  );
  app.get(
    '/api/shops/:shopId/order-settings',
    {
      config: { permission: 'orders.read' },
      schema: {
        tags: ['orders'],
        summary: 'Shipping fee and timeouts',
        params: shopIdParams,
        response: { 200: orders.settingsInput },
      },
    },
    async (request) => orders.getSettings(db, shopAccess(request).shopId),
  );
  app.put(
    '/api/shops/:shopId/order-settings',
    {
      config: { permission: 'shop.settings' },
      schema: {
        tags: ['orders'],
        summary: 'Set shipping fee and timeouts',
        params: shopIdParams,
        body: orders.settingsInput,
        response: { 200: orders.settingsInput },
      },
    },
    async (request) => orders.saveSettings(db, shopAccess(request).shopId, request.body),
  );

  // ---- the shopper's orders
  const shopNames = async (ids: string[]) =>
    new Map([...(await shops.shopSummaries(db, ids)).values()].map((s) => [s.id, s.name]));
  app.get(
    '/api/me/orders',
    {
      schema: {
        tags: ['orders'],
        summary: "The shopper's orders across shops",
        querystring: orders.shopperQuery,
        response: { 200: pageOf(orderView) },
      },
    },
    async (request) => orders.listForBuyer(db, requirePrincipal(request).accountId, request.query, shopNames),
  );
  app.get(
    '/api/me/orders/:shopId/:orderId',
    {
      schema: {
        tags: ['orders'],
        summary: 'One of the shopper’s orders',
        params: orderParams,
        response: { 200: orderDetail },
      },
    },
    async (request) => {
      const detail = await orders.getForBuyer(
        db,
        requirePrincipal(request).accountId,
        request.params.shopId,
        request.params.orderId,
      );
      return { ...detail, shopName: (await shopNames([detail.shopId])).get(detail.shopId) ?? null };
    },
  );
  app.post(
    '/api/me/orders/:shopId/:orderId/cancel',
    {
      schema: {
        tags: ['orders'],
        summary: 'Cancel an unpaid order',
        params: orderParams,
        response: { 200: orderDetail },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      return orders.cancel(db, request.params.shopId, request.params.orderId, {
        actorId: p.accountId,
        reason: 'buyer_cancelled',
        buyerAccountId: p.accountId,
      });
    },
  );
  app.post(
    '/api/me/orders/:shopId/:orderId/confirm-receipt',
    {
      schema: {
        tags: ['orders'],
        summary: 'Confirm the goods arrived',
        params: orderParams,
        response: { 200: orderDetail },
      },
    },
    async (request) =>
      orders.confirmReceipt(db, request.params.shopId, request.params.orderId, requirePrincipal(request).accountId),
  );
}
