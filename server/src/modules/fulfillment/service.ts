import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { emit } from '../../kernel/events/outbox.js';
import { AppError, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { newId } from '../../kernel/ids.js';
import { enqueue } from '../../kernel/jobs/queue.js';
import { inventory } from '../inventory/index.js';
import type { LocationRow, Ref } from '../inventory/service.js';
import { centreOf, haversineKm, regionOf } from './geo.js';
import { DEFAULT_RULES, RULES, route, type Candidate, type RouteResult } from './rules.js';
import {
  RULE_KINDS,
  routingDecisions,
  routingRules,
  shipments,
  type BuyerPosition,
  type RoutingStep,
  type RuleKind,
  type ShipmentKind,
  type ShipmentLine,
  type ShipmentStatus,
} from './schema.js';

defineMessages({
  'fulfillment.wrong_status': {
    'zh-CN': '包裹当前状态（{status}）不能执行此操作',
    'en-US': 'Not possible while the parcel is {status}',
  },
  'fulfillment.needs_split': {
    'zh-CN': '没有一个仓库或门店能单独发完这笔订单，且路由规则未启用拆单',
    'en-US': 'No single location can fill this order and the routing rules do not allow splitting it',
  },
  'fulfillment.location_required': {
    'zh-CN': '自提或店内购买需要选择门店',
    'en-US': 'Pickup and in-store purchases need a store',
  },
  'fulfillment.location_unusable': {
    'zh-CN': '{location} 不能用于此方式（未启用或不支持）',
    'en-US': '{location} cannot be used for this (inactive or not capable)',
  },
  'fulfillment.location_out_of_stock': {
    'zh-CN': '{location} 库存不足：{titles}',
    'en-US': '{location} does not have enough stock: {titles}',
  },
  'fulfillment.same_location': {
    'zh-CN': '包裹已由该位置发货',
    'en-US': 'The parcel already leaves from this location',
  },
  'fulfillment.already_claimed': {
    'zh-CN': '该订单已被其他门店抢走或已结束抢单',
    'en-US': 'Another store took this order first, or the offer has ended',
  },
  'fulfillment.out_of_range': {
    'zh-CN': '门店不在抢单范围内（{radiusKm} 公里）',
    'en-US': 'The store is outside the offer radius ({radiusKm} km)',
  },
  'fulfillment.duplicate_rule': {
    'zh-CN': '每种规则只能出现一次',
    'en-US': 'Each rule may appear only once',
  },
});

// ------------------------------------------------------------------ views

type ShipmentRow = typeof shipments.$inferSelect;
type DecisionRow = typeof routingDecisions.$inferSelect;

function shipmentView(s: ShipmentRow, locs: Map<string, LocationRow>) {
  const loc = locs.get(s.locationId);
  return {
    id: s.id,
    orderId: s.orderId,
    locationId: s.locationId,
    locationName: loc?.name ?? s.locationId,
    locationKind: loc?.kind ?? 'warehouse',
    kind: s.kind,
    status: s.status,
    lines: s.lines,
    carrier: s.carrier,
    trackingNo: s.trackingNo,
    pooledUntil: s.pooledUntil?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    readyAt: s.readyAt?.toISOString() ?? null,
    shippedAt: s.shippedAt?.toISOString() ?? null,
    pickedUpAt: s.pickedUpAt?.toISOString() ?? null,
    cancelledAt: s.cancelledAt?.toISOString() ?? null,
  };
}
export type ShipmentView = ReturnType<typeof shipmentView>;

function decisionView(d: DecisionRow) {
  return {
    id: d.id,
    orderId: d.orderId,
    trigger: d.trigger,
    actorId: d.actorId,
    reason: d.reason,
    buyer: d.buyer,
    result: d.result,
    steps: d.steps,
    createdAt: d.createdAt.toISOString(),
  };
}
export type DecisionView = ReturnType<typeof decisionView>;

async function locationsById(tx: Executor, shopId: string) {
  return new Map((await inventory.listLocations(tx, shopId)).map((l) => [l.id, l]));
}

// ------------------------------------------------------------------ rules

export const ruleInput = z.object({
  kind: z.enum(RULE_KINDS),
  enabled: z.boolean(),
  params: z.record(z.string().max(30), z.number().min(0).max(100_000)).default({}),
});
export const rulesInput = z.object({ rules: z.array(ruleInput).max(RULE_KINDS.length) });
export type RuleSetting = z.infer<typeof ruleInput>;

/** The shop's ordered rule list (the default list when it never saved one), with the rule's default params filled in. */
export async function rulesOf(tx: Executor, shopId: string): Promise<RuleSetting[]> {
  const rows = await tx
    .select()
    .from(routingRules)
    .where(eq(routingRules.shopId, shopId))
    .orderBy(asc(routingRules.position));
  const list = rows.length ? rows : DEFAULT_RULES;
  return list.map((r) => ({ kind: r.kind, enabled: r.enabled, params: { ...RULES[r.kind].defaults, ...r.params } }));
}

/** Replaces the shop's rule list (order as given). Each kind at most once; params limited to the rule's own. */
export async function saveRules(tx: Tx, shopId: string, rules: RuleSetting[]): Promise<RuleSetting[]> {
  if (new Set(rules.map((r) => r.kind)).size !== rules.length)
    throw new AppError(400, 'fulfillment.duplicate_rule', {}, [
      { field: 'body.rules', code: 'duplicate', message: 'fulfillment.duplicate_rule' },
    ]);
  await tx.delete(routingRules).where(eq(routingRules.shopId, shopId));
  if (rules.length) {
    await tx.insert(routingRules).values(
      rules.map((r, i) => {
        const allowed = RULES[r.kind].defaults;
        const params = Object.fromEntries(Object.entries(r.params).filter(([k]) => k in allowed));
        return { shopId, id: newId('rrl'), position: i, kind: r.kind, enabled: r.enabled, params };
      }),
    );
  } else {
    // An empty list is a real choice (only single-location orders route): keep one disabled split.
    await tx
      .insert(routingRules)
      .values({ shopId, id: newId('rrl'), position: 0, kind: 'split', enabled: false, params: {} });
  }
  return rulesOf(tx, shopId);
}

// ------------------------------------------------------------------ routing

export interface BuyerAddress {
  province?: string;
  city?: string;
  lat?: number | null;
  lng?: number | null;
}

/** Where the buyer is: the address's coordinates, else its city centre; and its region. */
export function buyerPosition(address: BuyerAddress): BuyerPosition {
  const c = centreOf(address);
  return {
    lat: c?.lat ?? null,
    lng: c?.lng ?? null,
    source: c?.source ?? 'unknown',
    province: address.province ?? '',
    city: address.city ?? '',
    region: regionOf(address.province ?? ''),
  };
}

function distanceTo(buyer: BuyerPosition, loc: LocationRow): number | null {
  if (buyer.lat === null || buyer.lng === null) return null;
  const c = centreOf(loc);
  return c ? haversineKm({ lat: buyer.lat, lng: buyer.lng }, c) : null;
}

function mergeDemand(lines: { skuId: string; quantity: number }[]): Map<string, number> {
  const demand = new Map<string, number>();
  for (const l of lines) demand.set(l.skuId, (demand.get(l.skuId) ?? 0) + l.quantity);
  return demand;
}

/** Runs the shop's rules for these lines and this buyer over live stock; reads only. */
async function plan(tx: Executor, shopId: string, lines: { skuId: string; quantity: number }[], buyer: BuyerPosition) {
  const demand = mergeDemand(lines);
  const locs = await inventory.listLocations(tx, shopId, { activeOnly: true });
  const shipping = locs.filter((l) => l.canShip);
  const stock = await inventory.availabilityAt(
    tx,
    shopId,
    [...demand.keys()],
    shipping.map((l) => l.id),
  );
  const candidates: Candidate[] = shipping.map((l) => ({
    id: l.id,
    name: l.name,
    kind: l.kind,
    priority: l.priority,
    region: regionOf(l.province),
    distanceKm: distanceTo(buyer, l),
    stock: new Map(stock.filter((s) => s.locationId === l.id).map((s) => [s.skuId, s.available])),
  }));
  const stores = shipping
    .filter((l) => l.kind === 'store')
    .map((l) => ({ id: l.id, name: l.name, distanceKm: distanceTo(buyer, l) }));
  const result = route(
    { demand, buyer: { region: buyer.region, known: buyer.lat !== null }, stores },
    candidates,
    await rulesOf(tx, shopId),
  );
  return { demand, candidates, result };
}

function shortOf(demand: Map<string, number>, candidates: Candidate[]): string[] {
  return [...demand]
    .filter(([sku, qty]) => candidates.reduce((n, c) => n + (c.stock.get(sku) ?? 0), 0) < qty)
    .map(([sku]) => sku);
}

function throwFailure(result: RouteResult, demand: Map<string, number>, candidates: Candidate[]): never {
  if (result.failure === 'routing.needs_split') throw new AppError(409, 'fulfillment.needs_split');
  const short = shortOf(demand, candidates);
  throw new AppError(409, 'inventory.out_of_stock', { skuIds: short, titles: short.join(', ') });
}

/** Order lines' units spread over the parcels: each parcel takes its SKU units from the lines in order. */
function linesForParcels(lines: ShipmentLine[], parcels: Map<string, number>[]): ShipmentLine[][] {
  const left = lines.map((l) => ({ ...l }));
  return parcels.map((take) => {
    const out: ShipmentLine[] = [];
    for (const [sku, qty] of take) {
      let need = qty;
      for (const l of left) {
        if (need === 0) break;
        if (l.skuId !== sku || l.quantity === 0) continue;
        const n = Math.min(need, l.quantity);
        out.push({ ...(l.orderLineId !== undefined ? { orderLineId: l.orderLineId } : {}), skuId: sku, quantity: n });
        l.quantity -= n;
        need -= n;
      }
    }
    return out;
  });
}

export interface AllocateInput {
  orderId: string;
  lines: ShipmentLine[];
  address: BuyerAddress;
  mode: ShipmentKind;
  /** The store for `pickup` / `in_store` (or a fixed location for `ship`). */
  locationId?: string;
  /** Take the units from an existing hold (a flash sale's quota) instead of reserving. */
  fromHold?: { ref: Ref; locationId: string };
  /** Who routed it (defaults to automatic). */
  actorId?: string | null;
}

const holdRef = (s: { id: string; holdRef: string }): Ref => ({ type: 'shipment', id: s.holdRef });

function isOutOfStock(e: unknown): e is AppError {
  return e instanceof AppError && e.code === 'inventory.out_of_stock';
}

/**
 * Allocates a new order's lines to locations and holds their stock, in the caller's transaction
 * (in the shop's scope): `ship` runs the shop's rule list (one parcel per location chosen);
 * `pickup` / `in_store` take the location given; `fromHold` moves units out of an existing
 * hold. Shipments start `pending` until the order is paid. The decision is stored with its
 * explanation. Throws 409 `inventory.out_of_stock` (naming SKUs) or `fulfillment.needs_split`.
 * Stock is read, then taken with guarded updates; if a concurrent buyer took it meanwhile the
 * routing runs again on fresh stock (in a savepoint), so it never oversells.
 */
export async function allocateOrder(tx: Tx, shopId: string, input: AllocateInput) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await tx.transaction((sp) => allocateOnce(sp, shopId, input));
    } catch (e) {
      const routed = input.mode === 'ship' && !input.locationId && !input.fromHold;
      if (!routed || !isOutOfStock(e) || attempt >= 2) throw e;
    }
  }
}

