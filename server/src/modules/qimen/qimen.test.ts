import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { createProduct, payOnTestPay, shopperWithAddress } from '../../../test/commerce.js';
import { withShop } from '../../kernel/db/tenant.js';
import { startWmsSimulator, type WmsSimulator } from '../../tools/wms-simulator.js';
import { fulfillment } from '../fulfillment/index.js';
import { inventory } from '../inventory/index.js';
import { loadConfig } from '../../kernel/config.js';
import { newId } from '../../kernel/ids.js';
import { purgeMessages } from './log.js';
import { outboundPolicy } from './outbound.js';
import { AUTH_FAILURES_LOGGED_PER_MINUTE } from './routes.js';
import {
  buildRequest,
  canonicalParams,
  type Doc,
  formatTimestamp,
  type Format,
  parseEnvelope,
  parseTimestamp,
  sign,
  type SignMethod,
} from './protocol.js';

// ---------------------------------------------------------------- the protocol alone

describe('Qimen signature', () => {
  const params = {
    method: 'taobao.qimen.inventory.query',
    app_key: 'wms-key',
    customerId: 'OWNER1',
    format: 'xml',
    timestamp: '2024-05-06 07:08:09',
    v: '2.0',
    sign_method: 'md5',
    Zone: 'east',
    empty: '',
    sign: 'ignored',
  };
  const body = '<request><criteriaList><criteria><itemCode>茶-01</itemCode></criteria></criteriaList></request>';
  const secret = 's3cr3t';
  // Written out by hand from the spec's rules: `sign` and the empty value dropped, keys in byte
  // order (upper case before lower case), key + value with no separators.
  const S =
    'Zoneeast' +
    'app_keywms-key' +
    'customerIdOWNER1' +
    'formatxml' +
    'methodtaobao.qimen.inventory.query' +
    'sign_methodmd5' +
    'timestamp2024-05-06 07:08:09' +
    'v2.0';

  it('builds S from the sorted parameters', () => {
    expect(canonicalParams(params)).toBe(S);
  });

  it('md5: MD5(secret + S + body + secret), uppercase hex', () => {
    const expected = createHash('md5')
      .update(Buffer.from(secret + S + body + secret, 'utf8'))
      .digest('hex')
      .toUpperCase();
    expect(sign(params, body, secret, { method: 'md5' })).toBe(expected);
    expect(expected).toMatch(/^[0-9A-F]{32}$/);
  });

  it('md5 with the secret only at the end: MD5(S + body + secret)', () => {
    const expected = createHash('md5')
      .update(Buffer.from(S + body + secret, 'utf8'))
      .digest('hex')
      .toUpperCase();
    expect(sign(params, body, secret, { method: 'md5', secretAtEndOnly: true })).toBe(expected);
  });

  it('hmac: HMAC-MD5(secret, S + body)', () => {
    const expected = createHmac('md5', secret)
      .update(Buffer.from(S + body, 'utf8'))
      .digest('hex')
      .toUpperCase();
    expect(sign(params, body, secret, { method: 'hmac' })).toBe(expected);
  });

  it('hmac-sha256: HMAC-SHA256(secret, S + body)', () => {
    const expected = createHmac('sha256', secret)
      .update(Buffer.from(S + body, 'utf8'))
      .digest('hex')
      .toUpperCase();
    expect(sign(params, body, secret, { method: 'hmac-sha256' })).toBe(expected);
    expect(expected).toMatch(/^[0-9A-F]{64}$/);
  });

  it('writes and reads timestamps in GMT+8', () => {
    const at = Date.UTC(2024, 0, 1, 16, 30, 5);
    expect(formatTimestamp(at)).toBe('2024-01-02 00:30:05');
    expect(parseTimestamp('2024-01-02 00:30:05')).toBe(at);
    expect(parseTimestamp('2024-02-30 00:00:00')).toBeNull();
    expect(parseTimestamp('2024-01-02T00:30:05')).toBeNull();
  });
});

// ---------------------------------------------------------------- the gateway

let p: TestPlatform;
let owner: Awaited<ReturnType<TestPlatform['shopOwner']>>;
let cloud: { id: string; code: string };
let partner: { id: string; appKey: string; customerId: string };
let secret: string;
let skuA: string;
let skuB: string;
let sim: WmsSimulator;

const CODE_A = '6901234567001';
const CODE_B = '6901234567002';

async function call(
  method: string,
  doc: Doc | string,
  opts: {
    format?: Format;
    at?: number;
    signMethod?: SignMethod;
    appKey?: string;
    secret?: string;
    tamper?: (body: string) => string;
    query?: (q: Record<string, string>) => Record<string, string>;
    /** Sign again after `query` changed the parameters (a well-signed request with odd parameters). */
    resign?: boolean;
  } = {},
) {
  const req = buildRequest({
    method,
    appKey: opts.appKey ?? partner.appKey,
    customerId: partner.customerId,
    secret: opts.secret ?? secret,
    sign: { method: opts.signMethod ?? 'md5' },
    doc,
    format: opts.format,
    at: opts.at,
  });
  let query = opts.query ? opts.query(req.query) : req.query;
  if (opts.resign)
    query = { ...query, sign: sign(query, req.body, opts.secret ?? secret, { method: opts.signMethod ?? 'md5' }) };
  const res = await p.app.inject({
    method: 'POST',
    url: `/router/qimen/service?${new URLSearchParams(query).toString()}`,
    headers: { 'content-type': req.contentType },
    payload: opts.tamper ? opts.tamper(req.body) : req.body,
  });
  return {
    status: res.statusCode,
    type: String(res.headers['content-type']),
    raw: res.body,
    ...parseEnvelope(res.body, opts.format ?? 'xml'),
  };
}

