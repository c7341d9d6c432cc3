import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { notFound } from '../../kernel/http/errors.js';
import { newId } from '../../kernel/ids.js';
import { emptyBitmap, fromBytes, toBytes, type Bitmap } from './bitmaps.js';
import { evaluate, ruleSchema, validateRule, type Rule } from './rules.js';
import { customers, customerSegments, customerSegmentSnapshots, type SegmentKind } from './schema.js';
import { loadTagBitmaps, segmentCache, tagCache, tagKey } from './store.js';
import { knownTags } from './tags.js';

export const segmentInput = z.object({ name: z.string().trim().min(1).max(40), rule: ruleSchema });
export const previewInput = z.object({ rule: ruleSchema });

export interface SegmentView {
  id: string;
  name: string;
  kind: SegmentKind;
  rule: Rule | null;
  definition: Record<string, unknown>;
  model: Record<string, unknown> | null;
  members: number;
  computedAt: string;
  createdAt: string;
}
type SegmentRow = typeof customerSegments.$inferSelect;
const view = (s: SegmentRow): SegmentView => ({
  id: s.id,
  name: s.name,
  kind: s.kind,
  rule: s.kind === 'rule' ? (s.definition.rule as Rule) : null,
  definition: s.definition,
  model: s.model ?? null,
  members: s.members,
  computedAt: s.computedAt.toISOString(),
  createdAt: s.createdAt.toISOString(),
});

const ALL = tagKey('sys.all', 'all');

/** Evaluates a rule over the shop's whole customer base, from the in-memory tag bitmaps. */
export async function evaluateForShop(
  db: Db,
  ex: Executor,
  shopId: string,
  rule: Rule,
  opts: { reuseLeaves?: boolean; now?: Date } = {},
) {
  const entries = await tagCache.fresh(shopId, db);
  const tags = new Map([...entries].map(([k, e]) => [k, e.bitmap]));
  const universe = tags.get(ALL) ?? emptyBitmap();
  const now = opts.now ?? new Date();
  const leafCache = opts.reuseLeaves ? leafCacheOf(shopId) : undefined;
  const bitmap = await evaluate(rule, { db: ex, shopId, universe, tags, now, leafCache });
  return { bitmap, total: universe.size };
}

/**
 * Attribute and behaviour leaves evaluated in the last few seconds, for the builder's live count
 * only (saving always evaluates afresh); a refresh of the shop's tags drops them.
 */
const LEAF_TTL_MS = 15_000;
const leafCaches = new Map<string, { at: number; cache: Map<string, Bitmap> }>();
export const forgetLeaves = (shopId: string) => leafCaches.delete(shopId);
function leafCacheOf(shopId: string) {
  const now = Date.now();
  let c = leafCaches.get(shopId);
  if (!c || now - c.at > LEAF_TTL_MS) leafCaches.set(shopId, (c = { at: now, cache: new Map() }));
  return c.cache;
}

/** The live count while a rule is being edited (nothing saved). */
export async function preview(db: Db, shopId: string, rule: Rule) {
  return withShop(db, shopId, async (tx) => {
    validateRule(rule, await knownTags(tx, shopId));
    const { bitmap, total } = await evaluateForShop(db, tx, shopId, rule, { reuseLeaves: true });
    return { count: bitmap.size, total };
  });
}

async function persist(
  tx: Executor,
  s: Omit<SegmentRow, 'version' | 'createdAt' | 'computedAt' | 'bitmap' | 'members'>,
  bitmap: Bitmap,
) {
  const bytes = toBytes(bitmap);
  const [row] = await tx
    .insert(customerSegments)
    .values({ ...s, bitmap: bytes, members: bitmap.size })
    .onConflictDoUpdate({
      target: [customerSegments.shopId, customerSegments.id],
      set: {
        name: s.name,
        definition: s.definition,
        model: s.model,
        bitmap: bytes,
        members: bitmap.size,
        version: sql`${customerSegments.version} + 1`,
        computedAt: sql`now()`,
      },
    })
    .returning();
  segmentCache.remember(row!.shopId, row!.id, row!.version, bitmap);
  return row!;
}

