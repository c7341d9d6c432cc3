import { z } from 'zod';
import { requirePrincipal } from '../../kernel/http/auth.js';
import { pageOf } from '../../kernel/http/pagination.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { orders } from '../orders/index.js';
import { shopAccess } from '../shops/index.js';
import { CASE_STATUSES } from './schema.js';
import * as aftersales from './service.js';

const caseView = z.object({
  id: z.string(),
  shopId: z.string(),
  orderId: z.string(),
  buyerAccountId: z.string(),
  type: z.enum(['refund_only', 'return_refund']),
  status: z.enum(CASE_STATUSES),
  reason: z.string(),
  description: z.string().nullable(),
  amount: z.number().int(),
  shippingRefund: z.number().int(),
  rejectReason: z.string().nullable(),
  returnCarrier: z.string().nullable(),
  returnTrackingNo: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lines: z.array(
    z.object({ lineNo: z.number().int(), skuId: z.string(), quantity: z.number().int(), amount: z.number().int() }),
  ),
});
const shopIdParams = z.object({ shopId: z.string().min(1).max(64) });
const caseParams = shopIdParams.extend({ caseId: z.string().min(1).max(64) });

export async function aftersalesRoutes(app: App, { db }: ModuleContext) {
  // ---- shopper
  app.post(
    '/api/me/orders/:shopId/:orderId/aftersales',
    {
      schema: {
        tags: ['aftersales'],
        summary: 'Ask for a refund, or a return and refund, on lines of an order',
        params: shopIdParams.extend({ orderId: z.string().min(1).max(64) }),
        body: aftersales.requestInput,
        response: { 201: caseView },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await aftersales.request(
            db,
            requirePrincipal(request).accountId,
            request.params.shopId,
            request.params.orderId,
            request.body,
          ),
        ),
  );
  app.get(
    '/api/me/aftersales',
    {
      schema: {
        tags: ['aftersales'],
        summary: "The shopper's after-sales cases",
        response: { 200: z.object({ items: z.array(caseView) }) },
      },
    },
    async (request) => ({
      items: await aftersales.listForBuyer(db, requirePrincipal(request).accountId),
    }),
  );
  app.get(
    '/api/me/aftersales/:shopId/:caseId',
    {
      schema: {
        tags: ['aftersales'],
        summary: 'One after-sales case',
        params: caseParams,
        response: { 200: caseView },
      },
    },
    async (request) =>
      aftersales.getForBuyer(db, requirePrincipal(request).accountId, request.params.shopId, request.params.caseId),
  );
  app.post(
    '/api/me/aftersales/:shopId/:caseId/return',
    {
      schema: {
        tags: ['aftersales'],
        summary: 'Goods sent back: carrier and tracking number',
        params: caseParams,
        body: orders.shipInput,
        response: { 200: caseView },
      },
    },
    async (request) =>
      aftersales.returnGoods(
        db,
        request.params.shopId,
        request.params.caseId,
        requirePrincipal(request).accountId,
        request.body,
      ),
  );
  app.post(
    '/api/me/aftersales/:shopId/:caseId/cancel',
    {
      schema: {
        tags: ['aftersales'],
        summary: 'Withdraw the request',
        params: caseParams,
        response: { 200: caseView },
      },
    },
    async (request) =>
      aftersales.cancelCase(db, request.params.shopId, request.params.caseId, requirePrincipal(request).accountId),
  );

  // ---- workbench
  app.get(
    '/api/shops/:shopId/aftersales',
    {
      config: { permission: 'aftersales.manage' },
      schema: {
        tags: ['aftersales'],
        summary: 'The after-sales queue',
        params: shopIdParams,
        querystring: aftersales.listQuery,
        response: { 200: pageOf(caseView) },
      },
    },
    async (request) => aftersales.listForShop(db, shopAccess(request).shopId, request.query),
  );
  app.get(
    '/api/shops/:shopId/aftersales/:caseId',
    {
      config: { permission: 'aftersales.manage' },
      schema: { tags: ['aftersales'], summary: 'One case', params: caseParams, response: { 200: caseView } },
    },
    async (request) => aftersales.getForShop(db, shopAccess(request).shopId, request.params.caseId),
  );
  app.post(
    '/api/shops/:shopId/aftersales/:caseId/approve',
    {
      config: { permission: 'aftersales.manage' },
      schema: {
        tags: ['aftersales'],
        summary: 'Approve (refund only: the refund starts)',
        params: caseParams,
        response: { 200: caseView },
      },
    },
    async (request) => {
      const a = shopAccess(request);
      return aftersales.approve(db, a.shopId, request.params.caseId, a.accountId);
    },
  );
  app.post(
    '/api/shops/:shopId/aftersales/:caseId/reject',
    {
      config: { permission: 'aftersales.manage' },
      schema: {
        tags: ['aftersales'],
        summary: 'Reject with a reason',
        params: caseParams,
        body: z.object({ reason: z.string().trim().min(2).max(200) }),
        response: { 200: caseView },
      },
    },
    async (request) => {
      const a = shopAccess(request);
      return aftersales.reject(db, a.shopId, request.params.caseId, a.accountId, request.body.reason);
    },
  );
  app.post(
    '/api/shops/:shopId/aftersales/:caseId/receive',
    {
      config: { permission: 'aftersales.manage' },
      schema: {
        tags: ['aftersales'],
        summary: 'Returned goods received: restock and refund',
        params: caseParams,
        response: { 200: caseView },
      },
    },
    async (request) => {
      const a = shopAccess(request);
      return aftersales.receiveGoods(db, a.shopId, request.params.caseId, a.accountId);
    },
  );
}
