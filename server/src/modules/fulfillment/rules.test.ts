import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buyerPosition } from './service.js';
import { centreOf, haversineKm, regionOf } from './geo.js';
import {
  DEFAULT_RULES,
  grabPool,
  nearest,
  route,
  sameRegion,
  singleLocation,
  split,
  storePriority,
  type Candidate,
  type RoutingContext,
} from './rules.js';

const loc = (
  id: string,
  stock: Record<string, number>,
  opts: Partial<Omit<Candidate, 'id' | 'stock'>> = {},
): Candidate => ({
  id,
  name: opts.name ?? id,
  kind: opts.kind ?? 'warehouse',
  priority: opts.priority ?? 100,
  region: opts.region ?? null,
  distanceKm: opts.distanceKm ?? null,
  stock: new Map(Object.entries(stock)),
});
const ctx = (demand: Record<string, number>, extra: Partial<RoutingContext> = {}): RoutingContext => ({
  demand: new Map(Object.entries(demand)),
  buyer: { region: '华东', known: true },
  stores: [],
  ...extra,
});
const ids = (cs: Candidate[]) => cs.map((c) => c.id);

describe('geo', () => {
  it('knows city centres, provinces and regions, and measures great-circle distance', () => {
    const hz = centreOf({ city: '杭州市', province: '浙江省' })!;
    const sh = centreOf({ city: '上海市', province: '上海市' })!;
    expect(hz.source).toBe('city');
    expect(haversineKm(hz, sh)).toBeGreaterThan(150);
    expect(haversineKm(hz, sh)).toBeLessThan(180);
    expect(centreOf({ city: '余杭', province: '浙江省' })).toMatchObject({ lat: hz.lat, lng: hz.lng });
    expect(centreOf({ lat: 1, lng: 2, city: '杭州市' })).toEqual({ lat: 1, lng: 2, source: 'address' });
    expect(centreOf({ city: 'Atlantis' })).toBeNull();
    expect(regionOf('广西壮族自治区')).toBe('华南');
    expect(regionOf('黑龙江省')).toBe('东北');
    expect(regionOf('nowhere')).toBeNull();
    expect(buyerPosition({ province: '四川省', city: '成都市' })).toMatchObject({ region: '西南', source: 'city' });
  });
});

describe('rules', () => {
  it('single_location keeps those that fill everything, or is skipped', () => {
    const a = loc('a', { x: 2, y: 1 });
    const b = loc('b', { x: 1, y: 1 });
    expect(ids(singleLocation.apply(ctx({ x: 2, y: 1 }), [a, b], {}).kept)).toEqual(['a']);
    const none = singleLocation.apply(ctx({ x: 3, y: 1 }), [a, b], {});
    expect(none.outcome).toBe('skipped');
    expect(none.why.code).toBe('routing.single_location.none');
  });

  it('nearest keeps the nearest that cover the order; skipped when the buyer is unknown', () => {
    const far = loc('far', { x: 5 }, { distanceKm: 900 });
    const near = loc('near', { x: 2 }, { distanceKm: 10 });
    const mid = loc('mid', { x: 5 }, { distanceKm: 100 });
    expect(ids(nearest.apply(ctx({ x: 2 }), [far, near, mid], {}).kept)).toEqual(['near']);
    const two = nearest.apply(ctx({ x: 4 }), [far, near, mid], {});
    expect(ids(two.kept)).toEqual(['near', 'mid']);
    expect(two.why).toMatchObject({ code: 'routing.nearest.kept', params: { name: 'near', km: 10, count: 2 } });
    expect(nearest.apply(ctx({ x: 2 }, { buyer: { region: null, known: false } }), [near], {}).outcome).toBe('skipped');
  });

  it('store_priority puts stores first, then priority', () => {
    const wh = loc('wh', { x: 5 }, { priority: 1 });
    const st = loc('st', { x: 5 }, { kind: 'store', priority: 50 });
    expect(ids(storePriority.apply(ctx({ x: 1 }), [wh, st], { storesFirst: 1 }).kept)).toEqual(['st']);
    expect(ids(storePriority.apply(ctx({ x: 1 }), [wh, st], { storesFirst: 0 }).kept)).toEqual(['wh']);
  });

  it('same_region stays in the region only when the region can fill the order', () => {
    const east = loc('east', { x: 2 }, { region: '华东' });
    const north = loc('north', { x: 5 }, { region: '华北' });
    expect(ids(sameRegion.apply(ctx({ x: 2 }), [east, north], {}).kept)).toEqual(['east']);
    const short = sameRegion.apply(ctx({ x: 3 }), [east, north], {});
    expect(short.outcome).toBe('skipped');
    expect(short.why).toEqual({ code: 'routing.same_region.not_enough', params: { region: '华东' } });
  });

  it('grab_pool offers to near stores and keeps the warehouses to hold meanwhile', () => {
    const wh = loc('wh', { x: 5 });
    const st = loc('st', { x: 5 }, { kind: 'store' });
    const stores = [{ id: 'st', name: 'st', distanceKm: 3 }];
    const out = grabPool.apply(ctx({ x: 1 }, { stores }), [wh, st], { radiusKm: 5, timeoutMinutes: 20 });
    expect(ids(out.kept)).toEqual(['wh']);
    expect(out.pool).toEqual({ radiusKm: 5, timeoutMinutes: 20, storeIds: ['st'] });
    expect(grabPool.apply(ctx({ x: 1 }, { stores }), [wh, st], { radiusKm: 2, timeoutMinutes: 20 }).outcome).toBe(
      'skipped',
    );
  });

  it('split takes the fewest locations, greedy by coverage', () => {
    const a = loc('a', { x: 1, y: 0, z: 0 }, { distanceKm: 1 });
    const b = loc('b', { x: 0, y: 2, z: 2 }, { distanceKm: 50 });
    const c = loc('c', { x: 1, y: 2, z: 0 }, { distanceKm: 5 });
    const out = split.apply(ctx({ x: 1, y: 2, z: 2 }), [a, b, c], {});
    expect(out.why).toEqual({ code: 'routing.split.parcels', params: { count: 2 } });
    expect(ids(out.kept)).toEqual(['b', 'a']);
  });

  it('the default list routes to one place when it can, explaining each step', () => {
    const east = loc('east', { x: 3 }, { region: '华东', distanceKm: 150 });
    const eastNear = loc('eastNear', { x: 3 }, { region: '华东', distanceKm: 5 });
    const north = loc('north', { x: 3 }, { region: '华北', distanceKm: 1100 });
    const empty = loc('empty', {}, { region: '华东', distanceKm: 1 });
    const r = route(ctx({ x: 2 }), [east, eastNear, north, empty], DEFAULT_RULES);
    expect(r.parcels.map((p) => p.candidate.id)).toEqual(['eastNear']);
    expect(r.steps.map((s) => [s.rule, s.outcome])).toEqual([
      ['candidates', 'info'],
      ['single_location', 'applied'],
      ['same_region', 'applied'],
      ['nearest', 'applied'],
      ['split', 'skipped'],
    ]);
    expect(r.steps[0]!.dropped).toEqual([
      { locationId: 'empty', name: 'empty', distanceKm: 1, reason: 'routing.drop.no_stock' },
    ]);
    expect(r.steps[2]!.dropped.map((d) => [d.locationId, d.reason])).toEqual([['north', 'routing.drop.other_region']]);
    expect(r.steps[3]!.dropped.map((d) => d.locationId)).toEqual(['east']);
  });

  it('without split an order no single place can fill is refused; with nothing enough, no stock', () => {
    const a = loc('a', { x: 1 });
    const b = loc('b', { x: 1 });
    const noSplit = DEFAULT_RULES.map((r) => (r.kind === 'split' ? { ...r, enabled: false } : r));
    expect(route(ctx({ x: 2 }), [a, b], noSplit).failure).toBe('routing.needs_split');
    expect(route(ctx({ x: 2 }), [a, b], DEFAULT_RULES).parcels).toHaveLength(2);
    expect(route(ctx({ x: 3 }), [a, b], DEFAULT_RULES).failure).toBe('routing.no_stock');
  });
});

