/**
 * Bad input to the graph layer gets a named error whose message names the bad value and the fix:
 * malformed CSR matrices, coordinate lists out of range, shape mismatches of the products,
 * invalid subgraph node lists and permutations, inconsistent graphs, invalid normalisation
 * settings, generator settings and split sizes. Inputs just inside each limit must be accepted.
 */
import { describe } from 'vitest';
import { caseInvariant, type CaseOutcome } from '../../harness/testing/invariant';
import {
  csrFromCoo,
  generateCsbm,
  GraphIndexError,
  GraphValueError,
  inducedSubgraph,
  matmul,
  normalizeAdjacency,
  permuteMatrix,
  randomSplit,
  spmm,
  spmmFloat32,
  symmetrize,
  validateCsr,
  validateGraph,
  CSBM_DEFAULTS,
  type CsrMatrix,
  type Graph,
} from '../../impl/graph/index';

/** The entry points of the graph layer that check their input. */
interface GraphApi {
  validateCsr: typeof validateCsr;
  csrFromCoo: typeof csrFromCoo;
  symmetrize: typeof symmetrize;
  inducedSubgraph: typeof inducedSubgraph;
  permuteMatrix: typeof permuteMatrix;
  validateGraph: typeof validateGraph;
  normalizeAdjacency: typeof normalizeAdjacency;
  spmm: typeof spmm;
  spmmFloat32: typeof spmmFloat32;
  matmul: typeof matmul;
  generateCsbm: typeof generateCsbm;
  randomSplit: typeof randomSplit;
}

const realApi: GraphApi = { validateCsr, csrFromCoo, symmetrize, inducedSubgraph, permuteMatrix, validateGraph, normalizeAdjacency, spmm, spmmFloat32, matmul, generateCsbm, randomSplit };

/** Control: a CSR validator that accepts every matrix. */
const acceptingValidator: GraphApi = { ...realApi, validateCsr: () => undefined };

/** Control: every error keeps its class but loses its message. */
function withoutMessages(api: GraphApi): GraphApi {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(api) as [string, (...args: unknown[]) => unknown][]) {
    wrapped[name] = (...args: unknown[]) => {
      try {
        return fn(...args);
      } catch (error) {
        const type = (error as Error).constructor as new (message: string) => Error;
        throw new type('invalid input');
      }
    };
  }
  return wrapped as unknown as GraphApi;
}

type ErrorClass = typeof GraphIndexError | typeof GraphValueError;

/** A call that must raise `type` with a message matching every pattern. */
interface RejectedCase {
  label: string;
  call: (api: GraphApi) => unknown;
  type: ErrorClass;
  message: readonly RegExp[];
}

/** A call just inside the limits, which must not raise. */
interface AcceptedCase {
  label: string;
  call: (api: GraphApi) => unknown;
}

function csr(rows: number, cols: number, indptr: number[], indices: number[], data: number[]): CsrMatrix {
  return { rows, cols, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), data: Float64Array.from(data) };
}

/** The path graph 0 – 1 – 2 with unit weights. */
const path3 = csr(3, 3, [0, 1, 3, 4], [1, 0, 2, 1], [1, 1, 1, 1]);

/** A valid three-node graph built on `path3`; `changes` replaces some of its fields. */
function graph(changes: Partial<Graph> = {}): Graph {
  return { name: 'guard case', nodes: 3, adjacency: path3, features: Float32Array.from([1, 0, 0, 1, 1, 1]), featureCount: 2, labels: Int32Array.from([0, 1, 1]), classCount: 2, ...changes };
}

const csbm = { ...CSBM_DEFAULTS, nodes: 20, classes: 2, meanDegree: 2, featureCount: 2, seed: 5 };
const sizes = { train: 2, validation: 1, test: 2 };

