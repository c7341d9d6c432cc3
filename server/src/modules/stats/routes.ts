import { z } from 'zod';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { shopAccess } from '../shops/index.js';
import * as stats from './service.js';

const shopIdParams = z.object({ shopId: z.string().min(1).max(64) });
const money = z.number().int().describe('fen');
const dashboardView = z.object({
  range: z.enum(['today', '7d', '30d']),
  timeZone: z.literal('Asia/Shanghai'),
  from: z.string().describe('first day of the range, YYYY-MM-DD (Asia/Shanghai)'),
  to: z.string().describe('last day of the range (today), YYYY-MM-DD (Asia/Shanghai)'),
  gmv: money.describe('paid amount of orders paid in the range, shipping included, refunds not deducted (fen)'),
  orders: z.number().int().describe('orders paid in the range'),
  payingShoppers: z.number().int().describe('distinct buyers of those orders'),
  visitors: z.number().int().describe('distinct storefront visitors (shop home and product detail) over the range'),
  conversion: z.number().min(0).max(1).describe('payingShoppers / visitors, 0..1, 4 decimals; 0 without visitors'),
  averageOrderValue: money.describe('gmv / orders, rounded (fen); 0 without orders'),
  refunds: money.describe('money refunded to shoppers in the range, by refund time (fen)'),
  trend: z.array(
    z.object({
      date: z.string().describe('YYYY-MM-DD (Asia/Shanghai)'),
      gmv: money,
      orders: z.number().int(),
      visitors: z.number().int(),
      payingShoppers: z.number().int(),
    }),
  ),
  topProducts: z.array(
    z.object({
      productId: z.string(),
      title: z.string(),
      imageUrl: z.string().nullable(),
      quantity: z.number().int(),
      gmv: money.describe('line totals, without shipping (fen)'),
      views: z.number().int().describe('product detail views in the range'),
    }),
  ),
});

export async function statsRoutes(app: App, { db }: ModuleContext) {
  app.get(
    '/api/shops/:shopId/dashboard',
    {
      config: { permission: 'data.read' },
      schema: {
        tags: ['stats'],
        summary: 'The data dashboard: sales, visitors, conversion, trend and top products',
        description:
          'Computed from the records: orders paid in the range (by payment time), refunds, and storefront visits. ' +
          'Days are Asia/Shanghai calendar days (UTC+8): `today` is the current Shanghai day, `7d`/`30d` the last 7/30 days including today; ' +
          '`trend` has one row per day, oldest first, zeros included. Money in fen.',
        params: shopIdParams,
        querystring: stats.dashboardQuery,
        response: { 200: dashboardView },
      },
    },
    async (request) => stats.dashboard(db, shopAccess(request).shopId, request.query.range),
  );
}
