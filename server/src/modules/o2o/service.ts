import { randomInt } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { inShop, withShop } from '../../kernel/db/tenant.js';
import { emit, type EventEnvelope } from '../../kernel/events/outbox.js';
import { AppError, badRequest, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { newId } from '../../kernel/ids.js';
import { enqueue } from '../../kernel/jobs/queue.js';
import { catalog } from '../catalog/index.js';
import { fulfillment } from '../fulfillment/index.js';
import { centreOf, haversineKm } from '../fulfillment/geo.js';
import { inventory } from '../inventory/index.js';
import { orders } from '../orders/index.js';
import { payments } from '../payments/index.js';
import { shops } from '../shops/index.js';
import type { ShopAccess } from '../shops/service.js';
import { guideUrl, parseVerifyInput, pickupVerifyUrl, qrDataUrl, shelfUrl } from './qr.js';
import {
  o2oSettings,
  pickupCodes,
  poolClaims,
  salesCredits,
  shoppingGuides,
  storeParcels,
  storeStaff,
} from './schema.js';

defineMessages({
  'o2o.not_your_store': {
    'zh-CN': '你不是该门店的店员',
    'en-US': 'You are not on the staff of this store',
  },
  'o2o.pickup_code_unknown': {
    'zh-CN': '取货码不存在或已失效，请核对后重试',
    'en-US': 'No open pickup has this code; check it and try again',
  },
  'o2o.pickup_code_format': {
    'zh-CN': '请输入 8 位取货码，或扫描顾客的取货二维码',
    'en-US': "Enter the 8-digit pickup code, or scan the shopper's pickup QR",
  },
  'o2o.pickup_other_store': {
    'zh-CN': '该取货码属于另一家门店（{store}），请让顾客前往该门店取货',
    'en-US': 'This code is for another store ({store}); the shopper collects there',
  },
  'o2o.pickup_other_shop': {
    'zh-CN': '该二维码不属于本店铺',
    'en-US': 'This QR code belongs to another shop',
  },
  'o2o.pickup_already_collected': {
    'zh-CN': '该订单已于 {at} 取货，请勿重复交付',
    'en-US': 'This order was already collected at {at}; do not hand it over again',
  },
  'o2o.store_unavailable': {
    'zh-CN': '门店不存在或已停止营业',
    'en-US': 'The store does not exist or is closed',
  },
  'o2o.guide_unknown': {
    'zh-CN': '导购码无效',
    'en-US': 'Unknown shopping guide code',
  },
  'o2o.guide_code_taken': {
    'zh-CN': '导购码 {code} 已被使用',
    'en-US': 'The guide code {code} is already in use',
  },
  'o2o.not_a_member': {
    'zh-CN': '该账号不是本店员工',
    'en-US': 'That account is not on the shop staff',
  },
  'o2o.not_store_shipment': {
    'zh-CN': '该包裹不在本门店待发',
    'en-US': 'This parcel is not waiting to ship from this store',
  },
});

export const PICKUP_CODE_DIGITS = 8;

// ------------------------------------------------------------------ settings

export const settingsInput = z.object({
  pickupTimeoutHours: z
    .number()
    .int()
    .min(1)
    .max(30 * 24),
});
export type O2oSettings = z.infer<typeof settingsInput>;

export async function getSettings(tx: Executor, shopId: string): Promise<O2oSettings> {
  const [row] = await tx.select().from(o2oSettings).where(eq(o2oSettings.shopId, shopId));
  return { pickupTimeoutHours: row?.pickupTimeoutHours ?? 72 };
}

export async function saveSettings(db: Db, shopId: string, input: O2oSettings): Promise<O2oSettings> {
  return withShop(db, shopId, async (tx) => {
    await tx
      .insert(o2oSettings)
      .values({ shopId, ...input })
      .onConflictDoUpdate({ target: o2oSettings.shopId, set: { ...input, updatedAt: sql`now()` } });
    return getSettings(tx, shopId);
  });
}

// ------------------------------------------------------------------ stores and their staff

type LocationRow = inventory.LocationRow;

/** Whether a store is open at a moment, by its weekly hours in China time. */
export function isOpenAt(hours: LocationRow['openingHours'], at: Date = new Date()): boolean {
  const local = new Date(at.getTime() + 8 * 3_600_000); // Asia/Shanghai has no daylight saving
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  const hhmm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return hours.some((h) => h.days.includes(weekday) && h.open <= hhmm && hhmm < h.close);
}

export const storeView = (l: LocationRow) => ({
  id: l.id,
  name: l.name,
  code: l.code,
  province: l.province,
  city: l.city,
  district: l.district,
  address: l.address,
  lat: l.lat,
  lng: l.lng,
  openingHours: l.openingHours,
  openNow: isOpenAt(l.openingHours),
  canShip: l.canShip,
  canPickup: l.canPickup,
  canSameDay: l.canSameDay,
  active: l.active,
});
export type StoreView = ReturnType<typeof storeView>;

async function storeLocations(tx: Executor, shopId: string, activeOnly = false) {
  return inventory.listLocations(tx, shopId, { kind: 'store', activeOnly });
}

async function locationById(tx: Executor, shopId: string, locationId: string): Promise<LocationRow | undefined> {
  return (await inventory.listLocations(tx, shopId)).find((l) => l.id === locationId);
}

/** The stores a person works at: every store for the owner, else the stores they are assigned to. */
async function storesOf(tx: Executor, access: ShopAccess): Promise<LocationRow[]> {
  const all = await storeLocations(tx, access.shopId);
  if (access.role === 'owner') return all;
  const mine = await tx
    .select({ locationId: storeStaff.locationId })
    .from(storeStaff)
    .where(and(eq(storeStaff.shopId, access.shopId), eq(storeStaff.accountId, access.accountId)));
  const ids = new Set(mine.map((m) => m.locationId));
  return all.filter((l) => ids.has(l.id));
}

/** The store, if the caller works there: 404 when it is not a store of the shop, 403 when not theirs. */
async function requireStore(tx: Executor, access: ShopAccess, locationId: string): Promise<LocationRow> {
  const store = (await storeLocations(tx, access.shopId)).find((l) => l.id === locationId);
  if (!store) throw notFound('store');
  if (access.role === 'owner') return store;
  const [row] = await tx
    .select()
    .from(storeStaff)
    .where(
      and(
        eq(storeStaff.shopId, access.shopId),
        eq(storeStaff.locationId, locationId),
        eq(storeStaff.accountId, access.accountId),
      ),
    );
  if (!row) throw new AppError(403, 'o2o.not_your_store');
  return store;
}

export async function myStores(db: Db, access: ShopAccess) {
  return withShop(db, access.shopId, async (tx) => (await storesOf(tx, access)).map(storeView));
}

async function allMembers(db: Db, access: ShopAccess) {
  const members = [];
  let cursor: string | undefined;
  do {
    const page = await shops.listMembers(db, access, { limit: 100, cursor });
    members.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return members;
}

/** Who works at a store, with names and roles. */
export async function storeStaffList(db: Db, access: ShopAccess, locationId: string) {
  const rows = await withShop(db, access.shopId, async (tx) => {
    await requireStore(tx, access, locationId);
    return tx
      .select()
      .from(storeStaff)
      .where(and(eq(storeStaff.shopId, access.shopId), eq(storeStaff.locationId, locationId)));
  });
  const all = await allMembers(db, access);
  const members = new Map(all.map((m) => [m.accountId, m]));
  const items = rows
    .filter((r) => members.has(r.accountId))
    .map((r) => {
      const m = members.get(r.accountId)!;
      return {
        accountId: r.accountId,
        displayName: m.displayName,
        role: m.role,
        assignedAt: r.assignedAt.toISOString(),
      };
    });
  // Who could be added: the shop's staff other than the owner (who works at every store).
  const candidates = all
    .filter((m) => m.role !== 'owner')
    .map((m) => ({ accountId: m.accountId, displayName: m.displayName, role: m.role }));
  return { items, candidates };
}

/** Sets who works at a store (shop members only). */
export async function setStoreStaff(db: Db, access: ShopAccess, locationId: string, accountIds: string[]) {
  const members = new Set((await allMembers(db, access)).map((m) => m.accountId));
  await withShop(db, access.shopId, async (tx) => {
    await requireStore(tx, access, locationId);
    const unknown = accountIds.findIndex((id) => !members.has(id));
    if (unknown >= 0)
      throw badRequest('o2o.not_a_member', [
        { field: `body.accountIds.${unknown}`, code: 'not_a_member', message: 'o2o.not_a_member' },
      ]);
    await tx.delete(storeStaff).where(and(eq(storeStaff.shopId, access.shopId), eq(storeStaff.locationId, locationId)));
    if (accountIds.length)
      await tx.insert(storeStaff).values(
        [...new Set(accountIds)].map((accountId) => ({
          shopId: access.shopId,
          locationId,
          accountId,
          assignedBy: access.accountId,
        })),
      );
  });
  return storeStaffList(db, access, locationId);
}

// ------------------------------------------------------------------ stores for shoppers

const place = z.object({
  lat: z.coerce.number().min(-90).max(90).optional(),
  lng: z.coerce.number().min(-180).max(180).optional(),
  province: z.string().trim().max(20).optional(),
  city: z.string().trim().max(20).optional(),
});

export const pickupStoresQuery = place.extend({
  /** The cart lines: `skuId:quantity` separated by commas. */
  lines: z
    .string()
    .max(3000)
    .transform((s, ctx) => {
      const lines = s
        .split(',')
        .filter(Boolean)
        .map((part) => {
          const [skuId = '', qty = ''] = part.split(':');
          return { skuId: skuId.trim(), quantity: Number(qty) };
        });
      if (
        !lines.length ||
        lines.some((l) => !l.skuId || !Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > 999)
      ) {
        ctx.addIssue({ code: 'custom', message: 'skuId:quantity,…' });
        return z.NEVER;
      }
      return lines;
    }),
});

/**
 * The stores a shopper can collect from, nearest first, each with its stock of the cart lines
 * (whether it can hand over everything now) and its hours. Distance from the shopper's position
 * (browser) or address (coordinates, else the city's centre); unknown distances go last.
 */
export async function pickupStores(db: Db, shopId: string, q: z.infer<typeof pickupStoresQuery>) {
  const shop = (await shops.shopSummaries(db, [shopId])).get(shopId);
  if (!shop || shop.status !== 'active') throw notFound('shop');
  const from = centreOf({ lat: q.lat, lng: q.lng, province: q.province, city: q.city });
  return withShop(db, shopId, async (tx) => {
    const stores = await inventory.listLocations(tx, shopId, { capability: 'pickup', activeOnly: true });
    const skuIds = [...new Set(q.lines.map((l) => l.skuId))];
    const stock = await inventory.availabilityAt(
      tx,
      shopId,
      skuIds,
      stores.map((s) => s.id),
    );
    const need = new Map<string, number>();
    for (const l of q.lines) need.set(l.skuId, (need.get(l.skuId) ?? 0) + l.quantity);
    return stores
      .map((s) => {
        const lines = skuIds.map((skuId) => ({
          skuId,
          quantity: need.get(skuId)!,
          available: stock.find((a) => a.locationId === s.id && a.skuId === skuId)?.available ?? 0,
        }));
        const distanceKm =
          from && s.lat != null && s.lng != null
            ? Math.round(haversineKm(from, { lat: s.lat, lng: s.lng }) * 10) / 10
            : null;
        return {
          ...storeView(s),
          distanceKm,
          lines,
          enough: lines.every((l) => l.available >= l.quantity),
        };
      })
      .sort(
        (a, b) =>
          (a.distanceKm ?? Number.POSITIVE_INFINITY) - (b.distanceKm ?? Number.POSITIVE_INFINITY) ||
          a.name.localeCompare(b.name),
      );
  });
}

/** A product as a shopper standing in a store sees it: that store's stock per SKU, and the guide. */
export async function storeProduct(db: Db, shopId: string, locationId: string, productId: string, guideCode?: string) {
  const product = await catalog.productForShopper(db, shopId, productId);
  return withShop(db, shopId, async (tx) => {
    const store = await locationById(tx, shopId, locationId);
    if (!store || store.kind !== 'store' || !store.active) throw notFound('store');
    const stock = await inventory.availabilityAt(
      tx,
      shopId,
      product.skus.map((s) => s.id),
      [locationId],
    );
    const guide = guideCode ? await activeGuide(tx, shopId, guideCode) : undefined;
    return {
      store: storeView(store),
      productId,
      skus: product.skus.map((s) => ({ skuId: s.id, available: stock.find((a) => a.skuId === s.id)?.available ?? 0 })),
      guide: guide ? { code: guide.code, name: guide.name } : null,
    };
  });
}

// ------------------------------------------------------------------ shopping guides

type GuideRow = typeof shoppingGuides.$inferSelect;

const normaliseCode = (code: string) => code.trim().toUpperCase();

async function activeGuide(tx: Executor, shopId: string, code: string): Promise<GuideRow | undefined> {
  const [g] = await tx
    .select()
    .from(shoppingGuides)
    .where(
      and(
        eq(shoppingGuides.shopId, shopId),
        eq(shoppingGuides.code, normaliseCode(code)),
        eq(shoppingGuides.active, true),
      ),
    );
  return g;
}

export const guideInput = z.object({
  name: z.string().trim().min(1).max(30),
  locationId: z.string().min(1).max(64),
  accountId: z.string().min(1).max(64).nullable().default(null),
  /** Leave out to have one made (letters and digits, easy to read aloud). */
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{4,12}$/, 'format.guide_code')
    .optional(),
});
export const guidePatch = z.object({
  name: z.string().trim().min(1).max(30).optional(),
  locationId: z.string().min(1).max(64).optional(),
  accountId: z.string().min(1).max(64).nullable().optional(),
  active: z.boolean().optional(),
});

async function guideView(g: GuideRow, publicUrl: string, names: Map<string, string>) {
  const url = guideUrl(publicUrl, g.shopId, g.locationId, g.code);
  return {
    id: g.id,
    code: g.code,
    name: g.name,
    accountId: g.accountId,
    locationId: g.locationId,
    storeName: names.get(g.locationId) ?? null,
    active: g.active,
    createdAt: g.createdAt.toISOString(),
    /** The guide's personal code: the shop's home in the guide's store, orders credited to the guide. */
    url,
    qr: await qrDataUrl(url),
  };
}

const GUIDE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const newGuideCode = () => Array.from({ length: 6 }, () => GUIDE_ALPHABET[randomInt(GUIDE_ALPHABET.length)]).join('');

export async function listGuides(db: Db, access: ShopAccess, publicUrl: string, locationId?: string) {
  const { rows, stores } = await withShop(db, access.shopId, async (tx) => {
    const stores = await storesOf(tx, access);
    const ids = stores.map((s) => s.id).filter((id) => !locationId || id === locationId);
    const rows = ids.length
      ? await tx
          .select()
          .from(shoppingGuides)
          .where(and(eq(shoppingGuides.shopId, access.shopId), inArray(shoppingGuides.locationId, ids)))
          .orderBy(shoppingGuides.createdAt)
      : [];
    return { rows, stores };
  });
  const names = new Map(stores.map((s) => [s.id, s.name]));
  return Promise.all(rows.map((g) => guideView(g, publicUrl, names)));
}

export async function createGuide(db: Db, access: ShopAccess, publicUrl: string, input: z.infer<typeof guideInput>) {
  const members = input.accountId ? await allMembers(db, access) : [];
  const row = await withShop(db, access.shopId, async (tx) => {
    const store = await requireStore(tx, access, input.locationId);
    assertMember(members, input.accountId, 'body.accountId');
    for (let attempt = 0; attempt < 10; attempt++) {
      const code = input.code ? normaliseCode(input.code) : newGuideCode();
      const [g] = await tx
        .insert(shoppingGuides)
        .values({
          shopId: access.shopId,
          id: newId('gde'),
          code,
          name: input.name,
          accountId: input.accountId,
          locationId: store.id,
        })
        .onConflictDoNothing()
        .returning();
      if (g) return { g, store };
      if (input.code)
        throw badRequest(
          'o2o.guide_code_taken',
          [{ field: 'body.code', code: 'taken', message: 'o2o.guide_code_taken', params: { code } }],
          { code },
        );
    }
    throw new Error('no free guide code after 10 attempts');
  });
  return guideView(row.g, publicUrl, new Map([[row.store.id, row.store.name]]));
}

export async function updateGuide(
  db: Db,
  access: ShopAccess,
  publicUrl: string,
  guideId: string,
  input: z.infer<typeof guidePatch>,
) {
  const members = input.accountId ? await allMembers(db, access) : [];
  const { g, stores } = await withShop(db, access.shopId, async (tx) => {
    const [current] = await tx
      .select()
      .from(shoppingGuides)
      .where(and(eq(shoppingGuides.shopId, access.shopId), eq(shoppingGuides.id, guideId)))
      .for('update');
    if (!current) throw notFound('guide');
    await requireStore(tx, access, current.locationId);
    if (input.locationId) await requireStore(tx, access, input.locationId);
    assertMember(members, input.accountId, 'body.accountId');
    const [g] = await tx
      .update(shoppingGuides)
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.locationId !== undefined ? { locationId: input.locationId } : {}),
        ...(input.accountId !== undefined ? { accountId: input.accountId } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
      })
      .where(and(eq(shoppingGuides.shopId, access.shopId), eq(shoppingGuides.id, guideId)))
      .returning();
    return { g: g!, stores: await storeLocations(tx, access.shopId) };
  });
  return guideView(g, publicUrl, new Map(stores.map((s) => [s.id, s.name])));
}

