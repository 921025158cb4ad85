/**
 * Feasibility for every hidden vector, per family of constraints, for the float64 oracle and the
 * float32 tensor layer in all three modes. Hidden vectors include the magnitudes 0, 1e-300 and
 * 1e6 and saturated scale logits ±50.
 *
 * Batches: 32 hidden vectors per generated case in the quick profile (60 cases, about 1.9·10³
 * vectors per family), 128 in the full profile (1000 cases, 1.28·10⁵ vectors per family).
 */
import fc from 'fast-check';
import { beforeAll, describe } from 'vitest';
import { RESIDUAL_TOLERANCE } from '../../harness/numeric';
import { forProfile, profileFromEnv } from '../../harness/profile';
import { selectBackendFromEnv } from '../../harness/tensor/backend';
import { propertyInvariant } from '../../harness/testing/invariant';
import { feasibilityReport, prepareConstraintSet, prepareJointSet, type LayerMode } from '../../impl/constraints/index';
import { boxSet, equalitySet, hiddenBatch, inputsFor, inputsInBox, jointSet, linearSet, mixedSet, quadraticSet, type SetCase } from './_sets';
import {
  axesAsBasis,
  dropsQuadratics,
  firstInputSlacks,
  firstRowOnly,
  halvedCurvature,
  ignoresCrossing,
  realForward,
  realJointForward,
  slackFromOrigin,
  swappedBoxSlacks,
  zeroOffset,
  type Forward,
  type JointForward,
  type Outputs,
} from './_subjects';

const MODES: readonly LayerMode[] = ['ray', 'boundary', 'projection'];
/** Largest input length any generated set needs: dimension 6 plus the scale logit. */
const MAX_LENGTH = 7;
/** Absolute bound on a float64 violation, for sets whose right-hand sides are of order 1 to 100. */
const FLOAT64_ABSOLUTE = 1e-9;
const profile = profileFromEnv();
const BATCH = forProfile({ quick: 32, full: 128 }, profile);
const RUNS = { quick: 60, full: 1000 };

beforeAll(async () => {
  await selectBackendFromEnv();
});

/** Builds the arbitrary of (set, mode, raw hidden vectors); the vectors are cut to the set's input length once it is prepared. */
function caseWithBatch(sets: fc.Arbitrary<SetCase>) {
  return fc.tuple(sets, fc.constantFrom(...MODES)).chain(([c, mode]) => fc.tuple(fc.constant(c), fc.constant(mode), hiddenBatch(mode, MAX_LENGTH, BATCH)));
}

/** Throws a description of the first output that is not feasible within its dtype's tolerance. */
function assertFeasible(spec: SetCase['spec'], outputs: readonly Outputs[], check: 'inequalities' | 'equalities'): void {
  for (const { dtype, ys } of outputs) {
    ys.forEach((y, i) => {
      const report = feasibilityReport(spec, y);
      if (report.nonFinite) throw new Error(`${dtype} output ${i} is not finite: [${Array.from(y).join(', ')}]`);
      if (check === 'inequalities') {
        const absoluteOk = dtype === 'float32' || report.maxViolation <= FLOAT64_ABSOLUTE;
        if (report.maxRelativeViolation > RESIDUAL_TOLERANCE[dtype] || !absoluteOk) {
          throw new Error(`${dtype} output ${i} violates ${report.worstRow} by ${report.maxViolation} (relative ${report.maxRelativeViolation})`);
        }
      } else if (report.equalityRelativeResidual > RESIDUAL_TOLERANCE[dtype] || (dtype === 'float64' && report.equalityResidual > FLOAT64_ABSOLUTE)) {
        throw new Error(`${dtype} output ${i} misses an equality by ${report.equalityResidual} (relative ${report.equalityRelativeResidual})`);
      }
    });
  }
}

function feasibilityProperty(sets: fc.Arbitrary<SetCase>, check: 'inequalities' | 'equalities') {
  return (forward: Forward) =>
    fc.asyncProperty(caseWithBatch(sets), async ([c, mode, raw]) => {
      const set = await prepareConstraintSet(c.spec);
      assertFeasible(c.spec, forward(set, mode, inputsFor(set, mode, raw, c.inside)), check);
    });
}

