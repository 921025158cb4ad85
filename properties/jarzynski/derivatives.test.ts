/**
 * Analytic derivatives of the float64 energies against central finite differences, the mixture's
 * responsibilities summing to 1, and its analytic log Z against quadrature in one dimension.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { propertyInvariant } from '../../harness/testing/invariant';
import type { Float64Energy } from '../../impl/jarzynski/energy';
import { GaussianMixtureEnergy, gmmLogPartition, type GmmParams } from '../../impl/jarzynski/gmm';
import { MlpEnergy, SILU, initMlpParams, type Activation, type MlpShape } from '../../impl/jarzynski/mlp';
import { LogitFreeMixture } from './_reference';

interface Energies {
  mixture: (dim: number, modes: number) => GaussianMixtureEnergy;
  mlp: (shape: MlpShape) => MlpEnergy;
}

/** Broken SiLU derivative: σ(h) alone, without the h σ(h)(1 − σ(h)) term. */
const truncatedSilu: Activation = { name: 'silu with a truncated derivative', value: SILU.value, derivative: (h) => 1 / (1 + Math.exp(-h)) };

const real: Energies = { mixture: (d, m) => new GaussianMixtureEnergy(d, m), mlp: (shape) => new MlpEnergy(shape) };

/** Returns U at one point. */
function energyAt<P>(energy: Float64Energy<P>, params: P, x: Float64Array): number {
  const u = new Float64Array(1);
  energy.evaluate(params, x, 1, u, new Float64Array(x.length));
  return u[0] as number;
}

/**
 * Compares the analytic ∇_x U and ∂θU at `x` with central differences of step 1e-5 (error
 * O(1e-10) against rounding of O(1e-11)·|U| / 1e-5); returns the first mismatch, or null.
 */
function checkDerivatives<P>(energy: Float64Energy<P>, params: P, x: Float64Array): string | null {
  const d = energy.dim;
  const step = 1e-5;
  const u = new Float64Array(1);
  const gradient = new Float64Array(d);
  energy.evaluate(params, x, 1, u, gradient);
  const tolerance = (value: number) => 1e-5 * (1 + Math.abs(value)) + 1e-9 * Math.abs(u[0] as number);

  for (let c = 0; c < d; c++) {
    const plus = Float64Array.from(x);
    const minus = Float64Array.from(x);
    plus[c] = (plus[c] as number) + step;
    minus[c] = (minus[c] as number) - step;
    const numeric = (energyAt(energy, params, plus) - energyAt(energy, params, minus)) / (2 * step);
    if (Math.abs(numeric - (gradient[c] as number)) > tolerance(numeric)) return `∂U/∂x_${c}: analytic ${gradient[c]} vs finite difference ${numeric}`;
  }

  const analytic = new Float64Array(energy.parameterCount);
  energy.accumulateParameterGradient(params, x, 1, 1, analytic);
  const vector = energy.toVector(params);
  for (let j = 0; j < vector.length; j++) {
    const plus = Float64Array.from(vector);
    const minus = Float64Array.from(vector);
    plus[j] = (plus[j] as number) + step;
    minus[j] = (minus[j] as number) - step;
    const numeric = (energyAt(energy, energy.fromVector(plus), x) - energyAt(energy, energy.fromVector(minus), x)) / (2 * step);
    if (Math.abs(numeric - (analytic[j] as number)) > tolerance(numeric)) return `∂U/∂θ_${j}: analytic ${analytic[j]} vs finite difference ${numeric}`;
  }
  return null;
}

