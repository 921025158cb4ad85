/**
 * Every input guard of the public API, with one hand-written case each. The cases cover malformed
 * fields of fixed and joint constraint sets, an unknown mode, an unbounded set in a mode that
 * needs a bounded one, and quadratic rows given to the differentiable Euclidean projection. Each
 * case checks the error class and that the message names the field, the index, the bad value and
 * the fix.
 */
import { beforeAll, describe } from 'vitest';
import { selectBackendFromEnv } from '../../harness/tensor/backend';
import { caseInvariant, type CaseOutcome } from '../../harness/testing/invariant';
import {
  ConstraintError,
  createEuclideanProjectionOp,
  createJointConstraintMap,
  euclideanProjection,
  InvalidConstraintSetError,
  jointOracleOutput,
  prepareConstraintSet,
  prepareJointSet,
  projectionVjp,
  requireModeSupported,
  UnboundedSetError,
  type ConstraintSetSpec,
  type EuclideanProjection,
  type JointConstraintSpec,
  type LayerMode,
  type PreparedJointSet,
  type PreparedSet,
} from '../../impl/constraints/index';

beforeAll(async () => {
  await selectBackendFromEnv();
});

/** The guarded entry points under test. */
interface Guards {
  prepare: (spec: ConstraintSetSpec) => Promise<PreparedSet>;
  requireMode: (set: PreparedSet, mode: LayerMode) => void;
  prepareJoint: (spec: JointConstraintSpec) => Promise<PreparedJointSet>;
  jointMap: (set: PreparedJointSet, mode: LayerMode) => void;
  jointOracle: (set: PreparedJointSet, mode: LayerMode, z: number[], x: number[]) => Float64Array;
  euclideanOp: (set: PreparedSet) => void;
  vjp: (spec: ConstraintSetSpec, projection: EuclideanProjection, g: number[]) => Float64Array;
}

const realGuards: Guards = {
  prepare: prepareConstraintSet,
  requireMode: requireModeSupported,
  prepareJoint: prepareJointSet,
  jointMap: (set, mode) => createJointConstraintMap(set, { mode }).dispose(),
  jointOracle: (set, mode, z, x) => jointOracleOutput(set, mode, z, x),
  euclideanOp: (set) => {
    createEuclideanProjectionOp(set);
  },
  vjp: projectionVjp,
};

/** Control: a malformed spec is swallowed and the unit box of its dimension is used instead. */
const acceptingGuards: Guards = {
  ...realGuards,
  prepare: async (spec) => {
    try {
      return await prepareConstraintSet(spec);
    } catch (error) {
      if (!(error instanceof InvalidConstraintSetError)) throw error;
      const n = Number.isInteger(spec.dimension) && spec.dimension > 0 ? spec.dimension : 1;
      return prepareConstraintSet({ dimension: n, box: { lower: new Array<number>(n).fill(0), upper: new Array<number>(n).fill(1) } });
    }
  },
};

/** Runs `action` and replaces the message of any constraint error by its class name alone. */
function bareMessage<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof ConstraintError) error.message = error.name;
    throw error;
  }
}

/** Awaits `action` and replaces the message of any constraint error by its class name alone. */
async function bareMessageAsync<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ConstraintError) error.message = error.name;
    throw error;
  }
}

/** Control: errors keep their class but their messages name neither the value nor the fix. */
const bareGuards: Guards = {
  prepare: (spec) => bareMessageAsync(() => realGuards.prepare(spec)),
  requireMode: (set, mode) => bareMessage(() => realGuards.requireMode(set, mode)),
  prepareJoint: (spec) => bareMessageAsync(() => realGuards.prepareJoint(spec)),
  jointMap: (set, mode) => bareMessage(() => realGuards.jointMap(set, mode)),
  jointOracle: (set, mode, z, x) => bareMessage(() => realGuards.jointOracle(set, mode, z, x)),
  euclideanOp: (set) => bareMessage(() => realGuards.euclideanOp(set)),
  vjp: (spec, projection, g) => bareMessage(() => realGuards.vjp(spec, projection, g)),
};

/** A guard case: what to run, the error class it must raise, and what the message must contain. */
interface GuardCase {
  label: string;
  run: (guards: Guards) => Promise<unknown>;
  type: typeof InvalidConstraintSetError | typeof UnboundedSetError;
  patterns: readonly RegExp[];
}

/** The square [−1, 1]² written as four linear rows. */
const square: ConstraintSetSpec = { dimension: 2, linear: { A: [[1, 0], [-1, 0], [0, 1], [0, -1]], b: [1, 1, 1, 1] } };
const unitDisc = { P: [[2, 0], [0, 2]], q: [0, 0], b: 1 };

