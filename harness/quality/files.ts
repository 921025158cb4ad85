/**
 * The files `paperproof coverage` and `paperproof mutation` write (`coverage.json`,
 * `mutation.json`), and how their figures join a `results.json`: each method gets its `coverage`
 * or `mutation` object, and the top-level `quality` record describes how they were measured.
 */
import { readFileSync } from 'node:fs';
import type { CoverageRunRecord, MethodCoverage, MethodMutation, MutationRunRecord, Results } from '../../reports/schema';

export const COVERAGE_FILE_KIND = 'paperproof-coverage';
export const MUTATION_FILE_KIND = 'paperproof-mutation';
export const QUALITY_FILE_VERSION = 1;

/** Contents of `coverage.json`. */
export interface CoverageFile {
  kind: typeof COVERAGE_FILE_KIND;
  schemaVersion: number;
  run: CoverageRunRecord;
  methods: { id: string; coverage: MethodCoverage }[];
}

/** Contents of `mutation.json`. */
export interface MutationFile {
  kind: typeof MUTATION_FILE_KIND;
  schemaVersion: number;
  run: MutationRunRecord;
  methods: { id: string; mutation: MethodMutation }[];
}

/** A coverage or mutation file, distinguished by `kind`. */
export type QualityFile = CoverageFile | MutationFile;

/** Returns true when `kind` (a parsed file's `kind` field) names a coverage or mutation file. */
export function isQualityKind(kind: unknown): boolean {
  return kind === COVERAGE_FILE_KIND || kind === MUTATION_FILE_KIND;
}

/**
 * Reads a `coverage.json` or `mutation.json`.
 *
 * @throws Error naming the file when it cannot be read, is not JSON, is of another kind or
 *   version, or has no `methods` array
 */
export function readQualityFile(path: string): QualityFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  const file = parsed as Partial<QualityFile> | null;
  if (typeof file !== 'object' || file === null || !isQualityKind(file.kind)) {
    throw new Error(`${path} is not a coverage or mutation file of paperproof (its "kind" is not '${COVERAGE_FILE_KIND}' or '${MUTATION_FILE_KIND}')`);
  }
  if (file.schemaVersion !== QUALITY_FILE_VERSION) {
    throw new Error(`${path} has schemaVersion ${String(file.schemaVersion)}, but this paperproof reads version ${QUALITY_FILE_VERSION}; measure again with this version`);
  }
  if (!Array.isArray(file.methods) || typeof file.run !== 'object' || file.run === null) {
    throw new Error(`${path} has no "run" record or no "methods" array; it was not written by paperproof coverage or mutation`);
  }
  return file as QualityFile;
}

/**
 * Joins coverage and mutation files into `results`: each method listed in a file gets that
 * file's figures (a method the results do not have is added with no invariants, experiments or
 * benchmarks), and `quality` records how they were measured. Later files win over earlier ones.
 *
 * @returns a new results object; `results` is not changed
 */
export function attachQuality(results: Results, files: readonly QualityFile[]): Results {
  const methods = results.methods.map((method) => ({ ...method }));
  const quality = { ...(results.quality ?? {}) };
  const entry = (id: string) => {
    let method = methods.find((m) => m.id === id);
    if (method === undefined) {
      method = { id, invariants: [], experiments: [], benchmarks: [] };
      methods.push(method);
    }
    return method;
  };

  for (const file of files) {
    if (file.kind === COVERAGE_FILE_KIND) {
      quality.coverage = file.run;
      for (const { id, coverage } of file.methods) entry(id).coverage = coverage;
    } else {
      quality.mutation = file.run;
      for (const { id, mutation } of file.methods) entry(id).mutation = mutation;
    }
  }
  return { ...results, methods, quality };
}
