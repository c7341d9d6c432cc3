import { and, asc, desc, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { emit } from '../../kernel/events/outbox.js';
import { AppError, type FieldError, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { newId } from '../../kernel/ids.js';
import { catalog } from '../catalog/index.js';
import { identity } from '../identity/index.js';
import {
  channelLocations,
  inventorySettings,
  locations,
  salesChannels,
  stockLevels,
  stockMovements,
  stockReservations,
} from './schema.js';

defineMessages({
  'inventory.out_of_stock': { 'zh-CN': '库存不足：{titles}', 'en-US': 'Not enough stock: {titles}' },
  'inventory.hold_exists': {
    'zh-CN': '{ref} 已占用过这件商品的库存',
    'en-US': '{ref} already holds or held stock of this item',
  },
  'inventory.negative_stock': {
    'zh-CN': '库存不能为负数，也不能低于已占用的数量：{items}',
    'en-US': 'Stock cannot go below zero or below what is reserved: {items}',
  },
  'inventory.invalid_count': {
    'zh-CN': '库存数量必须是不小于 0 的整数',
    'en-US': 'A stock count must be a whole number, 0 or more',
  },
  'inventory.line_below_reserved': {
    'zh-CN': '{name}：在库 {onHand}，已占用 {reserved}，变动 {change} 后将低于已占用数量',
    'en-US': '{name}: {onHand} on hand, {reserved} reserved; a change of {change} would leave less than reserved',
  },
  'inventory.location_code_taken': {
    'zh-CN': '编码 {code} 已被其他门店或仓库使用',
    'en-US': 'Code {code} is already used by another location',
  },
  'inventory.unknown_location': { 'zh-CN': '找不到该门店或仓库', 'en-US': 'No such location' },
  'inventory.unknown_sku': { 'zh-CN': '找不到该商品规格', 'en-US': 'No such SKU' },
  'inventory.invalid_location': {
    'zh-CN': '门店或仓库信息有误，请检查标出的字段',
    'en-US': 'The location has invalid fields; see the errors listed',
  },
  'inventory.coordinates_pair': {
    'zh-CN': '纬度和经度需同时填写',
    'en-US': 'Give latitude and longitude together',
  },
  'inventory.hours_order': {
    'zh-CN': '营业结束时间需晚于开始时间',
    'en-US': 'Closing time must be after opening time',
  },
});

export interface Ref {
  type: string;
  id: string;
}
export interface Line {
  skuId: string;
  quantity: number;
}
type LevelKey = { skuId: string; locationId: string };

const levelWhere = (shopId: string, skuId: string, locationId: string) =>
  and(eq(stockLevels.shopId, shopId), eq(stockLevels.skuId, skuId), eq(stockLevels.locationId, locationId));

/** The shop's default location, made on first use ("默认仓库"). Call in the shop's scope. */
export async function defaultLocation(tx: Executor, shopId: string): Promise<string> {
  const [existing] = await tx
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.shopId, shopId), eq(locations.isDefault, true)));
  if (existing) return existing.id;
  const id = newId('loc');
  await tx
    .insert(locations)
    .values({ shopId, id, name: '默认仓库', code: 'WH-DEFAULT', kind: 'warehouse', isDefault: true })
    .onConflictDoNothing();
  const [row] = await tx
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.shopId, shopId), eq(locations.isDefault, true)));
  return row!.id;
}

async function record(
  tx: Tx,
  shopId: string,
  level: { skuId: string; locationId: string; onHand: number; reserved: number },
  delta: { onHand: number; reserved: number },
  reason: string,
  ref: Ref,
  actorId?: string,
): Promise<boolean> {
  const inserted = await tx
    .insert(stockMovements)
    .values({
      shopId,
      id: newId('stm'),
      skuId: level.skuId,
      locationId: level.locationId,
      onHandDelta: delta.onHand,
      reservedDelta: delta.reserved,
      onHandAfter: level.onHand,
      reservedAfter: level.reserved,
      reason,
      refType: ref.type,
      refId: ref.id,
      actorId,
    })
    .onConflictDoNothing()
    .returning({ id: stockMovements.id });
  return inserted.length > 0;
}

async function movementExists(tx: Tx, shopId: string, key: LevelKey, reason: string, ref: Ref): Promise<boolean> {
  const [row] = await tx
    .select({ id: stockMovements.id })
    .from(stockMovements)
    .where(
      and(
        eq(stockMovements.shopId, shopId),
        eq(stockMovements.reason, reason),
        eq(stockMovements.refType, ref.type),
        eq(stockMovements.refId, ref.id),
        eq(stockMovements.skuId, key.skuId),
        eq(stockMovements.locationId, key.locationId),
      ),
    );
  return !!row;
}

/**
 * Keeps `low_since` true to each touched level (available at or below its threshold, or the
 * shop's) and emits `inventory.low_stock` when a level crosses into low. Without keys, the whole
 * shop (after the shop's threshold changes). The levels are already locked by the caller.
 */
