/**
 * Small numeric models for algorithmic segments, written out so they can be read and tested:
 * logistic regression by gradient descent, ROC AUC, k-means, and a seeded random source.
 */

/** A deterministic pseudo-random source (mulberry32), so a model trains the same way twice. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export interface LogisticModel {
  weights: number[];
  bias: number;
  /** Feature scaling learnt from the training set (z-scores). */
  means: number[];
  stds: number[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Trains by full-batch gradient descent on standardised features, with L2 regularisation. */
export function trainLogistic(
  X: number[][],
  y: number[],
  opts: { iterations?: number; learningRate?: number; l2?: number } = {},
): LogisticModel {
  const iterations = opts.iterations ?? 300;
  const lr = opts.learningRate ?? 0.5;
  const l2 = opts.l2 ?? 1e-3;
  const n = X.length;
  const d = X[0]?.length ?? 0;
  const means = Array.from({ length: d }, (_, j) => X.reduce((s, x) => s + x[j]!, 0) / Math.max(1, n));
  const stds = Array.from({ length: d }, (_, j) => {
    const v = X.reduce((s, x) => s + (x[j]! - means[j]!) ** 2, 0) / Math.max(1, n);
    return Math.sqrt(v) || 1;
  });
  const Z = X.map((x) => x.map((v, j) => (v - means[j]!) / stds[j]!));
  // Balance the classes so a rare seed still pulls its weight.
  const positives = y.reduce((s, v) => s + v, 0);
  const wPos = positives > 0 ? n / (2 * positives) : 1;
  const wNeg = n - positives > 0 ? n / (2 * (n - positives)) : 1;
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(d).fill(0);
    let gradBias = 0;
    for (let i = 0; i < n; i++) {
      const z = Z[i]!;
      let s = bias;
      for (let j = 0; j < d; j++) s += weights[j]! * z[j]!;
      const err = (sigmoid(s) - y[i]!) * (y[i] ? wPos : wNeg);
      for (let j = 0; j < d; j++) grad[j]! += err * z[j]!;
      gradBias += err;
    }
    for (let j = 0; j < d; j++) weights[j]! -= lr * (grad[j]! / n + l2 * weights[j]!);
    bias -= (lr * gradBias) / n;
  }
  return { weights, bias, means, stds };
}

export function score(model: LogisticModel, x: number[]): number {
  let s = model.bias;
  for (let j = 0; j < model.weights.length; j++) s += model.weights[j]! * ((x[j]! - model.means[j]!) / model.stds[j]!);
  return sigmoid(s);
}

/** Area under the ROC curve (Mann–Whitney U with ties counted half); null without both classes. */
export function auc(scores: number[], labels: number[]): number | null {
  const order = scores.map((s, i) => [s, labels[i]!] as const).sort((a, b) => a[0] - b[0]);
  let rankSumPositives = 0;
  let positives = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]![0] === order[i]![0]) j++;
    const rank = (i + 1 + j) / 2; // average rank of the tie group (1-based)
    for (let k = i; k < j; k++) {
      if (!order[k]![1]) continue;
      rankSumPositives += rank;
      positives++;
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface KMeansResult {
  centroids: number[][];
  assignments: number[];
}

const dist2 = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);

/** k-means with k-means++ seeding (deterministic for a given random source). */
export function kMeans(points: number[][], k: number, random: () => number, maxIterations = 100): KMeansResult {
  if (points.length === 0) return { centroids: [], assignments: [] };
  k = Math.min(k, points.length);
  const centroids: number[][] = [points[Math.floor(random() * points.length)]!.slice()];
  const nearest = points.map((p) => dist2(p, centroids[0]!));
  while (centroids.length < k) {
    const total = nearest.reduce((s, v) => s + v, 0);
    let r = random() * total;
    let pick = 0;
    for (; pick < points.length - 1; pick++) {
      r -= nearest[pick]!;
      if (r <= 0) break;
    }
    centroids.push(points[pick]!.slice());
    for (let i = 0; i < points.length; i++) nearest[i] = Math.min(nearest[i]!, dist2(points[i]!, centroids.at(-1)!));
  }
  const assignments = new Array<number>(points.length).fill(-1);
  for (let it = 0; it < maxIterations; it++) {
    let moved = 0;
    for (let i = 0; i < points.length; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < centroids.length; c++) {
        const d = dist2(points[i]!, centroids[c]!);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (assignments[i] !== best) {
        assignments[i] = best;
        moved++;
      }
    }
    const sums = centroids.map((c) => new Array<number>(c.length).fill(0));
    const counts = new Array<number>(centroids.length).fill(0);
    points.forEach((p, i) => {
      const c = assignments[i]!;
      counts[c]!++;
      p.forEach((v, j) => (sums[c]![j]! += v));
    });
    centroids.forEach((c, ci) => {
      if (counts[ci]! > 0) for (let j = 0; j < c.length; j++) c[j] = sums[ci]![j]! / counts[ci]!;
    });
    if (moved === 0) break;
  }
  return { centroids, assignments };
}