async function allocateOnce(tx: Tx, shopId: string, input: AllocateInput) {
  const buyer = buyerPosition(input.address);
  const fixedAt = input.fromHold?.locationId ?? input.locationId;
  let parcels: { locationId: string; lines: ShipmentLine[]; pooled?: boolean }[];
  let steps: RoutingStep[];
  let pool: RouteResult['pool'];
  if (fixedAt === undefined) {
    if (input.mode !== 'ship') throw new AppError(400, 'fulfillment.location_required');
    const { demand, candidates, result } = await plan(tx, shopId, input.lines, buyer);
    if (result.parcels.length === 0) throwFailure(result, demand, candidates);
    const split = linesForParcels(
      input.lines,
      result.parcels.map((p) => p.take),
    );
    parcels = result.parcels.map((p, i) => ({
      locationId: p.candidate.id,
      lines: split[i]!,
      pooled: p.candidate.kind === 'warehouse',
    }));
    steps = result.steps;
    pool = result.pool;
  } else {
    const loc = (await locationsById(tx, shopId)).get(fixedAt);
    if (!loc) throw notFound('location');
    const capable =
      input.mode === 'pickup' ? loc.canPickup : input.mode === 'in_store' ? loc.kind === 'store' : loc.canShip;
    if (!loc.active || !capable) throw new AppError(409, 'fulfillment.location_unusable', { location: loc.name });
    parcels = [{ locationId: loc.id, lines: input.lines.map((l) => ({ ...l })) }];
    steps = [
      {
        rule: 'fixed',
        outcome: 'info',
        why: {
          code: input.fromHold ? 'routing.fixed.from_hold' : `routing.fixed.${input.mode}`,
          params: { name: loc.name },
        },
        kept: [{ locationId: loc.id, name: loc.name, distanceKm: roundKm(distanceTo(buyer, loc)) }],
        dropped: [],
      },
    ];
  }

  const rows = parcels.map((p) => {
    const id = newId('shp');
    return {
      shopId,
      id,
      orderId: input.orderId,
      locationId: p.locationId,
      kind: input.mode,
      status: 'pending' as const,
      lines: p.lines,
      holdRef: id,
      buyerLat: buyer.lat,
      buyerLng: buyer.lng,
      ...(pool && p.pooled ? { poolRadiusKm: pool.radiusKm, poolTimeoutMinutes: pool.timeoutMinutes } : {}),
    };
  });
  // Hold stock location by location in id order (SKU order within one), so two orders that
  // need the same places never wait on each other in opposite orders.
  for (const r of [...rows].sort((a, b) => a.locationId.localeCompare(b.locationId))) {
    if (input.fromHold) {
      for (const [skuId, quantity] of mergeDemand(r.lines))
        await inventory.transferHold(tx, shopId, input.fromHold.ref, holdRef(r), {
          skuId,
          quantity,
          locationId: r.locationId,
        });
    } else {
      await inventory.reserveAt(tx, shopId, r.locationId, r.lines, holdRef(r));
    }
  }
  const inserted = await tx.insert(shipments).values(rows).returning();
  const decisionId = newId('rtd');
  await tx.insert(routingDecisions).values({
    shopId,
    id: decisionId,
    orderId: input.orderId,
    trigger: fixedAt === undefined ? 'auto' : 'fixed',
    actorId: input.actorId ?? null,
    buyer,
    result: rows.map((r) => ({ shipmentId: r.id, locationId: r.locationId, lines: r.lines })),
    steps,
  });
  const locs = await locationsById(tx, shopId);
  return { decisionId, shipments: inserted.map((s) => shipmentView(s, locs)) };
}

