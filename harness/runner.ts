/**
 * The contract between the command line and each method's comparison runs and speed suites.
 *
 * Every implemented method has a module `bench/<id>/index.ts` exporting a {@link MethodRunner}.
 * `paperproof run` calls its experiments and benchmarks, and the report renders what they return:
 * verdicts, metrics with units, tables, and vega-lite plots rendered to SVG offline.
 */
import type { DataFolder } from './data';
import type { Logger } from './logger';
import type { Profile } from './profile';
import type { Rng } from './rng';
import type { MethodId } from './spec';

/** Outcome of re-checking a claim. */
export type ClaimVerdict = 'reproduced' | 'not-reproduced' | 'inconclusive';

/** A measured figure with its unit. */
export interface Metric {
  value: number;
  unit: string;
}

/** A table for the report. Cells are rendered as text; numbers are formatted by the report. */
export interface ReportTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  note?: string;
}

/** A plot for the report: a vega-lite specification with its data inline. */
export interface ReportPlot {
  title: string;
  /** A vega-lite top-level specification (rendered to SVG by the report, offline). */
  vegaLite: Record<string, unknown>;
  caption?: string;
}

/** What an experiment returns; the runner adds its id and claim from the spec. */
export interface ExperimentReport {
  verdict: ClaimVerdict;
  /** One or two sentences that justify the verdict from the measured figures. */
  summary: string;
  metrics: Record<string, Metric>;
  /** Which data the result used, for example `recorded: …/histories (74 files)` or `generated: …`. */
  data: string;
  tables?: ReportTable[];
  plots?: ReportPlot[];
  notes?: string[];
}

/** Everything an experiment or benchmark may use from the run. */
export interface RunContext {
  profile: Profile;
  /** Master seed of the run. */
  seed: number;
  /** Returns a generator derived from the master seed and `label`. */
  rng(label: string): Rng;
  /** Data folder, or null when none is configured (use generated data then). */
  data: DataFolder | null;
  /** Method-specific options from the command line (for example `graph` for `--graph FILE`). */
  options: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /** Shows a one-line progress message on stderr. */
  progress(message: string): void;
}

/** One comparison run of a method. */
export interface Experiment {
  /** Experiment id from the spec. */
  id: string;
  run(context: RunContext): Promise<ExperimentReport>;
}

/** One timed task of a speed suite. */
export interface BenchTask {
  /** Benchmark id from the spec. */
  id: string;
  /** The work timed per sample. */
  fn: () => unknown;
  /** Data used, as in {@link ExperimentReport.data}. */
  data: string;
}

/** A method's comparison runs and speed suites. */
export interface MethodRunner {
  id: MethodId;
  /** True when the method needs a TensorFlow.js backend (selected before it runs). */
  usesTensors: boolean;
  experiments: readonly Experiment[];
  /** Prepares the speed-suite tasks (loading data outside the timed functions). */
  benchmarks(context: RunContext): Promise<BenchTask[]>;
  /**
   * Checks the method's command-line options and data before anything runs (for example that
   * `--graph` names a readable graph). Throws an Error naming the value and the fix; the command
   * line reports it as bad usage (exit code 2).
   */
  checkOptions?(options: Readonly<Record<string, string | undefined>>, data: DataFolder | null): void;
}
