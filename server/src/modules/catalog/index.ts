import type { Module } from '../../kernel/module.js';
import { catalogRoutes } from './routes.js';
import { addSales, ensurePlatformCategories, publishScheduled } from './service.js';

export * as catalog from './service.js';

export const catalogModule: Module = {
  name: 'catalog',
  init: ({ db }) => ensurePlatformCategories(db),
  routes: catalogRoutes,
  subscribers: () => [
    {
      name: 'catalog.sales',
      topics: ['order.paid'],
      handle: async (event, tx) => {
        const p = event.payload as { shopId: string; lines: { productId: string; quantity: number }[] };
        await addSales(tx, p.shopId, p.lines);
      },
    },
  ],
  jobs: ({ db }) => [
    { name: 'catalog.publish-scheduled', everyMs: 30_000, handle: async () => void (await publishScheduled(db)) },
  ],
};
