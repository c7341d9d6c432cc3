import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { shopOwnedTables } from '../src/kernel/db/tenant.js';
import { createTestPlatform, type TestPlatform, uniqueEmail } from './app.js';
import { createProduct, payOnTestPay, shopperWithAddress } from './commerce.js';
import { buildRequest } from '../src/modules/qimen/protocol.js';
import { customers } from '../src/modules/customers/index.js';
import { withShop } from '../src/kernel/db/tenant.js';
import { fulfillment } from '../src/modules/fulfillment/index.js';
import { inventory } from '../src/modules/inventory/index.js';

/**
 * Walks every workbench route in the OpenAPI document as the owner of shop A, aiming at shop B:
 * B's shop id in the path must answer 403/404; A's shop id with B's sub-resource ids must answer
 * 404; A's own lists must not show B's data; and B's rows must not change.
 */
type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  minLength?: number;
  format?: string;
  minimum?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  minItems?: number;
  default?: unknown;
};

/** Valid bodies the generic sampler cannot guess (patterns, cross-field rules). */
const BODIES: Record<string, (ids: Record<string, string>) => unknown> = {
  'PUT /api/shops/{shopId}/products/{productId}': () => ({
    title: '探针商品',
    platformCategoryId: 'tea.black',
    status: 'draft',
    skus: [{ price: 100, stock: 1 }],
  }),
  'POST /api/shops/{shopId}/orders/{orderId}/ship': () => ({ carrier: '顺丰速运', trackingNo: 'SF0000000001' }),
  'PUT /api/shops/{shopId}/customer-segments/{segmentId}': () => ({
    name: '探针',
    rule: { kind: 'tag', tagId: 'sys.all', value: 'all' },
  }),
  'POST /api/shops/{shopId}/orders/{orderId}/shipments/{shipmentId}/ship': () => ({
    carrier: '顺丰速运',
    trackingNo: 'SF0000000002',
  }),
  'POST /api/shops/{shopId}/shipments/{shipmentId}/reassign': (ids) => ({ locationId: ids.locationId }),
  'POST /api/shops/{shopId}/routing/dry-run': (ids) => ({
    lines: [{ skuId: ids.skuId, quantity: 1 }],
    address: { province: '浙江省', city: '杭州市' },
  }),
  'POST /api/shops/{shopId}/stock/{skuId}/{locationId}/adjustments': () => ({ delta: 1, reason: 'correction' }),
  'PUT /api/shops/{shopId}/qimen/partners/{partnerId}': () => ({ name: '探针', customerId: 'probe' }),
  'POST /api/shops/{shopId}/o2o/stores/{locationId}/pickups/verify': () => ({ code: '12345678' }),
  'POST /api/shops/{shopId}/o2o/stores/{locationId}/shipments/{shipmentId}/ship': () => ({
    carrier: '顺丰速运',
    trackingNo: 'SF0000000003',
  }),
};

function sample(schema: Schema | undefined): unknown {
  if (!schema) return undefined;
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.anyOf ?? schema.oneOf) return sample((schema.anyOf ?? schema.oneOf)!.find((s) => s.type !== 'null'));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, sample(v)]));
    case 'string':
      if (schema.format === 'email') return uniqueEmail('probe');
      if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      return 'probe-value-1'.padEnd(schema.minLength ?? 0, 'x');
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items));
    default:
      return undefined;
  }
}

let p: TestPlatform;
let a: Awaited<ReturnType<TestPlatform['shopOwner']>>;
let b: Awaited<ReturnType<TestPlatform['shopOwner']>>;
const bIds: Record<string, string> = {};

async function snapshotOf(shopId: string) {
  const out: Record<string, unknown> = {};
  for (const table of await shopOwnedTables(p.db.$client)) {
    out[table] = (await p.db.$client.query(`select * from "${table}" where shop_id = $1 order by 1, 2`, [shopId])).rows;
  }
  out.shop = (await p.db.execute(sql`select * from shops where id = ${shopId}`)).rows;
  return JSON.stringify(out);
}

