/**
 * Statistics for comparing two sets of timings, and the faster / slower / unchanged decision.
 * - Two independent samples (a saved baseline against a new run): the Mann–Whitney U test (its
 *   p-value from @stdlib's Kruskal–Wallis test, which for two groups is the two-sided
 *   Mann–Whitney test with tie correction, chi-square approximation) and a seeded bootstrap
 *   interval of the ratio of medians.
 * - Interleaved rounds (two revisions run side by side): the same per round, paired, with the
 *   Wilcoxon signed-rank test; see {@link comparePaired}.
 *
 * The observations are per-round medians, not single calls: calls within one time slice are
 * correlated (caches, frequency, neighbours' load), rounds far less so, and the tests assume
 * independent observations.
 */
import kruskalTest from '@stdlib/stats-kruskal-test';
import wilcoxon from '@stdlib/stats-wilcoxon';
import { quantile } from '../bench';
import { Rng } from '../rng';

/** Decision for one benchmark. */
export type Change = 'faster' | 'slower' | 'unchanged';

/** Settings of {@link compareSamples}. */
export interface ComparisonSettings {
  /** Significance level of the rank test (default 0.01). */
  alpha: number;
  /** Smallest relative change reported as faster or slower (default 0.05, that is 5%). */
  threshold: number;
  /** Confidence level of the bootstrap interval (default 0.95). */
  confidence: number;
  /** Bootstrap resamples (default 10,000). */
  resamples: number;
  /** Seed of the bootstrap. */
  seed: number;
}

export const DEFAULT_SETTINGS: ComparisonSettings = Object.freeze({ alpha: 0.01, threshold: 0.05, confidence: 0.95, resamples: 10_000, seed: 1 });

/** Outcome of comparing candidate timings with baseline timings. */
export interface Comparison {
  /** `paired`: per-round ratios of interleaved runs; `independent`: two separate samples. */
  design: 'paired' | 'independent';
  /** Name of the rank test behind `pValue`. */
  test: string;
  /** median(candidate) / median(baseline): above 1 means slower. */
  ratio: number;
  /** Bootstrap interval of the ratio at the configured confidence. */
  interval: [number, number];
  /** Mann–Whitney U of the candidate sample. */
  u: number;
  /** Two-sided p-value of the rank test. */
  pValue: number;
  change: Change;
  baselineSamples: number;
  candidateSamples: number;
}

/**
 * Compares two samples of timings.
 *
 * A benchmark is `slower` when the rank test rejects equality (p < alpha) and the whole interval
 * of the ratio lies above 1 + threshold, `faster` when p < alpha and the interval lies below
 * 1 − threshold, and `unchanged` otherwise.
 *
 * @throws Error when a sample has fewer than 3 observations or a non-finite value.
 */
