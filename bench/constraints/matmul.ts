/**
 * The linear ray layer at n = 64, m = 256, batch 1024 against a plain (1024×64)·(64×256) matmul
 * on the same backend, interleaved in one process.
 */
import { forProfile } from '../../harness/profile';
import { backendRecord, tf } from '../../harness/tensor/backend';
import type { Experiment } from '../../harness/runner';
import { createConstraintMap } from '../../impl/constraints/index';
import { linearCase } from './growth';
import { interleave, median, ratioOfMedians } from './timing';

/** The budget the suite sets: the layer may cost at most this multiple of the matmul. */
const BUDGET = 3;

export const matmulRatio: Experiment = {
  id: 'constraints/matmul-ratio',
  async run(context) {
    const rounds = forProfile({ quick: 20, full: 60 }, context.profile);
    const rng = context.rng('matmul-ratio');
    context.progress('matmul ratio: preparing n = 64, m = 256');
    const built = await linearCase(rng, 64, 256, 1024);
    const unchecked = createConstraintMap(built.set, { mode: 'ray', validate: false });
    const z = tf.tensor2d(built.rows, [1024, 65]);

    context.progress(`matmul ratio: ${rounds} interleaved rounds`);
    const samples = interleave({ layer: built.layer, matmul: built.matmul, unchecked: () => tf.tidy(() => unchecked.apply(z)).dispose() }, rounds, 5);
    built.dispose();
    unchecked.dispose();
    z.dispose();

    const layer = samples.get('layer')!;
    const matmul = samples.get('matmul')!;
    const interval = ratioOfMedians(layer, matmul, context.rng('matmul-ratio/bootstrap'));
    const withoutValidation = median(samples.get('unchecked')!) / median(matmul);
    const verdict = interval.high <= BUDGET ? 'reproduced' : interval.low > BUDGET ? 'not-reproduced' : 'inconclusive';
    const backend = backendRecord()?.used ?? 'unknown';

    return {
      verdict,
      summary: `On the ${backend} backend the linear ray layer (n = 64, m = 256, batch 1024, input validation on) took ${interval.ratio.toFixed(2)}× the (1024×64)·(64×256) matmul (95% bootstrap interval ${interval.low.toFixed(2)}–${interval.high.toFixed(2)}); the budget is ${BUDGET}×.`,
      metrics: {
        'layer / matmul': { value: interval.ratio, unit: 'ratio' },
        'layer / matmul, interval low': { value: interval.low, unit: 'ratio' },
        'layer / matmul, interval high': { value: interval.high, unit: 'ratio' },
        'layer without input validation / matmul': { value: withoutValidation, unit: 'ratio' },
        'layer median': { value: median(layer), unit: 'ms' },
        'matmul median': { value: median(matmul), unit: 'ms' },
      },
      data: `generated: a bounded polytope with 256 unit-normal rows in dimension 64; 1024 hidden vectors; backend ${backend}; ${rounds} interleaved rounds of 5 calls per task (${layer.length} samples each)`,
      notes: [
        'Interval: percentile bootstrap of the ratio of medians, 2000 resamples of the per-call times, seeded.',
        'Input validation costs one extra reduction and one read of a scalar per call; the layer without it is shown for comparison.',
      ],
      tables: [
        {
          title: 'Per-call time (ms)',
          columns: ['task', 'samples', 'median', 'p25', 'p75'],
          rows: [...samples].map(([name, values]) => {
            const sorted = [...values].sort((a, b) => a - b);
            return [name === 'unchecked' ? 'layer without validation' : name, values.length, median(values), sorted[Math.floor(sorted.length / 4)]!, sorted[Math.floor((3 * sorted.length) / 4)]!];
          }),
        },
      ],
    };
  },
};
