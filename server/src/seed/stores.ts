import type { Db } from '../kernel/db/pool.js';
import { withShop } from '../kernel/db/tenant.js';
import { inventory } from '../modules/inventory/index.js';
import { o2oSettings, shoppingGuides, storeStaff } from '../modules/o2o/schema.js';
import { newId } from '../kernel/ids.js';

/**
 * Demo store staff and shopping guides (after the demo stores exist): the store manager and the
 * guide of a shop work at its West Lake store; each store has a guide with a readable code.
 * Idempotent: codes and assignments already there are left alone.
 */
export async function seedStores(
  db: Db,
  shopId: string,
  people: { storeManager?: string; guideAccount?: string },
  guides: { storeCode: string; code: string; name: string; linked?: boolean }[],
): Promise<void> {
  await withShop(db, shopId, async (tx) => {
    const stores = await inventory.listLocations(tx, shopId, { kind: 'store' });
    const byCode = new Map(stores.map((s) => [s.code, s]));
    const home = byCode.get(guides[0]?.storeCode ?? '');
    if (!home) return;
    for (const accountId of [people.storeManager, people.guideAccount].filter((a): a is string => !!a)) {
      await tx.insert(storeStaff).values({ shopId, locationId: home.id, accountId }).onConflictDoNothing();
    }
    for (const g of guides) {
      const store = byCode.get(g.storeCode);
      if (!store) continue;
      await tx
        .insert(shoppingGuides)
        .values({
          shopId,
          id: newId('gde'),
          code: g.code,
          name: g.name,
          accountId: g.linked ? (people.guideAccount ?? null) : null,
          locationId: store.id,
        })
        .onConflictDoNothing();
    }
    await tx.insert(o2oSettings).values({ shopId, pickupTimeoutHours: 72 }).onConflictDoNothing();
  });
}
