/**
 * The contextual SBM generator and the node splits: what the generated graph promises (size,
 * distinct unit edges, homophily at its extremes, class-dependent features, determinism per
 * seed) and what a split promises (disjoint sorted parts of the requested sizes).
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { caseInvariant, propertyInvariant } from '../../harness/testing/invariant';
import { CSBM_DEFAULTS, edgeCount, generateCsbm, nnz, proportionalSizes, randomSplit, validateGraph, type CsbmOptions, type Graph, type NodeSplit } from '../../impl/graph/index';

type Generator = (options: CsbmOptions) => Graph;

/** Control: every graph is drawn with homophily 0.5, whatever was requested. */
const ignoresHomophily: Generator = (options) => generateCsbm({ ...options, homophily: 0.5 });

/** Returns the edges as [i, j] pairs with i < j. */
function edgesOf(graph: Graph): [number, number][] {
  const edges: [number, number][] = [];
  const a = graph.adjacency;
  for (let i = 0; i < a.rows; i++) for (let k = a.indptr[i]!; k < a.indptr[i + 1]!; k++) if (a.indices[k]! > i) edges.push([i, a.indices[k]!]);
  return edges;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Checks the size, validity, edge count and determinism of one generated graph, and lists the problems. */
function checkShape(generate: Generator, options: CsbmOptions): string[] {
  const label = `CSBM ${options.nodes} nodes, ${options.classes} classes, d=${options.meanDegree}, h=${options.homophily}, seed ${options.seed}`;
  const problems: string[] = [];
  const graph = generate(options);
  try {
    validateGraph(graph);
  } catch (error) {
    return [`${label}: invalid graph: ${(error as Error).message}`];
  }
  const target = Math.round((options.nodes * options.meanDegree) / 2);
  if (graph.nodes !== options.nodes || graph.classCount !== options.classes || graph.featureCount !== options.featureCount) problems.push(`${label}: got ${graph.nodes} nodes, ${graph.classCount} classes, ${graph.featureCount} features`);
  if (edgeCount(graph.adjacency) !== target || nnz(graph.adjacency) !== 2 * target) problems.push(`${label}: ${nnz(graph.adjacency)} stored entries, expected ${2 * target}`);
  if (!graph.adjacency.data.every((w) => w === 1)) problems.push(`${label}: an edge weight is not 1, so an edge was drawn twice`);
  for (const part of [`${options.nodes} nodes`, `${target} edges`, `${options.classes} classes`, `seed ${options.seed}`]) if (!graph.name.includes(part)) problems.push(`${label}: name '${graph.name}' lacks '${part}'`);

  const again = generate(options);
  const same = again.adjacency.indices.every((v, k) => v === graph.adjacency.indices[k]) && again.features.every((v, k) => v === graph.features[k]) && again.labels.every((v, k) => v === graph.labels[k]);
  if (!same) problems.push(`${label}: the same seed gave a different graph`);
  const other = generate({ ...options, seed: options.seed + 1 });
  if (other.features.every((v, k) => v === graph.features[k])) problems.push(`${label}: seed ${options.seed + 1} gave the same features`);
  return problems;
}

function checkGenerator(generate: Generator): { runs: number; failures: string[] } {
  const failures: string[] = [];
  const base: CsbmOptions = { nodes: 60, classes: 3, meanDegree: 4, homophily: 0.5, featureCount: 3, featureSignal: 1, seed: 11 };
  const shapes: CsbmOptions[] = [base, { ...base, classes: 1, seed: 4 }, { ...base, nodes: 3, classes: 8, meanDegree: 1, homophily: 0, seed: 2 }, { ...base, meanDegree: 0 }, { ...CSBM_DEFAULTS, nodes: 120, seed: 6 }];
  for (const options of shapes) failures.push(...checkShape(generate, options));

  // The documented defaults: 8 classes, mean degree 20, 32 features.
  const defaults = generate({ ...CSBM_DEFAULTS, nodes: 120, seed: 6 });
  if (defaults.classCount !== 8 || defaults.featureCount !== 32 || edgeCount(defaults.adjacency) !== 1200) failures.push(`defaults: ${defaults.classCount} classes, ${defaults.featureCount} features, ${edgeCount(defaults.adjacency)} edges`);

  // Homophily 1 keeps every edge inside a class, homophily 0 none.
  for (const homophily of [0, 1]) {
    for (const seed of [1, 2, 3]) {
      const graph = generate({ ...base, homophily, seed });
      const wrong = edgesOf(graph).filter(([i, j]) => (graph.labels[i] === graph.labels[j]) !== (homophily === 1));
      if (wrong.length > 0) failures.push(`homophily ${homophily}, seed ${seed}: ${wrong.length} edges such as ${wrong[0]!.join('–')} join the wrong classes`);
    }
  }

  // The graph of one seed is pinned, so generated graphs in reports stay comparable across commits.
  const pinned = generate({ nodes: 8, classes: 2, meanDegree: 2, homophily: 0.5, featureCount: 3, featureSignal: 1, seed: 7 });
  const pinnedFeatures = [-1.0378, 0.8845, 1.9458, 0.3919, -0.8563, 1.2633, 0.2171, -1.6197, 0.7447, -2.3254, -1.4408, 1.514, -1.5969, -1.1884, 1.774, -0.9974, 0.9532, 0.5481, -1.7712, 1.7111, 2.5152, -0.104, -1.9537, 0.734];
  if (pinned.labels.join() !== '0,0,1,1,1,0,0,1') failures.push(`seed 7: labels ${pinned.labels.join()} differ from the recorded ones`);
  if (pinned.adjacency.indptr.join() !== '0,1,2,5,7,8,10,13,16' || pinned.adjacency.indices.join() !== '2,5,0,3,7,2,6,6,1,7,3,4,7,2,5,6') failures.push('seed 7: edges differ from the recorded ones');
  if (!pinnedFeatures.every((x, k) => Math.abs(pinned.features[k]! - x) <= 1e-4)) failures.push(`seed 7: features ${Array.from(pinned.features.subarray(0, 6)).join(', ')}… differ from the recorded ones`);

  // Features x = μ·m_y + ε: noise of unit variance inside a class, and class means whose absolute
  // values have the median of |N(0, μ²)|, 0.674·μ.
  const features = generate({ nodes: 600, classes: 4, meanDegree: 2, homophily: 0.5, featureCount: 16, featureSignal: 1, seed: 9 });
  const sums = new Float64Array(4 * 16);
  const squares = new Float64Array(4 * 16);
  const counts = new Float64Array(4);
  for (let v = 0; v < features.nodes; v++) {
    const y = features.labels[v]!;
    counts[y]!++;
    for (let c = 0; c < 16; c++) {
      const x = features.features[v * 16 + c]!;
      sums[y * 16 + c]! += x;
      squares[y * 16 + c]! += x * x;
    }
  }
  const means: number[] = [];
  let variance = 0;
  for (let y = 0; y < 4; y++) {
    for (let c = 0; c < 16; c++) {
      const mean = sums[y * 16 + c]! / counts[y]!;
      means.push(Math.abs(mean));
      variance += (squares[y * 16 + c]! / counts[y]! - mean * mean) / 64;
    }
  }
  const spread = median(means);
  if (!(spread >= 0.45 && spread <= 1)) failures.push(`features: median |class mean| is ${spread.toFixed(3)}, expected about 0.674 for μ = 1`);
  if (!(variance >= 0.85 && variance <= 1.15)) failures.push(`features: mean within-class variance is ${variance.toFixed(3)}, expected about 1`);
  return { runs: shapes.length + 9, failures };
}

type Split = typeof randomSplit;

/** Control: the first test node is replaced by the first training node. */
const overlappingSplit: Split = (nodes, sizes, seed) => {
  const split = randomSplit(nodes, sizes, seed);
  const test = split.test.slice();
  test[0] = split.train[0]!;
  return { ...split, test: test.sort() };
};

const splitCase = fc.integer({ min: 2, max: 40 }).chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    train: fc.integer({ min: 1, max: nodes - 1 }),
    validationShare: fc.double({ min: 0, max: 1, noNaN: true }),
    testShare: fc.double({ min: 0, max: 1, noNaN: true }),
    seed: fc.integer({ min: 0, max: 1000 }),
  }),
);

