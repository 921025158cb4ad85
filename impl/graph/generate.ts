/**
 * A generator of large graphs with community structure and informative features: a K-class
 * contextual stochastic block model in its fixed-edge-count form.
 *
 * Each node gets a class `y_i` uniformly from K classes. The graph has `m = round(N·d/2)` distinct
 * undirected edges. Each edge joins a uniformly drawn node `i` to a partner `j` from the same class
 * with probability `h` (the homophily), otherwise to one drawn uniformly from the other classes.
 * Duplicates and self-loops are redrawn. Features are `x_i = μ·m_{y_i} + ε_i` with class means
 * `m_k ~ N(0, I_F)` and noise `ε_i ~ N(0, I_F)`, so `μ` sets how informative features are on
 * their own, and `h` how much aggregating neighbours helps.
 */
import { Rng } from '../../harness/rng';
import { csrFromCoo } from './csr';
import { GraphValueError } from './errors';
import type { Graph } from './graph';

/** Settings of {@link generateCsbm}. */
export interface CsbmOptions {
  nodes: number;
  classes: number;
  /** Mean degree `d`. */
  meanDegree: number;
  /** Probability that an edge joins two nodes of the same class, in [0, 1]. */
  homophily: number;
  featureCount: number;
  /** Feature signal `μ` (scale of the class means relative to unit noise). */
  featureSignal: number;
  seed: number;
}

/** Default settings of the scale runs: 8 classes, mean degree 20, 32 features. */
export const CSBM_DEFAULTS: Omit<CsbmOptions, 'nodes' | 'seed'> = { classes: 8, meanDegree: 20, homophily: 0.4, featureCount: 32, featureSignal: 0.25 };

/**
 * Generates a contextual SBM graph.
 *
 * @example const g = generateCsbm({ ...CSBM_DEFAULTS, nodes: 10_000, seed: 1 });
 * @throws GraphValueError for settings outside their range (names the setting and the range)
 */
export function generateCsbm(options: CsbmOptions): Graph {
  checkOptions(options);
  const { nodes, classes, meanDegree, homophily, featureCount, featureSignal } = options;
  const rng = new Rng(options.seed);

  // Classes and the node lists of each class.
  const labels = new Int32Array(nodes);
  const members: number[][] = Array.from({ length: classes }, () => []);
  for (let v = 0; v < nodes; v++) {
    const y = rng.int(0, classes - 1);
    labels[v] = y;
    members[y]!.push(v);
  }

  // Distinct undirected edges, keyed i·N + j with i < j (exact in float64 for N < 2^26).
  const target = Math.round((nodes * meanDegree) / 2);
  const keys = new Set<number>();
  const maxEdges = (nodes * (nodes - 1)) / 2;
  if (target > maxEdges) throw new GraphValueError(`meanDegree ${meanDegree} asks for ${target} edges but ${nodes} nodes have at most ${maxEdges}; lower meanDegree`);
  let attempts = 0;
  while (keys.size < target) {
    if (++attempts > 50 * target + 1000) throw new GraphValueError(`could not place ${target} distinct edges; lower meanDegree or homophily`);
    const i = rng.int(0, nodes - 1);
    const own = labels[i]!;
    let j: number;
    if (classes === 1 || rng.bool(homophily)) j = rng.pick(members[own]!);
    else {
      let other = rng.int(0, classes - 2);
      if (other >= own) other++;
      const pool = members[other]!;
      if (pool.length === 0) continue;
      j = rng.pick(pool);
    }
    if (i === j) continue;
    keys.add(i < j ? i * nodes + j : j * nodes + i);
  }
  const rowIndex = new Int32Array(2 * target);
  const colIndex = new Int32Array(2 * target);
  let e = 0;
  for (const key of keys) {
    const i = Math.floor(key / nodes);
    const j = key - i * nodes;
    rowIndex[e] = i;
    colIndex[e++] = j;
    rowIndex[e] = j;
    colIndex[e++] = i;
  }
  const adjacency = csrFromCoo(nodes, nodes, rowIndex, colIndex);

  // Features: class mean times μ plus unit Gaussian noise.
  const means = new Float64Array(classes * featureCount);
  for (let k = 0; k < means.length; k++) means[k] = rng.normal();
  const features = new Float32Array(nodes * featureCount);
  for (let v = 0; v < nodes; v++) {
    const base = labels[v]! * featureCount;
    for (let c = 0; c < featureCount; c++) features[v * featureCount + c] = featureSignal * means[base + c]! + rng.normal();
  }

  return {
    name: `generated: contextual SBM, ${nodes} nodes, ${target} edges, ${classes} classes, homophily ${homophily}, ${featureCount} features, μ=${featureSignal}, seed ${options.seed}`,
    nodes,
    adjacency,
    features,
    featureCount,
    labels,
    classCount: classes,
  };
}

function checkOptions(o: CsbmOptions): void {
  const integer = (name: string, value: number, min: number) => {
    if (!Number.isSafeInteger(value) || value < min) throw new GraphValueError(`CSBM ${name} must be an integer ≥ ${min}, got ${value}`);
  };
  integer('nodes', o.nodes, 2);
  integer('classes', o.classes, 1);
  integer('featureCount', o.featureCount, 1);
  if (o.nodes >= 2 ** 26) throw new GraphValueError(`CSBM nodes must be below 2^26 (67,108,864), got ${o.nodes}`);
  if (!(o.meanDegree >= 0 && Number.isFinite(o.meanDegree))) throw new GraphValueError(`CSBM meanDegree must be finite and ≥ 0, got ${o.meanDegree}`);
  if (!(o.homophily >= 0 && o.homophily <= 1)) throw new GraphValueError(`CSBM homophily must be in [0, 1], got ${o.homophily}`);
  if (!Number.isFinite(o.featureSignal)) throw new GraphValueError(`CSBM featureSignal must be finite, got ${o.featureSignal}`);
}
