/**
 * The graph layer shared by the GCN methods: CSR matrices and sparse products, normalised
 * adjacencies, the `.npz` loader and writer, the contextual SBM generator and node splits.
 */
export { csrFromCoo, fromDense, matmul, nnz, rowSums, spmm, spmmFloat32, toDense, transpose, validateCsr, type CsrMatrix, type DenseMatrix } from './csr';
export { GraphIndexError, GraphValueError, NpzFormatError } from './errors';
export { CSBM_DEFAULTS, generateCsbm, type CsbmOptions } from './generate';
export { degrees, edgeCount, inducedSubgraph, permuteGraph, permuteMatrix, permuteRows, rowNormalizeFeatures, symmetrize, validateGraph, type Graph } from './graph';
export { describeNormalization, normalizeAdjacency, type Normalization } from './normalize';
export { encodeGraphNpz, parseGraphNpz, readGraphNpz, writeGraphNpz } from './npz';
export { proportionalSizes, randomSplit, type NodeSplit } from './split';
