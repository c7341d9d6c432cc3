import type { Module } from '../../kernel/module.js';
import { domainSubscribers } from './domain.js';
import { ensurePartitionsAround } from './events-table.js';
import { REFRESH_JOB } from './profiles.js';
import { recomputeShop, refreshShop, shopsWithCustomers } from './refresh.js';
import { customersRoutes } from './routes.js';
import { bindDatabase } from './store.js';

export * as customers from './service.js';

/**
 * 聚星台 customer center: the behaviour log (beacon + domain events), per-shop profiles, tags
 * and segments as Roaring bitmaps, look-alike and RFM clusters, and portraits with TGI.
 */
export const customersModule: Module = {
  name: 'customers',
  init: ({ db }) => bindDatabase(db),
  routes: customersRoutes,
  subscribers: ({ db }) => domainSubscribers(db),
  jobs: ({ db }) => [
    {
      name: REFRESH_JOB,
      handle: async (p) => void (await refreshShop(db, (p as { shopId: string }).shopId)),
    },
    {
      // Time moves customers between lifecycle stages and RFM classes and slides behaviour windows.
      name: 'customers.recompute',
      everyMs: 3_600_000,
      handle: async () => {
        for (const shopId of await shopsWithCustomers(db)) await recomputeShop(db, shopId);
      },
    },
    {
      name: 'customers.partitions',
      everyMs: 86_400_000,
      handle: async () => void (await ensurePartitionsAround(db)),
    },
  ],
};
