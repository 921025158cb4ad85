/**
 * Self-tests of the numeric arbitraries: each generated object has the property its name promises.
 */
import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, test } from 'vitest';
import { Rng } from '../rng';
import { ADVERSARIAL_MAGNITUDES, ellipsoid, gaussianVector, polytope, psdMatrix, scaledVector, wellConditionedMatrix } from './numeric';

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('numeric arbitraries', () => {
  test('harness/arbitraries condition number bounded', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })).chain(([rows, cols]) => wellConditionedMatrix(rows, cols, { maxCondition: 50 })),
        (M) => {
          const sigma = new SingularValueDecomposition(new Matrix(M), { autoTranspose: true }).diagonal.slice(0, Math.min(M.length, M[0]!.length));
          return Math.max(...sigma) / Math.min(...sigma) <= 50 * (1 + 1e-9) && Math.min(...sigma) >= 1 - 1e-9;
        },
      ),
      { numRuns: 200 },
    );
  });

  test('harness/arbitraries psd matrices have the asked rank', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))).chain(([n, rank]) => fc.tuple(fc.constant(rank), psdMatrix(n, { rank, maxCondition: 20 }))),
        ([rank, P]) => {
          const eigenvalues = new EigenvalueDecomposition(new Matrix(P), { assumeSymmetric: true }).realEigenvalues;
          const positive = eigenvalues.filter((v) => v > 1e-9).length;
          return eigenvalues.every((v) => v > -1e-9) && positive === rank && P.every((row, i) => row.every((x, j) => x === P[j]![i]));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('harness/arbitraries polytopes contain their ball and are bounded', () => {
    const rng = new Rng(1);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((n) => polytope(n)), (p) => {
        // The ball of radius `radius` around `interior` is inside: aᵢ·c + radius·|aᵢ| ≤ bᵢ.
        const inside = p.A.every((a, i) => dot(a, p.interior) + p.radius * Math.hypot(...a) <= p.b[i]! + 1e-12 * (1 + Math.abs(p.b[i]!)));
        // Bounded: every direction increases some row (checked on random directions).
        const bounded = Array.from({ length: 200 }, () => gaussianVector(rng, p.dimension)).every((d) => p.A.some((a) => dot(a, d) > 0));
        return inside && bounded && p.radius > 0;
      }),
      { numRuns: 200 },
    );
  });

  test('harness/arbitraries ellipsoids contain the given point', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n, maxLength: n }), fc.integer({ min: 0, max: n }))).chain(([point, rank]) => fc.tuple(fc.constant(point), ellipsoid(point.length, point, { rank }))),
        ([point, e]) => {
          const value = 0.5 * dot(point, e.P.map((row) => dot(row, point))) + dot(e.q, point) - e.b;
          return value < 0;
        },
      ),
      { numRuns: 200 },
    );
  });

  test('harness/arbitraries adversarial magnitudes occur', () => {
    const magnitudes = new Set(fc.sample(scaledVector(3), { numRuns: 400, seed: 7 }).map((v) => Math.max(...v.map(Math.abs))));
    for (const m of ADVERSARIAL_MAGNITUDES) expect(magnitudes.has(m), `magnitude ${m}`).toBe(true);
  });
});
