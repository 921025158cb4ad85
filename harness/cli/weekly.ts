/**
 * `paperproof weekly`: the slow checks that CI does not run on every change. It runs the main
 * job with coverage (`run --coverage`), then mutation testing of every method, and leaves one
 * report in the report folder with the coverage and mutation pages joined in.
 *
 * Exit code: the larger of the two steps' codes (0 when both passed), 2 on bad usage.
 */
import { resolve } from 'node:path';
import { createLogger } from '../logger';
import { formatNumber } from '../../reports/format';
import { mutationCommand, type MutationCommandOptions } from './mutation';
import { runWithCoverage } from './run-coverage';

export interface WeeklyOptions extends MutationCommandOptions {
  profile: string;
}

/** Runs the weekly checks and returns the exit code. */
export async function weeklyCommand(root: string, options: WeeklyOptions): Promise<number> {
  const log = createLogger(options.quiet ? 'warn' : undefined);
  const started = Date.now();

  const runArgs = ['--profile', options.profile, '--out', resolve(options.out)];
  if (options.method !== undefined) runArgs.push('--method', options.method);
  if (options.data !== undefined) runArgs.push('--data', resolve(options.data));
  if (options.quiet) runArgs.push('--quiet');
  log.info(`weekly: step 1 of 2: paperproof run --coverage ${runArgs.join(' ')}`);
  const runCode = await runWithCoverage(root, runArgs, options.out, options.quiet === true);
  if (runCode === 2) return 2;

  log.info('weekly: step 2 of 2: paperproof mutation');
  const mutationCode = await mutationCommand(root, options);

  log.info(`weekly: done in ${formatNumber((Date.now() - started) / 60_000)} min (main job ${runCode === 0 ? 'passed' : `exit code ${runCode}`}, mutation testing ${mutationCode === 0 ? 'finished' : `exit code ${mutationCode}`})`);
  return Math.max(runCode, mutationCode);
}