export function compareSamples(baseline: readonly number[], candidate: readonly number[], settings: Partial<ComparisonSettings> = {}): Comparison {
  const s = { ...DEFAULT_SETTINGS, ...settings };
  for (const [name, sample] of [['baseline', baseline], ['candidate', candidate]] as const) {
    if (sample.length < 3) throw new Error(`the ${name} has ${sample.length} observations; a comparison needs at least 3 per side`);
    if (sample.some((x) => !Number.isFinite(x))) throw new Error(`the ${name} contains a non-finite timing`);
  }

  const medianOf = (xs: readonly number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
  const ratio = medianOf(candidate) / medianOf(baseline);
  const pValue = identical(baseline, candidate) ? 1 : kruskalTest(Float64Array.from(baseline), Float64Array.from(candidate)).pValue;
  const interval = bootstrapRatio(baseline, candidate, s);

  return { design: 'independent', test: 'Mann–Whitney U', ratio, interval, u: mannWhitneyU(baseline, candidate), pValue, change: decide(pValue, interval, s), baselineSamples: baseline.length, candidateSamples: candidate.length };
}

/**
 * Compares timings measured in interleaved rounds, round i of the baseline beside round i of the
 * candidate. Pairing cancels what the two share within a round (the machine's load at that
 * moment), which independent samples cannot: the statistic is the per-round log-ratio
 * d_i = log(candidate_i / baseline_i). The ratio reported is exp(median d); its interval is a
 * seeded percentile bootstrap over rounds; the p-value is the two-sided Wilcoxon signed-rank test
 * of median d = 0 (from @stdlib). The decision rule is the one of {@link compareSamples}.
 *
 * @throws Error when the two sides have different numbers of rounds or fewer than 3.
 */
export function comparePaired(baseline: readonly number[], candidate: readonly number[], settings: Partial<ComparisonSettings> = {}): Comparison {
  if (baseline.length !== candidate.length) throw new Error(`paired comparison needs as many baseline rounds as candidate rounds, got ${baseline.length} and ${candidate.length}`);
  const logs = baseline.map((b, i) => {
    const c = candidate[i]!;
    if (!(b > 0) || !(c > 0) || !Number.isFinite(b) || !Number.isFinite(c)) throw new Error(`round ${i} has a non-positive or non-finite timing (${b}, ${c})`);
    return Math.log(c / b);
  });
  return compareLogRatios(logs, baseline, candidate, settings);
}

/**
 * Compares per-round log-ratios given directly, as {@link comparePaired} does, for rounds whose
 * log-ratio is itself a median over several finer pairs (see `compareWorkers`).
 * `baseline` and `candidate` are the per-round timings behind them, used only for the counts and U.
 *
 * @throws Error when there are fewer than 3 rounds or a log-ratio is not finite.
 */
export function compareLogRatios(logs: readonly number[], baseline: readonly number[], candidate: readonly number[], settings: Partial<ComparisonSettings> = {}): Comparison {
  const s = { ...DEFAULT_SETTINGS, ...settings };
  if (logs.length < 3) throw new Error(`a comparison needs at least 3 rounds, got ${logs.length}`);
  if (logs.some((d) => !Number.isFinite(d))) throw new Error('a per-round log-ratio is not finite');

  const medianOf = (xs: ArrayLike<number>) => quantile(Array.from(xs).sort((a, b) => a - b), 0.5);
  const ratio = Math.exp(medianOf(logs));
  const pValue = logs.every((d) => d === 0) ? 1 : wilcoxon(Float64Array.from(logs), { alternative: 'two-sided' }).pValue;

  const rng = new Rng(s.seed);
  const boot = new Float64Array(s.resamples);
  const sample = new Float64Array(logs.length);
  for (let i = 0; i < s.resamples; i++) {
    for (let j = 0; j < logs.length; j++) sample[j] = logs[rng.int(0, logs.length - 1)]!;
    boot[i] = Math.exp(medianOf(sample));
  }
  const sorted = Array.from(boot).sort((a, b) => a - b);
  const tail = (1 - s.confidence) / 2;
  const interval: [number, number] = [quantile(sorted, tail), quantile(sorted, 1 - tail)];
  return { design: 'paired', test: 'Wilcoxon signed-rank (paired rounds)', ratio, interval, u: mannWhitneyU(baseline, candidate), pValue, change: decide(pValue, interval, s), baselineSamples: logs.length, candidateSamples: logs.length };
}

function decide(pValue: number, interval: [number, number], s: ComparisonSettings): Change {
  if (pValue < s.alpha && interval[0] > 1 + s.threshold) return 'slower';
  if (pValue < s.alpha && interval[1] < 1 - s.threshold) return 'faster';
  return 'unchanged';
}

/**
 * Percentile bootstrap interval of median(candidate) / median(baseline): both samples are
 * resampled with replacement, independently, with the suite's seeded generator.
 */
export function bootstrapRatio(baseline: readonly number[], candidate: readonly number[], settings: Pick<ComparisonSettings, 'confidence' | 'resamples' | 'seed'>): [number, number] {
  const rng = new Rng(settings.seed);
  const ratios = new Float64Array(settings.resamples);
  const a = new Float64Array(baseline.length);
  const b = new Float64Array(candidate.length);
  for (let i = 0; i < settings.resamples; i++) {
    for (let j = 0; j < a.length; j++) a[j] = baseline[rng.int(0, baseline.length - 1)]!;
    for (let j = 0; j < b.length; j++) b[j] = candidate[rng.int(0, candidate.length - 1)]!;
    a.sort();
    b.sort();
    ratios[i] = quantile(Array.from(b), 0.5) / quantile(Array.from(a), 0.5);
  }
  ratios.sort();
  const tail = (1 - settings.confidence) / 2;
  const sorted = Array.from(ratios);
  return [quantile(sorted, tail), quantile(sorted, 1 - tail)];
}

/** Mann–Whitney U of `candidate` against `baseline` (midranks for ties). */
export function mannWhitneyU(baseline: readonly number[], candidate: readonly number[]): number {
  const all = [...baseline.map((v) => ({ v, c: false })), ...candidate.map((v) => ({ v, c: true }))].sort((x, y) => x.v - y.v);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.v === all[i]!.v) j++;
    const midrank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]!.c) rankSum += midrank;
    i = j;
  }
  return rankSum - (candidate.length * (candidate.length + 1)) / 2;
}

function identical(a: readonly number[], b: readonly number[]): boolean {
  const first = a[0];
  return [...a, ...b].every((x) => x === first);
}