async function stockAt(skuId: string, locationId = cloud.id) {
  const rows = await p.db.$client.query(
    'select on_hand, reserved from stock_levels where shop_id = $1 and sku_id = $2 and location_id = $3',
    [owner.shopId, skuId, locationId],
  );
  const r = rows.rows[0] as { on_hand: number; reserved: number } | undefined;
  return { onHand: r?.on_hand ?? 0, reserved: r?.reserved ?? 0 };
}

beforeAll(async () => {
  p = await createTestPlatform();
  owner = await p.shopOwner();
  // Nothing at the default warehouse: everything ships from the WMS-run one.
  const product = await createProduct(owner, { stock: 0, colours: ['红', '绿'], price: 2000 });
  skuA = product.skus[0]!.id;
  skuB = product.skus[1]!.id;
  const loc = await owner.client.post(`/api/shops/${owner.shopId}/locations`, {
    name: '云仓',
    kind: 'warehouse',
    code: 'WH-CLOUD',
    province: '浙江省',
    city: '杭州市',
    district: '余杭区',
    address: '仓前街道 1 号',
    priority: 10,
  });
  expect(loc.status, JSON.stringify(loc.body)).toBe(201);
  cloud = loc.body;
  sim = await startWmsSimulator({
    gateway: p.url,
    appKey: 'test-wms',
    secret: 'pending',
    customerId: 'TEST-OWNER',
    confirmDelayMs: null,
  });
  const created = await owner.client.post(`/api/shops/${owner.shopId}/qimen/partners`, {
    name: '测试云仓 WMS',
    appKey: `test-wms-${owner.shopId.slice(-6)}`,
    customerId: 'TEST-OWNER',
    signMethod: 'md5',
    endpointUrl: sim.url,
    locationIds: [cloud.id],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  partner = created.body.partner;
  secret = created.body.secret;
  // The simulator signs with the partner's key and secret.
  await sim.stop();
  sim = await startWmsSimulator({
    gateway: p.url,
    appKey: partner.appKey,
    secret,
    customerId: 'TEST-OWNER',
    confirmDelayMs: null,
  });
  await owner.client.request('PUT', `/api/shops/${owner.shopId}/qimen/partners/${partner.id}`, {
    name: '测试云仓 WMS',
    customerId: 'TEST-OWNER',
    signMethod: 'md5',
    endpointUrl: sim.url,
    locationIds: [cloud.id],
  });
  // Item codes: barcodes, as the warehouse knows the SKUs.
  for (const [sku, code] of [
    [skuA, CODE_A],
    [skuB, CODE_B],
  ] as const) {
    const r = await call('singleitem.synchronize', {
      actionType: 'update',
      warehouseCode: 'WH-CLOUD',
      ownerCode: 'TEST-OWNER',
      item: { itemCode: sku, itemId: sku, barCode: code, itemName: '红茶' },
    });
    expect(r.flag, r.message).toBe('success');
  }
});
afterAll(async () => {
  await sim?.stop();
});

describe('Qimen gateway: authentication and bad input', () => {
  const query = { criteriaList: { criteria: { warehouseCode: 'WH-CLOUD', itemCode: CODE_A } } };

  it('answers a signed inventory.query in XML and in JSON, with the method named in full or short', async () => {
    const xml = await call('inventory.query', query);
    expect(xml.status).toBe(200);
    expect(xml.type).toContain('xml');
    expect(xml.flag, xml.message).toBe('success');
    expect(xml.raw).toContain('<itemCode>6901234567001</itemCode>');
    // JSON, and the method by its short name.
    const json = await call('inventory.query', query, {
      format: 'json',
      query: (q) => ({ ...q, method: 'inventory.query' }),
      resign: true,
    });
    expect(json.type).toContain('json');
    expect(json.flag, json.message).toBe('success');
    const parsed = JSON.parse(json.raw) as { response: { items: { item: { itemCode: string; quantity: string }[] } } };
    expect(parsed.response.items.item[0]!.itemCode).toBe(CODE_A);
  });

  it('accepts all three sign methods when the partner is set to them, and refuses a downgrade', async () => {
    for (const m of ['hmac', 'hmac-sha256', 'md5'] as const) {
      await owner.client.request('PUT', `/api/shops/${owner.shopId}/qimen/partners/${partner.id}`, {
        name: '测试云仓 WMS',
        customerId: 'TEST-OWNER',
        signMethod: m,
        endpointUrl: sim.url,
        locationIds: [cloud.id],
      });
      expect((await call('inventory.query', query, { signMethod: m })).flag).toBe('success');
      if (m !== 'md5') {
        const downgraded = await call('inventory.query', query, { signMethod: 'md5' });
        expect(downgraded.code).toBe('25');
      }
    }
  });

  it('refuses unsigned, badly signed, stale, future, tampered and unknown-key requests with code 25', async () => {
    const cases = {
      unsigned: await call('inventory.query', query, { query: ({ sign: _s, ...q }) => q }),
      wrongSecret: await call('inventory.query', query, { secret: 'not-the-secret' }),
      stale: await call('inventory.query', query, { at: Date.now() - 6 * 60_000 }),
      future: await call('inventory.query', query, { at: Date.now() + 6 * 60_000 }),
      tampered: await call('inventory.query', query, { tamper: (b) => b.replace('WH-CLOUD', 'WH-OTHER') }),
      extraParam: await call('inventory.query', query, { query: (q) => ({ ...q, partner_id: 'sneaky' }) }),
      unknownKey: await call('inventory.query', query, { appKey: 'nobody-has-this-key' }),
    };
    for (const [name, r] of Object.entries(cases)) {
      expect(r.status, name).toBe(200);
      expect(r.flag, name).toBe('failure');
      expect(r.code, `${name}: ${r.message}`).toBe('25');
    }
    // Just inside the window is fine.
    expect((await call('inventory.query', query, { at: Date.now() - 4 * 60_000 })).flag).toBe('success');
  });

  it('answers 41 naming the field for malformed documents and arguments, 22 for unknown methods', async () => {
    const malformed = await call('stockchange.report', '<request><items><item>');
    expect(malformed.code).toBe('41');
    const wrongRoot = await call('stockchange.report', '<order><items/></order>');
    expect(wrongRoot.code).toBe('41');
    const badJson = await call('stockchange.report', '{"items": ', { format: 'json' });
    expect(badJson.code).toBe('41');
    const noOutBiz = await call('entryorder.confirm', {
      entryOrder: { warehouseCode: 'WH-CLOUD' },
      orderLines: { orderLine: { itemCode: CODE_A, actualQty: '1' } },
    });
    expect(noOutBiz.code).toBe('41');
    expect(noOutBiz.message).toContain('entryOrder.outBizCode');
    const badQty = await call('entryorder.confirm', {
      entryOrder: { warehouseCode: 'WH-CLOUD', outBizCode: 'E-BAD-1' },
      orderLines: {
        orderLine: [
          { itemCode: CODE_A, actualQty: '1' },
          { itemCode: CODE_A, actualQty: 'many' },
        ],
      },
    });
    expect(badQty.code).toBe('41');
    expect(badQty.message).toContain('orderLines.orderLine[1].actualQty');
    const unknownItem = await call('inventory.query', { criteriaList: { criteria: { itemCode: 'NOPE' } } });
    expect(unknownItem.code).toBe('41');
    expect(unknownItem.message).toContain('criteriaList.criteria[0].itemCode');
    const notOurs = await call('stockchange.report', {
      items: { item: { warehouseCode: 'WH-DEFAULT', itemCode: CODE_A, quantity: '5', outBizCode: 'SC-X' } },
    });
    expect(notOurs.code).toBe('41');
    expect(notOurs.message).toContain('warehouseCode');
    const unsupported = await call('taobao.qimen.sn.report', { items: {} });
    expect(unsupported.code).toBe('22');
    const badTimestamp = await call('inventory.query', query, {
      query: (q) => ({ ...q, timestamp: 'yesterday' }),
      resign: true,
    });
    expect(badTimestamp.code).toBe('41');
    // None of it changed stock, and none of it was a 5xx.
    expect(await stockAt(skuA)).toEqual({ onHand: 0, reserved: 0 });
    for (const r of [malformed, wrongRoot, badJson, noOutBiz, badQty, unknownItem, notOurs, unsupported]) {
      expect(r.status).toBe(200);
    }
  });

  it('answers an envelope, not an HTTP error, to a bare POST without body or content type', async () => {
    for (const res of [
      await p.app.inject({ method: 'POST', url: '/router/qimen/service' }),
      await p.app.inject({ method: 'POST', url: '/router/qimen/service?format=json', payload: '' }),
      await p.app.inject({
        method: 'POST',
        url: '/router/qimen/service?format=yaml&sign=x',
        headers: { 'content-type': 'application/octet-stream' },
        payload: Buffer.from([0xff, 0xfe, 0x00]),
      }),
    ]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(/failure/);
    }
  });

  it('logs failures with the reason in the shop’s message log', async () => {
    const log = await owner.client.get(`/api/shops/${owner.shopId}/qimen/messages?status=failed&direction=in`);
    expect(log.status).toBe(200);
    expect(log.body.items.length).toBeGreaterThan(3);
    expect(log.body.items.every((m: { status: string }) => m.status === 'failed')).toBe(true);
  });
});

describe('Qimen gateway: stock documents, once per outBizCode', () => {
  it('stockchange.report adds and removes, applied once even when sent five times at once', async () => {
    const report = {
      items: {
        item: [
          {
            ownerCode: 'TEST-OWNER',
            warehouseCode: 'WH-CLOUD',
            itemCode: CODE_A,
            quantity: '30',
            outBizCode: 'SC-1',
            inventoryType: 'ZP',
          },
          {
            ownerCode: 'TEST-OWNER',
            warehouseCode: 'WH-CLOUD',
            itemCode: CODE_B,
            quantity: '8',
            outBizCode: 'SC-1',
            inventoryType: 'ZP',
          },
        ],
      },
    };
    const answers = await Promise.all(Array.from({ length: 5 }, () => call('stockchange.report', report)));
    expect(answers.map((a) => a.flag)).toEqual(Array(5).fill('success'));
    expect(await stockAt(skuA)).toEqual({ onHand: 30, reserved: 0 });
    expect(await stockAt(skuB)).toEqual({ onHand: 8, reserved: 0 });
    const again = await call('stockchange.report', report);
    expect(again.flag).toBe('success');
    expect(await stockAt(skuA)).toEqual({ onHand: 30, reserved: 0 });

    const minus = await call('stockchange.report', {
      items: { item: { warehouseCode: 'WH-CLOUD', itemCode: CODE_B, quantity: '-3', outBizCode: 'SC-2' } },
    });
    expect(minus.flag).toBe('success');
    expect(await stockAt(skuB)).toEqual({ onHand: 5, reserved: 0 });
    // Below zero is refused (15) and changes nothing.
    const tooMuch = await call('stockchange.report', {
      items: { item: { warehouseCode: 'WH-CLOUD', itemCode: CODE_B, quantity: '-6', outBizCode: 'SC-3' } },
    });
    expect(tooMuch.code).toBe('15');
    expect(await stockAt(skuB)).toEqual({ onHand: 5, reserved: 0 });
    const dup = await owner.client.get(`/api/shops/${owner.shopId}/qimen/messages?status=duplicate`);
    expect(dup.body.items.length).toBe(5);
  });

  it('entryorder.confirm and returnorder.confirm receive good stock once', async () => {
    const [a0, b0] = [await stockAt(skuA), await stockAt(skuB)];
    const entry = {
      entryOrder: {
        entryOrderCode: 'PO-1',
        warehouseCode: 'WH-CLOUD',
        entryOrderType: 'CGRK',
        outBizCode: 'E-1',
        status: 'FULFILLED',
      },
      orderLines: {
        orderLine: [
          { itemCode: CODE_A, actualQty: '6', inventoryType: 'ZP' },
          { itemCode: CODE_A, actualQty: '4', inventoryType: 'ZP' },
          { itemCode: CODE_B, actualQty: '2', inventoryType: 'CC' },
        ],
      },
    };
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => call('entryorder.confirm', entry, { format: 'json' })),
    );
    expect(answers.every((a) => a.flag === 'success')).toBe(true);
    expect(await stockAt(skuA)).toEqual({ onHand: a0.onHand + 10, reserved: 0 });
    expect(await stockAt(skuB)).toEqual({ onHand: b0.onHand, reserved: 0 });

    const ret = {
      returnOrder: { returnOrderCode: 'RT-1', warehouseCode: 'WH-CLOUD', orderType: 'THRK', outBizCode: 'R-1' },
      orderLines: { orderLine: { itemCode: CODE_B, actualQty: '1' } },
    };
    await Promise.all([call('returnorder.confirm', ret), call('returnorder.confirm', ret)]);
    expect(await stockAt(skuB)).toEqual({ onHand: b0.onHand + 1, reserved: 0 });
  });

  it('inventory.report sets the count; inventory.query answers it', async () => {
    const r = await call('inventory.report', {
      warehouseCode: 'WH-CLOUD',
      ownerCode: 'TEST-OWNER',
      outBizCode: 'INV-1',
      items: { item: [{ itemCode: CODE_A, inventoryType: 'ZP', quantity: '50' }] },
    });
    expect(r.flag, r.message).toBe('success');
    expect(await stockAt(skuA)).toEqual({ onHand: 50, reserved: 0 });
    const q = await call('inventory.query', {
      criteriaList: {
        criteria: [
          { warehouseCode: 'WH-CLOUD', itemCode: CODE_A },
          { warehouseCode: 'WH-CLOUD', itemCode: CODE_B },
        ],
      },
    });
    expect(q.raw).toContain('<quantity>50</quantity>');
    expect(q.raw).toContain('<quantity>6</quantity>');
  });
});