const rejected: readonly RejectedCase[] = [
  // validateCsr: shape, pointers, index ranges, order and values.
  { label: 'csr rows not an integer', call: (api) => api.validateCsr(csr(1.5, 2, [0, 0], [], [])), type: GraphValueError, message: [/^matrix /, /1\.5×2/, /non-negative integers/] },
  { label: 'csr cols not an integer', call: (api) => api.validateCsr(csr(1, 2.5, [0, 0], [], [])), type: GraphValueError, message: [/1×2\.5/, /non-negative integers/] },
  { label: 'csr rows negative', call: (api) => api.validateCsr(csr(-1, 2, [], [], [])), type: GraphValueError, message: [/-1×2/, /non-negative integers/] },
  { label: 'csr cols negative', call: (api) => api.validateCsr(csr(1, -2, [0, 0], [], []), 'weights'), type: GraphValueError, message: [/^weights /, /1×-2/] },
  { label: 'csr indptr too short', call: (api) => api.validateCsr(csr(2, 2, [0, 0], [], [])), type: GraphIndexError, message: [/^matrix: /, /length 2/, /rows \+ 1 = 3/] },
  { label: 'csr indptr not from 0', call: (api) => api.validateCsr(csr(1, 2, [1, 1], [0], [1])), type: GraphIndexError, message: [/indptr\[0\] is 1/, /expected 0/] },
  { label: 'csr more indices than indptr', call: (api) => api.validateCsr(csr(1, 2, [0, 1], [0, 1], [1])), type: GraphIndexError, message: [/ends at 1/, /2 indices and 1 values/, /must agree/] },
  { label: 'csr more values than indptr', call: (api) => api.validateCsr(csr(1, 2, [0, 1], [0], [1, 1])), type: GraphIndexError, message: [/ends at 1/, /1 indices and 2 values/] },
  { label: 'csr indptr decreasing', call: (api) => api.validateCsr(csr(3, 3, [0, 2, 1, 2], [0, 1], [1, 1])), type: GraphIndexError, message: [/decreases at row 1/, /2 > 1/] },
  { label: 'csr negative column', call: (api) => api.validateCsr(csr(2, 3, [0, 0, 1], [-1], [1])), type: GraphIndexError, message: [/row 1 has column index -1/, /outside \[0, 3\)/, /declared shape/] },
  { label: 'csr column equal to cols', call: (api) => api.validateCsr(csr(2, 3, [0, 1, 2], [0, 3], [1, 1])), type: GraphIndexError, message: [/row 1 has column index 3/, /outside \[0, 3\)/] },
  { label: 'csr duplicate column', call: (api) => api.validateCsr(csr(1, 3, [0, 2], [1, 1], [1, 1])), type: GraphIndexError, message: [/duplicate column index 1/, /csrFromCoo/] },
  { label: 'csr unsorted columns', call: (api) => api.validateCsr(csr(2, 3, [0, 0, 2], [2, 0], [1, 1])), type: GraphIndexError, message: [/row 1 has unsorted/, /index 0/] },
  { label: 'csr NaN value', call: (api) => api.validateCsr(csr(2, 3, [0, 1, 2], [0, 2], [1, Number.NaN])), type: GraphValueError, message: [/entry \(1, 2\) is NaN/, /must be finite/] },
  { label: 'csr infinite value', call: (api) => api.validateCsr(csr(1, 3, [0, 1], [1], [Number.POSITIVE_INFINITY])), type: GraphValueError, message: [/entry \(0, 1\) is Infinity/] },

  // csrFromCoo: lengths and ranges of the coordinates.
  { label: 'coo column list short', call: (api) => api.csrFromCoo(2, 2, [0, 1], [1]), type: GraphValueError, message: [/equally long/, /got 2, 1 and undefined/] },
  { label: 'coo value list short', call: (api) => api.csrFromCoo(2, 2, [0, 1], [1, 0], [1]), type: GraphValueError, message: [/got 2, 2 and 1/] },
  { label: 'coo negative row', call: (api) => api.csrFromCoo(3, 4, [-1], [0]), type: GraphIndexError, message: [/node index -1 is outside \[0, 3\)/] },
  { label: 'coo row equal to rows', call: (api) => api.csrFromCoo(3, 4, [0, 3], [0, 0]), type: GraphIndexError, message: [/node index 3 is outside \[0, 3\)/] },
  { label: 'coo fractional row', call: (api) => api.csrFromCoo(3, 4, [1.5], [0]), type: GraphIndexError, message: [/node index 1\.5/] },
  { label: 'coo negative column', call: (api) => api.csrFromCoo(3, 4, [0], [-2]), type: GraphIndexError, message: [/node index -2 is outside \[0, 4\)/] },
  { label: 'coo column equal to cols', call: (api) => api.csrFromCoo(3, 4, [0], [4]), type: GraphIndexError, message: [/node index 4 is outside \[0, 4\)/] },
  { label: 'coo fractional column', call: (api) => api.csrFromCoo(3, 4, [0], [0.5]), type: GraphIndexError, message: [/node index 0\.5/] },

  // Products.
  { label: 'spmm inner sizes differ', call: (api) => api.spmm(path3, { rows: 2, cols: 1, data: new Float64Array(2) }), type: GraphValueError, message: [/3×3/, /has 2 rows/] },
  { label: 'spmmFloat32 factor too short', call: (api) => api.spmmFloat32(path3, new Float32Array(5), 2), type: GraphValueError, message: [/holds 5 values/, /not 3×2/] },
  { label: 'matmul inner sizes differ', call: (api) => api.matmul({ rows: 1, cols: 2, data: new Float64Array(2) }, { rows: 3, cols: 1, data: new Float64Array(3) }), type: GraphValueError, message: [/1×2 times 3×1/] },

  // Graph operations.
  { label: 'symmetrize non-square', call: (api) => api.symmetrize(csr(2, 3, [0, 0, 0], [], [])), type: GraphValueError, message: [/must be square/, /2×3/] },
  { label: 'subgraph negative node', call: (api) => api.inducedSubgraph(path3, [0, -1]), type: GraphIndexError, message: [/subgraph node -1 is outside \[0, 3\)/] },
  { label: 'subgraph node equal to N', call: (api) => api.inducedSubgraph(path3, [3]), type: GraphIndexError, message: [/subgraph node 3 is outside \[0, 3\)/] },
  { label: 'subgraph node twice', call: (api) => api.inducedSubgraph(path3, [2, 0, 2]), type: GraphIndexError, message: [/subgraph node 2 is listed twice/] },
  { label: 'permutation too short', call: (api) => api.permuteMatrix(path3, [0, 1]), type: GraphValueError, message: [/length 2, expected 3/] },
  { label: 'permutation entry negative', call: (api) => api.permuteMatrix(path3, [0, -1, 2]), type: GraphIndexError, message: [/entry -1 at 1/, /permutation of 0\.\.2/] },
  { label: 'permutation entry equal to N', call: (api) => api.permuteMatrix(path3, [3, 1, 0]), type: GraphIndexError, message: [/entry 3 at 0/] },
  { label: 'permutation entry repeated', call: (api) => api.permuteMatrix(path3, [1, 0, 1]), type: GraphIndexError, message: [/entry 1 at 2/, /repeated/] },
  { label: 'graph adjacency rows', call: (api) => api.validateGraph(graph({ nodes: 2, features: new Float32Array(4), labels: new Int32Array(2) })), type: GraphValueError, message: [/adjacency is 3×3 but the graph has 2 nodes/] },
  { label: 'graph adjacency rows only', call: (api) => api.validateGraph(graph({ adjacency: csr(2, 3, [0, 1, 2], [1, 0], [1, 1]) })), type: GraphValueError, message: [/adjacency is 2×3 but the graph has 3 nodes/] },
  { label: 'graph adjacency cols', call: (api) => api.validateGraph(graph({ adjacency: csr(3, 4, [0, 1, 3, 4], [1, 0, 2, 1], [1, 1, 1, 1]) })), type: GraphValueError, message: [/adjacency is 3×4/] },
  { label: 'graph adjacency malformed', call: (api) => api.validateGraph(graph({ adjacency: csr(3, 3, [0, 1, 3, 4], [1, 2, 0, 1], [1, 1, 1, 1]) })), type: GraphIndexError, message: [/^adjacency: row 1 has unsorted/] },
  { label: 'graph self-loop', call: (api) => api.validateGraph(graph({ adjacency: csr(3, 3, [0, 1, 3, 5], [1, 0, 2, 1, 2], [1, 1, 1, 1, 1]) })), type: GraphValueError, message: [/self-loop at node 2/, /symmetrize\(\)/] },
  { label: 'graph features short', call: (api) => api.validateGraph(graph({ features: new Float32Array(5) })), type: GraphValueError, message: [/features hold 5 values/, /3 × 2/] },
  { label: 'graph NaN feature', call: (api) => api.validateGraph(graph({ features: Float32Array.from([1, 0, 0, 1, 1, Number.NaN]) })), type: GraphValueError, message: [/feature 1 of node 2 is NaN/, /must be finite/] },
  { label: 'graph labels short', call: (api) => api.validateGraph(graph({ labels: Int32Array.from([0, 1]) })), type: GraphValueError, message: [/2 labels for 3 nodes/, /one label per node/] },
  { label: 'graph label negative', call: (api) => api.validateGraph(graph({ labels: Int32Array.from([0, 1, -1]) })), type: GraphValueError, message: [/label -1 of node 2 is outside \[0, 2\)/] },
  { label: 'graph label equal to classCount', call: (api) => api.validateGraph(graph({ labels: Int32Array.from([0, 2, 1]) })), type: GraphValueError, message: [/label 2 of node 1 is outside \[0, 2\)/] },

  // Normalisation settings and edge weights.
  { label: 'normalize negative lambda', call: (api) => api.normalizeAdjacency(path3, { kind: 'diagonal-enhanced', lambda: -0.5 }), type: GraphValueError, message: [/finite λ ≥ 0, got -0\.5/] },
  { label: 'normalize infinite lambda', call: (api) => api.normalizeAdjacency(path3, { kind: 'diagonal-enhanced', lambda: Number.POSITIVE_INFINITY }), type: GraphValueError, message: [/got Infinity/] },
  { label: 'normalize NaN lambda', call: (api) => api.normalizeAdjacency(path3, { kind: 'diagonal-enhanced', lambda: Number.NaN }), type: GraphValueError, message: [/got NaN/] },
  { label: 'normalize self-loop', call: (api) => api.normalizeAdjacency(csr(2, 2, [0, 1, 2], [1, 1], [1, 1]), { kind: 'random-walk' }), type: GraphValueError, message: [/self-loop at node 1/, /remove it first/] },
  { label: 'normalize negative weight', call: (api) => api.normalizeAdjacency(csr(2, 2, [0, 1, 2], [1, 0], [1, -2]), { kind: 'lgcn' }), type: GraphValueError, message: [/edge \(1, 0\) has weight -2/, /non-negative/] },
  { label: 'normalize NaN weight', call: (api) => api.normalizeAdjacency(csr(2, 2, [0, 1, 2], [1, 0], [Number.NaN, 1]), { kind: 'symmetric' }), type: GraphValueError, message: [/edge \(0, 1\) has weight NaN/] },

  // Contextual SBM settings.
  { label: 'csbm one node', call: (api) => api.generateCsbm({ ...csbm, nodes: 1 }), type: GraphValueError, message: [/CSBM nodes must be an integer ≥ 2, got 1/] },
  { label: 'csbm fractional nodes', call: (api) => api.generateCsbm({ ...csbm, nodes: 10.5 }), type: GraphValueError, message: [/CSBM nodes must be an integer ≥ 2, got 10\.5/] },
  { label: 'csbm no classes', call: (api) => api.generateCsbm({ ...csbm, classes: 0 }), type: GraphValueError, message: [/CSBM classes must be an integer ≥ 1, got 0/] },
  { label: 'csbm no features', call: (api) => api.generateCsbm({ ...csbm, featureCount: 0 }), type: GraphValueError, message: [/CSBM featureCount must be an integer ≥ 1, got 0/] },
  // meanDegree is invalid too, so a generator that lets 2^26 nodes through fails fast on it.
  { label: 'csbm 2^26 nodes', call: (api) => api.generateCsbm({ ...csbm, nodes: 2 ** 26, meanDegree: -1 }), type: GraphValueError, message: [/below 2\^26/, /got 67108864/] },
  { label: 'csbm negative degree', call: (api) => api.generateCsbm({ ...csbm, meanDegree: -1 }), type: GraphValueError, message: [/meanDegree must be finite and ≥ 0, got -1/] },
  { label: 'csbm infinite degree', call: (api) => api.generateCsbm({ ...csbm, meanDegree: Number.POSITIVE_INFINITY }), type: GraphValueError, message: [/meanDegree must be finite and ≥ 0, got Infinity/] },
  { label: 'csbm negative homophily', call: (api) => api.generateCsbm({ ...csbm, homophily: -0.1 }), type: GraphValueError, message: [/homophily must be in \[0, 1\], got -0\.1/] },
  { label: 'csbm homophily above 1', call: (api) => api.generateCsbm({ ...csbm, homophily: 1.5 }), type: GraphValueError, message: [/got 1\.5/] },
  { label: 'csbm NaN signal', call: (api) => api.generateCsbm({ ...csbm, featureSignal: Number.NaN }), type: GraphValueError, message: [/featureSignal must be finite, got NaN/] },
  { label: 'csbm too many edges', call: (api) => api.generateCsbm({ ...csbm, nodes: 4, meanDegree: 4 }), type: GraphValueError, message: [/asks for 8 edges but 4 nodes have at most 6/, /lower meanDegree/] },
  // Six nodes in six classes with homophily 1 have far fewer than 6 same-class pairs.
  { label: 'csbm edges cannot be placed', call: (api) => api.generateCsbm({ ...csbm, nodes: 6, classes: 6, meanDegree: 2, homophily: 1, seed: 1 }), type: GraphValueError, message: [/could not place 6 distinct edges/, /lower meanDegree or homophily/] },

  // Split sizes.
  { label: 'split no train nodes', call: (api) => api.randomSplit(10, { ...sizes, train: 0 }, 1), type: GraphValueError, message: [/train ≥ 1 and test ≥ 1/, /"train":0/] },
  { label: 'split no test nodes', call: (api) => api.randomSplit(10, { ...sizes, test: 0 }, 1), type: GraphValueError, message: [/"test":0/] },
  { label: 'split negative validation', call: (api) => api.randomSplit(10, { ...sizes, validation: -1 }, 1), type: GraphValueError, message: [/"validation":-1/] },
  { label: 'split fractional train', call: (api) => api.randomSplit(10, { ...sizes, train: 1.5 }, 1), type: GraphValueError, message: [/"train":1\.5/] },
  { label: 'split larger than graph', call: (api) => api.randomSplit(4, sizes, 1), type: GraphValueError, message: [/add up to 5, more than the 4 nodes/, /shrink them/] },
];

