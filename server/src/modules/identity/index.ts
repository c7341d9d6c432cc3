import type { FastifyRequest } from 'fastify';
import type { Db } from '../../kernel/db/pool.js';
import type { Authenticator } from '../../kernel/http/auth.js';
import type { Module } from '../../kernel/module.js';
import { identityRoutes, SESSION_COOKIE } from './routes.js';
import { authenticateToken, purgeExpired } from './service.js';

export * as identity from './service.js';

/** Resolves the session cookie to a principal on every request. */
export function sessionAuthenticator(db: Db): Authenticator {
  return async (request: FastifyRequest) => {
    const token = request.cookies[SESSION_COOKIE];
    return token ? authenticateToken(db, token) : null;
  };
}

export const identityModule: Module = {
  name: 'identity',
  routes: identityRoutes,
  jobs: ({ db }) => [{ name: 'identity.purge-expired', everyMs: 3_600_000, handle: () => purgeExpired(db) }],
};
