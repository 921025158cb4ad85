/**
 * The constraint layer as TensorFlow.js operations (float32), for training inside a model.
 *
 * It computes the same maps as the float64 oracle, but in the gauge form, which needs no
 * division by aᵢ·u and no masking of rows: with p the interior point, σᵢ = bᵢ − aᵢ·p,
 *
 *   γ(u) = max(0, maxᵢ (aᵢ/σᵢ)·u, maxⱼ γⱼ(u))          (so that t*(u) = 1/γ(u))
 *   γⱼ(u) = (βⱼ·u + S) / (2|cⱼ|)         when βⱼ·u ≥ 0
 *   γⱼ(u) = uᵀPⱼu / (S − βⱼ·u)           when βⱼ·u < 0,   S = √((βⱼ·u)² + 2|cⱼ| uᵀPⱼu)
 *
 * For a batch U (B × r), the linear part is one matmul U·(A/σ)ᵀ (B × m) and a max over rows,
 * O(B·r·m). The quadratic part forms uᵀPⱼu for all j with one matmul against [P₁ … P_M]
 * (r × M·r), O(B·r²·M). Box-only sets use elementwise ratios, O(B·n). Then
 *
 *   ray:        y = p + sigmoid(s) · U / γ(U)
 *   boundary:   y = p + U / γ(U)
 *   projection: y = p + D / max(1, |D|∞ γ(U)),  D = Rᵀ(Z − p₀) − p
 *
 * with U = D / |D|∞ per row, and y lifted by y = R w + p₀ when there are equalities. Branches that
 * `where` discards are computed on safe denominators so that gradients stay finite.
 */
import { tf } from '../../harness/tensor/backend';
import { InvalidInputError } from './errors';
import { inputLength, inputLengthHint, requireModeSupported, type PreparedSet } from './prepare';
import type { LayerMode } from './types';
import { validateInputs } from './validate';

/** Options of {@link createConstraintMap} and {@link ConstraintLayer}. */
export interface ConstraintMapOptions {
  mode: LayerMode;
  /**
   * Check every batch for NaN and infinite entries and raise an InvalidInputError naming the first
   * one (default true). The check costs one reduction and one read of a scalar per batch.
   */
  validate?: boolean;
}

/** A constraint map bound to its constant tensors. Call `dispose()` when done. */
export interface ConstraintMap {
  readonly mode: LayerMode;
  /** Inputs per sample. */
  readonly inputLength: number;
  /** Outputs per sample (n). */
  readonly outputLength: number;
  /** Maps a batch (B × inputLength) to feasible outputs (B × n); differentiable. */
  apply(z: tf.Tensor2D): tf.Tensor2D;
  /** The gauge γ of a batch of directions (B × r), in reduced coordinates; exposed for tests. */
  gauge(u: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/** Constant tensors of a prepared set, shared by the maps. */
interface Constants {
  interior: tf.Tensor2D;
  scaledRowsT: tf.Tensor2D | null;
  curvatures: tf.Tensor2D | null;
  betas: tf.Tensor2D | null;
  twiceAbsC: tf.Tensor2D | null;
  inverseUpper: tf.Tensor2D | null;
  inverseLower: tf.Tensor2D | null;
  basis: tf.Tensor2D | null;
  basisT: tf.Tensor2D | null;
  offset: tf.Tensor2D | null;
  firstAxis: tf.Tensor2D;
}

/**
 * Builds the tensor map of a prepared set.
 *
 * @example
 * const map = createConstraintMap(set, { mode: 'ray' });
 * const y = map.apply(tf.randomNormal([32, map.inputLength]));
 * @throws UnboundedSetError for `ray` and `boundary` on an unbounded set.
 */
export function createConstraintMap(set: PreparedSet, options: ConstraintMapOptions): ConstraintMap {
  const mode = options.mode;
  requireModeSupported(set, mode);
  const validate = options.validate ?? true;
  const constants = buildConstants(set);
  const length = inputLength(set, mode);
  const r = set.freeDimension;

  const gauge = (u: tf.Tensor2D) => gaugeOf(constants, u, set.quadratics.length, r);

  const apply = (z: tf.Tensor2D): tf.Tensor2D => {
    if (z.rank !== 2 || z.shape[1] !== length) {
      throw new InvalidInputError(`the constraint layer expects a batch of shape [B, ${length}] (${inputLengthHint(set, mode)}), got shape [${z.shape.join(', ')}]; make the layer before it output ${length} values`);
    }
    if (validate) assertFinite(z, length, inputLengthHint(set, mode));
    return tf.tidy(() => {
      const reduced = mode === 'ray' ? rayMap(constants, z, r, gauge) : mode === 'boundary' ? boundaryMap(constants, z, gauge) : projectionMap(constants, z, gauge);
      return constants.basisT === null ? reduced : (tf.add(tf.matMul(reduced, constants.basisT), constants.offset!) as tf.Tensor2D);
    });
  };

  return {
    mode,
    inputLength: length,
    outputLength: set.dimension,
    apply,
    gauge: (u) => tf.tidy(() => gauge(u)),
    dispose: () => {
      for (const t of Object.values(constants)) (t as tf.Tensor | null)?.dispose();
    },
  };
}

/**
 * The constraint map as a Layers API layer, so it can end a `tf.sequential` or functional model
 * and train with `model.fit`. It has no weights.
 *
 * NOTE: not registered for serialization: a saved model cannot be loaded back with this layer.
 */
export class ConstraintLayer extends tf.layers.Layer {
  static readonly className = 'PaperproofConstraintLayer';
  readonly map: ConstraintMap;

  constructor(set: PreparedSet, options: ConstraintMapOptions & { name?: string }) {
    super(options.name === undefined ? {} : { name: options.name });
    this.map = createConstraintMap(set, options);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, this.map.outputLength];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const z = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    return this.map.apply(z);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.map.mode };
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    this.map.dispose();
    return super.dispose();
  }
}

