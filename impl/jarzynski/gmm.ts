/**
 * Gaussian-mixture energy with unit-covariance components, whose partition function, mode masses
 * and derivatives are all analytic.
 *
 *   U_{a,z}(x) = −log Σ_{j=1}^{M} exp(−|x − a_j|²/2 − z_j),   a_j ∈ R^d (means), z_j ∈ R (logits)
 *   Z = (2π)^{d/2} Σ_j exp(−z_j),   mode masses = softmax(−z)
 *   π_j(x) = exp(−|x − a_j|²/2 − z_j) / Σ_l exp(−|x − a_l|²/2 − z_l)     (responsibilities)
 *   ∇_x U = x − Σ_j π_j(x) a_j,   ∂U/∂a_j = π_j(x) (a_j − x),   ∂U/∂z_j = π_j(x)
 *
 * U is computed with the log-sum-exp shift: in high dimension exp(−|x − a|²/2) underflows to 0
 * for points far from every mean, which would make a direct sum give U = +∞ and NaN gradients.
 *
 * Flat parameter layout: [a_1 (d entries), …, a_M (d entries), z_1, …, z_M].
 */
import type { Rng } from '../../harness/rng';
import type { Float64Energy } from './energy';
import { JarzynskiSettingsError, requireCount, requireFiniteArray, requireLength } from './errors';

/** Parameters of a Gaussian mixture: means (M·d entries, mean j at [j·d, (j+1)·d)) and logits z (M). */
export interface GmmParams {
  means: Float64Array;
  logits: Float64Array;
}

/** Gaussian-mixture energy on R^d with M unit-covariance modes. */
export class GaussianMixtureEnergy implements Float64Energy<GmmParams> {
  readonly family = 'Gaussian mixture';
  readonly parameterCount: number;
  private readonly scratch: Float64Array;

  /**
   * @param dim - dimension d ≥ 1
   * @param modes - number of modes M ≥ 1
   */
  constructor(
    readonly dim: number,
    readonly modes: number,
  ) {
    requireCount('dim', dim);
    requireCount('modes', modes);
    this.parameterCount = modes * (dim + 1);
    this.scratch = new Float64Array(modes);
  }

  evaluate(params: GmmParams, positions: Float64Array, count: number, energies: Float64Array, gradients: Float64Array): void {
    if (this.modes === 2) {
      this.evaluateTwoModes(params, positions, count, energies, gradients);
      return;
    }
    const d = this.dim;
    const m = this.modes;
    const responsibilities = this.scratch;
    for (let i = 0; i < count; i++) {
      const row = i * d;
      energies[i] = this.responsibilitiesAt(params, positions, row, responsibilities);

      // ∇_x U = x − Σ_j π_j a_j
      for (let c = 0; c < d; c++) gradients[row + c] = positions[row + c] as number;
      for (let j = 0; j < m; j++) {
        const pj = responsibilities[j] as number;
        const base = j * d;
        for (let c = 0; c < d; c++) gradients[row + c] = (gradients[row + c] as number) - pj * (params.means[base + c] as number);
      }
    }
  }

  /**
   * `evaluate` for two modes, the case of the published experiment, in two passes per point:
   * |x − a_j|² = |x|² − 2 x·a_j + |a_j|² from three running sums, then ∇U = x − π_1 a_1 − π_2 a_2.
   * In float64 the expansion loses about |x|²·1e−16 to cancellation, far below what matters here.
   */
  private evaluateTwoModes(params: GmmParams, positions: Float64Array, count: number, energies: Float64Array, gradients: Float64Array): void {
    const d = this.dim;
    const means = params.means;
    const [squared1, squared2] = squaredNorms(means, d);
    const z1 = params.logits[0] as number;
    const z2 = params.logits[1] as number;

    for (let i = 0; i < count; i++) {
      const row = i * d;
      let xx = 0;
      let xa1 = 0;
      let xa2 = 0;
      for (let c = 0; c < d; c++) {
        const x = positions[row + c] as number;
        xx += x * x;
        xa1 += x * (means[c] as number);
        xa2 += x * (means[d + c] as number);
      }
      const logit1 = -0.5 * (xx - 2 * xa1 + squared1) - z1;
      const logit2 = -0.5 * (xx - 2 * xa2 + squared2) - z2;

      // Log-sum-exp of two terms: max + log(1 + exp(−|difference|)).
      const max = logit1 > logit2 ? logit1 : logit2;
      const other = Math.exp(-Math.abs(logit1 - logit2));
      const sum = 1 + other;
      energies[i] = -(max + Math.log(sum));
      const pi1 = (logit1 >= logit2 ? 1 : other) / sum;
      const pi2 = (logit1 >= logit2 ? other : 1) / sum;

      for (let c = 0; c < d; c++) gradients[row + c] = (positions[row + c] as number) - pi1 * (means[c] as number) - pi2 * (means[d + c] as number);
    }
  }

