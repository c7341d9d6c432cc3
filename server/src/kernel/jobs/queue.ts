import { sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/pool.js';
import { newId } from '../ids.js';
import { jobs } from '../schema.js';

export interface JobDefinition<P = Record<string, unknown>> {
  /** Stable name, e.g. `identity.purge-sessions`. */
  name: string;
  /** Runs with retries and backoff; throw to retry. Must be safe to run again. */
  handle(payload: P, db: Db): Promise<void>;
  /** Recurring: run every this many milliseconds (one run per slot across all processes). */
  everyMs?: number;
  maxAttempts?: number;
}

export interface EnqueueOptions {
  runAt?: Date;
  delayMs?: number;
  /** At most one queued job per key; a second enqueue with the same key is ignored. */
  uniqueKey?: string;
  maxAttempts?: number;
}

/** Schedules a job in the caller's transaction, so it exists exactly when the change commits. */
export async function enqueue(
  tx: Executor,
  name: string,
  payload: Record<string, unknown> = {},
  opts: EnqueueOptions = {},
): Promise<string> {
  const id = newId('job');
  const runAt = opts.runAt ?? new Date(Date.now() + (opts.delayMs ?? 0));
  await tx
    .insert(jobs)
    .values({ id, name, payload, runAt, uniqueKey: opts.uniqueKey, maxAttempts: opts.maxAttempts ?? 5 })
    .onConflictDoNothing({ target: jobs.uniqueKey, where: sql`${jobs.uniqueKey} is not null` });
  return id;
}
