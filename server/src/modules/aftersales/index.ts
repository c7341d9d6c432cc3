import type { Module } from '../../kernel/module.js';
import { setCompletionGuard } from '../orders/index.js';
import { aftersalesRoutes } from './routes.js';
import { hasOpenCase, onRefundSucceeded } from './service.js';

export * as aftersales from './service.js';

export const aftersalesModule: Module = {
  name: 'aftersales',
  init: () => setCompletionGuard((tx, ref) => hasOpenCase(tx, ref.shopId, ref.orderId)),
  routes: aftersalesRoutes,
  subscribers: () => [{ name: 'aftersales.refund-succeeded', topics: ['refund.succeeded'], handle: onRefundSucceeded }],
};
