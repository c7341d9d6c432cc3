import type { FastifyRequest } from 'fastify';
import type { App } from './server.js';

export type KeyedLimit = (
  request: FastifyRequest,
  key: string,
  perWindow: number,
) => Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;

/**
 * A rate limit for callers the per-account limit does not know, such as a gateway's app keys:
 * counts calls per `key` in the same store as the per-account limit (Redis with REDIS_URL, so
 * every node shares the count; in process otherwise), allowing `perWindow` calls per window.
 * The caller decides when to count (e.g. only once a signature is verified) and how to refuse.
 * Should the store be unreachable, calls are let through. In Redis the counters are
 * `qd-rl:undefinedundefined-<name>:<key>` (the plugin prefixes a child store with a route, which
 * this limiter has none of).
 * Register the route itself with `config: { rateLimit: false }`.
 */
export function keyedRateLimit(app: App, opts: { name: string; windowMs: number }): KeyedLimit {
  const asked = new WeakMap<FastifyRequest, { key: string; perWindow: number }>();
  const count = app.createRateLimit({
    timeWindow: opts.windowMs,
    // The store unreachable (Redis down): let calls through rather than refuse everyone.
    skipOnError: true,
    keyGenerator: (request) => `${opts.name}:${asked.get(request)!.key}`,
    max: (request) => asked.get(request)!.perWindow,
  });
  return async (request, key, perWindow) => {
    asked.set(request, { key, perWindow });
    const r = await count(request);
    if (r.isAllowed || !r.isExceeded) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, r.ttlInSeconds) };
  };
}