function assertMember(members: { accountId: string }[], accountId: string | null | undefined, field: string) {
  if (accountId && !members.some((m) => m.accountId === accountId))
    throw badRequest('o2o.not_a_member', [{ field, code: 'not_a_member', message: 'o2o.not_a_member' }]);
}

// ------------------------------------------------------------------ shelf codes

export const shelfQuery = z.object({
  limit: z.coerce.number().int().min(1).max(60).default(24),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(50).optional(),
  guideCode: z.string().trim().max(12).optional(),
});

/** The shelf QR sheet of a store: one code per product on shelf (with a guide's code when asked). */
export async function shelfCodes(
  db: Db,
  access: ShopAccess,
  publicUrl: string,
  locationId: string,
  q: z.infer<typeof shelfQuery>,
) {
  const guide = await withShop(db, access.shopId, async (tx) => {
    await requireStore(tx, access, locationId);
    if (!q.guideCode) return undefined;
    const g = await activeGuide(tx, access.shopId, q.guideCode);
    if (!g)
      throw badRequest('o2o.guide_unknown', [
        { field: 'query.guideCode', code: 'unknown', message: 'o2o.guide_unknown' },
      ]);
    return g;
  });
  const page = await catalog.listProducts(db, access.shopId, {
    limit: q.limit,
    cursor: q.cursor,
    q: q.q,
    status: 'on_shelf',
  });
  const skuIds = page.items.flatMap((p) => p.skus.map((s) => s.id));
  const stock = await withShop(db, access.shopId, (tx) =>
    inventory.availabilityAt(tx, access.shopId, skuIds, [locationId]),
  );
  const items = await Promise.all(
    page.items.map(async (p) => {
      const url = shelfUrl(publicUrl, access.shopId, p.id, locationId, guide?.code);
      const mine = new Set(p.skus.map((s) => s.id));
      return {
        productId: p.id,
        title: p.title,
        imageUrl: p.images[0] ?? null,
        price: Math.min(...p.skus.map((s) => s.price)),
        storeAvailable: stock.filter((s) => mine.has(s.skuId)).reduce((n, s) => n + s.available, 0),
        url,
        qr: await qrDataUrl(url),
      };
    }),
  );
  return { items, nextCursor: page.nextCursor, guide: guide ? { code: guide.code, name: guide.name } : null };
}

