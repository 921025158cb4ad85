/**
 * Feasibility sweep: 10⁵ hidden vectors per constraint family (10⁶ in the full profile) through
 * the float64 oracle and the float32 tensor layer, in all three modes, with adversarial magnitudes.
 */
import { forProfile } from '../../harness/profile';
import { RESIDUAL_TOLERANCE } from '../../harness/numeric';
import { tf } from '../../harness/tensor/backend';
import type { Experiment, ExperimentReport } from '../../harness/runner';
import {
  createConstraintMap,
  createJointConstraintMap,
  feasibilityReport,
  inputLength,
  jointInputLength,
  jointOracleOutput,
  oracleOutput,
  prepareConstraintSet,
  prepareJointSet,
  type LayerMode,
} from '../../impl/constraints/index';
import { familyProblem, hiddenVector, jointProblem, type FamilyName } from './problems';

const MODES: readonly LayerMode[] = ['ray', 'boundary', 'projection'];
/** The absolute float64 bound the suite requires, for sets with right-hand sides of order 1 to 10. */
const FLOAT64_ABSOLUTE = 1e-9;
const SETS_PER_FAMILY = 10;
const DIMENSION = 8;

interface Worst {
  vectors: number;
  absolute64: number;
  relative64: number;
  relative32: number;
  nonFinite: number;
}

export const feasibilitySweep: Experiment = {
  id: 'constraints/feasibility-sweep',
  async run(context) {
    const perFamily = forProfile({ quick: 100_000, full: 1_000_000 }, context.profile);
    const perSet = Math.ceil(perFamily / SETS_PER_FAMILY);
    const families: (FamilyName | 'input-dependent')[] = ['linear', 'quadratic', 'mixed', 'box', 'equality', 'input-dependent'];
    const results = new Map<string, Worst>();

    for (const family of families) {
      const worst: Worst = { vectors: 0, absolute64: 0, relative64: 0, relative32: 0, nonFinite: 0 };
      for (let k = 0; k < SETS_PER_FAMILY; k++) {
        context.progress(`feasibility: ${family} set ${k + 1}/${SETS_PER_FAMILY}`);
        const rng = context.rng(`feasibility/${family}/${k}`);
        const mode = MODES[k % MODES.length]!;
        if (family === 'input-dependent') await sweepJoint(rng, mode, perSet, worst);
        else await sweepFixed(rng, family, mode, perSet, worst);
      }
      results.set(family, worst);
    }

    const rows = [...results].map(([family, w]) => [family, w.vectors, w.absolute64, w.relative64, w.relative32, w.nonFinite]);
    const all = [...results.values()];
    const worst64 = Math.max(...all.map((w) => w.absolute64));
    const worstRelative64 = Math.max(...all.map((w) => w.relative64));
    const worst32 = Math.max(...all.map((w) => w.relative32));
    const nonFinite = all.reduce((sum, w) => sum + w.nonFinite, 0);
    const total = all.reduce((sum, w) => sum + w.vectors, 0);
    const feasible = worst64 <= FLOAT64_ABSOLUTE && worstRelative64 <= RESIDUAL_TOLERANCE.float64 && worst32 <= RESIDUAL_TOLERANCE.float32 && nonFinite === 0;

    return {
      verdict: feasible ? 'reproduced' : 'not-reproduced',
      summary:
        `${total.toLocaleString('en')} hidden vectors (${perFamily.toLocaleString('en')} per family, each through the oracle and the layer): ` +
        `worst float64 violation ${worst64.toExponential(2)} (relative ${worstRelative64.toExponential(2)}), worst float32 relative violation ${worst32.toExponential(2)}, ${nonFinite} non-finite outputs.`,
      metrics: {
        'hidden vectors per family': { value: perFamily, unit: 'vectors' },
        'worst float64 violation': { value: worst64, unit: 'absolute' },
        'worst float64 relative violation': { value: worstRelative64, unit: 'relative' },
        'worst float32 relative violation': { value: worst32, unit: 'relative' },
        'non-finite outputs': { value: nonFinite, unit: 'outputs' },
      },
      data: `generated: ${SETS_PER_FAMILY} sets per family in dimension ${DIMENSION} (24 linear rows; 3 ellipsoids, one degenerate; mixed: 24 rows and 2 quadratic rows; box; 3 equalities; joint: 18 rows over 4 inputs in [-1, 1]), modes ray, boundary and projection in turn; magnitudes 0, 1e-300, 1e-8, 1, 1e6 or log-uniform in [1e-3, 1e3]`,
      tables: [
        {
          title: 'Worst violation per family (relative = violation / max(1, magnitude of the residual\'s terms))',
          columns: ['family', 'vectors', 'float64 absolute', 'float64 relative', 'float32 relative', 'NaN or Inf outputs'],
          rows,
          note: `Bounds: float64 absolute ${FLOAT64_ABSOLUTE}, float64 relative ${RESIDUAL_TOLERANCE.float64}, float32 relative ${RESIDUAL_TOLERANCE.float32}. Equality residuals count as violations.`,
        },
      ],
    } satisfies ExperimentReport;
  },
};

