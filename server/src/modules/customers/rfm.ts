import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { badRequest } from '../../kernel/http/errors.js';
import type { Locale } from '../../kernel/http/i18n.js';
import { bitmapOf } from './bitmaps.js';
import { customerPages } from './features.js';
import { kMeans, seededRandom } from './model.js';
import { saveSegment } from './segments.js';
import { rfmOf, SYSTEM_TAGS } from './system-tags.js';

export const rfmInput = z.object({ k: z.number().int().min(2).max(8).default(4) });
export const saveClusterInput = z.object({
  k: z.number().int().min(2).max(8),
  cluster: z.number().int().min(0).max(7),
  name: z.string().trim().min(1).max(40),
});

const DAY = 86_400_000;

/**
 * Buyers clustered by k-means on log recency, log order count and log spend (standardised), the
 * clusters ordered by average spend, highest first. Deterministic for a given k and data.
 */
async function cluster(db: Db, shopId: string, k: number, now: Date) {
  return withShop(db, shopId, async (tx) => {
    const nos: number[] = [];
    const raw: { recency: number; orders: number; spend: number }[] = [];
    for await (const page of customerPages(tx, shopId, sql`order_count > 0 and last_order_at is not null`)) {
      for (const c of page) {
        nos.push(c.customerNo);
        raw.push({
          recency: (now.getTime() - c.lastOrderAt!.getTime()) / DAY,
          orders: c.orderCount,
          spend: c.spend,
        });
      }
    }
    const logs = raw.map((r) => [Math.log1p(Math.max(0, r.recency)), Math.log1p(r.orders), Math.log1p(r.spend / 100)]);
    const mean = [0, 1, 2].map((j) => logs.reduce((s, p) => s + p[j]!, 0) / Math.max(1, logs.length));
    const std = [0, 1, 2].map(
      (j) => Math.sqrt(logs.reduce((s, p) => s + (p[j]! - mean[j]!) ** 2, 0) / Math.max(1, logs.length)) || 1,
    );
    const points = logs.map((p) => p.map((v, j) => (v - mean[j]!) / std[j]!));
    const { assignments, centroids } = kMeans(points, k, seededRandom(7));
    const groups = centroids.map((_, c) => {
      const members = assignments.map((a, i) => (a === c ? i : -1)).filter((i) => i >= 0);
      const avg = (f: (r: (typeof raw)[number]) => number) =>
        members.reduce((s, i) => s + f(raw[i]!), 0) / Math.max(1, members.length);
      return {
        members: members.map((i) => nos[i]!),
        recencyDays: avg((r) => r.recency),
        orders: avg((r) => r.orders),
        spend: Math.round(avg((r) => r.spend)),
      };
    });
    groups.sort((a, b) => b.spend - a.spend || a.recencyDays - b.recencyDays);
    const overall = {
      recencyDays: raw.reduce((s, r) => s + r.recency, 0) / Math.max(1, raw.length),
      orders: raw.reduce((s, r) => s + r.orders, 0) / Math.max(1, raw.length),
      spend: raw.reduce((s, r) => s + r.spend, 0) / Math.max(1, raw.length),
    };
    return { buyers: nos.length, groups: groups.filter((g) => g.members.length > 0), overall };
  });
}

/** The clusters with their centroids in plain units, labelled with the nearest classic RFM class. */
export async function rfmClusters(db: Db, shopId: string, input: z.infer<typeof rfmInput>, locale: Locale) {
  const now = new Date();
  const { buyers, groups, overall } = await cluster(db, shopId, input.k, now);
  return {
    buyers,
    clusters: groups.map((g, index) => {
      const cls = rfmOf(
        {
          orderCount: Math.max(1, Math.round(g.orders)),
          spend: g.spend,
          lastOrderAt: new Date(now.getTime() - g.recencyDays * DAY),
        },
        overall,
        now,
      )!;
      const orders = Math.max(1, g.orders);
      return {
        index,
        size: g.members.length,
        recencyDays: Math.round(g.recencyDays * 10) / 10,
        orders: Math.round(orders * 100) / 100,
        spend: g.spend,
        label: SYSTEM_TAGS['sys.rfm']!.values![cls]![locale],
      };
    }),
  };
}

/** Saves one cluster's members as a segment (kept as computed; recluster to refresh). */
export async function saveCluster(db: Db, shopId: string, actorId: string, input: z.infer<typeof saveClusterInput>) {
  const { groups } = await cluster(db, shopId, input.k, new Date());
  const g = groups[input.cluster];
  if (!g) {
    throw badRequest('validation_failed', [
      { field: 'body.cluster', code: 'unknown_cluster', message: 'not_found', params: { what: 'cluster' } },
    ]);
  }
  return withShop(db, shopId, (tx) =>
    saveSegment(
      tx,
      {
        shopId,
        name: input.name,
        kind: 'rfm_cluster',
        definition: {
          k: input.k,
          cluster: input.cluster,
          recencyDays: g.recencyDays,
          orders: g.orders,
          spend: g.spend,
        },
        createdBy: actorId,
      },
      bitmapOf(g.members),
    ),
  );
}
