import { sql } from 'drizzle-orm';
import type { Db } from '../kernel/db/pool.js';
import { catalog } from '../modules/catalog/index.js';
import { customers } from '../modules/customers/index.js';
import { allocateNumbers } from '../modules/customers/profiles.js';
import { createSegment, segmentViews } from '../modules/customers/segments.js';
import { createTag } from '../modules/customers/tags.js';

/** How many synthetic customers the demo shop gets (`SEED_CUSTOMERS`, default 100 000; 0 skips). */
export const seedCustomerCount = () => {
  const n = Number(process.env.SEED_CUSTOMERS ?? 100_000);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : 100_000;
};

const PROVINCES = [
  ...Array<string>(5).fill('广东省'),
  ...Array<string>(4).fill('浙江省'),
  ...Array<string>(4).fill('江苏省'),
  ...Array<string>(3).fill('上海市'),
  ...Array<string>(3).fill('北京市'),
  ...Array<string>(2).fill('山东省'),
  ...Array<string>(2).fill('四川省'),
  ...Array<string>(2).fill('福建省'),
  '湖北省',
  '河南省',
  '湖南省',
  '安徽省',
  '陕西省',
  '辽宁省',
  '重庆市',
  '云南省',
  '天津市',
  '江西省',
];
const pgArray = (xs: string[]) => `{${xs.map((x) => `"${x}"`).join(',')}}`;

/**
 * A believable customer base for the demo shop, made in PostgreSQL in a few set-based
 * statements: `count` synthetic customers (no accounts; numbered after the shop's real ones)
 * with correlated attributes — women lean to some categories, older customers spend more per
 * order, most first visits are recent, a third bought, many went quiet — and 180 days of
 * behaviour and paid-order events in the log. Then the tags, two rule tags and a few segments.
 * Runs once per shop (skips a shop that already has synthetic customers).
 */
