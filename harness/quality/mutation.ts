/**
 * Mutation testing of one method with StrykerJS and its vitest runner: the method's source
 * folders are mutated, and each mutant is run against the method's own properties only (and
 * within them, only against the tests that execute the mutated code).
 *
 * StrykerJS has no time limit of its own, so each method's run is a child process stopped when
 * its budget runs out. A reporter plugin streams each mutant's result to a file as it comes,
 * so a stopped run still reports what it reached. StrykerJS writes its incremental file only
 * at the end of a run, so for a stopped run the file is written here from that stream, and the
 * next run goes on from where this one stopped.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger';
import type { MethodMutation, MutantCounts, MutantRecord, MutantStatus } from '../../reports/schema';
import { mutantKey, type EquivalentEntry } from './equivalent';
import { MUTANT_RUN_VARIABLE } from '../testing/mutant-run';
import { writeIncrementalReport } from './incremental';
import type { MutationScope } from './ownership';

/** Options of {@link mutateMethod}. */
export interface MutationOptions {
  root: string;
  /** Folder for this run's StrykerJS configurations, reports and result streams. */
  workDir: string;
  /** Folder of the incremental files, one per method. */
  incrementalDir: string;
  /** Wall-clock budget of one method's run, in seconds. */
  budgetSeconds: number;
  /** StrykerJS test-runner processes. */
  concurrency: number;
  /** Ignore the incremental file and test every mutant again. */
  force: boolean;
  equivalents: ReadonlyMap<string, EquivalentEntry>;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Keep StrykerJS's own output off stderr (it still goes to the run's log file). */
  quiet: boolean;
}

/** A mutant as the result stream or StrykerJS's JSON report gives it. */
export interface RawMutant {
  id: string;
  file: string;
  mutator: string;
  replacement: string;
  location: MutantRecord['location'];
  status: string;
  statusReason?: string;
  static?: boolean;
  testsCompleted?: number;
  /** Ids of the tests that ran the mutated code, and of those that failed on it. */
  coveredBy?: string[];
  killedBy?: string[];
}

/** A test of the initial run, as the result stream gives it. */
export interface StreamTest {
  id: string;
  name: string;
  /** Test file relative to the project root. */
  file: string;
}

/** Seconds between asking StrykerJS to stop and killing it. */
const STOP_GRACE_SECONDS = 10;

/**
 * Runs StrykerJS over one method and classifies every mutant.
 *
 * @returns the method's mutation record; `error` is set when StrykerJS failed before testing
 *   mutants (for example when the unmutated properties fail)
 */