async function refreshLow(tx: Tx, shopId: string, keys?: LevelKey[]): Promise<void> {
  if (keys && keys.length === 0) return;
  const only = keys
    ? sql`and (sl.sku_id, sl.location_id) in (${sql.join(
        keys.map((k) => sql`(${k.skuId}, ${k.locationId})`),
        sql`, `,
      )})`
    : sql``;
  const changed = await tx.execute<{
    sku_id: string;
    location_id: string;
    low: boolean;
    available: number;
    threshold: number | null;
  }>(sql`
    with t as (
      select sl.sku_id, sl.location_id,
             sl.on_hand - sl.reserved - sl.safety_stock as available,
             coalesce(sl.low_stock_threshold, s.low_stock_threshold) as threshold
        from stock_levels sl
        left join inventory_settings s on s.shop_id = sl.shop_id
       where sl.shop_id = ${shopId} ${only}
    )
    update stock_levels sl
       set low_since = case when t.available <= t.threshold then now() else null end
      from t
     where sl.shop_id = ${shopId} and sl.sku_id = t.sku_id and sl.location_id = t.location_id
       and (sl.low_since is not null) <> coalesce(t.available <= t.threshold, false)
    returning sl.sku_id, sl.location_id, sl.low_since is not null as low, t.available, t.threshold`);
  for (const r of changed.rows) {
    if (!r.low) continue;
    await emit(
      tx,
      'inventory.low_stock',
      {
        shopId,
        skuId: r.sku_id,
        locationId: r.location_id,
        available: Math.max(0, Number(r.available)),
        threshold: r.threshold,
      },
      shopId,
    );
  }
}

/** What people call these SKUs ("正山小种红茶礼盒 红"), by id; unknown ids are named by their id. */
export async function skuNames(tx: Executor, shopId: string, skuIds: string[]): Promise<Map<string, string>> {
  const labels = await catalog.skuLabels(tx, shopId, { ids: [...new Set(skuIds)] });
  const names = new Map(labels.map((l) => [l.skuId, [l.title, l.specText].filter(Boolean).join(' ')]));
  for (const id of skuIds) if (!names.has(id)) names.set(id, id);
  return names;
}

export interface Shortage {
  skuId: string;
  onHand: number;
  reserved: number;
  change: number;
}

/** 409 `inventory.negative_stock` naming each SKU that would fall below what is reserved. */
export async function belowReserved(tx: Executor, shopId: string, shortages: Shortage[]): Promise<AppError> {
  const names = await skuNames(
    tx,
    shopId,
    shortages.map((s) => s.skuId),
  );
  const fields: FieldError[] = shortages.map((s) => ({
    field: `lines.${s.skuId}`,
    code: 'below_reserved',
    message: 'inventory.line_below_reserved',
    params: { name: names.get(s.skuId)!, onHand: s.onHand, reserved: s.reserved, change: s.change },
  }));
  return new AppError(
    409,
    'inventory.negative_stock',
    { skuIds: shortages.map((s) => s.skuId), items: shortages.map((s) => names.get(s.skuId)).join('、') },
    fields,
  );
}

/**
 * The one way on hand changes outside reservations: locks the level (made if missing), works out
 * the new count, refuses to go below what is reserved, writes the ledger row and the level, and
 * notes low stock. Idempotent by (reason, reference, SKU, location): returns false when that
 * reference was applied before (or when nothing changes).
 */
async function changeOnHand(
  tx: Tx,
  shopId: string,
  key: LevelKey,
  reason: string,
  ref: Ref,
  actorId: string | undefined,
  next: (current: { onHand: number; reserved: number }) => number,
): Promise<boolean> {
  // Upsert that locks: one round trip for "make it if missing, then lock it".
  const [current] = await tx
    .insert(stockLevels)
    .values({ shopId, skuId: key.skuId, locationId: key.locationId })
    .onConflictDoUpdate({
      target: [stockLevels.shopId, stockLevels.skuId, stockLevels.locationId],
      set: { shopId: sql`excluded.shop_id` },
    })
    .returning();
  const onHand = next(current!);
  if (onHand === current!.onHand) return false;
  if (onHand < current!.reserved) {
    if (await movementExists(tx, shopId, key, reason, ref)) return false;
    throw await belowReserved(tx, shopId, [
      { skuId: key.skuId, onHand: current!.onHand, reserved: current!.reserved, change: onHand - current!.onHand },
    ]);
  }
  const after = { ...current!, onHand };
  if (!(await record(tx, shopId, after, { onHand: onHand - current!.onHand, reserved: 0 }, reason, ref, actorId)))
    return false;
  await tx
    .update(stockLevels)
    .set({ onHand, updatedAt: sql`now()` })
    .where(levelWhere(shopId, key.skuId, key.locationId));
  await emit(
    tx,
    'inventory.changed',
    { shopId, skuId: key.skuId, locationId: key.locationId, onHand, reserved: current!.reserved },
    shopId,
  );
  await refreshLow(tx, shopId, [key]);
  return true;
}

/**
 * Sets a SKU's stock at a location (a stocktake, a WMS report): the on-hand count. Refuses (409
 * `inventory.negative_stock`) to go below what is reserved. Idempotent by reference.
 *
 * With `sellable` and no location (the product editor), the count is what the online channel
 * can promise: the difference from today's available-to-promise lands on the default location.
 */