const accepted: readonly AcceptedCase[] = [
  { label: 'csr 0×0', call: (api) => api.validateCsr(csr(0, 0, [0], [], [])) },
  { label: 'csr 0×3', call: (api) => api.validateCsr(csr(0, 3, [0], [], [])) },
  { label: 'csr 2×0', call: (api) => api.validateCsr(csr(2, 0, [0, 0, 0], [], [])) },
  { label: 'csr last column', call: (api) => api.validateCsr(csr(1, 3, [0, 2], [0, 2], [1, 1])) },
  { label: 'coo last row and column', call: (api) => api.csrFromCoo(3, 4, [2], [3]) },
  { label: 'subgraph every node', call: (api) => api.inducedSubgraph(path3, [2, 1, 0]) },
  { label: 'permutation reversal', call: (api) => api.permuteMatrix(path3, [2, 1, 0]) },
  { label: 'graph last class', call: (api) => api.validateGraph(graph({ labels: Int32Array.from([1, 1, 0]) })) },
  { label: 'normalize zero lambda', call: (api) => api.normalizeAdjacency(path3, { kind: 'diagonal-enhanced', lambda: 0 }) },
  { label: 'normalize zero weight', call: (api) => api.normalizeAdjacency(csr(2, 2, [0, 1, 2], [1, 0], [0, 0]), { kind: 'symmetric' }) },
  { label: 'csbm two nodes', call: (api) => api.generateCsbm({ ...csbm, nodes: 2, meanDegree: 1 }) },
  { label: 'csbm one class', call: (api) => api.generateCsbm({ ...csbm, classes: 1 }) },
  { label: 'csbm one feature', call: (api) => api.generateCsbm({ ...csbm, featureCount: 1 }) },
  { label: 'csbm degree zero', call: (api) => api.generateCsbm({ ...csbm, meanDegree: 0 }) },
  { label: 'csbm complete graph', call: (api) => api.generateCsbm({ ...csbm, nodes: 4, classes: 1, meanDegree: 3 }) },
  { label: 'csbm homophily 0', call: (api) => api.generateCsbm({ ...csbm, homophily: 0 }) },
  { label: 'csbm homophily 1', call: (api) => api.generateCsbm({ ...csbm, homophily: 1 }) },
  { label: 'split without validation', call: (api) => api.randomSplit(10, { ...sizes, validation: 0 }, 1) },
  { label: 'split of every node', call: (api) => api.randomSplit(5, sizes, 1) },
];