/** Saves a segment of any kind with its members (used by rule, look-alike and cluster segments). */
export async function saveSegment(
  tx: Executor,
  s: {
    shopId: string;
    id?: string;
    name: string;
    kind: SegmentKind;
    definition: Record<string, unknown>;
    model?: Record<string, unknown> | null;
    createdBy: string | null;
  },
  bitmap: Bitmap,
) {
  return view(
    await persist(
      tx,
      {
        shopId: s.shopId,
        id: s.id ?? newId('seg'),
        name: s.name,
        kind: s.kind,
        definition: s.definition,
        model: s.model ?? null,
        createdBy: s.createdBy,
      },
      bitmap,
    ),
  );
}

export async function createSegment(db: Db, shopId: string, actorId: string, input: z.infer<typeof segmentInput>) {
  return withShop(db, shopId, async (tx) => {
    validateRule(input.rule, await knownTags(tx, shopId));
    const { bitmap } = await evaluateForShop(db, tx, shopId, input.rule);
    return saveSegment(
      tx,
      { shopId, name: input.name, kind: 'rule', definition: { rule: input.rule }, createdBy: actorId },
      bitmap,
    );
  });
}

async function loadSegment(tx: Executor, shopId: string, segmentId: string) {
  const [s] = await tx
    .select()
    .from(customerSegments)
    .where(and(eq(customerSegments.shopId, shopId), eq(customerSegments.id, segmentId)));
  if (!s) throw notFound('segment');
  return s;
}

export async function updateSegment(db: Db, shopId: string, segmentId: string, input: z.infer<typeof segmentInput>) {
  return withShop(db, shopId, async (tx) => {
    const s = await loadSegment(tx, shopId, segmentId);
    if (s.kind !== 'rule') {
      await tx
        .update(customerSegments)
        .set({ name: input.name })
        .where(and(eq(customerSegments.shopId, shopId), eq(customerSegments.id, segmentId)));
      return view({ ...s, name: input.name });
    }
    validateRule(input.rule, await knownTags(tx, shopId));
    const { bitmap } = await evaluateForShop(db, tx, shopId, input.rule);
    return saveSegment(
      tx,
      {
        shopId,
        id: segmentId,
        name: input.name,
        kind: 'rule',
        definition: { rule: input.rule },
        createdBy: s.createdBy,
      },
      bitmap,
    );
  });
}

export async function deleteSegment(db: Db, shopId: string, segmentId: string) {
  await withShop(db, shopId, async (tx) => {
    await loadSegment(tx, shopId, segmentId);
    await tx
      .delete(customerSegmentSnapshots)
      .where(and(eq(customerSegmentSnapshots.shopId, shopId), eq(customerSegmentSnapshots.segmentId, segmentId)));
    await tx
      .delete(customerSegments)
      .where(and(eq(customerSegments.shopId, shopId), eq(customerSegments.id, segmentId)));
  });
  segmentCache.forget(shopId, segmentId);
}

export async function getSegment(db: Db, shopId: string, segmentId: string) {
  return withShop(db, shopId, async (tx) => view(await loadSegment(tx, shopId, segmentId)));
}

/** Every saved segment of a shop, newest first (a shop has tens, not thousands). */
export async function segmentViews(db: Db, shopId: string): Promise<SegmentView[]> {
  return withShop(db, shopId, async (tx) => {
    const rows = await tx
      .select()
      .from(customerSegments)
      .where(eq(customerSegments.shopId, shopId))
      .orderBy(desc(customerSegments.createdAt));
    return rows.map(view);
  });
}

/** For the strategy editor's pickers: id, name and member count of each saved segment. */
export async function listSegments(
  db: Executor,
  shopId: string,
): Promise<{ id: string; name: string; count: number }[]> {
  const rows = await db
    .select({ id: customerSegments.id, name: customerSegments.name, count: customerSegments.members })
    .from(customerSegments)
    .where(eq(customerSegments.shopId, shopId))
    .orderBy(desc(customerSegments.createdAt));
  return rows;
}

/** A segment's current members as a bitmap (from memory when warm). */
export async function segmentBitmap(db: Db, shopId: string, segmentId: string): Promise<Bitmap> {
  const entries = await segmentCache.fresh(shopId, db);
  const e = entries.get(segmentId);
  if (!e) throw notFound('segment');
  return e.bitmap;
}

/**
 * Re-evaluates the shop's rule segments after its tags changed; writes those whose members
 * changed (new version, so every process reloads them). Runs inside the refresh's transaction.
 */