// ---------------------------------------------------------------- outbound, against the simulator

async function placePaidOrder(skuId: string, quantity: number) {
  const shopper = await shopperWithAddress(p);
  const placed = await shopper.client.post('/api/checkout', {
    lines: [{ shopId: owner.shopId, skuId, quantity }],
    addressId: shopper.addressId,
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  await payOnTestPay(p, placed.body.payUrl);
  await p.settle();
  return placed.body.orders[0].id as string;
}

async function shipmentOf(orderId: string) {
  const list = await withShop(p.db, owner.shopId, (tx) => fulfillment.shipmentsOf(tx, owner.shopId, orderId));
  return list[0]!;
}

describe('Qimen outbound: delivery orders to the WMS', () => {
  it('sends deliveryorder.create for a parcel at WH-CLOUD; the WMS confirm ships it with its tracking number, once', async () => {
    const before = await stockAt(skuA);
    const orderId = await placePaidOrder(skuA, 2);
    const shipment = await shipmentOf(orderId);
    expect(shipment.locationId).toBe(cloud.id);
    expect(shipment.status).toBe('ready');
    const received = sim.orders.get(shipment.id);
    expect(received, 'the WMS got the delivery order').toBeDefined();
    expect(received!.lines).toEqual([{ itemCode: CODE_A, planQty: 2 }]);
    expect(received!.warehouseCode).toBe('WH-CLOUD');
    expect(sim.received.find((c) => c.method === 'deliveryorder.create')!.verified).toBe(true);
    expect(await stockAt(skuA)).toEqual({ onHand: before.onHand, reserved: before.reserved + 2 });

    // The WMS confirms (and, as real ones do, sends the confirm again at once).
    const [first, second] = await Promise.all([sim.confirm(shipment.id), sim.confirm(shipment.id)]);
    expect(first.flag, first.message).toBe('success');
    expect(second.flag, second.message).toBe('success');
    await p.settle();
    const order = await owner.client.get(`/api/shops/${owner.shopId}/orders/${orderId}`);
    expect(order.body.status).toBe('shipped');
    expect(order.body.trackingNo).toBe(received!.trackingNo);
    expect(order.body.carrier).toBe('顺丰速运');
    // Stock left once.
    expect(await stockAt(skuA)).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });

    const out = await owner.client.get(
      `/api/shops/${owner.shopId}/qimen/messages?direction=out&method=deliveryorder.create`,
    );
    const msg = out.body.items.find((m: { ref: string }) => m.ref === shipment.id);
    expect(msg.status).toBe('sent');
    const detail = await owner.client.get(`/api/shops/${owner.shopId}/qimen/messages/${msg.id}`);
    expect(detail.body.requestBody).toContain(`<deliveryOrderCode>${shipment.id}</deliveryOrderCode>`);
    expect(detail.body.responseBody).toContain('<flag>success</flag>');
  });

  it('retries while the WMS is down, then keeps a dead letter that can be resent', async () => {
    const saved = { ...outboundPolicy, delaysMs: [...outboundPolicy.delaysMs] };
    Object.assign(outboundPolicy, { maxAttempts: 3, delaysMs: [20, 20] });
    sim.setAvailable(false);
    try {
      const orderId = await placePaidOrder(skuB, 1);
      const shipment = await shipmentOf(orderId);
      await p.settle();
      const dead = await owner.client.get(`/api/shops/${owner.shopId}/qimen/messages?status=dead`);
      const letter = dead.body.items.find((m: { ref: string }) => m.ref === shipment.id);
      expect(letter, 'a dead letter').toBeDefined();
      expect(letter.attempts).toBe(3);
      expect(
        sim.received.filter((c) => c.method === 'deliveryorder.create' && c.answer.code === '503').length,
      ).toBeGreaterThanOrEqual(3);
      expect(sim.orders.has(shipment.id)).toBe(false);
      // Only dead letters can be resent.
      const sentOne = (await owner.client.get(`/api/shops/${owner.shopId}/qimen/messages?status=sent`)).body.items[0];
      expect((await owner.client.post(`/api/shops/${owner.shopId}/qimen/messages/${sentOne.id}/resend`)).status).toBe(
        409,
      );

      sim.setAvailable(true);
      const resent = await owner.client.post(`/api/shops/${owner.shopId}/qimen/messages/${letter.id}/resend`);
      expect(resent.status).toBe(200);
      expect(resent.body.status).toBe('queued');
      await p.settle();
      const after = await owner.client.get(`/api/shops/${owner.shopId}/qimen/messages/${letter.id}`);
      expect(after.body.status).toBe('sent');
      expect(sim.orders.has(shipment.id)).toBe(true);

      // The parcel is cancelled: the WMS is told with order.cancel.
      await withShop(p.db, owner.shopId, (tx) => fulfillment.cancelOrderShipments(tx, owner.shopId, orderId, 'test'));
      await p.settle();
      expect(sim.orders.get(shipment.id)!.status).toBe('cancelled');
      const cancel = sim.received.find((c) => c.method === 'order.cancel');
      expect(cancel?.verified).toBe(true);
      expect(cancel?.answer.flag).toBe('success');
    } finally {
      Object.assign(outboundPolicy, saved);
      sim.setAvailable(true);
    }
  });
});

