import { and, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { enqueue } from '../../kernel/jobs/queue.js';
import { customerEvents } from './events-table.js';
import { customerCategoryStats, customerCounters, customerDevices, customerDirty, customers } from './schema.js';

/** Who a customer is known as: the signed-in account and/or the anonymous device id. */
export interface Who {
  accountId?: string | null;
  deviceId?: string | null;
}

/** Job that brings tags and saved segments up to date for a shop's changed customers. */
export const REFRESH_JOB = 'customers.refresh';
/** How long changes gather before the refresh runs (one refresh per shop per window). */
export const REFRESH_DELAY_MS = 1_000;

/**
 * The customer number a shopper has in a shop, without creating one: by account first, else
 * by device (following a merge). `null` when the shop has never seen them.
 */
export async function customerFor(ex: Executor, shopId: string, who: Who): Promise<{ customerNo: number } | null> {
  if (who.accountId) {
    const [row] = await ex
      .select({ customerNo: customers.customerNo, mergedInto: customers.mergedInto })
      .from(customers)
      .where(and(eq(customers.shopId, shopId), eq(customers.accountId, who.accountId)));
    if (row) return { customerNo: row.mergedInto ?? row.customerNo };
  }
  if (who.deviceId) {
    const [row] = await ex
      .select({ customerNo: customers.customerNo, mergedInto: customers.mergedInto })
      .from(customerDevices)
      .innerJoin(
        customers,
        and(eq(customers.shopId, customerDevices.shopId), eq(customers.customerNo, customerDevices.customerNo)),
      )
      .where(and(eq(customerDevices.shopId, shopId), eq(customerDevices.deviceId, who.deviceId)));
    if (row) return { customerNo: row.mergedInto ?? row.customerNo };
  }
  return null;
}

/** Hands out `n` new dense customer numbers for a shop (the counter row serialises them). */
export async function allocateNumbers(tx: Executor, shopId: string, n: number): Promise<number> {
  const [row] = await tx
    .insert(customerCounters)
    .values({ shopId, lastNo: n })
    .onConflictDoUpdate({ target: customerCounters.shopId, set: { lastNo: sql`${customerCounters.lastNo} + ${n}` } })
    .returning({ lastNo: customerCounters.lastNo });
  return row!.lastNo - n + 1;
}

/**
 * Takes the shopper's identity locks (account, then device) in one round trip. Everything that
 * resolves or creates the shopper's customer must run after this, in later statements.
 */
export async function lockIdentities(tx: Tx, shopId: string, who: Who, andThen?: SQL): Promise<void> {
  const keys = [
    ...(who.accountId ? [`customers:${shopId}:a:${who.accountId}`] : []),
    ...(who.deviceId ? [`customers:${shopId}:d:${who.deviceId}`] : []),
  ];
  const items = [...keys.map((k) => sql`pg_advisory_xact_lock(hashtext(${k}))`), ...(andThen ? [andThen] : [])];
  if (items.length === 0) return;
  // Select-list items are evaluated left to right: the account's lock first, then the device's,
  // then `andThen` (more locks taken in the same round trip).
  await tx.execute(sql`select ${sql.join(items, sql`, `)}`);
}

/**
 * The shopper's customer number in a shop, created if new. With both an account and a device:
 * the device's anonymous history merges into the account's customer (sign-in), or the anonymous
 * customer simply becomes the account's if it has none yet. Identity locks (account, then
 * device) make concurrent first visits of one shopper produce one customer.
 */
export async function ensureCustomer(
  tx: Tx,
  shopId: string,
  who: Who,
  at: Date = new Date(),
  opts: { locked?: boolean } = {},
): Promise<number> {
  if (!who.accountId && !who.deviceId) throw new Error('ensureCustomer needs an account or a device');
  if (!opts.locked) await lockIdentities(tx, shopId, who);

  const [byAccount] = who.accountId
    ? await tx
        .select({ customerNo: customers.customerNo, mergedInto: customers.mergedInto })
        .from(customers)
        .where(and(eq(customers.shopId, shopId), eq(customers.accountId, who.accountId)))
    : [];
  const [byDevice] = who.deviceId
    ? await tx
        .select({
          customerNo: customers.customerNo,
          accountId: customers.accountId,
          mergedInto: customers.mergedInto,
        })
        .from(customerDevices)
        .innerJoin(
          customers,
          and(eq(customers.shopId, customerDevices.shopId), eq(customers.customerNo, customerDevices.customerNo)),
        )
        .where(and(eq(customerDevices.shopId, shopId), eq(customerDevices.deviceId, who.deviceId)))
    : [];

  const pointDevice = async (customerNo: number) => {
    if (!who.deviceId) return;
    await tx
      .insert(customerDevices)
      .values({ shopId, deviceId: who.deviceId, customerNo })
      .onConflictDoUpdate({ target: [customerDevices.shopId, customerDevices.deviceId], set: { customerNo } });
  };

  if (byAccount) {
    const target = byAccount.mergedInto ?? byAccount.customerNo;
    if (byDevice) {
      const deviceNo = byDevice.mergedInto ?? byDevice.customerNo;
      if (deviceNo !== target) {
        if (byDevice.accountId === null && byDevice.mergedInto === null) await merge(tx, shopId, deviceNo, target);
        else await pointDevice(target);
      }
    } else await pointDevice(target);
    return target;
  }
  if (byDevice && who.accountId) {
    const deviceNo = byDevice.mergedInto ?? byDevice.customerNo;
    if (byDevice.accountId === null) {
      // The anonymous visitor signs in for the first time here: the customer becomes theirs.
      await tx
        .update(customers)
        .set({ accountId: who.accountId, updatedAt: sql`now()` })
        .where(and(eq(customers.shopId, shopId), eq(customers.customerNo, deviceNo)));
      await markDirty(tx, shopId, [deviceNo]);
      return deviceNo;
    }
    // A shared device, someone else's: a new customer for this account, the device follows them.
  } else if (byDevice) {
    return byDevice.mergedInto ?? byDevice.customerNo;
  }
  // A new customer in one statement: its number from the shop's counter (whose row lock is held
  // to the end of the transaction, so numbers stay dense), the profile, the device, the dirty mark.
  const created = await tx.execute<{ customer_no: number }>(sql`
    with n as (
      insert into ${customerCounters} (shop_id, last_no) values (${shopId}, 1)
      on conflict (shop_id) do update set last_no = ${customerCounters}.last_no + 1
      returning last_no
    ), c as (
      insert into ${customers} (shop_id, customer_no, account_id, first_seen_at, last_seen_at)
      select ${shopId}, last_no, ${who.accountId ?? null}::text, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
        from n
    ), d as (
      insert into ${customerDevices} (shop_id, device_id, customer_no)
      select ${shopId}, ${who.deviceId ?? null}::text, last_no from n where ${who.deviceId ?? null}::text is not null
      on conflict (shop_id, device_id) do update set customer_no = excluded.customer_no
    ), q as (
      insert into ${customerDirty} (shop_id, customer_no) select ${shopId}, last_no from n on conflict do nothing
    )
    select last_no as customer_no from n`);
  await scheduleRefresh(tx, shopId);
  return created.rows[0]!.customer_no;
}

interface PendingCreate {
  who: Who;
  at: Date;
  done: (err?: unknown) => void;
}
const creating = new Map<string, PendingCreate[]>();

/**
 * Makes sure a shopper known by one identity (an account or a device, not both) is a customer of
 * the shop, in a short transaction of its own. The shop's counter row stays locked until a new
 * customer's transaction commits (so numbers stay dense), so creations are grouped: the shoppers
 * of a shop arriving while one creation runs are created together in the next, with one counter
 * UPDATE. Each shopper is re-resolved under its identity lock there, so a shopper is created once.
 */
export function createCustomers(db: Db, shopId: string, who: Who, at: Date): Promise<void> {
  if (!!who.accountId === !!who.deviceId) throw new Error('createCustomers takes an account or a device');
  return new Promise<void>((resolve, reject) => {
    const queue = creating.get(shopId);
    const pending = { who, at, done: (err?: unknown) => (err ? reject(err) : resolve()) };
    if (queue) return void queue.push(pending);
    creating.set(shopId, [pending]);
    void (async () => {
      for (;;) {
        const group = creating.get(shopId)!.splice(0, 200);
        if (group.length === 0) break;
        try {
          await withShop(db, shopId, (tx) => createGroup(tx, shopId, group));
          for (const g of group) g.done();
        } catch (err) {
          for (const g of group) g.done(err);
        }
      }
      creating.delete(shopId);
    })();
  });
}

async function createGroup(tx: Tx, shopId: string, group: PendingCreate[]): Promise<void> {
  const firstAt = new Map<string, { accountId: string | null; deviceId: string | null; at: Date }>();
  for (const { who, at } of group) {
    const key = who.accountId ? `a:${who.accountId}` : `d:${who.deviceId}`;
    const prev = firstAt.get(key);
    if (!prev || at < prev.at)
      firstAt.set(key, { accountId: who.accountId ?? null, deviceId: who.deviceId ?? null, at });
  }
  // Identity locks in one order (accounts before devices, as ensureCustomer takes them).
  const keys = [...firstAt.keys()].sort();
  await tx.execute(
    sql`select ${sql.join(
      keys.map((k) => sql`pg_advisory_xact_lock(hashtext(${`customers:${shopId}:${k}`}))`),
      sql`, `,
    )}`,
  );
  const rows = JSON.stringify(
    keys.map((k, ord) => {
      const v = firstAt.get(k)!;
      return { account_id: v.accountId, device_id: v.deviceId, at: v.at.toISOString(), ord };
    }),
  );
  const created = await tx.execute<{ n: number }>(sql`
    with w as (
      select t.account_id, t.device_id, t.at, row_number() over (order by t.ord) as k
        from jsonb_to_recordset(${rows}::jsonb) as t(account_id text, device_id text, at timestamptz, ord int)
       where not exists (select 1 from ${customers} c where c.shop_id = ${shopId} and c.account_id = t.account_id)
         and not exists (select 1 from ${customerDevices} d where d.shop_id = ${shopId} and d.device_id = t.device_id)
    ),
    m as (select count(*)::int as m from w),
    n as (
      insert into ${customerCounters} (shop_id, last_no) select ${shopId}, m from m where m > 0
      on conflict (shop_id) do update set last_no = ${customerCounters}.last_no + excluded.last_no
      returning last_no
    ),
    x as (select w.*, (n.last_no - m.m + w.k)::int as no from w, m, n),
    c as (
      insert into ${customers} (shop_id, customer_no, account_id, first_seen_at, last_seen_at)
      select ${shopId}, no, account_id, at, at from x
    ),
    d as (
      insert into ${customerDevices} (shop_id, device_id, customer_no)
      select ${shopId}, device_id, no from x where device_id is not null
      on conflict (shop_id, device_id) do update set customer_no = excluded.customer_no
    ),
    q as (insert into ${customerDirty} (shop_id, customer_no) select ${shopId}, no from x on conflict do nothing)
    select count(*)::int as n from x`);
  if (created.rows[0]!.n > 0) await scheduleRefresh(tx, shopId);
}

/**
 * Folds anonymous customer `from` into `into`: counters add up, first/last seen widen, category
 * stats add up, devices move, and `from` stays as a pointer (`merged_into`) so the events that
 * carry its number still count for `into`. Its tag memberships are dropped at the next refresh.
 */
export async function merge(tx: Tx, shopId: string, from: number, into: number): Promise<void> {
  await tx.execute(sql`
    update ${customers} t set
      first_seen_at = least(t.first_seen_at, a.first_seen_at),
      last_seen_at = greatest(t.last_seen_at, a.last_seen_at),
      visit_days = t.visit_days + a.visit_days,
      last_visit_day = greatest(t.last_visit_day, a.last_visit_day),
      favourites = t.favourites + a.favourites,
      add_to_carts = t.add_to_carts + a.add_to_carts,
      gender = coalesce(t.gender, a.gender),
      age_band = coalesce(t.age_band, a.age_band),
      region = coalesce(t.region, a.region),
      top_category = coalesce(t.top_category, a.top_category),
      updated_at = now()
    from ${customers} a
    where t.shop_id = ${shopId} and t.customer_no = ${into} and a.shop_id = ${shopId} and a.customer_no = ${from}`);
  await tx.execute(sql`
    insert into ${customerCategoryStats} (shop_id, customer_no, category_id, orders, spend, views, last_at)
    select shop_id, ${into}, category_id, orders, spend, views, last_at from ${customerCategoryStats}
     where shop_id = ${shopId} and customer_no = ${from}
    on conflict (shop_id, customer_no, category_id) do update set
      orders = ${customerCategoryStats}.orders + excluded.orders,
      spend = ${customerCategoryStats}.spend + excluded.spend,
      views = ${customerCategoryStats}.views + excluded.views,
      last_at = greatest(${customerCategoryStats}.last_at, excluded.last_at)`);
  await tx
    .update(customers)
    .set({ mergedInto: into, updatedAt: sql`now()` })
    .where(and(eq(customers.shopId, shopId), eq(customers.customerNo, from)));
  await tx
    .update(customers)
    .set({ mergedInto: into })
    .where(and(eq(customers.shopId, shopId), eq(customers.mergedInto, from)));
  await tx
    .update(customerDevices)
    .set({ customerNo: into })
    .where(and(eq(customerDevices.shopId, shopId), eq(customerDevices.customerNo, from)));
  // Keeps top_category consistent with the summed stats (the beacon relies on it).
  await tx.execute(sql`
    update ${customers} set top_category = coalesce((
      select category_id from ${customerCategoryStats}
       where shop_id = ${shopId} and customer_no = ${into}
       order by spend desc, orders desc, views desc, category_id limit 1), top_category)
    where shop_id = ${shopId} and customer_no = ${into}`);
  await markDirty(tx, shopId, [from, into]);
}

const enqueuedSlot = new Map<string, number>();

/** Queues customers for the incremental tag refresh and schedules it (once per shop per window). */
export async function markDirty(tx: Executor, shopId: string, customerNos: number[]): Promise<void> {
  if (customerNos.length === 0) return;
  await tx.execute(sql`
    insert into ${customerDirty} (shop_id, customer_no)
    select ${shopId}, n from unnest(${`{${[...new Set(customerNos)].join(',')}}`}::int[]) as n
    on conflict do nothing`);
  await scheduleRefresh(tx, shopId);
}

/** Schedules the shop's tag refresh for customers already put in `customer_dirty`. */
export async function scheduleRefresh(tx: Executor, shopId: string): Promise<void> {
  // One refresh per shop per window (job keys are unique for good, hence the window number),
  // due a full window after the window closes so changes still committing at its end are seen.
  const slot = Math.floor(Date.now() / REFRESH_DELAY_MS);
  // Concurrent batches of one shop would all wait on the same job key's insert: once per slot
  // per process is enough (a rolled-back batch's customers wait for the next slot or the hourly
  // recomputation).
  if (enqueuedSlot.get(shopId) === slot) return;
  enqueuedSlot.set(shopId, slot);
  if (enqueuedSlot.size > 10_000) enqueuedSlot.clear();
  await enqueue(
    tx,
    REFRESH_JOB,
    { shopId },
    { runAt: new Date((slot + 2) * REFRESH_DELAY_MS), uniqueKey: `${REFRESH_JOB}:${shopId}@${slot}` },
  );
}

/** Numbers of merged-away customers and whom they merged into (few; used to map event owners). */
export async function mergedMap(ex: Executor, shopId: string): Promise<Map<number, number>> {
  const rows = await ex
    .select({ customerNo: customers.customerNo, mergedInto: customers.mergedInto })
    .from(customers)
    .where(and(eq(customers.shopId, shopId), isNotNull(customers.mergedInto)));
  return new Map(rows.map((r) => [r.customerNo, r.mergedInto!]));
}

/** The category a customer cares most about: spend weighs most, then orders, then views. */
export async function refreshTopCategory(tx: Executor, shopId: string, customerNo: number) {
  await tx.execute(sql`
    update ${customers} set top_category = (
      select category_id from ${customerCategoryStats}
       where shop_id = ${shopId} and customer_no = ${customerNo}
       order by spend desc, orders desc, views desc, category_id limit 1)
    where shop_id = ${shopId} and customer_no = ${customerNo}`);
}

/** A domain event in the customer's log (its id is the outbox event's, so a redelivery adds nothing). */
export async function logDomainEvent(
  tx: Executor,
  e: { shopId: string; eventId: string; at: Date; customerNo: number; type: string; props: Record<string, unknown> },
): Promise<boolean> {
  const rows = await tx
    .insert(customerEvents)
    .values({
      shopId: e.shopId,
      eventId: e.eventId,
      occurredAt: e.at,
      customerNo: e.customerNo,
      type: e.type,
      props: e.props,
      source: 'domain',
    })
    .onConflictDoNothing()
    .returning({ eventId: customerEvents.eventId });
  return rows.length > 0;
}

/** Paid order: counts, spend, first/last order, category spend. */
export async function applyOrderPaid(
  tx: Tx,
  shopId: string,
  customerNo: number,
  o: { total: number; at: Date; region?: string | null; categorySpend: Map<string, number> },
) {
  await tx.execute(sql`
    update ${customers} set
      order_count = order_count + 1,
      spend = spend + ${o.total},
      first_order_at = least(coalesce(first_order_at, ${o.at.toISOString()}::timestamptz), ${o.at.toISOString()}::timestamptz),
      last_order_at = greatest(coalesce(last_order_at, ${o.at.toISOString()}::timestamptz), ${o.at.toISOString()}::timestamptz),
      last_seen_at = greatest(last_seen_at, ${o.at.toISOString()}::timestamptz),
      region = coalesce(${o.region ?? null}, region),
      updated_at = now()
    where shop_id = ${shopId} and customer_no = ${customerNo}`);
  for (const [categoryId, spend] of o.categorySpend) {
    await tx
      .insert(customerCategoryStats)
      .values({ shopId, customerNo, categoryId, orders: 1, spend, lastAt: o.at })
      .onConflictDoUpdate({
        target: [customerCategoryStats.shopId, customerCategoryStats.customerNo, customerCategoryStats.categoryId],
        set: {
          orders: sql`${customerCategoryStats.orders} + 1`,
          spend: sql`${customerCategoryStats.spend} + excluded.spend`,
          lastAt: sql`greatest(${customerCategoryStats.lastAt}, excluded.last_at)`,
        },
      });
  }
  await refreshTopCategory(tx, shopId, customerNo);
  await markDirty(tx, shopId, [customerNo]);
}

/** A refund: spend goes down (never below zero), refunded goes up. */
export async function applyRefund(tx: Tx, shopId: string, customerNo: number, amount: number) {
  await tx.execute(sql`
    update ${customers} set spend = greatest(0, spend - ${amount}), refunded = refunded + ${amount}, updated_at = now()
    where shop_id = ${shopId} and customer_no = ${customerNo}`);
  await markDirty(tx, shopId, [customerNo]);
}

/** The customer who paid an order, from the log's `order_paid` event. */
export async function customerOfOrder(tx: Executor, shopId: string, orderId: string): Promise<number | null> {
  const [row] = await tx
    .select({ customerNo: customerEvents.customerNo })
    .from(customerEvents)
    .where(
      and(
        eq(customerEvents.shopId, shopId),
        eq(customerEvents.type, 'order_paid'),
        sql`${customerEvents.props}->>'orderId' = ${orderId}`,
      ),
    )
    .limit(1);
  return row?.customerNo ?? null;
}

export async function setFollowing(tx: Tx, shopId: string, customerNo: number, following: boolean) {
  await tx
    .update(customers)
    .set({ following, updatedAt: sql`now()` })
    .where(and(eq(customers.shopId, shopId), eq(customers.customerNo, customerNo)));
  await markDirty(tx, shopId, [customerNo]);
}

/** Attributes the shop (or the membership module) knows better than behaviour does. */
export async function setAttributes(
  tx: Tx,
  shopId: string,
  customerNos: number[],
  attrs: { gender?: 'female' | 'male' | null; ageBand?: string | null; region?: string | null; tier?: string | null },
) {
  if (customerNos.length === 0 || Object.keys(attrs).length === 0) return;
  await tx
    .update(customers)
    .set({ ...attrs, updatedAt: sql`now()` })
    .where(and(eq(customers.shopId, shopId), inArray(customers.customerNo, customerNos)));
  await markDirty(tx, shopId, customerNos);
}
