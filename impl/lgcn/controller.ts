/**
 * The L²-GCN controller: a small LSTM that decides, every `decisionStep` epochs, whether to stop
 * training the current layer, trained by REINFORCE on cheap episodes over sampled subgraphs.
 *
 * At decision k (layer l, 0-based; ℓ_k the current training loss, ℓ_0 the loss at the run's first
 * decision) the input is
 *   u ∈ R^{L+1}, u_j = 0.1·(ℓ_k − ℓ_0 + 1) except u_{l+1} = 0.1,
 *   x = [u, E[2k' + a_{k-1}]]   with k' = min(k, T−1) and E an embedding table of 2T rows,
 *   (h, c) = LSTMCell(x, (h, c)),  p = softmax(Head_{k'}(h)),  p_stop = p[1].
 * The embedding width is 7 − L (at least 1), so x has 8 entries for L ≤ 6, as in the released
 * code. The LSTM state is carried across layers within a run. Clamping k to T−1 keeps long runs
 * from indexing past the last head.
 *
 * REINFORCE: an episode of cost c = ℓ_final + timeRatio·steps updates the moving baseline
 * b ← ratio·b + (1−ratio)·c and minimises (Σ_k log p(a_k)) · (c − b) with Adam.
 */
import type { Rng } from '../../harness/rng';
import { tf } from '../../harness/tensor/backend';
import { GraphValueError } from '../graph/errors';

/** Settings of the controller network and its REINFORCE update. */
export interface ControllerOptions {
  /** Number of GCN layers `L`. */
  layers: number;
  /** Number of decision heads `T` (`controller_len`). */
  length: number;
  learningRate: number;
  /** Initial moving baseline of the episode cost. */
  baselineInit: number;
  /** Weight of the old baseline in the moving average. */
  baselineRatio: number;
}

const HIDDEN = 8;

/** Returns the head used at decision `k` with `length` heads: `min(k, length − 1)`. */
export function clampHead(k: number, length: number): number {
  return Math.min(Math.max(0, k), length - 1);
}

/** Wraps `initial` in a variable and disposes the temporary tensor. */
function owned<R extends tf.Rank>(initial: tf.Tensor<R>): tf.Variable<R> {
  const variable = tf.variable(initial);
  initial.dispose();
  return variable;
}

/** One decision as recorded for the REINFORCE gradient. */
interface DecisionRecord {
  input: number[];
  embeddingRow: number;
  head: number;
  action: 0 | 1;
}

/** The LSTM stop controller of L²-GCN. */
export class StopController {
  readonly options: ControllerOptions;
  readonly embeddingWidth: number;
  private readonly kernel: tf.Variable<tf.Rank.R2>;
  private readonly bias: tf.Variable<tf.Rank.R1>;
  private readonly embedding: tf.Variable<tf.Rank.R2>;
  private readonly headWeights: tf.Variable<tf.Rank.R3>;
  private readonly headBias: tf.Variable<tf.Rank.R2>;
  private readonly optimizer: tf.Optimizer;
  private h: tf.Tensor2D;
  private c: tf.Tensor2D;
  private records: DecisionRecord[] = [];
  /** Current moving baseline of the episode cost. */
  baseline: number;

  constructor(options: ControllerOptions, rng: Rng) {
    const { layers, length } = options;
    if (!Number.isSafeInteger(layers) || layers < 1) throw new GraphValueError(`controller layers must be a positive integer, got ${layers}`);
    if (!Number.isSafeInteger(length) || length < 1) throw new GraphValueError(`controller length T must be a positive integer, got ${length}`);
    if (!(options.baselineRatio >= 0 && options.baselineRatio < 1)) throw new GraphValueError(`baselineRatio must be in [0, 1), got ${options.baselineRatio}`);
    this.options = options;
    this.embeddingWidth = Math.max(1, 7 - layers);
    const inputSize = layers + 1 + this.embeddingWidth;
    const bound = 1 / Math.sqrt(HIDDEN);
    const uniform = (count: number) => Float32Array.from({ length: count }, () => (2 * rng.float() - 1) * bound);
    this.kernel = owned(tf.tensor2d(uniform((inputSize + HIDDEN) * 4 * HIDDEN), [inputSize + HIDDEN, 4 * HIDDEN]));
    this.bias = owned(tf.tensor1d(uniform(4 * HIDDEN)));
    this.embedding = owned(tf.tensor2d(Float32Array.from({ length: 2 * length * this.embeddingWidth }, () => rng.normal()), [2 * length, this.embeddingWidth]));
    this.headWeights = owned(tf.tensor3d(uniform(length * HIDDEN * 2), [length, HIDDEN, 2]));
    this.headBias = owned(tf.tensor2d(uniform(length * 2), [length, 2]));
    this.optimizer = tf.train.adam(options.learningRate);
    this.baseline = options.baselineInit;
    this.h = tf.zeros([1, HIDDEN]);
    this.c = tf.zeros([1, HIDDEN]);
  }

  /** Starts a new run: zero LSTM state, no recorded decisions. */
  reset(): void {
    tf.dispose([this.h, this.c]);
    this.h = tf.zeros([1, HIDDEN]);
    this.c = tf.zeros([1, HIDDEN]);
    this.records = [];
  }

