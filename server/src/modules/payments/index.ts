import type { Module } from '../../kernel/module.js';
import { paymentsRoutes } from './routes.js';
import { executeRefund, setupPayments } from './service.js';

export * as payments from './service.js';
export type { PaymentProvider, ProviderNotification } from './provider.js';

export const paymentsModule: Module = {
  name: 'payments',
  init: ({ db, config }) => {
    setupPayments(db, config);
  },
  routes: paymentsRoutes,
  jobs: ({ db }) => [
    {
      name: 'payments.execute-refund',
      maxAttempts: 10,
      handle: (p) => executeRefund(db, (p as { refundId: string }).refundId),
    },
  ],
};
