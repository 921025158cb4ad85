/**
 * Runs the property suite of the selected methods in a vitest child process and reads its JSON
 * report. vitest's own progress output goes to stderr; stdout stays free for results.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { VitestJsonReport } from '../../reports/join';
import { vitestCoverageArgs } from '../quality/coverage';

/** Options of {@link runProperties}. */
export interface PropertyRunOptions {
  /** Project root (where vitest.config.ts is). */
  root: string;
  /** Folders or files of property tests to run. */
  paths: string[];
  /** Environment for the child (seed, profile, data folder). */
  env: NodeJS.ProcessEnv;
  /** Shard `i/n`, passed to vitest's `--shard`. */
  shard?: string;
  /** Folder for the coverage map of @vitest/coverage-v8; coverage is off when absent. */
  coverageDir?: string;
}

/**
 * Runs vitest over `paths` and returns its JSON report.
 *
 * @throws Error when vitest cannot start or writes no report (a crash, not a test failure).
 */
export async function runProperties(options: PropertyRunOptions): Promise<VitestJsonReport> {
  const require = createRequire(import.meta.url);
  const vitestEntry = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'paperproof-vitest-'));
  const output = join(dir, 'vitest.json');
  const coverage = options.coverageDir === undefined ? [] : vitestCoverageArgs(options.coverageDir);
  const args = [vitestEntry, 'run', '--reporter=dot', '--reporter=json', `--outputFile.json=${output}`, ...(options.shard ? [`--shard=${options.shard}`] : []), ...coverage, ...options.paths];
  const env = { ...options.env };
  // c8 cannot map what vitest's workers run, so their raw V8 files would only cost time and disk.
  if (options.coverageDir !== undefined) delete env.NODE_V8_COVERAGE;

  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: options.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.pipe(process.stderr, { end: false });
      child.stderr.pipe(process.stderr, { end: false });
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (!existsSync(output)) throw new Error(`vitest exited with code ${code} and wrote no JSON report; run 'npx vitest run ${options.paths.join(' ')}' to see why`);
    return JSON.parse(readFileSync(output, 'utf8')) as VitestJsonReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
