/**
 * `paperproof run`: the main job. Runs the property suites of the selected methods, their
 * comparison runs and speed suites, then writes `results.json`, `summary.md` and `index.html`.
 *
 * Exit code: 0 when every invariant passed and no problem was found, 1 otherwise, 2 on bad usage.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadRunner } from '../../bench/index';
import { joinResults, type VitestJsonReport } from '../../reports/join';
import type { BenchmarkResult, ExperimentResult, MethodResult, Results } from '../../reports/schema';
import { SCHEMA_VERSION } from '../../reports/schema';
import { writeReports } from '../../reports/write';
import { SPECS, parseMethodList } from '../../specs/index';
import { runSpeedSuite } from '../bench';
import { resolveDataFolder, type DataFolder } from '../data';
import { createLogger } from '../logger';
import type { Profile } from '../profile';
import { Rng } from '../rng';
import type { MethodRunner, RunContext } from '../runner';
import { deriveSeed } from '../seed';
import type { MethodSpec } from '../spec';
import { noTensorBackend, type BackendRecord } from '../tensor/record';
import { UsageError } from './errors';
import { machineRecord, producerRecord } from './machine';
import { createProgress } from './progress';
import { runProperties } from './properties';

export interface RunOptions {
  method?: string;
  profile: Profile;
  seed: number;
  backend: string;
  out: string;
  data?: string;
  properties: boolean;
  experiments: boolean;
  benchmarks: boolean;
  shard?: string;
  quiet?: boolean;
  /** Method-specific options (for example `graph`, `porcupine`). */
  extra: Record<string, string | undefined>;
  /** Folder for the property suite's coverage map, set by `run --coverage` for the run it starts under c8. */
  coverageDir?: string;
}

