/**
 * Settings of the GCN comparison runs per profile. Cora settings follow the papers' released
 * configurations on the shared 2-layer, 16-unit architecture. The scale ladder uses generated
 * contextual SBM graphs, with fewer epochs so that it fits a 2-core machine.
 */
import type { Profile } from '../../harness/profile';
import { CSBM_DEFAULTS, type CsbmOptions } from '../../impl/graph/index';
import { FULL_BATCH_DEFAULTS } from '../../impl/gcn/index';
import { L2_CORA, LGCN_CORA } from '../../impl/lgcn/index';
import { CLUSTER_GCN_DEFAULTS } from '../../impl/clustergcn/index';
import type { GraphSource, MethodConfig } from './runs';

/** One row of a comparison: label and configuration. */
export interface ConfigRow {
  label: string;
  /** Method of the row, for verdicts. */
  role: 'full-batch' | 'lgcn' | 'l2gcn' | 'clustergcn';
  config: MethodConfig;
}

/** Seeds per configuration. */
export function seedsFor(profile: Profile, master: number): number[] {
  const count = profile === 'full' ? 5 : 3;
  return Array.from({ length: count }, (_, k) => (master + 1000 * k) | 0);
}

/** Configurations compared on Cora (or the user's graph). */
export function coraRows(profile: Profile): ConfigRow[] {
  const l2 = profile === 'full' ? L2_CORA : { ...L2_CORA, rounds: 5, warmupRounds: 1 };
  const clusterEpochs = profile === 'full' ? 100 : 50;
  const cluster = (parts: number, q: number): ConfigRow => ({
    label: `Cluster-GCN c=${parts} q=${q}`,
    role: 'clustergcn',
    config: { method: 'clustergcn', options: { ...CLUSTER_GCN_DEFAULTS, epochs: clusterEpochs, parts, clustersPerBatch: q } },
  });
  return [
    { label: 'full-batch GCN', role: 'full-batch', config: { method: 'full-batch', options: FULL_BATCH_DEFAULTS } },
    { label: 'L-GCN', role: 'lgcn', config: { method: 'lgcn', options: LGCN_CORA } },
    { label: 'L²-GCN', role: 'l2gcn', config: { method: 'l2gcn', options: LGCN_CORA, l2 } },
    cluster(5, 1),
    cluster(10, 2),
    cluster(50, 10),
  ];
}

/** Node counts of the scale ladder. The full profile reaches 200,000 nodes and 2,000,000 edges. */
export function ladderSizes(profile: Profile): number[] {
  return profile === 'full' ? [25_000, 50_000, 100_000, 200_000] : [5_000, 10_000, 20_000];
}

/** The generated graph of one ladder step. */
export function ladderGraph(nodes: number, seed: number): GraphSource {
  const options: CsbmOptions = { ...CSBM_DEFAULTS, nodes, seed };
  return { kind: 'csbm', options };
}

/** Cluster size the scale ladder aims at, so that batches have about the same size at every step. */
export const LADDER_CLUSTER_NODES = 1000;

/** Configurations of each ladder step (`trainNodes` sets the cluster count). */
export function ladderRows(profile: Profile, trainNodes: number): ConfigRow[] {
  const epochs = profile === 'full' ? 30 : 20;
  const perLayer = profile === 'full' ? 20 : 10;
  const scale = perLayer / LGCN_CORA.epochsPerLayer;
  const lgcn = { ...LGCN_CORA, hidden: 32, batchSize: 1024, learningRate: 0.01, epochsPerLayer: perLayer };
  const l2 = {
    ...L2_CORA,
    rounds: profile === 'full' ? 10 : 3,
    warmupRounds: profile === 'full' ? 2 : 1,
    decisionStep: Math.max(1, Math.round(L2_CORA.decisionStep * scale)),
    minEpochs: Math.round(L2_CORA.minEpochs * scale),
    maxEpochs: Math.round(L2_CORA.maxEpochs * scale),
  };
  const parts = Math.max(2, Math.round(trainNodes / LADDER_CLUSTER_NODES));
  return [
    { label: 'full-batch GCN', role: 'full-batch', config: { method: 'full-batch', options: { ...FULL_BATCH_DEFAULTS, hidden: 32, epochs, weightDecay: 0 } } },
    { label: 'L-GCN', role: 'lgcn', config: { method: 'lgcn', options: lgcn } },
    { label: 'L²-GCN', role: 'l2gcn', config: { method: 'l2gcn', options: lgcn, l2 } },
    { label: `Cluster-GCN c=${parts} q=2`, role: 'clustergcn', config: { method: 'clustergcn', options: { ...CLUSTER_GCN_DEFAULTS, hidden: 32, epochs, parts, clustersPerBatch: 2 } } },
  ];
}
