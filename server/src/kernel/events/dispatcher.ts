import { and, eq, isNull, lte, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import type { Db, Tx } from '../db/pool.js';
import { eventHandled, outbox } from '../schema.js';
import { type EventEnvelope, matchesTopic, type Subscriber } from './outbox.js';

export interface EventBus {
  stop(): Promise<void>;
  /** deliver everything pending now; resolves with the number of events processed (for tests and the CLI) */
  drain(): Promise<number>;
}

export interface EventBusOptions {
  db: Db;
  subscribers: Subscriber[];
  log: FastifyBaseLogger;
  /** Recorded in event_handled.handled_by. */
  workerId: string;
  /** With it, pending events are relayed to NATS JetStream and consumed from there (nats.ts). */
  natsUrl?: string;
  /**
   * Names the JetStream resources: stream `<PREFIX>_EVENTS`, subjects `<prefix>.events.<topic>`,
   * consumers `<prefix>_<subscriber>`. Default `qiandian`; tests pass a unique one.
   */
  natsPrefix?: string;
  /** Fallback poll interval; inserts into the outbox also wake the loop through NOTIFY. Default 250. */
  pollMs?: number;
  /** Failed deliveries before an event is dead-lettered. Default 8. */
  maxAttempts?: number;
  /** Events claimed per transaction. Default 10. */
  batchSize?: number;
  /**
   * false: no background loop; events move only when drain() is called (tests, CLI). In NATS
   * mode this stops only the relay: consumers always run. Default true.
   */
  background?: boolean;
}

export const OUTBOX_CHANNEL = 'qiandian_outbox';

/** Exponential backoff with jitter: attempt 1 → 0.5–1 s, 2 → 1–2 s, 3 → 2–4 s …, at most `capMs`. */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 300_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

export function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message || e.name : String(e);
  return text.slice(0, 2000);
}

export function toEnvelope(row: typeof outbox.$inferSelect): EventEnvelope {
  return {
    id: row.id,
    topic: row.topic,
    shopId: row.shopId,
    payload: row.payload as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Records (subscriber, event) as handled and runs the handler, both in `tx`, so they commit
 * together. Returns false without running it when it was handled before.
 */
export async function handleOnce(
  tx: Tx,
  subscriber: Subscriber,
  event: EventEnvelope,
  workerId: string,
): Promise<boolean> {
  const inserted = await tx
    .insert(eventHandled)
    .values({ subscriber: subscriber.name, eventId: event.id, handledBy: workerId })
    .onConflictDoNothing()
    .returning({ eventId: eventHandled.eventId });
  if (inserted.length === 0) return false;
  await subscriber.handle(event, tx);
  return true;
}

/** Oldest due outbox rows, locked for this transaction; rows locked by others are skipped. */
export function claimPending(tx: Tx, limit: number) {
  return tx
    .select()
    .from(outbox)
    .where(and(isNull(outbox.doneAt), lte(outbox.availableAt, sql`now()`)))
    .orderBy(outbox.availableAt)
    .limit(limit)
    .for('update', { skipLocked: true });
}

export const afterMs = (ms: number) => sql`now() + ${ms} * interval '1 millisecond'`;

/**
 * LISTENs on `channel` with a dedicated connection and calls `onNotify` for each notification
 * (and after reconnecting). Best effort: callers poll as well. Resolves with a stop function.
 */
export async function listen(
  pool: pg.Pool,
  channel: string,
  onNotify: () => void,
  log: FastifyBaseLogger,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const open = async (): Promise<void> => {
    const c = new pg.Client({ ...pool.options, application_name: `qiandian-listen-${channel}` });
    c.on('notification', () => onNotify());
    c.on('error', (e) => {
      log.warn({ err: e, channel }, 'LISTEN connection lost; reconnecting');
      c.end().catch(() => {});
      if (client === c) client = undefined;
      schedule();
    });
    await c.connect();
    await c.query(`listen ${c.escapeIdentifier(channel)}`);
    if (stopped) {
      await c.end();
      return;
    }
    client = c;
    onNotify();
  };
  const schedule = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      open().catch(() => schedule());
    }, 1000);
  };

  await open().catch((e) => {
    log.warn({ err: e, channel }, 'LISTEN unavailable; polling until it is back');
    schedule();
  });
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
    client = undefined;
  };
}

