import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { withShop } from '../../kernel/db/tenant.js';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { createProduct } from '../../../test/commerce.js';
import * as inventory from './service.js';

let p: TestPlatform;
let owner: Awaited<ReturnType<TestPlatform['shopOwner']>>;
let base: string;
beforeAll(async () => {
  p = await createTestPlatform();
  owner = await p.shopOwner();
  base = `/api/shops/${owner.shopId}`;
});

const store = (code: string, overrides: Record<string, unknown> = {}) => ({
  name: `西湖银泰店 ${code}`,
  kind: 'store',
  code,
  province: '浙江省',
  city: '杭州市',
  district: '上城区',
  address: '延安路 98 号银泰百货 B1',
  lat: 30.2572,
  lng: 120.1636,
  openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], open: '10:00', close: '22:00' }],
  canShip: false,
  canPickup: true,
  priority: 10,
  ...overrides,
});
const warehouse = (code: string, overrides: Record<string, unknown> = {}) => ({
  name: `仓库 ${code}`,
  kind: 'warehouse',
  code,
  city: '杭州市',
  canShip: true,
  ...overrides,
});

async function defaultLocationId() {
  const list = await owner.client.get(`${base}/locations`);
  return (list.body.items as { id: string; isDefault: boolean }[]).find((l) => l.isDefault)!.id;
}
const put = (url: string, body: unknown) => owner.client.request('PUT', url, body);
const patch = (url: string, body: unknown) => owner.client.request('PATCH', url, body);
const levelAt = async (skuId: string, locationId: string) => {
  const grid = await owner.client.get(`${base}/stock?locationId=${locationId}&limit=50`);
  const item = (
    grid.body.items as {
      skuId: string;
      levels: { onHand: number; reserved: number; available: number; low: boolean }[];
    }[]
  ).find((i) => i.skuId === skuId);
  return item!.levels[0]!;
};

