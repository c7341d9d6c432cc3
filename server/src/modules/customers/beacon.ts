import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { defineMessages, translate, type Locale } from '../../kernel/http/i18n.js';
import { shops } from '../shops/index.js';
import { stats } from '../stats/index.js';
import { textArray } from './bitmaps.js';
import { ensurePartitions } from './events-table.js';
import {
  createCustomers,
  ensureCustomer,
  lockIdentities,
  refreshTopCategory,
  scheduleRefresh,
  type Who,
} from './profiles.js';
import { customerCategoryStats, customerDevices, customerDirty, customers } from './schema.js';

/** Storefront behaviour the beacon accepts. */
export const BEHAVIOUR_TYPES = [
  'page_view',
  'product_view',
  'search',
  'add_to_cart',
  'favourite',
  'follow',
  'placement_click',
] as const;
export type BehaviourType = (typeof BEHAVIOUR_TYPES)[number];

/** How far back and ahead of the server's clock an event's `at` may be. */
export const MAX_AGE_MS = 7 * 86_400_000;
export const MAX_SKEW_MS = 5 * 60_000;
export const MAX_BATCH = 100;

const propValue = z.union([z.string().max(200), z.number().finite(), z.boolean(), z.null()]);
export const beaconEvent = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .describe('client-generated, unique per event: a resend with the same id and `at` is ignored'),
    type: z.enum(BEHAVIOUR_TYPES),
    shopId: z.string().min(1).max(64),
    at: z.iso.datetime({ offset: true }).optional().describe('when it happened; default: when received'),
    props: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/), propValue)
      .refine((p) => Object.keys(p).length <= 20, { message: 'at most 20 props' })
      .optional()
      .describe('e.g. { productId, categoryId, query, strategyId, variantId }'),
  })
  .superRefine((e, ctx) => {
    const need = (key: string) => {
      if (typeof e.props?.[key] !== 'string' || !(e.props[key] as string).length)
        ctx.addIssue({ code: 'custom', path: ['props', key], message: `${e.type} needs props.${key}` });
    };
    if (e.type === 'product_view' || e.type === 'add_to_cart' || e.type === 'favourite') need('productId');
    if (e.type === 'search') need('query');
    if (e.type === 'placement_click') need('strategyId');
  });
export type BeaconEvent = z.infer<typeof beaconEvent>;

export const beaconBody = z.object({
  deviceId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/)
    .optional()
    .describe('anonymous device id when the `qd_vid` cookie cannot be used (apps); the cookie wins'),
  events: z.array(z.unknown()).min(1).max(MAX_BATCH).describe('each event is validated on its own'),
});

export const beaconResult = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      id: z.string().nullable(),
      code: z.string(),
      message: z.string(),
      fields: z.array(z.object({ field: z.string(), message: z.string() })),
    }),
  ),
});

defineMessages({
  'customers.event_invalid': { 'zh-CN': '事件格式有误', 'en-US': 'The event is malformed' },
  'customers.event_unknown_shop': { 'zh-CN': '店铺不存在或未营业', 'en-US': 'No such open shop' },
  'customers.event_out_of_window': {
    'zh-CN': '事件时间超出可接受范围（7 天内）',
    'en-US': 'The event time is outside the accepted window (the last 7 days)',
  },
  'customers.event_duplicate_in_batch': {
    'zh-CN': '同一批次中事件 ID 重复',
    'en-US': 'The event id appears twice in the batch',
  },
});

/** An event accepted into the log, as other modules see it. */
export interface AcceptedEvent {
  id: string;
  type: BehaviourType;
  at: Date;
  customerNo: number;
  accountId: string | null;
  props: Record<string, string | number | boolean | null>;
}
export type BehaviourListener = (shopId: string, events: AcceptedEvent[]) => void | Promise<void>;
const listeners: BehaviourListener[] = [];

