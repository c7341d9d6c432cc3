import type { Module } from '../../kernel/module.js';
import { ordersRoutes } from './routes.js';
import * as orders from './service.js';

export * as orders from './service.js';
export type { ShippingAddress, OrderStatus } from './schema.js';

type Ref = { shopId: string; orderId: string };

/** Whether after-sales holds an order open; the after-sales module plugs itself in here. */
let heldOpen: (tx: Parameters<Parameters<typeof orders.complete>[3]>[0], ref: Ref) => Promise<boolean> = async () =>
  false;
export function setCompletionGuard(guard: typeof heldOpen) {
  heldOpen = guard;
}

export const ordersModule: Module = {
  name: 'orders',
  routes: ordersRoutes,
  subscribers: () => [
    { name: 'orders.payment-succeeded', topics: ['payment.succeeded'], handle: orders.onPaymentSucceeded },
    { name: 'orders.refund-succeeded', topics: ['refund.succeeded'], handle: orders.onRefundSucceeded },
    {
      name: 'orders.parcel-done',
      topics: ['fulfillment.shipment_shipped', 'fulfillment.shipment_picked_up'],
      handle: orders.onParcelDone,
    },
  ],
  jobs: ({ db }) => [
    {
      name: 'orders.auto-cancel',
      handle: async (p) => {
        const { shopId, orderId } = p as Ref;
        await orders
          .cancel(db, shopId, orderId, { actorId: null, reason: 'payment_timeout' })
          .catch((e: { code?: string }) => {
            if (e.code !== 'orders.wrong_status') throw e; // paid in time: nothing to cancel
          });
      },
    },
    {
      name: 'orders.auto-confirm',
      handle: async (p) => {
        const { shopId, orderId } = p as Ref;
        await orders.confirmReceipt(db, shopId, orderId, null);
      },
    },
    {
      name: 'orders.complete',
      handle: async (p) => {
        const ref = p as Ref;
        await orders.complete(db, ref.shopId, ref.orderId, (tx) => heldOpen(tx, ref));
      },
    },
  ],
};
