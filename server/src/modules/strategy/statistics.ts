/**
 * The statistics of an effect report: a two-proportion z-test for conversion against the
 * holdout, and a Wald confidence interval for the difference in conversion.
 */

/**
 * erfc(x) by W. J. Cody's rational Chebyshev approximation (as in Numerical Recipes' erfcc):
 * relative error below 1.2e-7 everywhere, enough for p-values shown to four places.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** The standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** z for a two-sided confidence level (0.95 → 1.959964). By bisection on Φ; plenty fast. */
export function zFor(confidence: number): number {
  const target = 1 - (1 - confidence) / 2;
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface ProportionTest {
  /** Difference in conversion, treatment − control. */
  difference: number;
  /** Relative uplift (treatment − control) / control; null when the control converted nobody. */
  uplift: number | null;
  /** Pooled two-proportion z statistic; null when it is undefined (no shoppers, or all or none converted). */
  z: number | null;
  /** Two-sided p-value; null with z. */
  pValue: number | null;
  /** Wald interval for the difference at `confidence`; null without shoppers on either side. */
  ciLow: number | null;
  ciHigh: number | null;
}

/**
 * Compares conversion `x1 / n1` (a variant) with `x0 / n0` (the holdout): pooled z-test for
 * H0: p1 = p0, two-sided, and an unpooled (Wald) interval for p1 − p0.
 */
export function twoProportionTest(x1: number, n1: number, x0: number, n0: number, confidence = 0.95): ProportionTest {
  if (n1 <= 0 || n0 <= 0) {
    return { difference: 0, uplift: null, z: null, pValue: null, ciLow: null, ciHigh: null };
  }
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const difference = p1 - p0;
  const uplift = p0 > 0 ? difference / p0 : null;
  const pooled = (x1 + x0) / (n1 + n0);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  const z = sePooled > 0 ? difference / sePooled : null;
  const pValue = z === null ? null : Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  const half = zFor(confidence) * se;
  return { difference, uplift, z, pValue, ciLow: difference - half, ciHigh: difference + half };
}
