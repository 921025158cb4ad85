/**
 * `paperproof run --coverage`: the main job measured for coverage, so that code reached only by
 * comparison runs and benchmarks is counted. The job runs again as a child process under c8
 * (comparison runs and benchmarks run in that process), and its property suite runs with
 * @vitest/coverage-v8, whose map lands in a folder named by `PAPERPROOF_COVERAGE_DIR`. The two
 * maps then become `coverage.json`, joined into the job's `results.json`.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readResults } from '../../reports/merge';
import { SPECS } from '../../specs/index';
import { createLogger } from '../logger';
import { c8Args, readMapIfPresent, runNode } from '../quality/coverage';
import { publishQuality } from '../quality/publish';
import { coverageFile, coverageTable } from './coverage';

/** Environment variable naming the folder where the inner run's @vitest/coverage-v8 writes its map. */
export const COVERAGE_DIR_VARIABLE = 'PAPERPROOF_COVERAGE_DIR';

/**
 * Runs `paperproof run` with `argv` (its arguments without `--coverage`) under c8, then writes
 * the coverage figures into the report folder `out`.
 *
 * @returns the inner run's exit code
 */
export async function runWithCoverage(root: string, argv: string[], out: string, quiet: boolean): Promise<number> {
  const log = createLogger(quiet ? 'warn' : undefined);
  const work = mkdtempSync(join(tmpdir(), 'paperproof-run-coverage-'));
  const started = Date.now();
  try {
    const vitestDir = join(work, 'vitest');
    const c8Dir = join(work, 'c8');
    const bin = join(root, 'bin', 'paperproof.mjs');
    log.info('run --coverage: running the main job under c8, its properties with @vitest/coverage-v8');
    const code = await runNode(root, c8Args(join(work, 'v8'), c8Dir, [bin, 'run', ...argv]), { ...process.env, [COVERAGE_DIR_VARIABLE]: vitestDir }, 'stdout');

    const resultsPath = join(resolve(out), 'results.json');
    // Exit code 2 is bad usage: nothing ran, and a results.json there is from an earlier run.
    if (code === 2 || !existsSync(resultsPath) || statSync(resultsPath).mtimeMs < started) {
      if (code !== 2) log.error(`run --coverage: the main job exited with code ${code} and wrote no results.json; no coverage was recorded`);
      return code;
    }

    const ids = new Set(readResults(resultsPath).methods.map((m) => m.id));
    const specs = SPECS.filter((s) => ids.has(s.id));
    const vitestMap = readMapIfPresent(join(vitestDir, 'coverage-final.json'), root);
    const c8Map = readMapIfPresent(join(c8Dir, 'coverage-final.json'), root);
    if (vitestMap.size === 0) {
      log.error('run --coverage: the property suite wrote no coverage map, which the figures need; see the vitest output above');
      return code === 0 ? 1 : code;
    }
    const file = coverageFile(root, specs, vitestMap, c8Map, {
      source: 'main-job',
      command: `paperproof run --coverage ${argv.join(' ')}`.trim(),
      durationMs: Date.now() - started,
      notes: [],
    });
    const published = await publishQuality(resolve(out), file);
    log.info(`run --coverage: wrote ${published.file} and joined it into ${published.results ?? resultsPath}`);
    process.stdout.write(`\n${coverageTable(file)}`);
    return code;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
