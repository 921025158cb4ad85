/**
 * Neural energy: a multilayer perceptron with SiLU activations on top of a fixed Gaussian
 * confinement, in float64. This is the oracle the TensorFlow.js energy (`tensor-energy.ts`) is
 * checked against; the trainer uses the tfjs one.
 *
 *   a_0 = x,   h_l = a_{l−1} W_l + b_l,   a_l = silu(h_l) = h_l σ(h_l)     (l = 1..L)
 *   U_θ(x) = |x|² / (2 σ0²) + a_L · w_out
 *
 * W_l has shape [n_{l−1}, n_l] (row-major, n_0 = d), b_l has n_l entries, w_out has n_L. The
 * confinement keeps U growing like |x|² whatever the weights, so ρ_θ is normalisable and the
 * Langevin walkers cannot escape to infinity; with w_out = 0 the model is exactly N(0, σ0² I),
 * which is how a Jarzynski run gets exact samples of its initial model. No output bias: a constant
 * added to U changes nothing but log Z.
 *
 * Backward pass, with δ_l = ∂U/∂h_l:
 *   δ_L = w_out ⊙ silu'(h_L),   δ_{l−1} = (W_l δ_l) ⊙ silu'(h_{l−1}),   silu'(h) = σ(h)(1 + h(1 − σ(h)))
 *   ∇_x U = x / σ0² + W_1 δ_1,   ∂U/∂W_l = a_{l−1} ⊗ δ_l,   ∂U/∂b_l = δ_l,   ∂U/∂w_out = a_L
 *
 * Flat parameter layout: W_1, b_1, W_2, b_2, …, W_L, b_L, w_out.
 */
import type { Rng } from '../../harness/rng';
import type { Float64Energy } from './energy';
import { JarzynskiSettingsError, requireCount, requireFiniteArray, requireLength, requirePositive } from './errors';

/** Weights of one hidden layer: `weights` is [inputs, outputs] row-major, `biases` has `outputs` entries. */
export interface DenseLayer {
  weights: Float64Array;
  biases: Float64Array;
}

/** Parameters of the MLP energy. */
export interface MlpParams {
  layers: DenseLayer[];
  /** Output weights w_out, one per unit of the last hidden layer. */
  output: Float64Array;
}

/** An activation function with its derivative. */
export interface Activation {
  name: string;
  value(h: number): number;
  derivative(h: number): number;
}

/** SiLU (swish), silu(h) = h σ(h), silu'(h) = σ(h)(1 + h(1 − σ(h))): the activation the tfjs energy uses. */
export const SILU: Activation = {
  name: 'silu',
  value: (h) => h * sigmoid(h),
  derivative: (h) => {
    const s = sigmoid(h);
    return s * (1 + h * (1 - s));
  },
};

/** Architecture of the MLP energy. */
export interface MlpShape {
  /** Input dimension d. */
  dim: number;
  /** Units of each hidden layer, at least one layer. */
  hidden: readonly number[];
  /** Variance σ0² of the Gaussian confinement |x|²/(2σ0²). */
  confinementVariance: number;
}

/** MLP energy with SiLU activations and a Gaussian confinement, in float64. */
export class MlpEnergy implements Float64Energy<MlpParams> {
  readonly family = 'MLP with Gaussian confinement';
  readonly dim: number;
  readonly parameterCount: number;
  private readonly widths: number[];
  private readonly preActivations: Float64Array[];
  private readonly activations: Float64Array[];
  private readonly deltas: Float64Array[];

  /**
   * @param activation - activation of the hidden layers; SiLU, the one the tfjs energy
   *   implements, unless a caller studies another
   */
  constructor(
    readonly shape: MlpShape,
    private readonly activation: Activation = SILU,
  ) {
    validateShape(shape);
    this.dim = shape.dim;
    this.widths = [shape.dim, ...shape.hidden];
    let count = 0;
    for (let l = 1; l < this.widths.length; l++) count += (this.widths[l - 1] as number) * (this.widths[l] as number) + (this.widths[l] as number);
    this.parameterCount = count + (this.widths[this.widths.length - 1] as number);
    this.preActivations = shape.hidden.map((n) => new Float64Array(n));
    this.activations = shape.hidden.map((n) => new Float64Array(n));
    this.deltas = shape.hidden.map((n) => new Float64Array(n));
  }

