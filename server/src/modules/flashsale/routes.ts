import { z } from 'zod';
import { requirePrincipal } from '../../kernel/http/auth.js';
import { pageOf } from '../../kernel/http/pagination.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { shopAccess } from '../shops/index.js';
import { closeRuntime, runtimeFor } from './runtime.js';
import { SALE_STATUSES } from './schema.js';
import * as flashsale from './service.js';

const saleView = z.object({
  id: z.string(),
  shopId: z.string(),
  productId: z.string(),
  skuId: z.string(),
  locationId: z.string(),
  title: z.string(),
  specText: z.string(),
  imageUrl: z.string().nullable(),
  price: z.number().int(),
  regularPrice: z.number().int(),
  quota: z.number().int(),
  perShopperLimit: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: z.enum(SALE_STATUSES),
  phase: z.enum(['upcoming', 'running', 'ended', 'cancelled']),
  sold: z.number().int(),
  paid: z.number().int(),
  returned: z.number().int(),
  left: z.number().int(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
});
const shopperSaleView = saleView.extend({ serverTime: z.string(), mine: z.number().int() });
const buyResult = z.object({
  saleId: z.string(),
  entryId: z.string(),
  orderId: z.string(),
  orderNo: z.string(),
  total: z.number().int(),
  paymentId: z.string(),
  payUrl: z.string().nullable(),
  replayed: z.boolean(),
});

const shopParams = z.object({ shopId: z.string().min(1).max(64) });
const saleParams = shopParams.extend({ saleId: z.string().min(1).max(64) });
const productParams = shopParams.extend({ productId: z.string().min(1).max(64) });

export async function flashsaleRoutes(app: App, ctx: ModuleContext) {
  const rt = runtimeFor(ctx);
  app.addHook('onClose', () => closeRuntime(ctx.db));

  // ---- workbench
  app.get(
    '/api/shops/:shopId/flash-sales',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['flashsale'],
        summary: 'Flash sales, newest first, with live counters (sold, paid, left)',
        params: shopParams,
        querystring: flashsale.listQuery,
        response: { 200: pageOf(saleView) },
      },
    },
    async (request) => flashsale.listSales(rt, shopAccess(request).shopId, request.query),
  );
  app.post(
    '/api/shops/:shopId/flash-sales',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['flashsale'],
        summary: 'Set up a flash sale; its quota is held at the location at once',
        params: shopParams,
        body: flashsale.saleInput,
        response: { 201: saleView },
      },
    },
    async (request, reply) => {
      const access = shopAccess(request);
      return reply.code(201).send(await flashsale.createSale(rt, access.shopId, request.body, access.accountId));
    },
  );
  app.get(
    '/api/shops/:shopId/flash-sales/:saleId',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['flashsale'],
        summary: 'A flash sale with live counters',
        params: saleParams,
        response: { 200: saleView },
      },
    },
    async (request) => flashsale.getSale(rt, shopAccess(request).shopId, request.params.saleId),
  );
  app.patch(
    '/api/shops/:shopId/flash-sales/:saleId',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['flashsale'],
        summary: 'Change a flash sale (before it starts; afterwards only its end time)',
        params: saleParams,
        body: flashsale.saleUpdate,
        response: { 200: saleView },
      },
    },
    async (request) => flashsale.updateSale(rt, shopAccess(request).shopId, request.params.saleId, request.body),
  );
  app.post(
    '/api/shops/:shopId/flash-sales/:saleId/start',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['flashsale'],
        summary: 'Start an upcoming flash sale now',
        params: saleParams,
        response: { 200: saleView },
      },
    },
    async (request) => flashsale.startNow(rt, shopAccess(request).shopId, request.params.saleId),
  );
  app.post(
    '/api/shops/:shopId/flash-sales/:saleId/end',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['flashsale'],
        summary: 'End a flash sale now (cancel it, before it starts); what it still holds goes back to general stock',
        params: saleParams,
        response: { 200: saleView },
      },
    },
    async (request) => (await flashsale.endSale(rt, shopAccess(request).shopId, request.params.saleId))!,
  );

  // ---- shoppers
  app.get(
    '/api/storefront/shops/:shopId/flash-sales/:saleId',
    {
      schema: {
        tags: ['flashsale'],
        summary: 'A flash sale for shoppers: price, times, units left, the server clock and how many I hold',
        params: saleParams,
        response: { 200: shopperSaleView },
      },
    },
    async (request) =>
      flashsale.saleForShopper(rt, request.params.shopId, request.params.saleId, request.principal?.accountId),
  );
  app.get(
    '/api/storefront/shops/:shopId/products/:productId/flash-sales',
    {
      schema: {
        tags: ['flashsale'],
        summary: 'Upcoming and running flash sales of a product',
        params: productParams,
        response: { 200: z.object({ items: z.array(saleView) }) },
      },
    },
    async (request) => flashsale.salesOfProduct(rt, request.params.shopId, request.params.productId),
  );
  app.post(
    '/api/storefront/shops/:shopId/flash-sales/:saleId/buy',
    {
      schema: {
        tags: ['flashsale'],
        summary: 'Try to buy one unit: 201 with the order and where to pay, or 409 sold out / limit reached at once',
        description:
          'Send an `Idempotency-Key` (or `requestId`): the same attempt again answers with the same order and never makes a second one.',
        params: saleParams,
        body: flashsale.buyInput,
        response: { 201: buyResult },
      },
    },
    async (request, reply) => {
      const buyer = requirePrincipal(request).accountId;
      const header = request.headers['idempotency-key'];
      const result = await flashsale.buy(
        rt,
        request.params.shopId,
        request.params.saleId,
        buyer,
        { addressId: request.body.addressId, requestKey: typeof header === 'string' ? header : request.body.requestId },
        '/m/orders?paid=1',
      );
      return reply.code(201).send(result);
    },
  );
}