export async function setStock(
  tx: Tx,
  shopId: string,
  skuId: string,
  count: number,
  ref: Ref,
  opts: { locationId?: string; reason?: string; actorId?: string; sellable?: boolean } = {},
): Promise<void> {
  if (!Number.isInteger(count) || count < 0) throw new AppError(400, 'inventory.invalid_count');
  const locationId = opts.locationId ?? (await defaultLocation(tx, shopId));
  let target: (c: { onHand: number; reserved: number }) => number = () => count;
  if (opts.sellable) {
    const [level] = await tx
      .select()
      .from(stockLevels)
      .where(levelWhere(shopId, skuId, locationId))
      .for('update');
    const here = level ? Math.max(0, level.onHand - level.reserved - level.safetyStock) : 0;
    let want = count;
    if (!opts.locationId && (await sellsOnline(tx, shopId, locationId))) {
      // What the other locations of the online channel promise stays; this one makes up the rest.
      const promised = (await available(tx, shopId, [skuId])).get(skuId) ?? 0;
      want = Math.max(0, count - (promised - here));
    }
    target = (c) => (want === here ? c.onHand : c.reserved + (level?.safetyStock ?? 0) + want);
  }
  await changeOnHand(tx, shopId, { skuId, locationId }, opts.reason ?? 'adjust', ref, opts.actorId, target);
}

/** Whether the online channel sells from this location. */
async function sellsOnline(tx: Executor, shopId: string, locationId: string): Promise<boolean> {
  const ids = await channelLocationIds(tx, shopId, 'online');
  return ids.includes(locationId);
}

/**
 * Free to sell per SKU in the online shop: the online channel's available-to-promise (on hand
 * less reserved less safety stock, summed over the locations the online channel sells from).
 */
export async function available(tx: Executor, shopId: string, skuIds: string[]): Promise<Map<string, number>> {
  return atp(tx, shopId, 'online', skuIds);
}

/**
 * Available-to-promise of a sales channel per SKU: Σ max(on hand − reserved − safety stock, 0)
 * over the channel's active locations. The online channel, until the merchant lists locations,
 * sells from every active location that ships (also before it exists). One query.
 */
export async function atp(
  tx: Executor,
  shopId: string,
  channel: string | 'online',
  skuIds: string[],
): Promise<Map<string, number>> {
  const result = new Map(skuIds.map((id) => [id, 0]));
  if (skuIds.length === 0) return result;
  const online = channel === 'online';
  const rows = await tx.execute<{ sku_id: string; n: number }>(sql`
    select sl.sku_id, sum(greatest(sl.on_hand - sl.reserved - sl.safety_stock, 0))::int as n
      from stock_levels sl
      join locations l on l.shop_id = sl.shop_id and l.id = sl.location_id and l.active
      left join sales_channels c on c.shop_id = sl.shop_id and ${online ? sql`c.kind = 'online'` : sql`c.id = ${channel}`}
     where sl.shop_id = ${shopId}
       and sl.sku_id in (${sql.join(
         skuIds.map((id) => sql`${id}`),
         sql`, `,
       )})
       and case
             when c.id is null then ${online} and l.can_ship
             when c.all_ship_locations then l.can_ship
             else exists (select 1 from channel_locations cl
                           where cl.shop_id = sl.shop_id and cl.channel_id = c.id and cl.location_id = sl.location_id)
           end
     group by sl.sku_id`);
  for (const r of rows.rows) result.set(r.sku_id, Number(r.n));
  return result;
}

export type LocationRow = typeof locations.$inferSelect;

/** The shop's locations, by priority then name. */
export async function listLocations(
  tx: Executor,
  shopId: string,
  opts: { kind?: 'warehouse' | 'store'; capability?: 'ship' | 'pickup' | 'sameDay'; activeOnly?: boolean } = {},
): Promise<LocationRow[]> {
  const capability = { ship: locations.canShip, pickup: locations.canPickup, sameDay: locations.canSameDay };
  return tx
    .select()
    .from(locations)
    .where(
      and(
        eq(locations.shopId, shopId),
        opts.kind ? eq(locations.kind, opts.kind) : undefined,
        opts.capability ? eq(capability[opts.capability], true) : undefined,
        opts.activeOnly ? eq(locations.active, true) : undefined,
      ),
    )
    .orderBy(locations.priority, locations.name);
}

/** One location of the shop, or 404. */
export async function getLocation(tx: Executor, shopId: string, id: string): Promise<LocationRow> {
  const [row] = await tx
    .select()
    .from(locations)
    .where(and(eq(locations.shopId, shopId), eq(locations.id, id)));
  if (!row) throw notFound('location');
  return row;
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/);
export const openingHoursInput = z
  .array(
    z
      .object({ days: z.array(z.number().int().min(1).max(7)).min(1).max(7), open: hhmm, close: hhmm })
      .refine((h) => h.open < h.close, { message: 'inventory.hours_order', path: ['close'] }),
  )
  .max(14);

export const locationInput = z
  .object({
    name: z.string().trim().min(1).max(40),
    kind: z.enum(['warehouse', 'store']),
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/),
    province: z.string().trim().max(20).default(''),
    city: z.string().trim().max(20).default(''),
    district: z.string().trim().max(20).default(''),
    address: z.string().trim().max(120).default(''),
    lat: z.number().min(-90).max(90).nullable().default(null),
    lng: z.number().min(-180).max(180).nullable().default(null),
    openingHours: openingHoursInput.default([]),
    canShip: z.boolean().default(true),
    canPickup: z.boolean().default(false),
    canSameDay: z.boolean().default(false),
    priority: z.number().int().min(0).max(9999).default(100),
    active: z.boolean().default(true),
  })
  .refine((l) => (l.lat === null) === (l.lng === null), { message: 'inventory.coordinates_pair', path: ['lng'] });
export type LocationInput = z.input<typeof locationInput>;

/**
 * Creates (no id) or updates a location. The code is unique in the shop. A store gets its store
 * channel, selling from itself. Call in the shop's scope.
 */