const roundKm = (km: number | null) => (km === null ? null : Math.round(km * 10) / 10);

/**
 * What routing would do for these lines and this buyer, step by step, without holding anything.
 */
export async function dryRun(
  tx: Executor,
  shopId: string,
  input: { lines: { skuId: string; quantity: number }[]; address: BuyerAddress },
) {
  const buyer = buyerPosition(input.address);
  const { result, candidates, demand } = await plan(tx, shopId, input.lines, buyer);
  return {
    buyer,
    steps: result.steps,
    parcels: result.parcels.map((p) => ({
      locationId: p.candidate.id,
      name: p.candidate.name,
      distanceKm: roundKm(p.candidate.distanceKm),
      lines: [...p.take].map(([skuId, quantity]) => ({ skuId, quantity })),
    })),
    pool: result.pool ? { radiusKm: result.pool.radiusKm, timeoutMinutes: result.pool.timeoutMinutes } : null,
    failure: result.failure ?? null,
    shortSkuIds: result.failure === 'routing.no_stock' ? shortOf(demand, candidates) : [],
  };
}

// ------------------------------------------------------------------ lifecycle

async function lockShipment(tx: Tx, shopId: string, shipmentId: string): Promise<ShipmentRow> {
  const [s] = await tx
    .select()
    .from(shipments)
    .where(and(eq(shipments.shopId, shopId), eq(shipments.id, shipmentId)))
    .for('update');
  if (!s) throw notFound('shipment');
  return s;
}

