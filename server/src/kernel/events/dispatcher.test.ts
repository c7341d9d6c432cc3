import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/db.js';
import type { Db } from '../db/pool.js';
import { backoffMs, startEventBus } from './dispatcher.js';
import { filterSubjects } from './nats.js';
import { emit, matchesTopic, type Subscriber } from './outbox.js';

const log = pino({ level: 'silent' });
const { db } = await freshDatabase();

/** A subscriber whose side effect is one row in `effects` per handled event. */
function recorder(name: string, topics: string[], fail?: (eventId: string) => boolean): Subscriber & { calls: number } {
  const sub = {
    name,
    topics,
    calls: 0,
    async handle(event: { id: string }, tx: Parameters<Subscriber['handle']>[1]) {
      sub.calls++;
      await tx.execute(sql`insert into effects (subscriber, event_id) values (${name}, ${event.id})`);
      if (fail?.(event.id)) throw new Error(`${name} refuses ${event.id}`);
    },
  };
  return sub;
}

async function emitAll(topics: string[]): Promise<string[]> {
  return db.transaction(async (tx) => {
    const ids: string[] = [];
    for (const [i, topic] of topics.entries()) ids.push(await emit(tx, topic, { i }));
    return ids;
  });
}

async function effects(subscriber: string): Promise<string[]> {
  const res = await db.execute<{ event_id: string }>(
    sql`select event_id from effects where subscriber = ${subscriber} order by event_id`,
  );
  return res.rows.map((r) => r.event_id);
}

async function outboxRow(id: string) {
  const res = await db.execute<{
    attempts: number;
    last_error: string | null;
    done: boolean;
    dead: boolean;
    due: boolean;
  }>(
    sql`select attempts, last_error, done_at is not null as done, dead_at is not null as dead, available_at <= now() as due
          from outbox where id = ${id}`,
  );
  return res.rows[0]!;
}

/** Pretends the backoff has passed. */
const makeDue = (database: Db = db) =>
  database.execute(sql`update outbox set available_at = now() where done_at is null`);

beforeEach(async () => {
  await db.execute(sql`create table if not exists effects (subscriber text not null, event_id text not null)`);
  await db.execute(sql`truncate effects, outbox, event_handled`);
});

