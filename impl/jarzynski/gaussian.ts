/**
 * Isotropic Gaussian energy, the family whose Jarzynski identity has closed-form values.
 *
 *   U_{μ,s²}(x) = |x − μ|² / (2 s²),   x, μ ∈ R^d, s² > 0
 *   Z = (2π s²)^{d/2},   ∇_x U = (x − μ) / s²
 *   ∂U/∂μ = −(x − μ) / s²,   ∂U/∂s² = −|x − μ|² / (2 s⁴)
 *
 * Flat parameter layout: [μ_1 .. μ_d, s²].
 */
import type { Rng } from '../../harness/rng';
import type { Float64Energy } from './energy';
import { requireCount, requireFiniteArray, requireLength, requirePositive } from './errors';

/** Parameters of the isotropic Gaussian: mean μ (d entries) and variance s². */
export interface GaussianParams {
  mean: Float64Array;
  variance: number;
}

/** Isotropic Gaussian energy on R^d. */
export class GaussianEnergy implements Float64Energy<GaussianParams> {
  readonly family = 'isotropic Gaussian';
  readonly parameterCount: number;

  /** @param dim - dimension d ≥ 1 */
  constructor(readonly dim: number) {
    requireCount('dim', dim);
    this.parameterCount = dim + 1;
  }

  evaluate(params: GaussianParams, positions: Float64Array, count: number, energies: Float64Array, gradients: Float64Array): void {
    const d = this.dim;
    const mean = params.mean;
    const inverse = 1 / params.variance;
    for (let i = 0; i < count; i++) {
      const row = i * d;
      let squared = 0;
      for (let c = 0; c < d; c++) {
        const diff = (positions[row + c] as number) - (mean[c] as number);
        squared += diff * diff;
        gradients[row + c] = diff * inverse;
      }
      energies[i] = 0.5 * squared * inverse;
    }
  }

  accumulateParameterGradient(params: GaussianParams, positions: Float64Array, count: number, coefficients: Float64Array | number, out: Float64Array): void {
    const d = this.dim;
    const inverse = 1 / params.variance;
    for (let i = 0; i < count; i++) {
      const weight = typeof coefficients === 'number' ? coefficients : (coefficients[i] as number);
      const row = i * d;
      let squared = 0;
      for (let c = 0; c < d; c++) {
        const diff = (positions[row + c] as number) - (params.mean[c] as number);
        squared += diff * diff;
        out[c] = (out[c] as number) - weight * diff * inverse;
      }
      out[d] = (out[d] as number) - weight * 0.5 * squared * inverse * inverse;
    }
  }

  toVector(params: GaussianParams): Float64Array {
    const vector = new Float64Array(this.parameterCount);
    vector.set(params.mean);
    vector[this.dim] = params.variance;
    return vector;
  }

  fromVector(vector: Float64Array): GaussianParams {
    requireLength('parameter vector', vector.length, this.parameterCount, `a ${this.dim}-dimensional Gaussian`);
    return { mean: vector.slice(0, this.dim), variance: vector[this.dim] as number };
  }

  validate(params: GaussianParams): void {
    requireLength('mean', params.mean.length, this.dim, `a ${this.dim}-dimensional Gaussian`);
    requireFiniteArray('mean', params.mean);
    requirePositive('variance', params.variance, 'pass a variance s² > 0');
  }
}

/** Returns log Z = (d/2) log(2π s²). */
export function gaussianLogPartition(params: GaussianParams): number {
  return 0.5 * params.mean.length * Math.log(2 * Math.PI * params.variance);
}

/** Draws `count` exact samples of N(μ, s² I), row by row. */
export function sampleGaussian(params: GaussianParams, count: number, rng: Rng): Float64Array {
  const d = params.mean.length;
  const scale = Math.sqrt(params.variance);
  const out = new Float64Array(count * d);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < d; c++) out[i * d + c] = (params.mean[c] as number) + scale * rng.normal();
  }
  return out;
}
