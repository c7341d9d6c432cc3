/**
 * segments: the count of a three-clause segment (women AND aged 25–29 AND NOT in Guangdong) over
 * 1M and 10M customers, from the customer center's Roaring bitmaps (tag values held in memory,
 * the rule compiled to bitmap algebra by `evaluate`) against the equivalent SQL count over the
 * same customers table in PostgreSQL, in one run. Both must give the same count.
 *
 * The customers are generated in PostgreSQL (generate_series); the tag bitmaps are built from
 * the same rows and saved as the module saves them. Sizes: BENCH_SEGMENT_SIZES (default
 * "1000000,10000000"). ratio = sql_ms / bitmap_ms at the largest size. Also reported: bytes per
 * million customers of a tag value's bitmap (serialized portable form, about what it holds in
 * memory) for a dense value (women, ~60 %) and a sparse one (~5 %).
 */
import { sql } from 'drizzle-orm';
import { bitmapOf, emptyBitmap, sizeOf } from '../../server/src/modules/customers/bitmaps.js';
import { evaluate, type Rule } from '../../server/src/modules/customers/rules.js';
import { saveTagBitmap, tagKey } from '../../server/src/modules/customers/store.js';
import { startPlatform } from '../lib/platform.js';

export const description =
  'three-clause segment count over 1M / 10M customers: Roaring bitmaps in memory vs the same count in SQL';

const SIZES = (process.env.BENCH_SEGMENT_SIZES ?? '1000000,10000000').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const RULE: Rule = {
  kind: 'and',
  rules: [
    { kind: 'tag', tagId: 'sys.gender', value: 'female' },
    { kind: 'tag', tagId: 'sys.age', value: '25-29' },
    { kind: 'not', rule: { kind: 'tag', tagId: 'sys.region', value: '广东省' } },
  ],
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run() {
  const p = await startPlatform();
  const figures: Record<string, number | string> = { database: p.database };
  try {
    for (const n of SIZES) {
      const shopId = `shop_bench_segments_${n}`;
      // Customers, generated where they live.
      for (let from = 1; from <= n; from += 1_000_000) {
        const to = Math.min(n, from + 999_999);
        await p.db.execute(sql`
          insert into customers (shop_id, customer_no, gender, age_band, region, first_seen_at, last_seen_at)
          select ${shopId}, g,
                 case when random() < 0.6 then 'female' else 'male' end,
                 (array['18-24','25-29','30-34','35-39','40-49','50+'])[1 + floor(random() * 6)::int],
                 (array['广东省','浙江省','江苏省','上海市','北京市','四川省','山东省','福建省'])[1 + floor(random() * 8)::int],
                 now(), now()
            from generate_series(${from}::int, ${to}::int) g`);
      }
      await p.db.execute(sql.raw('analyze customers'));
      // The tag bitmaps, built from the same rows and saved as the module saves them.
      const tags = new Map<string, ReturnType<typeof bitmapOf>>();
      const build = async (tagId: string, value: string, column: string) => {
        const rows = await p.db.$client.query({
          text: `select customer_no from customers where shop_id = $1 and ${column} = $2`,
          values: [shopId, value],
          rowMode: 'array',
        });
        const b = bitmapOf(rows.rows.map((r: number[]) => r[0]!));
        tags.set(tagKey(tagId, value), b);
        await saveTagBitmap(p.db, shopId, tagId, value, b);
        return b;
      };
      const all = emptyBitmap().addRange(1, n + 1);
      tags.set(tagKey('sys.all', 'all'), all);
      const women = await build('sys.gender', 'female', 'gender');
      await build('sys.age', '25-29', 'age_band');
      await build('sys.region', '广东省', 'region');
      const sparse = bitmapOf(Array.from({ length: Math.floor(n / 20) }, (_, i) => 1 + i * 20 + (i % 7)));

      const countBitmap = async () =>
        (await evaluate(RULE, { db: p.db, shopId, universe: all, tags, now: new Date() })).size;
      const countSql = async () =>
        (
          await p.db.execute<{ n: number }>(sql`
            select count(*)::int as n from customers
             where shop_id = ${shopId} and merged_into is null
               and gender = 'female' and age_band = '25-29' and region is distinct from '广东省'`)
        ).rows[0]!.n;
      const expected = await countSql();
      const got = await countBitmap();
      if (got !== expected) throw new Error(`bitmap count ${got} != SQL count ${expected} at ${n}`);

      const bitmapMs: number[] = [];
      const sqlMs: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        let t = performance.now();
        for (let i = 0; i < 20; i++) await countBitmap();
        bitmapMs.push((performance.now() - t) / 20);
        t = performance.now();
        await countSql();
        sqlMs.push(performance.now() - t);
      }
      const label = n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
      figures[`count_${label}`] = expected;
      figures[`bitmap_ms_${label}`] = Number(median(bitmapMs).toFixed(3));
      figures[`sql_ms_${label}`] = Number(median(sqlMs).toFixed(1));
      figures[`ratio_${label}`] = Number((median(sqlMs) / median(bitmapMs)).toFixed(1));
      figures[`bytes_per_million_dense_tag`] = Math.round(sizeOf(women) / (n / 1_000_000));
      figures[`bytes_per_million_sparse_tag`] = Math.round(sizeOf(sparse) / (n / 1_000_000));
      figures.ratio = figures[`ratio_${label}`]!;
      await p.db.execute(sql`delete from customers where shop_id = ${shopId}`);
      await p.db.execute(sql`delete from customer_tag_bitmaps where shop_id = ${shopId}`);
    }
    return figures;
  } finally {
    await p.close();
  }
}