// ------------------------------------------------------------------ attribution (called by checkout, in its transaction)

export const attributionInput = z.object({
  storeLocationId: z.string().min(1).max(64).optional(),
  guideCode: z.string().trim().min(1).max(12).optional(),
});
export type Attribution = z.infer<typeof attributionInput>;

/**
 * Credits an order to a store and a guide, in checkout's transaction (scoped to the shop).
 * The store must be an active store of the shop and the guide an active guide of the shop;
 * with a guide and no store, the guide's own store is credited. Refused (400) otherwise.
 */
export async function recordAttribution(
  tx: Tx,
  shopId: string,
  order: { orderId: string; total: number },
  attribution: Attribution,
  fieldPrefix = 'body.attribution',
): Promise<{ locationId: string; guideId: string | null } | null> {
  if (!attribution.storeLocationId && !attribution.guideCode) return null;
  let locationId = attribution.storeLocationId;
  if (locationId) {
    const store = await locationById(tx, shopId, locationId);
    if (!store || store.kind !== 'store' || !store.active)
      throw badRequest('o2o.store_unavailable', [
        { field: `${fieldPrefix}.storeLocationId`, code: 'unavailable', message: 'o2o.store_unavailable' },
      ]);
  }
  let guideId: string | null = null;
  if (attribution.guideCode) {
    const guide = await activeGuide(tx, shopId, attribution.guideCode);
    if (!guide)
      throw badRequest('o2o.guide_unknown', [
        { field: `${fieldPrefix}.guideCode`, code: 'unknown', message: 'o2o.guide_unknown' },
      ]);
    guideId = guide.id;
    locationId ??= guide.locationId;
  }
  await tx
    .insert(salesCredits)
    .values({ shopId, orderId: order.orderId, locationId: locationId!, guideId, amount: order.total })
    .onConflictDoNothing();
  return { locationId: locationId!, guideId };
}