export async function mutateMethod(method: MutationScope, options: MutationOptions): Promise<MethodMutation> {
  const started = Date.now();
  const measuredAt = new Date(started).toISOString();
  const base = { folders: method.folders, measuredAt, budgetSeconds: options.budgetSeconds };
  if (method.properties === null || method.files.length === 0) {
    const what = method.properties === null ? `no property folder properties/${method.id}/` : `no source files under ${method.folders.join(', ') || `impl/${method.id}/`}`;
    return { ...base, durationMs: 0, complete: false, counts: countStatuses([]), score: null, reused: 0, survivors: [], equivalent: [], error: `not run: ${what}` };
  }

  const dir = join(options.workDir, method.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  mkdirSync(options.incrementalDir, { recursive: true });
  const paths = { config: join(dir, 'stryker.config.json'), report: join(dir, 'report.json'), stream: join(dir, 'mutants.jsonl'), log: join(dir, 'stryker.log') };
  writeFileSync(paths.config, `${JSON.stringify(strykerConfig(method, options, paths), null, 2)}\n`);

  options.log.info(`mutation: ${method.id}: mutating ${method.folders.join(', ')} (${method.files.length} files) against ${method.testFolders.map((f) => `${f}/`).join(', ')}, budget ${options.budgetSeconds} s`);
  const env = { ...options.env, PAPERPROOF_MUTANT_STREAM: paths.stream, [MUTANT_RUN_VARIABLE]: '1' };
  const { code, stoppedByBudget } = await runStryker(options.root, paths.config, env, options.budgetSeconds, paths.log, options.quiet);
  const durationMs = Date.now() - started;

  const stream = readStream(paths.stream);
  if (stoppedByBudget && stream.tests.length > 0) {
    // StrykerJS saves its incremental file only when it finishes; save what this run reached.
    writeIncrementalReport(incrementalPath(options, method.id), stream.tests, stream.mutants, options.root);
  }
  const fromReport = existsSync(paths.report) ? readReport(paths.report, options.root) : null;
  const mutants = fromReport ?? stream.mutants;
  const complete = fromReport !== null && !stoppedByBudget;
  const notTested = Math.max(0, stream.planned - mutants.length);

  const result = classify(mutants, options.equivalents, method, options.root);
  const counts = countStatuses(result.records);
  counts.notTested = complete ? 0 : notTested;
  counts.total += counts.notTested;

  const mutation: MethodMutation = { ...base, durationMs, complete, counts, score: score(counts), reused: stream.reused, survivors: result.survivors, equivalent: result.equivalent };
  if (result.stale.length > 0) mutation.staleEquivalents = result.stale;
  if (stoppedByBudget) {
    options.log.warn(`mutation: ${method.id}: the budget of ${options.budgetSeconds} s ran out after ${mutants.length} of ${stream.planned || '?'} mutants; raise --budget to test the rest`);
  } else if (fromReport === null) {
    mutation.error = `StrykerJS exited with code ${code} and wrote no report; see the last lines of ${paths.log}:\n${tail(paths.log, 15)}`;
  }
  return mutation;
}

/** Builds the StrykerJS configuration of one method. */
export function strykerConfig(method: MutationScope, options: Pick<MutationOptions, 'root' | 'incrementalDir' | 'concurrency' | 'force'>, paths: { report: string }): Record<string, unknown> {
  const reporter = fileURLToPath(new URL('./stryker-stream-reporter.mjs', import.meta.url));
  return {
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner', reporter],
    mutate: [...method.folders.map((folder) => `${folder}/**/*.ts`), '!**/*.test.ts', '!**/*.d.ts'],
    testFiles: method.testFolders.map((folder) => `${folder}/**/*.test.ts`),
    coverageAnalysis: 'perTest',
    concurrency: options.concurrency,
    incremental: true,
    incrementalFile: relative(options.root, incrementalPath(options, method.id)),
    force: options.force,
    reporters: ['json', 'paperproof-stream', 'progress-append-only'],
    jsonReporter: { fileName: relative(options.root, paths.report) },
    tempDirName: `.stryker-tmp/${method.id}`,
    cleanTempDir: true,
    // The report folder, scratch files and earlier outputs are not needed in the sandbox copies.
    ignorePatterns: ['reports/out', 'coverage', 'scratch', '.vitest-results', 'mutation/incremental'],
    thresholds: { high: 90, low: 80, break: null },
    logLevel: 'info',
    fileLogLevel: 'off',
  };
}

/** Returns the path of a method's incremental file. */
export function incrementalPath(options: Pick<MutationOptions, 'incrementalDir'>, id: string): string {
  return join(options.incrementalDir, `${id}.json`);
}

/**
 * Runs StrykerJS with `config` and stops it when the budget runs out. Its output goes to
 * `logPath`, and to stderr unless `quiet`.
 */
function runStryker(root: string, config: string, env: NodeJS.ProcessEnv, budgetSeconds: number, logPath: string, quiet: boolean): Promise<{ code: number; stoppedByBudget: boolean }> {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js');
  return new Promise((resolve, reject) => {
    // Its own process group, so that stopping it also stops its test-runner processes.
    const child = spawn(process.execPath, [bin, 'run', config], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const log: Buffer[] = [];
    const forward = (chunk: Buffer) => {
      log.push(chunk);
      if (!quiet) process.stderr.write(chunk);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);

    let stoppedByBudget = false;
    let killer: NodeJS.Timeout | undefined;
    const budget = setTimeout(() => {
      stoppedByBudget = true;
      signalGroup(child.pid, 'SIGTERM');
      killer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), STOP_GRACE_SECONDS * 1000);
    }, budgetSeconds * 1000);

    child.on('error', (error) => {
      clearTimeout(budget);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(budget);
      if (killer !== undefined) clearTimeout(killer);
      // Test-runner processes may outlive a stopped StrykerJS; end what is left of the group.
      if (stoppedByBudget) signalGroup(child.pid, 'SIGKILL');
      writeFileSync(logPath, Buffer.concat(log));
      resolve({ code: code ?? (signal === null ? 1 : 128), stoppedByBudget });
    });
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has already exited.
  }
}

/** Contents of the result stream. */
interface StreamContents {
  planned: number;
  reused: number;
  tests: StreamTest[];
  mutants: RawMutant[];
}

function readStream(path: string): StreamContents {
  const contents: StreamContents = { planned: 0, reused: 0, tests: [], mutants: [] };
  if (!existsSync(path)) return contents;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // the last line of a stopped run may be cut off
    }
    if (record.event === 'tests') {
      contents.tests = record.tests as StreamTest[];
    } else if (record.event === 'plan') {
      contents.planned = Number(record.mutants);
      contents.reused = Number(record.reused);
    } else if (record.event === 'mutant') {
      contents.mutants.push(record as unknown as RawMutant);
    }
  }
  return contents;
}

