import type { Module } from '../../kernel/module.js';
import { statsRoutes } from './routes.js';

export * as stats from './service.js';

/** The merchant's data dashboard, and the storefront visit counters behind it. */
export const statsModule: Module = {
  name: 'stats',
  routes: statsRoutes,
};
