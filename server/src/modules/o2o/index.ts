import type { Module } from '../../kernel/module.js';
import { o2oRoutes } from './routes.js';
import * as o2o from './service.js';

export * as o2o from './service.js';

export const o2oModule: Module = {
  name: 'o2o',
  routes: o2oRoutes,
  subscribers: () => [
    { name: 'o2o.pickup-issue', topics: ['fulfillment.shipment_ready'], handle: o2o.onShipmentReady },
    { name: 'o2o.pickup-cancelled', topics: ['fulfillment.shipment_cancelled'], handle: o2o.onShipmentCancelled },
    { name: 'o2o.pickup-picked-up', topics: ['fulfillment.shipment_picked_up'], handle: o2o.onShipmentPickedUp },
    { name: 'o2o.parcel-ready', topics: ['fulfillment.shipment_ready'], handle: o2o.onParcelReady },
    {
      name: 'o2o.parcel-gone',
      topics: ['fulfillment.shipment_shipped', 'fulfillment.shipment_cancelled', 'fulfillment.shipment_rerouted'],
      handle: o2o.onParcelGone,
    },
    { name: 'o2o.credit-paid', topics: ['order.paid'], handle: o2o.onOrderPaid },
    { name: 'o2o.credit-cancelled', topics: ['order.cancelled'], handle: o2o.onOrderCancelled },
    { name: 'o2o.credit-refunded', topics: ['refund.succeeded'], handle: o2o.onRefundSucceeded },
  ],
  jobs: ({ db }) => [
    {
      name: 'o2o.pickup-expire',
      handle: async (p) => {
        const { shopId, shipmentId } = p as { shopId: string; shipmentId: string };
        await o2o.expirePickup(db, shopId, shipmentId);
      },
    },
  ],
};
