import { z } from 'zod';
import { requirePrincipal } from '../../kernel/http/auth.js';
import { pageOf, pageQuery } from '../../kernel/http/pagination.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { productCard } from '../catalog/routes.js';
import { shopAccess } from '../shops/index.js';
import { stats } from '../stats/index.js';
import { resolvedPlacementView, shopperOf, strategy } from '../strategy/index.js';
import * as storefront from './service.js';

const shopIdParams = z.object({ shopId: z.string().min(1).max(64) });
const banner = z.object({ imageUrl: z.string(), title: z.string().nullable(), link: z.string().nullable() });
const decorationView = z.object({
  banners: z.array(banner),
  notice: z.string().nullable(),
  updatedAt: z.string().nullable().describe('null until the shop first saves its decoration'),
});
const followView = z.object({ followed: z.boolean(), followers: z.number().int() });
const productParams = shopIdParams.extend({ productId: z.string().min(1).max(64) });
const favouriteView = z.object({
  favourited: z.boolean().describe('whether the signed-in caller has favourited the product (false when anonymous)'),
  favourites: z.number().int().describe('how many shoppers have favourited the product'),
});
const favouriteItem = z.object({
  shopId: z.string(),
  shopName: z.string(),
  productId: z.string(),
  title: z.string(),
  image: z.string().nullable(),
  priceMin: z.number().int(),
  priceMax: z.number().int(),
  onSale: z.boolean().describe('false if the product has since gone off shelf or its shop is not open'),
  favouritedAt: z.string(),
});
const followedShop = z.object({
  shopId: z.string(),
  name: z.string(),
  logoUrl: z.string().nullable(),
  mainCategory: z.string(),
  open: z.boolean().describe('false if the shop has since closed'),
  followedAt: z.string(),
});
const shopSummaryView = z.object({
  id: z.string(),
  name: z.string(),
  logoUrl: z.string().nullable(),
  mainCategory: z.string(),
  mainCategoryName: z.string(),
  followers: z.number().int(),
  followed: z.boolean().describe('whether the signed-in caller follows the shop (false when anonymous)'),
});
const homeView = z.object({
  shop: shopSummaryView,
  notice: z.string().nullable(),
  banners: z.array(banner),
  categories: z.array(z.object({ id: z.string(), name: z.string() })),
  products: pageOf(productCard).describe(
    'best sellers first; more with GET /api/storefront/shops/{shopId}/products?sort=sales&cursor=',
  ),
  placements: z
    .array(resolvedPlacementView)
    .describe("the shop's personalised placements (hero banner, product module) resolved for the caller"),
});