describe('locations and channels', () => {
  it('creates a store with its channel, keeps codes unique, validates coordinates and hours', async () => {
    const created = await owner.client.post(`${base}/locations`, store('ST-XH'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'ST-XH', kind: 'store', canPickup: true, lat: 30.2572 });

    const dup = await owner.client.post(`${base}/locations`, warehouse('ST-XH'));
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('inventory.location_code_taken');
    expect(dup.body.errors[0].field).toBe('body.code');

    const halfCoords = await owner.client.post(`${base}/locations`, warehouse('WH-X', { lat: 30, lng: null }));
    expect(halfCoords.status).toBe(400);
    const badHours = await owner.client.post(
      `${base}/locations`,
      warehouse('WH-Y', { openingHours: [{ days: [1], open: '18:00', close: '09:00' }] }),
    );
    expect(badHours.status).toBe(400);

    const channels = await owner.client.get(`${base}/channels`);
    const items = channels.body.items as {
      kind: string;
      storeLocationId: string | null;
      effectiveLocationIds: string[];
    }[];
    expect(items[0]!.kind).toBe('online');
    const storeChannel = items.find((c) => c.storeLocationId === created.body.id)!;
    expect(storeChannel.effectiveLocationIds).toEqual([created.body.id]);
    // The online channel sells from shipping locations only: not the store.
    expect(items[0]!.effectiveLocationIds).not.toContain(created.body.id);

    const edited = await put(`${base}/locations/${created.body.id}`, store('ST-XH', { name: '西湖店' }));
    expect(edited.status).toBe(200);
    const renamed = (await owner.client.get(`${base}/channels`)).body.items.find(
      (c: { storeLocationId: string | null }) => c.storeLocationId === created.body.id,
    );
    expect(renamed.name).toBe('西湖店');
  });

  it('available-to-promise per channel: online sums shipping locations, a store only itself', async () => {
    const product = await createProduct(owner, { stock: 10 });
    const skuId = product.skus[0]!.id;
    const wh = (await owner.client.post(`${base}/locations`, warehouse('WH-ATP'))).body;
    const shop = (await owner.client.post(`${base}/locations`, store('ST-ATP'))).body;
    await owner.client.post(`${base}/stock/${skuId}/${wh.id}/adjustments`, { onHand: 7, reason: 'received' });
    await owner.client.post(`${base}/stock/${skuId}/${shop.id}/adjustments`, { onHand: 4, reason: 'received' });
    await patch(`${base}/stock/${skuId}/${wh.id}`, { safetyStock: 2 });

    const channels = (await owner.client.get(`${base}/channels`)).body.items as {
      id: string;
      kind: string;
      storeLocationId: string | null;
    }[];
    const online = channels.find((c) => c.kind === 'online')!;
    const storeChannel = channels.find((c) => c.storeLocationId === shop.id)!;
    const atpOf = async (channelId: string) =>
      (await owner.client.get(`${base}/channels/${channelId}/atp?skuIds=${skuId}`)).body.items[0].available;
    expect(await atpOf(online.id)).toBe(10 + 7 - 2);
    expect(await atpOf(storeChannel.id)).toBe(4);
    // What shoppers see is the online channel's.
    expect((await owner.client.get(`${base}/products/${product.id}`)).body.skus[0].available).toBe(15);

    // The merchant narrows the online channel to the new warehouse.
    const narrowed = await put(`${base}/channels/${online.id}/locations`, {
      allShipLocations: false,
      locationIds: [wh.id],
    });
    expect(narrowed.status).toBe(200);
    expect(await atpOf(online.id)).toBe(5);
    await put(`${base}/channels/${online.id}/locations`, { allShipLocations: true, locationIds: [] });
    // A deactivated location promises nothing.
    await put(`${base}/locations/${wh.id}`, warehouse('WH-ATP', { active: false }));
    expect(await atpOf(online.id)).toBe(10);
    const unknown = await owner.client.get(`${base}/channels/chn_nope/atp?skuIds=${skuId}`);
    expect(unknown.status).toBe(404);
  });

  it('the product editor sets what the online shop can sell, whatever sits in other warehouses', async () => {
    const product = await createProduct(owner, { stock: 10 });
    const skuId = product.skus[0]!.id;
    const wh = (await owner.client.post(`${base}/locations`, warehouse('WH-ED'))).body;
    await owner.client.post(`${base}/stock/${skuId}/${wh.id}/adjustments`, { onHand: 6, reason: 'received' });
    const full = (await owner.client.get(`${base}/products/${product.id}`)).body;
    expect(full.skus[0].available).toBe(16);
    const body = {
      title: full.title,
      platformCategoryId: full.platformCategoryId,
      status: full.status,
      specAxes: full.specAxes,
      skus: [{ spec: full.skus[0].spec, price: full.skus[0].price, stock: 16 }],
    };
    // Saving unchanged changes nothing.
    expect((await put(`${base}/products/${product.id}`, body)).body.skus[0].available).toBe(16);
    const saved = await put(`${base}/products/${product.id}`, { ...body, skus: [{ ...body.skus[0], stock: 20 }] });
    expect(saved.body.skus[0].available).toBe(20);
    expect((await levelAt(skuId, wh.id)).onHand).toBe(6);
    expect((await levelAt(skuId, await defaultLocationId())).onHand).toBe(14);
  });
});

