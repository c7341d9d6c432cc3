import { createHash } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/pool.js';
import { idempotencyKeys } from '../schema.js';
import { AppError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { scope: string; key: string };
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const STALE_MS = 60_000;

/**
 * `Idempotency-Key` on any mutation: the first response (2xx or 4xx) is stored and replayed
 * for the same key and caller; the same key with a different request is refused. Keys are
 * scoped to the signed-in account (or the client address) and kept for 24 hours.
 */
export const idempotencyPlugin = fp(async (app: FastifyInstance, opts: { db: Db }) => {
  const { db } = opts;
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || !MUTATING.has(request.method)) return;
    if (key.length < 8 || key.length > 200) {
      throw new AppError(400, 'validation_failed', {}, [
        { field: 'header.idempotency-key', code: 'invalid_length', message: '8-200 characters' },
      ]);
    }
    const scope = request.principal?.accountId ?? `ip:${request.ip}`;
    const hash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ scope, key, requestHash: hash })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length === 0) {
      const [row] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
      if (!row) throw new AppError(409, 'idempotency_in_progress');
      if (row.requestHash !== hash) throw new AppError(422, 'idempotency_key_reused');
      if (row.statusCode === null) {
        // A holder that died mid-request leaves a stale claim: take it over.
        if (Date.now() - row.createdAt.getTime() < STALE_MS) throw new AppError(409, 'idempotency_in_progress');
        const retaken = await db
          .update(idempotencyKeys)
          .set({ createdAt: sql`now()` })
          .where(
            and(
              eq(idempotencyKeys.scope, scope),
              eq(idempotencyKeys.key, key),
              eq(idempotencyKeys.createdAt, row.createdAt),
            ),
          )
          .returning({ key: idempotencyKeys.key });
        if (retaken.length === 0) throw new AppError(409, 'idempotency_in_progress');
      } else {
        reply.headers({ ...(row.headers as Record<string, string>), 'idempotent-replayed': 'true' });
        return reply.code(row.statusCode).send(row.body ?? undefined);
      }
    }
    request.idempotency = { scope, key };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim || reply.getHeader('idempotent-replayed')) return payload;
    const where = and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key));
    if (reply.statusCode >= 500 || reply.statusCode === 429 || reply.statusCode === 409) {
      await db.delete(idempotencyKeys).where(where); // not a final answer: let the client retry
    } else {
      const contentType = reply.getHeader('content-type');
      await db
        .update(idempotencyKeys)
        .set({
          statusCode: reply.statusCode,
          headers: contentType ? { 'content-type': String(contentType) } : {},
          body: typeof payload === 'string' ? payload : payload == null ? null : String(payload),
          completedAt: sql`now()`,
        })
        .where(where);
    }
    return payload;
  });
});

/** Drops keys older than a day (a recurring job). */
export async function purgeIdempotencyKeys(db: Db): Promise<number> {
  const res = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, sql`now() - interval '1 day'`))
    .returning({ key: idempotencyKeys.key });
  return res.length;
}
