import type { Redis } from 'ioredis';

/** What the database says about a sale, to (re)build its counters from. */
export interface GateSnapshot {
  /** Units the sale still holds in inventory (not yet in any order). */
  left: number;
  /** Live units per shopper. */
  buyers: Record<string, number>;
  /** Entries whose unit already came back to the sale (so `restore` for them is a no-op). */
  restored: string[];
  /** When the counters may be forgotten (the sale's end, plus a margin). */
  expiresAt: Date;
}

export type TakeResult = { ok: true; seq: number } | { ok: false; reason: 'sold_out' | 'limit_reached' };

/**
 * The flash-sale gate: per sale, an atomic count of units left and of units per shopper, so
 * that deciding who wins never waits on PostgreSQL. A take is "in flight" (keyed by the entry id
 * that will record it) until the writer has committed it (`settle`) or failed (`giveBack`).
 * The database stays the record: a gate that has lost its state is rebuilt from a snapshot.
 */
export interface Gate {
  readonly kind: 'redis' | 'memory';
  /** One unit for `buyer` if any is left and the buyer is under `limit`; `load` builds the counters the first time. */
  take(
    saleId: string,
    buyer: string,
    limit: number,
    entryId: string,
    load: () => Promise<GateSnapshot>,
  ): Promise<TakeResult>;
  /** The unit is in the database now: forget the in-flight take. */
  settle(saleId: string, entryIds: string[]): Promise<void>;
  /** The write failed: the units go back (once per entry; unknown entries are ignored). */
  giveBack(saleId: string, entryIds: string[]): Promise<void>;
  /** A written unit came back to the sale (its order was cancelled unpaid). Once per entry. */
  restore(saleId: string, buyer: string, entryId: string): Promise<void>;
  /** Units left, or null when the counters are not loaded. */
  left(saleId: string): Promise<number | null>;
  /** In-flight takes older than `olderThanMs` (the process that took them may have died). */
  staleTakes(saleId: string, olderThanMs: number): Promise<string[]>;
  /** Drops the sale's counters (ended or cancelled; the next take rebuilds from the database). */
  forget(saleId: string): Promise<void>;
}

// ------------------------------------------------------------------ in-process

interface SaleCounters {
  left: number;
  buyers: Map<string, number>;
  inflight: Map<string, { buyer: string; at: number }>;
  restored: Set<string>;
}

/** The gate in this process's memory: for one server process (the default without REDIS_URL). */
export function memoryGate(): Gate {
  const sales = new Map<string, SaleCounters>();
  const loading = new Map<string, Promise<SaleCounters>>();

  async function counters(saleId: string, load: () => Promise<GateSnapshot>): Promise<SaleCounters> {
    const have = sales.get(saleId);
    if (have) return have;
    let pending = loading.get(saleId);
    if (!pending) {
      pending = load().then((s) => {
        const c: SaleCounters = {
          left: s.left,
          buyers: new Map(Object.entries(s.buyers)),
          inflight: new Map(),
          restored: new Set(s.restored),
        };
        sales.set(saleId, c);
        return c;
      });
      pending.finally(() => loading.delete(saleId)).catch(() => {});
      loading.set(saleId, pending);
    }
    return pending;
  }

  function putBack(c: SaleCounters, buyer: string) {
    c.left += 1;
    const n = c.buyers.get(buyer) ?? 0;
    if (n > 1) c.buyers.set(buyer, n - 1);
    else c.buyers.delete(buyer);
  }

  return {
    kind: 'memory',
    async take(saleId, buyer, limit, entryId, load) {
      const c = sales.get(saleId) ?? (await counters(saleId, load));
      // From here to the end of the function nothing awaits: the check and the take are one step.
      if (c.left <= 0) return { ok: false, reason: 'sold_out' };
      const n = c.buyers.get(buyer) ?? 0;
      if (n >= limit) return { ok: false, reason: 'limit_reached' };
      c.left -= 1;
      c.buyers.set(buyer, n + 1);
      c.inflight.set(entryId, { buyer, at: Date.now() });
      return { ok: true, seq: n + 1 };
    },
    async settle(saleId, entryIds) {
      const c = sales.get(saleId);
      for (const id of entryIds) c?.inflight.delete(id);
    },
    async giveBack(saleId, entryIds) {
      const c = sales.get(saleId);
      if (!c) return;
      for (const id of entryIds) {
        const taken = c.inflight.get(id);
        if (!taken) continue;
        c.inflight.delete(id);
        putBack(c, taken.buyer);
      }
    },
    async restore(saleId, buyer, entryId) {
      const c = sales.get(saleId);
      // Not loaded: the next load reads the restored unit from the database.
      if (!c || c.restored.has(entryId)) return;
      c.restored.add(entryId);
      putBack(c, buyer);
    },
    async left(saleId) {
      return sales.get(saleId)?.left ?? null;
    },
    async staleTakes(saleId, olderThanMs) {
      const c = sales.get(saleId);
      if (!c) return [];
      const before = Date.now() - olderThanMs;
      return [...c.inflight].filter(([, t]) => t.at < before).map(([id]) => id);
    },
    async forget(saleId) {
      sales.delete(saleId);
    },
  };
}

