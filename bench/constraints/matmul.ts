/**
 * The linear ray layer at n = 64, m = 256, batch 1024 against a plain (1024×64)·(64×256) matmul
 * on the same backend, interleaved in one process.
 */
import { forProfile } from '../../harness/profile';
import { backendRecord, tf } from '../../harness/tensor/backend';
import type { Experiment } from '../../harness/runner';
import { createConstraintMap } from '../../impl/constraints/index';
import { linearCase } from './growth';
import { cpus, loadavg } from 'node:os';
import { interleave, lowQuantileRatio, median, pairedRatio, quantileOf } from './timing';

/** The budget the suite sets: the layer may cost at most this multiple of the matmul. */
const BUDGET = 3;

export const matmulRatio: Experiment = {
  id: 'constraints/matmul-ratio',
  async run(context) {
    const rounds = forProfile({ quick: 150, full: 500 }, context.profile);
    const rng = context.rng('matmul-ratio');
    context.progress('matmul ratio: preparing n = 64, m = 256');
    const built = await linearCase(rng, 64, 256, 1024);
    const unchecked = createConstraintMap(built.set, { mode: 'ray', validate: false });
    const z = tf.tensor2d(built.rows, [1024, 65]);

    context.progress(`matmul ratio: ${rounds} interleaved rounds`);
    const samples = interleave({ layer: built.layer, matmul: built.matmul, unchecked: () => tf.tidy(() => unchecked.apply(z)).dispose() }, rounds, 1);
    built.dispose();
    unchecked.dispose();
    z.dispose();

    const layer = samples.get('layer')!;
    const matmul = samples.get('matmul')!;
    const interval = lowQuantileRatio(layer, matmul, context.rng('matmul-ratio/bootstrap'));
    const paired = pairedRatio(layer, matmul, context.rng('matmul-ratio/bootstrap-paired'));
    const withoutValidation = lowQuantileRatio(samples.get('unchecked')!, matmul, context.rng('matmul-ratio/bootstrap-unchecked')).ratio;
    const load = loadavg()[0]!;
    let verdict: 'reproduced' | 'not-reproduced' | 'inconclusive' = 'inconclusive';
    if (interval.high <= BUDGET) verdict = 'reproduced';
    else if (interval.low > BUDGET) verdict = 'not-reproduced';
    const backend = backendRecord()?.used ?? 'unknown';

    return {
      verdict,
      summary:
        `On the ${backend} backend the linear ray layer (n = 64, m = 256, batch 1024, input validation on) took ${interval.ratio.toFixed(2)}× the (1024×64)·(64×256) matmul ` +
        `(ratio of 10th percentiles of ${layer.length} calls each; 95% bootstrap interval ${interval.low.toFixed(2)}–${interval.high.toFixed(2)}); the budget is ${BUDGET}×. ` +
        `The median of per-round ratios was ${paired.ratio.toFixed(2)} (load average ${load.toFixed(1)} on ${cpus().length} CPUs).`,
      metrics: {
        'layer / matmul': { value: interval.ratio, unit: 'ratio' },
        'layer / matmul, interval low': { value: interval.low, unit: 'ratio' },
        'layer / matmul, interval high': { value: interval.high, unit: 'ratio' },
        'layer / matmul, median of per-round ratios': { value: paired.ratio, unit: 'ratio' },
        'layer without input validation / matmul': { value: withoutValidation, unit: 'ratio' },
        'layer, 10th percentile': { value: quantileOf(layer, 0.1), unit: 'ms' },
        'matmul, 10th percentile': { value: quantileOf(matmul, 0.1), unit: 'ms' },
        'load average during the run': { value: load, unit: 'processes' },
      },
      data: `generated: a bounded polytope with 256 unit-normal rows in dimension 64; 1024 hidden vectors; backend ${backend}; ${rounds} rounds of one call per task in turn`,
      notes: [
        'Ratio: 10th percentile of the layer\'s call times over the 10th percentile of the matmul\'s. Other processes on a shared machine only add time to a call, so a low percentile estimates the undisturbed cost; the median is shown as well. Interval: percentile bootstrap, 2000 resamples, seeded.',
        'Input validation costs one extra reduction and one read of a scalar per call; the layer without it is shown for comparison.',
      ],
      tables: [
        {
          title: 'Per-call time (ms)',
          columns: ['task', 'samples', 'p10', 'median', 'p75'],
          rows: [...samples].map(([name, values]) => [name === 'unchecked' ? 'layer without validation' : name, values.length, quantileOf(values, 0.1), median(values), quantileOf(values, 0.75)]),
        },
      ],
    };
  },
};
