import type { Db } from '../../kernel/db/pool.js';
import { customers } from '../customers/index.js';

/**
 * Where strategies learn who is in which segment. The default reads the customers module
 * (its saved segments and their in-memory bitmaps); another segment model can take its place.
 */
export interface SegmentSource {
  /** The shop's segments with their member counts, for the editor and for validation. */
  list(db: Db, shopId: string): Promise<{ id: string; name: string; count: number }[]>;
  /** The shop's customer number for a shopper, or null while the shopper is not a customer yet. */
  customerFor(db: Db, shopId: string, shopper: { accountId?: string; deviceId?: string }): Promise<number | null>;
  /** Which of `segmentIds` hold the customer (one call per page view, all segments at once). */
  membership(db: Db, shopId: string, customerNo: number, segmentIds: string[]): Promise<Set<string>>;
}

export const customerSegments: SegmentSource = {
  list: (db, shopId) => customers.listSegments(db, shopId),
  async customerFor(db, shopId, shopper) {
    const found = await customers.customerFor(db, shopId, shopper);
    return found ? found.customerNo : null;
  },
  membership: (db, shopId, customerNo, segmentIds) => customers.segmentMembership(shopId, customerNo, segmentIds, db),
};
