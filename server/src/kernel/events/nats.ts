import { setTimeout as delay } from 'node:timers/promises';
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  jetstream,
  type JetStreamManager,
  jetstreamManager,
  type JsMsg,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eq, inArray, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { outbox } from '../schema.js';
import {
  afterMs,
  backoffMs,
  claimPending,
  type EventBus,
  type EventBusOptions,
  errorText,
  handleOnce,
  listen,
  loop,
  OUTBOX_CHANNEL,
  toEnvelope,
} from './dispatcher.js';
import { type EventEnvelope, matchesTopic, type Subscriber } from './outbox.js';

const NS_PER_MS = 1_000_000;
const ACK_WAIT_MS = 30_000;
const RELAY_BATCH = 100;
const TOKEN = '[^\\s.*>]+';
const VALID_SUBJECT = new RegExp(`^${TOKEN}(\\.${TOKEN})*$`);

export interface NatsNames {
  stream: string;
  /** Events are published to `<subjectBase>.<topic>`. */
  subjectBase: string;
  consumer(subscriber: string): string;
}

export function natsNames(prefix = 'qiandian'): NatsNames {
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) throw new Error(`natsPrefix must match [A-Za-z0-9_-]+, got ${prefix}`);
  return {
    stream: `${prefix.toUpperCase()}_EVENTS`,
    subjectBase: `${prefix}.events`,
    consumer: (subscriber) => `${prefix}_${subscriber.replace(/[^A-Za-z0-9_-]/g, '_')}`,
  };
}

/** JetStream filter subjects covering a subscriber's topic patterns (never overlapping). */
export function filterSubjects(subjectBase: string, patterns: string[]): string[] {
  const all = `${subjectBase}.>`;
  const filters = new Set<string>();
  for (const p of patterns) {
    const body = p.endsWith('.*') ? p.slice(0, -2) : p;
    if (p === '*' || !VALID_SUBJECT.test(body)) return [all];
    filters.add(p.endsWith('.*') ? `${subjectBase}.${body}.>` : `${subjectBase}.${body}`);
  }
  // The server refuses overlapping filters: drop those a `x.>` filter already covers.
  const wide = [...filters].filter((f) => f.endsWith('.>')).map((f) => f.slice(0, -1));
  return [...filters].filter((f) => !wide.some((w) => f !== `${w}>` && f.startsWith(w)));
}

function supportsMultipleFilters(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? '').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 10);
}

async function ensureStream(jsm: JetStreamManager, names: NatsNames, log: FastifyBaseLogger): Promise<void> {
  const config = {
    name: names.stream,
    subjects: [`${names.subjectBase}.>`],
    // A message stays until every consumer has acknowledged it (bounded by max_age).
    retention: RetentionPolicy.Interest,
    storage: StorageType.File,
    max_age: 7 * 24 * 3600 * 1000 * NS_PER_MS,
    // Re-publishing an event (relay crashed before marking it done) is dropped by message id.
    duplicate_window: 10 * 60 * 1000 * NS_PER_MS,
  };
  try {
    await jsm.streams.add(config);
  } catch (e) {
    // Exists with other settings (an operator changed it): use it as it is.
    await jsm.streams.info(names.stream).catch(() => Promise.reject(e));
    log.warn({ err: e, stream: names.stream }, 'using the existing stream as configured');
  }
}

async function ensureConsumer(
  jsm: JetStreamManager,
  names: NatsNames,
  sub: Subscriber,
  opts: { maxAttempts: number; multipleFilters: boolean; log: FastifyBaseLogger },
): Promise<void> {
  const filters = filterSubjects(names.subjectBase, sub.topics);
  const filter =
    filters.length === 1
      ? { filter_subject: filters[0] }
      : opts.multipleFilters
        ? { filter_subjects: filters }
        : { filter_subject: `${names.subjectBase}.>` }; // older servers: filter here instead
  const settings = {
    ack_wait: ACK_WAIT_MS * NS_PER_MS,
    // Failures are dead-lettered by us at maxAttempts; the slack covers redeliveries after a crash.
    max_deliver: opts.maxAttempts + 2,
    max_ack_pending: 1000,
    ...filter,
  };
  const name = names.consumer(sub.name);
  try {
    await jsm.consumers.add(names.stream, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      // A new subscriber starts with events published from now on, as in local mode.
      deliver_policy: DeliverPolicy.New,
      ...settings,
    });
  } catch (e) {
    await jsm.consumers.update(names.stream, name, settings).catch((e2: unknown) => {
      opts.log.warn(
        { err: e2, first: errorText(e), consumer: name },
        'could not update the consumer; using it as it is',
      );
    });
  }
}