/**
 * Lets another module receive accepted beacon events in-process, after they are committed
 * (e.g. the strategy module counts placement clicks and add-to-carts per variant). A listener's
 * failure is logged and never fails the beacon. Returns a function that removes the listener.
 */
export function onBehaviour(listener: BehaviourListener): () => void {
  listeners.push(listener);
  return () => {
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  };
}

const OPEN_SHOP_TTL_MS = 30_000;
const openShops = new Map<string, { open: boolean; until: number }>();
async function openShopIds(db: Db, ids: string[]): Promise<Set<string>> {
  const now = Date.now();
  const unknown = ids.filter((id) => (openShops.get(id)?.until ?? 0) < now);
  if (unknown.length) {
    const found = await shops.shopSummaries(db, unknown);
    for (const id of unknown)
      openShops.set(id, { open: found.get(id)?.status === 'active', until: now + OPEN_SHOP_TTL_MS });
  }
  return new Set(ids.filter((id) => openShops.get(id)?.open));
}

/**
 * Takes a batch of storefront events: each is validated on its own (bad ones come back with
 * reasons, the rest are kept), grouped by shop, written to the log (a known id is a duplicate,
 * not an error), and folded into the customer's profile — one transaction per shop.
 */
export async function ingest(
  db: Db,
  who: Who,
  rawEvents: unknown[],
  locale: Locale,
  log?: { warn: (obj: object, msg: string) => void },
  now = new Date(),
): Promise<z.infer<typeof beaconResult>> {
  const rejected: z.infer<typeof beaconResult>['rejected'] = [];
  const reject = (index: number, raw: unknown, code: string, fields: { field: string; message: string }[] = []) =>
    rejected.push({
      index,
      id: typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : null,
      code,
      message: translate(code, locale),
      fields,
    });
  const valid: { index: number; e: BeaconEvent; at: Date }[] = [];
  const seen = new Set<string>();
  rawEvents.forEach((raw, index) => {
    const parsed = beaconEvent.safeParse(raw);
    if (!parsed.success) {
      return reject(
        index,
        raw,
        'customers.event_invalid',
        parsed.error.issues.map((i) => ({ field: `events.${index}.${i.path.join('.')}`, message: i.message })),
      );
    }
    const e = parsed.data;
    const at = e.at ? new Date(e.at) : now;
    if (at.getTime() < now.getTime() - MAX_AGE_MS || at.getTime() > now.getTime() + MAX_SKEW_MS) {
      return reject(index, raw, 'customers.event_out_of_window', [
        { field: `events.${index}.at`, message: translate('customers.event_out_of_window', locale) },
      ]);
    }
    if (seen.has(e.id)) return reject(index, raw, 'customers.event_duplicate_in_batch');
    seen.add(e.id);
    valid.push({ index, e, at });
  });

  const open = await openShopIds(db, [...new Set(valid.map((v) => v.e.shopId))]);
  const byShop = new Map<string, typeof valid>();
  for (const v of valid) {
    if (!open.has(v.e.shopId)) {
      reject(v.index, v.e, 'customers.event_unknown_shop', [
        { field: `events.${v.index}.shopId`, message: translate('customers.event_unknown_shop', locale) },
      ]);
      continue;
    }
    byShop.set(v.e.shopId, [...(byShop.get(v.e.shopId) ?? []), v]);
  }

  let accepted = 0;
  let duplicates = 0;
  for (const shopId of [...byShop.keys()].sort()) {
    const batch = byShop.get(shopId)!;
    const write = () => writeShopBatch(db, shopId, who, batch);
    let result: Awaited<ReturnType<typeof writeShopBatch>>;
    try {
      result = await write();
    } catch (e) {
      // An event in a month without a partition yet (the partitions job runs daily): add it, retry.
      const err = e as { code?: string; cause?: { code?: string } };
      if ((err.cause?.code ?? err.code) !== '23514') throw e;
      const times = batch.map((v) => v.at.getTime());
      await ensurePartitions(db, new Date(Math.min(...times)), new Date(Math.max(...times)));
      result = await write();
    }
    accepted += result.events.length;
    duplicates += batch.length - result.events.length;
    if (result.events.length) {
      for (const listener of listeners) {
        try {
          await listener(shopId, result.events);
        } catch (err) {
          log?.warn({ err, shopId }, 'a customers.onBehaviour listener failed');
        }
      }
    }
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, duplicates, rejected };
}

