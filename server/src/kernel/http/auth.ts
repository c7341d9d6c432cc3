import type { FastifyRequest } from 'fastify';
import { AppError, unauthenticated } from './errors.js';

export const ACCOUNT_KINDS = ['shopper', 'merchant', 'provider', 'operator'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export interface Principal {
  accountId: string;
  kind: AccountKind;
  sessionId: string;
}

/** Who is calling. The identity module supplies it; the kernel only carries it. */
export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The signed-in principal, or 401; with kinds, also 403 for any other kind of account. */
export function requirePrincipal(request: FastifyRequest, kinds?: readonly AccountKind[]): Principal {
  const p = request.principal;
  if (!p) throw unauthenticated();
  if (kinds && !kinds.includes(p.kind)) throw new AppError(403, 'wrong_account_kind', { kinds: kinds.join(', ') });
  return p;
}
