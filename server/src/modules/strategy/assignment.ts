import { HOLDOUT, type StrategyRule } from './schema.js';

/** 10 000 buckets: a holdout of 12 % is buckets 0…1199. */
export const BUCKETS = 10_000;

/**
 * A shopper's bucket in a strategy, 0…9999: a 32-bit FNV-1a hash of `strategyId:shopperKey`
 * finished with murmur3's avalanche step (FNV alone spreads poorly over the low digits).
 * The same shopper lands in the same bucket in every process, forever; two strategies bucket
 * the same shopper independently.
 */
export function bucketOf(strategyId: string, shopperKey: string): number {
  let h = 0x811c9dc5;
  const s = `${strategyId}:${shopperKey}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % BUCKETS;
}

export const inHoldout = (strategyId: string, shopperKey: string, holdoutPercent: number) =>
  bucketOf(strategyId, shopperKey) < holdoutPercent * (BUCKETS / 100);

/** An active strategy as resolution needs it. */
export interface CompiledStrategy {
  id: string;
  placement: string;
  priority: number;
  rules: StrategyRule[];
  defaultVariantId: string;
  holdoutPercent: number;
  variants: Map<string, unknown>;
}

export interface Assignment {
  strategy: CompiledStrategy;
  /** A variant id, or `holdout`. */
  variantId: string;
}

/**
 * Which arm of which strategy a shopper sees in one placement. Strategies are in priority
 * order; the first one with a rule whose segment holds the shopper applies, with that rule's
 * variant; when no rule matches anywhere, the first strategy's default variant. Either way the
 * applied strategy's holdout takes its share first (stable per shopper).
 */
export function assign(
  strategies: readonly CompiledStrategy[],
  segmentsOfShopper: ReadonlySet<string>,
  shopperKey: string,
): Assignment | null {
  const first = strategies[0];
  if (!first) return null;
  let strategy = first;
  let variantId = first.defaultVariantId;
  outer: for (const s of strategies) {
    for (const rule of s.rules) {
      if (segmentsOfShopper.has(rule.segmentId)) {
        strategy = s;
        variantId = rule.variantId;
        break outer;
      }
    }
  }
  if (inHoldout(strategy.id, shopperKey, strategy.holdoutPercent)) variantId = HOLDOUT;
  return { strategy, variantId };
}
