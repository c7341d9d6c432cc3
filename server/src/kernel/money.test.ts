import { describe, expect, it } from 'vitest';
import { format, sum } from './money.js';

describe('money', () => {
  it('formats and refuses non-amounts', () => {
    expect(format(12345)).toBe('123.45');
    expect(format(5)).toBe('0.05');
    expect(() => sum([1.5])).toThrow();
    expect(() => sum([-1])).toThrow();
  });
});
