/**
 * Generators of small graphs, feature matrices and GCN weights for the GCN properties, and a
 * float64 cross-entropy oracle.
 */
import fc from 'fast-check';
import { csrFromCoo, symmetrize, type CsrMatrix, type DenseMatrix } from '../../impl/graph/index';
import type { GcnWeights } from '../../impl/gcn/index';

/** A small undirected graph (possibly with isolated nodes) as a symmetric binary adjacency. */
export interface SmallGraph {
  n: number;
  adjacency: CsrMatrix;
}

/** Arbitrary undirected graphs with `minNodes..maxNodes` nodes and up to `2n` random edges. */
export function smallGraph(minNodes = 1, maxNodes = 10): fc.Arbitrary<SmallGraph> {
  return fc.integer({ min: minNodes, max: maxNodes }).chain((n) =>
    fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), { maxLength: 2 * n }).map((pairs) => ({
      n,
      adjacency: symmetrize(csrFromCoo(n, n, pairs.map((p) => p[0]), pairs.map((p) => p[1]))),
    })),
  );
}

/** A dense matrix of the given shape with entries in [-2, 2] (multiples of 1/64, so no subnormals). */
export function denseMatrix(rows: number, cols: number): fc.Arbitrary<DenseMatrix> {
  return fc.array(fc.integer({ min: -128, max: 128 }), { minLength: rows * cols, maxLength: rows * cols }).map((values) => ({ rows, cols, data: Float64Array.from(values, (v) => v / 64) }));
}

/** GCN weights for `inputs` features, `layers` layers of `hidden` units and `classes` classes. */
export function gcnWeights(inputs: number, hidden: number, layers: number, classes: number): fc.Arbitrary<GcnWeights> {
  const layerArbs = Array.from({ length: layers }, (_, l) => denseMatrix(l === 0 ? inputs : hidden, hidden));
  return fc.tuple(fc.tuple(...layerArbs), denseMatrix(hidden, classes)).map(([ls, classifier]) => ({ layers: [...ls], classifier }));
}

/** A graph with features, labels and weights of a GCN on it. */
export interface GcnCase {
  graph: SmallGraph;
  features: DenseMatrix;
  labels: Int32Array;
  classes: number;
  weights: GcnWeights;
}

/** Arbitrary GCN cases: a small graph, F features, C classes and L layers of H units. */
export function gcnCase(options: { minNodes?: number; maxNodes?: number; minLayers?: number; maxLayers?: number } = {}): fc.Arbitrary<GcnCase> {
  return fc
    .record({
      graph: smallGraph(options.minNodes ?? 1, options.maxNodes ?? 9),
      featureCount: fc.integer({ min: 1, max: 5 }),
      hidden: fc.integer({ min: 1, max: 4 }),
      layers: fc.integer({ min: options.minLayers ?? 1, max: options.maxLayers ?? 3 }),
      classes: fc.integer({ min: 2, max: 4 }),
    })
    .chain(({ graph, featureCount, hidden, layers, classes }) =>
      fc.record({
        graph: fc.constant(graph),
        features: denseMatrix(graph.n, featureCount),
        labels: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: graph.n, maxLength: graph.n }).map((l) => Int32Array.from(l)),
        classes: fc.constant(classes),
        weights: gcnWeights(featureCount, hidden, layers, classes),
      }),
    );
}

/** Mean softmax cross-entropy of `logits` rows `nodes` in float64. */
export function crossEntropyOracle(logits: DenseMatrix, labels: ArrayLike<number>, nodes: ArrayLike<number>): number {
  let sum = 0;
  for (let t = 0; t < nodes.length; t++) {
    const v = nodes[t]!;
    const row = Array.from(logits.data.subarray(v * logits.cols, (v + 1) * logits.cols));
    const max = Math.max(...row);
    const logSum = max + Math.log(row.reduce((a, z) => a + Math.exp(z - max), 0));
    sum += logSum - row[labels[v]!]!;
  }
  return sum / nodes.length;
}

/** Converts a float64 dense matrix to float32 row-major values. */
export function toFloat32(m: DenseMatrix): Float32Array {
  return Float32Array.from(m.data);
}
