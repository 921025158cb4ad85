/**
 * The `results.json` contract (schema version 1). Other tools read this file; fields are only
 * ever added, never renamed or removed, within a schema version.
 */
import type { BackendRecord } from '../harness/tensor/record';
import type { ClaimVerdict, ReportPlot, ReportTable } from '../harness/runner';

export const SCHEMA_VERSION = 1;

export interface MachineRecord {
  cpus: number;
  memoryBytes: number;
  node: string;
  platform: string;
  /** CPU model name, as the operating system reports it. */
  cpuModel?: string;
}

/** One negative control of an invariant and what the property did with it. */
export interface ControlResult {
  name: string;
  /** `rejected`: the property failed on the broken variant, as it must; `accepted`: it did not. */
  outcome: 'rejected' | 'accepted' | 'not-run';
  /** The case on which the property rejected the variant. */
  rejectedWith: string | null;
}

export interface InvariantResult {
  id: string;
  status: 'passed' | 'failed' | 'skipped';
  /** `rejected` when every control was rejected, `accepted` when any was accepted, `missing` when none ran. */
  negativeControl: 'rejected' | 'accepted' | 'missing';
  runs: number;
  seed: number;
  counterexample: string | null;
  statement?: string;
  kind?: string;
  controls?: ControlResult[];
  /** First lines of the failure message, when the invariant failed. */
  failure?: string;
  /** Why the test was skipped, when it was. */
  skipReason?: string;
  /** Measured figures of the check, one line each (statistical tests: p-value, alpha, detectable effect). */
  details?: string[];
}

export interface ExperimentResult {
  id: string;
  claim: string;
  verdict: ClaimVerdict;
  metrics: Record<string, { value: number; unit: string }>;
  claimId?: string;
  summary?: string;
  data?: string;
  tables?: ReportTable[];
  plots?: ReportPlot[];
  notes?: string[];
  /** Wall-clock time of the experiment in milliseconds. */
  millis?: number;
  /** Set when the experiment itself crashed; the verdict is then `inconclusive`. */
  error?: string;
}

export interface BenchmarkResult {
  id: string;
  unit: string;
  median: number;
  p25: number;
  p75: number;
  samples: number;
  ratios: Record<string, number>;
  mean?: number;
  sd?: number;
  data?: string;
  description?: string;
}

export interface MethodResult {
  id: string;
  title?: string;
  citation?: string;
  invariants: InvariantResult[];
  experiments: ExperimentResult[];
  benchmarks: BenchmarkResult[];
  /** Line and branch coverage of the method's source folders (`paperproof coverage` or `run --coverage`). */
  coverage?: MethodCoverage;
  /** Mutation testing of the method's source folders against its properties (`paperproof mutation`). */
  mutation?: MethodMutation;
}

export interface Results {
  schemaVersion: number;
  createdAt: string;
  profile: 'quick' | 'full';
  seed: number;
  backend: BackendRecord;
  machine: MachineRecord;
  methods: MethodResult[];
  /** Data folder used, or a note that generated data was used. */
  data?: string;
  /** Errors the report found: invariants without a test, tests with ids in no spec, vacuous properties. */
  problems?: string[];
  /** Totals of the property run. */
  tests?: { passed: number; failed: number; skipped: number };
  /** Tests of the suite's own infrastructure (names starting with `harness/`). */
  selfTests?: { name: string; status: string }[];
  /** Paperproof version and git revision that produced the file. */
  producer?: { version: string; revision: string | null };
  /** Measurement record of the methods' coverage and mutation figures, when there are any. */
  quality?: QualityRecord;
}

/** A covered count out of a total, for one coverage measure. */
export interface CoverageCount {
  covered: number;
  total: number;
}

/** A branch arm that no test took. */
export interface UncoveredBranch {
  /** Line of the branch (1-based). */
  line: number;
  /** Istanbul's branch type: `if`, `cond-expr`, `binary-expr`, `switch` or `default-arg`. */
  type: string;
  /** The arm never taken, for example `else`, `false`, `operand 2` or `case 3`. */
  arm: string;
  /** Source text of the branch's first line, trimmed and shortened. */
  text: string;
}