export async function storefrontRoutes(app: App, { db, config }: ModuleContext) {
  // ---- workbench: decoration
  app.get(
    '/api/shops/:shopId/decoration',
    {
      config: { permission: 'shop.view' },
      schema: {
        tags: ['storefront'],
        summary: "The storefront home's banners and notice",
        params: shopIdParams,
        response: { 200: decorationView },
      },
    },
    async (request) => storefront.getDecoration(db, shopAccess(request).shopId),
  );
  app.put(
    '/api/shops/:shopId/decoration',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['storefront'],
        summary: "Replace the storefront home's banners (up to 5) and notice",
        description:
          'Banner images are uploaded media (`/media/…`) or http(s) addresses; a link is a path on this site (`/m/…`) or an http(s) address. An empty notice removes it.',
        params: shopIdParams,
        body: storefront.decorationInput,
        response: { 200: decorationView },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return storefront.saveDecoration(db, access.shopId, access.accountId, request.body);
    },
  );

  // ---- shoppers
  app.get(
    '/api/storefront/shops/:shopId/home',
    {
      schema: {
        tags: ['storefront'],
        summary: "A shop's storefront home",
        description:
          'Counts a visit for the shop dashboard (the signed-in account, else the `qd_vid` cookie, set here if missing). 404 unless the shop is open.',
        params: shopIdParams,
        response: { 200: homeView },
      },
    },
    async (request, reply) => {
      const { shopId } = request.params;
      const view = await storefront.home(db, shopId, request.principal?.accountId ?? null, request.locale);
      const shopper = shopperOf(request, reply, config.COOKIE_SECURE);
      const placements = await strategy.resolvePage(db, shopId, 'shop_home', shopper, {}, request.log);
      await stats.trackVisit(db, request, reply, { shopId, secureCookie: config.COOKIE_SECURE });
      return { ...view, placements };
    },
  );
  app.get(
    '/api/storefront/shops/:shopId/summary',
    {
      schema: {
        tags: ['storefront'],
        summary: 'A shop as a product page shows it (name, logo, followers)',
        description:
          'Counts no visit and resolves no placements, so it records no strategy exposure. 404 unless the shop is open.',
        params: shopIdParams,
        response: { 200: shopSummaryView },
      },
    },
    async (request) =>
      storefront.shopSummary(db, request.params.shopId, request.principal?.accountId ?? null, request.locale),
  );
  app.post(
    '/api/storefront/shops/:shopId/follow',
    {
      schema: {
        tags: ['storefront'],
        summary: 'Follow a shop (idempotent)',
        params: shopIdParams,
        response: { 200: followView },
      },
    },
    async (request) => storefront.setFollow(db, request.params.shopId, requirePrincipal(request).accountId, true),
  );
  app.delete(
    '/api/storefront/shops/:shopId/follow',
    {
      schema: {
        tags: ['storefront'],
        summary: 'Unfollow a shop (idempotent)',
        params: shopIdParams,
        response: { 200: followView },
      },
    },
    async (request) => storefront.setFollow(db, request.params.shopId, requirePrincipal(request).accountId, false),
  );
  app.get(
    '/api/storefront/shops/:shopId/products/:productId/favourite',
    {
      schema: {
        tags: ['storefront'],
        summary: "A product's favourite count and whether the caller has favourited it",
        description:
          'Anonymous callers get `favourited: false`. Answers for any ids (the product detail says whether the product exists).',
        params: productParams,
        response: { 200: favouriteView },
      },
    },
    async (request) =>
      storefront.favouriteState(
        db,
        request.params.shopId,
        request.params.productId,
        request.principal?.accountId ?? null,
      ),
  );
  app.put(
    '/api/storefront/shops/:shopId/products/:productId/favourite',
    {
      schema: {
        tags: ['storefront'],
        summary: 'Favourite a product (收藏; idempotent)',
        description: `The product must be on sale (on shelf in an open shop), else 404. An account keeps at most ${storefront.FAVOURITES_PER_ACCOUNT} favourites (409 \`storefront.favourites_full\`).`,
        params: productParams,
        response: { 200: favouriteView },
      },
    },
    async (request) =>
      storefront.setFavourite(
        db,
        request.params.shopId,
        request.params.productId,
        requirePrincipal(request).accountId,
        true,
      ),
  );
  app.delete(
    '/api/storefront/shops/:shopId/products/:productId/favourite',
    {
      schema: {
        tags: ['storefront'],
        summary: 'Unfavourite a product (idempotent; whatever state the product is in)',
        params: productParams,
        response: { 200: favouriteView },
      },
    },
    async (request) =>
      storefront.setFavourite(
        db,
        request.params.shopId,
        request.params.productId,
        requirePrincipal(request).accountId,
        false,
      ),
  );
  app.get(
    '/api/me/favourites',
    {
      schema: {
        tags: ['storefront'],
        summary: 'Products the signed-in account has favourited, latest first',
        querystring: pageQuery,
        response: { 200: pageOf(favouriteItem) },
      },
    },
    async (request) => storefront.myFavourites(db, requirePrincipal(request).accountId, request.query),
  );
  app.get(
    '/api/me/follows',
    {
      schema: {
        tags: ['storefront'],
        summary: 'Shops the signed-in account follows, latest first',
        querystring: pageQuery,
        response: { 200: pageOf(followedShop) },
      },
    },
    async (request) => storefront.myFollows(db, requirePrincipal(request).accountId, request.query),
  );
}
