import { newId } from '../ids.js';
import type { Executor, Tx } from '../db/pool.js';
import { outbox } from '../schema.js';

export interface EventEnvelope<P = Record<string, unknown>> {
  id: string;
  topic: string;
  shopId: string | null;
  payload: P;
  createdAt: string;
}

/**
 * Records an event in the outbox inside the caller's transaction, so it exists exactly when the
 * change it announces was committed. Topics are `<module>.<thing>.<what happened>`-ish,
 * e.g. `shop.approved`, `order.paid`.
 */
export async function emit(
  tx: Executor,
  topic: string,
  payload: Record<string, unknown>,
  shopId: string | null = null,
): Promise<string> {
  const id = newId('evt');
  await tx.insert(outbox).values({ id, topic, payload, shopId });
  return id;
}

export interface Subscriber {
  /** Stable name: the record of what it handled is kept under it. */
  name: string;
  /** Exact topics, or `prefix.*`, or `*` for all. */
  topics: string[];
  /** Runs in a transaction that also records the event as handled: throw to retry later. */
  handle(event: EventEnvelope, tx: Tx): Promise<void>;
}

export function matchesTopic(patterns: string[], topic: string): boolean {
  return patterns.some((p) => p === '*' || p === topic || (p.endsWith('.*') && topic.startsWith(p.slice(0, -1))));
}