describe('Qimen outbound: re-routing to and from a WMS warehouse', () => {
  it('a ready parcel moved to a store is cancelled at the WMS; moved back, the WMS gets a new delivery order whose confirm ships it', async () => {
    const before = await stockAt(skuA);
    const orderId = await placePaidOrder(skuA, 1);
    const shipment = await shipmentOf(orderId);
    expect(shipment.locationId).toBe(cloud.id);
    expect(sim.orders.get(shipment.id)?.status).toBe('accepted');

    const store = await owner.client.post(`/api/shops/${owner.shopId}/locations`, {
      name: '西湖门店',
      kind: 'store',
      code: 'ST-WEST',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      address: '文三路 1 号',
      canShip: true,
    });
    expect(store.status, JSON.stringify(store.body)).toBe(201);
    await withShop(p.db, owner.shopId, (tx) =>
      inventory.setStock(
        tx,
        owner.shopId,
        skuA,
        5,
        { type: 'test', id: `store-${orderId}` },
        { locationId: store.body.id },
      ),
    );
    const cancelsBefore = sim.received.filter((c) => c.method === 'order.cancel').length;

    // Away to the store: the WMS is told to cancel the delivery order it holds.
    const away = await owner.client.post(`/api/shops/${owner.shopId}/shipments/${shipment.id}/reassign`, {
      locationId: store.body.id,
      reason: '门店发货',
    });
    expect(away.status, JSON.stringify(away.body)).toBe(200);
    await p.settle();
    expect(sim.orders.get(shipment.id)!.status).toBe('cancelled');
    const cancels = sim.received.filter((c) => c.method === 'order.cancel');
    expect(cancels.length).toBe(cancelsBefore + 1);
    expect(cancels.at(-1)!.body).toContain(`<orderCode>${shipment.id}</orderCode>`);
    expect(cancels.at(-1)!.verified).toBe(true);

    // Back to WH-CLOUD: a new delivery order, with a code the WMS tells apart from the cancelled one.
    const back = await owner.client.post(`/api/shops/${owner.shopId}/shipments/${shipment.id}/reassign`, {
      locationId: cloud.id,
    });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    await p.settle();
    const code = `${shipment.id}.2`;
    const again = sim.orders.get(code);
    expect(again, 'the WMS got a second delivery order').toBeDefined();
    expect(again!.status).toBe('accepted');
    expect(again!.lines).toEqual([{ itemCode: CODE_A, planQty: 1 }]);
    expect(again!.warehouseCode).toBe('WH-CLOUD');
    const creates = await owner.client.get(
      `/api/shops/${owner.shopId}/qimen/messages?direction=out&method=deliveryorder.create`,
    );
    const mine = creates.body.items.filter((m: { ref: string }) => m.ref.startsWith(shipment.id));
    expect(mine.map((m: { ref: string; status: string }) => [m.ref, m.status]).sort()).toEqual([
      [shipment.id, 'sent'],
      [code, 'sent'],
    ]);
    expect(await stockAt(skuA)).toEqual({ onHand: before.onHand, reserved: before.reserved + 1 });

    // A confirm of the cancelled delivery order is refused and changes nothing.
    const stale = await call('deliveryorder.confirm', {
      deliveryOrder: {
        deliveryOrderCode: shipment.id,
        warehouseCode: 'WH-CLOUD',
        orderType: 'JYCK',
        status: 'DELIVERED',
        outBizCode: `STALE-${shipment.id}`,
        confirmType: '0',
      },
      packages: { package: { logisticsCode: 'SF', expressCode: 'SF1234567890' } },
    });
    expect(stale.flag).toBe('failure');
    expect(stale.code).toBe('15');
    expect(stale.message).toContain(shipment.id);
    expect((await shipmentOf(orderId)).status).toBe('ready');

    // The WMS confirms the new one: the parcel ships from WH-CLOUD, stock leaves once.
    const confirmed = await sim.confirm(code);
    expect(confirmed.flag, confirmed.message).toBe('success');
    await p.settle();
    const shipped = await shipmentOf(orderId);
    expect(shipped.status).toBe('shipped');
    expect(shipped.locationId).toBe(cloud.id);
    expect(shipped.trackingNo).toBe(again!.trackingNo);
    const order = await owner.client.get(`/api/shops/${owner.shopId}/orders/${orderId}`);
    expect(order.body.status).toBe('shipped');
    expect(await stockAt(skuA)).toEqual({ onHand: before.onHand - 1, reserved: before.reserved });
    expect(await stockAt(skuA, store.body.id)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('a delivery order still waiting for a retry when the parcel ships by hand is withdrawn, not sent', async () => {
    const saved = { ...outboundPolicy, delaysMs: [...outboundPolicy.delaysMs] };
    Object.assign(outboundPolicy, { delaysMs: [60_000] });
    sim.setAvailable(false);
    try {
      const orderId = await placePaidOrder(skuB, 1);
      const shipment = await shipmentOf(orderId);
      const list = await owner.client.get(`/api/shops/${owner.shopId}/qimen/messages?direction=out`);
      const create = list.body.items.find(
        (m: { ref: string; method: string }) => m.ref === shipment.id && m.method === 'deliveryorder.create',
      );
      expect(create.status).toBe('retrying');
      // The merchant ships it from the workbench meanwhile (no event withdraws the message).
      await withShop(p.db, owner.shopId, (tx) =>
        fulfillment.confirmShipped(
          tx,
          owner.shopId,
          shipment.id,
          { carrier: '顺丰速运', trackingNo: 'SF9876543210' },
          { type: 'test', id: shipment.id },
        ),
      );
      sim.setAvailable(true);
      await p.db.$client.query(`update jobs set run_at = now() where name = 'qimen.send' and status = 'queued'`);
      await p.settle();
      const after = await owner.client.get(`/api/shops/${owner.shopId}/qimen/messages/${create.id}`);
      expect(after.body.status).toBe('cancelled');
      expect(sim.orders.has(shipment.id)).toBe(false);
    } finally {
      Object.assign(outboundPolicy, saved);
      sim.setAvailable(true);
    }
  });
});

describe('Qimen outbound: a delivery order withdrawn while it is on its way', () => {
  it('the WMS took it as the parcel moved away: it is sent order.cancel', async () => {
    const store = await owner.client.post(`/api/shops/${owner.shopId}/locations`, {
      name: '湖滨门店',
      kind: 'store',
      code: 'ST-LAKE',
      province: '浙江省',
      city: '杭州市',
      district: '上城区',
      address: '湖滨路 1 号',
      canShip: true,
    });
    expect(store.status, JSON.stringify(store.body)).toBe(201);
    await withShop(p.db, owner.shopId, async (tx) => {
      await inventory.setStock(
        tx,
        owner.shopId,
        skuA,
        5,
        { type: 'test', id: 'lake-store' },
        { locationId: store.body.id },
      );
      await inventory.setStock(tx, owner.shopId, skuA, 5, { type: 'test', id: 'lake-cloud' }, { locationId: cloud.id });
    });
    // A WMS that, while it handles the first delivery order, sees the merchant move the parcel
    // to a store (and the platform withdraw the create it is still sending); then it says yes.
    const calls: { method: string; body: string }[] = [];
    let moved = false;
    const wms = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        const method = new URL(req.url!, 'http://wms').searchParams.get('method') ?? '';
        calls.push({ method, body });
        if (method.endsWith('deliveryorder.create') && !moved) {
          moved = true;
          const code = /<deliveryOrderCode>([^<]+)</.exec(body)![1]!;
          const away = await owner.client.post(`/api/shops/${owner.shopId}/shipments/${code}/reassign`, {
            locationId: store.body.id,
          });
          expect(away.status, JSON.stringify(away.body)).toBe(200);
          await p.settle(); // the re-route is handled: the create, still in flight, is withdrawn
        }
        res.setHeader('content-type', 'text/xml');
        res.end('<response><flag>success</flag><code>0</code><message>OK</message></response>');
      });
    });
    await new Promise<void>((r) => wms.listen(0, '127.0.0.1', r));
    const put = (endpointUrl: string) =>
      owner.client.request('PUT', `/api/shops/${owner.shopId}/qimen/partners/${partner.id}`, {
        name: '测试云仓 WMS',
        customerId: 'TEST-OWNER',
        signMethod: 'md5',
        endpointUrl,
        locationIds: [cloud.id],
        callsPerMinute: 6000,
      });
    expect((await put(`http://127.0.0.1:${(wms.address() as { port: number }).port}/qimen`)).status).toBe(200);
    try {
      const orderId = await placePaidOrder(skuA, 1);
      const shipment = await shipmentOf(orderId);
      expect(moved).toBe(true);
      expect(shipment.locationId).toBe(store.body.id);
      const log = await owner.client.get(`/api/shops/${owner.shopId}/qimen/messages?direction=out`);
      const mine = log.body.items.filter((m: { ref: string }) => m.ref === shipment.id);
      expect(mine.map((m: { method: string; status: string }) => [m.method, m.status]).sort()).toEqual([
        ['deliveryorder.create', 'cancelled'],
        ['order.cancel', 'sent'],
      ]);
      const cancel = calls.find((c) => c.method.endsWith('order.cancel'));
      expect(cancel?.body).toContain(`<orderCode>${shipment.id}</orderCode>`);
      expect(cancel?.body).toContain('<warehouseCode>WH-CLOUD</warehouseCode>');
    } finally {
      expect((await put(sim.url)).status).toBe(200);
      await new Promise((r) => wms.close(r));
    }
  });
});

