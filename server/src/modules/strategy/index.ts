import { listen } from '../../kernel/events/dispatcher.js';
import type { Module } from '../../kernel/module.js';
import { customers } from '../customers/index.js';
import { strategyRoutes } from './routes.js';
import {
  attributeOrder,
  CHANGE_CHANNEL,
  flushExposures,
  interactionsOf,
  invalidate,
  recordInteractions,
  refundOrder,
  startExposureWriter,
} from './service.js';

export * as strategy from './service.js';
export { registerPlacementType, type PlacementType } from './placements.js';
export { resolvedPlacementView, shopperOf } from './routes.js';

/**
 * The strategy center (千人千面): placements on storefront pages, strategies that give each
 * segment of shoppers its own content with a holdout to measure against, and effect reports.
 */
export const strategyModule: Module = {
  name: 'strategy',
  init: ({ db }) => {
    startExposureWriter(db);
    // Placement clicks and add-to-carts arrive through the customers module's beacon.
    customers.onBehaviour(async (shopId, events) => {
      const interactions = interactionsOf(events);
      if (interactions.length) await recordInteractions(db, shopId, interactions);
    });
  },
  routes: async (app, ctx) => {
    await strategyRoutes(app, ctx);
    // Cached strategies are dropped when any process changes them (NOTIFY from the change's
    // transaction); the cache also expires by itself, in case a notification is missed.
    const unlisten = await listen(ctx.db.$client, CHANGE_CHANNEL, () => invalidate(), ctx.log);
    app.addHook('onClose', async () => {
      await unlisten();
      await flushExposures(ctx.db).catch((err: unknown) => ctx.log.warn({ err }, 'could not write exposures'));
    });
  },
  subscribers: () => [
    {
      name: 'strategy.attribute-order',
      topics: ['order.paid'],
      handle: async (event, tx) => {
        const p = event.payload as { shopId: string; orderId: string; buyerAccountId: string; total: number };
        await attributeOrder(tx, { ...p, paidAt: new Date(event.createdAt) });
      },
    },
    {
      name: 'strategy.refund',
      topics: ['refund.succeeded'],
      handle: async (event, tx) => {
        const p = event.payload as { shopId: string; refundId: string; orderId: string | null; amount: number };
        await refundOrder(tx, p);
      },
    },
  ],
};
