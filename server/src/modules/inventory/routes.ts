import { z } from 'zod';
import { withShop } from '../../kernel/db/tenant.js';
import { pageOf } from '../../kernel/http/pagination.js';
import type { App } from '../../kernel/http/server.js';
import { newId } from '../../kernel/ids.js';
import type { ModuleContext } from '../../kernel/module.js';
import { shopAccess } from '../shops/index.js';
import { LOCATION_KINDS } from './schema.js';
import * as inventory from './service.js';
import * as stocktakes from './stocktakes.js';
import * as transfers from './transfers.js';

const shopIdParams = z.object({ shopId: z.string().min(1).max(64) });
const id = z.string().min(1).max(64);
const locationParams = shopIdParams.extend({ locationId: id });
const channelParams = shopIdParams.extend({ channelId: id });
const levelParams = shopIdParams.extend({ skuId: id, locationId: id });
const transferParams = shopIdParams.extend({ transferId: id });
const stocktakeParams = shopIdParams.extend({ stocktakeId: id });
const tags = ['inventory'];

const openingHours = z.array(z.object({ days: z.array(z.number().int()), open: z.string(), close: z.string() }));
const locationView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(LOCATION_KINDS),
  code: z.string(),
  province: z.string(),
  city: z.string(),
  district: z.string(),
  address: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  openingHours,
  canShip: z.boolean(),
  canPickup: z.boolean(),
  canSameDay: z.boolean(),
  priority: z.number().int(),
  active: z.boolean(),
  isDefault: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const toLocationView = (l: inventory.LocationRow) => ({
  ...l,
  createdAt: l.createdAt.toISOString(),
  updatedAt: l.updatedAt.toISOString(),
});
const channelView = z.object({
  id: z.string(),
  kind: z.enum(['online', 'store']),
  name: z.string(),
  storeLocationId: z.string().nullable(),
  allShipLocations: z.boolean(),
  locationIds: z.array(z.string()),
  effectiveLocationIds: z.array(z.string()),
});
const levelView = z.object({
  skuId: z.string(),
  locationId: z.string(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  safetyStock: z.number().int(),
  available: z.number().int(),
  lowStockThreshold: z.number().int().nullable(),
  threshold: z.number().int().nullable(),
  low: z.boolean(),
});
const stockGridView = z.object({
  locations: z.array(
    z.object({ id: z.string(), name: z.string(), code: z.string(), kind: z.enum(LOCATION_KINDS), active: z.boolean() }),
  ),
  items: z.array(
    z.object({
      skuId: z.string(),
      productId: z.string(),
      title: z.string(),
      specText: z.string(),
      barcode: z.string().nullable(),
      imageUrl: z.string().nullable(),
      onlineAvailable: z.number().int(),
      levels: z.array(levelView),
    }),
  ),
  nextCursor: z.string().nullable(),
});
const movementView = z.object({
  id: z.string(),
  reason: z.string(),
  refType: z.string(),
  refId: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  onHandDelta: z.number().int(),
  reservedDelta: z.number().int(),
  onHandAfter: z.number().int(),
  reservedAfter: z.number().int(),
  at: z.string(),
});
const lowStockView = z.object({
  skuId: z.string(),
  productId: z.string().nullable(),
  title: z.string(),
  specText: z.string(),
  imageUrl: z.string().nullable(),
  locationId: z.string(),
  locationName: z.string(),
  locationCode: z.string(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  safetyStock: z.number().int(),
  available: z.number().int(),
  threshold: z.number().int().nullable(),
  lowSince: z.string(),
});
const transferView = z.object({
  id: z.string(),
  fromLocationId: z.string(),
  toLocationId: z.string(),
  status: z.enum(['draft', 'shipped', 'received', 'cancelled']),
  note: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  shippedAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  lines: z.array(z.object({ skuId: z.string(), quantity: z.number().int(), title: z.string(), specText: z.string() })),
});
const stocktakeHeader = z.object({
  id: z.string(),
  locationId: z.string(),
  status: z.enum(['open', 'applied', 'cancelled']),
  note: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  appliedAt: z.string().nullable(),
});
const stocktakeView = stocktakeHeader.extend({
  lines: z.array(
    z.object({
      skuId: z.string(),
      title: z.string(),
      specText: z.string(),
      barcode: z.string().nullable(),
      expected: z.number().int(),
      counted: z.number().int().nullable(),
      variance: z.number().int().nullable(),
      onHand: z.number().int(),
      reserved: z.number().int(),
    }),
  ),
  summary: z.object({
    lines: z.number().int(),
    counted: z.number().int(),
    withVariance: z.number().int(),
    netVariance: z.number().int(),
  }),
});
const settingsView = z.object({ lowStockThreshold: z.number().int().nullable() });

/** Reasons a person gives for changing on hand by hand (the ledger's reason). */
export const ADJUST_REASONS = ['correction', 'received', 'damaged', 'lost', 'found', 'returned'] as const;

export async function inventoryRoutes(app: App, { db }: ModuleContext) {
  // ---- locations
  app.get(
    '/api/shops/:shopId/locations',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags,
        summary: 'Warehouses and stores, by priority',
        params: shopIdParams,
        querystring: z.object({
          kind: z.enum(LOCATION_KINDS).optional(),
          capability: z.enum(['ship', 'pickup', 'sameDay']).optional(),
          activeOnly: z.enum(['true', 'false']).optional(),
        }),
        response: { 200: z.object({ items: z.array(locationView) }) },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      const q = request.query;
      return withShop(db, shopId, async (tx) => {
        await inventory.defaultLocation(tx, shopId);
        const rows = await inventory.listLocations(tx, shopId, {
          kind: q.kind,
          capability: q.capability,
          activeOnly: q.activeOnly === 'true',
        });
        return { items: rows.map(toLocationView) };
      });
    },
  );
  app.post(
    '/api/shops/:shopId/locations',
    {
      config: { permission: 'stock.write' },
      schema: {
        tags,
        summary: 'Add a warehouse or store (a store gets its own sales channel)',
        params: shopIdParams,
        body: inventory.locationInput,
        response: { 201: locationView },
      },
    },
    async (request, reply) => {
      const { shopId } = shopAccess(request);
      const row = await withShop(db, shopId, (tx) => inventory.saveLocation(tx, shopId, request.body));
      return reply.code(201).send(toLocationView(row));
    },
  );
  app.get(
    '/api/shops/:shopId/locations/:locationId',
    {
      config: { permission: 'stock.read' },
      schema: { tags, summary: 'One location', params: locationParams, response: { 200: locationView } },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return toLocationView(
        await withShop(db, shopId, (tx) => inventory.getLocation(tx, shopId, request.params.locationId)),
      );
    },
  );
  app.put(
    '/api/shops/:shopId/locations/:locationId',
    {
      config: { permission: 'stock.write' },
      schema: {
        tags,
        summary: 'Edit a location',
        params: locationParams,
        body: inventory.locationInput,
        response: { 200: locationView },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return toLocationView(
        await withShop(db, shopId, (tx) => inventory.saveLocation(tx, shopId, request.body, request.params.locationId)),
      );
    },
  );

  // ---- sales channels
  app.get(
    '/api/shops/:shopId/channels',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags,
        summary: 'Sales channels (online shop, each store) and where each sells from',
        params: shopIdParams,
        response: { 200: z.object({ items: z.array(channelView) }) },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return { items: await withShop(db, shopId, (tx) => inventory.listChannels(tx, shopId)) };
    },
  );
  app.put(
    '/api/shops/:shopId/channels/:channelId/locations',
    {
      config: { permission: 'stock.write' },
      schema: {
        tags,
        summary: 'Choose the locations a channel sells from',
        params: channelParams,
        body: z.object({ allShipLocations: z.boolean(), locationIds: z.array(id).max(200) }),
        response: { 200: channelView },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, (tx) =>
        inventory.setChannelLocations(tx, shopId, request.params.channelId, request.body),
      );
    },
  );
  app.get(
    '/api/shops/:shopId/channels/:channelId/atp',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags,
        summary: "A channel's available-to-promise for some SKUs",
        params: channelParams,
        querystring: z.object({ skuIds: z.string().max(2000).default('') }),
        response: { 200: z.object({ items: z.array(z.object({ skuId: z.string(), available: z.number().int() })) }) },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      const skuIds = [...new Set(request.query.skuIds.split(',').filter(Boolean))].slice(0, 100);
      return withShop(db, shopId, async (tx) => {
        await inventory.channelLocationIds(tx, shopId, request.params.channelId); // 404 when unknown
        const atp = await inventory.atp(tx, shopId, request.params.channelId, skuIds);
        return { items: [...atp].map(([skuId, available]) => ({ skuId, available })) };
      });
    },
  );

  // ---- stock levels
  app.get(
    '/api/shops/:shopId/stock',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags,
        summary: 'Stock per SKU per location (products paged and searched as in the product list)',
        params: shopIdParams,
        querystring: inventory.stockQuery,
        response: { 200: stockGridView },
      },
    },
    async (request) => inventory.stockGrid(db, shopAccess(request).shopId, request.query),
  );
  app.patch(
    '/api/shops/:shopId/stock/:skuId/:locationId',
    {
      config: { permission: 'stock.write' },
      schema: {
        tags,
        summary: 'Safety stock and low-stock threshold of one SKU at one location',
        params: levelParams,
        body: z.object({
          safetyStock: z.number().int().min(0).max(10_000_000).optional(),
          lowStockThreshold: z.number().int().min(0).max(10_000_000).nullable().optional(),
        }),
        response: { 200: levelView },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      const key = { skuId: request.params.skuId, locationId: request.params.locationId };
      await withShop(db, shopId, async (tx) => {
        await inventory.requireLevelKey(tx, shopId, key);
        await inventory.setLevelSettings(tx, shopId, key, request.body);
      });
      return levelOf(shopId, key);
    },
  );
  app.post(
    '/api/shops/:shopId/stock/:skuId/:locationId/adjustments',
    {
      config: { permission: 'stock.write' },
      schema: {
        tags,
        summary: 'Set on hand to a count, or change it by a delta, with a reason (send an Idempotency-Key)',
        params: levelParams,
        body: z
          .object({
            onHand: z.number().int().min(0).max(10_000_000).optional(),
            delta: z.number().int().min(-10_000_000).max(10_000_000).optional(),
            reason: z.enum(ADJUST_REASONS),
          })
          .refine((b) => (b.onHand === undefined) !== (b.delta === undefined), {
            message: 'onHand or delta',
            path: ['onHand'],
          }),
        response: { 200: levelView },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      const { shopId } = access;
      const key = { skuId: request.params.skuId, locationId: request.params.locationId };
      const b = request.body;
      const ref = { type: 'adjustment', id: newId('adj') };
      await withShop(db, shopId, async (tx) => {
        await inventory.requireLevelKey(tx, shopId, key);
        if (b.onHand !== undefined)
          await inventory.setStock(tx, shopId, key.skuId, b.onHand, ref, {
            locationId: key.locationId,
            reason: b.reason,
            actorId: access.accountId,
          });
        else
          await inventory.adjust(tx, shopId, {
            ...key,
            delta: b.delta!,
            reason: b.reason,
            ref,
            actorId: access.accountId,
          });
      });
      return levelOf(shopId, key);
    },
  );
  app.get(
    '/api/shops/:shopId/stock/:skuId/:locationId/ledger',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags,
        summary: 'Every change to one SKU at one location, newest first',
        params: levelParams,
        querystring: inventory.ledgerQuery,
        response: { 200: pageOf(movementView) },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      const key = { skuId: request.params.skuId, locationId: request.params.locationId };
      return withShop(db, shopId, async (tx) => {
        await inventory.requireLevelKey(tx, shopId, key);
        return inventory.ledger(tx, shopId, key, request.query);
      });
    },
  );
  async function levelOf(shopId: string, key: { skuId: string; locationId: string }) {
    const grid = await withShop(db, shopId, async (tx) => {
      const [l] = await inventory.availabilityAt(tx, shopId, [key.skuId], [key.locationId]);
      const settings = await inventory.getSettings(tx, shopId);
      const low = await inventory.levelLowState(tx, shopId, key);
      return { l, settings, low };
    });
    return {
      skuId: key.skuId,
      locationId: key.locationId,
      onHand: grid.l?.onHand ?? 0,
      reserved: grid.l?.reserved ?? 0,
      safetyStock: grid.l?.safetyStock ?? 0,
      available: grid.l?.available ?? 0,
      lowStockThreshold: grid.low.lowStockThreshold,
      threshold: grid.low.lowStockThreshold ?? grid.settings.lowStockThreshold,
      low: grid.low.low,
    };
  }

  // ---- settings and alerts
  app.get(
    '/api/shops/:shopId/inventory-settings',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags,
        summary: "The shop's default low-stock threshold",
        params: shopIdParams,
        response: { 200: settingsView },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, (tx) => inventory.getSettings(tx, shopId));
    },
  );
  app.put(
    '/api/shops/:shopId/inventory-settings',
    {
      config: { permission: 'stock.write' },
      schema: {
        tags,
        summary: 'Set the default low-stock threshold (null: no alerts unless a level has its own)',
        params: shopIdParams,
        body: z.object({ lowStockThreshold: z.number().int().min(0).max(10_000_000).nullable() }),
        response: { 200: settingsView },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, (tx) => inventory.saveSettings(tx, shopId, request.body));
    },
  );
  app.get(
    '/api/shops/:shopId/low-stock',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags,
        summary: 'Low-stock alerts: levels whose available is at or below the threshold',
        params: shopIdParams,
        querystring: inventory.lowStockQuery,
        response: { 200: pageOf(lowStockView).extend({ total: z.number().int() }) },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, async (tx) => ({
        ...(await inventory.lowStock(tx, shopId, request.query)),
        total: await inventory.lowStockCount(tx, shopId),
      }));
    },
  );
  app.get(
    '/api/shops/:shopId/low-stock/count',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags,
        summary: 'How many low-stock alerts there are (the workbench badge)',
        params: shopIdParams,
        response: { 200: z.object({ count: z.number().int() }) },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return { count: await withShop(db, shopId, (tx) => inventory.lowStockCount(tx, shopId)) };
    },
  );

  // ---- transfers
  app.get(
    '/api/shops/:shopId/transfers',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags,
        summary: 'Stock transfers, newest first',
        params: shopIdParams,
        querystring: transfers.transferListQuery,
        response: { 200: pageOf(transferView) },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, (tx) => transfers.listTransfers(tx, shopId, request.query));
    },
  );
  app.post(
    '/api/shops/:shopId/transfers',
    {
      config: { permission: 'stock.write' },
      schema: {
        tags,
        summary: 'Draft a transfer between two locations (send an Idempotency-Key)',
        params: shopIdParams,
        body: transfers.transferInput,
        response: { 201: transferView },
      },
    },
    async (request, reply) => {
      const { shopId, accountId } = shopAccess(request);
      const t = await withShop(db, shopId, (tx) => transfers.createTransfer(tx, shopId, request.body, accountId));
      return reply.code(201).send(t);
    },
  );
  app.get(
    '/api/shops/:shopId/transfers/:transferId',
    {
      config: { permission: 'stock.read' },
      schema: { tags, summary: 'One transfer', params: transferParams, response: { 200: transferView } },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, (tx) => transfers.getTransfer(tx, shopId, request.params.transferId));
    },
  );
  for (const [action, run, summary] of [
    ['ship', transfers.shipTransfer, 'Ship: stock leaves the source (refused below reserved); send an Idempotency-Key'],
    ['receive', transfers.receiveTransfer, 'Receive: stock arrives at the destination; send an Idempotency-Key'],
    ['cancel', (tx, shopId, tid) => transfers.cancelTransfer(tx, shopId, tid), 'Cancel a draft'],
  ] as const satisfies readonly (readonly [string, typeof transfers.shipTransfer, string])[]) {
    app.post(
      `/api/shops/:shopId/transfers/:transferId/${action}`,
      {
        config: { permission: 'stock.write' },
        schema: { tags, summary, params: transferParams, response: { 200: transferView } },
      },
      async (request) => {
        const { shopId, accountId } = shopAccess(request);
        return withShop(db, shopId, (tx) => run(tx, shopId, request.params.transferId, accountId));
      },
    );
  }

  // ---- stocktakes
  app.get(
    '/api/shops/:shopId/stocktakes',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags,
        summary: 'Stocktakes, newest first',
        params: shopIdParams,
        querystring: stocktakes.stocktakeListQuery,
        response: {
          200: pageOf(stocktakeHeader.extend({ lineCount: z.number().int(), countedCount: z.number().int() })),
        },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, (tx) => stocktakes.listStocktakes(tx, shopId, request.query));
    },
  );
  app.post(
    '/api/shops/:shopId/stocktakes',
    {
      config: { permission: 'stock.write' },
      schema: {
        tags,
        summary: 'Start a stocktake of a location (expected counts are taken now)',
        params: shopIdParams,
        body: stocktakes.stocktakeInput,
        response: { 201: stocktakeView },
      },
    },
    async (request, reply) => {
      const { shopId, accountId } = shopAccess(request);
      const s = await withShop(db, shopId, (tx) => stocktakes.startStocktake(tx, shopId, request.body, accountId));
      return reply.code(201).send(s);
    },
  );
  app.get(
    '/api/shops/:shopId/stocktakes/:stocktakeId',
    {
      config: { permission: 'stock.read' },
      schema: {
        tags,
        summary: 'One stocktake with its lines and variances',
        params: stocktakeParams,
        response: { 200: stocktakeView },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, (tx) => stocktakes.getStocktake(tx, shopId, request.params.stocktakeId));
    },
  );
  app.put(
    '/api/shops/:shopId/stocktakes/:stocktakeId/counts',
    {
      config: { permission: 'stock.write' },
      schema: {
        tags,
        summary: 'Enter counted quantities',
        params: stocktakeParams,
        body: stocktakes.countsInput,
        response: { 200: stocktakeView },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, (tx) =>
        stocktakes.setCounts(tx, shopId, request.params.stocktakeId, request.body.counts),
      );
    },
  );
  app.post(
    '/api/shops/:shopId/stocktakes/:stocktakeId/import',
    {
      config: { permission: 'stock.write' },
      schema: {
        tags,
        summary: 'Enter counts from CSV rows of "SKU code or barcode,count"',
        params: stocktakeParams,
        body: z.object({ csv: z.string().min(1).max(500_000) }),
        response: { 200: stocktakeView },
      },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, (tx) =>
        stocktakes.importCounts(tx, shopId, request.params.stocktakeId, request.body.csv),
      );
    },
  );
  app.post(
    '/api/shops/:shopId/stocktakes/:stocktakeId/apply',
    {
      config: { permission: 'stock.write' },
      schema: {
        tags,
        summary: 'Apply the counts to stock, all or nothing (send an Idempotency-Key)',
        params: stocktakeParams,
        response: { 200: stocktakeView },
      },
    },
    async (request) => {
      const { shopId, accountId } = shopAccess(request);
      return withShop(db, shopId, (tx) => stocktakes.applyStocktake(tx, shopId, request.params.stocktakeId, accountId));
    },
  );
  app.post(
    '/api/shops/:shopId/stocktakes/:stocktakeId/cancel',
    {
      config: { permission: 'stock.write' },
      schema: { tags, summary: 'Drop an open stocktake', params: stocktakeParams, response: { 200: stocktakeView } },
    },
    async (request) => {
      const { shopId } = shopAccess(request);
      return withShop(db, shopId, (tx) => stocktakes.cancelStocktake(tx, shopId, request.params.stocktakeId));
    },
  );
}
