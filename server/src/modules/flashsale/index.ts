import type { Module } from '../../kernel/module.js';
import { flashsaleRoutes } from './routes.js';
import { runtimeFor } from './runtime.js';
import * as flashsale from './service.js';

export * as flashsale from './service.js';

export const flashsaleModule: Module = {
  name: 'flashsale',
  routes: flashsaleRoutes,
  subscribers: () => [
    { name: 'flashsale.order-paid', topics: ['order.paid'], handle: flashsale.onOrderPaid },
    { name: 'flashsale.order-cancelled', topics: ['order.cancelled'], handle: flashsale.onOrderCancelled },
  ],
  jobs: (ctx) => [
    {
      name: 'flashsale.end',
      handle: async (p) => {
        const { shopId, saleId } = p as { shopId: string; saleId: string };
        await flashsale.endSale(runtimeFor(ctx), shopId, saleId, { onlyIfDue: true });
      },
    },
    {
      name: 'flashsale.restore-gate',
      handle: async (p) => {
        const { saleId, buyer, entryId } = p as { saleId: string; buyer: string; entryId: string };
        await runtimeFor(ctx).gate.restore(saleId, buyer, entryId);
      },
    },
    {
      name: 'flashsale.reconcile',
      everyMs: 30_000,
      handle: async () => {
        await flashsale.reconcile(runtimeFor(ctx));
      },
    },
  ],
};
