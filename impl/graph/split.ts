/**
 * Train, validation and test splits of the nodes of a graph.
 */
import { Rng } from '../../harness/rng';
import { GraphValueError } from './errors';

/** Node ids of each part of a split, each sorted ascending. */
export interface NodeSplit {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
  /** Description of how the split was drawn, for reports. */
  description: string;
}

/**
 * Splits nodes at random into parts of the given sizes (the rest is unused). With
 * `train = 1208, validation = 500, test = 1000` on Cora this matches the sizes of the
 * full-supervised split used by FastGCN and L²-GCN; node order in the gnn-benchmark file differs
 * from the Planetoid files, so the split is drawn from the seed rather than taken by index.
 *
 * @throws GraphValueError when the sizes exceed the node count
 */
export function randomSplit(nodes: number, sizes: { train: number; validation: number; test: number }, seed: number): NodeSplit {
  const total = sizes.train + sizes.validation + sizes.test;
  if (![sizes.train, sizes.validation, sizes.test].every((s) => Number.isSafeInteger(s) && s >= 0) || sizes.train < 1 || sizes.test < 1) {
    throw new GraphValueError(`split sizes must be integers with train ≥ 1 and test ≥ 1, got ${JSON.stringify(sizes)}`);
  }
  if (total > nodes) throw new GraphValueError(`split sizes add up to ${total}, more than the ${nodes} nodes; shrink them`);
  const order = new Rng(seed).shuffle(Array.from({ length: nodes }, (_, v) => v));
  const part = (from: number, to: number) => Int32Array.from(order.slice(from, to)).sort();
  return {
    train: part(0, sizes.train),
    validation: part(sizes.train, sizes.train + sizes.validation),
    test: part(sizes.train + sizes.validation, total),
    description: `random split with seed ${seed}: ${sizes.train} train, ${sizes.validation} validation, ${sizes.test} test nodes`,
  };
}

/** Returns split sizes proportional to Cora's full-supervised split (about 45% / 18% / 37%). */
export function proportionalSizes(nodes: number): { train: number; validation: number; test: number } {
  const train = Math.max(1, Math.floor(nodes * (1208 / 2708)));
  const validation = Math.floor(nodes * (500 / 2708));
  const test = Math.max(1, Math.min(nodes - train - validation, Math.floor(nodes * (1000 / 2708))));
  return { train, validation, test };
}
