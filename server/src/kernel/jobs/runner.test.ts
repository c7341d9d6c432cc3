import { sql } from 'drizzle-orm';
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/db.js';
import type { Db } from '../db/pool.js';
import { enqueue, type JobDefinition } from './queue.js';
import { startJobRunner } from './runner.js';

const log = pino({ level: 'silent' });
const { db } = await freshDatabase();

/** A job whose side effect is one row in `runs` per successful run. */
function recorder(name: string, opts: { fail?: () => boolean; everyMs?: number; maxAttempts?: number } = {}) {
  const def: JobDefinition & { calls: number } = {
    name,
    everyMs: opts.everyMs,
    maxAttempts: opts.maxAttempts,
    calls: 0,
    async handle(payload: Record<string, unknown>, database: Db) {
      def.calls++;
      if (opts.fail?.()) throw new Error(`${name} failed`);
      await database.execute(sql`insert into runs (name, payload) values (${name}, ${JSON.stringify(payload)}::jsonb)`);
    },
  };
  return def;
}

async function job(id: string) {
  const res = await db.execute<{
    status: string;
    attempts: number;
    last_error: string | null;
    due: boolean;
    finished: boolean;
  }>(
    sql`select status, attempts, last_error, run_at <= now() as due, finished_at is not null as finished from jobs where id = ${id}`,
  );
  return res.rows[0]!;
}

const runs = async (name: string) =>
  (await db.execute<{ n: number }>(sql`select count(*)::int as n from runs where name = ${name}`)).rows[0]!.n;

/** Pretends time has passed for queued jobs. */
const makeDue = () => db.execute(sql`update jobs set run_at = now() where status = 'queued'`);

beforeEach(async () => {
  await db.execute(sql`create table if not exists runs (name text not null, payload jsonb)`);
  await db.execute(sql`truncate runs, jobs`);
});

describe('job runner', () => {
  it('runs a delayed job only once it is due', async () => {
    const def = recorder('mail.send');
    const runner = await startJobRunner({ db, jobs: [def], log, workerId: 'w1', background: false });
    const id = await enqueue(db, 'mail.send', { to: 'a@example.com' }, { delayMs: 60_000 });

    expect(await runner.runDue()).toBe(0);
    expect(def.calls).toBe(0);
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 0 });

    await makeDue();
    expect(await runner.runDue()).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 1, finished: true });
    const payload = await db.execute<{ payload: unknown }>(sql`select payload from runs`);
    expect(payload.rows).toEqual([{ payload: { to: 'a@example.com' } }]);
    expect(await runner.runDue()).toBe(0);
  });

  it('retries a failing job later, with backoff', async () => {
    let failures = 1;
    const def = recorder('sync.stock', { fail: () => failures-- > 0 });
    const runner = await startJobRunner({ db, jobs: [def], log, workerId: 'w1', background: false });
    const id = await enqueue(db, 'sync.stock');

    expect(await runner.runDue()).toBe(1);
    const after = await job(id);
    expect(after).toMatchObject({ status: 'queued', attempts: 1, due: false, finished: false });
    expect(after.last_error).toBe('sync.stock failed');
    expect(await runner.runDue()).toBe(0); // backing off

    await makeDue();
    expect(await runner.runDue()).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await runs('sync.stock')).toBe(1);
  });

  it("ends 'failed' after max attempts and is not run again", async () => {
    const def = recorder('always.fails', { fail: () => true });
    const runner = await startJobRunner({ db, jobs: [def], log, workerId: 'w1', background: false });
    const id = await enqueue(db, 'always.fails', {}, { maxAttempts: 3 });

    for (let i = 0; i < 5; i++) {
      await runner.runDue();
      await makeDue();
    }
    expect(def.calls).toBe(3);
    expect(await job(id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_error: 'always.fails failed',
      finished: true,
    });
  });

  it('leaves jobs it does not know for another process', async () => {
    const runner = await startJobRunner({ db, jobs: [recorder('known')], log, workerId: 'w1', background: false });
    const id = await enqueue(db, 'someone.elses');
    expect(await runner.runDue()).toBe(0);
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('queues a job again when its runner died holding it', async () => {
    const def = recorder('crashy');
    const runner = await startJobRunner({ db, jobs: [def], log, workerId: 'w2', background: false });
    const id = await enqueue(db, 'crashy');
    await db.execute(
      sql`update jobs set status = 'running', attempts = 1, locked_by = 'dead-worker', locked_until = now() - interval '1 second' where id = ${id}`,
    );
    expect(await runner.runDue()).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('two runners run each of 60 jobs exactly once', async () => {
    const defs = ['a', 'b'].map(() => recorder('bulk'));
    const [r1, r2] = await Promise.all(
      defs.map((def, i) =>
        startJobRunner({ db, jobs: [def], log, workerId: `r${i}`, background: false, batchSize: 4 }),
      ),
    );
    await db.transaction(async (tx) => {
      for (let i = 0; i < 60; i++) await enqueue(tx, 'bulk', { i });
    });
    const [n1, n2] = await Promise.all([r1!.runDue(), r2!.runDue()]);
    expect(n1 + n2).toBe(60);
    expect(defs[0]!.calls + defs[1]!.calls).toBe(60);
    const distinct = await db.execute<{ n: number; total: number }>(
      sql`select count(distinct payload)::int as n, count(*)::int as total from runs`,
    );
    expect(distinct.rows[0]).toEqual({ n: 60, total: 60 });
  });

  it('recurring: one run per slot, even with two runners', async () => {
    const everyMs = 60_000;
    // A clock an hour behind the database, so every slot it computes is already due.
    let clock = Date.now() - 3_600_000;
    const now = () => clock;
    const defs = [recorder('tick', { everyMs }), recorder('tick', { everyMs })];
    const [r1, r2] = await Promise.all(
      defs.map((def, i) => startJobRunner({ db, jobs: [def], log, workerId: `r${i}`, background: false, now })),
    );
    const slots = 5;
    for (let s = 0; s < slots; s++) {
      const [n1, n2] = await Promise.all([r1!.runDue(), r2!.runDue()]);
      expect(n1 + n2).toBe(1);
      expect(await Promise.all([r1!.runDue(), r2!.runDue()])).toEqual([0, 0]); // same slot: nothing more
      clock += everyMs;
    }
    expect(defs[0]!.calls + defs[1]!.calls).toBe(slots);
    expect(await runs('tick')).toBe(slots);
    const keys = await db.execute<{ unique_key: string; status: string }>(
      sql`select unique_key, status from jobs where name = 'tick' order by run_at`,
    );
    const first = Math.floor((clock - slots * everyMs) / everyMs) + 1;
    expect(keys.rows).toEqual(
      Array.from({ length: slots }, (_, i) => ({ unique_key: `tick@${first + i}`, status: 'done' })),
    );
  });

  it('runs jobs in the background and stops cleanly', async () => {
    const def = recorder('bg');
    const runner = await startJobRunner({ db, jobs: [def], log, workerId: 'w1', pollMs: 600_000 });
    try {
      const id = await enqueue(db, 'bg');
      // The poll is far too slow: the insert's NOTIFY is what wakes the runner.
      for (let i = 0; i < 200 && (await job(id)).status !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await job(id)).toMatchObject({ status: 'done' });
    } finally {
      await runner.stop();
    }
  });
});
