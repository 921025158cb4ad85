/**
 * Comparison runs and speed suite of the linearizability checker.
 */
import { check } from '../../impl/linearizability/checker';
import { kvModel, kvUnpartitionedModel } from '../../models/kv';
import { quantile } from '../../harness/bench';
import type { BenchTask, Experiment, ExperimentReport, MethodRunner, RunContext } from '../../harness/runner';
import { kvHistory, loadCases, shortName, type HistoryCase } from './data';
import { DS2_EXPERIMENTS } from './ds2';
import { runPorcupine } from './porcupine';

const CHECK_TIMEOUT_MS = 60_000;

/** Returns the median of `repeats` timed checks of `c`, in milliseconds, and the verdict. */
function timeCheck(c: HistoryCase, repeats: number, model = c.model): { millis: number; result: string } {
  const times: number[] = [];
  let result = '';
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    result = check(model, c.history, { timeoutMs: CHECK_TIMEOUT_MS }).result;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { millis: quantile(times, 0.5), result };
}

/** Names a checker result the way EXPECTED.txt files name verdicts. */
function verdictName(result: string): string {
  if (result === 'ok') return 'linearizable';
  if (result === 'illegal') return 'not-linearizable';
  return result;
}

const recordedHistories: Experiment = {
  id: 'linearizability/recorded-histories',
  async run(context) {
    const set = loadCases(context);
    const rows: (string | number)[][] = [];
    let matches = 0;
    let total = 0;
    for (const [index, c] of set.cases.entries()) {
      context.progress(`checking ${c.name} (${index + 1}/${set.cases.length})`);
      const started = performance.now();
      const result = check(c.model, c.history, { timeoutMs: CHECK_TIMEOUT_MS });
      const millis = performance.now() - started;
      total += millis;
      const verdict = verdictName(result.result);
      if (verdict === c.expected) matches++;
      rows.push([c.name, c.model.name, c.history.length, result.partitions.length, c.expected, verdict, verdict === c.expected ? 'yes' : 'NO', millis]);
    }
    const mismatches = set.cases.length - matches;
    return {
      verdict: mismatches === 0 && set.cases.length > 0 ? 'reproduced' : 'not-reproduced',
      summary: `${matches} of ${set.cases.length} histories got their expected verdict${mismatches === 0 ? '' : `; ${mismatches} did not`}, in ${total.toFixed(1)} ms of checking (first, cold run).`,
      metrics: {
        histories: { value: set.cases.length, unit: 'files' },
        matches: { value: matches, unit: 'files' },
        mismatches: { value: mismatches, unit: 'files' },
        'total checking time (cold)': { value: total, unit: 'ms' },
      },
      data: set.data,
      tables: [{ title: 'Verdicts per history', columns: ['history', 'model', 'operations', 'partitions', 'expected', 'verdict', 'match', 'time (ms)'], rows }],
    } satisfies ExperimentReport;
  },
};