/** Coverage of one source file. */
export interface FileCoverage {
  /** Path relative to the project root, with `/` separators. */
  path: string;
  lines: CoverageCount;
  branches: CoverageCount;
  functions: CoverageCount;
  /** Lines never executed, as ranges such as `12-15` or `40`. */
  uncoveredLines: string[];
  uncoveredBranches: UncoveredBranch[];
  /** Lines executed only outside the property suite (comparison runs, benchmarks, command-line child processes). */
  linesOutsideProperties?: number;
}

/** Coverage of a group of source folders: a method's, or the shared infrastructure's. */
export interface AreaCoverage {
  folders: string[];
  lines: CoverageCount;
  branches: CoverageCount;
  functions: CoverageCount;
  /** Lines covered by the property suite's vitest workers alone, before c8's processes were added. */
  propertyLines?: CoverageCount;
  files: FileCoverage[];
}

/** Coverage of one method, with where it was measured. */
export interface MethodCoverage extends AreaCoverage {
  /** ISO-8601 time of the measurement. */
  measuredAt: string;
  /** `property-suite` (`paperproof coverage`) or `main-job` (`paperproof run --coverage`). */
  source: CoverageSource;
}

/** Workload that ran while coverage was measured. */
export type CoverageSource = 'property-suite' | 'main-job';

/** Outcome of one mutant, in the suite's words. */
export type MutantStatus = 'killed' | 'timeout' | 'survived' | 'no-coverage' | 'equivalent' | 'error' | 'ignored' | 'not-tested';

/** One mutant: a small change of the source that some test should notice. */
export interface MutantRecord {
  /** Path relative to the project root, with `/` separators. */
  file: string;
  /** StrykerJS mutator name, for example `ConditionalExpression`. */
  mutator: string;
  /** 1-based line and column of the mutated code's start and end. */
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  /** Source text that replaces the original. */
  replacement: string;
  /** Original source text at the location, shortened. */
  original: string;
  status: MutantStatus;
  /** Reason a mutant is equivalent (from the equivalent-mutant list), or StrykerJS's reason for an error. */
  reason?: string;
  /** Number of tests that executed the mutated code. */
  coveredBy?: number;
}

/** Mutant counts by outcome. */
export interface MutantCounts {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  equivalent: number;
  errors: number;
  ignored: number;
  notTested: number;
  total: number;
}

/** Mutation testing of one method: its source folders mutated, its own properties run against each mutant. */
export interface MethodMutation {
  folders: string[];
  measuredAt: string;
  /** Wall-clock time of the method's StrykerJS run in milliseconds. */
  durationMs: number;
  /** Time budget of the run in seconds. */
  budgetSeconds: number;
  /** False when the budget ran out before every mutant was tested; the counts are then partial. */
  complete: boolean;
  counts: MutantCounts;
  /**
   * Killed and timed-out mutants over every tested, non-equivalent mutant (killed, timed out,
   * survived or uncovered); null when there is none.
   */
  score: number | null;
  /** Mutants whose result StrykerJS reused from its incremental file. */
  reused: number;
  /** Survived and uncovered mutants that are not listed as equivalent. */
  survivors: MutantRecord[];
  /** Mutants listed as equivalent, with the reason. */
  equivalent: MutantRecord[];
  /** Equivalent-mutant entries of this method's files that matched no mutant (moved or fixed code). */
  staleEquivalents?: string[];
  /** Failure reason, when StrykerJS stopped with an error. */
  error?: string;
}

/** Measurement record of the coverage and mutation figures. */
export interface QualityRecord {
  coverage?: CoverageRunRecord;
  mutation?: MutationRunRecord;
}

/** One coverage measurement. */
export interface CoverageRunRecord {
  measuredAt: string;
  source: CoverageSource;
  /** Tools with versions, for example `@vitest/coverage-v8 4.1.12`. */
  tools: string[];
  /** The command that measured. */
  command: string;
  durationMs: number;
  /** Every measured file together (methods and infrastructure, each file once). */
  totals: { lines: CoverageCount; branches: CoverageCount; functions: CoverageCount };
  /** Folders that belong to no method, such as `harness/`. */
  infrastructure: AreaCoverage[];
  notes: string[];
}

/** One mutation testing run over several methods. */
export interface MutationRunRecord {
  measuredAt: string;
  /** Tool with version, for example `StrykerJS 9.6.1 (vitest runner)`. */
  tool: string;
  command: string;
  /** Wall-clock time of the whole run in milliseconds. */
  durationMs: number;
  concurrency: number;
  /** Methods measured, in order. */
  methods: string[];
  notes: string[];
}
