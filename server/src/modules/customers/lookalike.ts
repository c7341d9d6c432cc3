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

/**
 * Look-alike expansion: logistic regression trained on the seed's members (positives) against a
 * sample of everyone else, its AUC measured on a held-out quarter it never saw, then every
 * customer outside the seed scored; the `size` best form the new segment (kept as computed, with
 * the model and its AUC).
 */
export async function lookalike(db: Db, shopId: string, actorId: string, input: z.infer<typeof lookalikeInput>) {
  const seed = await segmentBitmap(db, shopId, input.seedSegmentId).catch(() => {
    throw badRequest('validation_failed', [
      { field: 'body.seedSegmentId', code: 'unknown_segment', message: 'not_found', params: { what: 'segment' } },
    ]);
  });
  const now = new Date();
  return withShop(db, shopId, async (tx) => {
    const ids: number[] = [];
    const X: number[][] = [];
    for await (const page of customerPages(tx, shopId)) {
      for (const c of page) {
        ids.push(c.customerNo);
        X.push(featuresOf(c, now));
      }
    }
    const positives = ids.map((_, i) => i).filter((i) => seed.has(ids[i]!));
    const negatives = ids.map((_, i) => i).filter((i) => !seed.has(ids[i]!));
    if (positives.length < MIN_SEED || negatives.length < MIN_SEED) {
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
    const random = seededRandom(20_260_101);
    const pos = shuffle(positives, random).slice(0, MAX_POSITIVES);
    const neg = shuffle(negatives.slice(), random).slice(0, Math.min(MAX_NEGATIVES, Math.max(pos.length * 3, 2_000)));
    const split = (list: number[]) => {
      const cut = Math.max(1, Math.floor(list.length * HOLDOUT));
      return { test: list.slice(0, cut), train: list.slice(cut) };
    };
    const p = split(pos);
    const n = split(neg);
    const train = shuffle([...p.train.map((i) => [i, 1]), ...n.train.map((i) => [i, 0])], random);
    const model = trainLogistic(
      train.map(([i]) => X[i!]!),
      train.map(([, y]) => y!),
    );
    const test = [...p.test.map((i) => [i, 1]), ...n.test.map((i) => [i, 0])];
    const heldOutAuc = auc(
      test.map(([i]) => score(model, X[i!]!)),
      test.map(([, y]) => y!),
    );
    const candidates = negatives.map((i) => ({ no: ids[i]!, s: score(model, X[i]!) }));
    candidates.sort((a, b) => b.s - a.s || a.no - b.no);
    const chosen = candidates.slice(0, input.size);
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
          seedMembers: positives.length,
          lowestScore: chosen.at(-1)?.s ?? null,
        },
        createdBy: actorId,
      },
      bitmap,
    );
  });
}
