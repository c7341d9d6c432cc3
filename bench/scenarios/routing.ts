/**
 * routing: orders routed per second with 50 locations and 5-line orders.
 *
 * A shop with 50 active shipping locations (10 warehouses, 40 stores) spread over China's major
 * cities and 40 SKUs; each location stocks each SKU with probability 0.4 (plenty of units, so
 * nothing runs out), so an order is often split. Each order has 5 different SKUs (1–3 units) and
 * a buyer in a random major city. A 51st, inactive warehouse stocks everything for the peer
 * (routing never considers inactive locations).
 *
 * routed: `fulfillment.allocateOrder` in its own transaction, mode `ship`, with the default rule
 * list (single location, same region, nearest, split): reads the locations and the stock of the
 * 5 SKUs at all 50, runs the rules, holds the stock per parcel with guarded updates, writes the
 * parcels and the decision with its explanation.
 * reserve (the peer): the same orders held at that one fixed location, with `inventory.reserveAt`
 * in its own transaction — no routing, no parcels, no decision.
 *
 * Each is driven by the same number of concurrent workers for the same time, in alternating
 * rounds. ratio = routed_per_s ÷ reserve_per_s.
 */
import type { Db } from '../../server/src/kernel/db/pool.js';
import { withShop } from '../../server/src/kernel/db/tenant.js';
import { newId } from '../../server/src/kernel/ids.js';
import { fulfillment } from '../../server/src/modules/fulfillment/index.js';
import { knownCities } from '../../server/src/modules/fulfillment/geo.js';
import { inventory } from '../../server/src/modules/inventory/index.js';
import { startPlatform } from '../lib/platform.js';

export const description =
  'orders routed/s (50 locations, 5-line orders, default rules) vs the same orders reserved at one fixed location';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Math.max(1, Math.min(DURATION_S, 3));
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
const LOCATIONS = 50;
const SKUS = 40;
const LINES = 5;

/** A small deterministic generator, so every run sees the same shop and orders. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const t0 = Date.now();
const progress = (what: string) => console.error(`[routing ${((Date.now() - t0) / 1000).toFixed(1)}s] ${what}`);

async function seed(db: Db) {
  const shopId = newId('shop');
  const rand = rng(42);
  const cities = knownCities();
  const skuIds = Array.from({ length: SKUS }, () => newId('sku'));
  const locationIds = await withShop(db, shopId, async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i <= LOCATIONS; i++) {
      const c = cities[i % cities.length]!;
      const loc = await inventory.saveLocation(tx, shopId, {
        name: `${c.city}${i < 10 ? '仓' : '店'}${i}`,
        kind: i < 10 ? 'warehouse' : 'store',
        code: `L${i}`,
        province: c.province,
        city: c.city,
        lat: c.lat + (rand() - 0.5) * 0.1,
        lng: c.lng + (rand() - 0.5) * 0.1,
        canShip: true,
        // The last one is the peer's: it holds everything, and routing never sees it.
        active: i < LOCATIONS,
      });
      ids.push(loc.id);
    }
    return ids;
  });
  let levels = 0;
  for (const [i, locationId] of locationIds.entries()) {
    await withShop(db, shopId, async (tx) => {
      for (const skuId of skuIds) {
        if (i !== LOCATIONS && rand() >= 0.4) continue;
        await inventory.setStock(tx, shopId, skuId, 1_000_000, { type: 'bench', id: `seed-${i}` }, { locationId });
        levels++;
      }
    });
  }
  return { shopId, skuIds, locationIds, fixedAt: locationIds[LOCATIONS]!, levels };
}

function orderMaker(skuIds: string[], seedNo: number) {
  const rand = rng(seedNo);
  const cities = knownCities();
  return () => {
    const picked = new Set<string>();
    while (picked.size < LINES) picked.add(skuIds[Math.floor(rand() * skuIds.length)]!);
    const c = cities[Math.floor(rand() * cities.length)]!;
    return {
      lines: [...picked].map((skuId, i) => ({
        orderLineId: String(i + 1),
        skuId,
        quantity: 1 + Math.floor(rand() * 3),
      })),
      address: { province: c.province, city: c.city },
    };
  };
}

/** Runs `once` in WORKERS parallel loops for `seconds`; returns completed operations. */
async function drive(seconds: number, once: (worker: number) => Promise<void>) {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      while (Date.now() < until) {
        await once(w);
        done++;
      }
    }),
  );
  return done;
}

export async function run(): Promise<Record<string, number | string>> {
  const platform = await startPlatform();
  const { db } = platform;
  try {
    const shop = await seed(db);
    progress(`seeded ${LOCATIONS} locations, ${SKUS} SKUs, ${shop.levels} stock levels`);
    const makers = Array.from({ length: WORKERS }, (_, w) => orderMaker(shop.skuIds, 1000 + w));
    let parcels = 0;
    let routedOrders = 0;
    let splitOrders = 0;
    const paths = {
      routed: async (w: number) => {
        const o = makers[w]!();
        const made = await withShop(db, shop.shopId, (tx) =>
          fulfillment.allocateOrder(tx, shop.shopId, { orderId: newId('ord'), ...o, mode: 'ship' }),
        );
        parcels += made.shipments.length;
        routedOrders++;
        if (made.shipments.length > 1) splitOrders++;
      },
      reserve: async (w: number) => {
        const o = makers[w]!();
        await withShop(db, shop.shopId, (tx) =>
          inventory.reserveAt(tx, shop.shopId, shop.fixedAt, o.lines, { type: 'bench', id: newId('ord') }),
        );
      },
    };
    // Warm up each path (plans cached, pool filled).
    for (const p of Object.values(paths)) await drive(0.5, p);
    parcels = 0;
    routedOrders = 0;
    splitOrders = 0;
    const totals = { routed: 0, reserve: 0 };
    const per = DURATION_S / ROUNDS;
    for (let r = 0; r < ROUNDS; r++) {
      for (const name of ['routed', 'reserve'] as const) totals[name] += await drive(per, paths[name]);
      progress(`round ${r + 1}/${ROUNDS}: ${JSON.stringify(totals)}`);
    }
    const rate = (n: number) => Math.round((n / DURATION_S) * 10) / 10;
    const routed = rate(totals.routed);
    const reserve = rate(totals.reserve);
    return {
      routed_orders_per_s: routed,
      reserve_orders_per_s: reserve,
      ratio: Math.round((routed / reserve) * 1000) / 1000,
      parcels_per_routed_order: Math.round((parcels / Math.max(1, routedOrders)) * 100) / 100,
      split_share: Math.round((splitOrders / Math.max(1, routedOrders)) * 1000) / 1000,
      locations: LOCATIONS,
      lines_per_order: LINES,
      workers: WORKERS,
      duration_s: DURATION_S,
      database: platform.database,
    };
  } finally {
    await platform.close();
  }
}