beforeAll(async () => {
  p = await createTestPlatform();
  a = await p.shopOwner();
  b = await p.shopOwner();
  // B's customer numbers start high, so one is not mistaken for other digits in A's lists.
  await p.db.execute(sql`insert into customer_counters (shop_id, last_no) values (${b.shopId}, 987650)`);
  const member = await p.signUp('merchant');
  await b.client.post(`/api/shops/${b.shopId}/invitations`, { identifier: member.email, role: 'customer_service' });
  const [inv] = (await member.client.get('/api/me/invitations')).body.items;
  await member.client.post(`/api/me/invitations/${inv.id}/accept`);
  const pending = await b.client.post(`/api/shops/${b.shopId}/invitations`, {
    identifier: uniqueEmail('pending'),
    role: 'warehouse',
  });
  bIds.shopId = b.shopId;
  bIds.accountId = member.accountId;
  bIds.invitationId = pending.body.id;
  bIds.categoryId = (await b.client.post(`/api/shops/${b.shopId}/categories`, { name: '新品' })).body.id;
  const product = await createProduct(b, { stock: 5 });
  bIds.productId = product.id;
  const shopper = await shopperWithAddress(p);
  const placed = await shopper.client.post('/api/checkout', {
    lines: [{ shopId: b.shopId, skuId: product.skus[0]!.id, quantity: 1 }],
    addressId: shopper.addressId,
  });
  await payOnTestPay(p, placed.body.payUrl);
  await p.settle();
  bIds.orderId = placed.body.orders[0].id;
  await b.client.post(`/api/shops/${b.shopId}/orders/${bIds.orderId}/ship`, {
    carrier: '顺丰速运',
    trackingNo: 'SF0000000009',
  });
  const aftersale = await shopper.client.post(`/api/me/orders/${b.shopId}/${bIds.orderId}/aftersales`, {
    type: 'return_refund',
    reason: '尺码不合适',
    lines: [{ lineNo: 1, quantity: 1 }],
  });
  bIds.caseId = aftersale.body.id;
  // Strategy: a draft of shop B.
  const strategy = await b.client.post(`/api/shops/${b.shopId}/strategies`, {
    name: '探针策略',
    placement: 'shop_home.hero_banner',
    variants: [{ id: 'a', name: 'A', content: { imageUrl: '/media/probe.jpg' } }],
    defaultVariantId: 'a',
  });
  bIds.strategyId = strategy.body.id;
  // Flash sale: an upcoming one of shop B (holds one unit).
  bIds.saleId = (
    await b.client.post(`/api/shops/${b.shopId}/flash-sales`, {
      skuId: product.skus[0]!.id,
      price: 100,
      quota: 1,
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    })
  ).body.id;
  // Qimen: a partner of shop B and a message in its log.
  const partner = await b.client.post(`/api/shops/${b.shopId}/qimen/partners`, { name: 'B 仓', customerId: 'b-wms' });
  bIds.partnerId = partner.body.partner.id;
  const qm = buildRequest({
    method: 'inventory.query',
    appKey: partner.body.partner.appKey,
    customerId: 'b-wms',
    secret: partner.body.secret,
    sign: { method: 'md5' },
    doc: { criteriaList: { criteria: { itemCode: 'no-such-item' } } },
  });
  await p.app.inject({
    method: 'POST',
    url: `/router/qimen/service?${new URLSearchParams(qm.query).toString()}`,
    headers: { 'content-type': qm.contentType },
    payload: qm.body,
  });
  bIds.qimenMessageId = (await b.client.get(`/api/shops/${b.shopId}/qimen/messages`)).body.items[0].id;
  // Stores (o2o): a store of shop B, its shopping guide, and a parcel of B's order.
  const bStore = await withShop(p.db, b.shopId, (tx) =>
    inventory.saveLocation(tx, b.shopId, { name: 'B 门店', kind: 'store', code: 'B-STORE', canPickup: true }),
  );
  bIds.locationId ??= bStore.id;
  bIds.guideId = (
    await b.client.post(`/api/shops/${b.shopId}/o2o/guides`, { name: 'B 导购', locationId: bStore.id })
  ).body.id;
  bIds.shipmentId ??= (
    await withShop(p.db, b.shopId, (tx) => fulfillment.shipmentsOf(tx, b.shopId, bIds.orderId!))
  )[0]!.id;
  // Inventory: a location, the store's channel, a SKU, a transfer and a stocktake of shop B.
  bIds.skuId = product.skus[0]!.id;
  const bLocations = (await b.client.get(`/api/shops/${b.shopId}/locations`)).body.items as { id: string }[];
  const bStoreLocation = await b.client.post(`/api/shops/${b.shopId}/locations`, {
    name: 'B 库存门店',
    kind: 'store',
    code: 'B-INV-STORE',
    canPickup: true,
  });
  bIds.locationId ??= bStoreLocation.body.id;
  bIds.channelId = (await b.client.get(`/api/shops/${b.shopId}/channels`)).body.items.find(
    (c: { storeLocationId: string | null }) => c.storeLocationId === bStoreLocation.body.id,
  ).id;
  bIds.transferId = (
    await b.client.post(`/api/shops/${b.shopId}/transfers`, {
      fromLocationId: bLocations[0]!.id,
      toLocationId: bStoreLocation.body.id,
      lines: [{ skuId: bIds.skuId, quantity: 1 }],
    })
  ).body.id;
  bIds.stocktakeId = (
    await b.client.post(`/api/shops/${b.shopId}/stocktakes`, { locationId: bLocations[0]!.id })
  ).body.id;
  // Customers: B's buyer, a tag, a segment.
  bIds.customerNo = String((await customers.customerFor(p.db, b.shopId, { accountId: shopper.accountId }))!.customerNo);
  bIds.tagId = (await b.client.post(`/api/shops/${b.shopId}/customer-tags`, { kind: 'manual', name: '探针' })).body.id;
  bIds.segmentId = (
    await b.client.post(`/api/shops/${b.shopId}/customer-segments`, {
      name: '探针',
      rule: { kind: 'tag', tagId: 'sys.all', value: 'all' },
    })
  ).body.id;
  // Shop A has data of its own, so its lists are not trivially empty.
  await createProduct(a, { stock: 1 });
});