export async function onOrderPaid(event: EventEnvelope, tx: Tx) {
  const { shopId, orderId } = event.payload as { shopId: string; orderId: string };
  await inShop(tx, shopId, (tx) =>
    tx
      .update(salesCredits)
      .set({ status: 'paid', paidAt: new Date(event.createdAt) })
      .where(
        and(eq(salesCredits.shopId, shopId), eq(salesCredits.orderId, orderId), eq(salesCredits.status, 'pending')),
      ),
  );
}

export async function onOrderCancelled(event: EventEnvelope, tx: Tx) {
  const { shopId, orderId } = event.payload as { shopId: string; orderId: string };
  await inShop(tx, shopId, (tx) =>
    tx
      .update(salesCredits)
      .set({ status: 'cancelled' })
      .where(
        and(eq(salesCredits.shopId, shopId), eq(salesCredits.orderId, orderId), eq(salesCredits.status, 'pending')),
      ),
  );
}

/** A refund comes off the credited sales (never below nothing). */
export async function onRefundSucceeded(event: EventEnvelope, tx: Tx) {
  const { shopId, orderId, amount } = event.payload as { shopId: string; orderId: string; amount: number };
  await inShop(tx, shopId, (tx) =>
    tx
      .update(salesCredits)
      .set({ refunded: sql`least(${salesCredits.amount}, ${salesCredits.refunded} + ${amount})` })
      .where(and(eq(salesCredits.shopId, shopId), eq(salesCredits.orderId, orderId), eq(salesCredits.status, 'paid'))),
  );
}