describe('Qimen message log retention', () => {
  it('deletes messages older than the retention in batches, keeps recent and still-needed ones; a replay past it changes nothing', async () => {
    const shopId = owner.shopId;
    const q = (text: string, values: unknown[] = []) => p.db.$client.query(text, values);
    const age = (id: string, days: number) =>
      q(`update qimen_messages set created_at = now() - make_interval(days => $2) where shop_id = $1 and id = $3`, [
        shopId,
        days,
        id,
      ]);
    const insert = async (
      days: number,
      row: { direction: 'in' | 'out'; method: string; status: string; ref?: string },
    ) => {
      const id = newId('qmm');
      await q(
        `insert into qimen_messages (shop_id, id, partner_id, direction, method, status, ref, out_biz_code, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, now() - make_interval(days => $9))`,
        [shopId, id, partner.id, row.direction, row.method, row.status, row.ref ?? null, `OB-${id}`, days],
      );
      return id;
    };
    // A parcel still waiting at WH-CLOUD: its (old) delivery order must stay for a later cancel.
    const waiting = await shipmentOf(await placePaidOrder(skuA, 1));
    const ids = async (where: string, values: unknown[]) =>
      (await q(`select id from qimen_messages where shop_id = $1 and ${where}`, [shopId, ...values])).rows.map(
        (r: { id: string }) => r.id,
      );
    const [waitingCreate] = await ids(`method = 'deliveryorder.create' and ref = $2`, [waiting.id]);
    expect(waitingCreate).toBeDefined();
    await age(waitingCreate!, 40);
    // Everything the earlier tests logged is old now.
    await q(`update qimen_messages set created_at = now() - interval '40 days' where shop_id = $1 and id <> $2`, [
      shopId,
      waitingCreate,
    ]);
    const live = await ids(`direction = 'out' and status in ('queued', 'retrying', 'dead')`, []);

    const doomed = [
      await insert(31, { direction: 'in', method: 'stockchange.report', status: 'succeeded' }),
      await insert(45, { direction: 'in', method: 'inventory.query', status: 'failed' }),
      await insert(60, { direction: 'out', method: 'order.cancel', status: 'sent', ref: 'shp_gone' }),
      await insert(60, { direction: 'out', method: 'deliveryorder.create', status: 'sent', ref: 'shp_gone' }),
    ];
    const kept = [
      await insert(29, { direction: 'in', method: 'stockchange.report', status: 'succeeded' }),
      await insert(1, { direction: 'out', method: 'deliveryorder.create', status: 'sent', ref: 'shp_recent' }),
      await insert(90, { direction: 'out', method: 'deliveryorder.create', status: 'retrying', ref: 'shp_retry' }),
      await insert(90, { direction: 'out', method: 'order.cancel', status: 'dead', ref: 'shp_dead' }),
      waitingCreate!,
    ];
    const before = Number((await q(`select count(*) from qimen_messages where shop_id = $1`, [shopId])).rows[0].count);
    const old = Number(
      (
        await q(`select count(*) from qimen_messages where shop_id = $1 and created_at < now() - interval '30 days'`, [
          shopId,
        ])
      ).rows[0].count,
    );
    expect(old).toBeGreaterThan(30);

    const deleted = await purgeMessages(p.db, 30, { batchSize: 3, maxBatchesPerRun: 1000 });
    const left = async (list: string[]) => ids(`id = any($2)`, [list]);
    expect(await left(doomed)).toEqual([]);
    expect((await left(kept)).sort()).toEqual([...kept].sort());
    const after = Number((await q(`select count(*) from qimen_messages where shop_id = $1`, [shopId])).rows[0].count);
    expect(before - after).toBe(deleted);
    // Only the kept ones are older than 30 days now.
    expect((await ids(`created_at < now() - interval '30 days'`, [])).sort()).toEqual(
      [kept[2]!, kept[3]!, waitingCreate!, ...live].sort(),
    );
    // A second run finds nothing more to delete; a run capped at one batch stops there.
    expect(await purgeMessages(p.db, 30, { batchSize: 3, maxBatchesPerRun: 1000 })).toBe(0);
    for (let i = 0; i < 5; i++) await insert(100, { direction: 'in', method: 'inventory.query', status: 'succeeded' });
    expect(await purgeMessages(p.db, 30, { batchSize: 2, maxBatchesPerRun: 1 })).toBe(2);
    expect(await purgeMessages(p.db, 30, { batchSize: 2, maxBatchesPerRun: 10 })).toBe(3);

    // stockchange.report SC-1 is out of the log now: sent again, it is applied against the
    // stock ledger (idempotent by the same reference) and changes nothing.
    const stock = [await stockAt(skuA), await stockAt(skuB)];
    const replay = await call('stockchange.report', {
      items: {
        item: [
          { warehouseCode: 'WH-CLOUD', itemCode: CODE_A, quantity: '30', outBizCode: 'SC-1', inventoryType: 'ZP' },
          { warehouseCode: 'WH-CLOUD', itemCode: CODE_B, quantity: '8', outBizCode: 'SC-1', inventoryType: 'ZP' },
        ],
      },
    });
    expect(replay.flag, replay.message).toBe('success');
    expect([await stockAt(skuA), await stockAt(skuB)]).toEqual(stock);

    // The waiting parcel's delivery order was kept: cancelling it still reaches the WMS.
    await withShop(p.db, shopId, (tx) => fulfillment.cancelShipment(tx, shopId, waiting.id, { reason: 'test' }));
    await p.settle();
    expect(sim.orders.get(waiting.id)!.status).toBe('cancelled');
  });

  it('reads the retention from QIMEN_LOG_RETENTION_DAYS: 30 days unless set, never under 7', () => {
    expect(loadConfig({}).QIMEN_LOG_RETENTION_DAYS).toBe(30);
    expect(loadConfig({ QIMEN_LOG_RETENTION_DAYS: '90' }).QIMEN_LOG_RETENTION_DAYS).toBe(90);
    expect(() => loadConfig({ QIMEN_LOG_RETENTION_DAYS: '3' })).toThrow(/QIMEN_LOG_RETENTION_DAYS/);
  });
});

