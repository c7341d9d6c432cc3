import { z } from 'zod';

/**
 * Money is an integer count of minor units (fen for CNY) with an ISO currency beside it, never
 * a float. Amounts on the wire are integers too.
 */
export const CURRENCY = 'CNY' as const;
export const MAX_AMOUNT = 100_000_000_00; // 100 million yuan

export const amount = z.number().int().min(0).max(MAX_AMOUNT);

/** Sums amounts, refusing anything that is not a safe non-negative integer. */
export function sum(values: number[]): number {
  let total = 0;
  for (const v of values) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not an amount: ${v}`);
    total += v;
  }
  if (!Number.isSafeInteger(total)) throw new RangeError('amount overflow');
  return total;
}

/** 12345 → "123.45" (for people; APIs carry the integer). */
export function format(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Splits `total` across `weights` in proportion, in whole minor units, the remainder to the largest. */
export function allocate(total: number, weights: number[]): number[] {
  const w = sum(weights);
  if (w === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const parts = weights.map((x) => Math.floor((total * x) / w));
  let rest = total - sum(parts);
  const order = weights.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) parts[order[k]![1]]! += 1;
  return parts;
}
