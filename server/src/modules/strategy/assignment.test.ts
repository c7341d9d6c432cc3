import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign, bucketOf, BUCKETS, type CompiledStrategy, inHoldout } from './assignment.js';

const strategy = (id: string, over: Partial<CompiledStrategy> = {}): CompiledStrategy => ({
  id,
  placement: 'shop_home.hero_banner',
  priority: 0,
  rules: [],
  defaultVariantId: 'default',
  holdoutPercent: 0,
  variants: new Map(),
  ...over,
});

describe('stable assignment', () => {
  it('the same shopper always lands in the same bucket and arm', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.integer({ min: 0, max: 50 }),
        (id, key, pct) => {
          const s = strategy(id, { holdoutPercent: pct, rules: [{ segmentId: 'seg_a', variantId: 'a' }] });
          const first = assign([s], new Set(['seg_a']), key);
          for (let i = 0; i < 3; i++) expect(assign([s], new Set(['seg_a']), key)).toEqual(first);
          expect(bucketOf(id, key)).toBeGreaterThanOrEqual(0);
          expect(bucketOf(id, key)).toBeLessThan(BUCKETS);
        },
      ),
    );
  });

  it('the holdout takes its percentage of shoppers (within 1 point over 40 000 shoppers: 4 standard deviations at 50 %)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.string({ minLength: 1, maxLength: 12 }), (pct, salt) => {
        const id = `stg_${salt}`;
        let held = 0;
        const n = 40_000;
        for (let i = 0; i < n; i++) if (inHoldout(id, `acc_${i.toString(36)}`, pct)) held++;
        expect(Math.abs((held / n) * 100 - pct)).toBeLessThan(1);
      }),
      { numRuns: 25 },
    );
  });

  it('buckets are spread evenly (chi-square over 10 groups)', () => {
    const counts = new Array(10).fill(0) as number[];
    const n = 50_000;
    for (let i = 0; i < n; i++) counts[Math.floor(bucketOf('stg_x', `vis_${i}`) / 1000)]!++;
    const chi = counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi).toBeLessThan(27.88); // 9 degrees of freedom, p = 0.001
  });

  it('two strategies bucket a shopper independently', () => {
    let both = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (inHoldout('stg_a', `k${i}`, 20) && inHoldout('stg_b', `k${i}`, 20)) both++;
    expect(both / n).toBeGreaterThan(0.03);
    expect(both / n).toBeLessThan(0.05);
  });

  it('the first rule whose segment holds the shopper decides; else the first strategy’s default', () => {
    const s1 = strategy('s1', {
      rules: [
        { segmentId: 'vip', variantId: 'gold' },
        { segmentId: 'new', variantId: 'welcome' },
      ],
    });
    const s2 = strategy('s2', { rules: [{ segmentId: 'lapsed', variantId: 'back' }] });
    expect(assign([s1, s2], new Set(['new', 'vip']), 'k')).toMatchObject({ strategy: { id: 's1' }, variantId: 'gold' });
    expect(assign([s1, s2], new Set(['new']), 'k')).toMatchObject({ strategy: { id: 's1' }, variantId: 'welcome' });
    expect(assign([s1, s2], new Set(['lapsed', 'other']), 'k')).toMatchObject({
      strategy: { id: 's2' },
      variantId: 'back',
    });
    expect(assign([s1, s2], new Set(), 'k')).toMatchObject({ strategy: { id: 's1' }, variantId: 'default' });
    expect(assign([], new Set(['vip']), 'k')).toBeNull();
  });

  it('a held-out shopper is recorded as holdout whatever their segment', () => {
    const s = strategy('s', { holdoutPercent: 50, rules: [{ segmentId: 'vip', variantId: 'gold' }] });
    const keys = Array.from({ length: 200 }, (_, i) => `acc_${i}`);
    const held = keys.filter((k) => inHoldout('s', k, 50));
    expect(held.length).toBeGreaterThan(50);
    for (const k of held) expect(assign([s], new Set(['vip']), k)!.variantId).toBe('holdout');
    for (const k of keys.filter((k) => !inHoldout('s', k, 50)))
      expect(assign([s], new Set(['vip']), k)!.variantId).toBe('gold');
  });
});
