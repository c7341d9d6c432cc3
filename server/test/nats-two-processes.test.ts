import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { emit } from '../src/kernel/events/outbox.js';
import { natsNames } from '../src/kernel/events/nats.js';
import { freshDatabase } from './db.js';

const NATS_URL = process.env.NATS_URL;
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EVENTS = 300;

interface Worker {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function startWorker(env: Record<string, string>): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/nats-worker.ts'], {
    cwd: serverDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output.join('')}`)), 30_000);
    child.stderr!.on('data', (d) => output.push(String(d)));
    child.stdout!.on('data', (d) => {
      output.push(String(d));
      if (String(d).includes('ready')) {
        clearTimeout(timer);
        resolve({ child, output, exited });
      }
    });
    void exited.then((code) => reject(new Error(`worker exited with ${code}:\n${output.join('')}`)));
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!NATS_URL)('event bus over NATS JetStream, two processes', () => {
  it('handles every event exactly once per subscriber, shared by both processes', { timeout: 180_000 }, async () => {
    const { db, url } = await freshDatabase();
    await db.execute(
      sql`create table nats_effects (subscriber text not null, event_id text not null, worker text not null)`,
    );
    await db.execute(sql`create table nats_failures (event_id text primary key)`);
    const prefix = `qdtest_${randomBytes(4).toString('hex')}`;
    const names = natsNames(prefix);
    const nc = await connect({ servers: NATS_URL });
    const jsm = await jetstreamManager(nc);
    const workers: Worker[] = [];
    try {
      for (const id of ['p1', 'p2']) {
        workers.push(await startWorker({ DATABASE_URL: url, NATS_URL: NATS_URL!, NATS_PREFIX: prefix, WORKER_ID: id }));
      }

      // Events arrive in several transactions, as from several requests.
      const poison = await emit(db, 'poison.pill', { n: -1 });
      for (let batch = 0; batch < EVENTS; batch += 30) {
        await db.transaction(async (tx) => {
          for (let n = batch; n < batch + 30; n++) await emit(tx, n % 2 ? 'load.odd' : 'load.even', { n });
        });
      }

      const count = async (subscriber: string) =>
        (
          await db.execute<{ n: number }>(
            sql`select count(*)::int as n from nats_effects where subscriber = ${subscriber}`,
          )
        ).rows[0]!.n;
      const outbox = async () =>
        (
          await db.execute<{ open: number; dead: boolean; last_error: string | null }>(
            sql`select (select count(*)::int from outbox where done_at is null) as open,
                       dead_at is not null as dead, last_error from outbox where id = ${poison}`,
          )
        ).rows[0]!;
      await waitFor('every event to be handled', async () => {
        const [all, even, flaky] = await Promise.all([count('load.all'), count('load.even'), count('load.flaky')]);
        const { open, dead } = await outbox();
        return all >= EVENTS && even >= EVENTS / 2 && flaky >= EVENTS && open === 0 && dead;
      });

      // Stop both (finishing what they hold) before counting, so a late duplicate would show.
      for (const w of workers) w.child.kill('SIGTERM');
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);

      const rows = await db.execute<{ subscriber: string; worker: string; n: number; events: number }>(sql`
        select subscriber, worker, count(*)::int as n, count(distinct event_id)::int as events
          from nats_effects group by subscriber, worker order by subscriber, worker`);
      const total = (subscriber: string, key: 'n' | 'events') =>
        rows.rows.filter((r) => r.subscriber === subscriber).reduce((s, r) => s + r[key], 0);
      const distinct = await db.execute<{ subscriber: string; events: number }>(
        sql`select subscriber, count(distinct event_id)::int as events from nats_effects group by subscriber order by 1`,
      );
      // Exactly one side effect per (subscriber, event): nothing twice, nothing lost.
      expect(distinct.rows).toEqual([
        { subscriber: 'load.all', events: EVENTS },
        { subscriber: 'load.even', events: EVENTS / 2 },
        { subscriber: 'load.flaky', events: EVENTS },
      ]);
      expect(total('load.all', 'n')).toBe(EVENTS);
      expect(total('load.even', 'n')).toBe(EVENTS / 2);
      expect(total('load.flaky', 'n')).toBe(EVENTS);
      // Both processes did part of the work.
      const byWorker = rows.rows.filter((r) => r.subscriber === 'load.all');
      expect(byWorker.map((r) => r.worker)).toEqual(['p1', 'p2']);
      expect(byWorker.every((r) => r.n > 0)).toBe(true);

      // The handled record agrees with the side effects, row for row.
      const mismatch = await db.execute<{ n: number }>(sql`
        select count(*)::int as n from nats_effects e
          full join event_handled h on h.subscriber = e.subscriber and h.event_id = e.event_id and h.handled_by = e.worker
         where (e.event_id is null or h.event_id is null)`);
      expect(mismatch.rows[0]!.n).toBe(0);

      // Every 25th event failed once for load.flaky and was redelivered; the poison event is dead.
      const failures = await db.execute<{ n: number }>(sql`select count(*)::int as n from nats_failures`);
      expect(failures.rows[0]!.n).toBe(EVENTS / 25);
      const { open, dead, last_error } = await outbox();
      expect({ open, dead }).toEqual({ open: 0, dead: true });
      expect(last_error).toContain('poison.pill: poison');
      expect(await count('poison.pill')).toBe(0);

      // One durable consumer per subscriber, shared by both processes, with nothing left over.
      const consumers = await jsm.consumers.list(names.stream).next();
      expect(consumers.map((c) => c.name).sort()).toEqual(
        ['load.all', 'load.even', 'load.flaky', 'poison.pill'].map((s) => names.consumer(s)).sort(),
      );
      for (const c of consumers) expect([c.name, c.num_pending, c.num_ack_pending]).toEqual([c.name, 0, 0]);
    } catch (e) {
      for (const w of workers) console.error(w.output.join(''));
      throw e;
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      await jsm.streams.delete(names.stream).catch(() => {});
      await nc.close();
    }
  });
});
