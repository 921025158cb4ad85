/**
 * Calibration of the regression comparison on this machine: how often it flags a change when
 * there is none (the same tree against itself), and how often it flags a known slowdown injected
 * into one benchmark, at several sizes. Both use the interleaved comparison `--compare` uses.
 */
import { BenchWorker, compareWorkers, pinTogether, type CompareOptions } from './compare';
import type { ComparisonSettings } from './statistics';
import type { ReadyMessage } from './worker';

export interface CalibrationOptions extends Pick<CompareOptions, 'launcherRoot' | 'methods' | 'profile' | 'seed' | 'data' | 'backend' | 'rounds' | 'sliceMs'> {
  root: string;
  /** Comparisons of the tree with itself (default 20). */
  nullComparisons: number;
  /** Comparisons per injected slowdown (default 20). */
  powerComparisons: number;
  /** Injected slowdowns, as fractions (default 0.02, 0.05, 0.1, 0.2). */
  slowdowns: number[];
  /** Benchmark that gets the slowdown (default: the first). */
  target?: string;
  settings?: Partial<ComparisonSettings>;
  /** Pin both workers to one core (default true). */
  pin?: boolean;
  onProgress?: (message: string) => void;
}

export interface CalibrationResult {
  kind: 'paperproof-calibration';
  createdAt: string;
  methods: string[];
  benchmarks: string[];
  rounds: number;
  sliceMs: number;
  settings: Partial<ComparisonSettings>;
  /** Same tree against itself. */
  falseAlarms: { comparisons: number; flagged: number; decisions: number; rate: number; byBenchmark: Record<string, number> };
  /** Injected slowdowns of `target`. */
  power: { target: string; slowdown: number; comparisons: number; detected: number; rate: number; medianRatio: number }[];
  /** Smallest injected slowdown detected in at least 95% of its comparisons, or null. */
  smallestReliable: number | null;
  backend: ReadyMessage['backend'];
  /** Placement of the workers: the core both were pinned to, or why they were not pinned. */
  placement: string;
}

/** Runs the calibration; takes about (null + slowdowns × power) comparisons of the suite. */
export async function calibrate(options: CalibrationOptions): Promise<CalibrationResult> {
  const a = new BenchWorker(options.launcherRoot, options.root);
  const b = new BenchWorker(options.launcherRoot, options.root);
  try {
    const placement = options.pin === false ? 'not pinned (--no-pin)' : pinTogether([a, b]);
    const prepare = { type: 'prepare', methods: options.methods, profile: options.profile, seed: options.seed, data: options.data, backend: options.backend };
    const ready = await a.request<ReadyMessage>(prepare);
    await b.request<ReadyMessage>(prepare);
    const ids = ready.tasks.map((t) => t.id);
    const target = options.target ?? ids[0]!;
    if (!ids.includes(target)) throw new Error(`--target ${target} is not a benchmark of ${options.methods.join(', ')}; choose one of ${ids.join(', ')}`);
    const settings = options.settings ?? {};

    const byBenchmark: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
    let flagged = 0;
    for (let i = 0; i < options.nullComparisons; i++) {
      options.onProgress?.(`same tree against itself, comparison ${i + 1}/${options.nullComparisons}`);
      const compared = await compareWorkers(a, b, ids, { rounds: options.rounds, sliceMs: options.sliceMs, settings: { ...settings, seed: i + 1 } });
      for (const [id, c] of compared) {
        if (c.comparison.change !== 'unchanged') {
          flagged++;
          byBenchmark[id]!++;
        }
      }
    }

    const power: CalibrationResult['power'] = [];
    for (const slowdown of options.slowdowns) {
      let detected = 0;
      const ratios: number[] = [];
      for (let i = 0; i < options.powerComparisons; i++) {
        options.onProgress?.(`${(slowdown * 100).toFixed(0)}% slowdown of ${target}, comparison ${i + 1}/${options.powerComparisons}`);
        const compared = await compareWorkers(a, b, [target], { rounds: options.rounds, sliceMs: options.sliceMs, settings: { ...settings, seed: 1000 + i }, slowdown: { id: target, fraction: slowdown } });
        const c = compared.get(target)!.comparison;
        ratios.push(c.ratio);
        if (c.change === 'slower') detected++;
      }
      ratios.sort((x, y) => x - y);
      power.push({ target, slowdown, comparisons: options.powerComparisons, detected, rate: detected / options.powerComparisons, medianRatio: ratios[ratios.length >> 1]! });
    }

    const reliable = power.filter((p) => p.rate >= 0.95).map((p) => p.slowdown);
    const decisions = options.nullComparisons * ids.length;
    return {
      kind: 'paperproof-calibration',
      createdAt: new Date().toISOString(),
      methods: options.methods,
      benchmarks: ids,
      rounds: options.rounds,
      sliceMs: options.sliceMs,
      settings,
      falseAlarms: { comparisons: options.nullComparisons, flagged, decisions, rate: decisions === 0 ? 0 : flagged / decisions, byBenchmark },
      power,
      smallestReliable: reliable.length === 0 ? null : Math.min(...reliable),
      backend: ready.backend,
      placement,
    };
  } finally {
    a.close();
    b.close();
  }
}
