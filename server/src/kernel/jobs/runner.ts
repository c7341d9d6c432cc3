import { and, asc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/pool.js';
import { afterMs, backoffMs, errorText, listen, loop } from '../events/dispatcher.js';
import { jobs } from '../schema.js';
import { enqueue, type JobDefinition } from './queue.js';

export interface JobRunner {
  stop(): Promise<void>;
  /** run every due job now; resolves with how many ran */
  runDue(): Promise<number>;
}

export interface JobRunnerOptions {
  db: Db;
  jobs: JobDefinition[];
  log: FastifyBaseLogger;
  /** Recorded in jobs.locked_by while a job runs. */
  workerId: string;
  /** Fallback poll interval; inserts into jobs also wake the loop through NOTIFY. Default 1000. */
  pollMs?: number;
  /** Jobs claimed (and run in parallel) at a time. Default 10. */
  batchSize?: number;
  /** Visibility timeout: a job still 'running' this long after its claim is queued again. Default 5 min. */
  lockMs?: number;
  /** false: no background loop; jobs run only when runDue() is called (tests, CLI). Default true. */
  background?: boolean;
  /** Clock for recurring slots (tests). Default Date.now. */
  now?: () => number;
}

export const JOBS_CHANNEL = 'qiandian_jobs';
const REQUEUE_EVERY_MS = 30_000;

/**
 * Runs queued jobs whose time has come. Processes share the table through SKIP LOCKED; a job
 * whose name this process does not know is left for one that does. Recurring definitions
 * (`everyMs`) get one job per slot, de-duplicated across processes by `<name>@<slot>`.
 */
export async function startJobRunner(opts: JobRunnerOptions): Promise<JobRunner> {
  const { db, workerId } = opts;
  const log = opts.log.child({ component: 'jobs', workerId });
  const lockMs = opts.lockMs ?? 300_000;
  const batchSize = opts.batchSize ?? 10;
  const now = opts.now ?? Date.now;
  const byName = new Map(opts.jobs.map((d) => [d.name, d]));
  const names = [...byName.keys()];
  const recurring = opts.jobs.filter((d) => d.everyMs !== undefined);
  for (const d of recurring) if (!(d.everyMs! > 0)) throw new Error(`Job ${d.name}: everyMs must be positive`);

  const ensuredSlot = new Map<string, number>();
  /** Enqueues the next slot of each recurring job, once per slot per process. */
  async function ensureSlots(defs = recurring): Promise<void> {
    for (const d of defs) {
      const slot = Math.floor(now() / d.everyMs!) + 1;
      if (ensuredSlot.get(d.name) === slot) continue;
      await enqueue(
        db,
        d.name,
        {},
        { runAt: new Date(slot * d.everyMs!), uniqueKey: `${d.name}@${slot}`, maxAttempts: d.maxAttempts },
      );
      ensuredSlot.set(d.name, slot);
    }
  }

  /** Jobs whose runner died mid-run: queued again, or failed when out of attempts. */
  async function requeueExpired(): Promise<void> {
    const expired = await db
      .update(jobs)
      .set({
        status: sql`case when ${jobs.attempts} >= ${jobs.maxAttempts} then 'failed' else 'queued' end`,
        finishedAt: sql`case when ${jobs.attempts} >= ${jobs.maxAttempts} then now() end`,
        lastError: sql`'lock expired (held by ' || coalesce(${jobs.lockedBy}, '?') || ')'`,
        lockedBy: null,
        lockedUntil: null,
      })
      .where(and(eq(jobs.status, 'running'), lt(jobs.lockedUntil, sql`now()`)))
      .returning({ id: jobs.id, status: jobs.status });
    if (expired.length) log.warn({ jobs: expired }, 'jobs with expired locks released');
  }

  async function runBatch(): Promise<number> {
    if (names.length === 0) return 0;
    const due = db
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.status, 'queued'), lte(jobs.runAt, sql`now()`), inArray(jobs.name, names)))
      .orderBy(asc(jobs.runAt))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    const claimed = await db
      .update(jobs)
      .set({ status: 'running', attempts: sql`${jobs.attempts} + 1`, lockedBy: workerId, lockedUntil: afterMs(lockMs) })
      .where(inArray(jobs.id, due))
      .returning();
    await Promise.all(claimed.map(run));
    return claimed.length;
  }

  async function run(job: typeof jobs.$inferSelect): Promise<void> {
    const def = byName.get(job.name)!;
    // Only while this claim still holds the job (not expired and re-claimed elsewhere).
    const ours = and(
      eq(jobs.id, job.id),
      eq(jobs.status, 'running'),
      eq(jobs.lockedBy, workerId),
      eq(jobs.attempts, job.attempts),
    );
    try {
      await def.handle(job.payload as Record<string, unknown>, db);
      await db
        .update(jobs)
        .set({ status: 'done', finishedAt: sql`now()`, lockedBy: null, lockedUntil: null })
        .where(ours);
    } catch (e) {
      const maxAttempts = def.maxAttempts ?? job.maxAttempts;
      const failed = job.attempts >= maxAttempts;
      const lastError = errorText(e);
      log[failed ? 'error' : 'warn'](
        { err: e, job: job.name, jobId: job.id, attempt: job.attempts },
        failed ? 'job failed' : 'job will retry',
      );
      await db
        .update(jobs)
        .set(
          failed
            ? { status: 'failed', finishedAt: sql`now()`, lastError, lockedBy: null, lockedUntil: null }
            : {
                status: 'queued',
                runAt: afterMs(backoffMs(job.attempts)),
                lastError,
                lockedBy: null,
                lockedUntil: null,
              },
        )
        .where(ours);
    }
    if (def.everyMs !== undefined) await ensureSlots([def]);
  }

  const runDue = async () => {
    await requeueExpired();
    await ensureSlots();
    let total = 0;
    for (let n; (n = await runBatch()) > 0;) total += n;
    return total;
  };

  await ensureSlots();
  if (opts.background === false) return { runDue, stop: async () => {} };

  let lastRequeue = 0;
  const poller = loop(
    async () => {
      if (Date.now() - lastRequeue >= REQUEUE_EVERY_MS) {
        await requeueExpired();
        lastRequeue = Date.now();
      }
      await ensureSlots();
      return runBatch();
    },
    opts.pollMs ?? 1000,
    log,
    'job runner',
  );
  const unlisten = names.length ? await listen(db.$client, JOBS_CHANNEL, () => poller.wake(), log) : async () => {};
  let stopped: Promise<void> | undefined;
  return {
    runDue,
    stop: () =>
      (stopped ??= (async () => {
        await unlisten();
        await poller.stop();
      })()),
  };
}