describe('event bus (local)', () => {
  it('delivers each event to the subscribers whose topics match, and only those', async () => {
    const subs = [
      recorder('orders', ['order.*']),
      recorder('paid', ['order.paid']),
      recorder('shops', ['shop.approved', 'shop.closed']),
      recorder('all', ['*']),
    ];
    const [paid, created, approved, other] = await emitAll([
      'order.paid',
      'order.created',
      'shop.approved',
      'misc.thing',
    ]);
    const bus = await startEventBus({ db, subscribers: subs, log, workerId: 'w1', background: false });

    expect(await bus.drain()).toBe(4);
    expect(await effects('orders')).toEqual([paid, created].sort());
    expect(await effects('paid')).toEqual([paid]);
    expect(await effects('shops')).toEqual([approved]);
    expect(await effects('all')).toEqual([paid, created, approved, other].sort());

    const handled = await db.execute<{ n: number; by: string }>(
      sql`select count(*)::int as n, min(handled_by) as by from event_handled`,
    );
    expect(handled.rows[0]).toEqual({ n: 8, by: 'w1' });
    for (const id of [paid!, created!, approved!, other!])
      expect(await outboxRow(id)).toMatchObject({ done: true, dead: false });
    expect(await bus.drain()).toBe(0);
    await bus.stop();
  });

  it('retries a failing subscriber with backoff without re-running the one that succeeded', async () => {
    let failuresLeft = 2;
    const ok = recorder('ok', ['t.x']);
    const flaky = recorder('flaky', ['t.x'], () => failuresLeft-- > 0);
    const [id] = await emitAll(['t.x']);
    const bus = await startEventBus({ db, subscribers: [ok, flaky], log, workerId: 'w1', background: false });

    expect(await bus.drain()).toBe(1);
    const row = await outboxRow(id!);
    expect(row).toMatchObject({ attempts: 1, done: false, dead: false, due: false });
    expect(row.last_error).toContain('flaky refuses');
    // The failed handler's write was rolled back with its savepoint; the other one committed.
    expect(await effects('flaky')).toEqual([]);
    expect(await effects('ok')).toEqual([id]);

    expect(await bus.drain()).toBe(0); // not due yet
    await makeDue();
    expect(await bus.drain()).toBe(1);
    expect(await outboxRow(id!)).toMatchObject({ attempts: 2, done: false });

    await makeDue();
    expect(await bus.drain()).toBe(1);
    expect(await outboxRow(id!)).toMatchObject({ attempts: 2, done: true, dead: false });
    expect(await effects('flaky')).toEqual([id]);
    expect(await effects('ok')).toEqual([id]);
    expect(ok.calls).toBe(1);
    expect(flaky.calls).toBe(3);
  });

  it('dead-letters an event after maxAttempts and keeps it', async () => {
    const broken = recorder('broken', ['t.*'], () => true);
    const fine = recorder('fine', ['t.*']);
    const [id] = await emitAll(['t.y']);
    const bus = await startEventBus({
      db,
      subscribers: [broken, fine],
      log,
      workerId: 'w1',
      background: false,
      maxAttempts: 3,
    });

    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await bus.drain()).toBe(1);
      await makeDue();
    }
    const row = await outboxRow(id!);
    expect(row).toMatchObject({ attempts: 3, done: true, dead: true });
    expect(row.last_error).toContain('broken refuses');
    expect(await bus.drain()).toBe(0);
    expect(broken.calls).toBe(3);
    expect(await effects('broken')).toEqual([]);
    expect(await effects('fine')).toEqual([id]);
  });

  it('two buses draining the same outbox handle every (subscriber, event) exactly once', async () => {
    const topics = Array.from({ length: 200 }, (_, i) => (i % 2 ? 'c.odd' : 'c.even'));
    const ids = await emitAll(topics);
    const make = async (workerId: string) => {
      // A little async work per event so the two buses interleave.
      const slow = (s: Subscriber): Subscriber => ({
        ...s,
        handle: async (e, tx) => {
          await new Promise((r) => setImmediate(r));
          await s.handle(e, tx);
        },
      });
      return startEventBus({
        db,
        subscribers: [slow(recorder('every', ['c.*'])), slow(recorder('even', ['c.even']))],
        log,
        workerId,
        background: false,
        batchSize: 5,
      });
    };
    const [a, b] = [await make('a'), await make('b')];

    const [na, nb] = await Promise.all([a.drain(), b.drain()]);
    expect(na + nb).toBe(200);
    expect(await effects('every')).toEqual([...ids].sort());
    expect(await effects('even')).toEqual(ids.filter((_, i) => i % 2 === 0).sort());
    const pending = await db.execute<{ n: number }>(sql`select count(*)::int as n from outbox where done_at is null`);
    expect(pending.rows[0]!.n).toBe(0);
  });

  it('wakes on NOTIFY without waiting for the next poll', async () => {
    const sub = recorder('wake', ['w.*']);
    // A poll this long would outlast the test: only the notification can deliver the event.
    const bus = await startEventBus({ db, subscribers: [sub], log, workerId: 'w1', pollMs: 600_000 });
    try {
      const [id] = await emitAll(['w.up']);
      for (let i = 0; i < 200 && (await effects('wake')).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await effects('wake')).toEqual([id]);
    } finally {
      await bus.stop();
    }
    await bus.stop(); // idempotent
  });

  it('property: with failures and retries, every matching (subscriber, event) pair has exactly one effect', async () => {
    const pattern = fc.constantFrom('*', 'a.*', 'b.*', 'a.x', 'a.y', 'b.x', 'c.z');
    const topic = fc.constantFrom('a.x', 'a.y', 'a.x.deep', 'b.x', 'c.z', 'd.q');
    await fc.assert(
      fc.asyncProperty(
        fc.array(topic, { minLength: 1, maxLength: 25 }),
        fc.array(fc.tuple(fc.uniqueArray(pattern, { minLength: 1, maxLength: 3 }), fc.nat(4)), {
          minLength: 1,
          maxLength: 4,
        }),
        async (topics, subSpecs) => {
          await db.execute(sql`truncate effects, outbox, event_handled`);
          // Subscriber i fails its first `failures` tries of every event whose index is a multiple of 3.
          const tries = new Map<string, number>();
          const subs = subSpecs.map(([patterns, failures], i) =>
            recorder(`s${i}`, patterns, (eventId) => {
              const key = `s${i}/${eventId}`;
              const n = (tries.get(key) ?? 0) + 1;
              tries.set(key, n);
              return ids.indexOf(eventId) % 3 === 0 && n <= failures;
            }),
          );
          const ids = await emitAll(topics);
          const bus = await startEventBus({
            db,
            subscribers: subs,
            log,
            workerId: 'p',
            background: false,
            maxAttempts: 10,
          });
          for (let round = 0; round < 6; round++) {
            await bus.drain();
            await makeDue();
          }
          for (const [i, [patterns]] of subSpecs.entries()) {
            const expected = ids.filter((_, k) => matchesTopic(patterns, topics[k]!)).sort();
            expect(await effects(`s${i}`)).toEqual(expected);
          }
          const open = await db.execute<{ n: number }>(
            sql`select count(*)::int as n from outbox where done_at is null or dead_at is not null`,
          );
          expect(open.rows[0]!.n).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('helpers', () => {
  it('backoff doubles from about a second, with jitter, capped at five minutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (attempt) => {
        const ceiling = Math.min(300_000, 1000 * 2 ** (attempt - 1));
        const d = backoffMs(attempt);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it('maps topic patterns to non-overlapping NATS filter subjects', () => {
    expect(filterSubjects('q.events', ['order.paid'])).toEqual(['q.events.order.paid']);
    expect(filterSubjects('q.events', ['order.*', 'order.paid', 'shop.approved'])).toEqual([
      'q.events.order.>',
      'q.events.shop.approved',
    ]);
    expect(filterSubjects('q.events', ['a.*', 'a.b.*'])).toEqual(['q.events.a.>']);
    expect(filterSubjects('q.events', ['x', '*'])).toEqual(['q.events.>']);
    expect(filterSubjects('q.events', ['bad topic'])).toEqual(['q.events.>']);
  });
});
