/**
 * `paperproof mutation`: mutation testing of every method (or the chosen ones), one method at a
 * time, each against its own properties, with StrykerJS's incremental mode and a time budget per
 * method. Writes `mutation.json` and the quality page into the report folder, and joins the
 * figures into its `results.json` when there is one.
 *
 * Exit code: 0 when every method's run finished, 1 when one failed or ran out of budget, 2 on bad
 * usage. Scores below the 90% aim do not change the exit code; the report shows them.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MethodMutation } from '../../reports/schema';
import { formatPercent } from '../../reports/quality';
import { formatNumber } from '../../reports/format';
import { SPECS, parseMethodList } from '../../specs/index';
import { createLogger } from '../logger';
import { readEquivalents } from '../quality/equivalent';
import { MUTATION_FILE_KIND, QUALITY_FILE_VERSION, readQualityFile, type MutationFile } from '../quality/files';
import { mutateMethod } from '../quality/mutation';
import { MUTANT_RUN_CASES } from '../testing/mutant-run';
import { mutationScopes } from '../quality/ownership';
import { QUALITY_FILE_NAMES, publishQuality } from '../quality/publish';
import type { MethodSpec } from '../spec';
import { dataEnv } from './coverage';
import { UsageError } from './errors';

/** Tool named in the report, with the version pinned in package.json. */
export const MUTATION_TOOL = 'StrykerJS 9.6.1 (vitest runner)';
/**
 * Default time budget of a whole run, in seconds, shared equally by the methods it tests. 40
 * minutes keep the run well under an hour on 2 cores however many methods land. Mutants a run
 * does not reach are tested by the next run (incremental mode).
 */
export const DEFAULT_TOTAL_BUDGET_SECONDS = 2400;

export interface MutationCommandOptions {
  method?: string;
  out: string;
  /** Budget of each method's run in seconds; default: the total budget shared equally. */
  budget?: string;
  /** Budget of the whole run in seconds, used when `budget` is not given. */
  totalBudget?: string;
  concurrency?: string;
  force: boolean;
  incrementalDir: string;
  equivalents: string;
  data?: string;
  quiet?: boolean;
}

/** Runs mutation testing and returns the exit code. */
export async function mutationCommand(root: string, options: MutationCommandOptions): Promise<number> {
  const log = createLogger(options.quiet ? 'warn' : undefined);
  const specs = selectSpecs(options.method);
  const budgetSeconds = options.budget === undefined
    ? Math.floor(parsePositive(options.totalBudget ?? String(DEFAULT_TOTAL_BUDGET_SECONDS), '--total-budget', 'seconds') / specs.length)
    : parsePositive(options.budget, '--budget', 'seconds');
  const concurrency = options.concurrency === undefined ? Math.max(1, Math.min(2, cpus().length)) : parsePositive(options.concurrency, '--concurrency', 'processes');
  if (!Number.isInteger(concurrency)) throw new UsageError(`--concurrency must be a whole number of processes, got '${options.concurrency}'`);
  let equivalents;
  try {
    equivalents = readEquivalents(resolve(options.equivalents));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const env = dataEnv(options.data);

  const work = mkdtempSync(join(tmpdir(), 'paperproof-mutation-'));
  const started = Date.now();
  const methods: { id: string; mutation: MethodMutation }[] = [];
  try {
    for (const method of mutationScopes(root, SPECS).filter((m) => specs.some((s) => s.id === m.id))) {
      const mutation = await mutateMethod(method, {
        root,
        workDir: work,
        incrementalDir: resolve(options.incrementalDir),
        budgetSeconds,
        concurrency,
        force: options.force,
        equivalents,
        env,
        log,
        quiet: options.quiet === true,
      });
      methods.push({ id: method.id, mutation });
      log.info(`mutation: ${method.id}: score ${formatPercent(mutation.score)} in ${formatNumber(mutation.durationMs / 1000)} s`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const durationMs = Date.now() - started;
  const file: MutationFile = {
    kind: MUTATION_FILE_KIND,
    schemaVersion: QUALITY_FILE_VERSION,
    run: {
      measuredAt: new Date(started).toISOString(),
      tool: MUTATION_TOOL,
      command: `paperproof mutation${options.method === undefined ? '' : ` --method ${specs.map((s) => s.id).join(',')}`} --budget ${budgetSeconds}${options.force ? ' --force' : ''}`,
      durationMs,
      concurrency,
      methods: methods.map((m) => m.id),
      notes: [
        `Each method's source folders were mutated and run against its own properties; a folder several methods share is mutated in one of their runs, against the properties of all of them. Per method the run had a budget of ${budgetSeconds} s.`,
        `In the test runs of mutants, negative controls were left out (they test the properties, not the method) and each property checked at most its first ${MUTANT_RUN_CASES} generated cases, the same cases npm test checks first; the score is therefore a lower bound of what npm test detects.`,
      ],
    },
    methods: withEarlierMethods(methods, resolve(options.out)),
  };
  const published = await publishQuality(resolve(options.out), file);
  log.info(`mutation: wrote ${published.file}${published.results === null ? '' : ` and joined it into ${published.results}`}; page ${published.page}`);
  process.stdout.write(mutationTable(file));
  return methods.every((m) => m.mutation.complete && m.mutation.error === undefined) ? 0 : 1;
}

/** Formats the stdout table: score and counts per method, and the whole run's time. */
export function mutationTable(file: MutationFile): string {
  const rows = [['method', 'score', 'killed', 'survived', 'no coverage', 'timed out', 'equivalent', 'errors', 'not tested', 'time']];
  for (const { id, mutation } of file.methods) {
    const c = mutation.counts;
    const scoreText = `${formatPercent(mutation.score)}${mutation.complete ? '' : ' (partial)'}${mutation.error ? ' (error)' : ''}`;
    rows.push([id, scoreText, String(c.killed), String(c.survived), String(c.noCoverage), String(c.timeout), String(c.equivalent), String(c.errors), String(c.notTested), `${formatNumber(mutation.durationMs / 1000)} s`]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push('', `whole run: ${formatNumber(file.run.durationMs / 1000)} s with ${file.run.concurrency} test-runner processes`);
  return `${lines.join('\n')}\n`;
}

/**
 * Adds, after the methods of this run, the methods of the report folder's earlier mutation.json
 * that this run did not test, so that testing one method at a time builds up the whole table.
 * Each method keeps its own `measuredAt`.
 */
function withEarlierMethods(methods: { id: string; mutation: MethodMutation }[], outDir: string): { id: string; mutation: MethodMutation }[] {
  const path = join(outDir, QUALITY_FILE_NAMES.mutation);
  if (!existsSync(path)) return methods;
  let earlier;
  try {
    earlier = readQualityFile(path);
  } catch {
    return methods; // an unreadable earlier file is replaced, not merged
  }
  if (earlier.kind !== MUTATION_FILE_KIND) return methods;
  const tested = new Set(methods.map((m) => m.id));
  const known = new Set(SPECS.map((s) => s.id as string));
  return [...methods, ...earlier.methods.filter((m) => !tested.has(m.id) && known.has(m.id))];
}

function selectSpecs(method: string | undefined): MethodSpec[] {
  if (method === undefined) return [...SPECS];
  try {
    return parseMethodList(method);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parsePositive(raw: string, name: string, unit: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`${name} must be a positive number of ${unit}, got '${raw}'`);
  return value;
}