export async function saveLocation(tx: Tx, shopId: string, input: LocationInput, id?: string): Promise<LocationRow> {
  const parsed = locationInput.safeParse(input);
  if (!parsed.success) {
    throw new AppError(
      400,
      'inventory.invalid_location',
      {},
      parsed.error.issues.map((i) => ({ field: `body.${i.path.join('.')}`, code: i.code, message: i.message })),
    );
  }
  const v = parsed.data;
  const [taken] = await tx
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.shopId, shopId), eq(locations.code, v.code), id ? ne(locations.id, id) : undefined));
  const codeTaken = () =>
    new AppError(409, 'inventory.location_code_taken', { code: v.code }, [
      { field: 'body.code', code: 'taken', message: 'inventory.location_code_taken' },
    ]);
  if (taken) throw codeTaken();
  let row: LocationRow | undefined;
  try {
    if (id) {
      [row] = await tx
        .update(locations)
        .set({ ...v, updatedAt: sql`now()` })
        .where(and(eq(locations.shopId, shopId), eq(locations.id, id)))
        .returning();
      if (!row) throw notFound('location');
    } else {
      [row] = await tx
        .insert(locations)
        .values({ shopId, id: newId('loc'), ...v })
        .returning();
    }
  } catch (e) {
    // Two saves racing for one code: the unique index decides.
    if ((e as { cause?: { code?: string } }).cause?.code === '23505') throw codeTaken();
    throw e;
  }
  if (row!.kind === 'store') {
    const [channel] = await tx
      .insert(salesChannels)
      .values({ shopId, id: newId('chn'), kind: 'store', name: row!.name, storeLocationId: row!.id })
      .onConflictDoUpdate({
        target: [salesChannels.shopId, salesChannels.storeLocationId],
        set: { name: row!.name },
      })
      .returning();
    await tx
      .insert(channelLocations)
      .values({ shopId, channelId: channel!.id, locationId: row!.id })
      .onConflictDoNothing();
  }
  // Capabilities and the active flag change what is promised; thresholds may now apply.
  await emit(tx, 'inventory.location_saved', { shopId, locationId: row!.id, kind: row!.kind }, shopId);
  return row!;
}

export type ChannelRow = typeof salesChannels.$inferSelect;

/** The shop's online channel, made on first use (selling from every active location that ships). */
export async function onlineChannel(tx: Tx, shopId: string): Promise<ChannelRow> {
  const find = () =>
    tx
      .select()
      .from(salesChannels)
      .where(and(eq(salesChannels.shopId, shopId), eq(salesChannels.kind, 'online')));
  const [existing] = await find();
  if (existing) return existing;
  await tx
    .insert(salesChannels)
    .values({ shopId, id: newId('chn'), kind: 'online', name: '线上店铺', allShipLocations: true })
    .onConflictDoNothing();
  return (await find())[0]!;
}

/** The locations a channel sells from now (for an all-shipping channel, those active that ship). */
export async function channelLocationIds(tx: Executor, shopId: string, channel: string | 'online'): Promise<string[]> {
  const [c] = await tx
    .select()
    .from(salesChannels)
    .where(
      and(
        eq(salesChannels.shopId, shopId),
        channel === 'online' ? eq(salesChannels.kind, 'online') : eq(salesChannels.id, channel),
      ),
    );
  if (!c && channel !== 'online') throw notFound('channel');
  if (!c || c.allShipLocations) {
    return (await listLocations(tx, shopId, { capability: 'ship', activeOnly: true })).map((l) => l.id);
  }
  const rows = await tx
    .select({ id: channelLocations.locationId })
    .from(channelLocations)
    .innerJoin(
      locations,
      and(eq(locations.shopId, channelLocations.shopId), eq(locations.id, channelLocations.locationId)),
    )
    .where(and(eq(channelLocations.shopId, shopId), eq(channelLocations.channelId, c.id), eq(locations.active, true)));
  return rows.map((r) => r.id);
}

export interface ChannelView {
  id: string;
  kind: 'online' | 'store';
  name: string;
  storeLocationId: string | null;
  allShipLocations: boolean;
  /** Listed locations (empty while it sells from every shipping location). */
  locationIds: string[];
  /** The active locations it sells from now. */
  effectiveLocationIds: string[];
}

/** The shop's channels (online first), with where each sells from. */
export async function listChannels(tx: Tx, shopId: string): Promise<ChannelView[]> {
  await onlineChannel(tx, shopId);
  const channels = await tx
    .select()
    .from(salesChannels)
    .where(eq(salesChannels.shopId, shopId))
    .orderBy(desc(sql`${salesChannels.kind} = 'online'`), asc(salesChannels.name));
  const links = await tx.select().from(channelLocations).where(eq(channelLocations.shopId, shopId));
  const shipping = (await listLocations(tx, shopId, { capability: 'ship', activeOnly: true })).map((l) => l.id);
  const active = new Set((await listLocations(tx, shopId, { activeOnly: true })).map((l) => l.id));
  return channels.map((c) => {
    const listed = links.filter((l) => l.channelId === c.id).map((l) => l.locationId);
    return {
      id: c.id,
      kind: c.kind,
      name: c.name,
      storeLocationId: c.storeLocationId,
      allShipLocations: c.allShipLocations,
      locationIds: c.allShipLocations ? [] : listed,
      effectiveLocationIds: c.allShipLocations ? shipping : listed.filter((id) => active.has(id)),
    };
  });
}

