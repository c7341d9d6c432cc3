import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db/pool.js';
import { customers } from './schema.js';

type Row = typeof customers.$inferSelect;
const DAY = 86_400_000;

/** The customer features the look-alike model sees (numeric, comparable across shops). */
export const FEATURES = [
  'log_orders',
  'log_spend',
  'log_average_order_value',
  'log_visit_days',
  'log_favourites',
  'log_add_to_carts',
  'following',
  'days_since_last_seen',
  'days_since_first_seen',
  'female',
  'male',
] as const;

export function featuresOf(c: Row, now: Date): number[] {
  const aov = c.orderCount > 0 ? c.spend / c.orderCount : 0;
  return [
    Math.log1p(c.orderCount),
    Math.log1p(c.spend / 100),
    Math.log1p(aov / 100),
    Math.log1p(c.visitDays),
    Math.log1p(c.favourites),
    Math.log1p(c.addToCarts),
    c.following ? 1 : 0,
    Math.min(365, (now.getTime() - c.lastSeenAt.getTime()) / DAY) / 30,
    Math.min(730, (now.getTime() - c.firstSeenAt.getTime()) / DAY) / 30,
    c.gender === 'female' ? 1 : 0,
    c.gender === 'male' ? 1 : 0,
  ];
}

/** Every unmerged customer of a shop, in pages of 50 000 by customer number. */
export async function* customerPages(ex: Executor, shopId: string, where = sql`true`) {
  let after = 0;
  for (;;) {
    const page = await ex
      .select()
      .from(customers)
      .where(
        and(eq(customers.shopId, shopId), isNull(customers.mergedInto), sql`${customers.customerNo} > ${after}`, where),
      )
      .orderBy(customers.customerNo)
      .limit(50_000);
    if (page.length) yield page;
    if (page.length < 50_000) return;
    after = page[page.length - 1]!.customerNo;
  }
}
