/**
 * Validation of constraint-set specs and of hidden vectors. Every error names the field, the
 * index and the value, and gives the fix.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { InvalidConstraintSetError, InvalidInputError } from './errors';
import type { ConstraintSetSpec, DenseRows } from './types';

/**
 * Checks shapes, finiteness, symmetry and positive semidefiniteness of a spec.
 *
 * @throws InvalidConstraintSetError naming the first problem found.
 */
export function validateSpec(spec: ConstraintSetSpec): void {
  const n = spec.dimension;
  if (!Number.isInteger(n) || n < 1) throw new InvalidConstraintSetError(`dimension must be a positive integer, got ${n}`);

  if (spec.linear !== undefined) {
    const m = spec.linear.A.length;
    checkMatrix(spec.linear.A, m, n, 'linear.A');
    checkVector(spec.linear.b, m, 'linear.b', `one right-hand side per row of linear.A (${m})`);
  }

  for (const [j, quadratic] of (spec.quadratic ?? []).entries()) {
    const name = `quadratic[${j}]`;
    checkMatrix(quadratic.P, n, n, `${name}.P`);
    checkVector(quadratic.q, n, `${name}.q`, `the set's dimension (${n})`);
    if (!Number.isFinite(quadratic.b)) throw new InvalidConstraintSetError(`${name}.b must be a finite number, got ${quadratic.b}`);
    checkPsd(quadratic.P, name);
  }

  if (spec.equality !== undefined) {
    const k = spec.equality.C.length;
    checkMatrix(spec.equality.C, k, n, 'equality.C');
    checkVector(spec.equality.e, k, 'equality.e', `one right-hand side per row of equality.C (${k})`);
  }

  if (spec.box !== undefined) {
    const { lower, upper } = spec.box;
    checkBound(lower, n, 'box.lower', -1);
    checkBound(upper, n, 'box.upper', 1);
  }

  if (spec.interiorPoint !== undefined) checkVector(spec.interiorPoint, n, 'interiorPoint', `the set's dimension (${n})`);
}

/**
 * Checks a batch of hidden vectors: each must have `length` finite entries.
 *
 * @param what - how the vectors are called in messages, for example `hidden vector`
 * @param lengthHint - explanation of the expected length, for example `4 direction entries + 1 scale logit`
 * @throws InvalidInputError naming the vector, the entry and the value.
 */
export function validateInputs(rows: readonly (ArrayLike<number>)[], length: number, what: string, lengthHint: string): void {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.length !== length) {
      throw new InvalidInputError(`${what} ${i} has length ${row.length}, expected ${length} (${lengthHint}); make the layer before this one output ${length} values`);
    }
    for (let j = 0; j < length; j++) {
      const x = row[j]!;
      if (!Number.isFinite(x)) {
        throw new InvalidInputError(
          `${what} ${i} has ${Number.isNaN(x) ? 'NaN' : x} at index ${j}; the constraint layer maps only finite values. ` +
            'Find where the network produces it (a log of 0, a division by 0, an exploding activation) before the constraint layer',
        );
      }
    }
  }
}

function checkMatrix(rows: DenseRows, expectedRows: number, cols: number, name: string): void {
  if (!Array.isArray(rows) || rows.length !== expectedRows) {
    throw new InvalidConstraintSetError(`${name} must have ${expectedRows} rows, got ${Array.isArray(rows) ? rows.length : typeof rows}`);
  }
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.length !== cols) throw new InvalidConstraintSetError(`${name} row ${i} has ${row.length} entries, expected ${cols} (the set's dimension)`);
    for (let j = 0; j < cols; j++) {
      if (!Number.isFinite(row[j])) throw new InvalidConstraintSetError(`${name}[${i}][${j}] must be a finite number, got ${row[j]}`);
    }
  }
}

function checkVector(values: readonly number[], length: number, name: string, reason: string): void {
  if (values.length !== length) throw new InvalidConstraintSetError(`${name} has length ${values.length}, expected ${length}: ${reason}`);
  for (let i = 0; i < length; i++) {
    if (!Number.isFinite(values[i])) throw new InvalidConstraintSetError(`${name}[${i}] must be a finite number, got ${values[i]}`);
  }
}

function checkBound(values: readonly number[], length: number, name: string, openSign: 1 | -1): void {
  if (values.length !== length) throw new InvalidConstraintSetError(`${name} has length ${values.length}, expected ${length} (one bound per output)`);
  for (let i = 0; i < length; i++) {
    const x = values[i]!;
    if (Number.isNaN(x) || x === -openSign * Infinity) {
      throw new InvalidConstraintSetError(`${name}[${i}] is ${x}; use a finite number, or ${openSign * Infinity} to leave that side open`);
    }
  }
}

function checkPsd(P: DenseRows, name: string): void {
  const n = P.length;
  let largest = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) largest = Math.max(largest, Math.abs(P[i]![j]!));
  const symmetryTolerance = 1e-12 * Math.max(1, largest);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(P[i]![j]! - P[j]![i]!) > symmetryTolerance) {
        throw new InvalidConstraintSetError(`${name}.P is not symmetric: P[${i}][${j}] = ${P[i]![j]} but P[${j}][${i}] = ${P[j]![i]}; pass (P + Pᵀ)/2, which defines the same constraint`);
      }
    }
  }
  const eigen = new EigenvalueDecomposition(new Matrix(P.map((row) => [...row])), { assumeSymmetric: true });
  const smallest = Math.min(...eigen.realEigenvalues);
  if (smallest < -1e-10 * Math.max(1, largest)) {
    throw new InvalidConstraintSetError(
      `${name}.P is not positive semidefinite (smallest eigenvalue ${smallest.toPrecision(4)}), so the constraint is not convex; ` +
        'the layer supports only convex quadratic constraints',
    );
  }
}