/** Chooses where a channel sells from: every active shipping location, or the listed ones. */
export async function setChannelLocations(
  tx: Tx,
  shopId: string,
  channelId: string,
  input: { allShipLocations: boolean; locationIds: string[] },
): Promise<ChannelView> {
  const [c] = await tx
    .select()
    .from(salesChannels)
    .where(and(eq(salesChannels.shopId, shopId), eq(salesChannels.id, channelId)))
    .for('update');
  if (!c) throw notFound('channel');
  const ids = [...new Set(input.locationIds)];
  if (ids.length) {
    const found = await tx
      .select({ id: locations.id })
      .from(locations)
      .where(and(eq(locations.shopId, shopId), inArray(locations.id, ids)));
    const known = new Set(found.map((f) => f.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length)
      throw new AppError(
        400,
        'validation_failed',
        {},
        unknown.map((id) => ({
          field: 'body.locationIds',
          code: 'unknown',
          message: 'inventory.unknown_location',
          params: { id },
        })),
      );
  }
  await tx
    .update(salesChannels)
    .set({ allShipLocations: input.allShipLocations })
    .where(and(eq(salesChannels.shopId, shopId), eq(salesChannels.id, channelId)));
  await tx
    .delete(channelLocations)
    .where(and(eq(channelLocations.shopId, shopId), eq(channelLocations.channelId, channelId)));
  if (!input.allShipLocations && ids.length)
    await tx.insert(channelLocations).values(ids.map((locationId) => ({ shopId, channelId, locationId })));
  await emit(tx, 'inventory.channel_changed', { shopId, channelId }, shopId);
  return (await listChannels(tx, shopId)).find((x) => x.id === channelId)!;
}

export interface StockAt {
  skuId: string;
  locationId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  /** on hand − reserved − safety stock, never below 0. */
  available: number;
}

/** Stock of the SKUs per location (all the shop's locations unless some are named). */
export async function availabilityAt(
  tx: Executor,
  shopId: string,
  skuIds: string[],
  locationIds?: string[],
): Promise<StockAt[]> {
  if (skuIds.length === 0 || locationIds?.length === 0) return [];
  const rows = await tx
    .select()
    .from(stockLevels)
    .where(
      and(
        eq(stockLevels.shopId, shopId),
        inArray(stockLevels.skuId, skuIds),
        locationIds ? inArray(stockLevels.locationId, locationIds) : undefined,
      ),
    );
  return rows.map((r) => ({
    skuId: r.skuId,
    locationId: r.locationId,
    onHand: r.onHand,
    reserved: r.reserved,
    safetyStock: r.safetyStock,
    available: Math.max(0, r.onHand - r.reserved - r.safetyStock),
  }));
}

function mergeLines(lines: Line[]): [string, number][] {
  const merged = new Map<string, number>();
  for (const l of lines) merged.set(l.skuId, (merged.get(l.skuId) ?? 0) + l.quantity);
  return [...merged].sort(([a], [b]) => a.localeCompare(b));
}

/**
 * Holds stock for a reference (a shipment, a flash sale) at one location, all lines or none.
 * Each line is taken with one conditional UPDATE (on hand − reserved − safety stock ≥ quantity),
 * so concurrent buyers can never take more than is there. Rows are locked in SKU order so two
 * multi-line holds cannot deadlock. Throws 409 `inventory.out_of_stock` naming the SKUs short.
 */
export async function reserveAt(tx: Tx, shopId: string, locationId: string, lines: Line[], ref: Ref): Promise<void> {
  const short: string[] = [];
  const taken: LevelKey[] = [];
  for (const [skuId, quantity] of mergeLines(lines)) {
    // The hold's row first: a reference holds a SKU at a location once, so a repeated (or
    // concurrent) call for the same reference waits here and then changes nothing.
    const [fresh] = await tx
      .insert(stockReservations)
      .values({ shopId, refType: ref.type, refId: ref.id, skuId, locationId, quantity, status: 'reserved' })
      .onConflictDoNothing()
      .returning({ skuId: stockReservations.skuId });
    if (!fresh) {
      const [held] = await tx
        .select({ status: stockReservations.status, quantity: stockReservations.quantity })
        .from(stockReservations)
        .where(
          and(
            eq(stockReservations.shopId, shopId),
            eq(stockReservations.refType, ref.type),
            eq(stockReservations.refId, ref.id),
            eq(stockReservations.skuId, skuId),
            eq(stockReservations.locationId, locationId),
          ),
        );
      if (held?.status === 'reserved' && held.quantity === quantity) continue;
      throw new AppError(409, 'inventory.hold_exists', { ref: `${ref.type}:${ref.id}` });
    }
    const [level] = await tx
      .update(stockLevels)
      .set({ reserved: sql`${stockLevels.reserved} + ${quantity}`, updatedAt: sql`now()` })
      .where(
        and(
          levelWhere(shopId, skuId, locationId),
          sql`${stockLevels.onHand} - ${stockLevels.reserved} - ${stockLevels.safetyStock} >= ${quantity}`,
        ),
      )
      .returning();
    if (!level) {
      // The whole call fails; the caller's transaction (or savepoint) drops the row above.
      short.push(skuId);
      continue;
    }
    await record(tx, shopId, level, { onHand: 0, reserved: quantity }, 'reserve', ref);
    taken.push({ skuId, locationId });
  }
  if (short.length > 0) throw new AppError(409, 'inventory.out_of_stock', { skuIds: short, titles: short.join(', ') });
  await refreshLow(tx, shopId, taken);
}

/** Holds stock for a reference at the shop's default location (see `reserveAt`). */
export async function reserve(tx: Tx, shopId: string, lines: Line[], ref: Ref): Promise<void> {
  await reserveAt(tx, shopId, await defaultLocation(tx, shopId), lines, ref);
}

/**
 * Moves part of one reference's hold to another (a flash sale's quota to the order that won it)
 * without touching the stock level, so a hot SKU's level row is not locked per buyer. Throws 409
 * `inventory.out_of_stock` when the source holds less than asked.
 */
export async function transferHold(
  tx: Tx,
  shopId: string,
  from: Ref,
  to: Ref,
  line: Line & { locationId: string },
): Promise<void> {
  const [taken] = await tx
    .update(stockReservations)
    .set({ quantity: sql`${stockReservations.quantity} - ${line.quantity}` })
    .where(
      and(
        eq(stockReservations.shopId, shopId),
        eq(stockReservations.refType, from.type),
        eq(stockReservations.refId, from.id),
        eq(stockReservations.skuId, line.skuId),
        eq(stockReservations.locationId, line.locationId),
        eq(stockReservations.status, 'reserved'),
        sql`${stockReservations.quantity} > ${line.quantity}`,
      ),
    )
    .returning({ skuId: stockReservations.skuId });
  if (!taken) {
    // Taking the last units: the source row is settled rather than left at zero.
    const [last] = await tx
      .update(stockReservations)
      .set({ status: 'committed', settledAt: sql`now()` })
      .where(
        and(
          eq(stockReservations.shopId, shopId),
          eq(stockReservations.refType, from.type),
          eq(stockReservations.refId, from.id),
          eq(stockReservations.skuId, line.skuId),
          eq(stockReservations.locationId, line.locationId),
          eq(stockReservations.status, 'reserved'),
          eq(stockReservations.quantity, line.quantity),
        ),
      )
      .returning({ skuId: stockReservations.skuId });
    if (!last) throw new AppError(409, 'inventory.out_of_stock', { skuIds: [line.skuId], titles: line.skuId });
  }
  await tx.insert(stockReservations).values({
    shopId,
    refType: to.type,
    refId: to.id,
    skuId: line.skuId,
    locationId: line.locationId,
    quantity: line.quantity,
    status: 'reserved',
  });
}

/**
 * A signed change of on hand at a location (a WMS stock report, goods received, a transfer leg).
 * Refused with 409 `inventory.negative_stock` (naming the SKUs) if on hand would fall below what is reserved.
 * Idempotent by (reason, reference): applying the same reference again changes nothing and
 * returns false.
 */
export async function adjust(
  tx: Tx,
  shopId: string,
  change: { locationId: string; skuId: string; delta: number; reason: string; ref: Ref; actorId?: string },
): Promise<boolean> {
  if (!Number.isInteger(change.delta)) throw new AppError(400, 'inventory.invalid_count');
  return changeOnHand(
    tx,
    shopId,
    { skuId: change.skuId, locationId: change.locationId },
    change.reason,
    change.ref,
    change.actorId,
    (c) => c.onHand + change.delta,
  );
}

async function settle(tx: Tx, shopId: string, ref: Ref, to: 'released' | 'committed'): Promise<number> {
  const held = await tx
    .update(stockReservations)
    .set({ status: to, settledAt: sql`now()` })
    .where(
      and(
        eq(stockReservations.shopId, shopId),
        eq(stockReservations.refType, ref.type),
        eq(stockReservations.refId, ref.id),
        eq(stockReservations.status, 'reserved'),
      ),
    )
    .returning();
  const touched: LevelKey[] = [];
  for (const r of held.sort((a, b) => a.skuId.localeCompare(b.skuId) || a.locationId.localeCompare(b.locationId))) {
    const onHandDelta = to === 'committed' ? -r.quantity : 0;
    const [level] = await tx
      .update(stockLevels)
      .set({
        reserved: sql`${stockLevels.reserved} - ${r.quantity}`,
        onHand: sql`${stockLevels.onHand} + ${onHandDelta}`,
        updatedAt: sql`now()`,
      })
      .where(levelWhere(shopId, r.skuId, r.locationId))
      .returning();
    await record(
      tx,
      shopId,
      level!,
      { onHand: onHandDelta, reserved: -r.quantity },
      to === 'committed' ? 'ship' : 'release',
      ref,
    );
    touched.push({ skuId: r.skuId, locationId: r.locationId });
    if (to === 'committed') {
      await emit(
        tx,
        'inventory.changed',
        { shopId, skuId: r.skuId, locationId: r.locationId, onHand: level!.onHand, reserved: level!.reserved },
        shopId,
      );
    }
  }
  await refreshLow(tx, shopId, touched);
  return held.length;
}

/** Gives back what a reference held (a cancelled order). Safe to call again. */
export const release = (tx: Tx, shopId: string, ref: Ref) => settle(tx, shopId, ref, 'released');

/** The held stock leaves the building (the order shipped). Safe to call again. */
export const commit = (tx: Tx, shopId: string, ref: Ref) => settle(tx, shopId, ref, 'committed');

/** Returned goods back on hand (at the default location unless named). Idempotent by reference. */
export async function restock(tx: Tx, shopId: string, lines: Line[], ref: Ref, at?: string): Promise<void> {
  const locationId = at ?? (await defaultLocation(tx, shopId));
  for (const line of [...lines].sort((a, b) => a.skuId.localeCompare(b.skuId))) {
    if (line.quantity <= 0) continue;
    await changeOnHand(
      tx,
      shopId,
      { skuId: line.skuId, locationId },
      'return',
      ref,
      undefined,
      (c) => c.onHand + line.quantity,
    );
  }
}

// ---------------------------------------------------------------- workbench: levels, ledger, alerts

/** Safety stock and the low-stock threshold of one level (made if missing). */
export async function setLevelSettings(
  tx: Tx,
  shopId: string,
  key: LevelKey,
  input: { safetyStock?: number; lowStockThreshold?: number | null },
): Promise<void> {
  await tx.insert(stockLevels).values({ shopId, skuId: key.skuId, locationId: key.locationId }).onConflictDoNothing();
  const set: Partial<typeof stockLevels.$inferInsert> = {};
  if (input.safetyStock !== undefined) set.safetyStock = input.safetyStock;
  if (input.lowStockThreshold !== undefined) set.lowStockThreshold = input.lowStockThreshold;
  if (Object.keys(set).length === 0) return;
  const [level] = await tx
    .update(stockLevels)
    .set({ ...set, updatedAt: sql`now()` })
    .where(levelWhere(shopId, key.skuId, key.locationId))
    .returning();
  await emit(
    tx,
    'inventory.changed',
    { shopId, ...key, onHand: level!.onHand, reserved: level!.reserved, safetyStock: level!.safetyStock },
    shopId,
  );
  await refreshLow(tx, shopId, [key]);
}

/** Checks that the SKU is the shop's and the location exists, else 404. */
export async function requireLevelKey(tx: Executor, shopId: string, key: LevelKey): Promise<void> {
  await getLocation(tx, shopId, key.locationId);
  const [sku] = await catalog.skuLabels(tx, shopId, { ids: [key.skuId] });
  if (!sku) throw notFound('sku');
}

export async function getSettings(tx: Executor, shopId: string) {
  const [row] = await tx.select().from(inventorySettings).where(eq(inventorySettings.shopId, shopId));
  return { lowStockThreshold: row?.lowStockThreshold ?? null };
}

/** The shop's default low-stock threshold (levels without their own use it). */
export async function saveSettings(tx: Tx, shopId: string, input: { lowStockThreshold: number | null }) {
  await tx
    .insert(inventorySettings)
    .values({ shopId, lowStockThreshold: input.lowStockThreshold })
    .onConflictDoUpdate({
      target: inventorySettings.shopId,
      set: { lowStockThreshold: input.lowStockThreshold, updatedAt: sql`now()` },
    });
  await refreshLow(tx, shopId);
  return getSettings(tx, shopId);
}

export const ledgerQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

/** The ledger of one SKU at one location, newest first, with who made each change. */
export async function ledger(tx: Executor, shopId: string, key: LevelKey, q: z.infer<typeof ledgerQuery>) {
  const after = decodeCursor(q.cursor);
  const rows = await tx
    .select()
    .from(stockMovements)
    .where(
      and(
        eq(stockMovements.shopId, shopId),
        eq(stockMovements.skuId, key.skuId),
        eq(stockMovements.locationId, key.locationId),
        after
          ? sql`(${stockMovements.at}, ${stockMovements.id}) < (${String(after[0])}::timestamptz, ${String(after[1])})`
          : undefined,
      ),
    )
    .orderBy(desc(stockMovements.at), desc(stockMovements.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => [r.at.toISOString(), r.id]);
  const actorIds = [...new Set(page.items.map((r) => r.actorId).filter((a): a is string => !!a))];
  const actors = actorIds.length ? await identity.getAccounts(tx, actorIds) : new Map();
  return {
    items: page.items.map((r) => ({
      id: r.id,
      reason: r.reason,
      refType: r.refType,
      refId: r.refId,
      actorId: r.actorId,
      actorName: r.actorId ? (actors.get(r.actorId)?.displayName ?? null) : null,
      onHandDelta: r.onHandDelta,
      reservedDelta: r.reservedDelta,
      onHandAfter: r.onHandAfter,
      reservedAfter: r.reservedAfter,
      at: r.at.toISOString(),
    })),
    nextCursor: page.nextCursor,
  };
}

export const stockQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(50).optional(),
  locationId: z.string().max(64).optional(),
});

