import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requirePrincipal } from '../../kernel/http/auth.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import * as identity from './service.js';

export const SESSION_COOKIE = 'qd_session';

/** Sign-up and sign-in are limited per client address: before them there is no account to count. */
const byClientAddress = (request: FastifyRequest) => `ip:${request.ip}`;

const registerBody = z
  .object({
    kind: z.enum(['shopper', 'merchant', 'provider']),
    email: identity.emailSchema.optional(),
    mobile: identity.mobileSchema.optional(),
    password: identity.passwordSchema,
    displayName: z.string().trim().min(1).max(40),
  })
  .describe('One of email or mobile is required.');

const accountResponse = z.object({ account: identity.accountView });

export async function identityRoutes(app: App, ctx: ModuleContext) {
  const { db } = ctx;
  const setSessionCookie = (reply: FastifyReply, token: string, expiresAt: Date) =>
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.COOKIE_SECURE,
      expires: expiresAt,
    });

  app.post(
    '/api/auth/register',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account and sign in',
        body: registerBody,
        response: { 201: accountResponse },
      },
      config: { rateLimit: { max: 20, timeWindow: 60_000, keyGenerator: byClientAddress } },
    },
    async (request, reply) => {
      const account = await identity.register(db, { ...request.body, locale: request.locale });
      const session = await identity.createSession(db, account.id, request.headers['user-agent']);
      setSessionCookie(reply, session.token, session.expiresAt);
      return reply.code(201).send({ account });
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email or mobile and password',
        body: z.object({ identifier: z.string().trim().min(1).max(254), password: z.string().min(1).max(128) }),
        response: { 200: accountResponse },
      },
      config: { rateLimit: { max: 30, timeWindow: 60_000, keyGenerator: byClientAddress } },
    },
    async (request, reply) => {
      const result = await identity.login(db, {
        ...request.body,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      setSessionCookie(reply, result.token, result.expiresAt);
      return { account: result.account };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out' } }, async (request, reply) => {
    if (request.principal) await identity.logout(db, request.principal.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in account', response: { 200: accountResponse } } },
    async (request) => ({ account: await identity.getAccount(db, requirePrincipal(request).accountId) }),
  );

  app.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change password (signs out other sessions)',
        body: z.object({ currentPassword: z.string().min(1).max(128), newPassword: identity.passwordSchema }),
      },
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      await identity.changePassword(db, requirePrincipal(request), request.body);
      return reply.code(204).send();
    },
  );
}
