/**
 * Self-tests of the shared harness: the seeded generator, seed derivation, numeric tolerances and
 * the statistics helpers. Test names start with `harness/`, which the report lists apart from
 * method invariants.
 */
import { describe, expect, test } from 'vitest';
import { compareArrays, isClose, toleranceFor } from './numeric';
import { Rng } from './rng';
import { deriveSeed, parseSeed } from './seed';
import { detectableMeanShift, holmRejections, meanEquals, proportionEquals, samplesForMeanShift } from './stats';
import { validateSpec } from './spec';
import { SPECS } from '../specs/index';

describe('harness', () => {
  test('harness/rng is reproducible per seed', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const draw = (r: Rng) => Array.from({ length: 20 }, () => r.int(0, 1000));
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
  });

  test('harness/rng normal variates have unit variance', () => {
    const rng = new Rng(11);
    const n = 20000;
    const xs = Array.from({ length: n }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
    // Standard errors: 1/sqrt(n) = 0.007 for the mean, sqrt(2/n) = 0.01 for the variance; 5 sigma.
    expect(Math.abs(mean)).toBeLessThan(0.035);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  test('harness/seed derivation separates labels', () => {
    expect(deriveSeed(1, 'a')).toBe(deriveSeed(1, 'a'));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1, 'b'));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(2, 'a'));
    expect(() => parseSeed('12x', '--seed')).toThrow(/--seed must be an integer seed, got '12x'/);
  });

  test('harness/numeric tolerance per dtype', () => {
    const f32 = toleranceFor('float32');
    expect(isClose(1 + 5e-6, 1, f32)).toBe(true);
    expect(isClose(1 + 5e-4, 1, f32)).toBe(false);
    expect(isClose(1 + 5e-6, 1, toleranceFor('float64'))).toBe(false);
    expect(isClose(Number.NaN, Number.NaN, f32)).toBe(true);
    expect(isClose(Number.NaN, 1, f32)).toBe(false);
    const comparison = compareArrays([1, 2, 3.1], [1, 2, 3], f32);
    expect(comparison.ok).toBe(false);
    expect(comparison.worstIndex).toBe(2);
    expect(() => compareArrays([1], [1, 2], f32)).toThrow(/different lengths/);
  });

  test('harness/stats reject a shifted mean and accept a centred one', () => {
    const rng = new Rng(3);
    const centred = Array.from({ length: 2000 }, () => rng.normal());
    const shifted = centred.map((x) => x + 0.3);
    expect(meanEquals(centred, 0).rejected).toBe(false);
    const outcome = meanEquals(shifted, 0);
    expect(outcome.rejected).toBe(true);
    // 0.3 is above the detectable shift for n = 2000 at alpha 1e-6, power 0.99 (about 0.13).
    expect(outcome.detectableEffect).toBeLessThan(0.3);
    expect(proportionEquals(50, 100, 0.5).rejected).toBe(false);
    expect(proportionEquals(90, 100, 0.5).rejected).toBe(true);
  });

  test('harness/stats sizing formulas are inverse', () => {
    const n = samplesForMeanShift(1, 0.1);
    expect(detectableMeanShift(1, n)).toBeLessThanOrEqual(0.1);
    expect(detectableMeanShift(1, n - 1)).toBeGreaterThan(0.1);
    expect(holmRejections([1e-9, 0.5, 1e-7], 1e-6)).toEqual([true, false, true]);
  });

  test('harness/specs are consistent', () => {
    for (const spec of SPECS) expect(validateSpec(spec), spec.id).toEqual([]);
  });
});
