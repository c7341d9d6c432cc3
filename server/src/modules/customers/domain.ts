import type { Db, Tx } from '../../kernel/db/pool.js';
import { inShop } from '../../kernel/db/tenant.js';
import type { EventEnvelope, Subscriber } from '../../kernel/events/outbox.js';
import { catalog } from '../catalog/index.js';
import { orders } from '../orders/index.js';
import {
  applyOrderPaid,
  applyRefund,
  customerOfOrder,
  ensureCustomer,
  logDomainEvent,
  setFollowing,
} from './profiles.js';

/**
 * Profiles kept up to date from the outbox: paid orders, refunds and follows. Each handler runs
 * in the dispatcher's transaction that records the event as handled, so an event counts once;
 * the log row carries the outbox event's id as a second guard.
 */
export function domainSubscribers(db: Db): Subscriber[] {
  return [
    {
      name: 'customers.profile',
      topics: ['order.paid', 'refund.succeeded', 'shop.followed', 'shop.unfollowed'],
      handle: (event, tx) => handleDomainEvent(db, event, tx),
    },
  ];
}

export async function handleDomainEvent(db: Db, event: EventEnvelope, tx: Tx): Promise<void> {
  const at = new Date(event.createdAt);
  switch (event.topic) {
    case 'order.paid': {
      const p = event.payload as {
        shopId: string;
        orderId: string;
        buyerAccountId: string | null;
        total: number;
        lines: { productId: string; lineTotal: number }[];
      };
      if (!p.buyerAccountId) return;
      // Category of each line, and the province shipped to (read before entering the shop's scope).
      const categorySpend = new Map<string, number>();
      for (const line of p.lines) {
        const product = await catalog.getProduct(db, p.shopId, line.productId).catch(() => null);
        if (!product) continue;
        const category = product.platformCategoryId;
        categorySpend.set(category, (categorySpend.get(category) ?? 0) + line.lineTotal);
      }
      const order = await orders.getForBuyer(db, p.buyerAccountId, p.shopId, p.orderId).catch(() => null);
      const region = (order?.address as { province?: string } | null | undefined)?.province || null; // none for a pickup
      await inShop(tx, p.shopId, async (tx) => {
        const customerNo = await ensureCustomer(tx, p.shopId, { accountId: p.buyerAccountId }, at);
        const fresh = await logDomainEvent(tx, {
          shopId: p.shopId,
          eventId: event.id,
          at,
          customerNo,
          type: 'order_paid',
          props: {
            orderId: p.orderId,
            total: p.total,
            productIds: p.lines.map((l) => l.productId),
            categoryIds: [...categorySpend.keys()],
          },
        });
        if (fresh) await applyOrderPaid(tx, p.shopId, customerNo, { total: p.total, at, region, categorySpend });
      });
      return;
    }
    case 'refund.succeeded': {
      const p = event.payload as { shopId: string; orderId: string | null; amount: number };
      if (!p.orderId) return;
      await inShop(tx, p.shopId, async (tx) => {
        const customerNo = await customerOfOrder(tx, p.shopId, p.orderId!);
        if (customerNo === null) return;
        const fresh = await logDomainEvent(tx, {
          shopId: p.shopId,
          eventId: event.id,
          at,
          customerNo,
          type: 'refund',
          props: { orderId: p.orderId, amount: p.amount },
        });
        if (fresh) await applyRefund(tx, p.shopId, customerNo, p.amount);
      });
      return;
    }
    case 'shop.followed':
    case 'shop.unfollowed': {
      const p = event.payload as { shopId: string; accountId: string };
      const following = event.topic === 'shop.followed';
      await inShop(tx, p.shopId, async (tx) => {
        const customerNo = await ensureCustomer(tx, p.shopId, { accountId: p.accountId }, at);
        const fresh = await logDomainEvent(tx, {
          shopId: p.shopId,
          eventId: event.id,
          at,
          customerNo,
          type: following ? 'shop_followed' : 'shop_unfollowed',
          props: {},
        });
        if (fresh) await setFollowing(tx, p.shopId, customerNo, following);
      });
      return;
    }
  }
}
