import { and, desc, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { notFound } from '../../kernel/http/errors.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
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