/**
 * Raises an InvalidInputError when `z` contains NaN or an infinite entry, naming the first one
 * (`what` is how the rows are called in the message).
 * Multiplying by 0 maps every finite entry to 0 and every other one to NaN, so one sum decides.
 */
export function assertFinite(z: tf.Tensor2D, length: number, hint: string, what = 'hidden vector'): void {
  const sum = tf.tidy(() => tf.sum(tf.mul(z, 0)));
  const bad = Number.isNaN(sum.dataSync()[0]!);
  sum.dispose();
  if (!bad) return;
  validateInputs(z.arraySync(), length, what, hint);
}

function rayMap(c: Constants, z: tf.Tensor2D, r: number, gauge: (u: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
  const s = tf.slice(z, [0, 0], [-1, 1]);
  const u = normalized(tf.slice(z, [0, 1], [-1, r]));
  return tf.add(c.interior, tf.mul(tf.sigmoid(s), tf.div(u, positive(gauge(u))))) as tf.Tensor2D;
}

function boundaryMap(c: Constants, d: tf.Tensor2D, gauge: (u: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
  // A zero direction has no boundary point; it is replaced by the first axis. step(|d|∞) is 0 or 1
  // and, unlike a comparison, has a gradient (zero), so the tape can pass through it.
  // NOTE: not tf.sign: the wasm backend of tfjs 4.22 returns sign(x) = 0 for |x| around 1e-9 and below.
  const isZero = tf.sub(1, tf.step(tf.max(tf.abs(d), 1, true)));
  const u = tf.add(normalized(d), tf.mul(isZero, c.firstAxis)) as tf.Tensor2D;
  return tf.add(c.interior, tf.div(u, positive(gauge(u)))) as tf.Tensor2D;
}

function projectionMap(c: Constants, z: tf.Tensor2D, gauge: (u: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
  const w = c.basis === null ? z : (tf.matMul(tf.sub(z, c.offset!), c.basis) as tf.Tensor2D);
  const d = tf.sub(w, c.interior) as tf.Tensor2D;
  const scale = tf.max(tf.abs(d), 1, true);
  const factor = tf.maximum(tf.mul(scale, gauge(normalized(d))), 1);
  return tf.add(c.interior, tf.div(d, factor)) as tf.Tensor2D;
}

/**
 * Smallest positive float32 the layer divides by. Comparisons (`greater`, `less`) have no
 * gradient in TensorFlow.js, so safe denominators use `maximum` with this floor instead of `where`.
 */
export const TINY = 1e-30;

/** Divides each row by its max-norm (rows of zeros stay zero). */
export function normalized(d: tf.Tensor2D): tf.Tensor2D {
  return tf.div(d, tf.maximum(tf.max(tf.abs(d), 1, true), TINY)) as tf.Tensor2D;
}

/** Floors a gauge at {@link TINY}. The gauge of a bounded set is positive for every non-zero direction, and a zero direction gives p whatever the divisor. */
export function positive(g: tf.Tensor2D): tf.Tensor2D {
  return tf.maximum(g, TINY) as tf.Tensor2D;
}

/** γ(U) for a batch of directions (B × r), as a B × 1 tensor. */
function gaugeOf(c: Constants, u: tf.Tensor2D, quadraticCount: number, r: number): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  if (c.inverseUpper !== null) {
    parts.push(tf.mul(u, c.inverseUpper) as tf.Tensor2D, tf.mul(tf.neg(u), c.inverseLower!) as tf.Tensor2D);
  }
  if (c.scaledRowsT !== null) parts.push(tf.matMul(u, c.scaledRowsT));
  if (c.curvatures !== null) {
    const batch = u.shape[0];
    const curvature = tf.sum(tf.mul(tf.reshape(tf.matMul(u, c.curvatures), [batch, quadraticCount, r]), tf.expandDims(u, 1)), 2) as tf.Tensor2D;
    const rate = tf.matMul(u, c.betas!);
    const root = tf.sqrt(tf.maximum(tf.add(tf.square(rate), tf.mul(c.twiceAbsC!, curvature)), TINY));
    // Both forms are the same root; each avoids cancellation on its side of β·u = 0. The mask
    // step(β·u) is 1 for β·u > 0 and 0 otherwise (the forms agree at 0). The unused form stays
    // finite (S + |β·u| > 0 for u ≠ 0), so masking it adds no NaN to the gradient.
    const outward = tf.div(tf.add(rate, root), c.twiceAbsC!);
    const inward = tf.div(curvature, tf.maximum(tf.add(root, tf.abs(rate)), TINY));
    const mask = tf.step(rate);
    parts.push(tf.add(tf.mul(mask, outward), tf.mul(tf.sub(1, mask), inward)) as tf.Tensor2D);
  }
  if (parts.length === 0) return tf.zeros([u.shape[0], 1]);
  const all = parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
  return tf.relu(tf.max(all, 1, true)) as tf.Tensor2D;
}

function buildConstants(set: PreparedSet): Constants {
  const r = set.freeDimension;
  // tf.keep: the constants outlive any tf.tidy the map is created in.
  const row = (values: ArrayLike<number>) => tf.keep(tf.tensor2d(Array.from(values), [1, values.length]));
  const constants: Constants = {
    interior: row(set.interior),
    scaledRowsT: null,
    curvatures: null,
    betas: null,
    twiceAbsC: null,
    inverseUpper: null,
    inverseLower: null,
    basis: null,
    basisT: null,
    offset: null,
    firstAxis: row(Array.from({ length: r }, (_, i) => (i === 0 ? 1 : 0))),
  };

  if (set.box !== null) {
    constants.inverseUpper = row(Array.from(set.box.upperSlack, (s) => 1 / s));
    constants.inverseLower = row(Array.from(set.box.lowerSlack, (s) => 1 / s));
  } else if (set.rows.length > 0) {
    const m = set.rows.length;
    const values = new Float32Array(r * m);
    set.rows.forEach((a, i) => {
      for (let k = 0; k < r; k++) values[k * m + i] = a[k]! / set.slack[i]!;
    });
    constants.scaledRowsT = tf.keep(tf.tensor2d(values, [r, m]));
  }

  const count = set.quadratics.length;
  if (count > 0) {
    const stacked = new Float32Array(r * count * r);
    const betas = new Float32Array(r * count);
    set.quadratics.forEach((q, j) => {
      for (let a = 0; a < r; a++) {
        for (let b = 0; b < r; b++) stacked[a * count * r + j * r + b] = q.P[a]![b]!;
        betas[a * count + j] = q.beta[a]!;
      }
    });
    constants.curvatures = tf.keep(tf.tensor2d(stacked, [r, count * r]));
    constants.betas = tf.keep(tf.tensor2d(betas, [r, count]));
    constants.twiceAbsC = row(set.quadratics.map((q) => 2 * Math.abs(q.c)));
  }

  if (set.basis !== null) {
    const n = set.dimension;
    const values = new Float32Array(n * r);
    set.basis.forEach((b, i) => values.set(Array.from(b), i * r));
    constants.basis = tf.keep(tf.tensor2d(values, [n, r]));
    constants.basisT = tf.keep(tf.transpose(constants.basis));
    constants.offset = row(set.offset);
  }
  return constants;
}