/** Batches of 10⁴ vectors through the layer keep tensor memory small. */
const BATCH = 10_000;

async function sweepFixed(rng: import('../../harness/rng').Rng, family: FamilyName, mode: LayerMode, count: number, worst: Worst): Promise<void> {
  const problem = familyProblem(rng, family, DIMENSION);
  const set = await prepareConstraintSet(problem.spec);
  const length = inputLength(set, mode);
  const map = createConstraintMap(set, { mode });
  for (let start = 0; start < count; start += BATCH) {
    const zs = Array.from({ length: Math.min(BATCH, count - start) }, () => hiddenVector(rng, mode, length, problem.inside));
    const input = tf.tensor2d(zs, [zs.length, length]);
    const output = map.apply(input);
    const values = output.dataSync();
    input.dispose();
    output.dispose();
    zs.forEach((z, i) => {
      record(worst, feasibilityReport(problem.spec, oracleOutput(set, mode, z)), 'float64');
      record(worst, feasibilityReport(problem.spec, values.subarray(i * set.dimension, (i + 1) * set.dimension)), 'float32');
      worst.vectors++;
    });
  }
  map.dispose();
}

function record(worst: Worst, report: ReturnType<typeof feasibilityReport>, dtype: 'float64' | 'float32'): void {
  if (report.nonFinite) {
    worst.nonFinite++;
    return;
  }
  const relative = Math.max(report.maxRelativeViolation, report.equalityRelativeResidual);
  if (dtype === 'float32') {
    worst.relative32 = Math.max(worst.relative32, relative);
    return;
  }
  worst.relative64 = Math.max(worst.relative64, relative);
  worst.absolute64 = Math.max(worst.absolute64, report.maxViolation, report.equalityResidual);
}

async function sweepJoint(rng: import('../../harness/rng').Rng, mode: LayerMode, count: number, worst: Worst): Promise<void> {
  const problem = jointProblem(rng, DIMENSION - 2, 4);
  const set = await prepareJointSet(problem.spec);
  const length = jointInputLength(set, mode);
  const map = createJointConstraintMap(set, { mode });
  const residual = (y: ArrayLike<number>, x: readonly number[]) => {
    let absolute = 0;
    let relative = 0;
    let finite = true;
    problem.spec.Gy.forEach((gy, i) => {
      let value = -problem.spec.h[i]!;
      let scale = Math.abs(problem.spec.h[i]!);
      gy.forEach((g, j) => {
        value += g * y[j]!;
        scale += Math.abs(g * y[j]!);
      });
      problem.spec.Gx[i]!.forEach((g, j) => {
        value += g * x[j]!;
        scale += Math.abs(g * x[j]!);
      });
      if (!Number.isFinite(value)) finite = false;
      absolute = Math.max(absolute, value);
      relative = Math.max(relative, value / Math.max(1, scale));
    });
    return { absolute, relative, finite };
  };
  for (let start = 0; start < count; start += BATCH) {
    const size = Math.min(BATCH, count - start);
    const zs = Array.from({ length: size }, () => hiddenVector(rng, mode, length, problem.inside));
    // Float32-exact inputs, so the oracle and the layer see the same x.
    const xs = Array.from({ length: size }, () => Array.from({ length: 4 }, () => Math.fround(2 * rng.float() - 1)));
    const z = tf.tensor2d(zs, [size, length]);
    const x = tf.tensor2d(xs, [size, 4]);
    const y = map.apply(z, x);
    const values = y.dataSync();
    [z, x, y].forEach((t) => t.dispose());
    zs.forEach((zi, i) => {
      const r64 = residual(jointOracleOutput(set, mode, zi, xs[i]!, i), xs[i]!);
      const r32 = residual(values.subarray(i * set.outputDimension, (i + 1) * set.outputDimension), xs[i]!);
      if (!r64.finite) worst.nonFinite++;
      if (!r32.finite) worst.nonFinite++;
      worst.absolute64 = Math.max(worst.absolute64, r64.absolute);
      worst.relative64 = Math.max(worst.relative64, r64.relative);
      worst.relative32 = Math.max(worst.relative32, r32.relative);
      worst.vectors++;
    });
  }
  map.dispose();
}