/** A valid joint set: y ≤ 5 − x and −y ≤ 5 + x for x in [0, 1]. */
const jointInterval: JointConstraintSpec = { outputDimension: 1, inputDimension: 1, Gy: [[1], [-1]], Gx: [[1], [-1]], h: [5, 5], inputBox: { lower: [0], upper: [1] } };

function malformedSpec(label: string, spec: ConstraintSetSpec, patterns: readonly RegExp[]): GuardCase {
  return { label, run: (g) => g.prepare(spec), type: InvalidConstraintSetError, patterns };
}

function malformedJoint(label: string, spec: JointConstraintSpec, patterns: readonly RegExp[]): GuardCase {
  return { label, run: (g) => g.prepareJoint(spec), type: InvalidConstraintSetError, patterns };
}

const CASES: readonly GuardCase[] = [
  malformedSpec('dimension 0', { dimension: 0 }, [/dimension must be a positive integer, got 0/]),
  malformedSpec('fractional dimension', { dimension: 1.5 }, [/dimension must be a positive integer, got 1\.5/]),
  malformedSpec('linear.A not an array', { dimension: 2, linear: { A: 'rows' as unknown as number[][], b: [1, 1, 1, 1] } }, [/linear\.A must have 4 rows, got string/]),
  malformedSpec('linear.b too short', { dimension: 2, linear: { A: square.linear!.A, b: [1, 1, 1] } }, [/linear\.b has length 3, expected 4: one right-hand side per row of linear\.A \(4\)/]),
  malformedSpec('linear.b with NaN', { dimension: 2, linear: { A: square.linear!.A, b: [1, 1, Number.NaN, 1] } }, [/linear\.b\[2\] must be a finite number, got NaN/]),
  malformedSpec('quadratic P with one row', { dimension: 2, quadratic: [{ ...unitDisc, P: [[2, 0]] }] }, [/quadratic\[0\]\.P must have 2 rows, got 1/]),
  malformedSpec('quadratic q too short', { dimension: 2, quadratic: [{ ...unitDisc, q: [0] }] }, [/quadratic\[0\]\.q has length 1, expected 2: the set's dimension \(2\)/]),
  malformedSpec('quadratic b infinite', { dimension: 2, quadratic: [unitDisc, { ...unitDisc, b: Infinity }] }, [/quadratic\[1\]\.b must be a finite number, got Infinity/]),
  malformedSpec('asymmetric P', { dimension: 2, quadratic: [{ ...unitDisc, P: [[2, 0.5], [0, 2]] }] }, [/quadratic\[0\]\.P is not symmetric: P\[1\]\[0\] = 0 but P\[0\]\[1\] = 0\.5/, /pass \(P \+ Pᵀ\)\/2/]),
  malformedSpec('indefinite P', { dimension: 2, quadratic: [{ ...unitDisc, P: [[2, 0], [0, -1]] }] }, [/quadratic\[0\]\.P is not positive semidefinite \(smallest eigenvalue -1\.000\)/, /only convex quadratic constraints/]),
  malformedSpec('equality.e too short', { ...square, equality: { C: [[1, 1]], e: [] } }, [/equality\.e has length 0, expected 1: one right-hand side per row of equality\.C \(1\)/]),
  malformedSpec('equality.C row too short', { ...square, equality: { C: [[1]], e: [0] } }, [/equality\.C row 0 has 1 entries, expected 2 \(the set's dimension\)/]),
  malformedSpec('box.lower too short', { dimension: 2, box: { lower: [0], upper: [1, 1] } }, [/box\.lower has length 1, expected 2 \(one bound per output\)/]),
  malformedSpec('box.lower at +Infinity', { dimension: 2, box: { lower: [Infinity, 0], upper: [1, 1] } }, [/box\.lower\[0\] is Infinity; use a finite number, or -Infinity to leave that side open/]),
  malformedSpec('box.upper at -Infinity', { dimension: 2, box: { lower: [0, 0], upper: [1, -Infinity] } }, [/box\.upper\[1\] is -Infinity; use a finite number, or Infinity to leave that side open/]),
  malformedSpec('box.upper NaN', { dimension: 2, box: { lower: [0, 0], upper: [Number.NaN, 1] } }, [/box\.upper\[0\] is NaN; use a finite number/]),
  malformedSpec('interiorPoint too long', { ...square, interiorPoint: [0, 0, 0] }, [/interiorPoint has length 3, expected 2: the set's dimension \(2\)/]),
  malformedSpec('interiorPoint with NaN', { ...square, interiorPoint: [0, Number.NaN] }, [/interiorPoint\[1\] must be a finite number, got NaN/]),
  {
    label: 'unknown mode',
    run: async (g) => g.requireMode(await g.prepare(square), 'sideways' as LayerMode),
    type: InvalidConstraintSetError,
    patterns: [/mode must be 'ray', 'boundary' or 'projection', got 'sideways'/],
  },
  {
    // The free line y₀ = y₁ of the equality is cut only by y₀ ≤ 1, so it recedes along −(1, 1),
    // which must be reported in output coordinates, not as the one reduced coordinate.
    label: 'ray mode on a set unbounded within its equalities',
    run: async (g) => g.requireMode(await g.prepare({ dimension: 2, linear: { A: [[1, 0]], b: [1] }, equality: { C: [[1, -1]], e: [0] } }), 'ray'),
    type: UnboundedSetError,
    patterns: [/unbounded along direction \[-1, -1\]/, /use mode 'projection'/],
  },
  malformedJoint('outputDimension 0', { ...jointInterval, outputDimension: 0 }, [/outputDimension must be a positive integer, got 0/]),
  malformedJoint('inputDimension 0', { ...jointInterval, inputDimension: 0 }, [/inputDimension must be a positive integer, got 0/]),
  malformedJoint('Gx with one row', { ...jointInterval, Gx: [[1]] }, [/Gx has 1 rows, expected 2 \(one per joint row, as in Gy\)/]),
  malformedJoint('Gy row too long', { ...jointInterval, Gy: [[1], [-1, 0]] }, [/Gy\[1\] has length 2, expected 1/]),
  malformedJoint('h with NaN', { ...jointInterval, h: [Number.NaN, 5] }, [/h\[0\] must be a finite number, got NaN/]),
  malformedJoint('inputBox upside down', { ...jointInterval, inputBox: { lower: [2], upper: [1] } }, [/inputBox\.lower\[0\] = 2 exceeds inputBox\.upper\[0\] = 1; swap them/]),
  {
    label: 'joint layer in ray mode on an unbounded set',
    run: async (g) => g.jointMap(await g.prepareJoint({ ...jointInterval, Gy: [[1]], Gx: [[1]], h: [5] }), 'ray'),
    type: UnboundedSetError,
    patterns: [/unbounded along direction \[-1\]/, /use mode 'projection'/],
  },
  {
    label: 'joint oracle in boundary mode on an unbounded set',
    run: async (g) => g.jointOracle(await g.prepareJoint({ ...jointInterval, Gy: [[-1]], Gx: [[1]], h: [5] }), 'boundary', [1], [0.5]),
    type: UnboundedSetError,
    patterns: [/unbounded along direction \[1\]/, /use mode 'projection'/],
  },
  {
    label: 'differentiable Euclidean projection with quadratic rows',
    run: async (g) => g.euclideanOp(await g.prepare({ ...square, quadratic: [unitDisc] })),
    type: InvalidConstraintSetError,
    patterns: [/supports polyhedral sets only \(linear rows, box bounds, equalities\)/],
  },
  {
    label: 'Euclidean backward pass with quadratic rows',
    run: async (g) => {
      const spec = { ...square, quadratic: [unitDisc] };
      return g.vjp(spec, euclideanProjection(await prepareConstraintSet(spec), [3, 0]), [1, 0]);
    },
    type: InvalidConstraintSetError,
    patterns: [/backward pass of the Euclidean projection supports polyhedral sets only/, /remove the quadratic rows or use the ray layer/],
  },
];

async function checkGuards(guards: Guards): Promise<CaseOutcome> {
  const failures: string[] = [];
  for (const guardCase of CASES) {
    let caught: unknown = null;
    try {
      await guardCase.run(guards);
    } catch (error) {
      caught = error;
    }
    if (caught === null) {
      failures.push(`${guardCase.label}: no error was raised`);
      continue;
    }
    if (!(caught instanceof guardCase.type)) {
      failures.push(`${guardCase.label}: raised ${(caught as Error).name} (${(caught as Error).message}), expected ${guardCase.type.name}`);
      continue;
    }
    for (const pattern of guardCase.patterns) {
      if (!pattern.test(caught.message)) failures.push(`${guardCase.label}: message '${caught.message}' does not match ${pattern}`);
    }
  }
  return { runs: CASES.length, failures };
}

describe('input guards', () => {
  caseInvariant<Guards>({
    id: 'constraints/malformed-specs-rejected',
    subject: realGuards,
    controls: [
      { name: 'malformed specs accepted and replaced by a unit box', subject: acceptingGuards },
      { name: 'error messages reduced to the error class', subject: bareGuards },
    ],
    check: checkGuards,
  });
});
