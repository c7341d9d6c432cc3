import { z } from 'zod';
import { pageOf } from '../../kernel/http/pagination.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { shopAccess } from '../shops/index.js';
import { stats } from '../stats/index.js';
import * as catalog from './service.js';

const shopIdParams = z.object({ shopId: z.string().min(1).max(64) });
const productParams = shopIdParams.extend({ productId: z.string().min(1).max(64) });

const skuView = z.object({
  id: z.string(),
  spec: z.record(z.string(), z.string()),
  price: z.number().int(),
  originalPrice: z.number().int().nullable(),
  barcode: z.string().nullable(),
  imageUrl: z.string().nullable(),
  enabled: z.boolean(),
  available: z.number().int(),
});
export const productView = z.object({
  id: z.string(),
  shopId: z.string(),
  title: z.string(),
  subtitle: z.string().nullable(),
  platformCategoryId: z.string(),
  shopCategoryId: z.string().nullable(),
  status: z.enum(['draft', 'on_shelf', 'off_shelf', 'scheduled']),
  onShelfAt: z.string().nullable(),
  specAxes: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
  images: z.array(z.string()),
  detailBlocks: z.array(catalog.detailBlock),
  priceMin: z.number().int(),
  priceMax: z.number().int(),
  salesCount: z.number().int(),
  skus: z.array(skuView),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const productCard = z.object({
  id: z.string(),
  shopId: z.string(),
  shopName: z.string().nullable(),
  title: z.string(),
  subtitle: z.string().nullable(),
  image: z.string().nullable(),
  priceMin: z.number().int(),
  priceMax: z.number().int(),
  salesCount: z.number().int(),
});
const category = z.object({ id: z.string(), name: z.string(), sort: z.number().int() });
type Node = { id: string; name: string; children: Node[] };
const categoryNode: z.ZodType<Node> = z.lazy(() =>
  z.object({ id: z.string(), name: z.string(), children: z.array(categoryNode) }),
);
// A recursive schema must be a named component of the OpenAPI document.
z.globalRegistry.add(categoryNode, { id: 'CategoryNode' });

export async function catalogRoutes(app: App, { db, config }: ModuleContext) {
  app.get(
    '/api/platform-categories',
    {
      schema: {
        tags: ['catalog'],
        summary: 'The platform category tree',
        response: { 200: z.object({ items: z.array(categoryNode) }) },
      },
    },
    async (request) => ({ items: await catalog.platformCategoryTree(db, request.locale) }),
  );

  // ---- workbench: the shop's categories
  app.get(
    '/api/shops/:shopId/categories',
    {
      config: { permission: 'products.read' },
      schema: {
        tags: ['catalog'],
        summary: "The shop's own categories",
        params: shopIdParams,
        response: { 200: z.object({ items: z.array(category) }) },
      },
    },
    async (request) => ({ items: await catalog.shopCategoryList(db, shopAccess(request).shopId) }),
  );
  app.post(
    '/api/shops/:shopId/categories',
    {
      config: { permission: 'products.write' },
      schema: {
        tags: ['catalog'],
        summary: 'Add a shop category',
        params: shopIdParams,
        body: z.object({ name: z.string().trim().min(1).max(20), sort: z.number().int().min(0).max(9999).optional() }),
        response: { 201: category },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await catalog.saveShopCategory(db, shopAccess(request).shopId, request.body)),
  );
  const categoryParams = shopIdParams.extend({ categoryId: z.string().min(1).max(64) });
  app.patch(
    '/api/shops/:shopId/categories/:categoryId',
    {
      config: { permission: 'products.write' },
      schema: {
        tags: ['catalog'],
        summary: 'Rename or reorder a shop category',
        params: categoryParams,
        body: z.object({ name: z.string().trim().min(1).max(20), sort: z.number().int().min(0).max(9999).optional() }),
        response: { 200: category },
      },
    },
    async (request) =>
      catalog.saveShopCategory(db, shopAccess(request).shopId, { ...request.body, id: request.params.categoryId }),
  );
  app.delete(
    '/api/shops/:shopId/categories/:categoryId',
    {
      config: { permission: 'products.write' },
      schema: { tags: ['catalog'], summary: 'Delete an unused shop category', params: categoryParams },
    },
    async (request, reply) => {
      await catalog.deleteShopCategory(db, shopAccess(request).shopId, request.params.categoryId);
      return reply.code(204).send();
    },
  );

  // ---- workbench: products
  app.get(
    '/api/shops/:shopId/products',
    {
      config: { permission: 'products.read' },
      schema: {
        tags: ['catalog'],
        summary: 'Products, newest changes first',
        params: shopIdParams,
        querystring: catalog.productListQuery,
        response: { 200: pageOf(productView) },
      },
    },
    async (request) => catalog.listProducts(db, shopAccess(request).shopId, request.query),
  );
  app.post(
    '/api/shops/:shopId/products',
    {
      config: { permission: 'products.write' },
      schema: {
        tags: ['catalog'],
        summary: 'Create a product with its SKUs and stock',
        params: shopIdParams,
        body: catalog.productInput,
        response: { 201: productView },
      },
    },
    async (request, reply) => {
      const access = shopAccess(request);
      return reply.code(201).send(await catalog.saveProduct(db, access.shopId, access.accountId, request.body));
    },
  );
  app.get(
    '/api/shops/:shopId/products/:productId',
    {
      config: { permission: 'products.read' },
      schema: {
        tags: ['catalog'],
        summary: 'One product with SKUs and stock',
        params: productParams,
        response: { 200: productView },
      },
    },
    async (request) => catalog.getProduct(db, shopAccess(request).shopId, request.params.productId),
  );
  app.put(
    '/api/shops/:shopId/products/:productId',
    {
      config: { permission: 'products.write' },
      schema: {
        tags: ['catalog'],
        summary: 'Replace a product (SKUs matched by their spec)',
        params: productParams,
        body: catalog.productInput,
        response: { 200: productView },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return catalog.saveProduct(db, access.shopId, access.accountId, request.body, request.params.productId);
    },
  );
  app.post(
    '/api/shops/:shopId/products/status',
    {
      config: { permission: 'products.write' },
      schema: {
        tags: ['catalog'],
        summary: 'Put products on or off the shelf in bulk',
        params: shopIdParams,
        body: z.object({
          productIds: z.array(z.string().min(1).max(64)).min(1).max(200),
          status: z.enum(['on_shelf', 'off_shelf']),
        }),
        response: { 200: z.object({ updated: z.number().int() }) },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return catalog.setStatus(db, access.shopId, access.accountId, request.body.productIds, request.body.status);
    },
  );

  // ---- storefront
  app.get(
    '/api/storefront/products',
    {
      schema: {
        tags: ['storefront'],
        summary: 'Search products across open shops',
        querystring: catalog.storefrontQuery,
        response: { 200: pageOf(productCard) },
      },
    },
    async (request) => catalog.browse(db, request.query),
  );
  app.get(
    '/api/storefront/shops/:shopId/products',
    {
      schema: {
        tags: ['storefront'],
        summary: "A shop's products on shelf",
        params: shopIdParams,
        querystring: catalog.storefrontQuery,
        response: { 200: pageOf(productCard) },
      },
    },
    async (request) => catalog.browse(db, request.query, request.params.shopId),
  );
  app.get(
    '/api/storefront/shops/:shopId/products/:productId',
    {
      schema: {
        tags: ['storefront'],
        summary: 'Product detail for shoppers',
        params: productParams,
        response: { 200: productView },
      },
    },
    async (request, reply) => {
      const view = await catalog.productForShopper(db, request.params.shopId, request.params.productId);
      // Counts for the shop's data dashboard (visitor and product view).
      await stats.trackVisit(db, request, reply, {
        shopId: view.shopId,
        productId: view.id,
        secureCookie: config.COOKIE_SECURE,
      });
      return view;
    },
  );
}
