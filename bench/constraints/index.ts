/**
 * Comparison runs and speed suite of the constraints method.
 */
import type { MethodRunner } from '../../harness/runner';
import { classification } from './classification';
import { feasibilitySweep } from './feasibility';
import { forwardGrowth } from './growth';
import { matmulRatio } from './matmul';
import { optimisationGap } from './optimisation';
import { speedTasks } from './speed';

export const constraintsRunner: MethodRunner = {
  id: 'constraints',
  usesTensors: true,
  experiments: [feasibilitySweep, forwardGrowth, matmulRatio, optimisationGap, classification],
  benchmarks: speedTasks,
};
