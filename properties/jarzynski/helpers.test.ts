/**
 * Helpers for reference values agree with direct computation on fixed cases. The 2-D grid log Z
 * is compared with the analytic log Z of the confinement Gaussian. The grid layout, the per-mode
 * mixture sampler, the mean energy and weighted responsibilities of a three-mode mixture, the
 * cross-entropy estimate and the isotropic Gaussian's parameter gradient are compared with sums
 * written out in the test.
 */
import { describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { caseInvariant } from '../../harness/testing/invariant';
import { GaussianEnergy } from '../../impl/jarzynski/gaussian';
import { GaussianMixtureEnergy, meanEnergy, sampleGaussianMixtureSplit, weightedResponsibilities, type GmmParams } from '../../impl/jarzynski/gmm';
import { crossEntropyEstimate, logPartitionEstimate } from '../../impl/jarzynski/logweights';
import { MlpEnergy, confinementLogPartition, initMlpParams, type MlpShape } from '../../impl/jarzynski/mlp';
import { gridLogPartition, gridPoints, type Grid2d } from '../../impl/jarzynski/quadrature';

/** The grid quadrature under test. */
interface GridQuadrature {
  logPartition: (energies: ArrayLike<number>, grid: Grid2d) => number;
}

const real: GridQuadrature = { logPartition: gridLogPartition };

/** Broken variant: sums exp(−U) over the grid without the trapezoid's half weights at the edges. */
const fullEdgeWeights: GridQuadrature = {
  logPartition: (energies, grid) => {
    const cell = ((grid.xMax - grid.xMin) / (grid.points - 1)) * ((grid.yMax - grid.yMin) / (grid.points - 1));
    let sum = 0;
    for (let k = 0; k < energies.length; k++) sum += Math.exp(-(energies[k] as number));
    return Math.log(sum * cell);
  },
};

const close = (actual: number, expected: number, tolerance: number) => Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));