// ------------------------------------------------------------------ Redis

// KEYS: left, buyers (hash buyer → live units), inflight (hash entry → "buyer|ms"), restored (set)
const TAKE = `
local left = redis.call('GET', KEYS[1])
if not left then return -3 end
if tonumber(left) <= 0 then return -1 end
local n = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if n >= tonumber(ARGV[2]) then return -2 end
redis.call('DECR', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], n + 1)
redis.call('HSET', KEYS[3], ARGV[3], ARGV[1] .. '|' .. ARGV[4])
return n + 1`;

// ARGV: expireAtSeconds, left, restoredCount, restored ids…, buyer1, n1, buyer2, n2, …
const LOAD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local expireAt = tonumber(ARGV[1])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
redis.call('SET', KEYS[1], ARGV[2])
local restored = tonumber(ARGV[3])
for i = 4, 3 + restored do redis.call('SADD', KEYS[4], ARGV[i]) end
for i = 4 + restored, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[3], '_', '')
redis.call('SADD', KEYS[4], '_')
for i = 1, 4 do redis.call('EXPIREAT', KEYS[i], expireAt) end
return 1`;

const PUT_BACK = `
local function put_back(buyer)
  redis.call('INCR', KEYS[1])
  local n = tonumber(redis.call('HGET', KEYS[2], buyer) or '0')
  if n > 1 then redis.call('HSET', KEYS[2], buyer, n - 1) else redis.call('HDEL', KEYS[2], buyer) end
end`;

// ARGV: entry ids
const GIVE_BACK = `${PUT_BACK}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local back = 0
for i = 1, #ARGV do
  local taken = redis.call('HGET', KEYS[3], ARGV[i])
  if taken then
    redis.call('HDEL', KEYS[3], ARGV[i])
    put_back(string.match(taken, '^(.*)|'))
    back = back + 1
  end
end
return back`;

// ARGV: buyer, entry id
const RESTORE = `${PUT_BACK}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('SADD', KEYS[4], ARGV[2]) == 0 then return 0 end
put_back(ARGV[1])
return 1`;

/**
 * The gate in Redis, shared by every server process: each step is one Lua script, so the check
 * and the take are atomic across processes. Keys: `<prefix>{<saleId>}:left|buyers|inflight|restored` (one hash slot
 * per sale, so it runs on Redis Cluster too),
 * expiring a day after the sale ends.
 */
export function redisGate(redis: Redis, prefix = 'qd-fs:'): Gate {
  const keys = (saleId: string) =>
    ['left', 'buyers', 'inflight', 'restored'].map((k) => `${prefix}{${saleId}}:${k}`) as [
      string,
      string,
      string,
      string,
    ];

  async function load(saleId: string, snapshot: GateSnapshot) {
    const expireAt = Math.ceil(snapshot.expiresAt.getTime() / 1000);
    const buyers = Object.entries(snapshot.buyers).flatMap(([b, n]) => [b, String(n)]);
    await redis.eval(
      LOAD,
      4,
      ...keys(saleId),
      String(expireAt),
      String(snapshot.left),
      String(snapshot.restored.length),
      ...snapshot.restored,
      ...buyers,
    );
  }

  return {
    kind: 'redis',
    async take(saleId, buyer, limit, entryId, loadSnapshot) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const r = Number(await redis.eval(TAKE, 4, ...keys(saleId), buyer, String(limit), entryId, String(Date.now())));
        if (r === -1) return { ok: false, reason: 'sold_out' };
        if (r === -2) return { ok: false, reason: 'limit_reached' };
        if (r > 0) return { ok: true, seq: r };
        await load(saleId, await loadSnapshot());
      }
      throw new Error(`flash sale ${saleId}: gate counters could not be loaded`);
    },
    async settle(saleId, entryIds) {
      if (entryIds.length) await redis.hdel(keys(saleId)[2], ...entryIds);
    },
    async giveBack(saleId, entryIds) {
      if (entryIds.length) await redis.eval(GIVE_BACK, 4, ...keys(saleId), ...entryIds);
    },
    async restore(saleId, buyer, entryId) {
      await redis.eval(RESTORE, 4, ...keys(saleId), buyer, entryId);
    },
    async left(saleId) {
      const v = await redis.get(keys(saleId)[0]);
      return v === null ? null : Number(v);
    },
    async staleTakes(saleId, olderThanMs) {
      const all = await redis.hgetall(keys(saleId)[2]);
      const before = Date.now() - olderThanMs;
      return Object.entries(all)
        .filter(([id, v]) => id !== '_' && Number(v.slice(v.lastIndexOf('|') + 1)) < before)
        .map(([id]) => id);
    },
    async forget(saleId) {
      await redis.del(...keys(saleId));
    },
  };
}