describe('feasibility', () => {
  propertyInvariant<Forward>({
    id: 'constraints/feasible-linear',
    subject: realForward,
    controls: [
      { name: 'steps the whole hidden vector, ignoring where the ray leaves the set', subject: ignoresCrossing },
      { name: 'only the first row limits the ray', subject: firstRowOnly },
      { name: 'slacks not measured from the interior point', subject: slackFromOrigin },
    ],
    numRuns: RUNS,
    property: feasibilityProperty(linearSet(), 'inequalities'),
  });

  propertyInvariant<Forward>({
    id: 'constraints/feasible-quadratic',
    subject: realForward,
    controls: [
      { name: 'the ½ of the quadratic rows applied twice', subject: halvedCurvature },
      { name: 'steps the whole hidden vector, ignoring where the ray leaves the set', subject: ignoresCrossing },
    ],
    numRuns: RUNS,
    property: feasibilityProperty(quadraticSet(), 'inequalities'),
  });

  propertyInvariant<Forward>({
    id: 'constraints/feasible-mixed',
    subject: realForward,
    controls: [{ name: 'quadratic rows ignored when linear rows exist', subject: dropsQuadratics }],
    numRuns: RUNS,
    property: feasibilityProperty(mixedSet(), 'inequalities'),
  });

  propertyInvariant<Forward>({
    id: 'constraints/feasible-box',
    subject: realForward,
    controls: [{ name: 'box fast path swaps upper and lower slacks', subject: swappedBoxSlacks }],
    numRuns: RUNS,
    property: feasibilityProperty(boxSet(), 'inequalities'),
  });

  propertyInvariant<Forward>({
    id: 'constraints/equality-holds',
    subject: realForward,
    controls: [
      { name: 'particular solution C⁺e replaced by 0', subject: zeroOffset },
      { name: 'null-space basis replaced by coordinate axes', subject: axesAsBasis },
    ],
    numRuns: RUNS,
    property: (forward) =>
      fc.asyncProperty(caseWithBatch(equalitySet()), async ([c, mode, raw]) => {
        const set = await prepareConstraintSet(c.spec);
        const outputs = forward(set, mode, inputsFor(set, mode, raw, c.inside));
        assertFeasible(c.spec, outputs, 'equalities');
        assertFeasible(c.spec, outputs, 'inequalities');
      }),
  });

  propertyInvariant<JointForward>({
    id: 'constraints/feasible-input-dependent',
    subject: realJointForward,
    controls: [{ name: "every sample uses the slacks of the batch's first input", subject: firstInputSlacks }],
    numRuns: RUNS,
    property: (forward) =>
      fc.asyncProperty(
        jointSet().chain((c) => fc.tuple(fc.constant(c), fc.constantFrom(...MODES), inputsInBox(c.spec.inputBox, BATCH))).chain(([c, mode, xs]) => fc.tuple(fc.constant(c), fc.constant(mode), fc.constant(xs), hiddenBatch(mode, MAX_LENGTH, BATCH))),
        async ([c, mode, xs, raw]) => {
          const set = await prepareJointSet(c.spec);
          const n = c.spec.outputDimension;
          const zs = raw.map((z) => (mode === 'ray' ? z.slice(0, n + 1) : mode === 'boundary' ? z.slice(0, n) : c.inside.map((ci, j) => ci + z[j]!)));
          for (const { dtype, ys } of forward(set, mode, zs, xs)) {
            ys.forEach((y, i) => {
              const { violation, relative } = jointViolation(c.spec, y, xs[i]!);
              if (!(relative <= RESIDUAL_TOLERANCE[dtype]) || (dtype === 'float64' && !(violation <= FLOAT64_ABSOLUTE))) {
                throw new Error(`${dtype} output ${i} violates a joint row by ${violation} (relative ${relative}) for input [${xs[i]!.join(', ')}]`);
              }
            });
          }
        },
      ),
  });
});

/** Largest violation of G_y y + G_x x ≤ h, absolute and relative to the magnitude of its terms. */
function jointViolation(spec: { Gy: readonly (readonly number[])[]; Gx: readonly (readonly number[])[]; h: readonly number[] }, y: ArrayLike<number>, x: readonly number[]): { violation: number; relative: number } {
  let violation = 0;
  let relative = 0;
  spec.Gy.forEach((gy, i) => {
    let value = -spec.h[i]!;
    let scale = Math.abs(spec.h[i]!);
    gy.forEach((g, j) => {
      value += g * y[j]!;
      scale += Math.abs(g * y[j]!);
    });
    spec.Gx[i]!.forEach((g, j) => {
      value += g * x[j]!;
      scale += Math.abs(g * x[j]!);
    });
    if (Number.isNaN(value)) value = Infinity;
    violation = Math.max(violation, value);
    relative = Math.max(relative, value / Math.max(1, scale));
  });
  return { violation, relative };
}
