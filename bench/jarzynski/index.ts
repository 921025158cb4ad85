/**
 * Comparison runs and speed suite of Jarzynski-weighted training against CD and PCD.
 */
import type { MethodRunner } from '../../harness/runner';
import { costBenchmarks, runWeightUpdateCost } from './cost';
import { runGaussianMixture } from './gaussian-mixture';
import { runMnist } from './mnist';
import { runTwoDimensionalNeural } from './two-d-neural';

export const jarzynskiRunner: MethodRunner = {
  id: 'jarzynski',
  usesTensors: true,
  experiments: [
    { id: 'jarzynski/gaussian-mixture', run: runGaussianMixture },
    { id: 'jarzynski/two-d-neural', run: runTwoDimensionalNeural },
    { id: 'jarzynski/mnist-digits', run: (context) => runMnist(context) },
    { id: 'jarzynski/weight-update-cost', run: runWeightUpdateCost },
  ],
  benchmarks: costBenchmarks,
};