// ------------------------------------------------------------------ pickup codes

type PickupRow = typeof pickupCodes.$inferSelect;

const randomCode = () => String(randomInt(0, 10 ** PICKUP_CODE_DIGITS)).padStart(PICKUP_CODE_DIGITS, '0');

/**
 * fulfillment.shipment_ready for a parcel collected at a store (pickup, or bought in the store):
 * a pickup code is issued once per shipment (unique among the shop's open pickups) and its
 * timeout scheduled. A re-routed shipment keeps its code and moves to the new store.
 */
export async function onShipmentReady(event: EventEnvelope, tx: Tx) {
  const p = event.payload as { shopId: string; orderId: string; shipmentId: string; locationId: string; kind: string };
  if (p.kind !== 'pickup' && p.kind !== 'in_store') return;
  await inShop(tx, p.shopId, async (tx) => {
    const [existing] = await tx
      .select()
      .from(pickupCodes)
      .where(and(eq(pickupCodes.shopId, p.shopId), eq(pickupCodes.shipmentId, p.shipmentId)));
    if (existing) {
      if (existing.status === 'open' && existing.locationId !== p.locationId)
        await tx
          .update(pickupCodes)
          .set({ locationId: p.locationId })
          .where(and(eq(pickupCodes.shopId, p.shopId), eq(pickupCodes.shipmentId, p.shipmentId)));
      return;
    }
    // Events may be handled out of order: only a parcel still waiting at the counter gets a code.
    const shipment = await fulfillment.getShipment(tx, p.shopId, p.shipmentId);
    if (shipment.status !== 'ready') return;
    const { order, lines } = await orders.lockForAftersales(tx, p.shopId, p.orderId);
    const settings = await getSettings(tx, p.shopId);
    const expiresAt = new Date(Date.now() + settings.pickupTimeoutHours * 3_600_000);
    for (let attempt = 0; ; attempt++) {
      const [row] = await tx
        .insert(pickupCodes)
        .values({
          shopId: p.shopId,
          shipmentId: p.shipmentId,
          orderId: p.orderId,
          locationId: p.locationId,
          buyerAccountId: order.buyerAccountId,
          kind: p.kind as 'pickup' | 'in_store',
          code: randomCode(),
          expiresAt,
          orderNo: order.orderNo,
          contactName: order.address.name,
          contactPhone: order.address.phone,
          total: order.total,
          lines: lines
            .sort((a, b) => a.lineNo - b.lineNo)
            .map((l) => ({ title: l.title, specText: l.specText, quantity: l.quantity, imageUrl: l.imageUrl })),
        })
        .onConflictDoNothing()
        .returning();
      if (row) break;
      if (attempt > 20) throw new Error('no free pickup code'); // 10^8 codes: only a full shop gets here
    }
    await enqueue(
      tx,
      'o2o.pickup-expire',
      { shopId: p.shopId, shipmentId: p.shipmentId },
      { runAt: expiresAt, uniqueKey: `pickup-expire:${p.shopId}:${p.shipmentId}` },
    );
    await emit(
      tx,
      'o2o.pickup_issued',
      { shopId: p.shopId, orderId: p.orderId, shipmentId: p.shipmentId, locationId: p.locationId },
      p.shopId,
    );
  });
}

/** The shipment was cancelled (the order refunded, re-routed away): its code is freed. */
export async function onShipmentCancelled(event: EventEnvelope, tx: Tx) {
  const p = event.payload as { shopId: string; shipmentId: string };
  await inShop(tx, p.shopId, (tx) =>
    tx
      .update(pickupCodes)
      .set({ status: 'cancelled', closedAt: sql`now()` })
      .where(
        and(eq(pickupCodes.shopId, p.shopId), eq(pickupCodes.shipmentId, p.shipmentId), eq(pickupCodes.status, 'open')),
      ),
  );
}

/** Picked up by another path (a POS through the gateway): the code is closed as collected. */
export async function onShipmentPickedUp(event: EventEnvelope, tx: Tx) {
  const p = event.payload as { shopId: string; shipmentId: string };
  await inShop(tx, p.shopId, (tx) =>
    tx
      .update(pickupCodes)
      .set({ status: 'picked_up', pickedUpAt: sql`now()`, closedAt: sql`now()` })
      .where(
        and(eq(pickupCodes.shopId, p.shopId), eq(pickupCodes.shipmentId, p.shipmentId), eq(pickupCodes.status, 'open')),
      ),
  );
}

function pickupView(r: PickupRow) {
  return {
    shipmentId: r.shipmentId,
    orderId: r.orderId,
    orderNo: r.orderNo,
    locationId: r.locationId,
    kind: r.kind,
    status: r.status,
    // No code here: staff must get it from the shopper, or verifying it would prove nothing.
    issuedAt: r.issuedAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    pickedUpAt: r.pickedUpAt?.toISOString() ?? null,
    verifiedBy: r.verifiedBy,
    contactName: r.contactName,
    contactPhone: maskPhone(r.contactPhone),
    total: r.total,
    lines: r.lines,
  };
}

