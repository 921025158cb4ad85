/**
 * Energies in TensorFlow.js (float32): the Gaussian mixture and the MLP energy, with the same
 * equations and the same flat parameter layout as their float64 counterparts (`gmm.ts`,
 * `mlp.ts`), so the two paths can be compared entry by entry.
 *
 * Input gradients ∇_x U and parameter gradients come from tfjs's automatic differentiation.
 */
import { tf } from '../../harness/tensor/backend';
import { requireFiniteArray, requireLength } from './errors';
import type { GmmParams } from './gmm';
import type { MlpParams, MlpShape } from './mlp';

/** An energy U_θ(x) evaluated on a batch of points with tfjs. */
export interface TensorEnergy {
  readonly family: string;
  /** Dimension d of the state space. */
  readonly dim: number;
  /** Trainable parameters, in the order of the float64 family's flat layout. */
  readonly variables: readonly tf.Variable[];
  /** Returns U_θ(x_i) for every row of `x` ([N, d] → [N]). Call inside `tf.tidy`. */
  energy(x: tf.Tensor2D): tf.Tensor1D;
  /** Returns the parameters as one flat float64 vector (float64 family layout). */
  readVector(): Float64Array;
  /** Frees the variables. */
  dispose(): void;
}

/** Gaussian mixture U(x) = −logsumexp_j(−|x − a_j|²/2 − z_j), means [M, d] and logits [M]. */
export class TensorGmmEnergy implements TensorEnergy {
  readonly family = 'Gaussian mixture';
  readonly dim: number;
  readonly modes: number;
  readonly means: tf.Variable;
  readonly logits: tf.Variable;

  constructor(params: GmmParams, dim: number) {
    this.dim = dim;
    this.modes = params.logits.length;
    requireLength('means', params.means.length, this.modes * dim, `${this.modes} means of dimension ${dim}`);
    requireFiniteArray('means', params.means);
    requireFiniteArray('logits', params.logits);
    this.means = tf.variable(tf.tensor2d(Float32Array.from(params.means), [this.modes, dim], 'float32'), true);
    this.logits = tf.variable(tf.tensor1d(Float32Array.from(params.logits), 'float32'), true);
  }

  get variables(): readonly tf.Variable[] {
    return [this.means, this.logits];
  }

  energy(x: tf.Tensor2D): tf.Tensor1D {
    // The direct difference x − a_j ([N, M, d]) keeps float32 accurate near the means, where the
    // expansion |x|² − 2 x·a_j + |a_j|² would cancel.
    const diff = x.expandDims(1).sub(this.means.expandDims(0));
    const squared = diff.square().sum(2);
    const logits = squared.mul(-0.5).sub(this.logits.reshape([1, this.modes]));
    return tf.logSumExp(logits, 1).neg() as tf.Tensor1D;
  }

  readVector(): Float64Array {
    return Float64Array.from([...this.means.dataSync(), ...this.logits.dataSync()]);
  }

  dispose(): void {
    this.means.dispose();
    this.logits.dispose();
  }
}

/**
 * MLP energy U(x) = |x|²/(2σ0²) + silu(…silu(x W_1 + b_1)…) · w_out, weights [n_{l−1}, n_l],
 * biases [n_l], output weights [n_L, 1].
 */
export class TensorMlpEnergy implements TensorEnergy {
  readonly family = 'MLP with Gaussian confinement';
  readonly dim: number;
  readonly layers: { weights: tf.Variable; biases: tf.Variable }[];
  readonly output: tf.Variable;

  constructor(
    readonly shape: MlpShape,
    params: MlpParams,
  ) {
    this.dim = shape.dim;
    const widths = [shape.dim, ...shape.hidden];
    requireLength('layers', params.layers.length, shape.hidden.length, 'the hidden layers of the shape');
    this.layers = params.layers.map((layer, l) => {
      requireLength(`layers[${l}].weights`, layer.weights.length, (widths[l] as number) * (widths[l + 1] as number), `a ${widths[l]}×${widths[l + 1]} layer`);
      requireFiniteArray(`layers[${l}].weights`, layer.weights);
      requireFiniteArray(`layers[${l}].biases`, layer.biases);
      return {
        weights: tf.variable(tf.tensor2d(Float32Array.from(layer.weights), [widths[l] as number, widths[l + 1] as number], 'float32'), true),
        biases: tf.variable(tf.tensor1d(Float32Array.from(layer.biases), 'float32'), true),
      };
    });
    requireLength('output', params.output.length, widths[widths.length - 1] as number, 'the last hidden layer');
    requireFiniteArray('output', params.output);
    this.output = tf.variable(tf.tensor2d(Float32Array.from(params.output), [params.output.length, 1], 'float32'), true);
  }

  get variables(): readonly tf.Variable[] {
    return [...this.layers.flatMap((layer) => [layer.weights, layer.biases]), this.output];
  }

  energy(x: tf.Tensor2D): tf.Tensor1D {
    let activation: tf.Tensor2D = x;
    for (const layer of this.layers) {
      const pre = activation.matMul(layer.weights).add(layer.biases) as tf.Tensor2D;
      activation = pre.mul(pre.sigmoid());
    }
    const network = activation.matMul(this.output).reshape([-1]);
    const confinement = x.square().sum(1).mul(0.5 / this.shape.confinementVariance);
    return confinement.add(network) as tf.Tensor1D;
  }

  readVector(): Float64Array {
    const parts: number[] = [];
    for (const variable of this.variables) parts.push(...variable.dataSync());
    return Float64Array.from(parts);
  }

  /** Returns the parameters in the float64 family's structured form. */
  readParams(): MlpParams {
    return {
      layers: this.layers.map((layer) => ({ weights: Float64Array.from(layer.weights.dataSync()), biases: Float64Array.from(layer.biases.dataSync()) })),
      output: Float64Array.from(this.output.dataSync()),
    };
  }

  dispose(): void {
    for (const variable of this.variables) variable.dispose();
  }
}

/**
 * Returns U and ∇_x U at every row of `x` (one forward and one backward pass). The caller owns
 * both tensors.
 */
export function energyAndGradient(energy: TensorEnergy, x: tf.Tensor2D): { energies: tf.Tensor1D; gradients: tf.Tensor2D } {
  const { value, grad } = tf.valueAndGrad((input: tf.Tensor2D) => energy.energy(input))(x);
  return { energies: value as tf.Tensor1D, gradients: grad as tf.Tensor2D };
}