describe('adjustments, ledger and low stock', () => {
  it('adjusts with a reason, refuses going below reserved with the SKU named, and keeps a ledger', async () => {
    const product = await createProduct(owner, { stock: 5, title: '明前龙井' });
    const skuId = product.skus[0]!.id;
    const loc = await defaultLocationId();
    const down = await owner.client.post(`${base}/stock/${skuId}/${loc}/adjustments`, { delta: -2, reason: 'damaged' });
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ onHand: 3, available: 3 });
    const negative = await owner.client.post(`${base}/stock/${skuId}/${loc}/adjustments`, {
      delta: -4,
      reason: 'lost',
    });
    expect(negative.status).toBe(409);
    expect(negative.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(negative.body.code).toBe('inventory.negative_stock');
    expect(negative.body.detail).toContain('明前龙井');
    expect(negative.body.errors[0].message).toContain('3 on hand, 0 reserved');
    // Idempotency-Key: a replay answers the first result and moves nothing.
    const key = { 'idempotency-key': `adj-${skuId}` };
    const first = await owner.client.post(
      `${base}/stock/${skuId}/${loc}/adjustments`,
      { delta: 10, reason: 'received' },
      key,
    );
    const again = await owner.client.post(
      `${base}/stock/${skuId}/${loc}/adjustments`,
      { delta: 10, reason: 'received' },
      key,
    );
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.onHand).toBe(first.body.onHand);
    expect((await levelAt(skuId, loc)).onHand).toBe(13);

    const ledger = await owner.client.get(`${base}/stock/${skuId}/${loc}/ledger?limit=2`);
    expect(ledger.status).toBe(200);
    expect(ledger.body.items[0]).toMatchObject({
      reason: 'received',
      onHandDelta: 10,
      onHandAfter: 13,
      actorName: 'merchant',
    });
    expect(ledger.body.items[1]).toMatchObject({ reason: 'damaged', onHandDelta: -2, onHandAfter: 3 });
    const next = await owner.client.get(
      `${base}/stock/${skuId}/${loc}/ledger?limit=2&cursor=${ledger.body.nextCursor}`,
    );
    expect(next.body.items[0]).toMatchObject({ onHandDelta: 5, onHandAfter: 5 });
    expect(next.body.nextCursor).toBeNull();
  });

  it('raises a low-stock alert once when a level crosses its threshold, and clears it', async () => {
    const product = await createProduct(owner, { stock: 10, title: '低库存测试茶' });
    const skuId = product.skus[0]!.id;
    const loc = await defaultLocationId();
    const set = await patch(`${base}/stock/${skuId}/${loc}`, { lowStockThreshold: 3 });
    expect(set.body).toMatchObject({ low: false, threshold: 3 });
    const before = await p.db.execute<{ n: number }>(
      sql`select count(*)::int as n from outbox where topic = 'inventory.low_stock' and payload->>'skuId' = ${skuId}`,
    );
    await owner.client.post(`${base}/stock/${skuId}/${loc}/adjustments`, { delta: -7, reason: 'damaged' });
    await owner.client.post(`${base}/stock/${skuId}/${loc}/adjustments`, { delta: -1, reason: 'damaged' });
    const after = await p.db.execute<{ n: number }>(
      sql`select count(*)::int as n from outbox where topic = 'inventory.low_stock' and payload->>'skuId' = ${skuId}`,
    );
    expect(after.rows[0]!.n - before.rows[0]!.n).toBe(1);
    const alerts = await owner.client.get(`${base}/low-stock`);
    const mine = alerts.body.items.find((a: { skuId: string }) => a.skuId === skuId);
    expect(mine).toMatchObject({ title: '低库存测试茶', available: 2, threshold: 3, locationId: loc });
    const count = (await owner.client.get(`${base}/low-stock/count`)).body.count;
    expect(count).toBe(alerts.body.total);
    await owner.client.post(`${base}/stock/${skuId}/${loc}/adjustments`, { delta: 5, reason: 'received' });
    expect((await owner.client.get(`${base}/low-stock/count`)).body.count).toBe(count - 1);

    // The shop default applies to levels without their own threshold.
    const other = await createProduct(owner, { stock: 2, title: '默认阈值茶' });
    await put(`${base}/inventory-settings`, { lowStockThreshold: 5 });
    const list = (await owner.client.get(`${base}/low-stock?limit=100`)).body.items.map(
      (a: { skuId: string }) => a.skuId,
    );
    expect(list).toContain(other.skus[0]!.id);
    expect(list).not.toContain(skuId); // its own threshold (3) applies: 7 available
    await put(`${base}/inventory-settings`, { lowStockThreshold: null });
  });
});

