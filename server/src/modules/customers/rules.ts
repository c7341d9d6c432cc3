import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../kernel/db/pool.js';
import { badRequest, type FieldError } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { BEHAVIOUR_TYPES } from './beacon.js';
import { and as andOf, bitmapOf, emptyBitmap, RoaringBitmap32, textArray, type Bitmap } from './bitmaps.js';
import { customerEvents } from './events-table.js';
import { mergedMap } from './profiles.js';
import { customers } from './schema.js';
import { tagKey } from './store.js';

/**
 * The segment language: AND / OR / NOT over tag values, profile attributes and behaviour in a
 * time window. It compiles to bitmap algebra: tags are bitmaps already; attribute and behaviour
 * conditions become bitmaps by one indexed query each; NOT is the difference from all customers.
 */
export const ATTRIBUTE_FIELDS = {
  orderCount: 'number',
  spend: 'number',
  averageOrderValue: 'number',
  visitDays: 'number',
  favourites: 'number',
  addToCarts: 'number',
  daysSinceLastSeen: 'number',
  daysSinceLastOrder: 'number',
  daysSinceFirstSeen: 'number',
  following: 'boolean',
  gender: 'text',
  ageBand: 'text',
  region: 'text',
  tier: 'text',
  topCategory: 'text',
} as const;
export type AttributeField = keyof typeof ATTRIBUTE_FIELDS;
export const RULE_EVENTS = [...BEHAVIOUR_TYPES, 'order_paid'] as const;
export const MAX_WINDOW_DAYS = 365;
const MAX_LEAVES = 40;
const MAX_DEPTH = 6;

export type Rule =
  | { kind: 'and'; rules: Rule[] }
  | { kind: 'or'; rules: Rule[] }
  | { kind: 'not'; rule: Rule }
  | { kind: 'tag'; tagId: string; value: string }
  | {
      kind: 'attribute';
      field: AttributeField;
      op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in';
      value: number | string | boolean | string[];
    }
  | {
      kind: 'behaviour';
      event: (typeof RULE_EVENTS)[number];
      withinDays: number;
      minCount?: number;
      categoryId?: string;
      productId?: string;
    };

export const ruleSchema: z.ZodType<Rule> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('and'), rules: z.array(ruleSchema).min(1).max(20) }),
    z.object({ kind: z.literal('or'), rules: z.array(ruleSchema).min(1).max(20) }),
    z.object({ kind: z.literal('not'), rule: ruleSchema }),
    z.object({ kind: z.literal('tag'), tagId: z.string().min(1).max(64), value: z.string().min(1).max(100) }),
    z.object({
      kind: z.literal('attribute'),
      field: z.enum(Object.keys(ATTRIBUTE_FIELDS) as [AttributeField, ...AttributeField[]]),
      op: z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in']),
      value: z.union([z.number().finite(), z.string().max(100), z.boolean(), z.array(z.string().max(100)).max(50)]),
    }),
    z.object({
      kind: z.literal('behaviour'),
      event: z.enum(RULE_EVENTS),
      withinDays: z.number().int().describe(`1 to ${MAX_WINDOW_DAYS}`),
      minCount: z.number().int().min(1).max(1000).optional(),
      categoryId: z.string().min(1).max(64).optional(),
      productId: z.string().min(1).max(64).optional(),
    }),
  ]),
);
// A recursive schema must be a named component of the OpenAPI document.
z.globalRegistry.add(ruleSchema, { id: 'CustomerRule' });

defineMessages({
  'customers.invalid_rule': {
    'zh-CN': '人群规则有误，请检查标出的条件',
    'en-US': 'The segment rule is invalid; see the conditions marked',
  },
  'customers.unknown_tag': { 'zh-CN': '标签不存在', 'en-US': 'No such tag' },
  'customers.unknown_tag_value': { 'zh-CN': '该标签没有这个取值', 'en-US': 'The tag has no such value' },
  'customers.invalid_window': {
    'zh-CN': '时间窗口须为 1 到 365 天',
    'en-US': 'The time window must be 1 to 365 days',
  },
  'customers.invalid_operator': {
    'zh-CN': '该属性不支持这个比较方式',
    'en-US': 'This comparison does not apply to the attribute',
  },
  'customers.invalid_attribute_value': {
    'zh-CN': '属性值的类型不对',
    'en-US': 'The value has the wrong type for the attribute',
  },
  'customers.rule_too_large': {
    'zh-CN': '规则过于复杂（最多 40 个条件、6 层嵌套）',
    'en-US': 'The rule is too large (at most 40 conditions, 6 levels deep)',
  },
});

/** Tag ids and their known values (a value exists when it is fixed or has a bitmap). */
export type KnownTags = Map<string, Set<string>>;