/** Runs the main job and returns the process exit code. */
export async function runCommand(root: string, options: RunOptions): Promise<number> {
  const log = createLogger(options.quiet ? 'warn' : undefined);
  const specs = selectSpecs(options);
  let data: DataFolder | null;
  try {
    data = resolveDataFolder(options.data);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const outDir = resolve(options.out);
  log.info(`paperproof run: ${specs.map((s) => s.id).join(', ')} · profile ${options.profile} · seed ${options.seed}`);
  log.info(data === null ? 'data: none configured (PAPERPROOF_DATA or --data); generated data is used' : `data: ${data.dir}`);

  const runners = new Map<string, MethodRunner>();
  for (const spec of specs) runners.set(spec.id, await loadRunner(spec.id));
  for (const runner of runners.values()) {
    try {
      runner.checkOptions?.(options.extra, data);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const usesTensors = [...runners.values()].some((r) => r.usesTensors);
  const backend = await prepareBackend(options.backend, usesTensors);

  // Properties, in a vitest child process.
  let report: VitestJsonReport | null = null;
  if (options.properties) {
    const paths = specs.map((s) => join('properties', s.id)).filter((p) => existsSync(join(root, p)));
    if (paths.length > 0) {
      log.info(`properties: running ${paths.join(', ')} with vitest`);
      const env: NodeJS.ProcessEnv = { ...process.env, PAPERPROOF_SEED: String(options.seed), PAPERPROOF_PROFILE: options.profile, PAPERPROOF_BACKEND: options.backend };
      if (data !== null) env.PAPERPROOF_DATA = data.dir;
      report = await runProperties({ root, paths, env, coverageDir: options.coverageDir });
    }
  }
  const joined = joinResults(report, specs, SPECS);
  const problems = [...joined.problems];

  // Comparison runs and speed suites, in this process.
  const progress = createProgress(options.quiet);
  const methods: MethodResult[] = [];
  for (const spec of specs) {
    const runner = runners.get(spec.id)!;
    const context = makeContext(spec, options, data, log, (message) => progress.message(message));
    const experiments: ExperimentResult[] = [];
    if (options.experiments) {
      progress.start(`${spec.id} experiments`, runner.experiments.length);
      for (const experiment of runner.experiments) {
        const result = await runExperiment(spec, experiment.id, () => experiment.run(context));
        if (result.error !== undefined) problems.push(`experiment ${experiment.id} crashed: ${result.error.split('\n')[0]}`);
        experiments.push(result);
        progress.increment();
      }
      progress.stop();
    }

    let benchmarks: BenchmarkResult[] = [];
    if (options.benchmarks && spec.benchmarks.length > 0) {
      const tasks = await runner.benchmarks(context);
      progress.start(`${spec.id} benchmarks`, 5);
      const records = await runSpeedSuite(tasks, spec.benchmarks, { onRound: () => progress.increment() });
      progress.stop();
      benchmarks = records.map((r) => ({ ...r, description: spec.benchmarks.find((b) => b.id === r.id)?.description }));
    }
    methods.push({ id: spec.id, title: spec.title, citation: spec.citation, invariants: joined.invariants.get(spec.id) ?? [], experiments, benchmarks });
  }

  const results: Results = {
    schemaVersion: SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    profile: options.profile,
    seed: options.seed,
    backend: usesTensors ? ((await currentBackend()) ?? backend) : backend,
    machine: machineRecord(),
    methods,
    data: data === null ? 'none configured: every result used data the suite generated' : `${data.dir} (from ${data.source === 'option' ? '--data' : 'PAPERPROOF_DATA'})`,
    problems,
    tests: joined.totals,
    selfTests: joined.selfTests,
    producer: producerRecord(root),
  };
  const written = await writeReports(results, outDir);
  log.info(`reports written: ${written.filter((p) => !p.includes(`${join('methods', '')}`)).join(', ')}`);

  process.stdout.write(summaryTable(results));
  const failed = methods.some((m) => m.invariants.some((i) => i.status === 'failed'));
  return failed || problems.length > 0 || (report !== null && report.numFailedTests > 0) ? 1 : 0;
}

function selectSpecs(options: RunOptions): MethodSpec[] {
  let specs: MethodSpec[];
  try {
    specs = options.method === undefined ? [...SPECS] : parseMethodList(options.method);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (options.shard === undefined) return specs;
  const match = /^(\d+)\/(\d+)$/.exec(options.shard);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) throw new UsageError(`--shard must be i/n with 1 <= i <= n, got '${options.shard}'`);
  return specs.filter((_, k) => k % count === index - 1);
}

async function prepareBackend(requested: string, needed: boolean): Promise<BackendRecord> {
  if (!needed) return noTensorBackend(requested);
  const { selectBackend, parseBackendName } = await import('../tensor/backend');
  try {
    return await selectBackend(parseBackendName(requested));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function currentBackend(): Promise<BackendRecord | null> {
  const { backendRecord } = await import('../tensor/backend');
  return backendRecord();
}

function makeContext(spec: MethodSpec, options: RunOptions, data: DataFolder | null, log: ReturnType<typeof createLogger>, progress: (m: string) => void): RunContext {
  return {
    profile: options.profile,
    seed: options.seed,
    rng: (label) => new Rng(deriveSeed(options.seed, label)),
    data,
    options: options.extra,
    log: log.child(spec.id),
    progress,
  };
}

async function runExperiment(spec: MethodSpec, id: string, run: () => Promise<import('../runner').ExperimentReport>): Promise<ExperimentResult> {
  const experimentSpec = spec.experiments.find((e) => e.id === id);
  const claim = spec.claims.find((c) => c.id === experimentSpec?.claim);
  const base = { id, claim: claim?.statement ?? '(claim not declared in the spec)', claimId: claim?.id };
  const started = performance.now();
  try {
    const report = await run();
    return { ...base, ...report, millis: performance.now() - started };
  } catch (error) {
    const message = (error as Error).stack ?? String(error);
    return { ...base, verdict: 'inconclusive', metrics: {}, summary: 'The experiment crashed; no figures were measured.', error: message, millis: performance.now() - started };
  }
}

/** Formats the stdout summary: one row per method. */
function summaryTable(results: Results): string {
  const rows = [['method', 'invariants', 'controls rejected', 'claims reproduced', 'benchmarks']];
  for (const m of results.methods) {
    const passed = m.invariants.filter((i) => i.status === 'passed').length;
    const failed = m.invariants.filter((i) => i.status === 'failed').length;
    const skipped = m.invariants.filter((i) => i.status === 'skipped').length;
    const rejected = m.invariants.filter((i) => i.negativeControl === 'rejected').length;
    const verdicts = m.experiments.map((e) => e.verdict);
    rows.push([
      m.id,
      `${passed} passed${failed ? `, ${failed} FAILED` : ''}${skipped ? `, ${skipped} skipped` : ''}`,
      `${rejected}/${m.invariants.length}`,
      `${verdicts.filter((v) => v === 'reproduced').length}/${verdicts.length}${verdicts.includes('not-reproduced') ? ` (${verdicts.filter((v) => v === 'not-reproduced').length} not)` : ''}`,
      String(m.benchmarks.length),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const problems = results.problems ?? [];
  if (problems.length > 0) lines.push('', `${problems.length} problem${problems.length === 1 ? '' : 's'}:`, ...problems.map((p) => `  - ${p}`));
  return `${lines.join('\n')}\n`;
}
