/**
 * Cluster-GCN: partition-based mini-batches of q clusters with the links between them restored,
 * and diagonal enhancement of the batch's normalised adjacency.
 */
export { buildBatch, clusterMembers, epochGroups, type ClusterBatch } from './batches';
export { hasGpmetis, partitionGraph, partitionQuality, type Partition, type PartitionerName } from './partition';
export { CLUSTER_GCN_DEFAULTS, batchNormalization, clusterBatchLoss, trainClusterGcn, type ClusterGcnOptions } from './train';
