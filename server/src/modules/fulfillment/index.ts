import type { Module } from '../../kernel/module.js';
import { fulfillmentRoutes } from './routes.js';
import * as fulfillment from './service.js';

export * as fulfillment from './service.js';
export { shipmentView as shipmentSchema, decisionView as decisionSchema } from './views.js';
export type { ShipmentView, DecisionView, AllocateInput } from './service.js';
export type { ShipmentKind, ShipmentLine, ShipmentStatus } from './schema.js';

export const fulfillmentModule: Module = {
  name: 'fulfillment',
  routes: fulfillmentRoutes,
  jobs: ({ db }) => [
    {
      name: 'fulfillment.pool-timeout',
      handle: async (p) => {
        const { shopId, shipmentId } = p as { shopId: string; shipmentId: string };
        await fulfillment.poolTimeout(db, shopId, shipmentId);
      },
    },
  ],
};
