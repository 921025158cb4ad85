/**
 * Line and branch coverage of the methods' sources and of the shared infrastructure.
 *
 * Two tools measure, because each one misses what the other measures:
 * - @vitest/coverage-v8 measures the code vitest's workers run. vitest evaluates the sources
 *   through its own module runner, which c8 cannot map back to files: `c8 vitest run` reports
 *   0 of 0 statements (measured with c8 12.0.0 and vitest 4.1.12).
 * - c8 measures plain Node processes: the command-line child processes that the harness tests
 *   start, and the in-process comparison runs and benchmarks of `paperproof run --coverage`.
 *   tsx's source maps lead it back to the TypeScript files.
 *
 * A line counts as covered when either tool saw it run. Branches and functions come from
 * vitest's map alone (see `istanbul.ts` for why).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import type { AreaCoverage, CoverageSource, FileCoverage, MethodCoverage } from '../../reports/schema';
import { addCounts, fileFigures, lineCounts, readCoverageMap, type LineCounts } from './istanbul';
import { INFRASTRUCTURE_FOLDERS, sourceFiles, type MethodSources } from './ownership';

/** Glob patterns of the measured sources, relative to the project root. */
export const COVERAGE_INCLUDE = ['impl/**/*.ts', 'models/**/*.ts', ...INFRASTRUCTURE_FOLDERS.map((f) => `${f}/**/*.ts`)];
/** Glob patterns never measured: tests and declaration files. */
export const COVERAGE_EXCLUDE = ['**/*.test.ts', '**/*.d.ts'];

/** Returns vitest's command-line arguments that turn on its V8 coverage with the suite's settings. */
export function vitestCoverageArgs(reportsDirectory: string): string[] {
  return [
    '--coverage.enabled=true',
    '--coverage.provider=v8',
    '--coverage.reporter=json',
    `--coverage.reportsDirectory=${reportsDirectory}`,
    '--coverage.clean=true',
    ...COVERAGE_INCLUDE.map((glob) => `--coverage.include=${glob}`),
    ...COVERAGE_EXCLUDE.map((glob) => `--coverage.exclude=${glob}`),
  ];
}

/** Returns the arguments that run `command` (a Node script and its arguments) under c8. */
export function c8Args(tempDirectory: string, reportDirectory: string, command: string[]): string[] {
  const require = createRequire(import.meta.url);
  const c8 = join(dirname(require.resolve('c8/package.json')), 'bin', 'c8.js');
  return [
    c8,
    `--temp-directory=${tempDirectory}`,
    `--report-dir=${reportDirectory}`,
    '--reporter=json',
    '--merge-async',
    ...COVERAGE_INCLUDE.map((glob) => `--include=${glob}`),
    ...COVERAGE_EXCLUDE.map((glob) => `--exclude=${glob}`),
    process.execPath,
    ...command,
  ];
}

/** Returns the path of vitest's command-line entry point. */
export function vitestEntry(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
}

/**
 * Runs `node ...args` in `root` and resolves with its exit code. Its stderr goes to stderr, and
 * its stdout too unless `stdout` is `'stdout'` (for a child whose stdout carries results).
 *
 * @throws Error when the process cannot start
 */
export function runNode(root: string, args: string[], env: NodeJS.ProcessEnv, stdout: 'stderr' | 'stdout' = 'stderr'): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(stdout === 'stdout' ? process.stdout : process.stderr, { end: false });
    child.stderr.pipe(process.stderr, { end: false });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

/** Reads a coverage map, or returns an empty one when the tool wrote none. */
export function readMapIfPresent(path: string, root: string): Map<string, FileCoverageData> {
  return existsSync(path) ? readCoverageMap(path, root) : new Map();
}

/** Figures of every method and of the infrastructure folders. */
export interface CoverageSummary {
  methods: { id: string; coverage: MethodCoverage }[];
  infrastructure: AreaCoverage[];
  totals: Pick<AreaCoverage, 'lines' | 'branches' | 'functions'>;
  /** Source files of the methods or infrastructure that vitest's map lacks (left out of every figure). */
  missing: string[];
}

/**
 * Turns coverage maps into the report's figures, per method (over the folders it owns) and per
 * infrastructure folder.
 *
 * @param vitestMap - @vitest/coverage-v8's map, keyed by relative path; it lists every measured
 *   file, loaded or not
 * @param c8Map - c8's map of the processes vitest cannot see, or null when c8 did not run
 */
export function summarizeCoverage(
  root: string,
  sources: readonly MethodSources[],
  vitestMap: ReadonlyMap<string, FileCoverageData>,
  c8Map: ReadonlyMap<string, FileCoverageData> | null,
  source: CoverageSource,
  measuredAt: string,
): CoverageSummary {
  const missing = new Set<string>();
  const cache = new Map<string, FileCoverage>();
  const figuresOf = (path: string): FileCoverage | null => {
    const known = cache.get(path);
    if (known !== undefined) return known;
    const data = vitestMap.get(path);
    if (data === undefined) {
      missing.add(path);
      return null;
    }
    // With c8 in the run, a file it never saw still gets an (empty) count of lines run outside vitest.
    let extraLines: LineCounts | undefined;
    if (c8Map !== null) {
      const extra = c8Map.get(path);
      extraLines = extra === undefined ? {} : lineCounts(extra);
    }
    const text = readFileSync(join(root, path), 'utf8');
    const figures = fileFigures(path, data, text, extraLines);
    cache.set(path, figures);
    return figures;
  };
  const area = (folders: string[], files: readonly string[]): AreaCoverage => {
    const measured = files.map(figuresOf).filter((f): f is FileCoverage => f !== null);
    const result: AreaCoverage = {
      folders,
      lines: addCounts(...measured.map((f) => f.lines)),
      branches: addCounts(...measured.map((f) => f.branches)),
      functions: addCounts(...measured.map((f) => f.functions)),
      files: measured,
    };
    if (c8Map !== null) {
      result.propertyLines = addCounts(...measured.map((f) => ({ covered: f.lines.covered - (f.linesOutsideProperties ?? 0), total: f.lines.total })));
    }
    return result;
  };

  const methods = sources.map((m) => ({ id: m.id, coverage: { ...area(m.folders, m.files), measuredAt, source } satisfies MethodCoverage }));
  const infrastructure = INFRASTRUCTURE_FOLDERS.map((folder) => area([folder], sourceFiles(root, folder)));
  for (const path of vitestMap.keys()) figuresOf(path);
  const every = [...cache.values()];
  return {
    methods,
    infrastructure,
    totals: {
      lines: addCounts(...every.map((f) => f.lines)),
      branches: addCounts(...every.map((f) => f.branches)),
      functions: addCounts(...every.map((f) => f.functions)),
    },
    missing: [...missing].sort(),
  };
}
