import type { Module } from '../../kernel/module.js';
import { storefrontRoutes } from './routes.js';

export * as storefront from './service.js';

/** The shop's storefront home: decoration (banners, notice), follows, and visit counting. */
export const storefrontModule: Module = {
  name: 'storefront',
  routes: storefrontRoutes,
};
