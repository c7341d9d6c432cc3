import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { newId } from '../../kernel/ids.js';
import { pageOf } from '../../kernel/http/pagination.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { shopAccess } from '../shops/index.js';
import { stats } from '../stats/index.js';
import { placementTypes } from './placements.js';
import * as strategy from './service.js';

const shopIdParams = z.object({ shopId: z.string().min(1).max(64) });
const strategyParams = shopIdParams.extend({ strategyId: z.string().min(1).max(64) });
const label = z.object({ 'zh-CN': z.string(), 'en-US': z.string() });

export const strategyView = z.object({
  id: z.string(),
  name: z.string(),
  placement: z.string(),
  status: z.enum(['draft', 'active', 'paused', 'ended']),
  priority: z.number().int(),
  rules: z.array(z.object({ segmentId: z.string(), variantId: z.string() })),
  variants: z.array(z.object({ id: z.string(), name: z.string(), content: z.record(z.string(), z.unknown()) })),
  defaultVariantId: z.string(),
  holdoutPercent: z.number().int(),
  attributionDays: z.number().int(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const optionsView = z.object({
  placements: z.array(z.object({ key: z.string(), page: z.string(), label })),
  segments: z.array(z.object({ id: z.string(), name: z.string(), count: z.number().int() })),
});

const armView = z.object({
  variantId: z.string().describe('a variant id, or `holdout`'),
  name: z.string().nullable(),
  holdout: z.boolean(),
  exposed: z.number().int().describe('distinct shoppers shown this arm'),
  views: z.number().int(),
  clickers: z.number().int(),
  addToCartShoppers: z.number().int(),
  buyers: z.number().int(),
  orders: z.number().int(),
  gmv: z.number().int().describe('fen, net of refunds'),
  refunded: z.number().int().describe('fen refunded of the attributed orders since'),
  conversion: z.number().describe('buyers / exposed'),
  gmvPerExposed: z.number().int().describe('fen'),
  versusHoldout: z
    .object({
      conversionUplift: z.number().nullable().describe('relative; null when the holdout converted nobody'),
      conversionDifference: z.number(),
      gmvPerExposedUplift: z.number().nullable(),
      z: z.number().nullable(),
      pValue: z.number().nullable().describe('two-proportion z-test, two-sided'),
      ciLow: z.number().nullable().describe('confidence interval of the conversion difference'),
      ciHigh: z.number().nullable(),
    })
    .nullable(),
});
const reportView = z.object({
  strategy: strategyView,
  confidence: z.number(),
  arms: z.array(armView),
  daily: z.array(z.object({ day: z.string(), variantId: z.string(), exposed: z.number().int() })),
});

/** A placement as the storefront receives it; `content` is one of the placement types' views. */
export const resolvedPlacementView = z.object({
  placement: z.string(),
  strategyId: z.string(),
  variantId: z.string(),
  holdout: z.boolean().describe('the holdout sees the page without the strategy: content is null'),
  content: z
    .union(placementTypes().map((t) => t.view) as [z.ZodType, z.ZodType, ...z.ZodType[]])
    .nullable()
    .describe('null: show the page’s own default'),
});

const VISITOR_ID = /^vis_[0-9a-z]{20,40}$/;

/**
 * The shopper of a storefront request: the signed-in account and the visitor cookie. Sets the
 * cookie when missing (and notes it on the request, so the visit counter uses the same id).
 */
export function shopperOf(request: FastifyRequest, reply: FastifyReply, secure: boolean): strategy.Shopper {
  let deviceId = request.cookies[stats.VISITOR_COOKIE];
  if (!deviceId || !VISITOR_ID.test(deviceId)) {
    deviceId = newId('vis');
    reply.setCookie(stats.VISITOR_COOKIE, deviceId, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: 365 * 24 * 3600,
    });
    request.cookies[stats.VISITOR_COOKIE] = deviceId;
  }
  return { accountId: request.principal?.accountId ?? null, deviceId };
}

export async function strategyRoutes(app: App, { db, config }: ModuleContext) {
  app.get(
    '/api/shops/:shopId/strategies',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['strategy'],
        summary: 'Personalisation strategies (千人千面), newest first',
        params: shopIdParams,
        querystring: strategy.listQuery,
        response: { 200: pageOf(strategyView) },
      },
    },
    async (request) => strategy.listStrategies(db, shopAccess(request).shopId, request.query),
  );
  app.get(
    '/api/shops/:shopId/strategy-options',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['strategy'],
        summary: 'What the strategy editor offers: placement types and the shop’s segments with counts',
        params: shopIdParams,
        response: { 200: optionsView },
      },
    },
    async (request) => strategy.editorOptions(db, shopAccess(request).shopId),
  );
  app.post(
    '/api/shops/:shopId/strategies',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['strategy'],
        summary: 'Create a strategy (as a draft)',
        description:
          'Rules map segments to variants, tried in order; shoppers no rule matches see the default variant; the holdout share sees the page without the strategy.',
        params: shopIdParams,
        body: strategy.strategyInput,
        response: { 201: strategyView },
      },
    },
    async (request, reply) => {
      const access = shopAccess(request);
      reply.code(201);
      return strategy.createStrategy(db, access.shopId, access.accountId, request.body);
    },
  );
  app.get(
    '/api/shops/:shopId/strategies/:strategyId',
    {
      config: { permission: 'marketing.manage' },
      schema: { tags: ['strategy'], summary: 'One strategy', params: strategyParams, response: { 200: strategyView } },
    },
    async (request) => strategy.getStrategy(db, shopAccess(request).shopId, request.params.strategyId),
  );
  app.put(
    '/api/shops/:shopId/strategies/:strategyId',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['strategy'],
        summary: 'Replace a draft or paused strategy',
        params: strategyParams,
        body: strategy.strategyInput,
        response: { 200: strategyView },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return strategy.updateStrategy(db, access.shopId, request.params.strategyId, access.accountId, request.body);
    },
  );
  app.post(
    '/api/shops/:shopId/strategies/:strategyId/status',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['strategy'],
        summary: 'Start, pause, resume or end a strategy',
        params: strategyParams,
        body: strategy.statusInput,
        response: { 200: strategyView },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return strategy.setStatus(db, access.shopId, request.params.strategyId, access.accountId, request.body.status);
    },
  );
  app.get(
    '/api/shops/:shopId/strategies/:strategyId/report',
    {
      config: { permission: 'marketing.manage' },
      schema: {
        tags: ['strategy'],
        summary: 'Effect report: each variant against the holdout',
        description:
          'Per arm: exposed shoppers, clickers, add-to-cart shoppers, buyers and GMV of orders paid within the attribution window after an exposure; conversion = buyers / exposed, with a two-proportion z-test and a 95 % interval against the holdout.',
        params: strategyParams,
        response: { 200: reportView },
      },
    },
    async (request) => strategy.report(db, shopAccess(request).shopId, request.params.strategyId),
  );

  // ---- shoppers: the product detail page's placements (the shop home carries its own)
  app.get(
    '/api/storefront/shops/:shopId/products/:productId/placements',
    {
      schema: {
        tags: ['storefront'],
        summary: 'Personalised placements of a product detail page',
        description:
          'Resolved for the caller (signed-in account, else the `qd_vid` cookie, set here if missing); each exposure is counted for the strategy’s effect report.',
        params: shopIdParams.extend({ productId: z.string().min(1).max(64) }),
        response: { 200: z.object({ items: z.array(resolvedPlacementView) }) },
      },
    },
    async (request, reply) => {
      const { shopId, productId } = request.params;
      const shopper = shopperOf(request, reply, config.COOKIE_SECURE);
      return { items: await strategy.resolvePage(db, shopId, 'product_detail', shopper, { productId }, request.log) };
    },
  );
}