/** Reads StrykerJS's JSON report (mutation-testing-report-schema, 1-based lines and columns). */
function readReport(path: string, root: string): RawMutant[] {
  const report = JSON.parse(readFileSync(path, 'utf8')) as {
    files: Record<string, { mutants: { id: string; mutatorName: string; replacement?: string; location: MutantRecord['location']; status: string; statusReason?: string; coveredBy?: string[]; killedBy?: string[] }[] }>;
  };
  const mutants: RawMutant[] = [];
  for (const [name, file] of Object.entries(report.files)) {
    const path = relative(root, join(root, name)).split(sep).join('/');
    for (const m of file.mutants) {
      mutants.push({ id: m.id, file: path, mutator: m.mutatorName, replacement: m.replacement ?? '', location: m.location, status: m.status, statusReason: m.statusReason, coveredBy: m.coveredBy, killedBy: m.killedBy });
    }
  }
  return mutants;
}

const STATUS: Record<string, MutantStatus> = {
  Killed: 'killed',
  Timeout: 'timeout',
  Survived: 'survived',
  NoCoverage: 'no-coverage',
  CompileError: 'error',
  RuntimeError: 'error',
  Ignored: 'ignored',
  Pending: 'not-tested',
};

/** Sorts mutants into records, marks the listed equivalent ones, and finds stale list entries. */
function classify(mutants: readonly RawMutant[], equivalents: ReadonlyMap<string, EquivalentEntry>, method: MutationScope, root: string) {
  const sources = new Map<string, string[]>();
  const original = (m: RawMutant) => {
    if (!sources.has(m.file)) sources.set(m.file, readLines(root, m.file));
    return excerpt(sources.get(m.file)!, m.location);
  };

  const records: MutantRecord[] = [];
  const survivors: MutantRecord[] = [];
  const equivalent: MutantRecord[] = [];
  const matched = new Set<string>();
  for (const m of mutants) {
    const key = mutantKey(m);
    let status = STATUS[m.status] ?? 'error';
    const listed = equivalents.get(key);
    const record: MutantRecord = { file: m.file, mutator: m.mutator, location: m.location, replacement: shorten(m.replacement), original: original(m), status };
    if (m.coveredBy !== undefined) record.coveredBy = m.coveredBy.length;
    if (listed !== undefined) matched.add(key);
    if (listed !== undefined && (status === 'survived' || status === 'no-coverage')) {
      status = 'equivalent';
      record.status = status;
      record.reason = listed.reason;
      equivalent.push(record);
    } else if (status === 'survived' || status === 'no-coverage') {
      survivors.push(record);
    } else if (status === 'error' && m.statusReason) {
      record.reason = m.statusReason.split('\n')[0]!;
    }
    records.push(record);
  }

  const owned = (file: string) => method.folders.some((folder) => file.startsWith(`${folder}/`));
  const stale = [...equivalents.entries()].filter(([key, entry]) => owned(entry.file) && !matched.has(key)).map(([key]) => key);
  const byLocation = (a: MutantRecord, b: MutantRecord) => a.file.localeCompare(b.file) || a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column;
  return { records, survivors: survivors.sort(byLocation), equivalent: equivalent.sort(byLocation), stale };
}

/** Counts records by status. */
export function countStatuses(records: readonly MutantRecord[]): MutantCounts {
  const counts: MutantCounts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0, errors: 0, ignored: 0, notTested: 0, total: records.length };
  for (const r of records) {
    if (r.status === 'killed') counts.killed += 1;
    else if (r.status === 'timeout') counts.timeout += 1;
    else if (r.status === 'survived') counts.survived += 1;
    else if (r.status === 'no-coverage') counts.noCoverage += 1;
    else if (r.status === 'equivalent') counts.equivalent += 1;
    else if (r.status === 'error') counts.errors += 1;
    else if (r.status === 'ignored') counts.ignored += 1;
    else counts.notTested += 1;
  }
  return counts;
}

/**
 * Returns the mutation score: killed and timed-out mutants over every tested, non-equivalent
 * mutant (killed, timed out, survived or uncovered); null when there is none.
 */
export function score(counts: MutantCounts): number | null {
  const detected = counts.killed + counts.timeout;
  const relevant = detected + counts.survived + counts.noCoverage;
  return relevant === 0 ? null : detected / relevant;
}

function readLines(root: string, file: string): string[] {
  try {
    return readFileSync(join(root, file), 'utf8').split('\n');
  } catch {
    return [];
  }
}

/** Returns the source text at a 1-based, end-exclusive location, on one line and shortened. */
function excerpt(lines: readonly string[], location: MutantRecord['location']): string {
  const { start, end } = location;
  if (lines.length < end.line) return '';
  const parts: string[] = [];
  for (let line = start.line; line <= end.line; line += 1) {
    const text = lines[line - 1] ?? '';
    const from = line === start.line ? start.column - 1 : 0;
    const to = line === end.line ? end.column - 1 : text.length;
    parts.push(text.slice(from, to));
  }
  return shorten(parts.map((p) => p.trim()).join(' '));
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

function tail(path: string, lines: number): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').replace(/\u001b\[[0-9;]*m/g, '').trimEnd().split('\n').slice(-lines).join('\n');
}