const wrongStatus = (s: { status: ShipmentStatus }) =>
  new AppError(409, 'fulfillment.wrong_status', { status: s.status });

async function emitReady(tx: Tx, s: ShipmentRow) {
  await emit(
    tx,
    'fulfillment.shipment_ready',
    {
      shopId: s.shopId,
      orderId: s.orderId,
      shipmentId: s.id,
      locationId: s.locationId,
      holdRef: s.holdRef,
      kind: s.kind,
      lines: s.lines,
    },
    s.shopId,
  );
}

/**
 * `fulfillment.shipment_rerouted`: where the parcel was and is now, the hold references of both
 * placements (a system that was asked to ship the old one tells them apart by it), and its status
 * now. When the parcel is ready at the new place, `fulfillment.shipment_ready` follows.
 */
async function emitRerouted(tx: Tx, before: ShipmentRow, after: ShipmentRow) {
  await emit(
    tx,
    'fulfillment.shipment_rerouted',
    {
      shopId: after.shopId,
      orderId: after.orderId,
      shipmentId: after.id,
      kind: after.kind,
      status: after.status,
      fromLocationId: before.locationId,
      fromHoldRef: before.holdRef,
      toLocationId: after.locationId,
      toHoldRef: after.holdRef,
    },
    after.shopId,
  );
}

/**
 * The order was paid: its pending parcels become `ready` (and `fulfillment.shipment_ready` fires),
 * or `pooled` for nearby stores to grab when the grab_pool rule chose so (a job ends the offer).
 */
export async function markOrderPaid(tx: Tx, shopId: string, orderId: string): Promise<void> {
  const pending = await tx
    .select()
    .from(shipments)
    .where(and(eq(shipments.shopId, shopId), eq(shipments.orderId, orderId), eq(shipments.status, 'pending')))
    .orderBy(asc(shipments.id))
    .for('update');
  for (const s of pending) {
    if (s.kind === 'ship' && s.poolRadiusKm !== null && s.poolTimeoutMinutes !== null) {
      const until = new Date(Date.now() + s.poolTimeoutMinutes * 60_000);
      const [row] = await tx
        .update(shipments)
        .set({ status: 'pooled', pooledUntil: until, updatedAt: sql`now()` })
        .where(and(eq(shipments.shopId, shopId), eq(shipments.id, s.id)))
        .returning();
      await enqueue(
        tx,
        'fulfillment.pool-timeout',
        { shopId, shipmentId: s.id },
        { runAt: until, uniqueKey: `pool-timeout:${s.id}` },
      );
      await emit(
        tx,
        'fulfillment.shipment_pooled',
        {
          shopId,
          orderId,
          shipmentId: s.id,
          locationId: s.locationId,
          radiusKm: s.poolRadiusKm,
          pooledUntil: until.toISOString(),
          lines: row!.lines,
        },
        shopId,
      );
    } else {
      const [row] = await tx
        .update(shipments)
        .set({ status: 'ready', readyAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(shipments.shopId, shopId), eq(shipments.id, s.id)))
        .returning();
      await emitReady(tx, row!);
    }
  }
}

