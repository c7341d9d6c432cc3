import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { withShop } from '../../kernel/db/tenant.js';
import { AppError } from '../../kernel/http/errors.js';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { createProduct } from '../../../test/commerce.js';
import * as inventory from './service.js';
import * as transfers from './transfers.js';

/**
 * Random operations on the same few stock rows, all at once: adjustments (some replayed with the
 * same reference), reservations, releases, shipments, absolute counts and transfers. Whatever
 * interleaving PostgreSQL picks, no level goes negative or reserves more than is on hand, the
 * ledger of every level adds up to the level, every live hold adds up to what is reserved, and
 * a replayed reference never moves stock twice.
 */
let p: TestPlatform;
let owner: Awaited<ReturnType<TestPlatform['shopOwner']>>;
let skus: string[];
let locs: string[];

beforeAll(async () => {
  p = await createTestPlatform();
  owner = await p.shopOwner();
  const product = await createProduct(owner, { stock: 20, colours: ['红', '黄'] });
  skus = product.skus.map((s) => s.id);
  const wh = await withShop(p.db, owner.shopId, (tx) =>
    inventory.saveLocation(tx, owner.shopId, { name: '广州仓', kind: 'warehouse', code: 'WH-GZ' }),
  );
  const home = await withShop(p.db, owner.shopId, (tx) => inventory.defaultLocation(tx, owner.shopId));
  locs = [home, wh.id];
  for (const skuId of skus) {
    await withShop(p.db, owner.shopId, (tx) =>
      inventory.adjust(tx, owner.shopId, {
        locationId: wh.id,
        skuId,
        delta: 10,
        reason: 'received',
        ref: { type: 'seed', id: 'x' },
      }),
    );
  }
});

type Op =
  | { kind: 'adjust'; sku: number; loc: number; delta: number; ref: number }
  | { kind: 'set'; sku: number; loc: number; count: number; ref: number }
  | { kind: 'reserve'; sku: number; loc: number; qty: number; ref: number }
  | { kind: 'release' | 'commit'; ref: number }
  | { kind: 'transfer'; sku: number; from: number; qty: number; receive: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('adjust' as const),
    sku: fc.nat(1),
    loc: fc.nat(1),
    delta: fc.integer({ min: -15, max: 8 }),
    ref: fc.nat(3),
  }),
  fc.record({ kind: fc.constant('set' as const), sku: fc.nat(1), loc: fc.nat(1), count: fc.nat(12), ref: fc.nat(3) }),
  fc.record({
    kind: fc.constant('reserve' as const),
    sku: fc.nat(1),
    loc: fc.nat(1),
    qty: fc.integer({ min: 1, max: 9 }),
    ref: fc.nat(4),
  }),
  fc.record({ kind: fc.constantFrom('release' as const, 'commit' as const), ref: fc.nat(4) }),
  fc.record({
    kind: fc.constant('transfer' as const),
    sku: fc.nat(1),
    from: fc.nat(1),
    qty: fc.integer({ min: 1, max: 12 }),
    receive: fc.boolean(),
  }),
);

let run = 0;
async function apply(o: Op, tag: string): Promise<void> {
  const shopId = owner.shopId;
  const receipts: string[] = [];
  await withShop(p.db, shopId, async (tx) => {
    switch (o.kind) {
      case 'adjust':
        // The same reference can come twice in one batch: it must count once.
        await inventory.adjust(tx, shopId, {
          locationId: locs[o.loc]!,
          skuId: skus[o.sku]!,
          delta: o.delta,
          reason: 'correction',
          ref: { type: 'prop', id: `${tag}-adj-${o.ref}-${o.delta}` },
        });
        return;
      case 'set':
        await inventory.setStock(
          tx,
          shopId,
          skus[o.sku]!,
          o.count,
          { type: 'prop', id: `${tag}-set-${o.ref}` },
          {
            locationId: locs[o.loc]!,
            reason: 'stocktake',
          },
        );
        return;
      case 'reserve':
        await inventory.reserveAt(tx, shopId, locs[o.loc]!, [{ skuId: skus[o.sku]!, quantity: o.qty }], {
          type: 'prop',
          id: `${tag}-hold-${o.ref}-${o.sku}-${o.loc}`,
        });
        return;
      case 'release':
      case 'commit': {
        const held = await tx.execute<{ ref_id: string }>(
          sql`select distinct ref_id from stock_reservations where shop_id = ${shopId} and ref_id like ${`${tag}-hold-${o.ref}-%`} order by ref_id`,
        );
        for (const r of held.rows) {
          if (o.kind === 'release') await inventory.release(tx, shopId, { type: 'prop', id: r.ref_id });
          else await inventory.commit(tx, shopId, { type: 'prop', id: r.ref_id });
        }
        return;
      }
      case 'transfer': {
        const t = await transfers.createTransfer(tx, shopId, {
          fromLocationId: locs[o.from]!,
          toLocationId: locs[1 - o.from]!,
          lines: [{ skuId: skus[o.sku]!, quantity: o.qty }],
        });
        await transfers.shipTransfer(tx, shopId, t.id);
        // Receiving is its own request (its own transaction), as in the workbench.
        if (o.receive) receipts.push(t.id);
        return;
      }
    }
  });
  for (const id of receipts) await withShop(p.db, shopId, (tx) => transfers.receiveTransfer(tx, shopId, id));
}