function isSortedPart(part: Int32Array, nodes: number): boolean {
  return part.every((v, k) => v >= 0 && v < nodes && (k === 0 || v > part[k - 1]!));
}

describe('generated graphs and splits', () => {
  caseInvariant<Generator>({
    id: 'lgcn/csbm-generator',
    subject: generateCsbm,
    controls: [{ name: 'generator that ignores the homophily', subject: ignoresHomophily }],
    check: checkGenerator,
  });

  propertyInvariant<Split>({
    id: 'lgcn/node-split',
    subject: randomSplit,
    controls: [{ name: 'split whose test part overlaps the training part', subject: overlappingSplit }],
    property: (split) =>
      fc.property(splitCase, ({ nodes, train, validationShare, testShare, seed }) => {
        const validation = Math.floor(validationShare * (nodes - train - 1));
        const test = Math.max(1, Math.floor(testShare * (nodes - train - validation)));
        const sizes = { train, validation, test };
        const parts: NodeSplit = split(nodes, sizes, seed);
        if (parts.train.length !== train || parts.validation.length !== validation || parts.test.length !== test) return false;
        if (![parts.train, parts.validation, parts.test].every((part) => isSortedPart(part, nodes))) return false;
        const all = new Set([...parts.train, ...parts.validation, ...parts.test]);
        if (all.size !== train + validation + test) return false;
        if (!parts.description.includes(`seed ${seed}`) || !parts.description.includes(`${train} train, ${validation} validation, ${test} test`)) return false;
        const again = split(nodes, sizes, seed);
        if (!again.train.every((v, k) => v === parts.train[k]) || !again.test.every((v, k) => v === parts.test[k])) return false;

        // Proportional sizes: Cora's own split, and the limits on tiny graphs.
        const cora = proportionalSizes(2708);
        const ten = proportionalSizes(10);
        const two = proportionalSizes(2);
        if (cora.train !== 1208 || cora.validation !== 500 || cora.test !== 1000) return false;
        if (ten.train !== 4 || ten.validation !== 1 || ten.test !== 3) return false;
        if (two.train !== 1 || two.validation !== 0 || two.test !== 1) return false;
        const own = proportionalSizes(nodes);
        return own.train >= 1 && own.test >= 1 && own.train + own.validation + own.test <= nodes;
      }),
  });
});
