import { and, desc, eq, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { emit } from '../../kernel/events/outbox.js';
import { badRequest, conflict, notFound, type FieldError } from '../../kernel/http/errors.js';
import { defineMessages, isMessageCode } from '../../kernel/http/i18n.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { newId } from '../../kernel/ids.js';
import { assign, type CompiledStrategy } from './assignment.js';
import { type PageContext, type PageKey, placementsOfPage, placementType, placementTypes } from './placements.js';
import {
  HOLDOUT,
  strategies,
  strategyConversions,
  strategyExposures,
  strategyInteractions,
  strategyRefunds,
  type StrategyStatus,
} from './schema.js';
import { customerSegments, type SegmentSource } from './segments.js';
import { twoProportionTest } from './statistics.js';

defineMessages({
  'strategy.invalid': {
    'zh-CN': '策略有误，请检查标出的字段',
    'en-US': 'The strategy has errors; see the fields listed',
  },
  'strategy.unknown_placement': { 'zh-CN': '没有这个投放位', 'en-US': 'There is no such placement' },
  'strategy.unknown_segment': {
    'zh-CN': '人群不存在或已删除',
    'en-US': 'The segment does not exist or was deleted',
  },
  'strategy.unknown_variant': {
    'zh-CN': '请选择本策略中的一个内容版本',
    'en-US': 'Choose one of this strategy’s variants',
  },
  'strategy.duplicate_variant': { 'zh-CN': '内容版本编号重复', 'en-US': 'Two variants have the same id' },
  'strategy.duplicate_segment': {
    'zh-CN': '同一人群只能出现在一条规则中',
    'en-US': 'A segment may appear in one rule only',
  },
  'strategy.reserved_variant': {
    'zh-CN': '“holdout” 为对照组保留，请换一个编号',
    'en-US': '“holdout” is reserved for the holdout group; choose another id',
  },
  'strategy.unknown_product': {
    'zh-CN': '商品不存在或不属于本店',
    'en-US': 'The product does not exist or is not this shop’s',
  },
  'strategy.invalid_content': { 'zh-CN': '内容填写有误', 'en-US': 'This content is not valid' },
  'strategy.not_editable': {
    'zh-CN': '投放中或已结束的策略不能修改，请先暂停',
    'en-US': 'A running or ended strategy cannot be edited; pause it first',
  },
  'strategy.bad_transition': {
    'zh-CN': '策略当前为“{from}”，不能变为“{to}”',
    'en-US': 'The strategy is {from}; it cannot become {to}',
  },
});

// ---------------------------------------------------------------- the segment source

let segmentSource: SegmentSource = customerSegments;
/** Replaces where segments come from (another segment model). */
export function useSegmentSource(source: SegmentSource) {
  segmentSource = source;
}

// ---------------------------------------------------------------- input

const variantId = z
  .string()
  .regex(/^[a-z0-9_-]{1,32}$/, 'strategy.invalid_content')
  .describe('chosen by the client, unique in the strategy; `holdout` is reserved');

export const strategyInput = z.object({
  name: z.string().trim().min(1).max(60),
  placement: z.string().min(1).max(64).describe('a placement type key, see GET …/strategy-options'),
  priority: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(0)
    .describe('higher first when several active strategies share a placement'),
  variants: z
    .array(
      z.object({
        id: variantId,
        name: z.string().trim().min(1).max(30),
        content: z.record(z.string(), z.unknown()).describe("the placement type's content"),
      }),
    )
    .min(1)
    .max(10),
  rules: z
    .array(z.object({ segmentId: z.string().min(1).max(64), variantId }))
    .max(20)
    .default([])
    .describe('tried in order; the first segment holding the shopper decides the variant'),
  defaultVariantId: variantId.describe('for shoppers no rule matches (and anonymous visitors)'),
  holdoutPercent: z
    .number()
    .int()
    .min(0)
    .max(50)
    .default(10)
    .describe('share of shoppers who see the page without the strategy, to measure against'),
  attributionDays: z.number().int().min(1).max(30).default(7),
});
export type StrategyInput = z.infer<typeof strategyInput>;

/** Checks a strategy against its placement type and the shop's segments and products. */
async function validate(db: Db, shopId: string, input: StrategyInput) {
  const fields: FieldError[] = [];
  const type = placementType(input.placement);
  if (!type) fields.push({ field: 'body.placement', code: 'unknown_placement', message: 'strategy.unknown_placement' });
  const ids = new Set<string>();
  const contents: Record<string, unknown>[] = [];
  for (const [i, v] of input.variants.entries()) {
    if (v.id === HOLDOUT)
      fields.push({ field: `body.variants.${i}.id`, code: 'reserved', message: 'strategy.reserved_variant' });
    else if (ids.has(v.id))
      fields.push({ field: `body.variants.${i}.id`, code: 'duplicate', message: 'strategy.duplicate_variant' });
    ids.add(v.id);
    if (!type) {
      contents.push(v.content);
      continue;
    }
    const parsed = type.content.safeParse(v.content);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        fields.push({
          field: ['body', 'variants', i, 'content', ...issue.path.map(String)].join('.'),
          code: issue.code,
          message: isMessageCode(issue.message) ? issue.message : 'strategy.invalid_content',
        });
      contents.push(v.content);
      continue;
    }
    contents.push(parsed.data as Record<string, unknown>);
    for (const f of await type.validateContent(db, shopId, parsed.data))
      fields.push({ ...f, field: `body.variants.${i}.content.${f.field}` });
  }
  if (!ids.has(input.defaultVariantId) || input.defaultVariantId === HOLDOUT)
    fields.push({ field: 'body.defaultVariantId', code: 'unknown_variant', message: 'strategy.unknown_variant' });
  const segments = input.rules.length ? new Set((await segmentSource.list(db, shopId)).map((s) => s.id)) : new Set();
  const seen = new Set<string>();
  for (const [i, r] of input.rules.entries()) {
    if (!segments.has(r.segmentId))
      fields.push({ field: `body.rules.${i}.segmentId`, code: 'unknown_segment', message: 'strategy.unknown_segment' });
    else if (seen.has(r.segmentId))
      fields.push({ field: `body.rules.${i}.segmentId`, code: 'duplicate', message: 'strategy.duplicate_segment' });
    seen.add(r.segmentId);
    if (!ids.has(r.variantId) || r.variantId === HOLDOUT)
      fields.push({ field: `body.rules.${i}.variantId`, code: 'unknown_variant', message: 'strategy.unknown_variant' });
  }
  if (fields.length) throw badRequest('strategy.invalid', fields);
  return input.variants.map((v, i) => ({ id: v.id, name: v.name, content: contents[i]! }));
}

