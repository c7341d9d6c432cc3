import { z } from 'zod';
import { withShop } from '../../kernel/db/tenant.js';
import { requirePrincipal } from '../../kernel/http/auth.js';

import { pageOf, pageQuery } from '../../kernel/http/pagination.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { activity } from '../activity/index.js';
import { shopAccess } from './access.js';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES, SHOP_CATEGORIES, SHOP_CATEGORY_CODES } from './permissions.js';
import * as shops from './service.js';

const shopIdParams = z.object({ shopId: z.string().min(1).max(64) });
const staffRole = z.enum(ROLES).exclude(['owner']);
const membership = z.object({ shop: shops.shopView, role: z.enum(ROLES), permissions: z.array(z.enum(PERMISSIONS)) });
const memberView = z.object({
  accountId: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  mobile: z.string().nullable(),
  role: z.enum(ROLES),
  joinedAt: z.iso.datetime(),
});
const invitationView = z.object({
  id: z.string(),
  identifier: z.string(),
  role: z.enum(ROLES),
  status: z.enum(['pending', 'accepted', 'declined', 'revoked', 'expired']),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
const phone = z
  .string()
  .trim()
  .regex(/^[0-9+\-\s()]{5,20}$/, 'format.phone');

export async function shopsRoutes(app: App, ctx: ModuleContext) {
  const { db, config } = ctx;

  app.get(
    '/api/roles',
    {
      schema: {
        tags: ['shops'],
        summary: 'Staff roles and their permissions',
        response: {
          200: z.object({
            items: z.array(z.object({ role: z.enum(ROLES), permissions: z.array(z.enum(PERMISSIONS)) })),
          }),
        },
      },
    },
    async () => ({ items: ROLES.map((role) => ({ role, permissions: [...ROLE_PERMISSIONS[role]] })) }),
  );

  app.get(
    '/api/shop-categories',
    {
      schema: {
        tags: ['shops'],
        summary: 'Main categories a shop applies under',
        response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string() })) }) },
      },
    },
    async (request) => ({ items: SHOP_CATEGORIES.map((c) => ({ code: c.code, name: c[request.locale] })) }),
  );

  // ---- onboarding
  app.post(
    '/api/shop-applications',
    {
      schema: {
        tags: ['shops'],
        summary: 'Apply to open a shop',
        body: z.object({
          name: z.string().trim().min(2).max(40),
          mainCategory: z.enum(SHOP_CATEGORY_CODES),
          contactName: z.string().trim().min(1).max(40),
          contactPhone: phone,
          licenceNo: z
            .string()
            .trim()
            .toUpperCase()
            .regex(/^[0-9A-Z]{15}$|^[0-9A-Z]{18}$/, 'format.licence'),
          logo: z.string().max(800_000).optional().describe('data:image/png|jpeg|webp;base64,… at most 512 KB'),
        }),
        response: { 201: z.object({ shop: shops.shopView }) },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request, ['merchant']);
      const shop = await shops.apply(db, config.DATA_DIR, principal, request.body);
      return reply.code(201).send({ shop });
    },
  );

  // ---- the signed-in account
  app.get(
    '/api/me/shops',
    {
      schema: {
        tags: ['shops'],
        summary: 'Shops the account owns or works for',
        response: { 200: z.object({ items: z.array(membership) }) },
      },
    },
    async (request) => ({ items: await shops.myShops(db, requirePrincipal(request).accountId) }),
  );

  app.get(
    '/api/me/invitations',
    {
      schema: {
        tags: ['shops'],
        summary: 'Pending invitations to join shops',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                shopId: z.string(),
                shopName: z.string(),
                role: z.enum(ROLES),
                createdAt: z.iso.datetime(),
                expiresAt: z.iso.datetime(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await shops.myInvitations(db, requirePrincipal(request).accountId) }),
  );

  const invitationParams = z.object({ invitationId: z.string().min(1).max(64) });
  app.post(
    '/api/me/invitations/:invitationId/accept',
    {
      schema: {
        tags: ['shops'],
        summary: 'Accept an invitation and join the shop',
        params: invitationParams,
        response: { 200: z.object({ shopId: z.string(), role: z.enum(ROLES) }) },
      },
    },
    async (request) => shops.respondToInvitation(db, requirePrincipal(request), request.params.invitationId, true),
  );
  app.post(
    '/api/me/invitations/:invitationId/decline',
    { schema: { tags: ['shops'], summary: 'Decline an invitation', params: invitationParams } },
    async (request, reply) => {
      await shops.respondToInvitation(db, requirePrincipal(request), request.params.invitationId, false);
      return reply.code(204).send();
    },
  );

  // ---- workbench (guarded by installShopAccess: config.permission)
  app.get(
    '/api/shops/:shopId/overview',
    {
      config: { permission: 'shop.view', allowInactiveShop: true },
      schema: {
        tags: ['workbench'],
        summary: "The shop's home: its state, your role, counts and recent activity",
        params: shopIdParams,
        response: {
          200: z.object({
            shop: shops.shopView,
            role: z.enum(ROLES),
            permissions: z.array(z.enum(PERMISSIONS)),
            counts: z.object({ members: z.number().int(), pendingInvitations: z.number().int() }),
            activity: z.array(
              z.object({
                id: z.string(),
                type: z.string(),
                summary: z.string(),
                actorName: z.string().nullable(),
                at: z.iso.datetime(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return withShop(db, access.shopId, async (tx) => ({
        shop: await shops.getShop(tx, access.shopId),
        role: access.role,
        permissions: [...access.permissions],
        counts: await shops.overviewCounts(tx),
        activity: await activity.recentActivity(tx, access.shopId, request.locale),
      }));
    },
  );

  app.patch(
    '/api/shops/:shopId',
    {
      config: { permission: 'shop.settings' },
      schema: {
        tags: ['workbench'],
        summary: 'Edit shop details',
        params: shopIdParams,
        body: z
          .object({
            name: z.string().trim().min(2).max(40),
            contactName: z.string().trim().min(1).max(40),
            contactPhone: phone,
          })
          .partial()
          .refine((b) => Object.keys(b).length > 0, 'nothing to change'),
        response: { 200: z.object({ shop: shops.shopView }) },
      },
    },
    async (request) => ({ shop: await shops.updateShop(db, shopAccess(request), request.body) }),
  );

  app.get(
    '/api/shops/:shopId/members',
    {
      config: { permission: 'staff.manage' },
      schema: {
        tags: ['workbench'],
        summary: 'Staff of the shop',
        params: shopIdParams,
        querystring: pageQuery,
        response: { 200: pageOf(memberView) },
      },
    },
    async (request) => shops.listMembers(db, shopAccess(request), request.query),
  );

  const memberParams = shopIdParams.extend({ accountId: z.string().min(1).max(64) });
  app.patch(
    '/api/shops/:shopId/members/:accountId',
    {
      config: { permission: 'staff.manage' },
      schema: {
        tags: ['workbench'],
        summary: "Change a member's role",
        params: memberParams,
        body: z.object({ role: staffRole }),
        response: { 200: memberView },
      },
    },
    async (request) => shops.changeRole(db, shopAccess(request), request.params.accountId, request.body.role),
  );
  app.delete(
    '/api/shops/:shopId/members/:accountId',
    {
      config: { permission: 'staff.manage' },
      schema: { tags: ['workbench'], summary: 'Remove a member (access ends at once)', params: memberParams },
    },
    async (request, reply) => {
      await shops.removeMember(db, shopAccess(request), request.params.accountId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/shops/:shopId/invitations',
    {
      config: { permission: 'staff.manage' },
      schema: {
        tags: ['workbench'],
        summary: 'Invitations sent',
        params: shopIdParams,
        querystring: pageQuery,
        response: { 200: pageOf(invitationView) },
      },
    },
    async (request) => shops.listInvitations(db, shopAccess(request), request.query),
  );
  app.post(
    '/api/shops/:shopId/invitations',
    {
      config: { permission: 'staff.manage' },
      schema: {
        tags: ['workbench'],
        summary: 'Invite someone (by email or mobile) to join with a role',
        params: shopIdParams,
        body: z.object({ identifier: z.string().trim().min(3).max(254), role: staffRole }),
        response: { 201: invitationView },
      },
    },
    async (request, reply) => reply.code(201).send(await shops.invite(db, shopAccess(request), request.body)),
  );
  app.delete(
    '/api/shops/:shopId/invitations/:invitationId',
    {
      config: { permission: 'staff.manage' },
      schema: {
        tags: ['workbench'],
        summary: 'Revoke a pending invitation',
        params: shopIdParams.extend({ invitationId: z.string().min(1).max(64) }),
      },
    },
    async (request, reply) => {
      await shops.revokeInvitation(db, shopAccess(request), request.params.invitationId);
      return reply.code(204).send();
    },
  );

  // ---- platform operator
  const adminShop = shops.shopView.extend({
    ownerName: z.string(),
    ownerEmail: z.string().nullable(),
    ownerMobile: z.string().nullable(),
  });
  app.get(
    '/api/admin/shop-applications',
    {
      schema: {
        tags: ['admin'],
        summary: 'Shop applications by status',
        querystring: pageQuery.extend({ status: z.enum(['pending', 'active', 'rejected']).default('pending') }),
        response: { 200: pageOf(adminShop) },
      },
    },
    async (request) => {
      requirePrincipal(request, ['operator']);
      return shops.listApplications(db, request.query);
    },
  );
  const applicationParams = z.object({ shopId: z.string().min(1).max(64) });
  app.post(
    '/api/admin/shop-applications/:shopId/approve',
    {
      schema: {
        tags: ['admin'],
        summary: 'Approve: the shop opens',
        params: applicationParams,
        response: { 200: z.object({ shop: shops.shopView }) },
      },
    },
    async (request) => ({
      shop: await shops.review(db, requirePrincipal(request, ['operator']), request.params.shopId, { approve: true }),
    }),
  );
  app.post(
    '/api/admin/shop-applications/:shopId/reject',
    {
      schema: {
        tags: ['admin'],
        summary: 'Reject with a reason',
        params: applicationParams,
        body: z.object({ reason: z.string().trim().min(2).max(500) }),
        response: { 200: z.object({ shop: shops.shopView }) },
      },
    },
    async (request) => ({
      shop: await shops.review(db, requirePrincipal(request, ['operator']), request.params.shopId, {
        approve: false,
        reason: request.body.reason,
      }),
    }),
  );
}
