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
}
