/**
 * Runs a method's speed suite with tinybench and summarizes each benchmark with the statistics
 * the report carries: unit, sample count, median, quartiles, spread and ratios to baselines.
 *
 * Tasks run interleaved in rounds (A B A B …, each for a short time slice) rather than one after
 * the other, so slow drift of a noisy machine hits every task alike and the ratio of a benchmark
 * to its baseline stays meaningful.
 */
import { Bench } from 'tinybench';
import type { BenchmarkSpec } from './spec';
import type { BenchTask } from './runner';

/** Summary of one benchmark, as `results.json` stores it. */
export interface BenchmarkRecord {
  id: string;
  /** Unit of the statistics below (milliseconds per call unless the spec says otherwise). */
  unit: string;
  median: number;
  p25: number;
  p75: number;
  mean: number;
  /** Sample standard deviation. */
  sd: number;
  /** Number of timed calls. */
  samples: number;
  /** Median of each round, in the order of the rounds (the unit of the regression statistics). */
  roundMedians: number[];
  /** Every timed call, with `keepSamples`. */
  rawSamples?: number[];
  /** Ratio of this benchmark's median to each baseline's median, measured in the same rounds. */
  ratios: Record<string, number>;
  data: string;
}

/** Options of {@link runSpeedSuite}. */
export interface SpeedSuiteOptions {
  /** Number of interleaved rounds (default 5). */
  rounds?: number;
  /** Time per task per round in milliseconds (default 200). */
  sliceMs?: number;
  /** Called after each round. */
  onRound?: (round: number, rounds: number) => void;
  /** Keep every timed call in the records (`rawSamples`). */
  keepSamples?: boolean;
}

/**
 * Runs `tasks` in interleaved rounds and returns one record per task.
 *
 * @param specs - the method's benchmark specs, for units and baselines
 * @throws Error when a task has no spec or a task throws.
 */
export async function runSpeedSuite(tasks: readonly BenchTask[], specs: readonly BenchmarkSpec[], options: SpeedSuiteOptions = {}): Promise<BenchmarkRecord[]> {
  const rounds = options.rounds ?? 5;
  const sliceMs = options.sliceMs ?? 200;
  const samples = new Map<string, number[]>(tasks.map((t) => [t.id, []]));
  const perRound = new Map<string, number[]>(tasks.map((t) => [t.id, []]));
  for (const task of tasks) {
    if (!specs.some((s) => s.id === task.id)) throw new Error(`benchmark task '${task.id}' is not declared in the method's spec`);
  }

  for (let round = 0; round < rounds; round++) {
    for (const task of tasks) {
      const slice = await timeSliceAsync(task, round === 0 ? sliceMs / 2 : 0, sliceMs);
      samples.get(task.id)!.push(...slice);
      perRound.get(task.id)!.push(quantile([...slice].sort((a, b) => a - b), 0.5));
    }
    options.onRound?.(round + 1, rounds);
  }

  const records = tasks.map((task) => summarize(task, specs.find((s) => s.id === task.id)!, samples.get(task.id)!, perRound.get(task.id)!));
  if (options.keepSamples) for (const record of records) record.rawSamples = samples.get(record.id)!;
  for (const record of records) {
    const spec = specs.find((s) => s.id === record.id)!;
    if (spec.baseline === undefined) continue;
    const baseline = records.find((r) => r.id === spec.baseline);
    if (baseline !== undefined && baseline.median > 0) record.ratios[spec.baseline] = record.median / baseline.median;
  }
  return records;
}

/**
 * Times `task` for about `sliceMs` with tinybench (raw samples kept, one call per sample, at least
 * one call), after `warmupMs` of warm-up, and returns the per-call times in milliseconds.
 *
 * @throws Error when the task throws.
 */
export async function timeSliceAsync(task: Pick<BenchTask, 'id' | 'fn'>, warmupMs: number, sliceMs: number): Promise<number[]> {
  const bench = new Bench({ time: sliceMs, iterations: 1, warmupTime: warmupMs, warmupIterations: warmupMs > 0 ? 1 : 0, retainSamples: true, throws: true });
  bench.add(task.id, task.fn);
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`benchmark '${task.id}' did not complete (state ${result.state})`);
  return [...(result.latency.samples ?? [])];
}

function summarize(task: BenchTask, spec: BenchmarkSpec, values: number[], roundMedians: number[]): BenchmarkRecord {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const sd = n > 1 ? Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return {
    id: task.id,
    unit: spec.unit,
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    mean,
    sd,
    samples: n,
    roundMedians,
    ratios: {},
    data: task.data,
  };
}

/**
 * Returns the q-quantile of ascending `sorted` values by linear interpolation between order
 * statistics (Hyndman and Fan's type 7, the default of R and NumPy).
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}
