import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { notFound } from '../../kernel/http/errors.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { fulfillment } from '../fulfillment/index.js';
import { MESSAGE_STATUSES, qimenMessages, qimenPartners } from './schema.js';

export const messageQuery = z.object({
  direction: z.enum(['in', 'out']).optional(),
  method: z.string().trim().min(1).max(64).optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  partnerId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

export const messageSummary = z.object({
  id: z.string(),
  partnerId: z.string(),
  partnerName: z.string().nullable(),
  direction: z.enum(['in', 'out']),
  method: z.string(),
  outBizCode: z.string().nullable(),
  ref: z.string().nullable(),
  status: z.enum(MESSAGE_STATUSES),
  responseCode: z.string().nullable(),
  responseMessage: z.string().nullable(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const messageDetail = messageSummary.extend({
  format: z.enum(['xml', 'json']),
  query: z.record(z.string(), z.string()),
  requestBody: z.string(),
  responseBody: z.string().nullable(),
});

type Row = typeof qimenMessages.$inferSelect;
const summary = (m: Row, partnerName: string | null) => ({
  id: m.id,
  partnerId: m.partnerId,
  partnerName,
  direction: m.direction,
  method: m.method,
  outBizCode: m.outBizCode,
  ref: m.ref,
  status: m.status,
  responseCode: m.responseCode,
  responseMessage: m.responseMessage,
  attempts: m.attempts,
  maxAttempts: m.maxAttempts,
  nextAttemptAt: m.nextAttemptAt?.toISOString() ?? null,
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
});
export const detail = (m: Row, partnerName: string | null) => ({
  ...summary(m, partnerName),
  format: m.format,
  query: m.query,
  requestBody: m.requestBody,
  responseBody: m.responseBody,
});

/** The shop's Qimen messages, newest first, filtered by direction, method, status, partner. */
export async function listMessages(db: Db, shopId: string, q: z.infer<typeof messageQuery>) {
  const after = decodeCursor(q.cursor);
  return withShop(db, shopId, async (tx) => {
    const rows = await tx
      .select({ m: qimenMessages, partnerName: qimenPartners.name })
      .from(qimenMessages)
      .leftJoin(
        qimenPartners,
        and(eq(qimenPartners.shopId, qimenMessages.shopId), eq(qimenPartners.id, qimenMessages.partnerId)),
      )
      .where(
        and(
          eq(qimenMessages.shopId, shopId),
          q.direction ? eq(qimenMessages.direction, q.direction) : undefined,
          q.method ? eq(qimenMessages.method, q.method.replace(/^(taobao\.)?qimen\./, '')) : undefined,
          q.status ? eq(qimenMessages.status, q.status) : undefined,
          q.partnerId ? eq(qimenMessages.partnerId, q.partnerId) : undefined,
          // Ids are time-ordered: newest first is id descending.
          after ? lt(qimenMessages.id, String(after[0])) : undefined,
        ),
      )
      .orderBy(desc(qimenMessages.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.m.id]);
    return { items: page.items.map((r) => summary(r.m, r.partnerName)), nextCursor: page.nextCursor };
  });
}

export async function getMessage(db: Db, shopId: string, id: string) {
  return withShop(db, shopId, async (tx) => {
    const [row] = await tx
      .select({ m: qimenMessages, partnerName: qimenPartners.name })
      .from(qimenMessages)
      .leftJoin(
        qimenPartners,
        and(eq(qimenPartners.shopId, qimenMessages.shopId), eq(qimenPartners.id, qimenMessages.partnerId)),
      )
      .where(and(eq(qimenMessages.shopId, shopId), eq(qimenMessages.id, id)));
    if (!row) throw notFound('message');
    return detail(row.m, row.partnerName);
  });
}

// ---------------------------------------------------------------- retention

/** How the purge works through the log: rows per batch (one short transaction each), batches per run. */
export const purgePolicy = { batchSize: 500, maxBatchesPerRun: 400 };

type Cursor = { createdAt: string; id: string };

/** One batch of one shop's log: the next `batchSize` rows older than `cutoff` after `after`, those not kept deleted. */
async function purgeBatch(
  tx: Tx,
  shopId: string,
  cutoff: Date,
  after: Cursor | null,
  batchSize: number,
): Promise<{ deleted: number; next: Cursor | null }> {
  const rows = await tx
    .select({
      id: qimenMessages.id,
      // As text: the keyset must compare microseconds, which a JS Date drops.
      createdAt: sql<string>`${qimenMessages.createdAt}::text`,
      direction: qimenMessages.direction,
      method: qimenMessages.method,
      status: qimenMessages.status,
      ref: qimenMessages.ref,
    })
    .from(qimenMessages)
    .where(
      and(
        eq(qimenMessages.shopId, shopId),
        lt(qimenMessages.createdAt, cutoff),
        after
          ? sql`(${qimenMessages.createdAt}, ${qimenMessages.id}) > (${after.createdAt}::timestamptz, ${after.id})`
          : undefined,
      ),
    )
    .orderBy(asc(qimenMessages.createdAt), asc(qimenMessages.id))
    .limit(batchSize);
  const isCreate = (r: (typeof rows)[number]) =>
    r.direction === 'out' && r.method === 'deliveryorder.create' && r.status !== 'cancelled' && !!r.ref;
  const live = await fulfillment.liveHoldRefs(
    tx,
    shopId,
    rows.filter(isCreate).map((r) => r.ref!),
  );
  const kept = (r: (typeof rows)[number]) =>
    (r.direction === 'out' && ['queued', 'retrying', 'dead'].includes(r.status)) || (isCreate(r) && live.has(r.ref!));
  const doomed = rows.filter((r) => !kept(r)).map((r) => r.id);
  if (doomed.length) {
    await tx.delete(qimenMessages).where(and(eq(qimenMessages.shopId, shopId), inArray(qimenMessages.id, doomed)));
  }
  const last = rows.at(-1);
  return {
    deleted: doomed.length,
    next: rows.length === batchSize && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

/**
 * Deletes messages older than `retentionDays`, shop by shop and in batches (each its own short
 * transaction, walking the shop's `(shop_id, created_at, id)` index), so a big log is never
 * locked for long; a run stops after `maxBatchesPerRun` batches and the next run goes on. Kept
 * whatever their age: outbound messages still to be sent (`queued`, `retrying`) or waiting for
 * someone to resend them (`dead`), and a `deliveryorder.create` whose parcel still waits at that
 * placement (a later cancel must find it to tell the WMS). Returns how many rows were deleted.
 */
export async function purgeMessages(
  db: Db,
  retentionDays: number,
  policy: { batchSize: number; maxBatchesPerRun: number } = purgePolicy,
): Promise<number> {
  const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
  const shops = await db.selectDistinct({ shopId: qimenPartners.shopId }).from(qimenPartners);
  let deleted = 0;
  let batches = 0;
  for (const { shopId } of shops) {
    let after: Cursor | null = null;
    do {
      if (batches++ >= policy.maxBatchesPerRun) return deleted;
      const cursor: Cursor | null = after;
      const step: { deleted: number; next: Cursor | null } = await withShop(db, shopId, (tx) =>
        purgeBatch(tx, shopId, cutoff, cursor, policy.batchSize),
      );
      deleted += step.deleted;
      after = step.next;
    } while (after);
  }
  return deleted;
}
