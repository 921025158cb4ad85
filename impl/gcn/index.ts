/**
 * The GCN shared by L-GCN, L²-GCN and Cluster-GCN, and its full-batch training.
 */
export { aggregate, disposeOperator, prepareOperator, type AggregationMode, type SparseOperator } from './aggregate';
export { accuracy, maskedCrossEntropy } from './loss';
export { checkShape, forwardOracle, forwardTf, glorot, initWeights, relu, tensorsToWeights, variableFrom, weightsToTensors, type GcnShape, type GcnTensors, type GcnWeights } from './model';
export { csrBytes, median, profilePeakBytes, type TrainingReport } from './report';
export { FULL_BATCH_DEFAULTS, checkTrainingSettings, fullBatchLoss, trainFullBatch, type FullBatchOptions } from './train';
export { CHUNK_ROWS, forwardLayerwise, gatherRows, transformRows } from './propagate';
