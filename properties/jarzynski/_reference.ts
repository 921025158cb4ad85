/**
 * Exact reference values for the Gaussian-mixture properties, and the broken energies that serve
 * as negative controls.
 */
import { GaussianMixtureEnergy, modeMasses, type GmmParams } from '../../impl/jarzynski/gmm';
import { gaussianExpectation } from '../../impl/jarzynski/quadrature';

function sigmoid(s: number): number {
  return 1 / (1 + Math.exp(-s));
}

function dot(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, d: number): number {
  let sum = 0;
  for (let c = 0; c < d; c++) sum += (a[aOffset + c] as number) * (b[bOffset + c] as number);
  return sum;
}

/**
 * Returns the exact cross-entropy gradient ∂H/∂θ = E_teacher[∂θU] − E_ρθ[∂θU] for a two-mode
 * student (flat layout [a_1, a_2, z_1, z_2]) and any unit-covariance teacher mixture.
 *
 * Model term, exactly: E_ρθ[∂U/∂z_j] = m_j (the mode mass) and E_ρθ[∂U/∂a_j] = 0.
 * Teacher term: the responsibility π_2(x) = σ(s(x)) with s(x) = x·(a_2 − a_1) − (|a_2|² − |a_1|²)/2
 * − (z_2 − z_1) depends on x only through the projection onto e = (a_2 − a_1)/δ, δ = |a_2 − a_1|.
 * For a teacher mode with mean b, x = b + ε gives s = s_b + δ t with t = ε·e ~ N(0, 1), so
 *   E[π_2] = E_t[σ(s_b + δ t)],   E[π_2 x] = b E[π_2] + e E_t[t σ(s_b + δ t)],
 * and π_1 = 1 − π_2, one-dimensional integrals done by quadrature.
 */
export function exactCrossEntropyGradient(student: GmmParams, teacher: GmmParams, dim: number): Float64Array {
  const d = dim;
  const a1 = 0;
  const a2 = d;
  const difference = new Float64Array(d);
  for (let c = 0; c < d; c++) difference[c] = (student.means[a2 + c] as number) - (student.means[a1 + c] as number);
  const delta = Math.sqrt(dot(difference, 0, difference, 0, d));
  const offset = (dot(student.means, a2, student.means, a2, d) - dot(student.means, a1, student.means, a1, d)) / 2 + ((student.logits[1] as number) - (student.logits[0] as number));

  const teacherWeights = modeMasses(teacher);
  let meanPi2 = 0;
  const meanPi2X = new Float64Array(d);
  const meanX = new Float64Array(d);
  for (let l = 0; l < teacherWeights.length; l++) {
    const w = teacherWeights[l] as number;
    const base = l * d;
    const sb = dot(teacher.means, base, difference, 0, d) - offset;
    const pi2 = gaussianExpectation((t) => sigmoid(sb + delta * t));
    const tPi2 = delta === 0 ? 0 : gaussianExpectation((t) => t * sigmoid(sb + delta * t));
    meanPi2 += w * pi2;
    for (let c = 0; c < d; c++) {
      const b = teacher.means[base + c] as number;
      const e = delta === 0 ? 0 : (difference[c] as number) / delta;
      meanPi2X[c] = (meanPi2X[c] as number) + w * (b * pi2 + e * tPi2);
      meanX[c] = (meanX[c] as number) + w * b;
    }
  }

  const masses = modeMasses(student);
  const gradient = new Float64Array(2 * d + 2);
  for (let c = 0; c < d; c++) {
    // E[π_1 (a_1 − x)] = a_1 E[π_1] − E[π_1 x], with E[π_1 x] = E[x] − E[π_2 x].
    gradient[a1 + c] = (student.means[a1 + c] as number) * (1 - meanPi2) - ((meanX[c] as number) - (meanPi2X[c] as number));
    gradient[a2 + c] = (student.means[a2 + c] as number) * meanPi2 - (meanPi2X[c] as number);
  }
  gradient[2 * d] = 1 - meanPi2 - (masses[0] as number);
  gradient[2 * d + 1] = meanPi2 - (masses[1] as number);
  return gradient;
}

/** Broken mixture energy: responsibilities (and so U and every derivative) computed as if all logits were 0. */
export class LogitFreeMixture extends GaussianMixtureEnergy {
  override evaluate(params: GmmParams, positions: Float64Array, count: number, energies: Float64Array, gradients: Float64Array): void {
    super.evaluate(withoutLogits(params), positions, count, energies, gradients);
  }

  override accumulateParameterGradient(params: GmmParams, positions: Float64Array, count: number, coefficients: Float64Array | number, out: Float64Array): void {
    super.accumulateParameterGradient(withoutLogits(params), positions, count, coefficients, out);
  }

  override responsibilitiesAt(params: GmmParams, positions: Float64Array, row: number, out: Float64Array): number {
    return super.responsibilitiesAt(withoutLogits(params), positions, row, out);
  }
}

function withoutLogits(params: GmmParams): GmmParams {
  return { means: params.means, logits: new Float64Array(params.logits.length) };
}

/** Broken mixture energy: ∂U/∂a_j with the sign flipped, π_j (x − a_j). */
export class FlippedMeanGradientMixture extends GaussianMixtureEnergy {
  override accumulateParameterGradient(params: GmmParams, positions: Float64Array, count: number, coefficients: Float64Array | number, out: Float64Array): void {
    const contribution = new Float64Array(out.length);
    super.accumulateParameterGradient(params, positions, count, coefficients, contribution);
    const meanEntries = this.modes * this.dim;
    for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) + (k < meanEntries ? -1 : 1) * (contribution[k] as number);
  }
}