/** NATS mode of startEventBus: relay outbox → JetStream, and one durable pull consumer per subscriber. */
export async function startNatsEventBus(opts: EventBusOptions & { natsUrl: string }): Promise<EventBus> {
  const { db, subscribers, workerId } = opts;
  const log = opts.log.child({ component: 'events', workerId, transport: 'nats' });
  const maxAttempts = opts.maxAttempts ?? 8;
  const names = natsNames(opts.natsPrefix);
  const consumerNames = new Set(subscribers.map((s) => names.consumer(s.name)));
  if (consumerNames.size !== subscribers.length) throw new Error('Subscriber names collide as NATS consumer names');

  // Keep reconnecting for as long as it takes (the client gives up after 10 tries by default).
  const nc = await connect({ servers: opts.natsUrl, name: `qiandian ${workerId}`, maxReconnectAttempts: -1 });
  try {
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, names, log);
    const multipleFilters = supportsMultipleFilters(nc.info?.version);
    for (const sub of subscribers) await ensureConsumer(jsm, names, sub, { maxAttempts, multipleFilters, log });
  } catch (e) {
    await nc.close();
    throw e;
  }
  const js = jetstream(nc);

  /** Publishes one batch of due outbox rows; a row is done once JetStream acknowledged it. */
  const relayBatch = () =>
    db.transaction(async (tx) => {
      const rows = await claimPending(tx, RELAY_BATCH);
      const results = await Promise.allSettled(
        rows.map((row) =>
          VALID_SUBJECT.test(row.topic)
            ? js.publish(`${names.subjectBase}.${row.topic}`, JSON.stringify(toEnvelope(row)), { msgID: row.id })
            : Promise.reject(new InvalidTopic(row.topic)),
        ),
      );
      const published: string[] = [];
      for (const [i, result] of results.entries()) {
        const row = rows[i]!;
        if (result.status === 'fulfilled') {
          published.push(row.id);
        } else if (result.reason instanceof InvalidTopic) {
          log.error({ eventId: row.id, topic: row.topic }, 'event dead-lettered: topic is not a valid NATS subject');
          await tx
            .update(outbox)
            .set({ lastError: errorText(result.reason), deadAt: sql`now()`, doneAt: sql`now()` })
            .where(eq(outbox.id, row.id));
        } else {
          // NATS trouble, not the event's fault: retry without dead-lettering.
          const attempts = row.attempts + 1;
          await tx
            .update(outbox)
            .set({
              attempts,
              lastError: `relay: ${errorText(result.reason)}`,
              availableAt: afterMs(backoffMs(attempts, 1000, 30_000)),
            })
            .where(eq(outbox.id, row.id));
        }
      }
      if (published.length)
        await tx
          .update(outbox)
          .set({ doneAt: sql`now()` })
          .where(inArray(outbox.id, published));
      const failed = rows.length - published.length;
      if (failed) log.warn({ failed }, 'relay could not publish some events');
      return { claimed: rows.length, published: published.length, failed };
    });

  async function onMessage(sub: Subscriber, m: JsMsg): Promise<void> {
    let event: EventEnvelope;
    try {
      event = m.json<EventEnvelope>();
    } catch (e) {
      log.error({ err: e, subject: m.subject }, 'unreadable message dropped');
      m.term();
      return;
    }
    if (!matchesTopic(sub.topics, event.topic)) return m.ack();
    try {
      await db.transaction((tx) => handleOnce(tx, sub, event, workerId));
      m.ack();
    } catch (e) {
      const delivery = m.info.deliveryCount;
      const lastError = `${sub.name}: ${errorText(e)}`;
      log.warn({ err: e, subscriber: sub.name, eventId: event.id, topic: event.topic, delivery }, 'subscriber failed');
      try {
        const dead = delivery >= maxAttempts;
        await db
          .update(outbox)
          .set({ attempts: sql`${outbox.attempts} + 1`, lastError, ...(dead ? { deadAt: sql`now()` } : {}) })
          .where(eq(outbox.id, event.id));
        if (dead) {
          log.error({ subscriber: sub.name, eventId: event.id, topic: event.topic }, 'event dead-lettered');
          m.term();
        } else {
          m.nak(backoffMs(delivery));
        }
      } catch (e2) {
        log.error({ err: e2, eventId: event.id }, 'could not record the failure');
        m.nak(backoffMs(delivery));
      }
    }
  }

  let stopping = false;
  const pulls = new Set<ConsumerMessages>();
  const quit = new AbortController();
  async function consume(sub: Subscriber): Promise<void> {
    while (!stopping) {
      try {
        const consumer = await js.consumers.get(names.stream, names.consumer(sub.name));
        const messages = await consumer.consume({ max_messages: 8 });
        pulls.add(messages);
        if (stopping) await messages.close();
        try {
          for await (const m of messages) await onMessage(sub, m);
        } finally {
          pulls.delete(messages);
        }
      } catch (e) {
        if (!stopping) log.error({ err: e, subscriber: sub.name }, 'consumer failed; restarting');
      }
      await delay(1000, undefined, { signal: quit.signal }).catch(() => {});
    }
  }
  const consumers = subscribers.map(consume);
  void nc.closed().then((err) => {
    if (!stopping) log.error({ err }, 'NATS connection closed; events are no longer relayed or consumed');
  });

  // background: false leaves relaying to drain(); consumers always run.
  const relay =
    opts.background === false
      ? undefined
      : loop(
          async () => {
            const { claimed, failed } = await relayBatch();
            return failed ? 0 : claimed; // NATS trouble: wait for the next poll
          },
          opts.pollMs ?? 250,
          log,
          'event relay',
        );
  const unlisten = relay ? await listen(db.$client, OUTBOX_CHANNEL, () => relay.wake(), log) : async () => {};

  let stopped: Promise<void> | undefined;
  return {
    /** NATS mode: relays every due event to JetStream; resolves with how many were published. */
    async drain() {
      let total = 0;
      for (;;) {
        const { claimed, published, failed } = await relayBatch();
        total += published;
        if (claimed === 0 || failed) return total;
      }
    },
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        quit.abort();
        await unlisten();
        await relay?.stop();
        await Promise.all([...pulls].map((p) => p.close()));
        await Promise.all(consumers);
        await nc.drain();
      })()),
  };
}

class InvalidTopic extends Error {
  constructor(topic: string) {
    super(`topic ${JSON.stringify(topic)} is not a valid NATS subject`);
  }
}
