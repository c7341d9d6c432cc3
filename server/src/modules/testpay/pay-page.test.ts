import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { createProduct, shopperWithAddress } from '../../../test/commerce.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});

describe('TestPay pay page', () => {
  it('accepts the press of its button as a browser sends it (an urlencoded form) and returns to the shop', async () => {
    const owner = await p.shopOwner();
    const product = await createProduct(owner, { stock: 5, price: 3000 });
    const shopper = await shopperWithAddress(p);
    const placed = await shopper.client.post('/api/checkout', {
      lines: [{ shopId: owner.shopId, skuId: product.skus[0]!.id, quantity: 1 }],
      addressId: shopper.addressId,
    });
    expect(placed.status).toBe(201);
    const payUrl: string = placed.body.payUrl;
    const page = await p.app.inject({ method: 'GET', url: payUrl });
    expect(page.body).toContain(`action="${payUrl}/confirm"`);

    const pressed = await p.app.inject({
      method: 'POST',
      url: `${payUrl}/confirm`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(pressed.statusCode).toBe(303);
    expect(pressed.headers.location).toBe('/m/orders?paid=1');
    await p.settle();
    const order = await shopper.client.get(`/api/me/orders/${owner.shopId}/${placed.body.orders[0].id}`);
    expect(order.body.status).toBe('paid');
  });
});