/**
 * A pending or pooled parcel becomes `ready` where it is held now (the pool ended with no taker).
 * Safe to call again: a parcel already ready is returned as it is.
 */
export async function markReady(tx: Tx, shopId: string, shipmentId: string): Promise<ShipmentView> {
  const s = await lockShipment(tx, shopId, shipmentId);
  if (s.status !== 'ready') {
    if (s.status !== 'pending' && s.status !== 'pooled') throw wrongStatus(s);
    const [row] = await tx
      .update(shipments)
      .set({ status: 'ready', readyAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(shipments.shopId, shopId), eq(shipments.id, s.id)))
      .returning();
    if (s.status === 'pooled') await recordSingle(tx, row!, 'pool_timeout', null, null, 'routing.pool_timeout', {});
    await emitReady(tx, row!);
    return shipmentView(row!, await locationsById(tx, shopId));
  }
  return shipmentView(s, await locationsById(tx, shopId));
}

/** Job: the grab pool's time is up; if no store took the parcel, the holding warehouse ships it. */
export async function poolTimeout(db: Db, shopId: string, shipmentId: string): Promise<void> {
  await withShop(db, shopId, async (tx) => {
    const s = await lockShipment(tx, shopId, shipmentId);
    if (s.status === 'pooled') await markReady(tx, shopId, shipmentId);
  });
}

async function recordSingle(
  tx: Tx,
  s: ShipmentRow,
  trigger: 'manual' | 'pool_claim' | 'pool_timeout',
  actorId: string | null,
  reason: string | null,
  code: string,
  params: Record<string, string | number>,
  from?: LocationRow,
) {
  const locs = await locationsById(tx, s.shopId);
  const to = locs.get(s.locationId);
  const buyer = s.buyerLat !== null && s.buyerLng !== null ? { lat: s.buyerLat, lng: s.buyerLng } : null;
  const km = (l?: LocationRow) => {
    const c = l ? centreOf(l) : null;
    return buyer && c ? roundKm(haversineKm(buyer, c)) : null;
  };
  await tx.insert(routingDecisions).values({
    shopId: s.shopId,
    id: newId('rtd'),
    orderId: s.orderId,
    trigger,
    actorId,
    reason,
    result: [{ shipmentId: s.id, locationId: s.locationId, lines: s.lines }],
    steps: [
      {
        rule: trigger,
        outcome: 'applied',
        why: { code, params: { ...params, to: to?.name ?? s.locationId, ...(from ? { from: from.name } : {}) } },
        kept: [{ locationId: s.locationId, name: to?.name ?? s.locationId, distanceKm: km(to) }],
        dropped: from ? [{ locationId: from.id, name: from.name, distanceKm: km(from), reason: code }] : [],
      },
    ],
  });
}

/** Moves a parcel's hold to `locationId`: reserve there first, then release the old hold. */
async function moveHold(tx: Tx, s: ShipmentRow, to: LocationRow, titles: (skuIds: string[]) => string) {
  const next = { id: s.id, holdRef: `${s.id}.${s.holdMoves + 1}` };
  await inventory.reserveAt(tx, s.shopId, to.id, s.lines, holdRef(next)).catch((e: unknown) => {
    if (!isOutOfStock(e)) throw e;
    throw new AppError(409, 'fulfillment.location_out_of_stock', {
      location: to.name,
      skuIds: e.params.skuIds as string[],
      titles: titles(e.params.skuIds as string[]),
    });
  });
  await inventory.release(tx, s.shopId, holdRef(s));
  return next.holdRef;
}

/**
 * Re-routes a parcel by hand: holds its units at `locationId` (refused with 409
 * `fulfillment.location_out_of_stock` if that place lacks them), gives the old hold back, and
 * records the decision. A pooled parcel leaves the pool and becomes ready at the new place.
 * Emits `fulfillment.shipment_rerouted`, and `fulfillment.shipment_ready` when it is ready.
 */