  evaluate(params: MlpParams, positions: Float64Array, count: number, energies: Float64Array, gradients: Float64Array): void {
    const d = this.dim;
    const inverseVariance = 1 / this.shape.confinementVariance;
    for (let i = 0; i < count; i++) {
      const row = i * d;
      energies[i] = this.forward(params, positions, row);
      this.backward(params);

      // ∇_x U = x / σ0² + W_1 δ_1
      const first = params.layers[0]!;
      const delta = this.deltas[0]!;
      const units = delta.length;
      for (let c = 0; c < d; c++) {
        let sum = 0;
        const base = c * units;
        for (let o = 0; o < units; o++) sum += (first.weights[base + o] as number) * (delta[o] as number);
        gradients[row + c] = (positions[row + c] as number) * inverseVariance + sum;
      }
    }
  }

  accumulateParameterGradient(params: MlpParams, positions: Float64Array, count: number, coefficients: Float64Array | number, out: Float64Array): void {
    for (let i = 0; i < count; i++) {
      const weight = typeof coefficients === 'number' ? coefficients : (coefficients[i] as number);
      if (weight === 0) continue;
      const row = i * this.dim;
      this.forward(params, positions, row);
      this.backward(params);

      let offset = 0;
      for (let l = 0; l < params.layers.length; l++) {
        const inputs = this.widths[l] as number;
        const units = this.widths[l + 1] as number;
        const delta = this.deltas[l]!;
        for (let k = 0; k < inputs; k++) {
          const input = weight * (l === 0 ? (positions[row + k] as number) : (this.activations[l - 1]![k] as number));
          const base = offset + k * units;
          for (let o = 0; o < units; o++) out[base + o] = (out[base + o] as number) + input * (delta[o] as number);
        }
        offset += inputs * units;
        for (let o = 0; o < units; o++) out[offset + o] = (out[offset + o] as number) + weight * (delta[o] as number);
        offset += units;
      }
      const last = this.activations[this.activations.length - 1]!;
      for (let o = 0; o < last.length; o++) out[offset + o] = (out[offset + o] as number) + weight * (last[o] as number);
    }
  }

  toVector(params: MlpParams): Float64Array {
    const vector = new Float64Array(this.parameterCount);
    let offset = 0;
    for (const layer of params.layers) {
      vector.set(layer.weights, offset);
      offset += layer.weights.length;
      vector.set(layer.biases, offset);
      offset += layer.biases.length;
    }
    vector.set(params.output, offset);
    return vector;
  }

  fromVector(vector: Float64Array): MlpParams {
    requireLength('parameter vector', vector.length, this.parameterCount, `an MLP of widths ${this.widths.join('-')}`);
    const layers: DenseLayer[] = [];
    let offset = 0;
    for (let l = 1; l < this.widths.length; l++) {
      const size = (this.widths[l - 1] as number) * (this.widths[l] as number);
      const weights = vector.slice(offset, offset + size);
      offset += size;
      const biases = vector.slice(offset, offset + (this.widths[l] as number));
      offset += this.widths[l] as number;
      layers.push({ weights, biases });
    }
    return { layers, output: vector.slice(offset) };
  }

  validate(params: MlpParams): void {
    if (params.layers.length !== this.widths.length - 1) {
      throw new JarzynskiSettingsError('dimension-mismatch', 'layers', `has ${params.layers.length} layers but the shape has ${this.widths.length - 1} hidden layers`);
    }
    params.layers.forEach((layer, l) => {
      requireLength(`layers[${l}].weights`, layer.weights.length, (this.widths[l] as number) * (this.widths[l + 1] as number), `a ${this.widths[l]}×${this.widths[l + 1]} layer`);
      requireLength(`layers[${l}].biases`, layer.biases.length, this.widths[l + 1] as number, `a layer of ${this.widths[l + 1]} units`);
      requireFiniteArray(`layers[${l}].weights`, layer.weights);
      requireFiniteArray(`layers[${l}].biases`, layer.biases);
    });
    requireLength('output', params.output.length, this.widths[this.widths.length - 1] as number, 'the last hidden layer');
    requireFiniteArray('output', params.output);
  }

