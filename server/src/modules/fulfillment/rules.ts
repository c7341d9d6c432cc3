import type { CandidateNote, RoutingStep, RuleKind } from './schema.js';

/**
 * Routing rules: small strategies that narrow the candidate locations for an order, each in the
 * shop's order. Every rule keeps a set of candidates that can still fill the whole order between
 * them (a rule that would leave none, or not enough, is skipped and says so), and explains what
 * it kept and dropped. After the list, one location that can fill everything ships it all; else
 * the `split` rule (when enabled) has already chosen the fewest parcels.
 */

export interface Candidate {
  id: string;
  name: string;
  kind: 'warehouse' | 'store';
  priority: number;
  region: string | null;
  distanceKm: number | null;
  /** Units free to sell here per SKU (only the order's SKUs). */
  stock: Map<string, number>;
}

export interface RoutingContext {
  /** Units wanted per SKU (merged over the order's lines). */
  demand: Map<string, number>;
  buyer: { region: string | null; known: boolean };
  /** Active stores that ship, with their distance to the buyer (for the grab pool). */
  stores: { id: string; name: string; distanceKm: number | null }[];
}

export interface RuleOutcome {
  kept: Candidate[];
  outcome: 'applied' | 'skipped';
  why: RoutingStep['why'];
  /** Why each dropped candidate was dropped (an i18n code). */
  dropReason?: string;
  /** Set by grab_pool: offer the parcels to nearby stores once paid. */
  pool?: { radiusKm: number; timeoutMinutes: number; storeIds: string[] };
}

export interface RoutingRule {
  kind: RuleKind;
  /** Parameters the merchant may set, with their defaults. */
  defaults: Record<string, number>;
  /** Narrows the candidates (in order) for this order; never leaves a set that cannot fill it. */
  apply(ctx: RoutingContext, candidates: Candidate[], params: Record<string, number>): RuleOutcome;
}

const fills = (c: Candidate, demand: Map<string, number>) =>
  [...demand].every(([sku, qty]) => (c.stock.get(sku) ?? 0) >= qty);

/** Whether the candidates between them hold enough of every SKU. */
export function covers(candidates: Candidate[], demand: Map<string, number>): boolean {
  return [...demand].every(([sku, qty]) => candidates.reduce((n, c) => n + (c.stock.get(sku) ?? 0), 0) >= qty);
}