function checkHelpers(quadrature: GridQuadrature): string[] {
  const failures: string[] = [];

  // Grid log Z of the initial MLP (zero output weights), a Gaussian of variance 1.5 in d = 2. On
  // [−12, 12]² the mass outside is below 1e-20, and the trapezoid error at 481 points is far
  // below 1e-9.
  const shape: MlpShape = { dim: 2, hidden: [3], confinementVariance: 1.5 };
  const grid: Grid2d = { xMin: -12, xMax: 12, yMin: -12, yMax: 12, points: 481 };
  const { positions, cellArea } = gridPoints(grid);
  const count = grid.points * grid.points;
  const energies = new Float64Array(count);
  new MlpEnergy(shape).evaluate(initMlpParams(shape, new Rng(3)), positions, count, energies, new Float64Array(2 * count));
  const numeric = quadrature.logPartition(energies, grid);
  const analytic = confinementLogPartition(shape);
  if (Math.abs(numeric - analytic) > 1e-9) failures.push(`grid log Z ${numeric}, analytic ${analytic}`);

  // A constant energy on a 2 × 1 rectangle: the trapezoid rule is exact, log Z = log 2 − U.
  const rectangle: Grid2d = { xMin: 0, xMax: 2, yMin: -1, yMax: 0, points: 5 };
  const flat = quadrature.logPartition(new Float64Array(25).fill(0.3), rectangle);
  if (!close(flat, Math.log(2) - 0.3, 1e-12)) failures.push(`grid log Z of U = 0.3 on a 2 × 1 rectangle is ${flat}, expected log 2 − 0.3`);

  // Grid layout: x runs fastest, and the cell area is the product of the spacings.
  if (!close(cellArea, 0.0025, 1e-12)) failures.push(`cell area ${cellArea}, expected 0.0025`);
  const layout: [number, number, number][] = [[0, -12, -12], [1, -11.95, -12], [grid.points, -12, -11.95], [count - 1, 12, 12]];
  for (const [k, x, y] of layout) {
    if (!close(positions[2 * k] as number, x, 1e-12) || !close(positions[2 * k + 1] as number, y, 1e-12)) failures.push(`grid point ${k} is (${positions[2 * k]}, ${positions[2 * k + 1]}), expected (${x}, ${y})`);
  }

  // Per-mode sampler: counts[j] samples from mode j, each its mean plus one normal variate per coordinate.
  const mixture: GmmParams = { means: Float64Array.of(-3, 1, 0, 0, 4, -2), logits: Float64Array.of(0.5, -0.2, 1) };
  const split = sampleGaussianMixtureSplit(mixture, 2, [2, 0, 3], new Rng(7));
  const replay = new Rng(7);
  const expectedModes = [0, 0, 2, 2, 2];
  expectedModes.forEach((mode, i) => {
    if (split.modes[i] !== mode) failures.push(`split sample ${i} from mode ${split.modes[i]}, expected ${mode}`);
    for (let c = 0; c < 2; c++) {
      const expected = (mixture.means[mode * 2 + c] as number) + replay.normal();
      if (split.positions[i * 2 + c] !== expected) failures.push(`split sample ${i}, coordinate ${c}: ${split.positions[i * 2 + c]}, expected ${expected}`);
    }
  });
  if (split.positions.length !== 10) failures.push(`split drew ${split.positions.length / 2} samples, expected 5`);

  // Mean energy and weighted responsibilities of the three-mode mixture, from evaluate and responsibilitiesAt.
  const energy = new GaussianMixtureEnergy(2, 3);
  const points = Float64Array.of(0.5, 1, -2, 0.3, 3, -1, 0, 0);
  const pointEnergies = new Float64Array(4);
  energy.evaluate(mixture, points, 4, pointEnergies, new Float64Array(8));
  const firstThree = (pointEnergies[0]! + pointEnergies[1]! + pointEnergies[2]!) / 3;
  const mean = meanEnergy(energy, mixture, points, 3);
  if (!close(mean, firstThree, 1e-12)) failures.push(`mean energy of 3 points ${mean}, expected ${firstThree}`);
  const weights = Float64Array.of(0.1, 0.2, 0.3, 0.4);
  const masses = weightedResponsibilities(energy, mixture, points, weights);
  const expectedMasses = new Float64Array(3);
  const responsibilities = new Float64Array(3);
  for (let i = 0; i < 4; i++) {
    energy.responsibilitiesAt(mixture, points, 2 * i, responsibilities);
    for (let j = 0; j < 3; j++) expectedMasses[j] = expectedMasses[j]! + weights[i]! * responsibilities[j]!;
  }
  for (let j = 0; j < 3; j++) {
    if (!close(masses[j]!, expectedMasses[j]!, 1e-12)) failures.push(`weighted responsibility of mode ${j} is ${masses[j]}, expected ${expectedMasses[j]}`);
  }

  // Cross-entropy estimate: free-energy estimate plus the mean data energy.
  const logWeights = Float64Array.of(0.3, -1.2, 2);
  const crossEntropy = crossEntropyEstimate(logWeights, 0.7, 4.25);
  const expectedCrossEntropy = logPartitionEstimate(logWeights, 0.7) + 4.25;
  if (!close(crossEntropy, expectedCrossEntropy, 1e-12)) failures.push(`cross-entropy estimate ${crossEntropy}, expected ${expectedCrossEntropy}`);

  // Isotropic Gaussian in d = 2: ∂U/∂μ = −(x − μ)/s² and ∂U/∂s² = −|x − μ|²/(2 s⁴), summed with
  // per-point coefficients and with one shared coefficient.
  const gaussian = new GaussianEnergy(2);
  const params = { mean: Float64Array.of(0.5, -1), variance: 2 };
  const x = Float64Array.of(1.5, 1, -0.5, -1);
  const perPoint = new Float64Array(3);
  gaussian.accumulateParameterGradient(params, x, 2, Float64Array.of(2, -1), perPoint);
  // Point 1: diff (1, 2), |diff|² 5. Point 2: diff (−1, 0), |diff|² 1.
  const expectedPerPoint = [2 * (-1 / 2) - 1 * (1 / 2), 2 * (-2 / 2) - 1 * 0, 2 * (-5 / 8) - 1 * (-1 / 8)];
  const shared = new Float64Array(3);
  gaussian.accumulateParameterGradient(params, x, 2, 0.5, shared);
  const expectedShared = [0.5 * (-1 / 2 + 1 / 2), 0.5 * (-2 / 2), 0.5 * (-5 / 8 - 1 / 8)];
  for (let j = 0; j < 3; j++) {
    if (!close(perPoint[j]!, expectedPerPoint[j]!, 1e-12)) failures.push(`Gaussian ∂U/∂θ_${j} with per-point coefficients is ${perPoint[j]}, expected ${expectedPerPoint[j]}`);
    if (!close(shared[j]!, expectedShared[j]!, 1e-12)) failures.push(`Gaussian ∂U/∂θ_${j} with a shared coefficient is ${shared[j]}, expected ${expectedShared[j]}`);
  }
  return failures;
}

describe('reference helpers', () => {
  caseInvariant<GridQuadrature>({
    id: 'jarzynski/reference-helpers',
    subject: real,
    controls: [{ name: 'grid sum without the half weights at the edges', subject: fullEdgeWeights }],
    check: (quadrature) => ({ runs: 6, failures: checkHelpers(quadrature) }),
  });
});