describe('stock under concurrency', () => {
  it('random operations in parallel never go negative, and the ledger always adds up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 14 }), async (ops) => {
        const tag = `r${run++}`;
        const results = await Promise.allSettled(ops.map((o) => apply(o, tag)));
        for (const r of results) {
          if (r.status === 'rejected') {
            // Refusals are fine; anything else (a deadlock, a broken CHECK) is a defect.
            expect(r.reason).toBeInstanceOf(AppError);
            expect(['inventory.negative_stock', 'inventory.out_of_stock', 'inventory.hold_exists']).toContain(
              (r.reason as AppError).code,
            );
          }
        }
        const levels = (
          await p.db.execute<{ sku_id: string; location_id: string; on_hand: number; reserved: number }>(
            sql`select sku_id, location_id, on_hand, reserved from stock_levels where shop_id = ${owner.shopId}`,
          )
        ).rows;
        for (const l of levels) {
          expect(l.on_hand).toBeGreaterThanOrEqual(l.reserved);
          expect(l.reserved).toBeGreaterThanOrEqual(0);
        }
        const sums = (
          await p.db.execute<{ sku_id: string; location_id: string; on_hand: number; reserved: number }>(sql`
            select sku_id, location_id, sum(on_hand_delta)::int as on_hand, sum(reserved_delta)::int as reserved
              from stock_movements where shop_id = ${owner.shopId} group by 1, 2`)
        ).rows;
        const holds = (
          await p.db.execute<{ sku_id: string; location_id: string; n: number }>(sql`
            select sku_id, location_id, sum(quantity)::int as n from stock_reservations
             where shop_id = ${owner.shopId} and status = 'reserved' group by 1, 2`)
        ).rows;
        for (const l of levels) {
          const s = sums.find((x) => x.sku_id === l.sku_id && x.location_id === l.location_id);
          expect({ onHand: s?.on_hand ?? 0, reserved: s?.reserved ?? 0 }).toEqual({
            onHand: l.on_hand,
            reserved: l.reserved,
          });
          const h = holds.find((x) => x.sku_id === l.sku_id && x.location_id === l.location_id);
          expect(h?.n ?? 0).toBe(l.reserved);
        }
        // Each adjustment reference moved stock at most once.
        const twice = await p.db.execute(sql`
          select reason, ref_id, sku_id, location_id from stock_movements
           where shop_id = ${owner.shopId} group by 1, 2, 3, 4 having count(*) > 1`);
        expect(twice.rows).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('parallel ships of one transfer move its stock once; the same adjustment reference applies once', async () => {
    const shopId = owner.shopId;
    // The property above may leave the default location with nothing free; give it a unit to move.
    await withShop(p.db, shopId, (tx) =>
      inventory.adjust(tx, shopId, {
        locationId: locs[0]!,
        skuId: skus[0]!,
        delta: 1,
        reason: 'received',
        ref: { type: 'po', id: 'po-top-up' },
      }),
    );
    const before = await withShop(p.db, shopId, (tx) => inventory.availabilityAt(tx, shopId, [skus[0]!], locs));
    const onHand = (loc: string, rows: inventory.StockAt[]) => rows.find((r) => r.locationId === loc)!.onHand;
    const qty = 1;
    const t = await withShop(p.db, shopId, (tx) =>
      transfers.createTransfer(tx, shopId, {
        fromLocationId: locs[0]!,
        toLocationId: locs[1]!,
        lines: [{ skuId: skus[0]!, quantity: qty }],
      }),
    );
    await Promise.all(
      Array.from({ length: 6 }, () => withShop(p.db, shopId, (tx) => transfers.shipTransfer(tx, shopId, t.id))),
    );
    await Promise.all(
      Array.from({ length: 6 }, () => withShop(p.db, shopId, (tx) => transfers.receiveTransfer(tx, shopId, t.id))),
    );
    const applied = await Promise.all(
      Array.from({ length: 6 }, () =>
        withShop(p.db, shopId, (tx) =>
          inventory.adjust(tx, shopId, {
            locationId: locs[1]!,
            skuId: skus[0]!,
            delta: 3,
            reason: 'received',
            ref: { type: 'po', id: 'po-1' },
          }),
        ),
      ),
    );
    expect(applied.filter(Boolean)).toHaveLength(1);
    const after = await withShop(p.db, shopId, (tx) => inventory.availabilityAt(tx, shopId, [skus[0]!], locs));
    expect(onHand(locs[0]!, after)).toBe(onHand(locs[0]!, before) - qty);
    expect(onHand(locs[1]!, after)).toBe(onHand(locs[1]!, before) + qty + 3);
  });
});
