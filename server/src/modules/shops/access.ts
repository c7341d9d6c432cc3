import type { FastifyRequest } from 'fastify';
import type { Db } from '../../kernel/db/pool.js';
import { requirePrincipal } from '../../kernel/http/auth.js';
import type { App } from '../../kernel/http/server.js';
import type { Permission } from './permissions.js';
import { authorize, type ShopAccess } from './service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every `/api/shops/:shopId/…` route names the permission it needs. */
    permission?: Permission;
    /** Also answer while the shop is pending or rejected (the workbench home). */
    allowInactiveShop?: boolean;
  }
  interface FastifyRequest {
    shopAccess?: ShopAccess;
  }
}

export const WORKBENCH_PREFIX = '/api/shops/:shopId';

/**
 * Installs the workbench guard for all modules: a route under /api/shops/:shopId that names no
 * permission fails at start-up, and every request to one is authorised before its input is
 * even validated.
 */
export function installShopAccess(app: App, db: Db) {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(WORKBENCH_PREFIX) && !route.config?.permission) {
      throw new Error(`Workbench route ${String(route.method)} ${route.url} must declare config.permission`);
    }
  });
  app.addHook('preValidation', async (request) => {
    const config = request.routeOptions.config;
    if (!config.permission) return;
    const { shopId } = request.params as { shopId: string };
    request.shopAccess = await authorize(db, requirePrincipal(request), shopId, config.permission, {
      allowInactive: config.allowInactiveShop,
    });
  });
}

/** The access the guard established for this request. */
export function shopAccess(request: FastifyRequest): ShopAccess {
  if (!request.shopAccess) throw new Error('shopAccess() on a route without config.permission');
  return request.shopAccess;
}