/** log ∫ exp(−U) dx in d = 1 by the trapezoid rule over [min a − 12, max a + 12], spacing 1e-3. */
function quadratureLogPartition(energy: GaussianMixtureEnergy, params: GmmParams): number {
  const low = Math.min(...params.means) - 12;
  const high = Math.max(...params.means) + 12;
  const points = Math.ceil((high - low) / 1e-3) + 1;
  const spacing = (high - low) / (points - 1);
  const x = Float64Array.from({ length: points }, (_, k) => low + k * spacing);
  const u = new Float64Array(points);
  energy.evaluate(params, x, points, u, new Float64Array(points));
  const min = Math.min(...u);
  let sum = 0;
  for (let k = 0; k < points; k++) sum += (k === 0 || k === points - 1 ? 0.5 : 1) * Math.exp(min - (u[k] as number));
  return -min + Math.log(sum * spacing);
}

const caseArb = fc.record({
  dim: fc.integer({ min: 1, max: 4 }),
  modes: fc.integer({ min: 1, max: 3 }),
  hidden: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
  seed: fc.integer(),
});

describe('energy derivatives', () => {
  propertyInvariant<Energies>({
    id: 'jarzynski/energy-derivatives',
    subject: real,
    controls: [
      { name: 'responsibilities that ignore the logits', subject: { ...real, mixture: (d, m) => new LogitFreeMixture(d, m) } },
      { name: 'SiLU derivative without the second term', subject: { ...real, mlp: (shape) => new MlpEnergy(shape, truncatedSilu) } },
    ],
    numRuns: { quick: 60, full: 600 },
    property: (energies) =>
      fc.property(caseArb, ({ dim, modes, hidden, seed }) => {
        const rng = new Rng(seed);
        const point = () => Float64Array.from({ length: dim }, () => 2 * rng.normal());

        // Mixture: derivatives, responsibilities summing to 1, and log Z in d = 1.
        const mixture = energies.mixture(dim, modes);
        const mixtureParams: GmmParams = { means: Float64Array.from({ length: modes * dim }, () => 2 * rng.normal()), logits: Float64Array.from({ length: modes }, () => rng.normal()) };
        const x = point();
        const mixtureMismatch = checkDerivatives(mixture, mixtureParams, x);
        if (mixtureMismatch !== null) throw new Error(`mixture (d = ${dim}, M = ${modes}): ${mixtureMismatch}`);
        // The two-mode fast path and the general M-mode code compute the same U.
        const general = mixture.responsibilitiesAt(mixtureParams, x, 0, new Float64Array(modes));
        const fast = energyAt(mixture, mixtureParams, x);
        if (Math.abs(general - fast) > 1e-10 * (1 + Math.abs(general))) throw new Error(`mixture U: evaluate gives ${fast}, the general responsibilities give ${general}`);
        const gradient = new Float64Array(mixture.parameterCount);
        mixture.accumulateParameterGradient(mixtureParams, x, 1, 1, gradient);
        const responsibilitySum = gradient.subarray(modes * dim).reduce((a, b) => a + b, 0);
        if (Math.abs(responsibilitySum - 1) > 1e-12) throw new Error(`Σ_j ∂U/∂z_j = ${responsibilitySum}, not 1`);
        const line = energies.mixture(1, modes);
        const lineParams: GmmParams = { means: Float64Array.from({ length: modes }, () => 3 * rng.normal()), logits: mixtureParams.logits };
        const analytic = gmmLogPartition(lineParams, 1);
        const numeric = quadratureLogPartition(line, lineParams);
        if (Math.abs(analytic - numeric) > 1e-9) throw new Error(`log Z in d = 1: analytic ${analytic} vs quadrature ${numeric}`);

        // MLP: derivatives with random output weights, so every layer contributes.
        const shape: MlpShape = { dim, hidden, confinementVariance: 2 };
        const mlp = energies.mlp(shape);
        const raw = initMlpParams(shape, rng, 1);
        const mlpParams = { layers: raw.layers.map((l) => ({ weights: l.weights, biases: l.biases.map(() => rng.normal()) })), output: raw.output };
        const mlpMismatch = checkDerivatives(mlp, mlpParams, point());
        if (mlpMismatch !== null) throw new Error(`MLP (d = ${dim}, hidden ${hidden.join('-')}): ${mlpMismatch}`);
        return true;
      }),
  });
});
