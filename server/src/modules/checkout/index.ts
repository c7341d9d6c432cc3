import type { Module } from '../../kernel/module.js';
import { checkoutRoutes } from './routes.js';

export * as checkout from './service.js';

export const checkoutModule: Module = { name: 'checkout', routes: checkoutRoutes };
