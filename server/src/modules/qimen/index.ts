import type { Module } from '../../kernel/module.js';
import { onShipmentCancelled, onShipmentReady, onShipmentRerouted, SEND_JOB, sendMessage } from './outbound.js';
import { purgeMessages } from './log.js';
import { qimenRoutes } from './routes.js';

export * as qimenPartners from './partners.js';
export * as qimenProtocol from './protocol.js';
export { outboundPolicy, resend } from './outbound.js';
export { purgeMessages, purgePolicy } from './log.js';
export { handleInbound, INBOUND_METHODS } from './inbound.js';
export { ROUTER_PATH } from './routes.js';

const PURGE_JOB = 'qimen.purge-log';

/**
 * Qimen (奇门) gateway: partners (WMS / ERP / POS) and the warehouses they run, the inbound
 * router, outbound delivery orders with retries and dead letters, and the message log.
 */
export const qimenModule: Module = {
  name: 'qimen',
  routes: qimenRoutes,
  subscribers: () => [
    { name: 'qimen.shipment-ready', topics: ['fulfillment.shipment_ready'], handle: onShipmentReady },
    { name: 'qimen.shipment-cancelled', topics: ['fulfillment.shipment_cancelled'], handle: onShipmentCancelled },
    { name: 'qimen.shipment-rerouted', topics: ['fulfillment.shipment_rerouted'], handle: onShipmentRerouted },
  ],
  jobs: ({ db, config }) => [
    {
      name: SEND_JOB,
      maxAttempts: 3,
      handle: (payload) => sendMessage(db, payload as { shopId: string; messageId: string; attempt: number }),
    },
    {
      // The message log keeps QIMEN_LOG_RETENTION_DAYS (default 30, at least 7).
      name: PURGE_JOB,
      everyMs: 3_600_000,
      handle: async () => void (await purgeMessages(db, config.QIMEN_LOG_RETENTION_DAYS)),
    },
  ],
};