const speedVsPorcupine: Experiment = {
  id: 'linearizability/speed-vs-porcupine',
  async run(context) {
    const set = loadCases(context);
    const wanted = (c: HistoryCase) => (set.recorded ? c.collection === 'jepsen-etcd' || /^c(01|10)-(ok|bad)\.txt$/.test(shortName(c.name)) : true);
    const cases = set.cases.filter(wanted);
    const repeats = context.profile === 'full' ? 15 : 5;

    // One warm-up pass, then `repeats` timed checks per file; the median is reported, as Go's
    // benchmark reports the mean of its timed iterations after its own warm-up run. Our files are
    // timed before and after Porcupine and the two medians averaged, so that load changing during
    // the run hits both checkers alike.
    for (const c of cases) check(c.model, c.history, { timeoutMs: CHECK_TIMEOUT_MS });
    const timeAll = (pass: string) => {
      const times = new Map<string, number>();
      for (const [index, c] of cases.entries()) {
        context.progress(`timing ${c.name} (${pass}, ${index + 1}/${cases.length})`);
        times.set(shortName(c.name), timeCheck(c, repeats).millis);
      }
      return times;
    };
    const before = timeAll('before Porcupine');
    const porcupine = set.recorded ? runPorcupine(context.options.porcupine ?? process.env.PORCUPINE_DIR) : ({ ok: false, reason: 'no recorded histories, so there is nothing to compare with Porcupine' } as const);
    const after = porcupine.ok ? timeAll('after Porcupine') : before;
    const ours = new Map([...before].map(([file, millis]) => [file, (millis + after.get(file)!) / 2]));
    const ourTotal = [...ours.values()].reduce((a, b) => a + b, 0);

    const rows: (string | number | null)[][] = [];
    const plotData: { file: string; checker: string; millis: number }[] = [];
    let porcupineTotal = 0;
    let compared = 0;
    for (const [file, millis] of ours) {
      const theirs = porcupine.ok ? porcupine.times.get(file) : undefined;
      if (theirs !== undefined) {
        porcupineTotal += theirs;
        compared++;
      }
      rows.push([file, millis, theirs ?? null, theirs === undefined ? null : millis / theirs]);
      plotData.push({ file, checker: 'paperproof', millis });
      if (theirs !== undefined) plotData.push({ file, checker: 'Porcupine', millis: theirs });
    }

    const metrics: ExperimentReport['metrics'] = {
      files: { value: ours.size, unit: 'files' },
      'paperproof total': { value: ourTotal, unit: 'ms' },
    };
    let verdict: ExperimentReport['verdict'] = 'inconclusive';
    let summary: string;
    const notes: string[] = [`Each file: one warm-up check, then the median of ${repeats} timed checks in this process${porcupine.ok ? ', averaged over a pass before and a pass after Porcupine' : ''}.`];
    if (porcupine.ok && compared === ours.size) {
      metrics['Porcupine total'] = { value: porcupineTotal, unit: 'ms' };
      metrics['time ratio (paperproof / Porcupine)'] = { value: ourTotal / porcupineTotal, unit: 'ratio' };
      verdict = ourTotal <= porcupineTotal ? 'reproduced' : 'not-reproduced';
      summary = `paperproof took ${ourTotal.toFixed(1)} ms in total against Porcupine's ${porcupineTotal.toFixed(1)} ms on the same ${compared} files and machine (ratio ${(ourTotal / porcupineTotal).toFixed(3)}).`;
      notes.push(`Porcupine measured with: ${porcupine.command}`);
    } else {
      const reason = porcupine.ok ? `Porcupine reported ${compared} of the ${ours.size} files` : porcupine.reason;
      summary = `paperproof took ${ourTotal.toFixed(1)} ms in total over ${ours.size} files; Porcupine was not measured side by side (${reason}), so the claim is not decided here.`;
      notes.push('To measure Porcupine side by side, check it out, install Go, and set PORCUPINE_DIR to the checkout.');
    }

    return {
      verdict,
      summary,
      metrics,
      data: set.data,
      notes,
      tables: [{ title: 'Checking time per file', columns: ['file', 'paperproof (ms)', 'Porcupine (ms)', 'ratio'], rows }],
      plots: [
        {
          title: 'Checking time per file',
          caption: 'Median time per check, log scale.',
          vegaLite: {
            $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
            width: 640,
            height: 220,
            data: { values: plotData },
            mark: { type: 'point', filled: true, size: 30 },
            encoding: {
              x: { field: 'file', type: 'nominal', sort: null, axis: { labels: false, title: `file (${ours.size})` } },
              y: { field: 'millis', type: 'quantitative', scale: { type: 'log' }, title: 'ms per check' },
              color: { field: 'checker', type: 'nominal' },
            },
          },
        },
      ],
    };
  },
};

const partitioning: Experiment = {
  id: 'linearizability/partitioning',
  async run(context) {
    const set = loadCases(context);
    let cases = set.cases.filter((c) => c.model.name === 'kv' && /c10-(ok|bad)/.test(c.name));
    let data = set.data;
    if (cases.length === 0) {
      cases = [false, true].map((corrupt) => ({
        name: `generated/kv-10-clients-${corrupt ? 'bad' : 'ok'}`,
        collection: 'generated-kv',
        model: kvModel,
        history: kvHistory(context, `partitioning-${corrupt}`, 10, 10, 340, corrupt),
        expected: corrupt ? 'not-linearizable' : 'linearizable',
      }));
      data = 'generated: two 10-client key-value histories over 10 keys (no recorded c10 files)';
    }

    const rows: (string | number)[][] = [];
    let sameVerdicts = true;
    let minSpeedup = Infinity;
    let undecided = false;
    for (const c of cases) {
      context.progress(`checking ${c.name} per key and as one object`);
      const perKey = timeCheck(c, 3, kvModel);
      const whole = timeCheck(c, 1, kvUnpartitionedModel);
      if (whole.result === 'unknown') undecided = true;
      else if (whole.result !== perKey.result) sameVerdicts = false;
      const speedup = whole.millis / perKey.millis;
      minSpeedup = Math.min(minSpeedup, speedup);
      rows.push([c.name, verdictName(perKey.result), perKey.millis, verdictName(whole.result), whole.millis, speedup]);
    }

    let verdict: ExperimentReport['verdict'] = minSpeedup >= 10 ? 'reproduced' : 'not-reproduced';
    if (undecided) verdict = 'inconclusive';
    if (!sameVerdicts) verdict = 'not-reproduced';
    return {
      verdict,
      summary: `Per-key checking was at least ${minSpeedup.toFixed(0)}× faster than checking the whole store${undecided ? ' (one unpartitioned check ran out of its budget, so this is a lower bound)' : ''}; verdicts ${sameVerdicts ? 'agreed' : 'DISAGREED'}.`,
      metrics: { 'minimum speed-up': { value: minSpeedup, unit: 'ratio' } },
      data,
      tables: [{ title: 'Per key against one object', columns: ['history', 'per-key verdict', 'per-key (ms)', 'whole verdict', 'whole (ms)', 'speed-up'], rows }],
    };
  },
};