describe('Qimen router: calls a minute per app key', () => {
  async function limitedPartner(callsPerMinute: number) {
    const created = await owner.client.post(`/api/shops/${owner.shopId}/qimen/partners`, {
      name: `限流 ${callsPerMinute}`,
      customerId: 'TEST-OWNER',
      callsPerMinute,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.partner.callsPerMinute).toBe(callsPerMinute);
    return {
      id: created.body.partner.id as string,
      appKey: created.body.partner.appKey as string,
      secret: created.body.secret as string,
    };
  }
  const query = { criteriaList: { criteria: { warehouseCode: 'WH-CLOUD', itemCode: CODE_A } } };
  const logged = async (partnerId: string) =>
    Number(
      (
        await p.db.$client.query(`select count(*) from qimen_messages where shop_id = $1 and partner_id = $2`, [
          owner.shopId,
          partnerId,
        ])
      ).rows[0].count,
    );

  it('beyond its limit a partner gets code 7 (App Call Limited) in the envelope, and nothing is done or logged', async () => {
    const lim = await limitedPartner(3);
    const as = { appKey: lim.appKey, secret: lim.secret };
    for (let i = 0; i < 3; i++) expect((await call('inventory.query', query, as)).flag).toBe('success');
    const before = await stockAt(skuA);
    const logs = await logged(lim.id);
    const over = await call(
      'stockchange.report',
      { items: { item: { warehouseCode: 'WH-CLOUD', itemCode: CODE_A, quantity: '7', outBizCode: 'SC-LIMIT' } } },
      as,
    );
    expect(over.status).toBe(200);
    expect(over.flag).toBe('failure');
    expect(over.code).toBe('7');
    expect(over.raw).toContain('<sub_code>accesscontrol.limited-by-app-access-count</sub_code>');
    expect(over.message).toContain('3');
    expect(Number(String(over.message).match(/(\d+) 秒/)?.[1])).toBeGreaterThan(0);
    expect(await stockAt(skuA)).toEqual(before);
    expect(await logged(lim.id)).toBe(logs);
    // JSON answers carry it too, in English when asked.
    const res = await p.app.inject({
      method: 'POST',
      url: `/router/qimen/service?${new URLSearchParams(
        buildRequest({
          method: 'inventory.query',
          appKey: lim.appKey,
          customerId: 'TEST-OWNER',
          secret: lim.secret,
          sign: { method: 'md5' },
          doc: query,
          format: 'json',
        }).query,
      ).toString()}`,
      headers: { 'content-type': 'application/json', 'accept-language': 'en-US' },
      payload: JSON.stringify(query),
    });
    expect(res.statusCode).toBe(200);
    const json = JSON.parse(res.body) as { response: Record<string, string> };
    expect(json.response).toMatchObject({
      flag: 'failure',
      code: '7',
      sub_code: 'accesscontrol.limited-by-app-access-count',
    });
    expect(json.response.message).toContain('App Call Limited');
    // Other partners are not held back.
    expect((await call('inventory.query', query)).flag).toBe('success');
    // The merchant raises the limit: it holds at once.
    const raised = await owner.client.request('PUT', `/api/shops/${owner.shopId}/qimen/partners/${lim.id}`, {
      name: '限流 3',
      customerId: 'TEST-OWNER',
      callsPerMinute: 100,
    });
    expect(raised.status).toBe(200);
    expect(raised.body.callsPerMinute).toBe(100);
    expect((await call('inventory.query', query, as)).flag).toBe('success');
  });

  it('counts only verified calls: unsigned junk cannot spend a partner’s budget, and only so much of it is logged', async () => {
    const lim = await limitedPartner(2);
    const as = { appKey: lim.appKey, secret: lim.secret };
    const junk = await Promise.all(
      Array.from({ length: AUTH_FAILURES_LOGGED_PER_MINUTE + 10 }, () =>
        call('inventory.query', query, { ...as, secret: 'not-the-secret' }),
      ),
    );
    expect(new Set(junk.map((j) => j.code))).toEqual(new Set(['25']));
    expect(await logged(lim.id)).toBe(AUTH_FAILURES_LOGGED_PER_MINUTE);
    expect((await call('inventory.query', query, as)).flag).toBe('success');
    expect((await call('inventory.query', query, as)).flag).toBe('success');
    expect((await call('inventory.query', query, as)).code).toBe('7');
  });

  it('refuses a limit that is not a whole number from 1 up', async () => {
    for (const callsPerMinute of [0, -5, 1.5, '100']) {
      const r = await owner.client.post(`/api/shops/${owner.shopId}/qimen/partners`, {
        name: '坏限额',
        customerId: 'X',
        callsPerMinute,
      });
      expect(r.status, String(callsPerMinute)).toBe(400);
      expect(r.body.code).toBe('validation_failed');
      expect(JSON.stringify(r.body.errors)).toContain('callsPerMinute');
    }
    const list = await owner.client.get(`/api/shops/${owner.shopId}/qimen/partners`);
    expect(list.body.items.find((x: { id: string }) => x.id === partner.id).callsPerMinute).toBe(6000);
  });
});

describe('Qimen partners in the workbench', () => {
  it('shows the secret once, rotates it (the old one stops working), and refuses another shop’s warehouse', async () => {
    const list = await owner.client.get(`/api/shops/${owner.shopId}/qimen/partners`);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.items[0].secretHint).toBe(`…${secret.slice(-4)}`);

    const rotated = await owner.client.post(`/api/shops/${owner.shopId}/qimen/partners/${partner.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    const query = { criteriaList: { criteria: { warehouseCode: 'WH-CLOUD', itemCode: CODE_A } } };
    expect((await call('inventory.query', query)).code).toBe('25');
    const old = secret;
    secret = rotated.body.secret;
    expect((await call('inventory.query', query)).flag).toBe('success');
    expect(old).not.toBe(secret);

    const taken = await owner.client.post(`/api/shops/${owner.shopId}/qimen/partners`, {
      name: '另一个',
      appKey: partner.appKey,
      customerId: 'X',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('qimen.app_key_taken');

    const other = await p.shopOwner();
    const foreign = await other.client.post(`/api/shops/${other.shopId}/qimen/partners`, {
      name: '越界',
      customerId: 'X',
      locationIds: [cloud.id],
    });
    expect(foreign.status).toBe(400);
    const second = await owner.client.post(`/api/shops/${owner.shopId}/qimen/partners`, {
      name: '第二个 WMS',
      customerId: 'X',
      locationIds: [cloud.id],
    });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('qimen.location_taken');
  });
});