export interface LevelView extends StockAt {
  lowStockThreshold: number | null;
  /** The threshold that applies (the level's, else the shop's). */
  threshold: number | null;
  low: boolean;
}

/**
 * The stock screen: the shop's SKUs (products paged and searched as in the product list), each
 * with its level at every location, or at the one asked for.
 */
export async function stockGrid(db: Db, shopId: string, q: z.infer<typeof stockQuery>) {
  const products = await catalog.listProducts(db, shopId, { limit: q.limit, cursor: q.cursor, q: q.q });
  return withShop(db, shopId, async (tx) => {
    const locs = await listLocations(tx, shopId);
    if (q.locationId && !locs.some((l) => l.id === q.locationId)) throw notFound('location');
    const shown = q.locationId ? locs.filter((l) => l.id === q.locationId) : locs;
    const skus = products.items.flatMap((p) =>
      p.skus
        .filter((s) => s.enabled)
        .map((s) => ({
          skuId: s.id,
          productId: p.id,
          title: p.title,
          specText: Object.values(s.spec).join(' / '),
          barcode: s.barcode,
          imageUrl: s.imageUrl ?? p.images[0] ?? null,
        })),
    );
    const settings = await getSettings(tx, shopId);
    const levels = skus.length
      ? await tx
          .select()
          .from(stockLevels)
          .where(
            and(
              eq(stockLevels.shopId, shopId),
              inArray(
                stockLevels.skuId,
                skus.map((s) => s.skuId),
              ),
            ),
          )
      : [];
    const online = await available(
      tx,
      shopId,
      skus.map((s) => s.skuId),
    );
    const byKey = new Map(levels.map((l) => [`${l.skuId}|${l.locationId}`, l]));
    return {
      locations: shown.map((l) => ({ id: l.id, name: l.name, code: l.code, kind: l.kind, active: l.active })),
      items: skus.map((s) => ({
        ...s,
        onlineAvailable: online.get(s.skuId) ?? 0,
        levels: shown.map((loc): LevelView => {
          const l = byKey.get(`${s.skuId}|${loc.id}`);
          const threshold = l?.lowStockThreshold ?? settings.lowStockThreshold;
          return {
            skuId: s.skuId,
            locationId: loc.id,
            onHand: l?.onHand ?? 0,
            reserved: l?.reserved ?? 0,
            safetyStock: l?.safetyStock ?? 0,
            available: l ? Math.max(0, l.onHand - l.reserved - l.safetyStock) : 0,
            lowStockThreshold: l?.lowStockThreshold ?? null,
            threshold,
            low: !!l?.lowSince,
          };
        }),
      })),
      nextCursor: products.nextCursor,
    };
  });
}