  /** Runs the forward pass for the point at `positions[row]`, keeping h_l and a_l; returns U. */
  private forward(params: MlpParams, positions: Float64Array, row: number): number {
    const d = this.dim;
    let squared = 0;
    for (let c = 0; c < d; c++) squared += (positions[row + c] as number) ** 2;

    for (let l = 0; l < params.layers.length; l++) {
      const layer = params.layers[l]!;
      const inputs = this.widths[l] as number;
      const units = this.widths[l + 1] as number;
      const h = this.preActivations[l]!;
      const a = this.activations[l]!;
      h.set(layer.biases);
      for (let k = 0; k < inputs; k++) {
        const input = l === 0 ? (positions[row + k] as number) : (this.activations[l - 1]![k] as number);
        if (input === 0) continue;
        const base = k * units;
        for (let o = 0; o < units; o++) h[o] = (h[o] as number) + input * (layer.weights[base + o] as number);
      }
      for (let o = 0; o < units; o++) a[o] = this.activation.value(h[o] as number);
    }

    const last = this.activations[this.activations.length - 1]!;
    let out = 0;
    for (let o = 0; o < last.length; o++) out += (last[o] as number) * (params.output[o] as number);
    return (0.5 * squared) / this.shape.confinementVariance + out;
  }

  /** Fills δ_l = ∂U/∂h_l from the stored forward pass. */
  private backward(params: MlpParams): void {
    const layers = params.layers.length;
    const top = this.deltas[layers - 1]!;
    const hTop = this.preActivations[layers - 1]!;
    for (let o = 0; o < top.length; o++) top[o] = (params.output[o] as number) * this.activation.derivative(hTop[o] as number);

    for (let l = layers - 1; l >= 1; l--) {
      const layer = params.layers[l]!;
      const inputs = this.widths[l] as number;
      const units = this.widths[l + 1] as number;
      const upper = this.deltas[l]!;
      const lower = this.deltas[l - 1]!;
      const h = this.preActivations[l - 1]!;
      for (let k = 0; k < inputs; k++) {
        let sum = 0;
        const base = k * units;
        for (let o = 0; o < units; o++) sum += (layer.weights[base + o] as number) * (upper[o] as number);
        lower[k] = sum * this.activation.derivative(h[k] as number);
      }
    }
  }
}

/** Returns log Z of the initial model (w_out = 0): (d/2) log(2π σ0²). */
export function confinementLogPartition(shape: MlpShape): number {
  return 0.5 * shape.dim * Math.log(2 * Math.PI * shape.confinementVariance);
}

/**
 * Draws initial MLP parameters: hidden weights uniform in ±sqrt(6 / (n_in + n_out)) (Glorot),
 * biases 0, and output weights 0 unless `outputScale` is given, so that by default the initial
 * model is exactly the confinement Gaussian N(0, σ0² I).
 *
 * @param outputScale - standard deviation of random output weights (tests use it to get a
 *   non-trivial energy); 0 by default
 */
export function initMlpParams(shape: MlpShape, rng: Rng, outputScale = 0): MlpParams {
  validateShape(shape);
  const widths = [shape.dim, ...shape.hidden];
  const layers: DenseLayer[] = [];
  for (let l = 1; l < widths.length; l++) {
    const inputs = widths[l - 1] as number;
    const units = widths[l] as number;
    const limit = Math.sqrt(6 / (inputs + units));
    const weights = new Float64Array(inputs * units);
    for (let k = 0; k < weights.length; k++) weights[k] = (2 * rng.float() - 1) * limit;
    layers.push({ weights, biases: new Float64Array(units) });
  }
  const output = new Float64Array(widths[widths.length - 1] as number);
  if (outputScale !== 0) for (let o = 0; o < output.length; o++) output[o] = outputScale * rng.normal();
  return { layers, output };
}

function validateShape(shape: MlpShape): void {
  requireCount('dim', shape.dim);
  if (shape.hidden.length === 0) throw new JarzynskiSettingsError('empty', 'hidden', 'lists no hidden layer; pass at least one width, for example [32, 32]');
  shape.hidden.forEach((n, l) => requireCount(`hidden[${l}]`, n));
  requirePositive('confinementVariance', shape.confinementVariance, 'pass the variance σ0² > 0 of the Gaussian confinement');
}

function sigmoid(h: number): number {
  return 1 / (1 + Math.exp(-h));
}