export async function seedCustomers(db: Db, shopId: string, count = seedCustomerCount()): Promise<number> {
  if (count <= 0) return 0;
  const done = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from customer_events where shop_id = ${shopId} and event_id like 'seed-%' limit 1`,
  );
  if ((done.rows[0]?.n ?? 0) > 0) return 0;
  const list = await catalog.listProducts(db, shopId, { limit: 100 });
  const products: { id: string; category: string }[] = [];
  for (const item of list.items) {
    const p = await catalog.getProduct(db, shopId, item.id);
    products.push({ id: p.id, category: p.platformCategoryId });
  }
  if (products.length === 0) return 0;
  const categories = [...new Set(products.map((p) => p.category))];
  const byCategory = Object.fromEntries(
    categories.map((c) => [c, products.filter((p) => p.category === c).map((p) => p.id)]),
  );
  const base = (await db.transaction((tx) => allocateNumbers(tx, shopId, count))) - 1;

  await db.transaction(async (tx) => {
    await tx.execute(sql`select setseed(0.2026)`);
    await tx.execute(sql`
      insert into customers (shop_id, customer_no, gender, age_band, region, tier, first_seen_at, last_seen_at,
                             visit_days, last_visit_day, first_order_at, last_order_at, order_count, spend,
                             favourites, add_to_carts, following, top_category)
      select ${shopId}, ${base} + n, gender, age_band, region,
             case when orders = 0 then null when spend >= 150000 then '金卡会员' when spend >= 50000 then '银卡会员'
                  when r_tier < 0.7 then '普通会员' else null end,
             now() - first_days * interval '1 day', now() - last_days * interval '1 day',
             visits, to_char((now() - last_days * interval '1 day') at time zone 'Asia/Shanghai', 'YYYY-MM-DD'),
             case when orders > 0 then now() - (last_days + (first_days - last_days) * r_first_order) * interval '1 day' end,
             case when orders > 0 then now() - last_days * interval '1 day' end,
             orders, spend, favourites, carts, following, category
        from (
          select n, gender, age_band, region, r_tier, first_days, last_days, r_first_order, orders,
                 orders * round(exp(9.55 + age_lift + 0.55 * z))::bigint as spend,
                 1 + floor(-ln(1 - r_visits) * 5)::int + orders * 2 as visits,
                 floor(-ln(1 - r_fav) * (case when gender = 'female' then 1.0 else 0.6 end))::int as favourites,
                 orders + floor(-ln(1 - r_cart) * 1.2)::int as carts,
                 r_follow < 0.18 + (case when orders > 0 then 0.35 else 0 end) as following,
                 (${pgArray(categories)}::text[])[1 + least(${categories.length - 1},
                   floor(power(r_cat, case when gender = 'female' then 1.8 else 0.7 end) * ${categories.length})::int)] as category
            from (
              select n, r_tier, r_visits, r_fav, r_cart, r_follow, r_cat, r_first_order, z,
                     case when r_gender < 0.61 then 'female' when r_gender < 0.97 then 'male' end as gender,
                     (array['18-24','25-29','30-34','35-39','40-49','50+'])[1 + least(5, floor(power(r_age, 1.15) * 6)::int)] as age_band,
                     least(0.6, power(r_age, 1.15) * 0.6) as age_lift,
                     (${pgArray(PROVINCES)}::text[])[1 + floor(r_region * ${PROVINCES.length})::int] as region,
                     first_days, first_days * power(r_recency, 0.6) as last_days,
                     case when r_buy < 0.36 then 1 + floor(-ln(1 - r_freq) * 1.7)::int else 0 end as orders
                from (
                  select n, random() r_gender, random() r_age, random() r_region, random() r_tier, random() r_visits,
                         random() r_fav, random() r_cart, random() r_follow, random() r_cat, random() r_first_order,
                         random() r_recency, random() r_buy, random() r_freq,
                         540 * power(random(), 1.4) as first_days,
                         sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) as z
                    from generate_series(1, ${count}) n
                ) r
            ) a
        ) c`);
    // Behaviour of the last 180 days: visits, product views and carts, favourites, paid orders.
    await tx.execute(sql`
      insert into customer_events (shop_id, event_id, occurred_at, customer_no, type, props, source)
      select ${shopId}, 'seed-' || c.customer_no || '-' || e.k || '-' || t.type, at, c.customer_no, t.type, t.props, t.source
        from customers c
        cross join lateral generate_series(1, least(c.visit_days, 3)) as e(k)
        cross join lateral (
          select greatest(c.first_seen_at, now() - interval '180 days')
                 + (c.last_seen_at - greatest(c.first_seen_at, now() - interval '180 days')) * (case when e.k = 1 then 1 else random() end) as at,
                 (${JSON.stringify(byCategory)}::jsonb -> c.top_category)
                   ->> ((c.customer_no + e.k) % jsonb_array_length(${JSON.stringify(byCategory)}::jsonb -> c.top_category)) as product
        ) w
        cross join lateral (values
          ('page_view', '{}'::jsonb, 'beacon', e.k <= 2),
          ('product_view', jsonb_build_object('productId', w.product, 'categoryId', c.top_category), 'beacon', e.k <= 2),
          ('add_to_cart', jsonb_build_object('productId', w.product, 'categoryId', c.top_category), 'beacon', e.k <= c.add_to_carts),
          ('favourite', jsonb_build_object('productId', w.product), 'beacon', e.k <= c.favourites),
          ('order_paid', jsonb_build_object('orderId', 'seed-' || c.customer_no || '-' || e.k,
              'total', c.spend / greatest(c.order_count, 1), 'categoryIds', jsonb_build_array(c.top_category),
              'productIds', jsonb_build_array(w.product)), 'domain', e.k <= c.order_count)
        ) as t(type, props, source, wanted)
       where c.shop_id = ${shopId} and c.customer_no > ${base}
         and c.last_seen_at > now() - interval '180 days' and t.wanted`);
    await tx.execute(sql`
      insert into customer_category_stats (shop_id, customer_no, category_id, orders, spend, views, last_at)
      select shop_id, customer_no, top_category, order_count, spend, visit_days, last_seen_at
        from customers where shop_id = ${shopId} and customer_no > ${base} and top_category is not null`);
  });
  await customers.recomputeShop(db, shopId);

  // Something to look at in the workbench.
  if ((await segmentViews(db, shopId)).length === 0) {
    const system = 'seed';
    const loyal = await createTag(db, shopId, system, {
      kind: 'rule',
      name: '高频复购',
      rule: { kind: 'attribute', field: 'orderCount', op: 'gte', value: 3 },
    });
    await createTag(db, shopId, system, {
      kind: 'rule',
      name: '近30天加购未买',
      rule: {
        kind: 'and',
        rules: [
          { kind: 'behaviour', event: 'add_to_cart', withinDays: 30 },
          { kind: 'not', rule: { kind: 'behaviour', event: 'order_paid', withinDays: 30 } },
        ],
      },
    });
    await createSegment(db, shopId, system, {
      name: '高价值女性客户',
      rule: {
        kind: 'and',
        rules: [
          { kind: 'tag', tagId: 'sys.gender', value: 'female' },
          {
            kind: 'or',
            rules: [
              { kind: 'tag', tagId: 'sys.rfm', value: 'important_value' },
              { kind: 'tag', tagId: loyal.id, value: 'yes' },
            ],
          },
        ],
      },
    });
    await createSegment(db, shopId, system, {
      name: '流失的老买家',
      rule: {
        kind: 'and',
        rules: [
          { kind: 'tag', tagId: 'sys.lifecycle', value: 'churned' },
          { kind: 'tag', tagId: 'sys.buyer', value: 'yes' },
        ],
      },
    });
  }
  return count;
}