// ---------------------------------------------------------------- the workbench

type Row = typeof strategies.$inferSelect;

export const strategyView = (s: Row) => ({
  id: s.id,
  name: s.name,
  placement: s.placement,
  status: s.status,
  priority: s.priority,
  rules: s.rules,
  variants: s.variants,
  defaultVariantId: s.defaultVariantId,
  holdoutPercent: s.holdoutPercent,
  attributionDays: s.attributionDays,
  startedAt: s.startedAt?.toISOString() ?? null,
  endedAt: s.endedAt?.toISOString() ?? null,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

async function rowOf(tx: Executor, shopId: string, id: string, lock = false) {
  const q = tx
    .select()
    .from(strategies)
    .where(and(eq(strategies.shopId, shopId), eq(strategies.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('strategy');
  return row;
}

/** Tells every process to drop its cached strategies for the shop (see `shopIndex`). */
async function changed(tx: Tx, shopId: string, topic: string, payload: Record<string, unknown>) {
  await emit(tx, topic, payload, shopId);
  await tx.execute(sql`select pg_notify(${CHANGE_CHANNEL}, ${shopId})`);
}

export async function createStrategy(db: Db, shopId: string, actorId: string, input: StrategyInput) {
  const variants = await validate(db, shopId, input);
  const row = await withShop(db, shopId, async (tx) => {
    const [created] = await tx
      .insert(strategies)
      .values({
        shopId,
        id: newId('stg'),
        name: input.name,
        placement: input.placement,
        status: 'draft',
        priority: input.priority,
        rules: input.rules,
        variants,
        defaultVariantId: input.defaultVariantId,
        holdoutPercent: input.holdoutPercent,
        attributionDays: input.attributionDays,
        createdBy: actorId,
      })
      .returning();
    await changed(tx, shopId, 'strategy.created', { shopId, strategyId: created!.id, actorId });
    return created!;
  });
  return strategyView(row);
}

/** Replaces a draft or paused strategy's settings. */
export async function updateStrategy(db: Db, shopId: string, id: string, actorId: string, input: StrategyInput) {
  await rowOf(db, shopId, id); // 404 before validating against a shop's data
  const variants = await validate(db, shopId, input);
  const row = await withShop(db, shopId, async (tx) => {
    const current = await rowOf(tx, shopId, id, true);
    if (current.status === 'active' || current.status === 'ended') throw conflict('strategy.not_editable');
    const [updated] = await tx
      .update(strategies)
      .set({
        name: input.name,
        placement: input.placement,
        priority: input.priority,
        rules: input.rules,
        variants,
        defaultVariantId: input.defaultVariantId,
        holdoutPercent: input.holdoutPercent,
        attributionDays: input.attributionDays,
        updatedAt: sql`now()`,
      })
      .where(and(eq(strategies.shopId, shopId), eq(strategies.id, id)))
      .returning();
    await changed(tx, shopId, 'strategy.updated', { shopId, strategyId: id, actorId });
    return updated!;
  });
  return strategyView(row);
}

const TRANSITIONS: Record<StrategyStatus, StrategyStatus[]> = {
  draft: ['active', 'ended'],
  active: ['paused', 'ended'],
  paused: ['active', 'ended'],
  ended: [],
};

export const statusInput = z.object({ status: z.enum(['active', 'paused', 'ended']) });

/** Starts, pauses, resumes or ends a strategy. Starting checks its segments still exist. */
export async function setStatus(
  db: Db,
  shopId: string,
  id: string,
  actorId: string,
  to: 'active' | 'paused' | 'ended',
) {
  const before = await rowOf(db, shopId, id);
  if (to === 'active') {
    await validate(db, shopId, {
      name: before.name,
      placement: before.placement,
      priority: before.priority,
      variants: before.variants,
      rules: before.rules,
      defaultVariantId: before.defaultVariantId,
      holdoutPercent: before.holdoutPercent,
      attributionDays: before.attributionDays,
    });
  }
  const row = await withShop(db, shopId, async (tx) => {
    const current = await rowOf(tx, shopId, id, true);
    if (current.status === to) return current;
    if (!TRANSITIONS[current.status].includes(to))
      throw conflict('strategy.bad_transition', { from: current.status, to });
    const [updated] = await tx
      .update(strategies)
      .set({
        status: to,
        startedAt: to === 'active' && !current.startedAt ? sql`now()` : undefined,
        endedAt: to === 'ended' ? sql`now()` : undefined,
        updatedAt: sql`now()`,
      })
      .where(and(eq(strategies.shopId, shopId), eq(strategies.id, id)))
      .returning();
    await changed(tx, shopId, 'strategy.status_changed', { shopId, strategyId: id, actorId, from: current.status, to });
    return updated!;
  });
  invalidate(shopId);
  return strategyView(row);
}

export async function getStrategy(db: Db, shopId: string, id: string) {
  return withShop(db, shopId, async (tx) => strategyView(await rowOf(tx, shopId, id)));
}

export const listQuery = z.object({
  status: z.enum(['draft', 'active', 'paused', 'ended']).optional(),
  placement: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

/** Newest first. */
export async function listStrategies(db: Db, shopId: string, q: z.infer<typeof listQuery>) {
  const after = decodeCursor(q.cursor);
  return withShop(db, shopId, async (tx) => {
    const rows = await tx
      .select()
      .from(strategies)
      .where(
        and(
          eq(strategies.shopId, shopId),
          q.status ? eq(strategies.status, q.status) : undefined,
          q.placement ? eq(strategies.placement, q.placement) : undefined,
          after ? sql`${strategies.id} < ${String(after[0])}` : undefined,
        ),
      )
      .orderBy(desc(strategies.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.id]);
    return { items: page.items.map(strategyView), nextCursor: page.nextCursor };
  });
}

/** What the editor offers: the registered placement types and the shop's segments. */
export async function editorOptions(db: Db, shopId: string) {
  return {
    placements: placementTypes().map((t) => ({ key: t.key, page: t.page, label: t.label })),
    segments: await segmentSource.list(db, shopId),
  };
}

// ---------------------------------------------------------------- resolution

/** NOTIFY channel: a shop's strategies changed (payload: the shop id). */
export const CHANGE_CHANNEL = 'qiandian_strategy';
/** A safety net if a notification is missed (the LISTEN connection dropped). */
const CACHE_TTL_MS = 60_000;

export interface ShopIndex {
  byPlacement: Map<string, CompiledStrategy[]>;
  /** Every segment the shop's active rules name: membership is asked for once per page view. */
  segmentIds: string[];
  loadedAt: number;
}

const cache = new Map<string, Promise<ShopIndex>>();

/** Drops cached strategies: one shop's, or every shop's. */
export function invalidate(shopId?: string) {
  if (shopId) cache.delete(shopId);
  else cache.clear();
}

/** Active strategies by placement, priority first (then the earliest started). */
export function compile(rows: Row[], now = Date.now()): ShopIndex {
  const byPlacement = new Map<string, CompiledStrategy[]>();
  const segmentIds = new Set<string>();
  const sorted = [...rows].sort(
    (a, b) =>
      b.priority - a.priority ||
      (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0) ||
      a.id.localeCompare(b.id),
  );
  for (const r of sorted) {
    for (const rule of r.rules) segmentIds.add(rule.segmentId);
    const list = byPlacement.get(r.placement) ?? [];
    list.push({
      id: r.id,
      placement: r.placement,
      priority: r.priority,
      rules: r.rules,
      defaultVariantId: r.defaultVariantId,
      holdoutPercent: r.holdoutPercent,
      variants: new Map(r.variants.map((v) => [v.id, v.content])),
    });
    byPlacement.set(r.placement, list);
  }
  return { byPlacement, segmentIds: [...segmentIds], loadedAt: now };
}

/** The shop's active strategies, from memory; loaded on first use and after a change. */
export function shopIndex(db: Db, shopId: string): Promise<ShopIndex> {
  const hit = cache.get(shopId);
  if (hit) return hit;
  const loading = db
    .select()
    .from(strategies)
    .where(and(eq(strategies.shopId, shopId), eq(strategies.status, 'active')))
    .then((rows) => compile(rows));
  cache.set(shopId, loading);
  loading.then(
    (index) => {
      setTimeout(
        () => {
          if (cache.get(shopId) === loading) cache.delete(shopId);
        },
        CACHE_TTL_MS - (Date.now() - index.loadedAt),
      ).unref();
    },
    () => {
      if (cache.get(shopId) === loading) cache.delete(shopId);
    },
  );
  return loading;
}

export interface Shopper {
  accountId?: string | null;
  /** The visitor cookie (`qd_vid`). */
  deviceId?: string | null;
}

/** Assignment is per account when signed in (the same arm on every device), else per device. */
export const shopperKeyOf = (s: Shopper) => s.accountId ?? s.deviceId ?? null;

export interface ResolvedPlacement {
  placement: string;
  strategyId: string;
  /** The variant shown, or `holdout`. */
  variantId: string;
  /** The holdout sees the page without the strategy: `content` is null. */
  holdout: boolean;
  /** null: show the page's own default (holdout, or the chosen products are all gone). */
  content: unknown;
}

/**
 * Which arm of each active strategy on one page the shopper gets, without rendering: the
 * shop's index from memory, the shopper's customer number, their segments (once, for every
 * rule on the shop), then assignment per placement.
 */
export async function assignPage(db: Db, shopId: string, page: PageKey, shopper: Shopper) {
  const key = shopperKeyOf(shopper);
  if (!key) return [];
  const index = await shopIndex(db, shopId);
  const placed = placementsOfPage(page).flatMap((t) => {
    const list = index.byPlacement.get(t.key);
    return list?.length ? [{ type: t, list }] : [];
  });
  if (!placed.length) return [];
  let segments: ReadonlySet<string> = new Set();
  if (index.segmentIds.length) {
    const customerNo = await segmentSource.customerFor(db, shopId, {
      ...(shopper.accountId ? { accountId: shopper.accountId } : {}),
      ...(shopper.deviceId ? { deviceId: shopper.deviceId } : {}),
    });
    if (customerNo !== null) segments = await segmentSource.membership(db, shopId, customerNo, index.segmentIds);
  }
  return placed.flatMap(({ type, list }) => {
    const a = assign(list, segments, key);
    return a ? [{ type, strategy: a.strategy, variantId: a.variantId }] : [];
  });
}

/**
 * The page's placements for this shopper, rendered, with each exposure recorded (in memory,
 * written in batches). Resolution never fails the page: on error it logs and returns none.
 */
export async function resolvePage(
  db: Db,
  shopId: string,
  page: PageKey,
  shopper: Shopper,
  context: PageContext = {},
  log?: FastifyBaseLogger,
): Promise<ResolvedPlacement[]> {
  try {
    const assigned = await assignPage(db, shopId, page, shopper);
    const key = shopperKeyOf(shopper)!;
    for (const a of assigned) recordExposure(shopId, a.strategy.id, key, a.variantId);
    const shown = assigned.filter((a) => a.variantId !== HOLDOUT);
    const rendered = new Map<string, unknown>();
    for (const type of new Set(shown.map((a) => a.type))) {
      const mine = shown.filter((a) => a.type === type);
      const views = await type.render(
        db,
        shopId,
        mine.map((a) => a.strategy.variants.get(a.variantId)),
        context,
      );
      mine.forEach((a, i) => rendered.set(a.strategy.id, views[i] ?? null));
    }
    return assigned.map((a) => ({
      placement: a.type.key,
      strategyId: a.strategy.id,
      variantId: a.variantId,
      holdout: a.variantId === HOLDOUT,
      content: rendered.get(a.strategy.id) ?? null,
    }));
  } catch (err) {
    log?.warn({ err, shopId, page }, 'could not resolve placements');
    return [];
  }
}

// ---------------------------------------------------------------- exposures (batched)

interface PendingExposure {
  shopId: string;
  strategyId: string;
  day: string;
  shopperKey: string;
  variantId: string;
  views: number;
  lastSeenAt: Date;
}

let pending = new Map<string, PendingExposure>();
let flushTimer: NodeJS.Timeout | undefined;
let flushDb: Db | undefined;
const FLUSH_EVERY_MS = 1000;
const FLUSH_AT = 500;

/** The Asia/Shanghai calendar day (the shop's day, as for visits). */
export const shanghaiDay = (at = new Date()) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Binds the batch writer to the process's database (module start-up). */
export function startExposureWriter(db: Db) {
  flushDb = db;
}

function recordExposure(shopId: string, strategyId: string, shopperKey: string, variantId: string) {
  const now = new Date();
  const day = shanghaiDay(now);
  const k = `${shopId}\u0000${strategyId}\u0000${day}\u0000${shopperKey}`;
  const hit = pending.get(k);
  if (hit) {
    hit.views += 1;
    hit.variantId = variantId;
    hit.lastSeenAt = now;
  } else pending.set(k, { shopId, strategyId, day, shopperKey, variantId, views: 1, lastSeenAt: now });
  if (pending.size >= FLUSH_AT) void flushExposures().catch(() => {});
  else if (!flushTimer && flushDb) {
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      void flushExposures().catch(() => {});
    }, FLUSH_EVERY_MS);
    flushTimer.unref();
  }
}

/** The flushes so far, one after another: settled when the last one asked for has written. */
let writing: Promise<unknown> = Promise.resolve();

/**
 * Writes the exposures held in memory, one statement, after any flush already writing: so once it
 * resolves, every exposure recorded before the call is in the table (an order paid meanwhile is
 * attributed by reading it). Views add up on conflict, so a batch that fails is put back and
 * written with the next one: nothing is lost or counted twice.
 */
export function flushExposures(db: Db | undefined = flushDb): Promise<number> {
  const run = writing.then(() => writePending(db));
  writing = run.catch(() => undefined);
  return run;
}

async function writePending(db: Db | undefined): Promise<number> {
  if (!db || pending.size === 0) return 0;
  const batch = pending;
  pending = new Map();
  const rows = [...batch.values()];
  try {
    for (let i = 0; i < rows.length; i += 1000) {
      await db
        .insert(strategyExposures)
        .values(rows.slice(i, i + 1000))
        .onConflictDoUpdate({
          target: [
            strategyExposures.shopId,
            strategyExposures.strategyId,
            strategyExposures.day,
            strategyExposures.shopperKey,
          ],
          set: {
            views: sql`${strategyExposures.views} + excluded.views`,
            variantId: sql`case when excluded.last_seen_at >= ${strategyExposures.lastSeenAt} then excluded.variant_id else ${strategyExposures.variantId} end`,
            lastSeenAt: sql`greatest(${strategyExposures.lastSeenAt}, excluded.last_seen_at)`,
          },
        });
    }
  } catch (err) {
    // Put back whatever was not written (a partial multi-chunk write is rare; rows re-add views).
    for (const [k, r] of batch) {
      const now = pending.get(k);
      if (now) {
        now.views += r.views;
        if (r.lastSeenAt > now.lastSeenAt) Object.assign(now, { variantId: r.variantId, lastSeenAt: r.lastSeenAt });
      } else pending.set(k, r);
    }
    throw err;
  }
  return rows.length;
}

/** The arm the shopper was last shown in a strategy (pending in memory, else recorded). */
async function lastArm(db: Executor, shopId: string, strategyId: string, shopperKey: string) {
  let best: PendingExposure | undefined;
  for (const r of pending.values())
    if (r.shopId === shopId && r.strategyId === strategyId && r.shopperKey === shopperKey)
      if (!best || r.lastSeenAt > best.lastSeenAt) best = r;
  if (best) return best.variantId;
  await writing; // a batch taken out of memory is in the table once written
  const [row] = await db
    .select({ variantId: strategyExposures.variantId })
    .from(strategyExposures)
    .where(
      and(
        eq(strategyExposures.shopId, shopId),
        eq(strategyExposures.shopperKey, shopperKey),
        eq(strategyExposures.strategyId, strategyId),
      ),
    )
    .orderBy(desc(strategyExposures.lastSeenAt))
    .limit(1);
  return row?.variantId ?? null;
}

// ---------------------------------------------------------------- clicks, add-to-carts, orders

export interface PlacementInteraction {
  kind: 'click' | 'add_to_cart';
  strategyId: string;
  /** The variant the client says it showed; used only for shoppers the server cannot identify. */
  variantId?: string | null;
  accountId?: string | null;
  /** The shop's customer number, for anonymous shoppers (the beacon knows no device id). */
  customerNo?: number | null;
  at?: Date;
}

/**
 * Counts clicks and add-to-carts on placements, per arm and distinct shopper. A signed-in
 * shopper's event counts for the arm recorded when the page was resolved (not what the client
 * claims), and only if they were exposed. An anonymous shopper is known to the beacon by
 * customer number only, so their event counts for the variant it names if that is one of the
 * strategy's arms.
 */
export async function recordInteractions(db: Db, shopId: string, events: PlacementInteraction[]) {
  let counted = 0;
  for (const e of events) {
    let key: string;
    let arm: string | null;
    if (e.accountId) {
      key = e.accountId;
      arm = await lastArm(db, shopId, e.strategyId, key);
    } else if (e.customerNo != null && e.variantId) {
      key = `customer:${e.customerNo}`;
      const index = await shopIndex(db, shopId);
      const s = [...index.byPlacement.values()].flat().find((x) => x.id === e.strategyId);
      arm = s && (e.variantId === HOLDOUT || s.variants.has(e.variantId)) ? e.variantId : null;
    } else continue;
    if (!arm) continue;
    await db
      .insert(strategyInteractions)
      .values({
        shopId,
        strategyId: e.strategyId,
        variantId: arm,
        kind: e.kind,
        shopperKey: key,
        count: 1,
        lastAt: e.at ?? new Date(),
      })
      .onConflictDoUpdate({
        target: [
          strategyInteractions.shopId,
          strategyInteractions.strategyId,
          strategyInteractions.variantId,
          strategyInteractions.kind,
          strategyInteractions.shopperKey,
        ],
        set: {
          count: sql`${strategyInteractions.count} + 1`,
          lastAt: sql`greatest(${strategyInteractions.lastAt}, excluded.last_at)`,
        },
      });
    counted++;
  }
  return counted;
}

/** Beacon events that concern placements: clicks on them, and add-to-carts that came from one. */
export function interactionsOf(
  events: {
    type: string;
    at: Date;
    customerNo: number;
    accountId: string | null;
    props: Record<string, string | number | boolean | null>;
  }[],
): PlacementInteraction[] {
  return events.flatMap((e) => {
    const strategyId = e.props.strategyId;
    if (typeof strategyId !== 'string' || !strategyId) return [];
    const kind = e.type === 'placement_click' ? 'click' : e.type === 'add_to_cart' ? 'add_to_cart' : null;
    if (!kind) return [];
    const variantId = typeof e.props.variantId === 'string' ? e.props.variantId : null;
    return [{ kind, strategyId, variantId, accountId: e.accountId, customerNo: e.customerNo, at: e.at }];
  });
}

/**
 * `order.paid`: the order counts for every strategy the buyer was exposed to in the shop within
 * that strategy's attribution window, for the arm last shown before the payment. Idempotent
 * (one row per strategy and order).
 */
export async function attributeOrder(
  tx: Tx,
  order: { shopId: string; orderId: string; buyerAccountId: string; total: number; paidAt: Date },
) {
  await flushExposures().catch(() => {});
  const paidAt = order.paidAt.toISOString();
  await tx.execute(sql`
    insert into ${strategyConversions} (shop_id, strategy_id, order_id, variant_id, shopper_key, amount, paid_at)
    select distinct on (e.strategy_id) e.shop_id, e.strategy_id, ${order.orderId}, e.variant_id, e.shopper_key,
           ${order.total}, ${paidAt}::timestamptz
      from ${strategyExposures} e
      join ${strategies} s on s.shop_id = e.shop_id and s.id = e.strategy_id
     where e.shop_id = ${order.shopId} and e.shopper_key = ${order.buyerAccountId}
       and e.last_seen_at <= ${paidAt}::timestamptz
       and e.last_seen_at >= ${paidAt}::timestamptz - s.attribution_days * interval '1 day'
     order by e.strategy_id, e.last_seen_at desc
    on conflict do nothing`);
}

/**
 * `refund.succeeded`: a refund of an attributed order comes off the GMV it brought each strategy
 * (never below zero). Each refund counts once, however often it is delivered; refunds of orders
 * no strategy was credited with leave nothing behind.
 */
export async function refundOrder(
  tx: Tx,
  refund: { shopId: string; refundId: string; orderId: string | null; amount: number },
) {
  if (!refund.orderId || refund.amount <= 0) return 0;
  const credited = await tx
    .select({ strategyId: strategyConversions.strategyId })
    .from(strategyConversions)
    .where(and(eq(strategyConversions.shopId, refund.shopId), eq(strategyConversions.orderId, refund.orderId)))
    .limit(1);
  if (!credited.length) return 0;
  const fresh = await tx
    .insert(strategyRefunds)
    .values({ shopId: refund.shopId, refundId: refund.refundId, orderId: refund.orderId, amount: refund.amount })
    .onConflictDoNothing()
    .returning({ refundId: strategyRefunds.refundId });
  if (!fresh.length) return 0;
  const updated = await tx
    .update(strategyConversions)
    .set({ refunded: sql`least(${strategyConversions.amount}, ${strategyConversions.refunded} + ${refund.amount})` })
    .where(and(eq(strategyConversions.shopId, refund.shopId), eq(strategyConversions.orderId, refund.orderId)))
    .returning({ strategyId: strategyConversions.strategyId });
  return updated.length;
}

// ---------------------------------------------------------------- the effect report

/** Per arm, and each variant against the holdout: conversion (buyers / exposed shoppers), GMV net of refunds. */
export async function report(db: Db, shopId: string, id: string) {
  await flushExposures(db).catch(() => {});
  return withShop(db, shopId, async (tx) => {
    const s = await rowOf(tx, shopId, id);
    const exposures = await tx.execute<{ variant_id: string; exposed: number; views: number }>(sql`
      select variant_id, count(distinct shopper_key)::int as exposed, sum(views)::int as views
        from ${strategyExposures} where shop_id = ${shopId} and strategy_id = ${id} group by variant_id`);
    const interactions = await tx.execute<{ variant_id: string; kind: string; shoppers: number; total: number }>(sql`
      select variant_id, kind, count(*)::int as shoppers, sum(count)::int as total
        from ${strategyInteractions} where shop_id = ${shopId} and strategy_id = ${id} group by variant_id, kind`);
    const conversions = await tx.execute<{
      variant_id: string;
      buyers: number;
      orders: number;
      gmv: number;
      refunded: number;
    }>(sql`
      select variant_id, count(distinct shopper_key)::int as buyers, count(*)::int as orders,
             sum(amount - refunded)::bigint as gmv, sum(refunded)::bigint as refunded
        from ${strategyConversions} where shop_id = ${shopId} and strategy_id = ${id} group by variant_id`);
    const daily = await tx.execute<{ day: string; variant_id: string; exposed: number }>(sql`
      select day::text as day, variant_id, count(*)::int as exposed
        from ${strategyExposures} where shop_id = ${shopId} and strategy_id = ${id}
       group by day, variant_id order by day, variant_id`);

    const arms = [...s.variants.map((v) => ({ variantId: v.id, name: v.name })), { variantId: HOLDOUT, name: null }];
    const numbers = arms.map((arm) => {
      const e = exposures.rows.find((r) => r.variant_id === arm.variantId);
      const i = (kind: string) =>
        interactions.rows.find((r) => r.variant_id === arm.variantId && r.kind === kind)?.shoppers ?? 0;
      const c = conversions.rows.find((r) => r.variant_id === arm.variantId);
      const exposed = e?.exposed ?? 0;
      const buyers = c?.buyers ?? 0;
      const gmv = Number(c?.gmv ?? 0);
      return {
        ...arm,
        holdout: arm.variantId === HOLDOUT,
        exposed,
        views: e?.views ?? 0,
        clickers: i('click'),
        addToCartShoppers: i('add_to_cart'),
        buyers,
        orders: c?.orders ?? 0,
        gmv,
        refunded: Number(c?.refunded ?? 0),
        conversion: exposed ? buyers / exposed : 0,
        gmvPerExposed: exposed ? Math.round(gmv / exposed) : 0,
      };
    });
    const control = numbers.find((n) => n.holdout)!;
    return {
      strategy: strategyView(s),
      confidence: 0.95,
      arms: numbers.map((n) => {
        const test = n.holdout ? null : twoProportionTest(n.buyers, n.exposed, control.buyers, control.exposed);
        return {
          ...n,
          versusHoldout: test && {
            conversionUplift: test.uplift,
            conversionDifference: test.difference,
            gmvPerExposedUplift:
              control.gmvPerExposed > 0 ? (n.gmvPerExposed - control.gmvPerExposed) / control.gmvPerExposed : null,
            z: test.z,
            pValue: test.pValue,
            ciLow: test.ciLow,
            ciHigh: test.ciHigh,
          },
        };
      }),
      daily: daily.rows.map((r) => ({ day: r.day, variantId: r.variant_id, exposed: r.exposed })),
    };
  });
}