describe('routing never over- or under-allocates (property)', () => {
  const skus = ['s1', 's2', 's3', 's4', 's5'];
  const candidateArb = fc.record({
    stock: fc.array(fc.nat({ max: 6 }), { minLength: 5, maxLength: 5 }),
    kind: fc.constantFrom('warehouse' as const, 'store' as const),
    region: fc.constantFrom('华东', '华北', null),
    distanceKm: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }),
    priority: fc.integer({ min: 0, max: 5 }),
  });
  const ruleArb = fc
    .shuffledSubarray(['single_location', 'nearest', 'store_priority', 'same_region', 'grab_pool', 'split'] as const)
    .chain((kinds) =>
      fc.tuple(
        ...kinds.map((kind) => fc.record({ kind: fc.constant(kind), enabled: fc.boolean(), params: fc.constant({}) })),
      ),
    );

  it('allocated per SKU equals what was ordered, never beyond any location’s availability', () => {
    fc.assert(
      fc.property(
        fc.array(candidateArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat({ max: 8 }), { minLength: 5, maxLength: 5 }),
        ruleArb,
        fc.boolean(),
        (cands, wanted, rules, known) => {
          const candidates = cands.map((c, i) =>
            loc(`l${i}`, Object.fromEntries(skus.map((s, j) => [s, c.stock[j]!])), {
              kind: c.kind,
              region: c.region,
              distanceKm: known ? c.distanceKm : null,
              priority: c.priority,
            }),
          );
          const demand: Record<string, number> = Object.fromEntries(
            skus.map((s, j) => [s, wanted[j]!] as const).filter(([, q]) => q > 0),
          );
          if (Object.keys(demand).length === 0) return;
          const stores = candidates
            .filter((c) => c.kind === 'store')
            .map((c) => ({ id: c.id, name: c.name, distanceKm: c.distanceKm }));
          const r = route(ctx(demand, { stores, buyer: { region: '华东', known } }), candidates, [...rules]);
          const total = (sku: string) => candidates.reduce((n, c) => n + (c.stock.get(sku) ?? 0), 0);
          const coverable = Object.entries(demand).every(([s, q]) => total(s) >= q);
          if (!coverable) {
            expect(r.failure).toBe('routing.no_stock');
            expect(r.parcels).toEqual([]);
            return;
          }
          if (r.failure) {
            expect(r.failure).toBe('routing.needs_split');
            expect(candidates.some((c) => Object.entries(demand).every(([s, q]) => (c.stock.get(s) ?? 0) >= q))).toBe(
              false,
            );
            return;
          }
          const ids = r.parcels.map((p) => p.candidate.id);
          expect(new Set(ids).size).toBe(ids.length); // one parcel per location
          for (const [sku, q] of Object.entries(demand)) {
            expect(r.parcels.reduce((n, p) => n + (p.take.get(sku) ?? 0), 0)).toBe(q);
          }
          for (const p of r.parcels) {
            for (const [sku, n] of p.take) {
              expect(n).toBeGreaterThan(0);
              expect(n).toBeLessThanOrEqual(p.candidate.stock.get(sku) ?? 0);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
