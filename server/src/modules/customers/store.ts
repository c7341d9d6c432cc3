import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../kernel/db/pool.js';
import { fromBytes, textArray, toBytes, type Bitmap } from './bitmaps.js';
import { customerSegments, customerTagBitmaps } from './schema.js';

/**
 * The in-memory side of tags and segments: each process keeps the bitmaps of the shops it has
 * served, checks their versions against PostgreSQL (one small query) and reloads only what
 * changed. Writers in this process update the cache directly, so it is fresh at once here and
 * within `RECHECK_MS` everywhere else.
 */
export const RECHECK_MS = 2_000;

let boundDb: Db | undefined;
/** The module's init binds the database, for callers that bring none (segmentMembership). */
export function bindDatabase(db: Db) {
  boundDb = db;
}
const dbOf = (db?: Db) => {
  const d = db ?? boundDb;
  if (!d) throw new Error('customers: no database bound (module not initialised)');
  return d;
};

interface Entry {
  version: number;
  bitmap: Bitmap;
}
interface ShopCache {
  entries: Map<string, Entry>;
  checkedAt: number;
  syncing?: Promise<void>;
}

function cacheOf(kind: 'tags' | 'segments') {
  const shops = new Map<string, ShopCache>();
  const load = async (db: Db, shopId: string, c: ShopCache) => {
    const versions =
      kind === 'tags'
        ? await db
            .select({
              key: sql<string>`${customerTagBitmaps.tagId} || '=' || ${customerTagBitmaps.value}`,
              version: customerTagBitmaps.version,
            })
            .from(customerTagBitmaps)
            .where(eq(customerTagBitmaps.shopId, shopId))
        : await db
            .select({ key: customerSegments.id, version: customerSegments.version })
            .from(customerSegments)
            .where(eq(customerSegments.shopId, shopId));
    const live = new Set(versions.map((v) => v.key));
    for (const key of c.entries.keys()) if (!live.has(key)) c.entries.delete(key);
    const stale = versions.filter((v) => c.entries.get(v.key)?.version !== v.version).map((v) => v.key);
    for (let i = 0; i < stale.length; i += 200) {
      const keys = stale.slice(i, i + 200);
      const rows =
        kind === 'tags'
          ? await db
              .select({
                key: sql<string>`${customerTagBitmaps.tagId} || '=' || ${customerTagBitmaps.value}`,
                version: customerTagBitmaps.version,
                bitmap: customerTagBitmaps.bitmap,
              })
              .from(customerTagBitmaps)
              .where(
                and(
                  eq(customerTagBitmaps.shopId, shopId),
                  sql`${customerTagBitmaps.tagId} || '=' || ${customerTagBitmaps.value} = any(${textArray(keys)}::text[])`,
                ),
              )
          : await db
              .select({ key: customerSegments.id, version: customerSegments.version, bitmap: customerSegments.bitmap })
              .from(customerSegments)
              .where(and(eq(customerSegments.shopId, shopId), inArray(customerSegments.id, keys)));
      for (const r of rows) {
        const have = c.entries.get(r.key);
        if (!have || have.version < r.version)
          c.entries.set(r.key, { version: r.version, bitmap: fromBytes(r.bitmap) });
      }
    }
    c.checkedAt = Date.now();
  };
  const sync = (db: Db, shopId: string, c: ShopCache) => {
    c.syncing ??= load(db, shopId, c).finally(() => {
      c.syncing = undefined;
    });
    return c.syncing;
  };
  return {
    /** Fresh as of now (waits for the version check). */
    async fresh(shopId: string, db?: Db): Promise<Map<string, Entry>> {
      let c = shops.get(shopId);
      if (!c) shops.set(shopId, (c = { entries: new Map(), checkedAt: 0 }));
      await sync(dbOf(db), shopId, c);
      return c.entries;
    },
    /** Warm path: answers from memory, rechecking in the background every RECHECK_MS. */
    async warm(shopId: string, db?: Db): Promise<Map<string, Entry>> {
      let c = shops.get(shopId);
      if (!c) shops.set(shopId, (c = { entries: new Map(), checkedAt: 0 }));
      if (c.checkedAt === 0) await sync(dbOf(db), shopId, c);
      else if (Date.now() - c.checkedAt > RECHECK_MS && !c.syncing) void sync(dbOf(db), shopId, c).catch(() => {});
      return c.entries;
    },
    remember(shopId: string, key: string, version: number, bitmap: Bitmap) {
      const c = shops.get(shopId);
      if (!c) return;
      const have = c.entries.get(key);
      if (!have || have.version <= version) c.entries.set(key, { version, bitmap });
    },
    forget(shopId: string, key: string) {
      shops.get(shopId)?.entries.delete(key);
    },
  };
}

export const tagCache = cacheOf('tags');
export const segmentCache = cacheOf('segments');
export const tagKey = (tagId: string, value: string) => `${tagId}=${value}`;

/**
 * Which of `segmentIds` the customer belongs to, from in-memory bitmaps (loaded on first use per
 * shop, then rechecked in the background): microseconds once warm.
 */
export async function segmentMembership(
  shopId: string,
  customerNo: number,
  segmentIds: string[],
  db?: Db,
): Promise<Set<string>> {
  const entries = await segmentCache.warm(shopId, db);
  const out = new Set<string>();
  for (const id of segmentIds) if (entries.get(id)?.bitmap.has(customerNo)) out.add(id);
  return out;
}

/** Writes a tag value's bitmap (new version) and updates this process's cache. */
export async function saveTagBitmap(ex: Executor, shopId: string, tagId: string, value: string, bitmap: Bitmap) {
  const bytes = toBytes(bitmap);
  const [row] = await ex
    .insert(customerTagBitmaps)
    .values({ shopId, tagId, value, bitmap: bytes, members: bitmap.size, version: 1 })
    .onConflictDoUpdate({
      target: [customerTagBitmaps.shopId, customerTagBitmaps.tagId, customerTagBitmaps.value],
      set: {
        bitmap: bytes,
        members: bitmap.size,
        version: sql`${customerTagBitmaps.version} + 1`,
        updatedAt: sql`now()`,
      },
    })
    .returning({ version: customerTagBitmaps.version });
  tagCache.remember(shopId, tagKey(tagId, value), row!.version, bitmap);
}

export async function deleteTagBitmaps(ex: Executor, shopId: string, tagId: string, values?: string[]) {
  const rows = await ex
    .delete(customerTagBitmaps)
    .where(
      and(
        eq(customerTagBitmaps.shopId, shopId),
        eq(customerTagBitmaps.tagId, tagId),
        values ? inArray(customerTagBitmaps.value, values) : undefined,
      ),
    )
    .returning({ value: customerTagBitmaps.value });
  for (const r of rows) tagCache.forget(shopId, tagKey(tagId, r.value));
}

/** The persisted bitmaps of a shop's tags, read in the caller's transaction (for writers). */
export async function loadTagBitmaps(ex: Executor, shopId: string, tagIds?: string[]): Promise<Map<string, Bitmap>> {
  const rows = await ex
    .select({ tagId: customerTagBitmaps.tagId, value: customerTagBitmaps.value, bitmap: customerTagBitmaps.bitmap })
    .from(customerTagBitmaps)
    .where(and(eq(customerTagBitmaps.shopId, shopId), tagIds ? inArray(customerTagBitmaps.tagId, tagIds) : undefined));
  return new Map(rows.map((r) => [tagKey(r.tagId, r.value), fromBytes(r.bitmap)]));
}
