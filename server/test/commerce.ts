import type { Client, TestPlatform } from './app.js';

/** A product on shelf with one SKU per colour, through the workbench API. */
export async function createProduct(
  owner: { client: Client; shopId: string },
  opts: { stock?: number; price?: number; colours?: string[]; title?: string } = {},
) {
  const colours = opts.colours ?? ['红'];
  const res = await owner.client.post(`/api/shops/${owner.shopId}/products`, {
    title: opts.title ?? '正山小种红茶礼盒',
    platformCategoryId: 'tea.black',
    status: 'on_shelf',
    specAxes: colours.length > 1 || opts.colours ? [{ name: '颜色', values: colours }] : [],
    skus: colours.map((c) => ({
      spec: colours.length > 1 || opts.colours ? { 颜色: c } : {},
      price: opts.price ?? 12800,
      stock: opts.stock ?? 100,
    })),
  });
  if (res.status !== 201) throw new Error(`create product: ${JSON.stringify(res.body)}`);
  return res.body as { id: string; skus: { id: string; available: number; price: number }[] };
}

export async function shopperWithAddress(p: TestPlatform) {
  const shopper = await p.signUp('shopper');
  const addr = await shopper.client.post('/api/me/addresses', {
    name: '张三',
    phone: '13800138000',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    detail: '文三路 100 号',
  });
  if (addr.status !== 201) throw new Error(`address: ${JSON.stringify(addr.body)}`);
  return { ...shopper, addressId: addr.body.id as string };
}

/** The shopper presses "pay" on TestPay's page, as a browser would. */
export async function payOnTestPay(p: TestPlatform, payUrl: string) {
  const res = await p.app.inject({ method: 'POST', url: `${payUrl}/confirm` });
  if (res.statusCode !== 303) throw new Error(`testpay confirm: ${res.statusCode} ${res.body}`);
}

/** An order bought and paid (and optionally shipped), ready for after-sales. */
export async function paidOrder(
  p: TestPlatform,
  owner: { client: Client; shopId: string },
  opts: { quantity?: number; price?: number; ship?: boolean; stock?: number } = {},
) {
  const product = await createProduct(owner, { stock: opts.stock ?? 20, price: opts.price ?? 5000 });
  const sku = product.skus[0]!;
  const shopper = await shopperWithAddress(p);
  const placed = await shopper.client.post('/api/checkout', {
    lines: [{ shopId: owner.shopId, skuId: sku.id, quantity: opts.quantity ?? 2 }],
    addressId: shopper.addressId,
  });
  await payOnTestPay(p, placed.body.payUrl);
  await p.settle();
  const order = placed.body.orders[0] as { id: string; total: number; orderNo: string };
  if (opts.ship) {
    await owner.client.post(`/api/shops/${owner.shopId}/orders/${order.id}/ship`, {
      carrier: '顺丰速运',
      trackingNo: 'SF9990000001',
    });
  }
  return { shopper, order, sku, product };
}
