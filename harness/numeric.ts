/**
 * Numeric comparison with tolerances per dtype.
 *
 * Equivalence properties compare a float64 oracle with a float32 (tensor) implementation, or two
 * float64 paths. A value `actual` is close to `expected` when
 *
 *   |actual − expected| ≤ atol + rtol · |expected|
 *
 * with (rtol, atol) taken from the less precise of the two dtypes and widened for long reductions,
 * whose rounding error grows with the number of summed terms.
 */

/** Floating-point dtypes the suite compares. */
export type FloatDtype = 'float64' | 'float32';

/** Relative and absolute tolerance of one comparison. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * Base tolerances per dtype. float32 keeps about 7 significant digits, so 1e-5 relative leaves
 * room for a few dozen roundings; float64 keeps about 16, so 1e-10 leaves room for long chains.
 */
export const BASE_TOLERANCE: Readonly<Record<FloatDtype, Tolerance>> = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-5, atol: 1e-6 },
};

/**
 * Returns the tolerance for comparing values of dtype `actual` with values of dtype `expected`.
 *
 * @example toleranceFor('float32', 'float64', { reductionLength: 1024 })
 * @param actual - dtype of the implementation under test
 * @param expected - dtype of the oracle
 * @param options.reductionLength - number of terms summed into each compared value; the
 *   tolerance grows with its square root, the typical growth of rounding error in a sum
 */
export function toleranceFor(actual: FloatDtype, expected: FloatDtype = 'float64', options: { reductionLength?: number } = {}): Tolerance {
  const a = BASE_TOLERANCE[actual];
  const e = BASE_TOLERANCE[expected];
  const scale = Math.sqrt(Math.max(1, options.reductionLength ?? 1));
  return { rtol: Math.max(a.rtol, e.rtol) * scale, atol: Math.max(a.atol, e.atol) * scale };
}

/** Returns true when `actual` is within `tolerance` of `expected`; NaN is close only to NaN. */
export function isClose(actual: number, expected: number, tolerance: Tolerance): boolean {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return Number.isNaN(actual) && Number.isNaN(expected);
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= tolerance.atol + tolerance.rtol * Math.abs(expected);
}

/** Result of comparing two arrays element by element. */
export interface ArrayComparison {
  ok: boolean;
  /** Largest |actual − expected| over all elements. */
  maxAbsError: number;
  /** Largest |actual − expected| / |expected| over elements with non-zero expected value. */
  maxRelError: number;
  /** Index of the element furthest outside the tolerance, or -1 when all are close. */
  worstIndex: number;
  tolerance: Tolerance;
}

/**
 * Compares two arrays element by element.
 *
 * @throws Error when the lengths differ, because a length mismatch is a shape bug, not a numeric error.
 */
export function compareArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance): ArrayComparison {
  if (actual.length !== expected.length) {
    throw new Error(`compareArrays got arrays of different lengths: actual ${actual.length}, expected ${expected.length}`);
  }
  let maxAbsError = 0;
  let maxRelError = 0;
  let worstIndex = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (isClose(a, e, tolerance)) {
      const diff = Math.abs(a - e);
      if (Number.isFinite(diff)) {
        maxAbsError = Math.max(maxAbsError, diff);
        if (e !== 0) maxRelError = Math.max(maxRelError, diff / Math.abs(e));
      }
      continue;
    }
    const diff = Math.abs(a - e);
    const excess = Number.isFinite(diff) ? diff - (tolerance.atol + tolerance.rtol * Math.abs(e)) : Infinity;
    maxAbsError = Math.max(maxAbsError, Number.isFinite(diff) ? diff : Infinity);
    if (e !== 0) maxRelError = Math.max(maxRelError, diff / Math.abs(e));
    if (worstIndex === -1 || excess > worstExcess) {
      worstIndex = i;
      worstExcess = excess;
    }
  }
  return { ok: worstIndex === -1, maxAbsError, maxRelError, worstIndex, tolerance };
}

/**
 * Throws an error describing the worst element when two arrays are not close.
 *
 * @param label - name of the compared quantity, used in the message
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, label = 'values'): void {
  const result = compareArrays(actual, expected, tolerance);
  if (result.ok) return;
  const i = result.worstIndex;
  throw new Error(
    `${label} differ beyond tolerance (rtol ${tolerance.rtol}, atol ${tolerance.atol}): ` +
      `at index ${i} actual ${actual[i]} vs expected ${expected[i]}; ` +
      `max abs error ${result.maxAbsError}, max rel error ${result.maxRelError}`,
  );
}

/**
 * Largest relative violation accepted for a constraint residual such as a·y − b, per dtype of the
 * point y. "Relative" divides by max(1, the sum of magnitudes of the terms the residual is made
 * of), because rounding error is proportional to that sum.
 * - float64: 1e-12, which leaves a factor of about 100 over the error bound n·u (u = 1.1e-16) of
 *   a length-64 dot product.
 * - float32: 1e-5: a float32 output carries a relative rounding error of u = 6e-8 per entry, and
 *   its step length comes from a length-r reduction computed in float32, r·u ≤ 4e-6 for r ≤ 64.
 */
export const RESIDUAL_TOLERANCE: Readonly<Record<FloatDtype, number>> = {
  float64: 1e-12,
  float32: 1e-5,
};

/**
 * Tolerance for comparing a float32 gradient from automatic differentiation with a float64
 * central finite difference. The finite difference (step 1e-6 relative) is accurate to about
 * 1e-9, so the error is the float32 chain's: roughly u · (condition of the map) over a few
 * dozen operations. 2e-3 of the gradient's max-norm leaves room for a condition number of 1e3,
 * while a missing or wrong term in the backward pass is an error of order 1.
 */
export const GRADIENT_TOLERANCE: Tolerance = { rtol: 2e-3, atol: 1e-6 };

/** Result of {@link compareNormwise}. */
export interface NormwiseComparison {
  ok: boolean;
  /** max |actual − expected|. */
  maxAbsError: number;
  /** The bound that error had to stay under: atol + rtol · max(scale, max |expected|). */
  bound: number;
}

/**
 * Compares two vectors in the max-norm: |actual − expected|∞ ≤ atol + rtol · max(scale, |expected|∞).
 * Use it when entries can be near zero while the vector as a whole has a meaningful magnitude
 * (points of a set far from the origin, gradients), where an element-wise relative test is too
 * strict for the small entries.
 *
 * @param scale - a magnitude the error is relative to in addition to |expected|∞ (default 0)
 * @throws Error when the lengths differ.
 */
export function compareNormwise(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, scale = 0): NormwiseComparison {
  if (actual.length !== expected.length) throw new Error(`compareNormwise got vectors of different lengths: actual ${actual.length}, expected ${expected.length}`);
  let maxAbsError = 0;
  let magnitude = scale;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs((actual[i] as number) - (expected[i] as number));
    maxAbsError = Number.isNaN(diff) ? Infinity : Math.max(maxAbsError, diff);
    magnitude = Math.max(magnitude, Math.abs(expected[i] as number));
  }
  const bound = tolerance.atol + tolerance.rtol * magnitude;
  return { ok: maxAbsError <= bound, maxAbsError, bound };
}
