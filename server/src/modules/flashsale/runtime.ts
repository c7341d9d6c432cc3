import { Redis } from 'ioredis';
import type { Db } from '../../kernel/db/pool.js';
import type { ModuleContext } from '../../kernel/module.js';
import { memoryGate, redisGate, type Gate } from './gate.js';
import { saleCache, type FlashRuntime } from './service.js';
import { saleWriter } from './writer.js';

/** Builds the gate, writer and sale cache around a database (and a gate of the caller's choice). */
export function createRuntime(db: Db, gate: Gate, opts: { batchSize?: number } = {}): FlashRuntime {
  const cache = saleCache(db);
  return {
    db,
    gate,
    writer: saleWriter(db, gate, opts),
    sale: cache.get,
    dropCached: cache.drop,
  };
}

const runtimes = new WeakMap<Db, { runtime: FlashRuntime; redis?: Redis }>();

/**
 * The process's flash-sale runtime for this database: with `REDIS_URL` the gate is in Redis
 * (shared by every process), otherwise in this process's memory.
 */
export function runtimeFor(ctx: Pick<ModuleContext, 'db' | 'config'>): FlashRuntime {
  let entry = runtimes.get(ctx.db);
  if (!entry) {
    const redis = ctx.config.REDIS_URL
      ? new Redis(ctx.config.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 })
      : undefined;
    entry = { runtime: createRuntime(ctx.db, redis ? redisGate(redis) : memoryGate()), redis };
    runtimes.set(ctx.db, entry);
  }
  return entry.runtime;
}

/** Lets queued batches finish, then closes the Redis connection. */
export async function closeRuntime(db: Db): Promise<void> {
  const entry = runtimes.get(db);
  if (!entry) return;
  runtimes.delete(db);
  await entry.runtime.writer.idle();
  entry.redis?.disconnect();
}
