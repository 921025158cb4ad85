/**
 * The file `paperproof bench --save` writes and `--baseline` reads: one run of the speed suites,
 * with the raw samples of every benchmark, the per-round medians the statistics use, and what
 * is needed to refuse a meaningless comparison (suite version, tensor backend, machine).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { BackendRecord } from '../tensor/record';

export const BENCH_FILE_KIND = 'paperproof-bench';
export const BENCH_SCHEMA_VERSION = 1;

/** One benchmark of a bench file. */
export interface BenchEntry {
  id: string;
  unit: string;
  description?: string;
  data: string;
  median: number;
  p25: number;
  p75: number;
  /** Median absolute deviation of the raw samples. */
  mad: number;
  /** Number of raw samples. */
  samples: number;
  /** Median of each round. */
  roundMedians: number[];
  /** Every timed call, in milliseconds. */
  rawSamples: number[];
}

/** A saved run of the speed suites. */
export interface BenchFile {
  kind: typeof BENCH_FILE_KIND;
  schemaVersion: number;
  /** Version of paperproof that wrote the file. */
  suiteVersion: string;
  revision: string | null;
  createdAt: string;
  machine: { cpus: number; cpuModel?: string; node: string; platform: string };
  backend: BackendRecord;
  rounds: number;
  sliceMs: number;
  benchmarks: BenchEntry[];
}

/** Kind of problem with a bench file. */
export type BenchFileErrorCode = 'missing' | 'corrupt' | 'not-a-bench-file' | 'schema-version' | 'suite-version';

/** A bench file that cannot be used as a baseline. */
export class BenchFileError extends Error {
  override readonly name = 'BenchFileError';
  constructor(
    readonly code: BenchFileErrorCode,
    message: string,
  ) {
    super(`${message} [${code}]`);
  }
}

/**
 * Reads and validates a bench file.
 *
 * @param expectedVersion - paperproof version the file must come from; a baseline from another
 *   version measured other code and other suites
 * @throws BenchFileError naming the file and the fix.
 */
export function readBenchFile(path: string, expectedVersion: string): BenchFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BenchFileError('missing', code === 'ENOENT' ? `baseline file ${path} not found; create it with paperproof bench --save ${path}` : `cannot read baseline file ${path} (${code ?? (error as Error).message})`);
  }
  let parsed: Partial<BenchFile>;
  try {
    parsed = JSON.parse(text) as Partial<BenchFile>;
  } catch (error) {
    throw new BenchFileError('corrupt', `baseline file ${path} is not valid JSON (${(error as Error).message}); re-create it with paperproof bench --save`);
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.kind !== BENCH_FILE_KIND) {
    throw new BenchFileError('not-a-bench-file', `${path} is not a paperproof bench file (no "kind": "${BENCH_FILE_KIND}"); pass a file written by paperproof bench --save`);
  }
  if (parsed.schemaVersion !== BENCH_SCHEMA_VERSION) {
    throw new BenchFileError('schema-version', `${path} has bench schema version ${String(parsed.schemaVersion)}; this paperproof reads version ${BENCH_SCHEMA_VERSION}`);
  }
  if (parsed.suiteVersion !== expectedVersion) {
    throw new BenchFileError('suite-version', `${path} was written by paperproof ${String(parsed.suiteVersion)}, this is ${expectedVersion}; its suites measured other code, so re-save the baseline with this version, or use --compare REF`);
  }
  if (!Array.isArray(parsed.benchmarks) || parsed.benchmarks.some((b) => !Array.isArray(b?.roundMedians) || typeof b?.id !== 'string')) {
    throw new BenchFileError('corrupt', `${path} has a malformed "benchmarks" list; re-create it with paperproof bench --save`);
  }
  return parsed as BenchFile;
}

/** Writes a bench file. */
export function writeBenchFile(path: string, file: BenchFile): void {
  writeFileSync(path, `${JSON.stringify(file)}\n`);
}
