import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../kernel/db/pool.js';
import { inShop, withShop } from '../../kernel/db/tenant.js';
import { AppError, badRequest, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { newId } from '../../kernel/ids.js';
import { sum } from '../../kernel/money.js';
import { catalog } from '../catalog/index.js';
import { inventory } from '../inventory/index.js';
import { o2o } from '../o2o/index.js';
import { orders, type ShippingAddress } from '../orders/index.js';
import { payments } from '../payments/index.js';
import { shops } from '../shops/index.js';
import { cartItems, shopperAddresses } from './schema.js';

defineMessages({
  'checkout.price_changed': {
    'zh-CN': '价格已变化，请确认新的应付金额 ¥{total}',
    'en-US': 'Prices have changed; please confirm the new total ¥{total}',
  },
  'checkout.address_required': {
    'zh-CN': '请选择收货地址',
    'en-US': 'Choose a delivery address',
  },
  'checkout.contact_required': {
    'zh-CN': '请填写提货人姓名和电话',
    'en-US': 'Enter the name and phone number of whoever collects the order',
  },
  'checkout.too_many_addresses': { 'zh-CN': '最多保存 20 个收货地址', 'en-US': 'At most 20 addresses can be saved' },
  'checkout.shop_closed': { 'zh-CN': '店铺未营业', 'en-US': 'The shop is not open' },
});

// ------------------------------------------------------------------ addresses

export const addressInput = z.object({
  name: z.string().trim().min(1).max(20),
  phone: z
    .string()
    .trim()
    .regex(/^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$/, 'format.phone'),
  province: z.string().trim().min(1).max(20),
  city: z.string().trim().min(1).max(20),
  district: z.string().trim().min(1).max(20),
  detail: z.string().trim().min(2).max(120),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  isDefault: z.boolean().default(false),
});
type AddressRow = typeof shopperAddresses.$inferSelect;
const addressView = (a: AddressRow) => ({
  id: a.id,
  name: a.name,
  phone: a.phone,
  province: a.province,
  city: a.city,
  district: a.district,
  detail: a.detail,
  lat: a.lat,
  lng: a.lng,
  isDefault: a.isDefault,
});

export async function listAddresses(db: Db, accountId: string) {
  const rows = await db
    .select()
    .from(shopperAddresses)
    .where(eq(shopperAddresses.accountId, accountId))
    .orderBy(desc(shopperAddresses.isDefault), desc(shopperAddresses.createdAt));
  return rows.map(addressView);
}

export async function saveAddress(db: Db, accountId: string, input: z.infer<typeof addressInput>, id?: string) {
  return db.transaction(async (tx) => {
    const existing = await tx
      .select({ id: shopperAddresses.id })
      .from(shopperAddresses)
      .where(eq(shopperAddresses.accountId, accountId));
    if (!id && existing.length >= 20) throw new AppError(409, 'checkout.too_many_addresses');
    if (id && !existing.some((a) => a.id === id)) throw notFound('address');
    const isDefault = input.isDefault || existing.length === 0 || (existing.length === 1 && !!id);
    if (isDefault)
      await tx.update(shopperAddresses).set({ isDefault: false }).where(eq(shopperAddresses.accountId, accountId));
    const values = { ...input, lat: input.lat ?? null, lng: input.lng ?? null, isDefault };
    const [row] = id
      ? await tx
          .update(shopperAddresses)
          .set(values)
          .where(and(eq(shopperAddresses.accountId, accountId), eq(shopperAddresses.id, id)))
          .returning()
      : await tx
          .insert(shopperAddresses)
          .values({ accountId, id: newId('adr'), ...values })
          .returning();
    return addressView(row!);
  });
}

export async function deleteAddress(db: Db, accountId: string, id: string) {
  const rows = await db
    .delete(shopperAddresses)
    .where(and(eq(shopperAddresses.accountId, accountId), eq(shopperAddresses.id, id)))
    .returning();
  if (rows.length === 0) throw notFound('address');
}

// ------------------------------------------------------------------ cart

export async function setCartQuantity(
  db: Db,
  accountId: string,
  input: { shopId: string; skuId: string; quantity: number; add?: boolean },
) {
  const skus = await withShop(db, input.shopId, (tx) => catalog.skusForPurchase(tx, input.shopId, [input.skuId]));
  if (!skus.get(input.skuId)?.purchasable) {
    throw badRequest('orders.not_purchasable', [
      { field: 'body.skuId', code: 'not_purchasable', message: 'orders.not_purchasable' },
    ]);
  }
  if (input.quantity === 0 && !input.add) {
    await db
      .delete(cartItems)
      .where(
        and(eq(cartItems.shopId, input.shopId), eq(cartItems.accountId, accountId), eq(cartItems.skuId, input.skuId)),
      );
    return;
  }
  await db
    .insert(cartItems)
    .values({ shopId: input.shopId, accountId, skuId: input.skuId, quantity: input.quantity })
    .onConflictDoUpdate({
      target: [cartItems.shopId, cartItems.accountId, cartItems.skuId],
      set: { quantity: input.add ? sql`least(${cartItems.quantity} + ${input.quantity}, 999)` : input.quantity },
    });
}

export async function removeFromCart(db: Db, accountId: string, lines: { shopId: string; skuId: string }[]) {
  for (const l of lines) {
    await db
      .delete(cartItems)
      .where(and(eq(cartItems.shopId, l.shopId), eq(cartItems.accountId, accountId), eq(cartItems.skuId, l.skuId)));
  }
}

/** The cart grouped by shop, each line with today's price, stock and whether it can be bought. */
export async function cart(db: Db, accountId: string) {
  const items = await db
    .select()
    .from(cartItems)
    .where(eq(cartItems.accountId, accountId))
    .orderBy(desc(cartItems.addedAt));
  const shopIds = [...new Set(items.map((i) => i.shopId))];
  const shopRows = [...(await shops.shopSummaries(db, shopIds)).values()];
  const groups = [];
  for (const shop of shopRows) {
    const mine = items.filter((i) => i.shopId === shop.id);
    const { skus, stock } = await withShop(db, shop.id, async (tx) => ({
      skus: await catalog.skusForPurchase(
        tx,
        shop.id,
        mine.map((i) => i.skuId),
      ),
      stock: await inventory.available(
        tx,
        shop.id,
        mine.map((i) => i.skuId),
      ),
    }));
    groups.push({
      shopId: shop.id,
      shopName: shop.name,
      lines: mine.map((i) => {
        const sku = skus.get(i.skuId);
        return {
          skuId: i.skuId,
          productId: sku?.productId ?? null,
          title: sku?.title ?? '',
          specText: sku?.specText ?? '',
          imageUrl: sku?.imageUrl ?? null,
          unitPrice: sku?.price ?? 0,
          quantity: i.quantity,
          available: stock.get(i.skuId) ?? 0,
          purchasable: !!sku?.purchasable && shop.status === 'active',
        };
      }),
    });
  }
  return { groups };
}

// ------------------------------------------------------------------ checkout

export const checkoutInput = z.object({
  lines: z
    .array(
      z.object({
        shopId: z.string().min(1).max(64),
        skuId: z.string().min(1).max(64),
        quantity: z.number().int().min(1).max(999),
      }),
    )
    .min(1)
    .max(50),
  /** Where to send what ships; not needed when every shop's goods are collected or bought in a store. */
  addressId: z.string().min(1).max(64).optional(),
  /** Who collects, when there is no address (nothing ships): a name and a phone the store can call. */
  contact: addressInput.pick({ name: true, phone: true }).optional(),
  notes: z.record(z.string(), z.string().trim().max(200)).default({}),
  /**
   * Per shop: posted (`ship`, routed by the shop's rules; the default), collected at a store
   * (`pickup`) or bought in a store (`in_store`), with the store's location id.
   */
  delivery: z
    .record(
      z.string().max(64),
      z
        .object({
          mode: z.enum(['ship', 'pickup', 'in_store']),
          locationId: z.string().min(1).max(64).optional(),
        })
        .refine((d) => d.mode === 'ship' || d.locationId !== undefined, {
          message: 'fulfillment.location_required',
          path: ['locationId'],
        }),
    )
    .default({}),
  /**
   * Per shop: the store (and shopping guide) the order is credited to, when the shopper came
   * from a store's shelf code or a guide's code. Validated by the o2o module.
   */
  attribution: z.record(z.string().max(64), o2o.attributionInput).default({}),
  /** What the shopper saw; a different total (prices changed, or tampering) is refused. */
  expectedTotal: z.number().int().min(0).optional(),
  fromCart: z.boolean().default(false),
});
export type CheckoutInput = z.infer<typeof checkoutInput>;

function groupByShop(lines: CheckoutInput['lines']) {
  const byShop = new Map<string, { skuId: string; quantity: number }[]>();
  for (const l of lines) {
    const list = byShop.get(l.shopId) ?? [];
    const same = list.find((x) => x.skuId === l.skuId);
    if (same) same.quantity += l.quantity;
    else list.push({ skuId: l.skuId, quantity: l.quantity });
    byShop.set(l.shopId, list);
  }
  return byShop;
}

async function addressFor(db: Db, accountId: string, addressId: string): Promise<ShippingAddress> {
  const [a] = await db
    .select()
    .from(shopperAddresses)
    .where(and(eq(shopperAddresses.accountId, accountId), eq(shopperAddresses.id, addressId)));
  if (!a)
    throw badRequest('validation_failed', [{ field: 'body.addressId', code: 'unknown', message: 'not_found' }], {
      what: 'address',
    });
  return {
    name: a.name,
    phone: a.phone,
    province: a.province,
    city: a.city,
    district: a.district,
    detail: a.detail,
    ...(a.lat != null && a.lng != null ? { lat: a.lat, lng: a.lng } : {}),
  };
}

/**
 * Who receives the orders: the chosen address; or, when nothing ships (every shop's goods are
 * picked up or bought in a store), the contact who collects, kept as the order's address with no
 * place in it (the order's store says where).
 */
async function recipientFor(
  db: Db,
  accountId: string,
  input: CheckoutInput,
  shopIds: string[],
): Promise<ShippingAddress> {
  if (input.addressId) return addressFor(db, accountId, input.addressId);
  const ships = shopIds.some((id) => (input.delivery[id]?.mode ?? 'ship') === 'ship');
  if (ships || !input.contact)
    throw badRequest('validation_failed', [
      ships
        ? { field: 'body.addressId', code: 'required', message: 'checkout.address_required' }
        : { field: 'body.contact', code: 'required', message: 'checkout.contact_required' },
    ]);
  return { ...input.contact, province: '', city: '', district: '', detail: '' };
}

async function openShops(db: Db, shopIds: string[]) {
  const rows = [...(await shops.shopSummaries(db, shopIds)).values()];
  const open = new Map(rows.filter((r) => r.status === 'active').map((r) => [r.id, r.name]));
  const closed = shopIds.filter((id) => !open.has(id));
  if (closed.length)
    throw badRequest('checkout.shop_closed', [
      { field: 'body.lines', code: 'shop_closed', message: 'checkout.shop_closed' },
    ]);
  return open;
}

/** What the checkout page shows before placing: per shop, items, shipping and totals. */
export async function preview(db: Db, lines: CheckoutInput['lines'], delivery: CheckoutInput['delivery'] = {}) {
  const byShop = groupByShop(lines);
  const names = await openShops(db, [...byShop.keys()]);
  const groups = [];
  for (const [shopId, shopLines] of byShop) {
    const mode = delivery[shopId]?.mode ?? 'ship';
    const p = await withShop(db, shopId, (tx) => orders.price(tx, shopId, shopLines, 'body.lines', mode));
    groups.push({
      shopId,
      shopName: names.get(shopId)!,
      itemsTotal: p.itemsTotal,
      shippingFee: p.shippingFee,
      total: p.total,
    });
  }
  return { groups, total: sum(groups.map((g) => g.total)) };
}

/**
 * Places a checkout: one order per shop, stock reserved for each, one payment for them all,
 * in one transaction: if anything is refused (stock, price, address), nothing is written.
 */
export async function placeOrders(db: Db, accountId: string, given: z.input<typeof checkoutInput>, returnUrl: string) {
  // Callers in code (the seed) may leave out what the route fills with defaults.
  const input = checkoutInput.parse(given);
  const byShop = groupByShop(input.lines);
  const address = await recipientFor(db, accountId, input, [...byShop.keys()]);
  const names = await openShops(db, [...byShop.keys()]);
  const placed = await db.transaction(async (tx) => {
    const created = [];
    for (const [shopId, lines] of byShop) {
      created.push(
        await orders.createOrder(tx, {
          shopId,
          buyerAccountId: accountId,
          lines,
          address,
          note: input.notes[shopId],
          delivery: input.delivery?.[shopId],
        }),
      );
      const order = created[created.length - 1]!;
      const credit = input.attribution[shopId];
      if (credit)
        await inShop(tx, shopId, (tx) =>
          o2o.recordAttribution(
            tx,
            shopId,
            { orderId: order.id, total: order.total },
            credit,
            `body.attribution.${shopId}`,
          ),
        );
    }
    const total = sum(created.map((o) => o.total));
    if (input.expectedTotal !== undefined && input.expectedTotal !== total) {
      throw badRequest(
        'checkout.price_changed',
        [{ field: 'body.expectedTotal', code: 'price_changed', message: 'checkout.price_changed' }],
        {
          total: (total / 100).toFixed(2),
        },
      );
    }
    const payment = await payments.createPayment(tx, {
      accountId,
      allocations: created.map((o) => ({ shopId: o.shopId, orderId: o.id, amount: o.total })),
    });
    for (const o of created) await orders.attachPayment(tx, o.shopId, o.id, payment.paymentId);
    if (input.fromCart) {
      for (const l of input.lines) {
        await tx
          .delete(cartItems)
          .where(and(eq(cartItems.shopId, l.shopId), eq(cartItems.accountId, accountId), eq(cartItems.skuId, l.skuId)));
      }
    }
    return {
      orders: created.map((o) => ({ ...o, shopName: names.get(o.shopId) ?? null, paymentId: payment.paymentId })),
      paymentId: payment.paymentId,
      total,
    };
  });
  // The orders stand; if the provider cannot be reached now, the shopper pays later from the order.
  const payUrl = await payments
    .startCharge(db, placed.paymentId, {
      description: placed.orders.map((o) => `${o.shopName} ${o.orderNo}`).join('; '),
      returnUrl,
    })
    .catch(() => null);
  return { ...placed, payUrl };
}