export async function reassign(
  tx: Tx,
  shopId: string,
  shipmentId: string,
  locationId: string,
  by: { reason?: string | null; actorId: string | null; titles?: (skuIds: string[]) => string },
): Promise<ShipmentView> {
  const s = await lockShipment(tx, shopId, shipmentId);
  if (!['pending', 'pooled', 'ready'].includes(s.status)) throw wrongStatus(s);
  if (s.locationId === locationId) throw new AppError(409, 'fulfillment.same_location');
  const locs = await locationsById(tx, shopId);
  const to = locs.get(locationId);
  if (!to) throw notFound('location');
  const capable = s.kind === 'pickup' ? to.canPickup : s.kind === 'in_store' ? to.kind === 'store' : to.canShip;
  if (!to.active || !capable) throw new AppError(409, 'fulfillment.location_unusable', { location: to.name });
  const newRef = await moveHold(tx, s, to, by.titles ?? ((ids) => ids.join(', ')));
  const status: ShipmentStatus = s.status === 'pooled' ? 'ready' : s.status;
  const [row] = await tx
    .update(shipments)
    .set({
      locationId,
      holdRef: newRef,
      holdMoves: s.holdMoves + 1,
      status,
      ...(status === 'ready' && s.status !== 'ready' ? { readyAt: sql`now()` } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(shipments.shopId, shopId), eq(shipments.id, s.id)))
    .returning();
  await recordSingle(tx, row!, 'manual', by.actorId, by.reason ?? null, 'routing.manual', {}, locs.get(s.locationId));
  await emitRerouted(tx, s, row!);
  if (status === 'ready') await emitReady(tx, row!);
  return shipmentView(row!, locs);
}

/**
 * Pooled parcels a store may grab: within the offer's radius of the buyer, nearest first, with
 * whether the store has the units now.
 */
export async function pooledFor(tx: Executor, shopId: string, storeLocationId: string) {
  const locs = await locationsById(tx, shopId);
  const store = locs.get(storeLocationId);
  if (!store || store.kind !== 'store') throw notFound('location');
  const at = centreOf(store);
  const rows = await tx
    .select()
    .from(shipments)
    .where(and(eq(shipments.shopId, shopId), eq(shipments.status, 'pooled')))
    .orderBy(asc(shipments.pooledUntil));
  const skuIds = [...new Set(rows.flatMap((r) => r.lines.map((l) => l.skuId)))];
  const stock = new Map(
    (await inventory.availabilityAt(tx, shopId, skuIds, [storeLocationId])).map((s) => [s.skuId, s.available]),
  );
  return rows
    .map((r) => ({
      shipment: shipmentView(r, locs),
      distanceKm:
        at && r.buyerLat !== null && r.buyerLng !== null
          ? roundKm(haversineKm(at, { lat: r.buyerLat, lng: r.buyerLng }))
          : null,
      radiusKm: r.poolRadiusKm,
      canFill: [...mergeDemand(r.lines)].every(([sku, q]) => (stock.get(sku) ?? 0) >= q),
    }))
    .filter((o) => o.distanceKm !== null && o.radiusKm !== null && o.distanceKm <= o.radiusKm)
    .sort((a, b) => a.distanceKm! - b.distanceKm!);
}

/**
 * A store takes a pooled parcel: first accept wins (a conditional update on status `pooled`;
 * the loser gets 409 `fulfillment.already_claimed`). The hold moves to the store (409
 * `fulfillment.location_out_of_stock` if it lacks the units, and the parcel stays pooled).
 */
export async function claimPooled(
  tx: Tx,
  shopId: string,
  shipmentId: string,
  storeLocationId: string,
  actorId: string | null,
): Promise<ShipmentView> {
  const locs = await locationsById(tx, shopId);
  const store = locs.get(storeLocationId);
  if (!store || store.kind !== 'store') throw notFound('location');
  if (!store.active || !store.canShip)
    throw new AppError(409, 'fulfillment.location_unusable', { location: store.name });
  const [s] = await tx
    .update(shipments)
    .set({ status: 'ready', readyAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(shipments.shopId, shopId), eq(shipments.id, shipmentId), eq(shipments.status, 'pooled')))
    .returning();
  if (!s) {
    const [exists] = await tx
      .select({ id: shipments.id })
      .from(shipments)
      .where(and(eq(shipments.shopId, shopId), eq(shipments.id, shipmentId)));
    if (!exists) throw notFound('shipment');
    throw new AppError(409, 'fulfillment.already_claimed');
  }
  const at = centreOf(store);
  const km =
    at && s.buyerLat !== null && s.buyerLng !== null ? haversineKm(at, { lat: s.buyerLat, lng: s.buyerLng }) : null;
  if (km === null || s.poolRadiusKm === null || km > s.poolRadiusKm)
    throw new AppError(409, 'fulfillment.out_of_range', { radiusKm: s.poolRadiusKm ?? 0 });
  const from = locs.get(s.locationId);
  const newRef = await moveHold(tx, s, store, (ids) => ids.join(', '));
  const [row] = await tx
    .update(shipments)
    .set({ locationId: store.id, holdRef: newRef, holdMoves: s.holdMoves + 1 })
    .where(and(eq(shipments.shopId, shopId), eq(shipments.id, s.id)))
    .returning();
  await recordSingle(tx, row!, 'pool_claim', actorId, null, 'routing.pool_claim', { km: roundKm(km) ?? 0 }, from);
  await emitRerouted(tx, s, row!);
  await emitReady(tx, row!);
  return shipmentView(row!, locs);
}

/**
 * Cancels one live parcel (pending, pooled, ready) and gives its stock back (an uncollected
 * pickup). Safe to call again: a cancelled parcel is returned as it is.
 */
export async function cancelShipment(
  tx: Tx,
  shopId: string,
  shipmentId: string,
  by: { reason: string },
): Promise<ShipmentView> {
  const s = await lockShipment(tx, shopId, shipmentId);
  if (s.status === 'cancelled') return shipmentView(s, await locationsById(tx, shopId));
  if (!['pending', 'pooled', 'ready'].includes(s.status)) throw wrongStatus(s);
  const [row] = await cancelLocked(tx, s, by.reason);
  return shipmentView(row!, await locationsById(tx, shopId));
}

async function cancelLocked(tx: Tx, s: ShipmentRow, reason: string) {
  await inventory.release(tx, s.shopId, holdRef(s));
  const rows = await tx
    .update(shipments)
    .set({ status: 'cancelled', cancelledAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(shipments.shopId, s.shopId), eq(shipments.id, s.id)))
    .returning();
  await emit(
    tx,
    'fulfillment.shipment_cancelled',
    {
      shopId: s.shopId,
      orderId: s.orderId,
      shipmentId: s.id,
      locationId: s.locationId,
      holdRef: s.holdRef,
      kind: s.kind,
      reason,
    },
    s.shopId,
  );
  return rows;
}

/**
 * Cancels every live parcel of an order (pending, pooled, ready) and gives their stock back.
 * Safe to call again. Emits `fulfillment.shipment_cancelled` per parcel. Returns how many.
 */
export async function cancelOrderShipments(tx: Tx, shopId: string, orderId: string, reason: string): Promise<number> {
  const live = await tx
    .select()
    .from(shipments)
    .where(
      and(
        eq(shipments.shopId, shopId),
        eq(shipments.orderId, orderId),
        inArray(shipments.status, ['pending', 'pooled', 'ready']),
      ),
    )
    .orderBy(asc(shipments.locationId), asc(shipments.id))
    .for('update');
  for (const s of live) await cancelLocked(tx, s, reason);
  return live.length;
}

/**
 * The parcel left with a carrier: its held stock is committed (leaves on hand). Idempotent: a
 * parcel already shipped is returned unchanged. `ref` names who confirmed (a person, a WMS
 * message) and travels on the event.
 */
export async function confirmShipped(
  tx: Tx,
  shopId: string,
  shipmentId: string,
  input: { carrier: string; trackingNo: string },
  ref: Ref,
): Promise<ShipmentView> {
  const s = await lockShipment(tx, shopId, shipmentId);
  if (s.status === 'shipped') return shipmentView(s, await locationsById(tx, shopId));
  if (s.status !== 'ready' || s.kind !== 'ship') throw wrongStatus(s);
  await inventory.commit(tx, shopId, holdRef(s));
  const [row] = await tx
    .update(shipments)
    .set({
      status: 'shipped',
      carrier: input.carrier,
      trackingNo: input.trackingNo,
      shippedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(shipments.shopId, shopId), eq(shipments.id, s.id)))
    .returning();
  await emit(
    tx,
    'fulfillment.shipment_shipped',
    {
      shopId,
      orderId: s.orderId,
      shipmentId: s.id,
      locationId: s.locationId,
      carrier: input.carrier,
      trackingNo: input.trackingNo,
      ref,
    },
    shopId,
  );
  return shipmentView(row!, await locationsById(tx, shopId));
}

/** The buyer collected a pickup / in-store parcel: its stock is committed. Idempotent. */
export async function confirmPickedUp(tx: Tx, shopId: string, shipmentId: string, ref: Ref): Promise<ShipmentView> {
  const s = await lockShipment(tx, shopId, shipmentId);
  if (s.status === 'picked_up') return shipmentView(s, await locationsById(tx, shopId));
  if (s.status !== 'ready' || s.kind === 'ship') throw wrongStatus(s);
  await inventory.commit(tx, shopId, holdRef(s));
  const [row] = await tx
    .update(shipments)
    .set({ status: 'picked_up', pickedUpAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(shipments.shopId, shopId), eq(shipments.id, s.id)))
    .returning();
  await emit(
    tx,
    'fulfillment.shipment_picked_up',
    { shopId, orderId: s.orderId, shipmentId: s.id, locationId: s.locationId, ref },
    shopId,
  );
  return shipmentView(row!, await locationsById(tx, shopId));
}

// ------------------------------------------------------------------ reads

/** An order's parcels, oldest first. */
export async function shipmentsOf(tx: Executor, shopId: string, orderId: string): Promise<ShipmentView[]> {
  const rows = await tx
    .select()
    .from(shipments)
    .where(and(eq(shipments.shopId, shopId), eq(shipments.orderId, orderId)))
    .orderBy(asc(shipments.createdAt), asc(shipments.id));
  if (rows.length === 0) return [];
  const locs = await locationsById(tx, shopId);
  return rows.map((r) => shipmentView(r, locs));
}

/** Parcels at a location in a status (default `ready`), optionally of one kind, oldest first. */
export async function readyAt(
  tx: Executor,
  shopId: string,
  locationId: string,
  opts: { kind?: ShipmentKind; status?: ShipmentStatus } = {},
): Promise<ShipmentView[]> {
  const rows = await tx
    .select()
    .from(shipments)
    .where(
      and(
        eq(shipments.shopId, shopId),
        eq(shipments.locationId, locationId),
        eq(shipments.status, opts.status ?? 'ready'),
        opts.kind ? eq(shipments.kind, opts.kind) : undefined,
      ),
    )
    .orderBy(asc(shipments.readyAt), asc(shipments.id))
    .limit(500);
  const locs = await locationsById(tx, shopId);
  return rows.map((r) => shipmentView(r, locs));
}

/** One parcel. */
export async function getShipment(tx: Executor, shopId: string, shipmentId: string): Promise<ShipmentView> {
  const [row] = await tx
    .select()
    .from(shipments)
    .where(and(eq(shipments.shopId, shopId), eq(shipments.id, shipmentId)));
  if (!row) throw notFound('shipment');
  return shipmentView(row, await locationsById(tx, shopId));
}

/**
 * A parcel by one of its hold references: the shipment id for its first placement, `<id>.N` after
 * the N-th move. `current` tells whether that placement is the parcel's placement now (a re-routed
 * parcel's earlier references are no longer). Null when no parcel ever had that reference.
 */
export async function findByHoldRef(
  tx: Executor,
  shopId: string,
  ref: string,
): Promise<{ shipment: ShipmentView; current: boolean } | null> {
  const m = /^(.+?)(?:\.(\d{1,6}))?$/.exec(ref);
  if (!m) return null;
  const [row] = await tx
    .select()
    .from(shipments)
    .where(and(eq(shipments.shopId, shopId), eq(shipments.id, m[1]!)));
  const n = m[2] === undefined ? 0 : Number(m[2]);
  if (!row || n > row.holdMoves || (m[2] !== undefined && n === 0)) return null;
  return { shipment: shipmentView(row, await locationsById(tx, shopId)), current: row.holdRef === ref };
}

/**
 * Of these hold references, those that are still the current placement of a parcel not yet
 * shipped, picked up or cancelled.
 */
export async function liveHoldRefs(tx: Executor, shopId: string, refs: string[]): Promise<Set<string>> {
  const ids = [...new Set(refs.map((r) => r.replace(/\.\d{1,6}$/, '')))];
  if (!ids.length) return new Set();
  const rows = await tx
    .select({ holdRef: shipments.holdRef })
    .from(shipments)
    .where(
      and(
        eq(shipments.shopId, shopId),
        inArray(shipments.id, ids),
        inArray(shipments.status, ['pending', 'pooled', 'ready']),
      ),
    );
  const wanted = new Set(refs);
  return new Set(rows.map((r) => r.holdRef).filter((r) => wanted.has(r)));
}

/** The order's routing decisions with their explanations, newest first. */
export async function decisionsOf(tx: Executor, shopId: string, orderId: string): Promise<DecisionView[]> {
  const rows = await tx
    .select()
    .from(routingDecisions)
    .where(and(eq(routingDecisions.shopId, shopId), eq(routingDecisions.orderId, orderId)))
    .orderBy(desc(routingDecisions.createdAt), desc(routingDecisions.id));
  return rows.map(decisionView);
}

/**
 * Whether an order is fulfilled: it has parcels, and every one not cancelled has shipped or
 * been picked up (and at least one did).
 */
export function allDone(list: { status: ShipmentStatus }[]): boolean {
  const live = list.filter((s) => s.status !== 'cancelled');
  return live.length > 0 && live.every((s) => s.status === 'shipped' || s.status === 'picked_up');
}

/** Where the order's units of each SKU left from (for returns going back to the same place). */
export async function shippedFrom(
  tx: Executor,
  shopId: string,
  orderId: string,
): Promise<{ locationId: string; skuId: string; quantity: number }[]> {
  const rows = await tx
    .select()
    .from(shipments)
    .where(
      and(
        eq(shipments.shopId, shopId),
        eq(shipments.orderId, orderId),
        inArray(shipments.status, ['shipped', 'picked_up']),
      ),
    )
    .orderBy(asc(shipments.shippedAt), asc(shipments.id));
  return rows.flatMap((r) => r.lines.map((l) => ({ locationId: r.locationId, skuId: l.skuId, quantity: l.quantity })));
}

export type { RuleKind };
export { centreOf, haversineKm, regionOf } from './geo.js';