export async function refreshRuleSegments(tx: Tx, shopId: string, now = new Date()): Promise<number> {
  forgetLeaves(shopId);
  const rows = await tx
    .select()
    .from(customerSegments)
    .where(and(eq(customerSegments.shopId, shopId), eq(customerSegments.kind, 'rule')));
  if (rows.length === 0) return 0;
  const tags = await loadTagBitmaps(tx, shopId);
  const universe = tags.get(ALL) ?? emptyBitmap();
  const leafCache = new Map<string, Bitmap>();
  let changed = 0;
  for (const s of rows) {
    const bitmap = await evaluate(s.definition.rule as Rule, { db: tx, shopId, universe, tags, now, leafCache });
    if (bitmap.isEqual(fromBytes(s.bitmap))) continue;
    await persist(tx, s, bitmap);
    changed++;
  }
  return changed;
}

// ------------------------------------------------------------------ snapshots and export

export async function snapshot(db: Db, shopId: string, segmentId: string, actorId: string) {
  return withShop(db, shopId, async (tx) => {
    const s = await loadSegment(tx, shopId, segmentId);
    const id = newId('snap');
    const [row] = await tx
      .insert(customerSegmentSnapshots)
      .values({ shopId, segmentId, id, bitmap: s.bitmap, members: s.members, createdBy: actorId })
      .returning();
    return { id, segmentId, members: row!.members, createdAt: row!.createdAt.toISOString() };
  });
}

export async function listSnapshots(db: Db, shopId: string, segmentId: string) {
  return withShop(db, shopId, async (tx) => {
    await loadSegment(tx, shopId, segmentId);
    const rows = await tx
      .select({
        id: customerSegmentSnapshots.id,
        members: customerSegmentSnapshots.members,
        createdAt: customerSegmentSnapshots.createdAt,
      })
      .from(customerSegmentSnapshots)
      .where(and(eq(customerSegmentSnapshots.shopId, shopId), eq(customerSegmentSnapshots.segmentId, segmentId)))
      .orderBy(desc(customerSegmentSnapshots.createdAt))
      .limit(50);
    return rows.map((r) => ({ id: r.id, segmentId, members: r.members, createdAt: r.createdAt.toISOString() }));
  });
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The members of a segment (or of one of its snapshots) as CSV with their attributes, streamed
 * in pages of 5 000 customers.
 */
export async function* exportCsv(db: Db, shopId: string, segmentId: string, snapshotId?: string) {
  const members = await withShop(db, shopId, async (tx) => {
    const s = await loadSegment(tx, shopId, segmentId);
    if (!snapshotId) return fromBytes(s.bitmap);
    const [snap] = await tx
      .select({ bitmap: customerSegmentSnapshots.bitmap })
      .from(customerSegmentSnapshots)
      .where(
        and(
          eq(customerSegmentSnapshots.shopId, shopId),
          eq(customerSegmentSnapshots.segmentId, segmentId),
          eq(customerSegmentSnapshots.id, snapshotId),
        ),
      );
    if (!snap) throw notFound('snapshot');
    return fromBytes(snap.bitmap);
  });
  yield 'customer_no,account_id,gender,age_band,region,tier,order_count,spend_fen,first_seen_at,last_seen_at,last_order_at\n';
  const all = members.toUint32Array();
  for (let i = 0; i < all.length; i += 5000) {
    const nos = `{${Array.from(all.subarray(i, i + 5000)).join(',')}}`;
    const rows = await withShop(db, shopId, (tx) =>
      tx
        .select()
        .from(customers)
        .where(and(eq(customers.shopId, shopId), sql`${customers.customerNo} = any(${nos}::int[])`))
        .orderBy(customers.customerNo),
    );
    yield (
      rows
        .map((c) =>
          [
            c.customerNo,
            c.accountId,
            c.gender,
            c.ageBand,
            c.region,
            c.tier,
            c.orderCount,
            c.spend,
            c.firstSeenAt.toISOString(),
            c.lastSeenAt.toISOString(),
            c.lastOrderAt?.toISOString() ?? '',
          ]
            .map(csvCell)
            .join(','),
        )
        .join('\n') + (rows.length ? '\n' : '')
    );
  }
}