export const lowStockQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  locationId: z.string().max(64).optional(),
});

/** Levels at active locations whose available is at or below their threshold, newest alert first. */
export async function lowStock(tx: Executor, shopId: string, q: z.infer<typeof lowStockQuery>) {
  const after = decodeCursor(q.cursor);
  const settings = await getSettings(tx, shopId);
  const rows = await tx
    .select({ level: stockLevels, location: { id: locations.id, name: locations.name, code: locations.code } })
    .from(stockLevels)
    .innerJoin(locations, and(eq(locations.shopId, stockLevels.shopId), eq(locations.id, stockLevels.locationId)))
    .where(
      and(
        eq(stockLevels.shopId, shopId),
        isNotNull(stockLevels.lowSince),
        eq(locations.active, true),
        q.locationId ? eq(stockLevels.locationId, q.locationId) : undefined,
        after
          ? sql`(${stockLevels.lowSince}, ${stockLevels.skuId}, ${stockLevels.locationId}) < (${String(after[0])}::timestamptz, ${String(after[1])}, ${String(after[2])})`
          : undefined,
      ),
    )
    .orderBy(desc(stockLevels.lowSince), desc(stockLevels.skuId), desc(stockLevels.locationId))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => [r.level.lowSince!.toISOString(), r.level.skuId, r.level.locationId]);
  const labels = new Map(
    (await catalog.skuLabels(tx, shopId, { ids: [...new Set(page.items.map((r) => r.level.skuId))] })).map((l) => [
      l.skuId,
      l,
    ]),
  );
  return {
    items: page.items.map(({ level: l, location }) => {
      const label = labels.get(l.skuId);
      return {
        skuId: l.skuId,
        productId: label?.productId ?? null,
        title: label?.title ?? l.skuId,
        specText: label?.specText ?? '',
        imageUrl: label?.imageUrl ?? null,
        locationId: location.id,
        locationName: location.name,
        locationCode: location.code,
        onHand: l.onHand,
        reserved: l.reserved,
        safetyStock: l.safetyStock,
        available: Math.max(0, l.onHand - l.reserved - l.safetyStock),
        threshold: l.lowStockThreshold ?? settings.lowStockThreshold,
        lowSince: l.lowSince!.toISOString(),
      };
    }),
    nextCursor: page.nextCursor,
  };
}