describe('tenant isolation', () => {
  it('every shop-scoped route refuses another shop’s ids and changes nothing', async () => {
    const doc = (await p.client().get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
    };
    const routes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/shops/{shopId}'))
      .flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
      );
    expect(routes.length).toBeGreaterThanOrEqual(8);

    const before = await snapshotOf(b.shopId);
    const probes: string[] = [];
    for (const { path, method, op } of routes) {
      const body = BODIES[`${method} ${path}`]?.(bIds) ?? sample(op.requestBody?.content['application/json']?.schema);
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const p of params) expect(bIds[p], `no id of shop B for {${p}} in ${path}`).toBeDefined();

      // 1. Shop B's id in the path.
      const other = path.replace(/\{(\w+)\}/g, (_, name: string) => bIds[name]!);
      const res1 = await a.client.request(method, other, body);
      probes.push(`${method} ${other} -> ${res1.status}`);
      expect([403, 404], `${method} ${other}`).toContain(res1.status);

      // 2. Our own shop, B's sub-resource ids.
      if (params.length > 1) {
        const mixed = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'shopId' ? a.shopId : bIds[name]!));
        const res2 = await a.client.request(method, mixed, body);
        probes.push(`${method} ${mixed} -> ${res2.status}`);
        expect(res2.status, `${method} ${mixed}: ${JSON.stringify(res2.body)}`).toBe(404);
      } else if (method === 'GET') {
        // 3. Our own lists never show B's rows.
        const own = await a.client.get(path.replace('{shopId}', a.shopId));
        expect(own.status).toBe(200);
        const text = JSON.stringify(own.body);
        for (const [name, id] of Object.entries(bIds)) expect(text, `${path} shows B's ${name}`).not.toContain(id);
      }
    }
    // 4. B's ids inside a body sent to our own shop.
    const viaBody = await a.client.post(`/api/shops/${a.shopId}/products/status`, {
      productIds: [bIds.productId],
      status: 'off_shelf',
    });
    expect(viaBody.status).toBe(404);
    const orderNo = (await b.client.get(`/api/shops/${b.shopId}/orders/${bIds.orderId}`)).body.orderNo;
    const csv = await a.client.post(`/api/shops/${a.shopId}/orders/ship-csv`, {
      csv: `${orderNo},顺丰速运,SF0000000002`,
    });
    expect(csv.status).toBe(400);
    expect(csv.body.errors[0].code).toBe('unknown_order');
    expect(await snapshotOf(b.shopId)).toBe(before);
    expect(probes.length).toBeGreaterThan(routes.length);
  });

  it('the database itself hides other shops’ rows from the app role', async () => {
    const rows = await p.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('qiandian.shop_id', ${a.shopId}, true)`);
      await tx.execute(sql`set local role qiandian_app`);
      return (await tx.execute<{ shop_id: string }>(sql`select shop_id from shop_members`)).rows;
    });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.shop_id === a.shopId)).toBe(true);
    const write = p.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('qiandian.shop_id', ${a.shopId}, true)`);
      await tx.execute(sql`set local role qiandian_app`);
      await tx.execute(
        sql`insert into shop_members (shop_id, account_id, role) values (${b.shopId}, ${a.accountId}, 'owner')`,
      );
    });
    const error = await write.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(String((error?.cause as Error | undefined)?.message)).toMatch(/row-level security/);
  });
});