function checkGuards(api: GraphApi): CaseOutcome {
  const failures: string[] = [];
  for (const c of rejected) {
    let caught: unknown = null;
    try {
      c.call(api);
    } catch (error) {
      caught = error;
    }
    if (caught === null) {
      failures.push(`${c.label}: expected ${c.type.name}, but the call returned`);
      continue;
    }
    const error = caught as Error;
    if (!(error instanceof c.type) || error.name !== c.type.name) {
      failures.push(`${c.label}: expected ${c.type.name}, got ${error.name}: ${error.message}`);
      continue;
    }
    const missing = c.message.filter((pattern) => !pattern.test(error.message));
    if (missing.length > 0) failures.push(`${c.label}: message '${error.message}' does not match ${missing.join(', ')}`);
  }
  for (const c of accepted) {
    try {
      c.call(api);
    } catch (error) {
      failures.push(`${c.label}: valid input raised ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  return { runs: rejected.length + accepted.length, failures };
}

describe('graph layer input checks', () => {
  caseInvariant<GraphApi>({
    id: 'lgcn/graph-input-rejected',
    subject: realApi,
    controls: [
      { name: 'CSR validator that accepts every matrix', subject: acceptingValidator },
      { name: 'errors without the value or the fix', subject: withoutMessages(realApi) },
    ],
    check: checkGuards,
  });
});