const maskPhone = (phone: string) => (phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone);

export const pickupListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  status: z.enum(['open', 'picked_up', 'expired', 'cancelled']).optional(),
});

/** A store's pickups, newest first: waiting ones by default filter, or collected, or lapsed. */
export async function listPickups(db: Db, access: ShopAccess, locationId: string, q: z.infer<typeof pickupListQuery>) {
  const after = decodeCursor(q.cursor);
  return withShop(db, access.shopId, async (tx) => {
    await requireStore(tx, access, locationId);
    const rows = await tx
      .select()
      .from(pickupCodes)
      .where(
        and(
          eq(pickupCodes.shopId, access.shopId),
          eq(pickupCodes.locationId, locationId),
          q.status ? eq(pickupCodes.status, q.status) : undefined,
          after
            ? sql`(${pickupCodes.issuedAt}, ${pickupCodes.shipmentId}) < (${String(after[0])}::timestamptz, ${String(after[1])})`
            : undefined,
        ),
      )
      .orderBy(desc(pickupCodes.issuedAt), desc(pickupCodes.shipmentId))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.issuedAt.toISOString(), r.shipmentId]);
    return { items: page.items.map(pickupView), nextCursor: page.nextCursor };
  });
}

const fmtTime = (d: Date) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);

/**
 * Store staff verify a pickup code (typed, or the text of the scanned QR) and hand the order
 * over: the shipment is confirmed picked up. The pickup row is locked, so two staff verifying
 * the same code at once hand it over once: the second is told when it was collected.
 */
export async function verifyPickup(db: Db, access: ShopAccess, locationId: string, input: string) {
  const shopId = access.shopId;
  return withShop(db, shopId, async (tx) => {
    const store = await requireStore(tx, access, locationId);
    const parsed = parseVerifyInput(input);
    if (!parsed)
      throw badRequest('o2o.pickup_code_format', [
        { field: 'body.code', code: 'format', message: 'o2o.pickup_code_format' },
      ]);
    if (parsed.shopId && parsed.shopId !== shopId)
      throw badRequest('o2o.pickup_other_shop', [
        { field: 'body.code', code: 'other_shop', message: 'o2o.pickup_other_shop' },
      ]);
    const [open] = await tx
      .select()
      .from(pickupCodes)
      .where(and(eq(pickupCodes.shopId, shopId), eq(pickupCodes.code, parsed.code), eq(pickupCodes.status, 'open')))
      .for('update');
    if (!open) {
      // Collected already? Say when, so nobody hands it over twice.
      const [done] = await tx
        .select()
        .from(pickupCodes)
        .where(
          and(
            eq(pickupCodes.shopId, shopId),
            eq(pickupCodes.code, parsed.code),
            eq(pickupCodes.locationId, store.id),
            eq(pickupCodes.status, 'picked_up'),
          ),
        )
        .orderBy(desc(pickupCodes.pickedUpAt))
        .limit(1);
      if (done?.pickedUpAt && Date.now() - done.pickedUpAt.getTime() < 30 * 86_400_000)
        throw new AppError(409, 'o2o.pickup_already_collected', { at: fmtTime(done.pickedUpAt) }, [
          {
            field: 'body.code',
            code: 'collected',
            message: 'o2o.pickup_already_collected',
            params: { at: fmtTime(done.pickedUpAt) },
          },
        ]);
      throw new AppError(404, 'o2o.pickup_code_unknown', {}, [
        { field: 'body.code', code: 'unknown', message: 'o2o.pickup_code_unknown' },
      ]);
    }
    if (open.locationId !== store.id) {
      const other = await locationById(tx, shopId, open.locationId);
      throw new AppError(409, 'o2o.pickup_other_store', { store: other?.name ?? open.locationId }, [
        { field: 'body.code', code: 'other_store', message: 'o2o.pickup_other_store', params: { store: other?.name } },
      ]);
    }
    await fulfillment.confirmPickedUp(tx, shopId, open.shipmentId, {
      type: 'pickup_code',
      id: `${open.shipmentId}:${access.accountId}`,
    });
    const [row] = await tx
      .update(pickupCodes)
      .set({ status: 'picked_up', pickedUpAt: sql`now()`, closedAt: sql`now()`, verifiedBy: access.accountId })
      .where(and(eq(pickupCodes.shopId, shopId), eq(pickupCodes.shipmentId, open.shipmentId)))
      .returning();
    await emit(
      tx,
      'o2o.pickup_verified',
      { shopId, orderId: open.orderId, shipmentId: open.shipmentId, locationId: store.id, actorId: access.accountId },
      shopId,
    );
    return pickupView(row!);
  });
}

/**
 * Job: a pickup not collected in time. The code lapses, the shipment is cancelled (its stock
 * goes back on sale at once) and what was paid for the order and not yet refunded is refunded;
 * the order closes when the refund succeeds. Safe to run again; loses every race with a
 * verification that got the row first.
 */
