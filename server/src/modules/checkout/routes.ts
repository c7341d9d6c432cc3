import { z } from 'zod';
import { requirePrincipal } from '../../kernel/http/auth.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { orderView } from '../orders/routes.js';
import * as checkout from './service.js';

const address = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string(),
  province: z.string(),
  city: z.string(),
  district: z.string(),
  detail: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  isDefault: z.boolean(),
});
const cartView = z.object({
  groups: z.array(
    z.object({
      shopId: z.string(),
      shopName: z.string(),
      lines: z.array(
        z.object({
          skuId: z.string(),
          productId: z.string().nullable(),
          title: z.string(),
          specText: z.string(),
          imageUrl: z.string().nullable(),
          unitPrice: z.number().int(),
          quantity: z.number().int(),
          available: z.number().int(),
          purchasable: z.boolean(),
        }),
      ),
    }),
  ),
});
const previewView = z.object({
  groups: z.array(
    z.object({
      shopId: z.string(),
      shopName: z.string(),
      itemsTotal: z.number().int(),
      shippingFee: z.number().int(),
      total: z.number().int(),
    }),
  ),
  total: z.number().int(),
});

export async function checkoutRoutes(app: App, { db }: ModuleContext) {
  const me = (request: Parameters<typeof requirePrincipal>[0]) => requirePrincipal(request).accountId;

  app.get(
    '/api/me/addresses',
    {
      schema: {
        tags: ['checkout'],
        summary: 'Saved shipping addresses',
        response: { 200: z.object({ items: z.array(address) }) },
      },
    },
    async (request) => ({
      items: await checkout.listAddresses(db, me(request)),
    }),
  );
  app.post(
    '/api/me/addresses',
    {
      schema: {
        tags: ['checkout'],
        summary: 'Add a shipping address',
        body: checkout.addressInput,
        response: { 201: address },
      },
    },
    async (request, reply) => reply.code(201).send(await checkout.saveAddress(db, me(request), request.body)),
  );
  const addressParams = z.object({ addressId: z.string().min(1).max(64) });
  app.put(
    '/api/me/addresses/:addressId',
    {
      schema: {
        tags: ['checkout'],
        summary: 'Edit a shipping address',
        params: addressParams,
        body: checkout.addressInput,
        response: { 200: address },
      },
    },
    async (request) => checkout.saveAddress(db, me(request), request.body, request.params.addressId),
  );
  app.delete(
    '/api/me/addresses/:addressId',
    { schema: { tags: ['checkout'], summary: 'Delete a shipping address', params: addressParams } },
    async (request, reply) => {
      await checkout.deleteAddress(db, me(request), request.params.addressId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/me/cart',
    { schema: { tags: ['checkout'], summary: 'The cart, grouped by shop', response: { 200: cartView } } },
    async (request) => checkout.cart(db, me(request)),
  );
  app.put(
    '/api/me/cart/items',
    {
      schema: {
        tags: ['checkout'],
        summary: 'Add to the cart (add: true) or set a line’s quantity (0 removes it)',
        body: z.object({
          shopId: z.string().min(1).max(64),
          skuId: z.string().min(1).max(64),
          quantity: z.number().int().min(0).max(999),
          add: z.boolean().default(false),
        }),
        response: { 200: cartView },
      },
    },
    async (request) => {
      await checkout.setCartQuantity(db, me(request), request.body);
      return checkout.cart(db, me(request));
    },
  );
  app.post(
    '/api/me/cart/remove',
    {
      schema: {
        tags: ['checkout'],
        summary: 'Remove lines from the cart',
        body: z.object({
          lines: z
            .array(z.object({ shopId: z.string().min(1).max(64), skuId: z.string().min(1).max(64) }))
            .min(1)
            .max(100),
        }),
        response: { 200: cartView },
      },
    },
    async (request) => {
      await checkout.removeFromCart(db, me(request), request.body.lines);
      return checkout.cart(db, me(request));
    },
  );

  app.post(
    '/api/checkout/preview',
    {
      schema: {
        tags: ['checkout'],
        summary: 'Totals per shop before placing',
        body: checkout.checkoutInput.pick({ lines: true, delivery: true }),
        response: { 200: previewView },
      },
    },
    async (request) => {
      me(request);
      return checkout.preview(db, request.body.lines, request.body.delivery);
    },
  );
  app.post(
    '/api/checkout',
    {
      schema: {
        tags: ['checkout'],
        summary: 'Place orders (one per shop) and open their payment. Send an Idempotency-Key.',
        body: checkout.checkoutInput,
        response: {
          201: z.object({
            orders: z.array(orderView),
            paymentId: z.string(),
            payUrl: z.string().nullable(),
            total: z.number().int(),
          }),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await checkout.placeOrders(db, me(request), request.body, '/m/orders?paid=1')),
  );
}