/** Semantic checks beyond the shape: tags and values exist, windows and operators make sense. */
export function validateRule(rule: Rule, known: KnownTags, base = 'body.rule'): void {
  const errors: FieldError[] = [];
  let leaves = 0;
  const walk = (r: Rule, path: string, depth: number) => {
    if (depth > MAX_DEPTH) {
      errors.push({ field: path, code: 'rule_too_large', message: 'customers.rule_too_large' });
      return;
    }
    switch (r.kind) {
      case 'and':
      case 'or':
        r.rules.forEach((c, i) => walk(c, `${path}.rules.${i}`, depth + 1));
        return;
      case 'not':
        walk(r.rule, `${path}.rule`, depth + 1);
        return;
      case 'tag': {
        leaves++;
        const values = known.get(r.tagId);
        if (!values) errors.push({ field: `${path}.tagId`, code: 'unknown_tag', message: 'customers.unknown_tag' });
        else if (!values.has(r.value))
          errors.push({ field: `${path}.value`, code: 'unknown_tag_value', message: 'customers.unknown_tag_value' });
        return;
      }
      case 'attribute': {
        leaves++;
        const type = ATTRIBUTE_FIELDS[r.field];
        const okOp =
          type === 'number' ? r.op !== 'in' : type === 'boolean' ? r.op === 'eq' : ['eq', 'ne', 'in'].includes(r.op);
        if (!okOp)
          errors.push({ field: `${path}.op`, code: 'invalid_operator', message: 'customers.invalid_operator' });
        const okValue =
          type === 'number'
            ? typeof r.value === 'number'
            : type === 'boolean'
              ? typeof r.value === 'boolean'
              : r.op === 'in'
                ? Array.isArray(r.value)
                : typeof r.value === 'string';
        if (!okValue)
          errors.push({
            field: `${path}.value`,
            code: 'invalid_attribute_value',
            message: 'customers.invalid_attribute_value',
          });
        return;
      }
      case 'behaviour':
        leaves++;
        if (!Number.isInteger(r.withinDays) || r.withinDays < 1 || r.withinDays > MAX_WINDOW_DAYS)
          errors.push({ field: `${path}.withinDays`, code: 'invalid_window', message: 'customers.invalid_window' });
        return;
    }
  };
  walk(rule, base, 1);
  if (leaves > MAX_LEAVES) errors.push({ field: base, code: 'rule_too_large', message: 'customers.rule_too_large' });
  if (errors.length) throw badRequest('customers.invalid_rule', errors);
}

/** Tag ids a rule mentions (to refuse deleting a tag in use). */
export function tagsOf(rule: Rule, out = new Set<string>()): Set<string> {
  if (rule.kind === 'and' || rule.kind === 'or') rule.rules.forEach((r) => tagsOf(r, out));
  else if (rule.kind === 'not') tagsOf(rule.rule, out);
  else if (rule.kind === 'tag') out.add(rule.tagId);
  return out;
}

export interface EvalContext {
  db: Executor;
  shopId: string;
  /** All (unmerged) customers, or the subset being re-evaluated. */
  universe: Bitmap;
  /** Tag bitmaps by `tagKey(tagId, value)`. */
  tags: Map<string, Bitmap>;
  now: Date;
  /** Results of attribute and behaviour leaves, reused within one evaluation (and across, if given). */
  leafCache?: Map<string, Bitmap>;
}

const DAY_SQL = (now: Date, col: SQL) =>
  sql`(extract(epoch from (${now.toISOString()}::timestamptz - ${col})) / 86400)`;

function attributeExpr(field: AttributeField, now: Date): SQL {
  switch (field) {
    case 'orderCount':
      return sql`${customers.orderCount}`;
    case 'spend':
      return sql`${customers.spend}`;
    case 'averageOrderValue':
      return sql`(case when ${customers.orderCount} > 0 then ${customers.spend} / ${customers.orderCount} else 0 end)`;
    case 'visitDays':
      return sql`${customers.visitDays}`;
    case 'favourites':
      return sql`${customers.favourites}`;
    case 'addToCarts':
      return sql`${customers.addToCarts}`;
    case 'daysSinceLastSeen':
      return DAY_SQL(now, sql`${customers.lastSeenAt}`);
    case 'daysSinceLastOrder':
      return DAY_SQL(now, sql`${customers.lastOrderAt}`);
    case 'daysSinceFirstSeen':
      return DAY_SQL(now, sql`${customers.firstSeenAt}`);
    case 'following':
      return sql`${customers.following}`;
    case 'gender':
      return sql`${customers.gender}`;
    case 'ageBand':
      return sql`${customers.ageBand}`;
    case 'region':
      return sql`${customers.region}`;
    case 'tier':
      return sql`${customers.tier}`;
    case 'topCategory':
      return sql`${customers.topCategory}`;
  }
}

const OPS = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** Restricts a query to the universe when it is small (incremental refresh of a few customers). */
const within = (col: SQL, universe: Bitmap) =>
  universe.size <= 5_000 ? sql` and ${col} = any(${`{${universe.toArray().join(',')}}`}::int[])` : sql``;

