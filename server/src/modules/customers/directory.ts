import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { notFound } from '../../kernel/http/errors.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { identity } from '../identity/index.js';
import { customerEvents } from './events-table.js';
import { setAttributes } from './profiles.js';
import { customers } from './schema.js';
import { segmentCache, tagCache, tagKey } from './store.js';

export const AGE_BANDS = ['18-24', '25-29', '30-34', '35-39', '40-49', '50+'] as const;

export const customerListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(64).optional().describe('customer number or shopper account id'),
  gender: z.enum(['female', 'male']).optional(),
  region: z.string().max(40).optional(),
  tier: z.string().max(40).optional(),
  buyers: z.enum(['true', 'false']).optional().describe('only customers who bought (true) or never did (false)'),
  tag: z.string().max(200).optional().describe('`tagId=value`, e.g. `sys.lifecycle=churned`'),
  segmentId: z.string().max(64).optional(),
});

export const attributesInput = z.object({
  gender: z.enum(['female', 'male']).nullable().optional(),
  ageBand: z.enum(AGE_BANDS).nullable().optional(),
  region: z.string().trim().min(1).max(40).nullable().optional(),
  tier: z.string().trim().min(1).max(40).nullable().optional(),
});

type Row = typeof customers.$inferSelect;
export const customerView = (c: Row, displayName?: string | null) => ({
  customerNo: c.customerNo,
  accountId: c.accountId,
  displayName: displayName ?? null,
  gender: c.gender,
  ageBand: c.ageBand,
  region: c.region,
  tier: c.tier,
  following: c.following,
  firstSeenAt: c.firstSeenAt.toISOString(),
  lastSeenAt: c.lastSeenAt.toISOString(),
  visitDays: c.visitDays,
  firstOrderAt: c.firstOrderAt?.toISOString() ?? null,
  lastOrderAt: c.lastOrderAt?.toISOString() ?? null,
  orderCount: c.orderCount,
  spend: c.spend,
  refunded: c.refunded,
  averageOrderValue: c.orderCount > 0 ? Math.round(c.spend / c.orderCount) : 0,
  favourites: c.favourites,
  addToCarts: c.addToCarts,
  topCategory: c.topCategory,
});

async function names(db: Db, rows: Row[]) {
  const ids = rows.map((r) => r.accountId).filter((a): a is string => !!a);
  if (ids.length === 0) return new Map<string, string>();
  const accounts = await identity.getAccounts(db, ids);
  return new Map([...accounts].map(([id, a]) => [id, a.displayName]));
}

/**
 * The shop's customers, most recently seen first, filtered by attributes, a tag value or a
 * saved segment (members from the in-memory bitmaps, the page from PostgreSQL).
 */
export async function listCustomers(db: Db, shopId: string, q: z.infer<typeof customerListQuery>) {
  const after = decodeCursor(q.cursor) as [string, number] | undefined;
  let members: number[] | null = null;
  if (q.segmentId) {
    const seg = (await segmentCache.fresh(shopId, db)).get(q.segmentId);
    members = seg ? seg.bitmap.toArray() : [];
  } else if (q.tag) {
    const i = q.tag.indexOf('=');
    const entry = (await tagCache.fresh(shopId, db)).get(tagKey(q.tag.slice(0, i), q.tag.slice(i + 1)));
    members = entry ? entry.bitmap.toArray() : [];
  }
  const where: (SQL | undefined)[] = [eq(customers.shopId, shopId), isNull(customers.mergedInto)];
  if (q.q) {
    where.push(/^\d{1,9}$/.test(q.q) ? eq(customers.customerNo, Number(q.q)) : eq(customers.accountId, q.q));
  }
  if (q.gender) where.push(eq(customers.gender, q.gender));
  if (q.region) where.push(eq(customers.region, q.region));
  if (q.tier) where.push(eq(customers.tier, q.tier));
  if (q.buyers) where.push(q.buyers === 'true' ? sql`${customers.orderCount} > 0` : sql`${customers.orderCount} = 0`);
  if (members) where.push(sql`${customers.customerNo} = any(${`{${members.join(',')}}`}::int[])`);
  if (after)
    where.push(sql`(${customers.lastSeenAt}, ${customers.customerNo}) < (${after[0]}::timestamptz, ${after[1]})`);
  const rows = await withShop(db, shopId, (tx) =>
    tx
      .select()
      .from(customers)
      .where(and(...where))
      .orderBy(desc(customers.lastSeenAt), desc(customers.customerNo))
      .limit(q.limit + 1),
  );
  const page = toPage(rows, q.limit, (r) => [r.lastSeenAt.toISOString(), r.customerNo]);
  const nameOf = await names(db, page.items);
  return {
    items: page.items.map((c) => customerView(c, c.accountId ? nameOf.get(c.accountId) : null)),
    nextCursor: page.nextCursor,
  };
}

/** One customer: attributes, the tag values and segments they are in, and their latest events. */
export async function getCustomer(db: Db, shopId: string, customerNo: number) {
  const [row] = await withShop(db, shopId, (tx) =>
    tx
      .select()
      .from(customers)
      .where(and(eq(customers.shopId, shopId), eq(customers.customerNo, customerNo))),
  );
  if (!row || row.mergedInto !== null) throw notFound('customer');
  const events = await withShop(db, shopId, (tx) =>
    tx
      .select({
        id: customerEvents.eventId,
        type: customerEvents.type,
        at: customerEvents.occurredAt,
        props: customerEvents.props,
        source: customerEvents.source,
      })
      .from(customerEvents)
      .where(and(eq(customerEvents.shopId, shopId), eq(customerEvents.customerNo, customerNo)))
      .orderBy(desc(customerEvents.occurredAt))
      .limit(30),
  );
  const tags = [...(await tagCache.fresh(shopId, db))]
    .filter(([, e]) => e.bitmap.has(customerNo))
    .map(([key]) => {
      const i = key.indexOf('=');
      return { tagId: key.slice(0, i), value: key.slice(i + 1) };
    });
  const segments = [...(await segmentCache.fresh(shopId, db))]
    .filter(([, e]) => e.bitmap.has(customerNo))
    .map(([id]) => id);
  const nameOf = await names(db, [row]);
  return {
    ...customerView(row, row.accountId ? nameOf.get(row.accountId) : null),
    tags,
    segmentIds: segments,
    events: events.map((e) => ({ ...e, at: e.at.toISOString() })),
  };
}

/** The merchant corrects or completes attributes (gender, age band, region, tier). */
export async function updateCustomer(
  db: Db,
  shopId: string,
  customerNo: number,
  input: z.infer<typeof attributesInput>,
) {
  await withShop(db, shopId, async (tx) => {
    const [row] = await tx
      .select({ n: customers.customerNo, mergedInto: customers.mergedInto })
      .from(customers)
      .where(and(eq(customers.shopId, shopId), eq(customers.customerNo, customerNo)))
      .for('update');
    if (!row || row.mergedInto !== null) throw notFound('customer');
    const attrs = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    await setAttributes(tx, shopId, [customerNo], attrs);
  });
  return getCustomer(db, shopId, customerNo);
}
