/**
 * Merges `results.json` files from several runs (shards of one run, or runs on several machines)
 * into one.
 */
import { readFileSync } from 'node:fs';
import { SCHEMA_VERSION, type Results } from './schema';

/**
 * Reads and validates one results file.
 *
 * @throws Error naming the file when it is missing, not JSON, or of another schema version.
 */
export function readResults(path: string): Results {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read results file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); pass a results.json written by paperproof run`);
  }
  const results = parsed as Partial<Results>;
  if (typeof results !== 'object' || results === null || !Array.isArray(results.methods)) {
    throw new Error(`${path} is not a paperproof results file: it has no "methods" array`);
  }
  if (results.schemaVersion !== SCHEMA_VERSION) {
    throw new Error(`${path} has schemaVersion ${String(results.schemaVersion)}, but this paperproof reads version ${SCHEMA_VERSION}; re-run it with this version`);
  }
  return results as Results;
}

/**
 * Merges results: methods are united by id (a method present in several files keeps the entry of
 * the last file and is reported as a problem), problems and test totals add up.
 */
export function mergeResults(all: readonly { path: string; results: Results }[]): Results {
  if (all.length === 0) throw new Error('report --in needs at least one results file');
  const first = all[0]!.results;
  const methods = new Map<string, Results['methods'][number]>();
  const problems: string[] = [];
  const tests = { passed: 0, failed: 0, skipped: 0 };
  for (const { path, results } of all) {
    for (const method of results.methods) {
      if (methods.has(method.id)) problems.push(`method ${method.id} appears in several inputs; the one from ${path} is shown`);
      methods.set(method.id, method);
    }
    problems.push(...(results.problems ?? []).map((p) => `${path}: ${p}`));
    tests.passed += results.tests?.passed ?? 0;
    tests.failed += results.tests?.failed ?? 0;
    tests.skipped += results.tests?.skipped ?? 0;
    if (results.profile !== first.profile) problems.push(`${path} was run with profile ${results.profile}, ${all[0]!.path} with ${first.profile}`);
  }
  return {
    ...first,
    createdAt: new Date().toISOString(),
    methods: [...methods.values()],
    problems,
    tests,
    selfTests: all.flatMap(({ results }) => results.selfTests ?? []),
  };
}
