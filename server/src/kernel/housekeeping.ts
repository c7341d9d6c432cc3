import { and, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from './db/pool.js';
import { purgeIdempotencyKeys } from './http/idempotency.js';
import type { JobDefinition } from './jobs/queue.js';
import { eventHandled, jobs, outbox } from './schema.js';

const KEEP_DAYS = 7;
const older = (days: number) => sql`now() - make_interval(days => ${days})`;

/** The kernel's own recurring clean-up: replay keys, delivered events, finished jobs. */
export function housekeepingJobs(db: Db): JobDefinition[] {
  return [
    {
      name: 'kernel.purge',
      everyMs: 3_600_000,
      async handle() {
        await purgeIdempotencyKeys(db);
        await db.delete(eventHandled).where(lt(eventHandled.handledAt, older(KEEP_DAYS)));
        // Dead letters stay until someone looks at them.
        await db
          .delete(outbox)
          .where(and(isNotNull(outbox.doneAt), sql`${outbox.deadAt} is null`, lt(outbox.doneAt, older(KEEP_DAYS))));
        await db.delete(jobs).where(and(sql`${jobs.status} = 'done'`, lt(jobs.finishedAt, older(KEEP_DAYS))));
      },
    },
  ];
}