  accumulateParameterGradient(params: GmmParams, positions: Float64Array, count: number, coefficients: Float64Array | number, out: Float64Array): void {
    if (this.modes === 2) {
      this.accumulateTwoModes(params, positions, count, coefficients, out);
      return;
    }
    const d = this.dim;
    const m = this.modes;
    const logitsOffset = m * d;
    const responsibilities = this.scratch;
    for (let i = 0; i < count; i++) {
      const weight = typeof coefficients === 'number' ? coefficients : (coefficients[i] as number);
      if (weight === 0) continue;
      const row = i * d;
      this.responsibilitiesAt(params, positions, row, responsibilities);
      for (let j = 0; j < m; j++) {
        const scaled = weight * (responsibilities[j] as number);
        const base = j * d;
        for (let c = 0; c < d; c++) out[base + c] = (out[base + c] as number) + scaled * ((params.means[base + c] as number) - (positions[row + c] as number));
        out[logitsOffset + j] = (out[logitsOffset + j] as number) + scaled;
      }
    }
  }

  /** `accumulateParameterGradient` for two modes, with the responsibilities of `evaluateTwoModes`. */
  private accumulateTwoModes(params: GmmParams, positions: Float64Array, count: number, coefficients: Float64Array | number, out: Float64Array): void {
    const d = this.dim;
    const means = params.means;
    const [squared1, squared2] = squaredNorms(means, d);
    const z1 = params.logits[0] as number;
    const z2 = params.logits[1] as number;
    for (let i = 0; i < count; i++) {
      const weight = typeof coefficients === 'number' ? coefficients : (coefficients[i] as number);
      if (weight === 0) continue;
      const row = i * d;
      const pi1 = firstResponsibility(positions, row, means, d, squared1, squared2, z1, z2);
      const w1 = weight * pi1;
      const w2 = weight * (1 - pi1);
      // ∂U/∂a_j = π_j (a_j − x), ∂U/∂z_j = π_j
      for (let c = 0; c < d; c++) {
        const x = positions[row + c] as number;
        out[c] = (out[c] as number) + w1 * ((means[c] as number) - x);
        out[d + c] = (out[d + c] as number) + w2 * ((means[d + c] as number) - x);
      }
      out[2 * d] = (out[2 * d] as number) + w1;
      out[2 * d + 1] = (out[2 * d + 1] as number) + w2;
    }
  }

  /**
   * Writes the responsibilities π_j(x) of the point starting at `positions[row]` into `out` and
   * returns U(x).
   */
  responsibilitiesAt(params: GmmParams, positions: Float64Array, row: number, out: Float64Array): number {
    const d = this.dim;
    const m = this.modes;
    let max = -Infinity;
    for (let j = 0; j < m; j++) {
      const base = j * d;
      let squared = 0;
      for (let c = 0; c < d; c++) {
        const diff = (positions[row + c] as number) - (params.means[base + c] as number);
        squared += diff * diff;
      }
      const logit = -0.5 * squared - (params.logits[j] as number);
      out[j] = logit;
      if (logit > max) max = logit;
    }
    let sum = 0;
    for (let j = 0; j < m; j++) {
      const e = Math.exp((out[j] as number) - max);
      out[j] = e;
      sum += e;
    }
    for (let j = 0; j < m; j++) out[j] = (out[j] as number) / sum;
    return -(max + Math.log(sum));
  }

  toVector(params: GmmParams): Float64Array {
    const vector = new Float64Array(this.parameterCount);
    vector.set(params.means);
    vector.set(params.logits, this.modes * this.dim);
    return vector;
  }

  fromVector(vector: Float64Array): GmmParams {
    requireLength('parameter vector', vector.length, this.parameterCount, `a mixture of ${this.modes} modes in dimension ${this.dim}`);
    const split = this.modes * this.dim;
    return { means: vector.slice(0, split), logits: vector.slice(split) };
  }

  validate(params: GmmParams): void {
    requireLength('means', params.means.length, this.modes * this.dim, `${this.modes} means of dimension ${this.dim}`);
    requireLength('logits', params.logits.length, this.modes, `${this.modes} modes`);
    requireFiniteArray('means', params.means);
    requireFiniteArray('logits', params.logits);
  }
}

/** Returns |a_1|² and |a_2|² of a two-mode mixture. */
function squaredNorms(means: Float64Array, d: number): [number, number] {
  let squared1 = 0;
  let squared2 = 0;
  for (let c = 0; c < d; c++) {
    squared1 += (means[c] as number) ** 2;
    squared2 += (means[d + c] as number) ** 2;
  }
  return [squared1, squared2];
}

/**
 * Returns π_1(x) of a two-mode mixture, σ(logit_1 − logit_2), with the logits from the expansion
 * |x − a_j|² = |x|² − 2 x·a_j + |a_j|² (the |x|² terms cancel in the difference).
 */
