import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { createProduct, payOnTestPay, shopperWithAddress } from '../../../test/commerce.js';
import { customers } from '../customers/index.js';
import { inHoldout } from './assignment.js';

let p: TestPlatform;
let owner: Awaited<ReturnType<TestPlatform['shopOwner']>>;
let other: Awaited<ReturnType<TestPlatform['shopOwner']>>;
let tea: Awaited<ReturnType<typeof createProduct>>;
let cup: Awaited<ReturnType<typeof createProduct>>;

beforeAll(async () => {
  p = await createTestPlatform();
  owner = await p.shopOwner();
  other = await p.shopOwner();
  tea = await createProduct(owner, { title: '明前龙井', stock: 500, price: 9900 });
  cup = await createProduct(owner, { title: '青瓷茶杯', stock: 500, price: 2500 });
});

const banner = (title: string) => ({ imageUrl: `/media/banners/${title}.jpg`, title, link: '/m' });
const url = (path = '') => `/api/shops/${owner.shopId}/strategies${path}`;

async function activeBannerStrategy(holdoutPercent: number, name = 'Banner test') {
  const created = await owner.client.post(url(), {
    name,
    placement: 'shop_home.hero_banner',
    variants: [
      { id: 'spring', name: '春茶', content: banner('春茶上新') },
      { id: 'gift', name: '礼盒', content: banner('礼盒') },
    ],
    rules: [],
    defaultVariantId: 'spring',
    holdoutPercent,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const started = await owner.client.post(url(`/${created.body.id}/status`), { status: 'active' });
  expect(started.status).toBe(200);
  return created.body.id as string;
}

async function end(id: string) {
  expect((await owner.client.post(url(`/${id}/status`), { status: 'ended' })).status).toBe(200);
}

describe('strategy validation', () => {
  it('names the bad fields: placement, holdout, variants, default, content, products of another shop', async () => {
    const foreign = await createProduct(other, { title: '别家的茶' });
    const res = await owner.client.post(url(), {
      name: '坏策略',
      placement: 'shop_home.nowhere',
      variants: [{ id: 'a', name: 'A', content: {} }],
      defaultVariantId: 'b',
      holdoutPercent: 80,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('body.holdoutPercent');

    const res2 = await owner.client.post(url(), {
      name: '坏策略',
      placement: 'shop_home.nowhere',
      variants: [{ id: 'a', name: 'A', content: {} }],
      defaultVariantId: 'b',
    });
    expect(res2.status).toBe(400);
    expect(res2.body.code).toBe('strategy.invalid');
    const fields2 = res2.body.errors.map((e: { field: string }) => e.field);
    expect(fields2).toEqual(expect.arrayContaining(['body.placement', 'body.defaultVariantId']));

    const res3 = await owner.client.post(url(), {
      name: '推荐',
      placement: 'shop_home.product_module',
      variants: [
        { id: 'a', name: 'A', content: { title: '好茶', productIds: [tea.id, foreign.id] } },
        { id: 'a', name: 'B', content: { title: '' } },
        { id: 'holdout', name: 'C', content: { title: 'x', productIds: [tea.id] } },
      ],
      defaultVariantId: 'a',
    });
    expect(res3.status).toBe(400);
    const byField = Object.fromEntries(res3.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]));
    expect(byField).toMatchObject({
      'body.variants.0.content.productIds.1': 'unknown_product',
      'body.variants.1.id': 'duplicate',
      'body.variants.1.content.title': 'too_small',
      'body.variants.1.content.productIds': 'invalid_type',
      'body.variants.2.id': 'reserved',
    });
    expect(
      res3.body.errors.find((e: { field: string }) => e.field === 'body.variants.0.content.productIds.1').message,
    ).toBe('The product does not exist or is not this shop’s');
    // In Chinese too.
    owner.client.locale = 'zh-CN';
    const zh = await owner.client.post(url(), { name: 'x', placement: 'nope', variants: [], defaultVariantId: 'a' });
    owner.client.locale = 'en-US';
    expect(zh.status).toBe(400);
    const zhRes = await owner.client.request(
      'POST',
      url(),
      { name: 'x', placement: 'nope', variants: [{ id: 'a', name: 'A', content: {} }], defaultVariantId: 'a' },
      { 'accept-language': 'zh-CN' },
    );
    expect(zhRes.body.errors[0]).toMatchObject({ field: 'body.placement', message: '没有这个投放位' });
    const list = await owner.client.get(url());
    expect(list.body.items).toEqual([]);
  });

  it('only draft and paused strategies can be edited; transitions are checked', async () => {
    const id = await activeBannerStrategy(0, 'Edit test');
    const body = {
      name: 'Edit test 2',
      placement: 'shop_home.hero_banner',
      variants: [{ id: 'x', name: 'X', content: banner('X') }],
      defaultVariantId: 'x',
    };
    const edit = await owner.client.request('PUT', url(`/${id}`), body);
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe('strategy.not_editable');
    expect((await owner.client.post(url(`/${id}/status`), { status: 'paused' })).body.status).toBe('paused');
    const edited = await owner.client.request('PUT', url(`/${id}`), body);
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Edit test 2', defaultVariantId: 'x', status: 'paused' });
    await end(id);
    const restart = await owner.client.post(url(`/${id}/status`), { status: 'active' });
    expect(restart.status).toBe(409);
    expect(restart.body.code).toBe('strategy.bad_transition');
  });
});

describe('resolution and the effect report', () => {
  it('each shopper keeps an arm; the holdout sees the plain page; exposures count per arm', async () => {
    const id = await activeBannerStrategy(30, 'Exposure test');
    const shoppers = Array.from({ length: 40 }, () => p.client());
    const seen = new Map<number, { variantId: string; holdout: boolean; content: unknown }>();
    // Three rounds of page views, all shoppers at once.
    for (let round = 0; round < 3; round++) {
      const pages = await Promise.all(shoppers.map((c) => c.get(`/api/storefront/shops/${owner.shopId}/home`)));
      pages.forEach((page, i) => {
        expect(page.status).toBe(200);
        const placed = page.body.placements.find((x: { strategyId: string }) => x.strategyId === id);
        expect(placed).toBeDefined();
        if (round === 0) seen.set(i, placed);
        else expect(placed).toEqual(seen.get(i));
      });
    }
    const held = [...seen.values()].filter((s) => s.holdout);
    const shown = [...seen.values()].filter((s) => !s.holdout);
    for (const s of held) expect(s).toMatchObject({ variantId: 'holdout', content: null });
    for (const s of shown)
      expect(s).toMatchObject({ variantId: 'spring', content: { kind: 'banner', title: '春茶上新', link: '/m' } });
    expect(held.length).toBeGreaterThan(0);
    expect(shown.length).toBeGreaterThan(0);

    const report = await owner.client.get(url(`/${id}/report`));
    expect(report.status).toBe(200);
    const arm = (v: string) => report.body.arms.find((a: { variantId: string }) => a.variantId === v);
    expect(arm('spring')).toMatchObject({ exposed: shown.length, views: shown.length * 3, buyers: 0 });
    expect(arm('gift')).toMatchObject({ exposed: 0, views: 0 });
    expect(arm('holdout')).toMatchObject({ exposed: held.length, views: held.length * 3, holdout: true });
    expect(report.body.daily.reduce((s: number, d: { exposed: number }) => s + d.exposed, 0)).toBe(40);
    await end(id);
    const after = await shoppers[0]!.get(`/api/storefront/shops/${owner.shopId}/home`);
    expect(after.body.placements.find((x: { strategyId: string }) => x.strategyId === id)).toBeUndefined();
  });

  it('paid orders count for the arm the buyer was shown, once, within the window', async () => {
    const id = await activeBannerStrategy(50, 'Order test');
    const buyers = await Promise.all(Array.from({ length: 12 }, () => shopperWithAddress(p)));
    const arms = buyers.map((b) => (inHoldout(id, b.accountId, 50) ? 'holdout' : 'spring'));
    expect(new Set(arms).size).toBe(2);
    // Every buyer sees the shop home, some twice.
    await Promise.all(buyers.map((b) => b.client.get(`/api/storefront/shops/${owner.shopId}/home`)));
    await Promise.all(buyers.slice(0, 4).map((b) => b.client.get(`/api/storefront/shops/${owner.shopId}/home`)));
    // A shopper who never saw the page buys too: counted nowhere.
    const stranger = await shopperWithAddress(p);
    const buy = async (b: (typeof buyers)[number], quantity: number) => {
      const placed = await b.client.post('/api/checkout', {
        lines: [{ shopId: owner.shopId, skuId: tea.skus[0]!.id, quantity }],
        addressId: b.addressId,
      });
      expect(placed.status, JSON.stringify(placed.body)).toBe(201);
      await payOnTestPay(p, placed.body.payUrl);
      return placed.body.orders[0].total as number;
    };
    // Eight buyers pay (two of them twice), in parallel.
    const paying = [...buyers.slice(0, 8).map((b, i) => [b, i, 1 + (i % 3)] as const), [buyers[0]!, 0, 1] as const];
    const totals = await Promise.all([...paying.map(([b, , q]) => buy(b, q)), buy(stranger, 1)]);
    await p.settle();

    const expected = new Map<string, { buyers: Set<string>; orders: number; gmv: number }>();
    paying.forEach(([b, i], k) => {
      const e = expected.get(arms[i]!) ?? { buyers: new Set(), orders: 0, gmv: 0 };
      e.buyers.add(b.accountId);
      e.orders++;
      e.gmv += totals[k]!;
      expected.set(arms[i]!, e);
    });
    const report = (await owner.client.get(url(`/${id}/report`))).body;
    let totalOrders = 0;
    for (const variant of ['spring', 'holdout']) {
      const a = report.arms.find((x: { variantId: string }) => x.variantId === variant);
      const e = expected.get(variant) ?? { buyers: new Set(), orders: 0, gmv: 0 };
      const exposed = arms.filter((x) => x === variant).length;
      expect(a).toMatchObject({ exposed, buyers: e.buyers.size, orders: e.orders, gmv: e.gmv });
      expect(a.conversion).toBeCloseTo(e.buyers.size / exposed, 10);
      expect(a.gmvPerExposed).toBe(Math.round(e.gmv / exposed));
      totalOrders += a.orders;
    }
    expect(totalOrders).toBe(9);
    const spring = report.arms.find((x: { variantId: string }) => x.variantId === 'spring');
    expect(spring.versusHoldout).not.toBeNull();
    expect(
      spring.versusHoldout.pValue === null || (spring.versusHoldout.pValue >= 0 && spring.versusHoldout.pValue <= 1),
    ).toBe(true);
    expect(report.arms.find((x: { variantId: string }) => x.variantId === 'holdout').versusHoldout).toBeNull();

    // Redelivering order.paid changes nothing.
    const { attributeOrder } = await import('./service.js');
    const [row] = (
      await p.db.$client.query(
        `select order_id, variant_id from strategy_conversions where shop_id = $1 and strategy_id = $2 limit 1`,
        [owner.shopId, id],
      )
    ).rows;
    await p.db.transaction((tx) =>
      attributeOrder(tx, {
        shopId: owner.shopId,
        orderId: row.order_id,
        buyerAccountId: buyers[0]!.accountId,
        total: 1,
        paidAt: new Date(),
      }),
    );
    const again = (await owner.client.get(url(`/${id}/report`))).body;
    expect(again.arms.map((a: { orders: number; gmv: number }) => [a.orders, a.gmv])).toEqual(
      report.arms.map((a: { orders: number; gmv: number }) => [a.orders, a.gmv]),
    );
    await end(id);
  });

  it('an order paid while the exposures are being written is still attributed', async () => {
    const id = await activeBannerStrategy(0, 'Race test');
    const { attributeOrder, flushExposures } = await import('./service.js');
    for (let round = 0; round < 5; round++) {
      const buyer = await p.signUp('shopper');
      await p.client().get(`/api/storefront/shops/${owner.shopId}/home`); // someone else's exposure
      const seen = await buyer.client.get(`/api/storefront/shops/${owner.shopId}/home`);
      expect(seen.status).toBe(200);
      // The writer timer's flush takes the batch out of memory; payment lands before it commits.
      const timer = flushExposures();
      const orderId = `ord_race_${round}_${buyer.accountId}`;
      await p.db.transaction((tx) =>
        attributeOrder(tx, {
          shopId: owner.shopId,
          orderId,
          buyerAccountId: buyer.accountId,
          total: 100,
          paidAt: new Date(),
        }),
      );
      await timer;
      const credited = await p.db.$client.query(
        `select variant_id from strategy_conversions where shop_id = $1 and strategy_id = $2 and order_id = $3`,
        [owner.shopId, id, orderId],
      );
      expect(credited.rows).toEqual([{ variant_id: 'spring' }]);
    }
    await end(id);
  });

  it('refunds come off the GMV of the arm credited, once per refund', async () => {
    const id = await activeBannerStrategy(0, 'Refund test');
    const b = await shopperWithAddress(p);
    expect((await b.client.get(`/api/storefront/shops/${owner.shopId}/home`)).status).toBe(200);
    const placed = await b.client.post('/api/checkout', {
      lines: [{ shopId: owner.shopId, skuId: cup.skus[0]!.id, quantity: 3 }],
      addressId: b.addressId,
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    await payOnTestPay(p, placed.body.payUrl);
    await p.settle();
    const order = placed.body.orders[0] as { id: string; total: number };
    const spring = async () =>
      (await owner.client.get(url(`/${id}/report`))).body.arms.find(
        (a: { variantId: string }) => a.variantId === 'spring',
      );
    expect(await spring()).toMatchObject({ orders: 1, gmv: order.total, refunded: 0 });

    const refund = async (amount: number) => {
      const asked = await b.client.post(`/api/me/orders/${owner.shopId}/${order.id}/aftersales`, {
        type: 'refund_only',
        reason: '买多了',
        lines: [{ lineNo: 1, quantity: 1, amount }],
      });
      expect(asked.status, JSON.stringify(asked.body)).toBe(201);
      const approved = await owner.client.post(`/api/shops/${owner.shopId}/aftersales/${asked.body.id}/approve`);
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      await p.settle();
    };
    await refund(2500);
    expect(await spring()).toMatchObject({ orders: 1, buyers: 1, gmv: order.total - 2500, refunded: 2500 });

    // Delivered again, the same refund changes nothing; a second refund comes off too.
    const { refundOrder } = await import('./service.js');
    const [done] = (
      await p.db.$client.query(`select refund_id from strategy_refunds where shop_id = $1 and order_id = $2`, [
        owner.shopId,
        order.id,
      ])
    ).rows;
    const again = await p.db.transaction((tx) =>
      refundOrder(tx, { shopId: owner.shopId, refundId: done.refund_id, orderId: order.id, amount: 2500 }),
    );
    expect(again).toBe(0);
    await refund(2500);
    expect(await spring()).toMatchObject({ gmv: order.total - 5000, refunded: 5000 });
    // Refunds of orders no strategy was credited with leave nothing behind.
    const none = await p.db.transaction((tx) =>
      refundOrder(tx, { shopId: owner.shopId, refundId: 'rfd_unrelated', orderId: 'ord_unrelated', amount: 100 }),
    );
    expect(none).toBe(0);
    const kept = await p.db.$client.query(
      `select count(*)::int n from strategy_refunds where refund_id = 'rfd_unrelated'`,
    );
    expect(kept.rows[0].n).toBe(0);
    await end(id);
  });

  it('the shop summary a product page reads records no exposure; the home does', async () => {
    const id = await activeBannerStrategy(0, 'Summary test');
    const shopper = p.client();
    const summary = await shopper.get(`/api/storefront/shops/${owner.shopId}/summary`);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ id: owner.shopId, followed: false });
    expect(summary.body).not.toHaveProperty('placements');
    const exposed = async () =>
      (await owner.client.get(url(`/${id}/report`))).body.arms.reduce(
        (n: number, a: { exposed: number }) => n + a.exposed,
        0,
      );
    expect(await exposed()).toBe(0);
    await shopper.get(`/api/storefront/shops/${owner.shopId}/home`);
    expect(await exposed()).toBe(1);
    expect((await p.client().get(`/api/storefront/shops/shp_nope/summary`)).status).toBe(404);
    await end(id);
  });

  it('product detail recommendations leave out the product viewed and products off shelf', async () => {
    const kettle = await createProduct(owner, { title: '铁壶', stock: 5 });
    const created = await owner.client.post(url(), {
      name: '搭配推荐',
      placement: 'product_detail.recommendation',
      variants: [{ id: 'pair', name: '搭配', content: { title: '搭配购买', productIds: [tea.id, cup.id, kettle.id] } }],
      defaultVariantId: 'pair',
      holdoutPercent: 0,
    });
    expect(created.status).toBe(201);
    await owner.client.post(url(`/${created.body.id}/status`), { status: 'active' });
    await owner.client.post(`/api/shops/${owner.shopId}/products/status`, {
      productIds: [kettle.id],
      status: 'off_shelf',
    });
    const shopper = p.client();
    const res = await shopper.get(`/api/storefront/shops/${owner.shopId}/products/${tea.id}/placements`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ placement: 'product_detail.recommendation', variantId: 'pair' });
    expect(res.body.items[0].content.products.map((x: { id: string }) => x.id)).toEqual([cup.id]);
    // The shop home shows no product-detail placements.
    const home = await shopper.get(`/api/storefront/shops/${owner.shopId}/home`);
    expect(home.body.placements.filter((x: { placement: string }) => x.placement.startsWith('product_detail'))).toEqual(
      [],
    );
    await end(created.body.id);
  });
});

describe('segments from the customer center', () => {
  const segment = async (name: string, rule: unknown) => {
    const res = await owner.client.post(`/api/shops/${owner.shopId}/customer-segments`, { name, rule });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  it('the first rule whose segment holds the shopper decides; others see the default; clicks count per arm', async () => {
    const fan = await shopperWithAddress(p);
    const passer = await shopperWithAddress(p);
    expect((await fan.client.post(`/api/storefront/shops/${owner.shopId}/follow`)).status).toBe(200);
    // The passer becomes a customer by the storefront's beacon (a page view).
    const viewed = await passer.client.post('/api/beacon', {
      events: [{ id: `view-${Date.now()}-passer`, type: 'page_view', shopId: owner.shopId }],
    });
    expect(viewed.body.accepted).toBe(1);
    await p.settle();
    // The customer center's tags are brought up to date (its refresh job, run now).
    await customers.refreshShop(p.db, owner.shopId);
    const followers = await segment('关注店铺的人', { kind: 'attribute', field: 'following', op: 'eq', value: true });
    const everyone = await segment('所有顾客', { kind: 'attribute', field: 'visitDays', op: 'gte', value: 0 });
    await p.settle();

    const unknown = await owner.client.post(url(), {
      name: 'x',
      placement: 'shop_home.hero_banner',
      variants: [{ id: 'a', name: 'A', content: banner('A') }],
      rules: [
        { segmentId: 'seg_nope', variantId: 'a' },
        { segmentId: followers, variantId: 'b' },
      ],
      defaultVariantId: 'a',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)).toEqual([
      'body.rules.0.segmentId:unknown_segment',
      'body.rules.1.variantId:unknown_variant',
    ]);
    const options = (await owner.client.get(`/api/shops/${owner.shopId}/strategy-options`)).body;
    expect(options.segments.find((s: { id: string }) => s.id === followers)).toMatchObject({
      name: '关注店铺的人',
      count: 1,
    });
    expect(options.placements.map((x: { key: string }) => x.key)).toEqual([
      'shop_home.hero_banner',
      'shop_home.product_module',
      'product_detail.recommendation',
    ]);

    const body = (rules: { segmentId: string; variantId: string }[]) => ({
      name: '粉丝头图',
      placement: 'shop_home.hero_banner',
      variants: [
        { id: 'spring', name: '春茶', content: banner('春茶上新') },
        { id: 'fans', name: '粉丝专享', content: banner('粉丝专享') },
        { id: 'all', name: '老顾客', content: banner('老顾客回馈') },
      ],
      rules,
      defaultVariantId: 'spring',
      holdoutPercent: 0,
    });
    const created = await owner.client.post(
      url(),
      body([
        { segmentId: followers, variantId: 'fans' },
        { segmentId: everyone, variantId: 'all' },
      ]),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    await owner.client.post(url(`/${id}/status`), { status: 'active' });
    const shown = async (c: typeof fan.client) => {
      const home = await c.get(`/api/storefront/shops/${owner.shopId}/home`);
      return home.body.placements.find((x: { strategyId: string }) => x.strategyId === id);
    };
    const anonymous = p.client();
    const [f, ps, an] = await Promise.all([shown(fan.client), shown(passer.client), shown(anonymous)]);
    expect(f).toMatchObject({ variantId: 'fans', content: { title: '粉丝专享' } });
    expect(ps).toMatchObject({ variantId: 'all', content: { title: '老顾客回馈' } });
    expect(an).toMatchObject({ variantId: 'spring', content: { title: '春茶上新' } });

    // Rule order matters: with "everyone" first, the fan sees that variant instead.
    await owner.client.post(url(`/${id}/status`), { status: 'paused' });
    const reordered = await owner.client.request(
      'PUT',
      url(`/${id}`),
      body([
        { segmentId: everyone, variantId: 'all' },
        { segmentId: followers, variantId: 'fans' },
      ]),
    );
    expect(reordered.status).toBe(200);
    await owner.client.post(url(`/${id}/status`), { status: 'active' });
    expect(await shown(fan.client)).toMatchObject({ variantId: 'all' });

    // Clicks from the beacon count for the arm the server recorded, not the one claimed.
    const click = (c: typeof fan.client, variantId: string, n: number) =>
      c.post('/api/beacon', {
        events: [
          {
            id: `click-${Date.now()}-${n}-${Math.random().toString(36).slice(2, 8)}`,
            type: 'placement_click',
            shopId: owner.shopId,
            props: { strategyId: id, variantId },
          },
        ],
      });
    const never = await shopperWithAddress(p);
    const results = await Promise.all([
      click(fan.client, 'fans', 1),
      click(fan.client, 'spring', 2),
      click(never.client, 'fans', 3),
    ]);
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    await p.settle();
    const report = (await owner.client.get(url(`/${id}/report`))).body;
    const arm = (v: string) => report.arms.find((a: { variantId: string }) => a.variantId === v);
    expect(arm('all').clickers).toBe(1);
    expect(arm('fans').clickers).toBe(0);
    expect(arm('spring').clickers).toBe(0);

    // Add-to-carts from a placement (the product page reached from it names strategy and variant)
    // count for the arm recorded too; an add-to-cart that came from no placement counts nowhere.
    const cart = (c: typeof fan.client, props: Record<string, string>, n: number) =>
      c.post('/api/beacon', {
        events: [
          {
            id: `cart-${Date.now()}-${n}-${Math.random().toString(36).slice(2, 8)}`,
            type: 'add_to_cart',
            shopId: owner.shopId,
            props: { productId: tea.id, ...props },
          },
        ],
      });
    const carts = await Promise.all([
      cart(fan.client, { strategyId: id, variantId: 'fans' }, 1),
      cart(fan.client, { strategyId: id, variantId: 'fans' }, 2),
      cart(passer.client, {}, 3),
      cart(never.client, { strategyId: id, variantId: 'spring' }, 4),
    ]);
    for (const r of carts) expect(r.body.accepted, JSON.stringify(r.body)).toBe(1);
    await p.settle();
    const carted = (await owner.client.get(url(`/${id}/report`))).body;
    const cartArm = (v: string) => carted.arms.find((a: { variantId: string }) => a.variantId === v);
    expect(cartArm('all').addToCartShoppers).toBe(1);
    expect(cartArm('fans').addToCartShoppers).toBe(0);
    expect(cartArm('spring').addToCartShoppers).toBe(0);
    // The fan saw 'fans' and then 'all': one exposed shopper in each (per day, the latest arm).
    expect(arm('all').exposed + arm('fans').exposed + arm('spring').exposed).toBe(3);
    await end(id);
  });
});
