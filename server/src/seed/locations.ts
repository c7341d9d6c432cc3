import type { Db } from '../kernel/db/pool.js';
import { withShop } from '../kernel/db/tenant.js';
import { inventory, stockTransfers } from '../modules/inventory/index.js';

/**
 * Demo omnichannel stock: a central warehouse in Hangzhou, one in Guangzhou, and three stores in
 * Hangzhou and Shanghai with addresses, coordinates, opening hours and pickup. Part of each SKU's
 * stock moves out of the default warehouse to them with real transfers (shipped and received), so
 * the ledger tells how it got there. Runs once per shop: a shop that has WH-HZ is left alone.
 */
const daily = [{ days: [1, 2, 3, 4, 5, 6, 7], open: '10:00', close: '22:00' }];
const LOCATIONS: (inventory.LocationInput & { share: number })[] = [
  {
    name: '杭州中心仓',
    kind: 'warehouse',
    code: 'WH-HZ',
    province: '浙江省',
    city: '杭州市',
    district: '余杭区',
    address: '仓前街道良睦路 1399 号 菜鸟产业园 3 号库',
    lat: 30.2936,
    lng: 119.99,
    openingHours: [{ days: [1, 2, 3, 4, 5, 6], open: '08:00', close: '20:00' }],
    canShip: true,
    canSameDay: true,
    priority: 10,
    share: 0.3,
  },
  {
    name: '广州华南仓',
    kind: 'warehouse',
    code: 'WH-GZ',
    province: '广东省',
    city: '广州市',
    district: '白云区',
    address: '太和镇广州北站物流园 A3 栋',
    lat: 23.3946,
    lng: 113.3145,
    openingHours: [{ days: [1, 2, 3, 4, 5, 6], open: '08:30', close: '19:00' }],
    canShip: true,
    priority: 20,
    share: 0.2,
  },
  {
    name: '西湖银泰店',
    kind: 'store',
    code: 'ST-HZ-XH',
    province: '浙江省',
    city: '杭州市',
    district: '上城区',
    address: '延安路 98 号 银泰百货 B1 层',
    lat: 30.2573,
    lng: 120.1637,
    openingHours: daily,
    canShip: false,
    canPickup: true,
    canSameDay: true,
    priority: 50,
    share: 0.1,
  },
  {
    name: '滨江龙湖天街店',
    kind: 'store',
    code: 'ST-HZ-BJ',
    province: '浙江省',
    city: '杭州市',
    district: '滨江区',
    address: '江汉路 1515 号 龙湖天街 2 层 215 铺',
    lat: 30.2085,
    lng: 120.2107,
    openingHours: [
      { days: [1, 2, 3, 4, 5], open: '10:00', close: '21:30' },
      { days: [6, 7], open: '09:30', close: '22:00' },
    ],
    canShip: false,
    canPickup: true,
    canSameDay: true,
    priority: 50,
    share: 0.1,
  },
  {
    name: '静安嘉里中心店',
    kind: 'store',
    code: 'ST-SH-JA',
    province: '上海市',
    city: '上海市',
    district: '静安区',
    address: '南京西路 1515 号 嘉里中心 B1 层',
    lat: 31.2245,
    lng: 121.4459,
    openingHours: daily,
    canShip: false,
    canPickup: true,
    priority: 60,
    share: 0.1,
  },
];

export async function seedLocations(db: Db, shopIds: string[]): Promise<void> {
  for (const shopId of shopIds) {
    await withShop(db, shopId, async (tx) => {
      const existing = await inventory.listLocations(tx, shopId);
      if (existing.some((l) => l.code === 'WH-HZ')) return;
      const home = await inventory.defaultLocation(tx, shopId);
      const start = await inventory.stockAtLocation(tx, shopId, home);
      for (const { share, ...input } of LOCATIONS) {
        const location = await inventory.saveLocation(tx, shopId, input);
        const lines = start
          .map((l) => ({ skuId: l.skuId, quantity: Math.floor((l.onHand - l.reserved) * share) }))
          .filter((l) => l.quantity > 0);
        if (lines.length === 0) continue;
        const t = await stockTransfers.createTransfer(tx, shopId, {
          fromLocationId: home,
          toLocationId: location.id,
          note: '开仓铺货',
          lines,
        });
        await stockTransfers.shipTransfer(tx, shopId, t.id);
        await stockTransfers.receiveTransfer(tx, shopId, t.id);
      }
      // A few alerts to look at: the shop warns at 5 available.
      await inventory.saveSettings(tx, shopId, { lowStockThreshold: 5 });
    });
  }
}
