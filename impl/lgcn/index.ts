/**
 * L-GCN (layer-wise GCN training) and L²-GCN (its learned per-layer stop controller).
 */
export { StopController, clampHead, type ControllerOptions } from './controller';
export { L2_CORA, controllerPolicy, searchController, trainL2gcn, warmupSchedule, type L2Options, type SearchOutcome } from './l2gcn';
export { LGCN_CORA, batchCount, layerBatchLoss, trainLayer, trainLgcn, trainLgcnFixed, type LayerInput, type LayerOutcome, type LgcnOptions } from './layerwise';
export { CHUNK_ROWS, forwardLayerwise, gatherRows, transformRows } from '../gcn/propagate';
export { fixedEpochs, stopRule, type EpochInfo, type StopPolicy, type StopRuleInput } from './stop';
