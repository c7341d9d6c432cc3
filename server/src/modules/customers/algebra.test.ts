import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitmapOf, fromBytes, toBytes } from './bitmaps.js';
import { auc, kMeans, score, seededRandom, trainLogistic } from './model.js';
import { evaluate, evaluateNaive, type Rule } from './rules.js';
import { tagKey } from './store.js';

const TAGS = ['t0', 't1', 't2', 't3'];
const leaf = fc.constantFrom(...TAGS).map((tagId): Rule => ({ kind: 'tag', tagId, value: 'yes' }));
const rule: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('rule'), { minLength: 1, maxLength: 4 }).map((rules): Rule => ({ kind: 'and', rules })),
    fc.array(tie('rule'), { minLength: 1, maxLength: 4 }).map((rules): Rule => ({ kind: 'or', rules })),
    tie('rule').map((r): Rule => ({ kind: 'not', rule: r })),
  ),
})).rule;
const members = fc.uniqueArray(fc.integer({ min: 1, max: 3000 }), { maxLength: 300 });

describe('segment algebra', () => {
  it('bitmap evaluation equals the naive set evaluation', async () => {
    await fc.assert(
      fc.asyncProperty(members, fc.array(members, { minLength: 4, maxLength: 4 }), rule, async (all, tagSets, r) => {
        const universe = new Set(all);
        const tagSetsIn = tagSets.map((s) => new Set(s.filter((x) => universe.has(x) || x % 2 === 0)));
        const naiveTags = new Map(TAGS.map((t, i) => [tagKey(t, 'yes'), tagSetsIn[i]!]));
        const bitmapTags = new Map(TAGS.map((t, i) => [tagKey(t, 'yes'), bitmapOf(tagSetsIn[i]!)]));
        const result = await evaluate(r, {
          db: undefined as never,
          shopId: 'shp',
          universe: bitmapOf(universe),
          tags: bitmapTags,
          now: new Date(),
        });
        const expected = evaluateNaive(r, universe, naiveTags);
        expect(result.toArray()).toEqual([...expected].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  it('bitmaps survive the portable round trip', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 31 }), { maxLength: 2000 }), (xs) => {
        expect(fromBytes(toBytes(bitmapOf(xs))).toArray()).toEqual([...xs].sort((a, b) => a - b));
      }),
    );
  });
});

describe('models', () => {
  it('AUC: 1 when scores separate the classes, 0 when reversed, 0.5 for ties', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([0.5, 0.5], [1, 1])).toBeNull();
  });

  it('logistic regression learns a synthetic look-alike: AUC on held-out customers well above 0.5', () => {
    const random = seededRandom(42);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    // Positives spend more and visit more often; one feature is pure noise.
    const make = (positive: boolean) => [gauss() + (positive ? 1.2 : 0), gauss() + (positive ? 0.8 : 0), gauss()];
    const rows = Array.from({ length: 3000 }, (_, i) => ({ y: i % 4 === 0 ? 1 : 0 })).map((r) => ({
      ...r,
      x: make(r.y === 1),
    }));
    const train = rows.slice(0, 2000);
    const test = rows.slice(2000);
    const model = trainLogistic(
      train.map((r) => r.x),
      train.map((r) => r.y),
    );
    const heldOut = auc(
      test.map((r) => score(model, r.x)),
      test.map((r) => r.y),
    )!;
    expect(heldOut).toBeGreaterThan(0.75);
    expect(model.weights[0]).toBeGreaterThan(model.weights[2]!);
    // Labels unrelated to the features give an AUC near chance: the measure is not rigged.
    const coin = seededRandom(7);
    const shuffled = test.map(() => (coin() < 0.25 ? 1 : 0));
    const chance = auc(
      test.map((r) => score(model, r.x)),
      shuffled,
    )!;
    expect(Math.abs(chance - 0.5)).toBeLessThan(0.1);
  });

  it('k-means finds well separated groups', () => {
    const random = seededRandom(1);
    const centres = [
      [0, 0, 0],
      [5, 5, 0],
      [0, 5, 5],
    ];
    const points = centres.flatMap((c) => Array.from({ length: 50 }, () => c.map((v) => v + random() - 0.5)));
    const { assignments } = kMeans(points, 3, seededRandom(3));
    for (let g = 0; g < 3; g++) {
      const labels = new Set(assignments.slice(g * 50, g * 50 + 50));
      expect(labels.size).toBe(1);
    }
    expect(new Set(assignments).size).toBe(3);
  });
});
