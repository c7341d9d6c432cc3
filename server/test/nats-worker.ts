/**
 * One worker process for test/nats-two-processes.test.ts: an event bus in NATS mode whose
 * subscribers write one row per handled event. Prints `ready`, stops cleanly on SIGTERM.
 * Env: DATABASE_URL, NATS_URL, NATS_PREFIX, WORKER_ID.
 */
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { createDb } from '../src/kernel/db/pool.js';
import { startEventBus } from '../src/kernel/events/dispatcher.js';
import type { Subscriber } from '../src/kernel/events/outbox.js';

const env = (name: string) => process.env[name] ?? (console.error(`${name} is required`), process.exit(2));
const workerId = env('WORKER_ID');
const db = createDb(env('DATABASE_URL'), 5);
const log = pino({ level: 'warn' }, pino.destination(2));

const record = (
  name: string,
  topics: string[],
  before?: (n: number, eventId: string) => Promise<void>,
): Subscriber => ({
  name,
  topics,
  async handle(event, tx) {
    await before?.(Number(event.payload.n), event.id);
    await tx.execute(
      sql`insert into nats_effects (subscriber, event_id, worker) values (${name}, ${event.id}, ${workerId})`,
    );
  },
});

const subscribers = [
  record('load.all', ['load.*']),
  record('load.even', ['load.even']),
  // Fails the first delivery of every 25th event (recorded outside the handler's transaction).
  record('load.flaky', ['load.*'], async (n, eventId) => {
    if (n % 25 !== 0) return;
    const first = await db.execute(
      sql`insert into nats_failures (event_id) values (${eventId}) on conflict do nothing returning 1`,
    );
    if (first.rows.length) throw new Error(`first delivery of ${n} fails`);
  }),
  record('poison.pill', ['poison.pill'], async () => {
    throw new Error('poison');
  }),
];

const bus = await startEventBus({
  db,
  subscribers,
  log,
  workerId,
  natsUrl: env('NATS_URL'),
  natsPrefix: env('NATS_PREFIX'),
  maxAttempts: 3,
});
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void (async () => {
    await bus.stop();
    await db.$client.end();
    process.stdout.write('stopped\n');
    process.exit(0);
  })();
});