export async function expirePickup(db: Db, shopId: string, shipmentId: string) {
  await db.transaction(async (tx) => {
    const refund = await inShop(tx, shopId, async (tx) => {
      const [p] = await tx
        .select()
        .from(pickupCodes)
        .where(and(eq(pickupCodes.shopId, shopId), eq(pickupCodes.shipmentId, shipmentId)))
        .for('update');
      if (!p || p.status !== 'open') return null;
      if (p.expiresAt.getTime() > Date.now()) {
        // Ran early (a clock step, a re-queued job): come back when it is due.
        await enqueue(tx, 'o2o.pickup-expire', { shopId, shipmentId }, { runAt: p.expiresAt });
        return null;
      }
      await tx
        .update(pickupCodes)
        .set({ status: 'expired', closedAt: sql`now()` })
        .where(and(eq(pickupCodes.shopId, shopId), eq(pickupCodes.shipmentId, shipmentId)));
      await fulfillment.cancelOrderShipments(tx, shopId, p.orderId, 'pickup_expired');
      const { order } = await orders.lockForAftersales(tx, shopId, p.orderId);
      await emit(tx, 'o2o.pickup_expired', { shopId, orderId: p.orderId, shipmentId }, shopId);
      const owed = order.paidAmount - order.refundedAmount;
      return owed > 0 ? { orderId: order.id, amount: owed } : null;
    });
    if (refund)
      await payments.requestRefund(tx, {
        shopId,
        orderId: refund.orderId,
        amount: refund.amount,
        reason: 'pickup_expired',
      });
  });
}

/** The shopper's pickup for an order: code, QR, store, hours, deadline. */
export async function pickupForBuyer(
  db: Db,
  buyerAccountId: string,
  shopId: string,
  orderId: string,
  publicUrl: string,
) {
  const found = await withShop(db, shopId, async (tx) => {
    const rows = await tx
      .select()
      .from(pickupCodes)
      .where(and(eq(pickupCodes.shopId, shopId), eq(pickupCodes.orderId, orderId)))
      .orderBy(desc(pickupCodes.issuedAt));
    const mine = rows.filter((r) => r.buyerAccountId === buyerAccountId);
    const stores = await inventory.listLocations(tx, shopId);
    return mine.map((r) => ({ r, store: stores.find((s) => s.id === r.locationId) }));
  });
  if (found.length === 0) throw notFound('pickup');
  return Promise.all(
    found.map(async ({ r, store }) => ({
      shipmentId: r.shipmentId,
      kind: r.kind,
      status: r.status,
      code: r.code,
      qr: r.status === 'open' ? await qrDataUrl(pickupVerifyUrl(publicUrl, shopId, r.code)) : null,
      issuedAt: r.issuedAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      pickedUpAt: r.pickedUpAt?.toISOString() ?? null,
      store: store ? storeView(store) : null,
    })),
  );
}

// ------------------------------------------------------------------ grab pool and ship from store

/** Shipments pooled for a store now (distance from the buyer, when the offer ends), and recent wins. */
export async function poolFor(db: Db, access: ShopAccess, locationId: string) {
  const { offers, claims, skus, names } = await withShop(db, access.shopId, async (tx) => {
    await requireStore(tx, access, locationId);
    const offers = await fulfillment.pooledFor(tx, access.shopId, locationId);
    const claims = await tx
      .select()
      .from(poolClaims)
      .where(eq(poolClaims.shopId, access.shopId))
      .orderBy(desc(poolClaims.claimedAt))
      .limit(20);
    const stores = await storeLocations(tx, access.shopId);
    const skus = await catalog.skusForPurchase(tx, access.shopId, [
      ...new Set(offers.flatMap((o) => o.shipment.lines.map((l) => l.skuId))),
    ]);
    return { offers, claims, skus, names: new Map(stores.map((s) => [s.id, s.name])) };
  });
  const people = new Map((await allMembers(db, access)).map((m) => [m.accountId, m.displayName]));
  return {
    offers: offers.map((o) => ({
      shipmentId: o.shipment.id,
      orderId: o.shipment.orderId,
      fromLocationName: o.shipment.locationName,
      lines: o.shipment.lines.map((l) => ({
        skuId: l.skuId,
        quantity: l.quantity,
        title: skus.get(l.skuId)?.title ?? '',
        specText: skus.get(l.skuId)?.specText ?? '',
      })),
      pooledUntil: o.shipment.pooledUntil,
      distanceKm: o.distanceKm,
      radiusKm: o.radiusKm,
      canFill: o.canFill,
    })),
    recentClaims: claims.map((c) => ({
      shipmentId: c.shipmentId,
      orderId: c.orderId,
      locationId: c.locationId,
      storeName: names.get(c.locationId) ?? null,
      claimedBy: people.get(c.accountId) ?? null,
      claimedAt: c.claimedAt.toISOString(),
      mine: c.locationId === locationId,
    })),
  };
}

/**
 * A store accepts a pooled shipment. The first accept wins: fulfillment's conditional update
 * lets one store through and answers the others 409 `fulfillment.already_claimed`. The win is
 * recorded with who pressed accept.
 */
export async function acceptPooled(db: Db, access: ShopAccess, locationId: string, shipmentId: string) {
  return withShop(db, access.shopId, async (tx) => {
    const store = await requireStore(tx, access, locationId);
    const shipment = await fulfillment.claimPooled(tx, access.shopId, shipmentId, store.id, access.accountId);
    await tx
      .insert(poolClaims)
      .values({ shopId: access.shopId, shipmentId, orderId: shipment.orderId, locationId, accountId: access.accountId })
      .onConflictDoNothing();
    return {
      shipmentId,
      orderId: shipment.orderId,
      locationId: store.id,
      storeName: store.name,
      status: shipment.status,
    };
  });
}

/** fulfillment.shipment_ready: a parcel to ship from a store joins that store's list. */
export async function onParcelReady(event: EventEnvelope, tx: Tx) {
  const p = event.payload as { shopId: string; orderId: string; shipmentId: string; locationId: string; kind: string };
  if (p.kind !== 'ship') return;
  await inShop(tx, p.shopId, async (tx) => {
    const at = await locationById(tx, p.shopId, p.locationId);
    if (at?.kind !== 'store') return;
    await tx
      .insert(storeParcels)
      .values({ shopId: p.shopId, shipmentId: p.shipmentId, orderId: p.orderId, locationId: p.locationId })
      .onConflictDoUpdate({
        target: [storeParcels.shopId, storeParcels.shipmentId],
        set: { locationId: p.locationId, readyAt: sql`now()` },
      });
  });
}