async function writeShopBatch(db: Db, shopId: string, who: Who, batch: { e: BeaconEvent; at: Date }[]) {
  const minAt = new Date(Math.min(...batch.map((v) => v.at.getTime())));
  // Each transaction first takes the shopper's identity locks and a lock per event id (in key
  // order), so the dedupe check and the insert cannot interleave with a resend of the same
  // events — from this shopper or from another device or tab.
  // `ensure`: resolve or create the shopper with ensureCustomer (merge rules), then write.
  const write = (customer: { accountId: string } | { deviceId: string } | 'ensure') =>
    withShop(db, shopId, async (tx) => {
      await lockIdentities(tx, shopId, who, eventLocks(shopId, batch));
      return writeEvents(
        tx,
        shopId,
        customer === 'ensure'
          ? { customerNo: await ensureCustomer(tx, shopId, who, minAt, { locked: true }) }
          : customer,
        batch,
      );
    });
  let written: Awaited<ReturnType<typeof writeEvents>>;
  if (who.accountId && who.deviceId) {
    // A signed-in shopper on a device: the merge rules of ensureCustomer, then the write.
    written = await write('ensure');
  } else {
    // Known by one identity: a returning shopper is resolved inside the write itself. A new one
    // is created first, together with the other new shoppers of the shop arriving meanwhile.
    const identity = who.accountId ? { accountId: who.accountId } : { deviceId: who.deviceId! };
    written = await write(identity);
    if (!written) {
      await createCustomers(db, shopId, who, minAt);
      written = (await write(identity)) ?? (await write('ensure'));
    }
  }
  const { customerNo, fresh } = written!;
  const kept = batch.filter((v) => fresh.has(v.e.id));
  return {
    events: kept.map((v): AcceptedEvent => ({
      id: v.e.id,
      type: v.e.type,
      at: v.at,
      customerNo,
      accountId: who.accountId ?? null,
      props: v.e.props ?? {},
    })),
  };
}

/**
 * One statement for the whole batch: resolves the customer (unless given), appends the events
 * not seen in the acceptance window (a multi-row INSERT … ON CONFLICT DO NOTHING RETURNING),
 * and folds the inserted ones into the profile — first/last seen, visit days, counters, category
 * views — and the refresh queue. `null` when the shopper is unknown (nothing was written).
 */
