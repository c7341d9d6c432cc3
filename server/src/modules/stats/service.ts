import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { orders } from '../orders/index.js';
import { payments } from '../payments/index.js';
import { productViews, shopVisits } from './schema.js';

export { recordVisit, trackVisit, visitorId, VISITOR_COOKIE } from './visits.js';

/** Merchants are in China: the dashboard's days are Asia/Shanghai calendar days (UTC+8, no DST). */
export const TIME_ZONE = 'Asia/Shanghai' as const;
const OFFSET_MS = 8 * 3600_000;

export const RANGES = { today: 1, '7d': 7, '30d': 30 } as const;
export type Range = keyof typeof RANGES;
export const dashboardQuery = z.object({
  range: z
    .enum(['today', '7d', '30d'])
    .default('7d')
    .describe('today, or the last 7 / 30 Asia/Shanghai days including today'),
});

/** The Asia/Shanghai calendar day (YYYY-MM-DD) of an instant. */
export const shanghaiDay = (at: Date) => new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
/** The instant an Asia/Shanghai day starts. */
const startOf = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** The days of a range, oldest first, ending today (Asia/Shanghai). */
export function daysOf(range: Range, now = new Date()): string[] {
  const today = shanghaiDay(now);
  return Array.from({ length: RANGES[range] }, (_, i) => addDays(today, i - RANGES[range] + 1));
}

/**
 * The merchant's data dashboard for a range of Asia/Shanghai days ending today, computed from
 * the records themselves: orders paid (orders module), refunds (payments module), storefront
 * visits and product views (this module). Every day of the range has a trend row, zeros included.
 */
export async function dashboard(db: Db, shopId: string, range: Range, now = new Date()) {
  const days = daysOf(range, now);
  const from = days[0]!;
  const to = days[days.length - 1]!;
  const fromAt = startOf(from);
  const toAt = startOf(addDays(to, 1));
  return withShop(db, shopId, async (tx) => {
    const paid = await orders.paidOrderStats(tx, shopId, fromAt, toAt);
    const top = await orders.topProducts(tx, shopId, fromAt, toAt, 10);
    const refunds = await payments.refundedBetween(tx, shopId, fromAt, toAt);
    const visitRows = await tx.execute<{ day: string | null; visitors: number }>(sql`
      select to_char(${shopVisits.day}, 'YYYY-MM-DD') as "day", count(distinct ${shopVisits.visitorId})::int as "visitors"
        from ${shopVisits}
       where ${shopVisits.shopId} = ${shopId} and ${shopVisits.day} between ${from}::date and ${to}::date
       group by grouping sets ((${shopVisits.day}), ())`);
    const visitorsByDay = new Map(visitRows.rows.filter((r) => r.day !== null).map((r) => [r.day!, r.visitors]));
    const visitors = visitRows.rows.find((r) => r.day === null)?.visitors ?? 0;
    const views = top.length
      ? await tx
          .select({ productId: productViews.productId, views: sql<string>`sum(${productViews.views})::bigint` })
          .from(productViews)
          .where(
            and(
              eq(productViews.shopId, shopId),
              gte(productViews.day, from),
              lte(productViews.day, to),
              inArray(
                productViews.productId,
                top.map((t) => t.productId),
              ),
            ),
          )
          .groupBy(productViews.productId)
      : [];
    const viewsOf = new Map(views.map((v) => [v.productId, Number(v.views)]));
    const paidByDay = new Map(paid.days.map((d) => [d.day, d]));
    const { gmv, orders: orderCount, payingShoppers } = paid.total;
    return {
      range,
      timeZone: TIME_ZONE,
      from,
      to,
      gmv,
      orders: orderCount,
      payingShoppers,
      visitors,
      conversion: visitors === 0 ? 0 : Math.round(Math.min(1, payingShoppers / visitors) * 10_000) / 10_000,
      averageOrderValue: orderCount === 0 ? 0 : Math.round(gmv / orderCount),
      refunds,
      trend: days.map((date) => ({
        date,
        gmv: paidByDay.get(date)?.gmv ?? 0,
        orders: paidByDay.get(date)?.orders ?? 0,
        visitors: visitorsByDay.get(date) ?? 0,
        payingShoppers: paidByDay.get(date)?.payingShoppers ?? 0,
      })),
      topProducts: top.map((t) => ({ ...t, views: viewsOf.get(t.productId) ?? 0 })),
    };
  });
}
export type Dashboard = Awaited<ReturnType<typeof dashboard>>;
