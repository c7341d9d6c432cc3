import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../kernel/db/pool.js';
import { inShop } from '../../kernel/db/tenant.js';
import { bitmapOf, emptyBitmap, type Bitmap } from './bitmaps.js';
import { evaluate, type Rule } from './rules.js';
import { customers, customerTags } from './schema.js';
import { refreshRuleSegments } from './segments.js';
import { loadTagBitmaps, saveTagBitmap, tagKey } from './store.js';
import { SYSTEM_TAG_IDS, systemValues, type RfmThresholds } from './system-tags.js';
import { lockShopTags, YES } from './tags.js';

/** Shop-wide RFM split points: means over the shop's buyers. */
export async function rfmThresholds(tx: Tx, shopId: string, now: Date): Promise<RfmThresholds> {
  const [row] = (
    await tx.execute<{ recency: number | null; orders: number | null; spend: number | null }>(sql`
      select avg(extract(epoch from (${now.toISOString()}::timestamptz - last_order_at)) / 86400)::float8 as recency,
             avg(order_count)::float8 as orders, avg(spend)::float8 as spend
        from ${customers}
       where shop_id = ${shopId} and merged_into is null and order_count > 0`)
  ).rows;
  return { recencyDays: row?.recency ?? 0, orders: row?.orders ?? 0, spend: row?.spend ?? 0 };
}

/**
 * Incremental refresh of one shop: takes the customers queued in `customer_dirty`, moves each
 * between the values of every system tag, re-evaluates rule tags for just them, writes the
 * bitmaps that changed, then re-evaluates saved rule segments. Returns how many customers it took.
 */
export async function refreshShop(db: Db, shopId: string, now = new Date()): Promise<number> {
  return db.transaction(async (outer) =>
    inShop(outer, shopId, async (tx) => {
      await lockShopTags(tx, shopId);
      const taken = await tx.execute<{ customer_no: number }>(
        sql`delete from customer_dirty where shop_id = ${shopId} returning customer_no`,
      );
      if (taken.rows.length === 0) return 0;
      const dirty = bitmapOf(taken.rows.map((r) => r.customer_no));
      const rows = await tx
        .select()
        .from(customers)
        .where(
          and(
            eq(customers.shopId, shopId),
            sql`${customers.customerNo} = any(${`{${dirty.toArray().join(',')}}`}::int[])`,
          ),
        );
      const thresholds = await rfmThresholds(tx, shopId, now);
      const tags = await loadTagBitmaps(tx, shopId);
      const changed = new Set<string>();
      const bitmapFor = (key: string) => {
        let b = tags.get(key);
        if (!b) tags.set(key, (b = emptyBitmap()));
        return b;
      };
      // Out of every system tag value first, then into the new one.
      for (const [key, b] of tags) {
        if (!SYSTEM_TAG_IDS.some((id) => key.startsWith(`${id}=`))) continue;
        if (b.andCardinality(dirty) > 0) {
          b.andNotInPlace(dirty);
          changed.add(key);
        }
      }
      for (const c of rows) {
        for (const [tagId, value] of Object.entries(systemValues(c, thresholds, now))) {
          if (value === null) continue;
          const key = tagKey(tagId, value);
          bitmapFor(key).add(c.customerNo);
          changed.add(key);
        }
      }
      // Rule tags, for the dirty customers only (merged ones drop out: they are not in the universe).
      const live = bitmapOf(rows.filter((c) => c.mergedInto === null).map((c) => c.customerNo));
      const ruleTags = await tx
        .select({ id: customerTags.id, rule: customerTags.rule })
        .from(customerTags)
        .where(and(eq(customerTags.shopId, shopId), eq(customerTags.kind, 'rule')));
      const leafCache = new Map<string, Bitmap>();
      for (const t of ruleTags) {
        const key = tagKey(t.id, YES);
        const now_ = await evaluate(t.rule as Rule, { db: tx, shopId, universe: live, tags, now, leafCache });
        const b = bitmapFor(key);
        b.andNotInPlace(dirty);
        b.orInPlace(now_);
        changed.add(key);
      }
      // Manual and imported tags lose merged-away customers.
      const merged = bitmapOf(rows.filter((c) => c.mergedInto !== null).map((c) => c.customerNo));
      if (!merged.isEmpty) {
        for (const [key, b] of tags) {
          if (b.andCardinality(merged) > 0) {
            b.andNotInPlace(merged);
            changed.add(key);
          }
        }
      }
      for (const key of changed) {
        const [tagId, value] = splitKey(key);
        await saveTagBitmap(tx, shopId, tagId, value, tags.get(key)!);
      }
      await refreshRuleSegments(tx, shopId, now);
      return rows.length;
    }),
  );
}

const splitKey = (key: string): [string, string] => {
  const i = key.indexOf('=');
  return [key.slice(0, i), key.slice(i + 1)];
};

/**
 * Full recomputation of one shop's system and rule tags (time moves customers between lifecycle
 * stages and RFM classes, and slides behaviour windows, without any event), then its segments.
 * Reads the customers in pages of 50 000.
 */
export async function recomputeShop(db: Db, shopId: string, now = new Date()): Promise<void> {
  await db.transaction(async (outer) =>
    inShop(outer, shopId, async (tx) => {
      await lockShopTags(tx, shopId);
      await tx.execute(sql`delete from customer_dirty where shop_id = ${shopId}`);
      const thresholds = await rfmThresholds(tx, shopId, now);
      const fresh = new Map<string, Bitmap>();
      let after = 0;
      for (;;) {
        const page = await tx
          .select()
          .from(customers)
          .where(
            and(eq(customers.shopId, shopId), isNull(customers.mergedInto), sql`${customers.customerNo} > ${after}`),
          )
          .orderBy(customers.customerNo)
          .limit(50_000);
        for (const c of page) {
          for (const [tagId, value] of Object.entries(systemValues(c, thresholds, now))) {
            if (value === null) continue;
            const key = tagKey(tagId, value);
            let b = fresh.get(key);
            if (!b) fresh.set(key, (b = emptyBitmap()));
            b.add(c.customerNo);
          }
        }
        if (page.length < 50_000) break;
        after = page[page.length - 1]!.customerNo;
      }
      const old = await loadTagBitmaps(tx, shopId);
      const tags = new Map(old);
      for (const [key] of old) if (SYSTEM_TAG_IDS.some((id) => key.startsWith(`${id}=`))) tags.set(key, emptyBitmap());
      for (const [key, b] of fresh) tags.set(key, b);
      const universe = tags.get(tagKey('sys.all', 'all')) ?? emptyBitmap();
      const ruleTags = await tx
        .select({ id: customerTags.id, rule: customerTags.rule })
        .from(customerTags)
        .where(and(eq(customerTags.shopId, shopId), eq(customerTags.kind, 'rule')));
      const leafCache = new Map<string, Bitmap>();
      for (const t of ruleTags)
        tags.set(tagKey(t.id, YES), await evaluate(t.rule as Rule, { db: tx, shopId, universe, tags, now, leafCache }));
      for (const [key, b] of tags) {
        const before = old.get(key);
        if (before && before.isEqual(b)) continue;
        const [tagId, value] = splitKey(key);
        await saveTagBitmap(tx, shopId, tagId, value, b);
      }
      await refreshRuleSegments(tx, shopId, now);
    }),
  );
}

/** Shops with customers (for the recurring recomputation). */
export async function shopsWithCustomers(db: Db): Promise<string[]> {
  const rows = await db.execute<{ shop_id: string }>(sql`select shop_id from customer_counters order by shop_id`);
  return rows.rows.map((r) => r.shop_id);
}