function firstResponsibility(positions: Float64Array, row: number, means: Float64Array, d: number, squared1: number, squared2: number, z1: number, z2: number): number {
  let xa1 = 0;
  let xa2 = 0;
  for (let c = 0; c < d; c++) {
    const x = positions[row + c] as number;
    xa1 += x * (means[c] as number);
    xa2 += x * (means[d + c] as number);
  }
  const difference = xa1 - xa2 - 0.5 * (squared1 - squared2) - (z1 - z2);
  return difference >= 0 ? 1 / (1 + Math.exp(-difference)) : Math.exp(difference) / (1 + Math.exp(difference));
}

/** Returns log Z = (d/2) log(2π) + log Σ_j exp(−z_j). */
export function gmmLogPartition(params: GmmParams, dim: number): number {
  let max = -Infinity;
  for (const z of params.logits) max = Math.max(max, -z);
  let sum = 0;
  for (const z of params.logits) sum += Math.exp(-z - max);
  return 0.5 * dim * Math.log(2 * Math.PI) + max + Math.log(sum);
}

/** Returns the mode masses softmax(−z). */
export function modeMasses(params: GmmParams): Float64Array {
  const masses = new Float64Array(params.logits.length);
  let max = -Infinity;
  for (const z of params.logits) max = Math.max(max, -z);
  let sum = 0;
  for (let j = 0; j < masses.length; j++) {
    masses[j] = Math.exp(-(params.logits[j] as number) - max);
    sum += masses[j] as number;
  }
  for (let j = 0; j < masses.length; j++) masses[j] = (masses[j] as number) / sum;
  return masses;
}

/** Exact samples of a Gaussian mixture, with the mode each sample was drawn from. */
export interface MixtureSample {
  /** Positions, row by row (count · d entries). */
  positions: Float64Array;
  /** Mode index of each sample. */
  modes: Int32Array;
}

/**
 * Draws `count` exact samples of the mixture: a mode j with probability softmax(−z)_j, then
 * a_j + ξ with ξ ~ N(0, I).
 */
export function sampleGaussianMixture(params: GmmParams, dim: number, count: number, rng: Rng): MixtureSample {
  requireCount('count', count);
  const masses = modeMasses(params);
  const positions = new Float64Array(count * dim);
  const modes = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let u = rng.float();
    let j = 0;
    while (j < masses.length - 1 && u >= (masses[j] as number)) {
      u -= masses[j] as number;
      j++;
    }
    modes[i] = j;
    for (let c = 0; c < dim; c++) positions[i * dim + c] = (params.means[j * dim + c] as number) + rng.normal();
  }
  return { positions, modes };
}

/**
 * Draws `counts[j]` samples from each mode j (a deterministic split, as the Gaussian-mixture
 * experiment's teacher data uses: 2500 and 7500 of 10^4 points).
 */
export function sampleGaussianMixtureSplit(params: GmmParams, dim: number, counts: readonly number[], rng: Rng): MixtureSample {
  if (counts.length * dim !== params.means.length) {
    throw new JarzynskiSettingsError('dimension-mismatch', 'counts', `has ${counts.length} entries for a mixture of ${params.means.length / dim} modes; pass one count per mode`);
  }
  const total = counts.reduce((a, b) => a + b, 0);
  requireCount('total sample count', total);
  const positions = new Float64Array(total * dim);
  const modes = new Int32Array(total);
  let i = 0;
  for (let j = 0; j < counts.length; j++) {
    for (let k = 0; k < (counts[j] as number); k++, i++) {
      modes[i] = j;
      for (let c = 0; c < dim; c++) positions[i * dim + c] = (params.means[j * dim + c] as number) + rng.normal();
    }
  }
  return { positions, modes };
}

/** Returns the mean of U_θ over the first `count` points (for cross-entropy and KL estimates). */
export function meanEnergy(energy: GaussianMixtureEnergy, params: GmmParams, positions: Float64Array, count: number): number {
  const responsibilities = new Float64Array(energy.modes);
  let sum = 0;
  for (let i = 0; i < count; i++) sum += energy.responsibilitiesAt(params, positions, i * energy.dim, responsibilities);
  return sum / count;
}

/**
 * Returns Σ_i w_i π_j(x_i) for each mode j: the walkers' estimate of the mode masses when `w` are
 * their normalised weights.
 */
export function weightedResponsibilities(energy: GaussianMixtureEnergy, params: GmmParams, positions: Float64Array, weights: Float64Array): Float64Array {
  const responsibilities = new Float64Array(energy.modes);
  const total = new Float64Array(energy.modes);
  for (let i = 0; i < weights.length; i++) {
    energy.responsibilitiesAt(params, positions, i * energy.dim, responsibilities);
    for (let j = 0; j < energy.modes; j++) total[j] = (total[j] as number) + (weights[i] as number) * (responsibilities[j] as number);
  }
  return total;
}
