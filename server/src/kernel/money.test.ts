import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, format, sum } from './money.js';

describe('money', () => {
  it('allocates every minor unit, none negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(sum(parts)).toBe(total);
          expect(parts.every((p) => p >= 0)).toBe(true);
        },
      ),
    );
  });
  it('formats and refuses non-amounts', () => {
    expect(format(12345)).toBe('123.45');
    expect(format(5)).toBe('0.05');
    expect(() => sum([1.5])).toThrow();
    expect(() => sum([-1])).toThrow();
  });
});
