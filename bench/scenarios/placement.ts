/**
 * placement: which arm of which strategy one shopper gets on the shop home, with 1 000 active
 * strategies over 100 segments of a 100 000-customer shop, against the same answer from a plain
 * SQL query in the same run.
 *
 * The shop, its segments and strategies are made through the modules' own functions: customers
 * (real customers for the measured shoppers, segments saved as Roaring bitmaps over customer
 * numbers 1…100 000) and strategy (each strategy created and started as the workbench does).
 *
 * - memory: `strategy.assignPage` as the shop home runs it — the shopper's customer number (one
 *   indexed read), their segments from the in-memory bitmaps, the compiled strategies by
 *   placement, the stable holdout — per resolution, awaited one after another.
 * - memory_compute: the same without the customer lookup (customer number already known): what
 *   1 000 strategies cost in memory.
 * - sql: the customer lookup, then one query joining the active strategies' rules to a plain
 *   segment-membership table (customer_no, segment_id) holding the same members, choosing the
 *   first matching strategy per placement by priority; the holdout hashed the same way.
 * Before timing, both answer a sample of shoppers and must agree.
 * ratio = sql_us / memory_us (how many memory resolutions fit in one by SQL).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../server/src/kernel/db/pool.js';
import { withShop } from '../../server/src/kernel/db/tenant.js';
import { bitmapOf } from '../../server/src/modules/customers/bitmaps.js';
import { customers } from '../../server/src/modules/customers/index.js';
import { saveSegment } from '../../server/src/modules/customers/segments.js';
import { assign, inHoldout } from '../../server/src/modules/strategy/assignment.js';
import { strategy } from '../../server/src/modules/strategy/index.js';
import { HERO_BANNER, PRODUCT_MODULE, placementsOfPage } from '../../server/src/modules/strategy/placements.js';
import { openShop } from '../lib/shop.js';
import { startPlatform, type BenchPlatform } from '../lib/platform.js';

export const description =
  'shop-home placement resolution, 1 000 strategies over 100-segment bitmaps (100 000 customers): in memory vs a SQL join, µs each';

const STRATEGIES = Number(process.env.BENCH_STRATEGIES ?? 1000);
const SEGMENTS = 100;
const UNIVERSE = 100_000;
const SHOPPERS = 300;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Math.max(3, Math.min(DURATION_S, 5));

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same shop. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function shopWithProducts(p: BenchPlatform) {
  const { owner, shop } = await openShop(p, 'Bench placements');
  const product = await owner.post<{ id: string }>(`/api/shops/${shop.id}/products`, {
    title: '明前龙井',
    platformCategoryId: 'tea.green',
    status: 'on_shelf',
    specAxes: [],
    skus: [{ spec: {}, price: 9900, stock: 100 }],
    images: ['/media/bench/cover.webp'],
  });
  const me = await owner.get<{ account: { id: string } }>('/api/auth/me');
  return { shopId: shop.id, productId: product.id, ownerId: me.account.id };
}

/** Segments as the customer center keeps them; also the same members in a plain table for SQL. */
async function seedSegments(db: Db, shopId: string) {
  const rnd = random(7);
  const ids: string[] = [];
  await db.execute(sql`create table bench_segment_members (
    shop_id text not null, customer_no integer not null, segment_id text not null,
    primary key (shop_id, customer_no, segment_id))`);
  for (let s = 0; s < SEGMENTS; s++) {
    // Mostly small segments (0.2 % … 40 %), a few broad ones: as a shop's saved segments go.
    const density = 0.002 + 0.4 * rnd() ** 3;
    const members: number[] = [];
    for (let n = 1; n <= UNIVERSE; n++) if (rnd() < density) members.push(n);
    const saved = await withShop(db, shopId, (tx) =>
      saveSegment(
        tx,
        // Saved as fixed member lists (a rule segment would be re-evaluated by the next refresh).
        { shopId, name: `人群 ${s + 1}`, kind: 'lookalike', definition: { bench: true }, createdBy: null },
        bitmapOf(members),
      ),
    );
    ids.push(saved.id);
    await db.execute(sql`insert into bench_segment_members (shop_id, customer_no, segment_id)
      select ${shopId}, n, ${saved.id} from unnest(${`{${members.join(',')}}`}::int[]) as n`);
  }
  await db.execute(sql`analyze bench_segment_members`);
  return ids;
}

async function seedStrategies(db: Db, shopId: string, ownerId: string, productId: string, segmentIds: string[]) {
  const rnd = random(11);
  const pick = () => segmentIds[Math.floor(rnd() * segmentIds.length)]!;
  for (let i = 0; i < STRATEGIES; i++) {
    const banner = i % 10 < 7;
    const content = (v: string) =>
      banner
        ? { imageUrl: `/media/bench/${i}-${v}.jpg`, title: `横幅 ${i} ${v}`, link: '/m' }
        : { title: `推荐 ${i} ${v}`, productIds: [productId] };
    const a = pick();
    let b = pick();
    while (b === a) b = pick();
    const created = await strategy.createStrategy(db, shopId, ownerId, {
      name: `策略 ${i + 1}`,
      placement: banner ? HERO_BANNER : PRODUCT_MODULE,
      priority: Math.floor(rnd() * 1000),
      variants: ['a', 'b', 'c'].map((v) => ({ id: v, name: v.toUpperCase(), content: content(v) })),
      rules: [
        { segmentId: a, variantId: 'b' },
        { segmentId: b, variantId: 'c' },
      ],
      defaultVariantId: 'a',
      holdoutPercent: 10,
      attributionDays: 7,
    });
    await strategy.setStatus(db, shopId, created.id, ownerId, 'active');
  }
}