/** Candidates nearest first (unknown distances last), then by priority and name. */
export function byDistance(a: Candidate, b: Candidate): number {
  const da = a.distanceKm ?? Number.POSITIVE_INFINITY;
  const db = b.distanceKm ?? Number.POSITIVE_INFINITY;
  return da - db || a.priority - b.priority || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

/** Takes candidates in the given order until they cover the demand; the rest are not needed. */
function takeUntilCovered(ordered: Candidate[], demand: Map<string, number>): Candidate[] {
  const kept: Candidate[] = [];
  for (const c of ordered) {
    kept.push(c);
    if (covers(kept, demand)) break;
  }
  return kept;
}

const skipped = (candidates: Candidate[], code: string, params?: Record<string, string | number>): RuleOutcome => ({
  kept: candidates,
  outcome: 'skipped',
  why: { code, params },
});

/** One location that can fill every line alone, if any: keeps exactly those. */
export const singleLocation: RoutingRule = {
  kind: 'single_location',
  defaults: {},
  apply(ctx, candidates) {
    const kept = candidates.filter((c) => fills(c, ctx.demand));
    if (kept.length === 0) return skipped(candidates, 'routing.single_location.none');
    return {
      kept,
      outcome: 'applied',
      why: { code: 'routing.single_location.kept', params: { count: kept.length } },
      dropReason: 'routing.drop.cannot_fill_alone',
    };
  },
};

/**
 * Nearest to the buyer (their coordinates, or their city's centre): keeps the nearest locations
 * that together fill the order — the single nearest one when it can.
 */
export const nearest: RoutingRule = {
  kind: 'nearest',
  defaults: {},
  apply(ctx, candidates) {
    if (!ctx.buyer.known) return skipped(candidates, 'routing.nearest.buyer_unknown');
    const located = candidates.filter((c) => c.distanceKm !== null);
    if (located.length === 0 || !covers(located, ctx.demand))
      return skipped(candidates, 'routing.nearest.no_coordinates');
    const kept = takeUntilCovered([...located].sort(byDistance), ctx.demand);
    return {
      kept,
      outcome: 'applied',
      why: {
        code: 'routing.nearest.kept',
        params: { name: kept[0]!.name, km: Math.round(kept[0]!.distanceKm!), count: kept.length },
      },
      dropReason: 'routing.drop.farther',
    };
  },
};

/**
 * Stores first (when `storesFirst` is 1), then by the location's priority (lower first): keeps the
 * first locations in that order that together fill the order.
 */
export const storePriority: RoutingRule = {
  kind: 'store_priority',
  defaults: { storesFirst: 1 },
  apply(ctx, candidates, params) {
    const storesFirst = (params.storesFirst ?? 1) === 1;
    const ordered = [...candidates].sort(
      (a, b) =>
        (storesFirst ? Number(a.kind !== 'store') - Number(b.kind !== 'store') : 0) ||
        a.priority - b.priority ||
        byDistance(a, b),
    );
    const kept = takeUntilCovered(ordered, ctx.demand);
    return {
      kept,
      outcome: 'applied',
      why: {
        code: storesFirst ? 'routing.store_priority.stores_first' : 'routing.store_priority.by_priority',
        params: { name: kept[0]!.name, count: kept.length },
      },
      dropReason: 'routing.drop.lower_priority',
    };
  },
};

/** Stays in the buyer's region (华东, 华南, …) when the locations there can fill the order. */
export const sameRegion: RoutingRule = {
  kind: 'same_region',
  defaults: {},
  apply(ctx, candidates) {
    if (!ctx.buyer.region) return skipped(candidates, 'routing.same_region.buyer_unknown');
    const kept = candidates.filter((c) => c.region === ctx.buyer.region);
    if (kept.length === 0) return skipped(candidates, 'routing.same_region.none', { region: ctx.buyer.region });
    if (!covers(kept, ctx.demand))
      return skipped(candidates, 'routing.same_region.not_enough', { region: ctx.buyer.region });
    return {
      kept,
      outcome: 'applied',
      why: { code: 'routing.same_region.kept', params: { region: ctx.buyer.region, count: kept.length } },
      dropReason: 'routing.drop.other_region',
    };
  },
};

/**
 * Offers the parcel to stores within `radiusKm` of the buyer for `timeoutMinutes` once paid; the
 * first store to accept takes it. Meanwhile (and if none accepts) a warehouse holds the stock, so
 * this keeps the warehouses when they can fill the order.
 */
export const grabPool: RoutingRule = {
  kind: 'grab_pool',
  defaults: { radiusKm: 10, timeoutMinutes: 30 },
  apply(ctx, candidates, params) {
    const radiusKm = params.radiusKm ?? 10;
    const timeoutMinutes = params.timeoutMinutes ?? 30;
    if (!ctx.buyer.known) return skipped(candidates, 'routing.grab_pool.buyer_unknown');
    const near = ctx.stores.filter((s) => s.distanceKm !== null && s.distanceKm <= radiusKm);
    if (near.length === 0) return skipped(candidates, 'routing.grab_pool.no_store_near', { radiusKm });
    const warehouses = candidates.filter((c) => c.kind === 'warehouse');
    if (warehouses.length === 0 || !covers(warehouses, ctx.demand))
      return skipped(candidates, 'routing.grab_pool.no_warehouse', { radiusKm });
    return {
      kept: warehouses,
      outcome: 'applied',
      why: { code: 'routing.grab_pool.offered', params: { stores: near.length, radiusKm, timeoutMinutes } },
      dropReason: 'routing.drop.store_grabs_instead',
      pool: { radiusKm, timeoutMinutes, storeIds: near.map((s) => s.id) },
    };
  },
};

/**
 * Splits an order no single location can fill into the fewest parcels: repeatedly takes the
 * location that covers the most of what is still wanted (nearer, then higher priority, on a tie).
 * Keeps exactly the locations that will ship.
 */
export const split: RoutingRule = {
  kind: 'split',
  defaults: {},
  apply(ctx, candidates) {
    if (candidates.some((c) => fills(c, ctx.demand))) return skipped(candidates, 'routing.split.not_needed');
    const plan = greedyCover(candidates, ctx.demand);
    const kept = plan.map((p) => p.candidate);
    return {
      kept,
      outcome: 'applied',
      why: { code: 'routing.split.parcels', params: { count: kept.length } },
      dropReason: 'routing.drop.not_needed',
    };
  },
};

/** The parcels for the demand over the candidates: fewest locations, greedy by coverage then distance. */
export function greedyCover(
  candidates: Candidate[],
  demand: Map<string, number>,
): { candidate: Candidate; take: Map<string, number> }[] {
  const left = new Map(demand);
  const pool = [...candidates].sort(byDistance);
  const plan: { candidate: Candidate; take: Map<string, number> }[] = [];
  while ([...left.values()].some((q) => q > 0)) {
    let best: Candidate | undefined;
    let bestUnits = 0;
    for (const c of pool) {
      if (plan.some((p) => p.candidate === c)) continue;
      let units = 0;
      for (const [sku, q] of left) units += Math.min(q, c.stock.get(sku) ?? 0);
      if (units > bestUnits) {
        best = c;
        bestUnits = units;
      }
    }
    if (!best) break; // not coverable: the caller checks coverage first
    const take = new Map<string, number>();
    for (const [sku, q] of left) {
      const n = Math.min(q, best.stock.get(sku) ?? 0);
      if (n > 0) {
        take.set(sku, n);
        left.set(sku, q - n);
      }
    }
    plan.push({ candidate: best, take });
  }
  return plan;
}

export const RULES: Record<RuleKind, RoutingRule> = {
  single_location: singleLocation,
  nearest,
  store_priority: storePriority,
  same_region: sameRegion,
  grab_pool: grabPool,
  split,
};

/** A new shop's rule list. */
export const DEFAULT_RULES: { kind: RuleKind; enabled: boolean; params: Record<string, number> }[] = [
  { kind: 'single_location', enabled: true, params: {} },
  { kind: 'same_region', enabled: true, params: {} },
  { kind: 'nearest', enabled: true, params: {} },
  { kind: 'split', enabled: true, params: {} },
];

const note = (c: Candidate): CandidateNote => ({
  locationId: c.id,
  name: c.name,
  distanceKm: c.distanceKm === null ? null : Math.round(c.distanceKm * 10) / 10,
});

export interface RouteResult {
  steps: RoutingStep[];
  /** The parcels: location and units per SKU. Empty when the order cannot be routed. */
  parcels: { candidate: Candidate; take: Map<string, number> }[];
  pool?: RuleOutcome['pool'];
  /** Why no plan: an i18n code. */
  failure?: 'routing.no_stock' | 'routing.needs_split';
}

/**
 * Runs the rule list over the candidates and plans the parcels. Pure: reads nothing, writes
 * nothing, so the dry run and the real allocation explain themselves the same way.
 */
export function route(
  ctx: RoutingContext,
  candidates: Candidate[],
  rules: { kind: RuleKind; enabled: boolean; params: Record<string, number> }[],
): RouteResult {
  const steps: RoutingStep[] = [];
  const withStock = candidates.filter((c) => [...ctx.demand.keys()].some((sku) => (c.stock.get(sku) ?? 0) > 0));
  steps.push({
    rule: 'candidates',
    outcome: 'info',
    why: { code: 'routing.candidates', params: { count: withStock.length } },
    kept: withStock.sort(byDistance).map(note),
    dropped: candidates
      .filter((c) => !withStock.includes(c))
      .map((c) => ({ ...note(c), reason: 'routing.drop.no_stock' })),
  });
  if (!covers(withStock, ctx.demand)) return { steps, parcels: [], failure: 'routing.no_stock' };
  let current = withStock;
  let pool: RuleOutcome['pool'];
  let splitApplied = false;
  for (const r of rules) {
    const rule = RULES[r.kind];
    const params = { ...rule.defaults, ...r.params };
    if (!r.enabled) {
      steps.push({
        rule: r.kind,
        params,
        outcome: 'skipped',
        why: { code: 'routing.disabled' },
        kept: current.map(note),
        dropped: [],
      });
      continue;
    }
    const out = rule.apply(ctx, current, params);
    const ok = out.outcome === 'applied' && out.kept.length > 0 && covers(out.kept, ctx.demand);
    const kept = ok ? out.kept : current;
    steps.push({
      rule: r.kind,
      params,
      outcome: ok ? 'applied' : 'skipped',
      why: ok || out.outcome === 'skipped' ? out.why : { code: 'routing.would_leave_none' },
      kept: kept.map(note),
      dropped: current.filter((c) => !kept.includes(c)).map((c) => ({ ...note(c), reason: out.dropReason ?? '' })),
    });
    if (ok && out.pool) pool = out.pool;
    if (ok && r.kind === 'split') splitApplied = true;
    current = kept;
  }
  const single = [...current].sort(byDistance).find((c) => fills(c, ctx.demand));
  if (single) return { steps, parcels: [{ candidate: single, take: new Map(ctx.demand) }], pool };
  if (!splitApplied) {
    // The rules narrowed to places that only fill it together, but splitting is not allowed:
    // one place that can fill it alone beats refusing the order.
    const fallback = [...withStock].sort(byDistance).find((c) => fills(c, ctx.demand));
    if (!fallback) return { steps, parcels: [], failure: 'routing.needs_split' };
    steps.push({
      rule: 'fallback',
      outcome: 'applied',
      why: { code: 'routing.fallback.single', params: { name: fallback.name } },
      kept: [note(fallback)],
      dropped: current
        .filter((c) => c !== fallback)
        .map((c) => ({ ...note(c), reason: 'routing.drop.cannot_fill_alone' })),
    });
    return {
      steps,
      parcels: [{ candidate: fallback, take: new Map(ctx.demand) }],
      pool: fallback.kind === 'warehouse' ? pool : undefined,
    };
  }
  return { steps, parcels: greedyCover(current, ctx.demand), pool };
}