describe('transfers', () => {
  it('draft → shipped → received moves stock with ledger reasons; replays and wrong states are safe', async () => {
    const product = await createProduct(owner, { stock: 10, colours: ['红', '绿'] });
    const [red, green] = product.skus.map((s) => s.id) as [string, string];
    const from = await defaultLocationId();
    const to = (await owner.client.post(`${base}/locations`, store('ST-TR'))).body.id as string;
    const draft = await owner.client.post(`${base}/transfers`, {
      fromLocationId: from,
      toLocationId: to,
      lines: [
        { skuId: red, quantity: 4 },
        { skuId: green, quantity: 1 },
      ],
    });
    expect(draft.status).toBe(201);
    expect(draft.body.status).toBe('draft');
    const tid = draft.body.id as string;
    expect((await owner.client.post(`${base}/transfers/${tid}/receive`)).status).toBe(409);

    const shipped = await Promise.all([1, 2, 3].map(() => owner.client.post(`${base}/transfers/${tid}/ship`)));
    expect(shipped.every((r) => r.status === 200 && r.body.status === 'shipped')).toBe(true);
    expect((await levelAt(red, from)).onHand).toBe(6);
    expect((await levelAt(green, from)).onHand).toBe(9);
    expect((await owner.client.post(`${base}/transfers/${tid}/cancel`)).body.code).toBe(
      'inventory.transfer_already_shipped',
    );

    const received = await Promise.all([1, 2].map(() => owner.client.post(`${base}/transfers/${tid}/receive`)));
    expect(received.every((r) => r.body.status === 'received')).toBe(true);
    expect((await levelAt(red, to)).onHand).toBe(4);
    const ledgerOut = (await owner.client.get(`${base}/stock/${red}/${from}/ledger`)).body.items[0];
    expect(ledgerOut).toMatchObject({ reason: 'transfer_out', refType: 'transfer', refId: tid, onHandDelta: -4 });
    const ledgerIn = (await owner.client.get(`${base}/stock/${red}/${to}/ledger`)).body.items;
    expect(ledgerIn).toHaveLength(1);
    expect(ledgerIn[0]).toMatchObject({ reason: 'transfer_in', onHandDelta: 4 });

    const list = await owner.client.get(`${base}/transfers?locationId=${to}`);
    expect(list.body.items.map((t: { id: string }) => t.id)).toContain(tid);
  });

  it('refuses to ship what would fall below reserved, naming every SKU, and moves nothing', async () => {
    const product = await createProduct(owner, { stock: 5, colours: ['大', '小'], title: '紫砂壶' });
    const [big, small] = product.skus.map((s) => s.id) as [string, string];
    const from = await defaultLocationId();
    await withShop(p.db, owner.shopId, (tx) =>
      inventory.reserveAt(tx, owner.shopId, from, [{ skuId: big, quantity: 3 }], { type: 'test', id: 'hold-1' }),
    );
    const to = (await owner.client.post(`${base}/locations`, warehouse('WH-NEG'))).body.id as string;
    const t = await owner.client.post(`${base}/transfers`, {
      fromLocationId: from,
      toLocationId: to,
      lines: [
        { skuId: big, quantity: 3 },
        { skuId: small, quantity: 9 },
      ],
    });
    const refused = await owner.client.post(`${base}/transfers/${t.body.id}/ship`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('inventory.negative_stock');
    expect(refused.body.detail).toContain('紫砂壶 大');
    expect(refused.body.detail).toContain('紫砂壶 小');
    expect(refused.body.errors).toHaveLength(2);
    expect((await levelAt(big, from)).onHand).toBe(5);
    expect((await owner.client.get(`${base}/transfers/${t.body.id}`)).body.status).toBe('draft');
    const same = await owner.client.post(`${base}/transfers`, {
      fromLocationId: from,
      toLocationId: from,
      lines: [{ skuId: big, quantity: 1 }],
    });
    expect(same.status).toBe(400);
    const cancelled = await owner.client.post(`${base}/transfers/${t.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await owner.client.post(`${base}/transfers/${t.body.id}/ship`)).body.code).toBe(
      'inventory.transfer_cancelled',
    );
  });
});

describe('stocktakes', () => {
  it('snapshots, takes counts by hand and by CSV (barcode or SKU id), applies all-or-nothing', async () => {
    const loc = (await owner.client.post(`${base}/locations`, warehouse('WH-ST'))).body.id as string;
    const res = await owner.client.post(`${base}/products`, {
      title: '白毫银针',
      platformCategoryId: 'tea.black',
      status: 'on_shelf',
      specAxes: [{ name: '规格', values: ['50g', '100g'] }],
      skus: [
        { spec: { 规格: '50g' }, price: 100, stock: 0, barcode: '6920000000011' },
        { spec: { 规格: '100g' }, price: 200, stock: 0, barcode: '6920000000028' },
      ],
    });
    const [a, b] = (res.body.skus as { id: string }[]).map((s) => s.id) as [string, string];
    await owner.client.post(`${base}/stock/${a}/${loc}/adjustments`, { onHand: 10, reason: 'received' });
    await owner.client.post(`${base}/stock/${b}/${loc}/adjustments`, { onHand: 6, reason: 'received' });
    await withShop(p.db, owner.shopId, (tx) =>
      inventory.reserveAt(tx, owner.shopId, loc, [{ skuId: b, quantity: 4 }], { type: 'test', id: 'hold-st' }),
    );

    const started = await owner.client.post(`${base}/stocktakes`, { locationId: loc });
    expect(started.status).toBe(201);
    expect(started.body.lines.map((l: { skuId: string; expected: number }) => [l.skuId, l.expected])).toEqual(
      [
        [a, 10],
        [b, 6],
      ].sort(),
    );
    expect((await owner.client.post(`${base}/stocktakes`, { locationId: loc })).body.code).toBe(
      'inventory.stocktake_already_open',
    );
    const sid = started.body.id as string;

    const badCsv = await owner.client.post(`${base}/stocktakes/${sid}/import`, {
      csv: 'code,count\n6920000000011,8\nNOPE,3\n6920000000028,x',
    });
    expect(badCsv.status).toBe(400);
    expect(badCsv.body.errors.map((e: { params?: unknown; message: string }) => e.message).join(' ')).toMatch(
      /第 3 行.*NOPE|NOPE/,
    );
    expect(badCsv.body.errors).toHaveLength(2);

    const imported = await owner.client.post(`${base}/stocktakes/${sid}/import`, {
      csv: `code,count\n6920000000011,8\n${b},3`,
    });
    expect(imported.status).toBe(200);
    expect(imported.body.summary).toMatchObject({ counted: 2, withVariance: 2, netVariance: -2 - 3 });

    // 3 counted but 4 reserved: refused, naming the SKU, nothing applied.
    const refused = await owner.client.post(`${base}/stocktakes/${sid}/apply`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('inventory.negative_stock');
    expect(refused.body.detail).toContain('白毫银针 100g');
    expect((await levelAt(a, loc)).onHand).toBe(10);

    await put(`${base}/stocktakes/${sid}/counts`, { counts: [{ skuId: b, counted: 5 }] });
    const applied = await owner.client.post(`${base}/stocktakes/${sid}/apply`);
    expect(applied.body.status).toBe('applied');
    expect((await levelAt(a, loc)).onHand).toBe(8);
    expect((await levelAt(b, loc)).onHand).toBe(5);
    const entry = (await owner.client.get(`${base}/stock/${a}/${loc}/ledger`)).body.items[0];
    expect(entry).toMatchObject({ reason: 'stocktake', refType: 'stocktake', refId: sid, onHandDelta: -2 });
    expect((await owner.client.post(`${base}/stocktakes/${sid}/apply`)).body.status).toBe('applied');
    expect((await put(`${base}/stocktakes/${sid}/counts`, { counts: [{ skuId: a, counted: 1 }] })).status).toBe(409);
    const list = await owner.client.get(`${base}/stocktakes`);
    expect(list.body.items[0]).toMatchObject({ id: sid, lineCount: 2, countedCount: 2 });
  });
});
