import type { Module } from '../../kernel/module.js';
import { inventoryRoutes } from './routes.js';

export * as inventory from './service.js';
export * as stockTransfers from './transfers.js';
export * as stocktakes from './stocktakes.js';

export const inventoryModule: Module = { name: 'inventory', routes: inventoryRoutes };