const fiftyClients: Experiment = {
  id: 'linearizability/fifty-clients',
  async run(context) {
    const budgetMs = 20_000;
    const budgetBytes = 1 << 30;
    const rows: (string | number)[][] = [];
    let withinBudget = true;
    for (const corrupt of [false, true]) {
      const name = `generated/kv-50-clients-${corrupt ? 'bad' : 'ok'}`;
      const history = kvHistory(context, `fifty-${corrupt}`, 50, 10, 2000, corrupt);
      context.progress(`checking ${name} (${history.length} operations)`);
      const started = performance.now();
      const result = check(kvModel, history, { timeoutMs: budgetMs, maxMemoryBytes: budgetBytes });
      const millis = performance.now() - started;
      const searchBytes = Math.max(...result.partitions.map((p) => p.memoryBytes));
      // A check may overrun its deadline by at most one budget interval (1,024 steps).
      if (millis > budgetMs * 1.1) withinBudget = false;
      const expected = corrupt ? 'not-linearizable' : 'linearizable';
      const verdict = verdictName(result.result);
      if (verdict !== 'unknown' && verdict !== expected) withinBudget = false;
      rows.push([name, history.length, result.partitions.length, expected, verdict, millis, searchBytes / 2 ** 20]);
    }
    return {
      verdict: withinBudget ? 'reproduced' : 'not-reproduced',
      summary: withinBudget
        ? `Both 50-client histories were decided or returned unknown within the ${budgetMs / 1000} s budget, with no wrong verdict.`
        : 'A 50-client check overran its budget or gave a wrong verdict; see the table.',
      metrics: { 'time budget': { value: budgetMs, unit: 'ms' }, 'memory budget': { value: budgetBytes / 2 ** 20, unit: 'MiB' } },
      data: 'generated: 50-client key-value histories over 10 keys with unique written values, one with a read of a value never written',
      tables: [{ title: '50-client key-value histories', columns: ['history', 'operations', 'expected', 'verdict', 'time (ms)', 'heap growth (MiB)'], rows }],
    };
  },
};

async function benchmarks(context: RunContext): Promise<BenchTask[]> {
  const set = loadCases(context);
  const etcd = set.cases.filter((c) => c.model.name === 'cas-register');
  // A generated history keeps the unpartitioned check to tens of milliseconds, so that both
  // key-value benchmarks fit short interleaved time slices; recorded c10 takes about a second.
  const kv = kvHistory(context, 'benchmark-kv', 8, 8, 300, false);
  const kvData = 'generated: 8-client key-value history over 8 keys, 300 operations';
  return [
    {
      id: 'linearizability/check-etcd',
      data: set.recorded ? `recorded: ${etcd.length} etcd logs` : `generated: ${etcd.length} cas-register histories`,
      fn: () => {
        for (const c of etcd) check(c.model, c.history);
      },
    },
    { id: 'linearizability/check-kv-partitioned', data: kvData, fn: () => check(kvModel, kv) },
    { id: 'linearizability/check-kv-unpartitioned', data: kvData, fn: () => check(kvUnpartitionedModel, kv, { timeoutMs: CHECK_TIMEOUT_MS }) },
  ];
}

export const linearizabilityRunner: MethodRunner = {
  id: 'linearizability',
  usesTensors: false,
  experiments: [recordedHistories, speedVsPorcupine, partitioning, fiftyClients, ...DS2_EXPERIMENTS],
  benchmarks,
};