/** Shipped, cancelled or moved away: the parcel leaves the store's list (it returns if ready there again). */
export async function onParcelGone(event: EventEnvelope, tx: Tx) {
  const p = event.payload as { shopId: string; shipmentId: string; fromLocationId?: string };
  await inShop(tx, p.shopId, (tx) =>
    tx.delete(storeParcels).where(
      and(
        eq(storeParcels.shopId, p.shopId),
        eq(storeParcels.shipmentId, p.shipmentId),
        // A re-route's ready event may be handled first: only the old store's entry goes.
        p.fromLocationId ? eq(storeParcels.locationId, p.fromLocationId) : undefined,
      ),
    ),
  );
}

/** Parcels ready to ship from this store, oldest first, with where they go. */
export async function storeShipments(db: Db, access: ShopAccess, locationId: string) {
  const parcels = await withShop(db, access.shopId, async (tx) => {
    await requireStore(tx, access, locationId);
    const rows = await tx
      .select()
      .from(storeParcels)
      .where(and(eq(storeParcels.shopId, access.shopId), eq(storeParcels.locationId, locationId)))
      .orderBy(storeParcels.readyAt)
      .limit(200);
    const out = [];
    for (const r of rows) {
      const s = await fulfillment.getShipment(tx, access.shopId, r.shipmentId);
      if (s.status === 'ready' && s.locationId === locationId) out.push(s);
    }
    return out;
  });
  const result = [];
  for (const s of parcels) {
    const o = await orders.getForShop(db, access.shopId, s.orderId);
    result.push({
      shipmentId: s.id,
      orderId: s.orderId,
      orderNo: o.orderNo,
      readyAt: s.readyAt,
      address: o.address,
      lines: s.lines.map((l) => {
        const line = o.lines.find((x) => x.skuId === l.skuId);
        return { skuId: l.skuId, quantity: l.quantity, title: line?.title ?? '', specText: line?.specText ?? '' };
      }),
    });
  }
  return result;
}

export const shipInput = z.object({
  carrier: z.string().trim().min(2).max(30),
  trackingNo: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{6,32}$/, 'format.tracking_no'),
});

/** The store hands a parcel to a carrier. Safe to repeat (fulfillment answers a shipped parcel as it is). */
export async function shipFromStore(
  db: Db,
  access: ShopAccess,
  locationId: string,
  shipmentId: string,
  input: z.infer<typeof shipInput>,
) {
  return withShop(db, access.shopId, async (tx) => {
    await requireStore(tx, access, locationId);
    const s = await fulfillment.getShipment(tx, access.shopId, shipmentId).catch(() => null);
    if (!s || s.locationId !== locationId || s.kind !== 'ship') throw new AppError(409, 'o2o.not_store_shipment');
    const shipped = await fulfillment.confirmShipped(tx, access.shopId, shipmentId, input, {
      type: 'store_ship',
      id: `${shipmentId}:${access.accountId}`,
    });
    return { shipmentId, status: shipped.status, carrier: shipped.carrier, trackingNo: shipped.trackingNo };
  });
}

// ------------------------------------------------------------------ store performance

export const performanceQuery = z.object({
  /** Defaults: the last 30 days up to now. */
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});

/** Sales credited to a store and its guides (paid, less refunds) and pickups handed over, in [from, to). */
export async function performance(db: Db, access: ShopAccess, locationId: string, q: z.infer<typeof performanceQuery>) {
  return withShop(db, access.shopId, async (tx) => {
    await requireStore(tx, access, locationId);
    const to = q.to ?? new Date().toISOString();
    const from = q.from ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
    const inRange = (col: unknown) => sql`${col} >= ${from}::timestamptz and ${col} < ${to}::timestamptz`;
    const byGuide = await tx
      .select({
        guideId: salesCredits.guideId,
        orders: sql<number>`count(*)::int`,
        sales: sql<number>`coalesce(sum(${salesCredits.amount} - ${salesCredits.refunded}), 0)::bigint`.mapWith(Number),
      })
      .from(salesCredits)
      .where(
        and(
          eq(salesCredits.shopId, access.shopId),
          eq(salesCredits.locationId, locationId),
          eq(salesCredits.status, 'paid'),
          inRange(salesCredits.paidAt),
        ),
      )
      .groupBy(salesCredits.guideId);
    const guides = await tx
      .select()
      .from(shoppingGuides)
      .where(and(eq(shoppingGuides.shopId, access.shopId), eq(shoppingGuides.locationId, locationId)));
    const [handed] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(pickupCodes)
      .where(
        and(
          eq(pickupCodes.shopId, access.shopId),
          eq(pickupCodes.locationId, locationId),
          eq(pickupCodes.status, 'picked_up'),
          inRange(pickupCodes.pickedUpAt),
        ),
      );
    const credited = byGuide.reduce((n, g) => n + g.sales, 0);
    const guideIds = new Set([...guides.map((g) => g.id), ...byGuide.map((g) => g.guideId).filter(Boolean)]);
    return {
      orders: byGuide.reduce((n, g) => n + g.orders, 0),
      sales: credited,
      pickupsHandedOver: handed?.n ?? 0,
      guides: [...guideIds]
        .map((id) => {
          const g = guides.find((x) => x.id === id);
          const row = byGuide.find((x) => x.guideId === id);
          return {
            guideId: id!,
            code: g?.code ?? '',
            name: g?.name ?? '',
            orders: row?.orders ?? 0,
            sales: row?.sales ?? 0,
          };
        })
        .sort((a, b) => b.sales - a.sales || a.name.localeCompare(b.name)),
    };
  });
}
