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
