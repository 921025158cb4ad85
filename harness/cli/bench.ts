/**
 * `paperproof bench`: runs the speed suites, saves or compares against a baseline, compares with
 * another git revision run interleaved, or calibrates the comparison on this machine.
 *
 * Exit code: 0, or 1 when a comparison finds a benchmark slower; 2 on bad usage.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadRunner } from '../../bench/index';
import { SPECS, parseMethodList } from '../../specs/index';
import { runSpeedSuite } from '../bench';
import { resolveDataFolder } from '../data';
import { createLogger } from '../logger';
import type { Profile } from '../profile';
import { BENCH_FILE_KIND, BENCH_SCHEMA_VERSION, BenchFileError, readBenchFile, writeBenchFile, type BenchEntry, type BenchFile } from '../regression/bench-file';
import { calibrate } from '../regression/calibrate';
import { compareTrees, type BenchmarkComparison } from '../regression/compare';
import { checkoutRevision, RevisionError } from '../regression/revision';
import { compareSamples, DEFAULT_SETTINGS, type ComparisonSettings } from '../regression/statistics';
import { Rng } from '../rng';
import { deriveSeed } from '../seed';
import { noTensorBackend } from '../tensor/record';
import { writeBenchPage } from '../../reports/bench-page';
import { UsageError } from './errors';
import { machineRecord, producerRecord } from './machine';

export interface BenchOptions {
  method?: string;
  profile: Profile;
  seed: number;
  backend: string;
  rounds: string;
  slice: string;
  save?: string;
  baseline?: string;
  compare?: string;
  threshold: string;
  alpha: string;
  allowBackendMismatch: boolean;
  /** False with --no-pin: leave the comparison's workers unpinned. */
  pin?: boolean;
  out: string;
  data?: string;
  calibrate: boolean;
  comparisons: string;
  target?: string;
}