/** How many levels at active locations are low (the workbench badge). */
export async function lowStockCount(tx: Executor, shopId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(stockLevels)
    .innerJoin(locations, and(eq(locations.shopId, stockLevels.shopId), eq(locations.id, stockLevels.locationId)))
    .where(and(eq(stockLevels.shopId, shopId), isNotNull(stockLevels.lowSince), eq(locations.active, true)));
  return Number(row?.n ?? 0);
}

/** A level's own threshold and whether it is low now. */
export async function levelLowState(tx: Executor, shopId: string, key: LevelKey) {
  const [l] = await tx
    .select({ lowStockThreshold: stockLevels.lowStockThreshold, lowSince: stockLevels.lowSince })
    .from(stockLevels)
    .where(levelWhere(shopId, key.skuId, key.locationId));
  return { lowStockThreshold: l?.lowStockThreshold ?? null, low: !!l?.lowSince };
}

/** Every level at one location (a stocktake's or a seed's view of a place). */
export async function stockAtLocation(tx: Executor, shopId: string, locationId: string): Promise<StockAt[]> {
  const rows = await tx
    .select()
    .from(stockLevels)
    .where(and(eq(stockLevels.shopId, shopId), eq(stockLevels.locationId, locationId)))
    .orderBy(stockLevels.skuId);
  return rows.map((r) => ({
    skuId: r.skuId,
    locationId: r.locationId,
    onHand: r.onHand,
    reserved: r.reserved,
    safetyStock: r.safetyStock,
    available: Math.max(0, r.onHand - r.reserved - r.safetyStock),
  }));
}