async function attributeBitmap(r: Extract<Rule, { kind: 'attribute' }>, ctx: EvalContext): Promise<Bitmap> {
  const expr = attributeExpr(r.field, ctx.now);
  const predicate =
    r.op === 'in'
      ? sql`${expr} = any(${textArray(r.value as string[])}::text[])`
      : r.op === 'ne'
        ? sql`${expr} is distinct from ${r.value as string | number | boolean}`
        : sql`${expr} ${sql.raw(OPS[r.op])} ${r.value as string | number | boolean}`;
  const rows = await ctx.db.execute<{ n: number }>(sql`
    select ${customers.customerNo} as n from ${customers}
     where ${customers.shopId} = ${ctx.shopId} and ${customers.mergedInto} is null and ${predicate}
     ${within(sql`${customers.customerNo}`, ctx.universe)}`);
  return bitmapOf(rows.rows.map((x) => x.n));
}

async function behaviourBitmap(r: Extract<Rule, { kind: 'behaviour' }>, ctx: EvalContext): Promise<Bitmap> {
  const since = new Date(ctx.now.getTime() - r.withinDays * 86_400_000);
  const e = customerEvents;
  const filters: SQL[] = [];
  if (r.categoryId)
    filters.push(
      sql` and (${e.props}->>'categoryId' = ${r.categoryId} or ${e.props}->'categoryIds' @> jsonb_build_array(${r.categoryId}::text))`,
    );
  if (r.productId)
    filters.push(
      sql` and (${e.props}->>'productId' = ${r.productId} or ${e.props}->'productIds' @> jsonb_build_array(${r.productId}::text))`,
    );
  const rows = await ctx.db.execute<{ n: number }>(sql`
    select ${e.customerNo} as n from ${e}
     where ${e.shopId} = ${ctx.shopId} and ${e.type} = ${r.event}
       and ${e.occurredAt} >= ${since.toISOString()}::timestamptz and ${e.occurredAt} <= ${ctx.now.toISOString()}::timestamptz
       ${sql.join(filters, sql``)}
     group by ${e.customerNo}
    having count(*) >= ${r.minCount ?? 1}`);
  const raw = bitmapOf(rows.rows.map((x) => x.n));
  // Events of an anonymous customer who later signed in count for the one they merged into.
  const merged = await mergedMap(ctx.db, ctx.shopId);
  for (const [from, into] of merged) {
    if (raw.has(from)) {
      raw.remove(from);
      raw.add(into);
    }
  }
  return raw;
}

/** The customers (within the universe) a rule selects. */
export async function evaluate(rule: Rule, ctx: EvalContext): Promise<Bitmap> {
  switch (rule.kind) {
    case 'and': {
      const positives = rule.rules.filter((r) => r.kind !== 'not');
      const negatives = rule.rules.filter((r): r is Extract<Rule, { kind: 'not' }> => r.kind === 'not');
      let acc: Bitmap | null = null;
      for (const r of positives) {
        const b = await evaluate(r, ctx);
        acc = acc ? acc.andInPlace(b) : b.clone();
        if (acc.isEmpty) return acc;
      }
      acc ??= ctx.universe.clone();
      for (const r of negatives) acc.andNotInPlace(await evaluate(r.rule, ctx));
      return acc;
    }
    case 'or': {
      const out = emptyBitmap();
      for (const r of rule.rules) out.orInPlace(await evaluate(r, ctx));
      return out;
    }
    case 'not':
      return RoaringBitmap32.andNot(ctx.universe, await evaluate(rule.rule, ctx));
    case 'tag':
      return andOf(ctx.tags.get(tagKey(rule.tagId, rule.value)) ?? emptyBitmap(), ctx.universe);
    case 'attribute':
    case 'behaviour': {
      const key = JSON.stringify(rule);
      const cached = ctx.leafCache?.get(key);
      if (cached) return andOf(cached, ctx.universe);
      const b = rule.kind === 'attribute' ? await attributeBitmap(rule, ctx) : await behaviourBitmap(rule, ctx);
      ctx.leafCache?.set(key, b);
      return andOf(b, ctx.universe);
    }
  }
}

/** The same rule evaluated on plain sets (the reference the property test compares against). */
export function evaluateNaive(rule: Rule, universe: Set<number>, tags: Map<string, Set<number>>): Set<number> {
  switch (rule.kind) {
    case 'and':
      return rule.rules
        .map((r) => evaluateNaive(r, universe, tags))
        .reduce((a, b) => new Set([...a].filter((x) => b.has(x))), new Set(universe));
    case 'or':
      return rule.rules.map((r) => evaluateNaive(r, universe, tags)).reduce((a, b) => new Set([...a, ...b]), new Set());
    case 'not': {
      const inner = evaluateNaive(rule.rule, universe, tags);
      return new Set([...universe].filter((x) => !inner.has(x)));
    }
    case 'tag':
      return new Set([...(tags.get(tagKey(rule.tagId, rule.value)) ?? [])].filter((x) => universe.has(x)));
    default:
      throw new Error('evaluateNaive handles tags only');
  }
}
