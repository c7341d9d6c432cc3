import { z } from 'zod';
import type { Db } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { badRequest } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { bitmapOf } from './bitmaps.js';
import { customerPages, featuresOf, FEATURES } from './features.js';
import { auc, score, seededRandom, shuffle, trainLogistic } from './model.js';
import { saveSegment, segmentBitmap } from './segments.js';

export const lookalikeInput = z.object({
  seedSegmentId: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(40),
  size: z.number().int().min(1).max(5_000_000).describe('how many customers outside the seed to add'),
});

defineMessages({
  'customers.seed_too_small': {
    'zh-CN': '种子人群至少需要 {min} 人，且不能包含全部客户',
    'en-US': 'The seed segment needs at least {min} customers and must not contain everyone',
  },
});

export const MIN_SEED = 10;
const MAX_POSITIVES = 20_000;
const MAX_NEGATIVES = 60_000;
const HOLDOUT = 0.25;

/** A uniform sample of up to `cap` items from a stream (Algorithm R), with how many were seen. */
class Reservoir<T> {
  items: T[] = [];
  seen = 0;
  constructor(
    private cap: number,
    private random: () => number,
  ) {}
  offer(item: T) {
    this.seen++;
    if (this.items.length < this.cap) this.items.push(item);
    else {
      const j = Math.floor(this.random() * this.seen);
      if (j < this.cap) this.items[j] = item;
    }
  }
}

/**
 * Look-alike expansion: logistic regression trained on the seed's members (positives) against a
 * sample of everyone else, its AUC measured on a held-out quarter it never saw, then every
 * customer outside the seed scored; the `size` best form the new segment (kept as computed, with
 * the model and its AUC). Two passes over the customers, page by page: the first keeps only the
 * samples' features, the second only each outsider's number and score — so memory grows by a
 * dozen bytes per customer, not by a feature vector.
 */
export async function lookalike(db: Db, shopId: string, actorId: string, input: z.infer<typeof lookalikeInput>) {
  const seed = await segmentBitmap(db, shopId, input.seedSegmentId).catch(() => {
    throw badRequest('validation_failed', [
      { field: 'body.seedSegmentId', code: 'unknown_segment', message: 'not_found', params: { what: 'segment' } },
    ]);
  });
  const now = new Date();
  return withShop(db, shopId, async (tx) => {
    const random = seededRandom(20_260_101);
    const positives = new Reservoir<number[]>(MAX_POSITIVES, random);
    const negatives = new Reservoir<number[]>(MAX_NEGATIVES, random);
    for await (const page of customerPages(tx, shopId))
      for (const c of page) (seed.has(c.customerNo) ? positives : negatives).offer(featuresOf(c, now));
    if (positives.seen < MIN_SEED || negatives.seen < MIN_SEED) {
      throw badRequest(
        'customers.seed_too_small',
        [
          {
            field: 'body.seedSegmentId',
            code: 'seed_too_small',
            message: 'customers.seed_too_small',
            params: { min: MIN_SEED },
          },
        ],
        { min: MIN_SEED },
      );
    }
    const pos = shuffle(positives.items, random);
    const neg = shuffle(negatives.items, random).slice(0, Math.max(pos.length * 3, 2_000));
    const split = (list: number[][]) => {
      const cut = Math.max(1, Math.floor(list.length * HOLDOUT));
      return { test: list.slice(0, cut), train: list.slice(cut) };
    };
    const p = split(pos);
    const n = split(neg);
    const train = shuffle([...p.train.map((x) => [x, 1] as const), ...n.train.map((x) => [x, 0] as const)], random);
    const model = trainLogistic(
      train.map(([x]) => x),
      train.map(([, y]) => y),
    );
    const test = [...p.test.map((x) => [x, 1] as const), ...n.test.map((x) => [x, 0] as const)];
    const heldOutAuc = auc(
      test.map(([x]) => score(model, x)),
      test.map(([, y]) => y),
    );

    // Everyone outside the seed, scored; the best `size` (ties: lower customer number first).
    let count = 0;
    let nos = new Int32Array(Math.max(16, negatives.seen));
    let scores = new Float64Array(nos.length);
    for await (const page of customerPages(tx, shopId))
      for (const c of page) {
        if (seed.has(c.customerNo)) continue;
        if (count === nos.length) {
          // Customers who joined between the passes.
          const grownNos = new Int32Array(nos.length * 2);
          grownNos.set(nos);
          nos = grownNos;
          const grownScores = new Float64Array(nos.length);
          grownScores.set(scores);
          scores = grownScores;
        }
        nos[count] = c.customerNo;
        scores[count++] = score(model, featuresOf(c, now));
      }
    const order = new Uint32Array(count).map((_, i) => i);
    order.sort((a, b) => scores[b]! - scores[a]! || nos[a]! - nos[b]!);
    const chosen = Array.from(order.subarray(0, input.size), (i) => ({ no: nos[i]!, s: scores[i]! }));
    const bitmap = bitmapOf(chosen.map((c) => c.no));
    return saveSegment(
      tx,
      {
        shopId,
        name: input.name,
        kind: 'lookalike',
        definition: { seedSegmentId: input.seedSegmentId, size: input.size },
        model: {
          kind: 'logistic_regression',
          features: [...FEATURES],
          weights: model.weights,
          bias: model.bias,
          means: model.means,
          stds: model.stds,
          auc: heldOutAuc,
          trainSize: train.length,
          holdoutSize: test.length,
          seedMembers: positives.seen,
          lowestScore: chosen.at(-1)?.s ?? null,
        },
        createdBy: actorId,
      },
      bitmap,
    );
  });
}
