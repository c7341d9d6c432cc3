import type { Db } from '../kernel/db/pool.js';
import { withShop } from '../kernel/db/tenant.js';
import { catalog } from '../modules/catalog/index.js';
import { itemCodesOf, setSkuBarcode } from '../modules/catalog/item-codes.js';
import { inventory } from '../modules/inventory/index.js';
import { qimenPartners } from '../modules/qimen/index.js';

/** The demo WMS partner, documented in the README so anyone can try the gateway with curl. */
export const DEMO_WMS = {
  appKey: 'demo-wms',
  customerId: 'demo-wms',
  secret: 'demo-wms-secret',
  /** Where `npm run wms-simulator` listens by default. */
  endpointUrl: 'http://127.0.0.1:3100/qimen',
  warehouseCode: 'WH-CLOUD',
};

/**
 * The tea shop's cloud warehouse `WH-CLOUD`, run by the demo WMS (app key `demo-wms`), with stock
 * for its first products' SKUs, which get barcodes (their Qimen item codes) if they had none.
 * Adds only what is missing.
 */
export async function seedQimen(db: Db, shopId: string): Promise<void> {
  if (await qimenPartners.partnerByAppKey(db, DEMO_WMS.appKey)) return;
  const location = await withShop(db, shopId, async (tx) => {
    const existing = (await inventory.listLocations(tx, shopId)).find((l) => l.code === DEMO_WMS.warehouseCode);
    return (
      existing ??
      (await inventory.saveLocation(tx, shopId, {
        name: '杭州云仓（WMS 托管）',
        kind: 'warehouse',
        code: DEMO_WMS.warehouseCode,
        province: '浙江省',
        city: '杭州市',
        district: '余杭区',
        address: '仓前街道文一西路 1500 号',
        lat: 30.2905,
        lng: 119.9925,
        canShip: true,
        priority: 20,
      }))
    );
  });
  // The same SKUs on every run: the first products by title, two SKUs each.
  const products = (await catalog.listProducts(db, shopId, { limit: 100, status: 'on_shelf' })).items.sort((x, y) =>
    x.title < y.title ? -1 : x.title > y.title ? 1 : 0,
  );
  const skus = products.flatMap((p) => p.skus.slice(0, 2).map((s) => s.id)).slice(0, 6);
  await withShop(db, shopId, async (tx) => {
    for (const [i, skuId] of skus.entries()) {
      const code = (await itemCodesOf(tx, shopId, [skuId])).get(skuId);
      if (!code?.barcode) await setSkuBarcode(tx, shopId, skuId, `69200000${String(i + 1).padStart(5, '0')}`);
      await inventory.setStock(
        tx,
        shopId,
        skuId,
        40 + i * 10,
        { type: 'seed', id: 'qimen-wh-cloud' },
        {
          locationId: location.id,
          reason: 'seed',
        },
      );
    }
  });
  await qimenPartners.createPartner(
    db,
    shopId,
    {
      name: '云仓 WMS（演示）',
      appKey: DEMO_WMS.appKey,
      customerId: DEMO_WMS.customerId,
      signMethod: 'md5',
      endpointUrl: DEMO_WMS.endpointUrl,
      locationIds: [location.id],
    },
    { secret: DEMO_WMS.secret },
  );
}