/**
 * Runs `tick` now, then whenever woken or every `pollMs`, until stopped; a stop lets the
 * current tick finish. `tick` returns how much it did: non-zero runs it again at once.
 * After a failure (database down) it waits longer, up to 30 s.
 */
export function loop(tick: () => Promise<number>, pollMs: number, log: FastifyBaseLogger, what: string) {
  let stopping = false;
  let wake: (() => void) | undefined;
  let woken = false;
  let failures = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  const running = (async () => {
    while (!stopping) {
      woken = false;
      try {
        while (!stopping && (await tick()) > 0);
        failures = 0;
      } catch (e) {
        failures++;
        log.error({ err: e, failures }, `${what} failed; retrying`);
      }
      await sleep(failures ? Math.max(pollMs, backoffMs(failures, 1000, 30_000)) : pollMs);
    }
  })();
  return {
    wake() {
      woken = true;
      wake?.();
    },
    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
  };
}

/**
 * Delivers outbox events to subscribers: locally by polling the outbox (several processes share
 * it through SKIP LOCKED), or through NATS JetStream when `natsUrl` is set. Every
 * (subscriber, event) is handled effectively once: the handler's writes commit with its
 * event_handled row.
 */
export async function startEventBus(opts: EventBusOptions): Promise<EventBus> {
  const names = new Set<string>();
  for (const s of opts.subscribers) {
    if (names.has(s.name)) throw new Error(`Two subscribers are named ${s.name}`);
    names.add(s.name);
  }
  if (opts.natsUrl) {
    const { startNatsEventBus } = await import('./nats.js');
    return startNatsEventBus({ ...opts, natsUrl: opts.natsUrl });
  }
  return startLocalEventBus(opts);
}

async function startLocalEventBus(opts: EventBusOptions): Promise<EventBus> {
  const { db, subscribers, workerId } = opts;
  const log = opts.log.child({ component: 'events', workerId });
  const maxAttempts = opts.maxAttempts ?? 8;
  const batchSize = opts.batchSize ?? 10;

  /** One batch in one transaction; each handler in its own savepoint. */
  const deliverBatch = () =>
    db.transaction(async (tx) => {
      const rows = await claimPending(tx, batchSize);
      for (const row of rows) {
        const event = toEnvelope(row);
        const errors: string[] = [];
        for (const sub of subscribers) {
          if (!matchesTopic(sub.topics, event.topic)) continue;
          try {
            await tx.transaction((sp) => handleOnce(sp, sub, event, workerId));
          } catch (e) {
            errors.push(`${sub.name}: ${errorText(e)}`);
            log.warn({ err: e, subscriber: sub.name, eventId: event.id, topic: event.topic }, 'subscriber failed');
          }
        }
        const attempts = row.attempts + 1;
        const lastError = errors.join('\n').slice(0, 4000);
        if (errors.length === 0) {
          await tx
            .update(outbox)
            .set({ doneAt: sql`now()` })
            .where(eq(outbox.id, row.id));
        } else if (attempts >= maxAttempts) {
          log.error({ eventId: event.id, topic: event.topic, attempts, lastError }, 'event dead-lettered');
          await tx
            .update(outbox)
            .set({ attempts, lastError, deadAt: sql`now()`, doneAt: sql`now()` })
            .where(eq(outbox.id, row.id));
        } else {
          await tx
            .update(outbox)
            .set({ attempts, lastError, availableAt: afterMs(backoffMs(attempts)) })
            .where(eq(outbox.id, row.id));
        }
      }
      return rows.length;
    });

  const drain = async () => {
    let total = 0;
    for (let n; (n = await deliverBatch()) > 0;) total += n;
    return total;
  };

  if (opts.background === false) return { drain, stop: async () => {} };

  const poller = loop(deliverBatch, opts.pollMs ?? 250, log, 'event delivery');
  const unlisten = await listen(db.$client, OUTBOX_CHANNEL, () => poller.wake(), log);
  let stopped: Promise<void> | undefined;
  return {
    drain,
    stop: () =>
      (stopped ??= (async () => {
        await unlisten();
        await poller.stop();
      })()),
  };
}
