import type { Module } from '../../kernel/module.js';
import { testpayRoutes } from './routes.js';
import { testpaySecret } from './secret.js';
import { deliverNotification } from './service.js';

export * as testpay from './service.js';
export { testpaySecret } from './secret.js';

export const testpayModule: Module = {
  name: 'testpay',
  routes: testpayRoutes,
  jobs: ({ db, config }) => [
    {
      name: 'testpay.notify',
      maxAttempts: 10,
      handle: async (payload) =>
        deliverNotification(db, await testpaySecret(config.DATA_DIR), (payload as { ref: string }).ref),
    },
  ],
};