/** Runs the command and returns the exit code. */
export async function benchCommand(root: string, options: BenchOptions): Promise<number> {
  const log = createLogger();
  const methods = selectMethods(options.method);
  const rounds = positiveInteger(options.rounds, '--rounds');
  const sliceMs = positiveNumber(options.slice, '--slice');
  const settings: Partial<ComparisonSettings> = { threshold: fraction(options.threshold, '--threshold'), alpha: fraction(options.alpha, '--alpha'), seed: options.seed };
  const modes = [options.baseline !== undefined, options.compare !== undefined, options.calibrate].filter(Boolean).length;
  if (modes > 1) throw new UsageError('use one of --baseline, --compare and --calibrate at a time');
  let data: string | null;
  try {
    data = resolveDataFolder(options.data)?.dir ?? null;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const outDir = resolve(options.out);
  mkdirSync(outDir, { recursive: true });
  const version = producerRecord(root).version;

  if (options.calibrate) {
    const comparisons = positiveInteger(options.comparisons, '--comparisons');
    log.info(`calibrating on ${methods.join(', ')}: ${comparisons} comparisons of this tree with itself, then ${comparisons} per injected slowdown (${rounds} rounds of ${sliceMs} ms slices each)`);
    const result = await usage(() =>
      calibrate({ launcherRoot: root, root, methods, profile: options.profile, seed: options.seed, data, backend: options.backend, rounds, sliceMs, nullComparisons: comparisons, powerComparisons: comparisons, slowdowns: [0.02, 0.05, 0.1, 0.2], target: options.target, settings, pin: options.pin !== false, onProgress: (m) => log.info(m) }),
    );
    writeFileSync(join(outDir, 'calibration.json'), `${JSON.stringify(result, null, 2)}\n`);
    await writeBenchPage(outDir, { calibration: result });
    const lines = [
      `placement: ${result.placement}`,
      `false alarms: ${result.falseAlarms.flagged} of ${result.falseAlarms.decisions} decisions (${(100 * result.falseAlarms.rate).toFixed(1)}%) in ${result.falseAlarms.comparisons} comparisons of the tree with itself`,
      ...result.power.map((p) => `${(100 * p.slowdown).toFixed(0)}% slowdown of ${p.target}: flagged in ${p.detected} of ${p.comparisons} comparisons (${(100 * p.rate).toFixed(0)}%), median measured ratio ${p.medianRatio.toFixed(3)}`),
      `smallest slowdown flagged in at least 95% of comparisons: ${result.smallestReliable === null ? 'none of those tried' : `${(100 * result.smallestReliable).toFixed(0)}%`}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  }

  if (options.compare !== undefined) {
    const checkout = await usage(() => checkoutRevision(root, options.compare!, (m) => log.info(m)));
    try {
      log.info(`comparing ${options.compare} (${checkout.revision.slice(0, 10)}, dependencies: ${checkout.install}) with the working tree, interleaved, ${rounds} rounds`);
      const result = await usage(() =>
        compareTrees({ launcherRoot: root, baselineRoot: checkout.dir, candidateRoot: root, methods, profile: options.profile, seed: options.seed, data, backend: options.backend, rounds, sliceMs, settings, allowBackendMismatch: options.allowBackendMismatch, pin: options.pin !== false, onRound: (r, n) => log.info(`round ${r}/${n}`) }),
      );
      for (const id of result.onlyBaseline) log.warn(`${id} exists only in ${options.compare}; not compared`);
      for (const id of result.onlyCandidate) log.warn(`${id} exists only in the working tree; not compared`);
      const header = `baseline ${options.compare} (${checkout.revision.slice(0, 10)}) against the working tree, interleaved in ${rounds} rounds; ${result.placement}`;
      writeFileSync(join(outDir, 'bench-comparison.json'), `${JSON.stringify({ kind: 'paperproof-bench-comparison', createdAt: new Date().toISOString(), header, ...result }, null, 2)}\n`);
      await writeBenchPage(outDir, { comparison: { header, benchmarks: result.benchmarks, settings: { ...DEFAULT_SETTINGS, ...settings } } });
      process.stdout.write(comparisonTable(header, result.benchmarks, settings));
      return result.benchmarks.some((b) => b.comparison.change === 'slower') ? 1 : 0;
    } finally {
      checkout.remove();
    }
  }

  // Run the current tree's suites in this process.
  const baseline = options.baseline === undefined ? null : await usage(() => readBenchFile(options.baseline!, version));
  const file = await runCurrent(root, methods, options, data, rounds, sliceMs, version, log);
  writeBenchFile(join(outDir, 'bench.json'), file);
  if (options.save !== undefined) {
    writeBenchFile(options.save, file);
    log.info(`baseline saved to ${options.save}`);
  }

  if (baseline === null) {
    await writeBenchPage(outDir, { runs: [file] });
    process.stdout.write(runTable(file));
    return 0;
  }
  if (!options.allowBackendMismatch && baseline.backend.used !== file.backend.used) {
    throw new UsageError(`the baseline was measured on backend ${baseline.backend.used} and this run on ${file.backend.used}; pass --allow-backend-mismatch to compare anyway`);
  }
  const compared: BenchmarkComparison[] = [];
  for (const entry of file.benchmarks) {
    const old = baseline.benchmarks.find((b) => b.id === entry.id);
    if (old === undefined) {
      log.warn(`${entry.id} is not in the baseline; not compared`);
      continue;
    }
    if (old.data !== entry.data) {
      log.warn(`${entry.id} ran on other data in the baseline (${old.data}) than now (${entry.data}); not compared`);
      continue;
    }
    compared.push({ id: entry.id, unit: entry.unit, description: entry.description, baselineRounds: old.roundMedians, candidateRounds: entry.roundMedians, comparison: compareSamples(old.roundMedians, entry.roundMedians, settings) });
  }
  const header = `baseline file ${options.baseline} (${baseline.createdAt}) against this run; runs at different times, so machine drift is not cancelled (prefer --compare REF)`;
  await writeBenchPage(outDir, { runs: [baseline, file], comparison: { header, benchmarks: compared, settings: { ...DEFAULT_SETTINGS, ...settings } } });
  process.stdout.write(comparisonTable(header, compared, settings));
  return compared.some((b) => b.comparison.change === 'slower') ? 1 : 0;
}

async function runCurrent(root: string, methods: string[], options: BenchOptions, data: string | null, rounds: number, sliceMs: number, version: string, log: ReturnType<typeof createLogger>): Promise<BenchFile> {
  let backend = noTensorBackend(options.backend);
  const entries: BenchEntry[] = [];
  for (const method of methods) {
    const runner = await loadRunner(method);
    if (runner.usesTensors) {
      const tensor = await import('../tensor/backend');
      backend = await usage(() => tensor.selectBackend(tensor.parseBackendName(options.backend)));
    }
    const spec = SPECS.find((s) => s.id === method)!;
    const context = {
      profile: options.profile,
      seed: options.seed,
      rng: (label: string) => new Rng(deriveSeed(options.seed, label)),
      data: data === null ? null : { dir: data, source: 'option' as const },
      options: {},
      log: log.child(method),
      progress: () => {},
    };
    const tasks = await runner.benchmarks(context);
    log.info(`${method}: ${tasks.length} benchmarks, ${rounds} rounds of ${sliceMs} ms`);
    const records = await runSpeedSuite(tasks, spec.benchmarks, { rounds, sliceMs, keepSamples: true });
    for (const r of records) {
      const raw = r.rawSamples ?? [];
      const sorted = [...raw].sort((a, b) => a - b);
      const mad = sorted.length === 0 ? 0 : medianOf(sorted.map((x) => Math.abs(x - r.median)));
      entries.push({ id: r.id, unit: r.unit, description: spec.benchmarks.find((b) => b.id === r.id)?.description, data: r.data, median: r.median, p25: r.p25, p75: r.p75, mad, samples: r.samples, roundMedians: r.roundMedians, rawSamples: raw });
    }
  }
  const machine = machineRecord();
  return {
    kind: BENCH_FILE_KIND,
    schemaVersion: BENCH_SCHEMA_VERSION,
    suiteVersion: version,
    revision: producerRecord(root).revision,
    createdAt: new Date().toISOString(),
    machine: { cpus: machine.cpus, cpuModel: machine.cpuModel, node: machine.node, platform: machine.platform },
    backend,
    rounds,
    sliceMs,
    benchmarks: entries,
  };
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function runTable(file: BenchFile): string {
  const rows = [['benchmark', 'median', 'p25', 'p75', 'MAD', 'samples', 'rounds']];
  for (const b of file.benchmarks) rows.push([b.id, fmt(b.median, b.unit), fmt(b.p25, b.unit), fmt(b.p75, b.unit), fmt(b.mad, b.unit), String(b.samples), String(b.roundMedians.length)]);
  return `backend: ${file.backend.used}\n${table(rows)}`;
}

function comparisonTable(header: string, compared: BenchmarkComparison[], settings: Partial<ComparisonSettings>): string {
  const s = { ...DEFAULT_SETTINGS, ...settings };
  const test = compared[0]?.comparison.test ?? 'rank test';
  const rows = [['benchmark', 'baseline', 'candidate', 'ratio', `${(s.confidence * 100).toFixed(0)}% interval`, `p (${test})`, 'change']];
  for (const b of compared) {
    const c = b.comparison;
    rows.push([b.id, fmt(medianOf(b.baselineRounds), b.unit), fmt(medianOf(b.candidateRounds), b.unit), c.ratio.toFixed(3), `[${c.interval[0].toFixed(3)}, ${c.interval[1].toFixed(3)}]`, c.pValue.toExponential(2), c.change === 'unchanged' ? 'unchanged' : c.change.toUpperCase()]);
  }
  return `${header}\nslower or faster: p < ${s.alpha} and the whole interval beyond ±${(s.threshold * 100).toFixed(0)}%\n${table(rows)}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return `${lines.join('\n')}\n`;
}

function fmt(value: number, unit: string): string {
  return `${value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toPrecision(3)} ${unit}`;
}

function selectMethods(raw: string | undefined): string[] {
  try {
    return (raw === undefined ? [...SPECS] : parseMethodList(raw)).filter((s) => s.benchmarks.length > 0).map((s) => s.id);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positiveInteger(raw: string, option: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${option} must be a positive integer, got '${raw}'`);
  return value;
}

function positiveNumber(raw: string, option: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${option} must be a positive number, got '${raw}'`);
  return value;
}

function fraction(raw: string, option: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value >= 1) throw new UsageError(`${option} must be a number between 0 and 1, got '${raw}'`);
  return value;
}

async function usage<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof BenchFileError || error instanceof RevisionError || error instanceof UsageError) throw new UsageError(error.message);
    throw error;
  }
}
