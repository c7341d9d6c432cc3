import type { Module } from '../../kernel/module.js';
import { shopsRoutes } from './routes.js';
import { expireInvitation } from './service.js';

export * as shops from './service.js';
export { installShopAccess, shopAccess } from './access.js';
export * from './permissions.js';

export const shopsModule: Module = {
  name: 'shops',
  routes: shopsRoutes,
  jobs: ({ db }) => [
    {
      name: 'shops.expire-invitation',
      handle: (payload) => expireInvitation(db, payload as { shopId: string; invitationId: string }),
    },
  ],
};