async function writeEvents(
  tx: Tx,
  shopId: string,
  customer: { customerNo: number } | { accountId: string } | { deviceId: string },
  batch: { e: BeaconEvent; at: Date }[],
): Promise<{ customerNo: number; fresh: Set<string> } | null> {
  const resolve =
    'customerNo' in customer
      ? sql`select ${customer.customerNo}::int as no`
      : 'accountId' in customer
        ? sql`select coalesce(merged_into, customer_no) as no from ${customers}
               where shop_id = ${shopId} and account_id = ${customer.accountId}`
        : sql`select coalesce(k.merged_into, k.customer_no) as no
                from ${customerDevices} d join ${customers} k on k.shop_id = d.shop_id and k.customer_no = d.customer_no
               where d.shop_id = ${shopId} and d.device_id = ${customer.deviceId}`;
  const rows = eventRows(batch);
  const since = dedupeSince();
  const res = await tx.execute<{ customer_no: number | null; ids: string[]; top: string | null; cats: string[] }>(sql`
    with c as (${resolve}),
    e as (select * from jsonb_to_recordset(${rows}::jsonb) as e(id text, type text, at timestamptz, props jsonb)),
    known as (
      select event_id from customer_events
       where shop_id = ${shopId} and event_id = any(${textArray(batch.map((v) => v.e.id))}::text[])
         and occurred_at >= ${since}::timestamptz
    ),
    ins as (
      insert into customer_events (shop_id, event_id, occurred_at, customer_no, type, props, source)
      select ${shopId}, e.id, e.at, c.no, e.type, e.props, 'beacon' from e cross join c
       where e.id not in (select event_id from known)
      on conflict do nothing
      returning event_id, occurred_at, type, props
    ),
    agg as (
      select min(occurred_at) as min_at, max(occurred_at) as max_at,
             count(*) filter (where type = 'favourite')::int as favourites,
             count(*) filter (where type = 'add_to_cart')::int as add_to_carts,
             array_agg(distinct to_char((occurred_at at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD')) as days
        from ins having count(*) > 0
    ),
    prof as (
      update ${customers} t set
        first_seen_at = least(t.first_seen_at, agg.min_at),
        last_seen_at = greatest(t.last_seen_at, agg.max_at),
        visit_days = t.visit_days + (select count(*) from unnest(agg.days) d where d > coalesce(t.last_visit_day, '')),
        last_visit_day = greatest(coalesce(t.last_visit_day, ''), (select max(d) from unnest(agg.days) d)),
        favourites = t.favourites + agg.favourites,
        add_to_carts = t.add_to_carts + agg.add_to_carts,
        updated_at = now()
        from agg, c
       where t.shop_id = ${shopId} and t.customer_no = c.no
      returning t.top_category
    ),
    cat as (
      select props->>'categoryId' as category_id, count(*)::int as views from ins
       where type = 'product_view' and jsonb_typeof(props->'categoryId') = 'string'
         and length(props->>'categoryId') <= 64
       group by 1
    ),
    stats as (
      insert into ${customerCategoryStats} (shop_id, customer_no, category_id, views, last_at)
      select ${shopId}, c.no, cat.category_id, cat.views, agg.max_at from cat, c, agg
      on conflict (shop_id, customer_no, category_id) do update set
        views = ${customerCategoryStats}.views + excluded.views,
        last_at = greatest(${customerCategoryStats}.last_at, excluded.last_at)
    ),
    dirty as (
      insert into ${customerDirty} (shop_id, customer_no) select ${shopId}, c.no from c, agg on conflict do nothing
    )
    select (select no from c) as customer_no,
           (select coalesce(array_agg(event_id), '{}') from ins) as ids,
           (select top_category from prof) as top,
           (select coalesce(array_agg(category_id), '{}') from cat) as cats`);
  const row = res.rows[0]!;
  if (row.customer_no === null) return null;
  const customerNo = row.customer_no;
  if (row.ids.length) {
    // Views only of the current top category cannot change it; otherwise recompute it (after the
    // statement above, so it sees the new views).
    if (row.cats.some((c) => c !== row.top)) await refreshTopCategory(tx, shopId, customerNo);
    await scheduleRefresh(tx, shopId);
  }
  return { customerNo, fresh: new Set(row.ids) };
}

const eventLocks = (shopId: string, batch: { e: BeaconEvent }[]) =>
  sql`(select count(pg_advisory_xact_lock(k)) from (
         select hashtext(${`customers.event:${shopId}:`} || id) as k
           from unnest(${textArray(batch.map((v) => v.e.id))}::text[]) id order by 1) l)`;
const eventRows = (batch: { e: BeaconEvent; at: Date }[]) =>
  JSON.stringify(batch.map((v) => ({ id: v.e.id, type: v.e.type, at: v.at.toISOString(), props: v.e.props ?? {} })));
const dedupeSince = () => new Date(Date.now() - MAX_AGE_MS - 86_400_000).toISOString();

/** The anonymous device id of a beacon request: the `qd_vid` cookie, else the body's. */
export const DEVICE_COOKIE = stats.VISITOR_COOKIE;
export const isVisitorCookie = (v: string | undefined): v is string => !!v && /^vis_[0-9a-z]{20,40}$/.test(v);