  /** Returns the controller input `u` for decision at `layer` with loss `loss` and first loss `loss0`. */
  inputVector(layer: number, loss: number, loss0: number): number[] {
    const u = new Array<number>(this.options.layers + 1).fill(0.1 * (loss - loss0 + 1));
    u[layer + 1] = 0.1;
    return u;
  }

  /** Returns the head index used for decision `k` (clamped to the last head). */
  headIndex(k: number): number {
    return clampHead(k, this.options.length);
  }

  /**
   * Advances the LSTM by one decision and returns the stop probability.
   *
   * @param k - decision index in this run (0-based)
   * @param previousAction - the action taken at the previous decision (0 at the first)
   */
  stopProbability(k: number, layer: number, loss: number, loss0: number, previousAction: 0 | 1): { pStop: number; record: Omit<DecisionRecord, 'action'> } {
    if (!Number.isFinite(loss) || !Number.isFinite(loss0)) throw new GraphValueError(`controller got a non-finite training loss (${loss}, first ${loss0}); the layer's training diverged`);
    const head = this.headIndex(k);
    const record = { input: this.inputVector(layer, loss, loss0), embeddingRow: 2 * head + previousAction, head };
    const [h, c, p] = tf.tidy(() => {
      const [nextH, nextC, probabilities] = this.cell(record, this.h, this.c);
      return [tf.keep(nextH), tf.keep(nextC), probabilities.dataSync()[1]!] as const;
    });
    tf.dispose([this.h, this.c]);
    this.h = h;
    this.c = c;
    return { pStop: p, record };
  }

  /** Records the action taken at a decision, for the REINFORCE gradient. */
  recordAction(record: Omit<DecisionRecord, 'action'>, action: 0 | 1): void {
    this.records.push({ ...record, action });
  }

  /** Samples an action from `pStop` with `rng` (1 = stop). */
  static sample(pStop: number, rng: Rng): 0 | 1 {
    return rng.float() < pStop ? 1 : 0;
  }

  /**
   * Returns the REINFORCE loss `(Σ_k log p(a_k)) · (cost − baseline)` of the recorded decisions,
   * recomputed from a zero LSTM state.
   */
  reinforceLoss(cost: number, baseline: number): tf.Scalar {
    return tf.tidy(() => {
      let h = tf.zeros([1, HIDDEN]) as tf.Tensor2D;
      let c = tf.zeros([1, HIDDEN]) as tf.Tensor2D;
      let logProbability = tf.scalar(0);
      for (const record of this.records) {
        const [nextH, nextC, probabilities] = this.cell(record, h, c);
        h = nextH;
        c = nextC;
        const chosen = tf.sum(tf.mul(probabilities, tf.tensor1d(record.action === 1 ? [0, 1] : [1, 0])));
        logProbability = tf.add(logProbability, tf.log(tf.add(chosen, 1e-12)));
      }
      return tf.mul(logProbability, cost - baseline) as tf.Scalar;
    });
  }

  /**
   * Ends an episode: updates the moving baseline with `cost`, takes one Adam step on the
   * REINFORCE loss and returns that loss.
   */
  finishEpisode(cost: number): number {
    if (!Number.isFinite(cost)) throw new GraphValueError(`episode cost is ${cost}; it must be finite`);
    const ratio = this.options.baselineRatio;
    this.baseline = ratio * this.baseline + (1 - ratio) * cost;
    if (this.records.length === 0) return 0;
    const value = this.optimizer.minimize(() => this.reinforceLoss(cost, this.baseline), true, this.variables());
    const loss = value!.dataSync()[0]!;
    value!.dispose();
    return loss;
  }

  /** Returns the number of decisions recorded in the current run. */
  get decisions(): number {
    return this.records.length;
  }

  /** Releases every tensor of the controller. */
  dispose(): void {
    tf.dispose([this.h, this.c, ...this.variables()]);
    this.optimizer.dispose();
  }

  private variables(): tf.Variable[] {
    return [this.kernel, this.bias, this.embedding, this.headWeights, this.headBias];
  }

  private cell(record: Omit<DecisionRecord, 'action'>, h: tf.Tensor2D, c: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D] {
    // Embedding lookup as a one-hot product, whose gradient needs no scatter kernel.
    const rows = 2 * this.options.length;
    const embedded = tf.matMul(tf.oneHot(tf.tensor1d([record.embeddingRow], 'int32'), rows).toFloat(), this.embedding);
    const x = tf.concat([tf.tensor2d([record.input]), embedded, h], 1);
    const gates = tf.add(tf.matMul(x, this.kernel), this.bias);
    const [i, f, g, o] = tf.split(gates, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const nextC = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
    const nextH = tf.mul(tf.sigmoid(o), tf.tanh(nextC)) as tf.Tensor2D;
    const headW = tf.squeeze(tf.slice(this.headWeights, [record.head, 0, 0], [1, HIDDEN, 2]), [0]) as tf.Tensor2D;
    const headB = tf.slice(this.headBias, [record.head, 0], [1, 2]);
    const probabilities = tf.softmax(tf.add(tf.matMul(nextH, headW), headB)).reshape([2]) as tf.Tensor1D;
    return [nextH, nextC, probabilities];
  }
}
