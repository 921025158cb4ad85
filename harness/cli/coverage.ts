/**
 * `paperproof coverage`: line and branch coverage of `impl/`, `models/` and `harness/` from the
 * property suite (vitest's V8 provider), with the command-line child processes that the harness
 * tests start measured by c8. Writes `coverage.json` and the quality page into the report folder,
 * and joins the figures into its `results.json` when there is one.
 *
 * Exit code: 0 when the suite passed, 1 when a test failed (the figures are still written),
 * 2 on bad usage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SPECS, parseMethodList } from '../../specs/index';
import { resolveDataFolder } from '../data';
import { createLogger } from '../logger';
import { c8Args, readMapIfPresent, runNode, summarizeCoverage, vitestCoverageArgs, vitestEntry, type CoverageSummary } from '../quality/coverage';
import { COVERAGE_FILE_KIND, QUALITY_FILE_VERSION, type CoverageFile } from '../quality/files';
import { methodSources } from '../quality/ownership';
import { publishQuality } from '../quality/publish';
import type { CoverageSource } from '../../reports/schema';
import { formatCoverage } from '../../reports/quality';
import type { MethodSpec } from '../spec';
import { UsageError } from './errors';

/** Tools named in the report, with the versions pinned in package.json. */
export const COVERAGE_TOOLS = { vitest: '@vitest/coverage-v8 4.1.12', c8: 'c8 12.0.0' } as const;

export interface CoverageOptions {
  method?: string;
  out: string;
  data?: string;
  quiet?: boolean;
}

/** Runs the property suite under coverage and returns the exit code. */
export async function coverageCommand(root: string, options: CoverageOptions): Promise<number> {
  const log = createLogger(options.quiet ? 'warn' : undefined);
  const specs = selectSpecs(options.method);
  const env = dataEnv(options.data);
  const work = mkdtempSync(join(tmpdir(), 'paperproof-coverage-'));
  const started = Date.now();
  try {
    // Without --method the whole suite runs, harness and report self-tests included.
    const paths = options.method === undefined ? [] : specs.map((s) => `properties/${s.id}`);
    const vitestDir = join(work, 'vitest');
    const c8Dir = join(work, 'c8');
    const args = c8Args(join(work, 'v8'), c8Dir, [vitestEntry(), 'run', '--reporter=dot', ...vitestCoverageArgs(vitestDir), ...paths]);
    log.info(`coverage: running ${paths.length === 0 ? 'the whole test suite' : paths.join(', ')} with @vitest/coverage-v8, under c8 for child processes`);
    const code = await runNode(root, args, env);

    const vitestMap = readMapIfPresent(join(vitestDir, 'coverage-final.json'), root);
    if (vitestMap.size === 0) {
      log.error(`coverage: vitest exited with code ${code} and wrote no coverage map; run 'npx vitest run ${paths.join(' ')}' to see why`);
      return 1;
    }
    const c8Map = readMapIfPresent(join(c8Dir, 'coverage-final.json'), root);
    const command = `paperproof coverage${options.method === undefined ? '' : ` --method ${specs.map((s) => s.id).join(',')}`}`;
    const file = coverageFile(root, specs, vitestMap, c8Map, { source: 'property-suite', command, durationMs: Date.now() - started, notes: suiteNotes(code) });
    const published = await publishQuality(resolve(options.out), file);
    log.info(`coverage: wrote ${published.file}${published.results === null ? '' : ` and joined it into ${published.results}`}; page ${published.page}`);

    process.stdout.write(coverageTable(file));
    if (code !== 0) log.error(`coverage: the test suite failed (vitest exit code ${code}); the figures above count only what ran`);
    return code === 0 ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Facts about the measurement that {@link coverageFile} records. */
export interface CoverageRunFacts {
  source: CoverageSource;
  command: string;
  durationMs: number;
  notes: string[];
}

/** Builds `coverage.json` from the two tools' maps. */
export function coverageFile(
  root: string,
  specs: readonly MethodSpec[],
  vitestMap: Parameters<typeof summarizeCoverage>[2],
  c8Map: Parameters<typeof summarizeCoverage>[3],
  facts: CoverageRunFacts,
): CoverageFile {
  const measuredAt = new Date().toISOString();
  const summary: CoverageSummary = summarizeCoverage(root, methodSources(root, specs), vitestMap, c8Map, facts.source, measuredAt);
  const notes = [
    ...facts.notes,
    'Lines: a line counts as covered when vitest\'s workers or a process measured by c8 ran it. Branches and functions come from @vitest/coverage-v8 alone, ' +
      'because c8 maps V8 block ranges through source maps with approximate columns.',
  ];
  if (summary.missing.length > 0) notes.push(`Files missing from vitest's coverage map, left out of every figure: ${summary.missing.join(', ')}`);
  return {
    kind: COVERAGE_FILE_KIND,
    schemaVersion: QUALITY_FILE_VERSION,
    run: {
      measuredAt,
      source: facts.source,
      tools: [COVERAGE_TOOLS.vitest, COVERAGE_TOOLS.c8],
      command: facts.command,
      durationMs: facts.durationMs,
      totals: summary.totals,
      infrastructure: summary.infrastructure,
      notes,
    },
    methods: summary.methods,
  };
}

/** Formats the stdout table: lines and branches per method and infrastructure folder. */
export function coverageTable(file: CoverageFile): string {
  const rows = [['area', 'lines', 'branches', 'functions']];
  for (const { id, coverage } of file.methods) rows.push([id, formatCoverage(coverage.lines), formatCoverage(coverage.branches), formatCoverage(coverage.functions)]);
  for (const area of file.run.infrastructure) rows.push([`${area.folders.join(', ')}/`, formatCoverage(area.lines), formatCoverage(area.branches), formatCoverage(area.functions)]);
  rows.push(['all measured files', formatCoverage(file.run.totals.lines), formatCoverage(file.run.totals.branches), formatCoverage(file.run.totals.functions)]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return `${lines.join('\n')}\n`;
}

function selectSpecs(method: string | undefined): MethodSpec[] {
  if (method === undefined) return [...SPECS];
  try {
    return parseMethodList(method);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Returns the environment for child processes, with `--data` applied. */
export function dataEnv(data: string | undefined): NodeJS.ProcessEnv {
  let folder;
  try {
    folder = resolveDataFolder(data);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (folder !== null) env.PAPERPROOF_DATA = folder.dir;
  return env;
}

function suiteNotes(code: number): string[] {
  return code === 0 ? [] : [`The test suite failed (vitest exit code ${code}); the figures count only the code that ran.`];
}
