import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { Db } from '../../kernel/db/pool.js';
import { APP_ROLE } from '../../kernel/db/tenant.js';

/**
 * The customer behaviour log: storefront beacon events and domain events (orders, refunds,
 * follows), append-only. Declared here rather than in schema.ts because it is range-partitioned
 * by month on `occurred_at`, which drizzle-kit cannot express: the table is created by the
 * hand-written migration `0011_customer_events.sql`, and `ensurePartitions` adds months ahead.
 * Deduplication: the primary key (shop, event id, occurred_at) — a retried beacon carries the
 * same id and time, a domain event the outbox event's id and its time.
 */
export const customerEvents = pgTable(
  'customer_events',
  {
    shopId: text().notNull(),
    eventId: text().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    customerNo: integer().notNull(),
    type: text().notNull(),
    props: jsonb().notNull().$type<Record<string, unknown>>().default({}),
    source: text().notNull().$type<'beacon' | 'domain'>().default('beacon'),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'customer_events_pk', columns: [t.shopId, t.eventId, t.occurredAt] }),
    index('customer_events_type_idx').on(t.shopId, t.type, t.occurredAt),
    index('customer_events_customer_idx').on(t.shopId, t.customerNo, t.occurredAt),
  ],
);

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
export const partitionName = (month: Date) =>
  `customer_events_${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

/**
 * Creates the monthly partitions covering [from, to] that do not exist yet, each with the same
 * tenant policy as the parent (queries through the parent are already filtered by the parent's
 * policy; the partition's own policy guards direct access). Returns the partitions created.
 */
export async function ensurePartitions(db: Db, from: Date, to: Date): Promise<string[]> {
  const months: Date[] = [];
  for (let m = monthStart(from); m <= to; m = addMonths(m, 1)) months.push(m);
  const existing = await db.execute<{ name: string }>(sql`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'customer_events'::regclass`);
  const have = new Set(existing.rows.map((r) => r.name));
  const missing = months.filter((m) => !have.has(partitionName(m)));
  if (missing.length === 0) return [];
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('customer_events.partitions'))`);
    const created: string[] = [];
    for (const m of missing) {
      const name = partitionName(m);
      const [row] = (
        await tx.execute<{ n: number }>(sql`select count(*)::int as n from pg_class where relname = ${name}`)
      ).rows;
      if (row && row.n > 0) continue;
      const fromText = m.toISOString();
      const toText = addMonths(m, 1).toISOString();
      await tx.execute(
        sql.raw(`create table "${name}" partition of customer_events for values from ('${fromText}') to ('${toText}')`),
      );
      await tx.execute(sql.raw(`alter table "${name}" enable row level security`));
      await tx.execute(
        sql.raw(`create policy tenant_isolation on "${name}"
           using (shop_id = current_setting('qiandian.shop_id', true))
           with check (shop_id = current_setting('qiandian.shop_id', true))`),
      );
      await tx.execute(sql.raw(`grant select, insert on "${name}" to ${APP_ROLE}`));
      created.push(name);
    }
    return created;
  });
}

/** The months the log must accept: from `monthsBack` ago to three months ahead. */
export async function ensurePartitionsAround(db: Db, now = new Date(), monthsBack = 1): Promise<string[]> {
  return ensurePartitions(db, addMonths(monthStart(now), -monthsBack), addMonths(monthStart(now), 3));
}
