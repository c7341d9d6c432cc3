import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalCdf, twoProportionTest, zFor } from './statistics.js';

describe('statistics of the effect report', () => {
  it('Φ matches tabulated values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.8413447, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-2.5758293)).toBeCloseTo(0.005, 6);
    expect(normalCdf(3.090232)).toBeCloseTo(0.999, 6);
    expect(zFor(0.95)).toBeCloseTo(1.959964, 5);
    expect(zFor(0.99)).toBeCloseTo(2.575829, 5);
  });

  it('matches R prop.test(c(120, 100), c(1000, 1000), correct = FALSE)', () => {
    // R: X-squared = 2.0429 (z = 1.4293), p-value = 0.1529; Wald 95 % CI of p1 − p0: −0.00741 to 0.04741.
    const t = twoProportionTest(120, 1000, 100, 1000);
    expect(t.z!).toBeCloseTo(1.4293008, 5);
    expect(t.z! ** 2).toBeCloseTo(2.0429, 3);
    expect(t.pValue!).toBeCloseTo(0.1529178, 5);
    expect(t.difference).toBeCloseTo(0.02, 10);
    expect(t.uplift!).toBeCloseTo(0.2, 10);
    expect(t.ciLow!).toBeCloseTo(-0.0074115, 5);
    expect(t.ciHigh!).toBeCloseTo(0.0474115, 5);
  });

  it('a significant difference with unequal groups (45/500 against 30/520)', () => {
    const t = twoProportionTest(45, 500, 30, 520);
    expect(t.z!).toBeCloseTo(1.9762695, 5);
    expect(t.pValue!).toBeCloseTo(0.0481243, 5);
    expect(t.pValue!).toBeLessThan(0.05);
  });

  it('undefined cases say so instead of dividing by zero', () => {
    expect(twoProportionTest(0, 0, 3, 10)).toMatchObject({ z: null, pValue: null, uplift: null, ciLow: null });
    expect(twoProportionTest(0, 10, 0, 10)).toMatchObject({ z: null, pValue: null, uplift: null });
    expect(twoProportionTest(2, 10, 0, 10).uplift).toBeNull();
  });

  it('p-values lie in [0, 1] and swapping the groups flips only the sign', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(500), fc.nat(500), fc.nat(500), (a, b, c, d) => {
        const n1 = a + b + 1;
        const n0 = c + d + 1;
        const t = twoProportionTest(a, n1, c, n0);
        const u = twoProportionTest(c, n0, a, n1);
        if (t.pValue === null) return u.pValue === null;
        expect(t.pValue).toBeGreaterThanOrEqual(0);
        expect(t.pValue).toBeLessThanOrEqual(1);
        expect(u.pValue!).toBeCloseTo(t.pValue, 12);
        expect(u.z!).toBeCloseTo(-t.z!, 12);
        expect(t.ciLow!).toBeLessThanOrEqual(t.difference);
        expect(t.ciHigh!).toBeGreaterThanOrEqual(t.difference);
        return true;
      }),
    );
  });
});