/** The peer: the shop home's arms for one customer from one SQL query (holdout hashed alike). */
async function resolveBySql(db: Db, shopId: string, deviceId: string, placements: string[]) {
  const found = await customers.customerFor(db, shopId, { deviceId });
  const customerNo = found?.customerNo ?? -1;
  const rows = await db.execute<{ id: string; placement: string; variant_id: string; holdout_percent: number }>(sql`
    with mine as (
      select segment_id from bench_segment_members where shop_id = ${shopId} and customer_no = ${customerNo}
    ), candidates as (
      select s.id, s.placement, s.priority, s.started_at, s.default_variant_id, s.holdout_percent,
             (select r.rule->>'variantId'
                from jsonb_array_elements(s.rules) with ordinality as r(rule, ord)
               where r.rule->>'segmentId' in (select segment_id from mine)
               order by r.ord limit 1) as matched
        from strategies s
       where s.shop_id = ${shopId} and s.status = 'active'
         and s.placement = any(${`{${placements.join(',')}}`}::text[])
    )
    select distinct on (placement) id, placement, coalesce(matched, default_variant_id) as variant_id, holdout_percent
      from candidates
     order by placement, (matched is null), priority desc, started_at, id`);
  return rows.rows.map((r) => ({
    placement: r.placement,
    strategyId: r.id,
    variantId: inHoldout(r.id, deviceId, r.holdout_percent) ? 'holdout' : r.variant_id,
  }));
}

async function resolveInMemory(db: Db, shopId: string, deviceId: string) {
  const assigned = await strategy.assignPage(db, shopId, 'shop_home', { deviceId });
  return assigned.map((a) => ({ placement: a.type.key, strategyId: a.strategy.id, variantId: a.variantId }));
}

/** µs per call of each target: rounds alternate the targets; the median round counts. */
async function time(targets: Record<string, (i: number) => Promise<unknown>>, perRoundMs: number) {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (const fn of Object.values(targets)) for (let i = 0; i < 200; i++) await fn(i); // warm up
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of Object.entries(targets)) {
      const start = process.hrtime.bigint();
      const until = performance.now() + perRoundMs;
      let n = 0;
      while (n % 50 !== 0 || performance.now() < until) await fn(n++);
      samples[name]!.push(Number(process.hrtime.bigint() - start) / 1000 / n);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function run(): Promise<Record<string, number | string>> {
  process.env.BENCH_RATE_LIMIT ??= '10000000';
  const platform = await startPlatform();
  try {
    const { db } = platform;
    const { shopId, productId, ownerId } = await shopWithProducts(platform);
    const built = Date.now();
    const segmentIds = await seedSegments(db, shopId);
    await seedStrategies(db, shopId, ownerId, productId, segmentIds);
    // The measured shoppers are real customers of the shop (numbers 1…SHOPPERS of the bitmaps).
    const devices: string[] = [];
    const numbers: number[] = [];
    for (let i = 0; i < SHOPPERS; i++) {
      const deviceId = `vis_bench${String(i).padStart(16, '0')}`;
      numbers.push(await withShop(db, shopId, (tx) => customers.ensureCustomer(tx, shopId, { deviceId })));
      devices.push(deviceId);
    }
    const setupSeconds = round((Date.now() - built) / 1000, 1);
    const placements = placementsOfPage('shop_home').map((t) => t.key);

    // Both must give every sampled shopper the same arms before either is timed.
    let matchedByRule = 0;
    for (const deviceId of devices) {
      const mem = await resolveInMemory(db, shopId, deviceId);
      const bySql = await resolveBySql(db, shopId, deviceId, placements);
      const key = (xs: { placement: string; strategyId: string; variantId: string }[]) =>
        JSON.stringify([...xs].sort((a, b) => a.placement.localeCompare(b.placement)));
      if (key(mem) !== key(bySql))
        throw new Error(`memory and SQL disagree for ${deviceId}: ${key(mem)} vs ${key(bySql)}`);
      if (mem.length !== placements.length) throw new Error(`expected ${placements.length} placements for ${deviceId}`);
      matchedByRule += mem.filter((m) => m.variantId !== 'a' && m.variantId !== 'holdout').length;
    }

    // The in-memory part alone: membership of the shop's rule segments, then assignment.
    const index = await strategy.shopIndex(db, shopId);
    const lists = placements.map((k) => index.byPlacement.get(k) ?? []);
    const compute = async (i: number) => {
      const j = i % SHOPPERS;
      const segments = await customers.segmentMembership(shopId, numbers[j]!, index.segmentIds, db);
      return lists.map((list) => assign(list, segments, devices[j]!));
    };
    const perRoundMs = (DURATION_S * 1000) / ROUNDS / 3;
    const us = await time(
      {
        memory: (i) => resolveInMemory(db, shopId, devices[i % SHOPPERS]!),
        memory_compute: compute,
        sql: (i) => resolveBySql(db, shopId, devices[i % SHOPPERS]!, placements),
      },
      perRoundMs,
    );
    return {
      strategies: STRATEGIES,
      shop_home_strategies: lists.reduce((n, l) => n + l.length, 0),
      segments: SEGMENTS,
      rule_segments_checked: index.segmentIds.length,
      customers_in_bitmaps: UNIVERSE,
      shoppers_sampled: SHOPPERS,
      arms_by_rule_share: round(matchedByRule / (SHOPPERS * placements.length), 3),
      memory_us: round(us.memory!),
      memory_compute_us: round(us.memory_compute!),
      sql_us: round(us.sql!),
      ratio: round(us.sql! / us.memory!),
      compute_ratio: round(us.sql! / us.memory_compute!),
      setup_s: setupSeconds,
      database: platform.database,
    };
  } finally {
    await platform.close();
  }
}
