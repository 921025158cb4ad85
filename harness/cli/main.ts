/**
 * The `paperproof` command line.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { PROFILES, parseProfile } from '../profile';
import { DEFAULT_SEED, masterSeedFromEnv, parseSeed } from '../seed';
import { benchCommand } from './bench';
import { checkHistoryCommand } from './check-history';
import { coverageCommand } from './coverage';
import { DEFAULT_TOTAL_BUDGET_SECONDS, mutationCommand } from './mutation';
import { weeklyCommand } from './weekly';
import { runWorker } from '../regression/worker';
import { EXPLORE_CHOICES, exploreCommand } from './explore';
import { UsageError, usageParser } from './errors';
import { listText } from './list';
import { reportCommand } from './report';
import { runCommand } from './run';
import { COVERAGE_DIR_VARIABLE, runWithCoverage } from './run-coverage';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_OUT = join(ROOT, 'reports', 'out');

function buildProgram(setExit: (code: number) => void, argv: readonly string[]): Command {
  const program = new Command('paperproof')
    .description('Executable, property-checked reference implementations of published methods, with comparison runs, benchmarks and a correctness report.')
    .showHelpAfterError('(run paperproof --help for usage)')
    .exitOverride();

  program
    .command('run')
    .description('run properties, comparison runs and benchmarks of the chosen methods, then write the reports')
    .option('--method <ids>', 'comma-separated method ids (default: every implemented method)')
    .addOption(new Option('--profile <name>', 'quick (small settings) or full (the papers\' settings where they fit)').choices([...PROFILES]).default('quick'))
    .option('--seed <n>', `master seed of every random choice (default: PAPERPROOF_SEED or ${DEFAULT_SEED})`, usageParser((raw) => parseSeed(raw, '--seed')))
    .option('--backend <name>', 'tensor backend: auto, tensorflow-gpu, tensorflow, wasm or cpu', 'auto')
    .option('--out <dir>', 'folder for results.json, summary.md and index.html', DEFAULT_OUT)
    .option('--data <dir>', 'data folder with histories/ and graphs/ (default: PAPERPROOF_DATA)')
    .option('--graph <file>', 'graph in the .npz layout for the GCN methods')
    .option('--porcupine <dir>', 'Porcupine checkout to time side by side (default: PORCUPINE_DIR)')
    .option('--shard <i/n>', 'run the i-th of n shares of the selected methods')
    .option('--no-properties', 'skip the property suites')
    .option('--no-experiments', 'skip the comparison runs')
    .option('--no-benchmarks', 'skip the speed suites')
    .option('--quiet', 'print only warnings and the summary table')
    .option('--coverage', 'measure line and branch coverage: the properties with @vitest/coverage-v8, the comparison runs and benchmarks with c8')
    .action(async (options) => {
      if (options.coverage === true) {
        if (options.properties === false) throw new UsageError('--coverage needs the property suite, whose coverage map lists the lines and branches of every file; drop --no-properties');
        const inner = absolutePathOptions(argv.slice(argv.indexOf('run') + 1).filter((arg) => arg !== '--coverage'), RUN_PATH_OPTIONS);
        setExit(await runWithCoverage(ROOT, inner, options.out, options.quiet === true));
        return;
      }
      setExit(
        await runCommand(ROOT, {
          method: options.method,
          profile: parseProfile(options.profile),
          seed: options.seed ?? masterSeedFromEnv(),
          backend: options.backend,
          out: options.out,
          data: options.data,
          properties: options.properties,
          experiments: options.experiments,
          benchmarks: options.benchmarks,
          shard: options.shard,
          quiet: options.quiet,
          extra: { graph: options.graph, porcupine: options.porcupine },
          coverageDir: process.env[COVERAGE_DIR_VARIABLE] || undefined,
        }),
      );
    });

  program
    .command('list')
    .description('print every method with its claims, invariants, experiments and benchmarks')
    .action(() => {
      process.stdout.write(listText());
    });

  program
    .command('check-history')
    .description('check recorded histories for linearizability; exit 0 all linearizable, 1 one is not, 3 one is undecided, 2 bad input')
    .argument('<file...>', 'history files (Jepsen log, Porcupine key-value EDN, or JSON)')
    .option('--model <name>', 'sequential model (default: the one the format implies, or the JSON file names)')
    .option('--format <name>', 'auto, jepsen, porcupine-kv or json', 'auto')
    .option('--json', 'print one JSON object per file instead of text')
    .option('--timeout <seconds>', 'time budget per file; past it the verdict is unknown')
    .option('--max-memory <MiB>', 'memory budget of the search per file (default 1024)')
    .option('--html <file>', 'write an HTML view of the history and its partial linearizations')
    .action((files: string[], options) => {
      setExit(checkHistoryCommand(files, { model: options.model, format: options.format, json: options.json === true, timeout: options.timeout, html: options.html, maxMemory: options.maxMemory }));
    });

  program
    .command('explore')
    .description('explore the schedules of an actor system and check every history; exit 0 no violation, 1 violation, 2 bad usage')
    .option('--system <name>', `system under test: ${EXPLORE_CHOICES.systems.join(', ')}`)
    .option('--explorer <name>', `schedule explorer: ${EXPLORE_CHOICES.explorers.join(', ')}`, 'dpor')
    .option('--harness <name>', `operations: ${EXPLORE_CHOICES.harnesses.join(', ')}`, '2R+1W')
    .option('--budget <n>', 'maximum number of schedules', '50000')
    .option('--seed <n>', 'seed of the random explorers', usageParser((raw) => parseSeed(raw, '--seed')), DEFAULT_SEED)
    .option('--replay <token>', 'replay the schedule of a token printed by an earlier run')
    .option('--network <mode>', 'unordered (any message next) or fifo (per channel)', 'unordered')
    .option('--invoke <when>', 'record a call when the client sends it (send) or when the agent receives it (delivery)', 'send')
    .option('--faults <budgets>', 'bounded faults per schedule, for example drops=1,duplicates=0,crashes=0')
    .option('--no-online', 'check histories only at the end of each schedule')
    .option('--all', 'keep exploring after the first violation, to count them all')
    .action((options) => {
      setExit(exploreCommand({ ...options, online: options.online !== false, all: options.all === true }));
    });

  program
    .command('bench')
    .description('run the speed suites; save a baseline, compare with one, or compare with another git revision run interleaved; exit 1 when a benchmark got slower')
    .option('--method <ids>', 'comma-separated method ids (default: every method with benchmarks)')
    .addOption(new Option('--profile <name>', 'quick or full data sizes').choices([...PROFILES]).default('quick'))
    .option('--seed <n>', 'master seed', usageParser((raw) => parseSeed(raw, '--seed')), DEFAULT_SEED)
    .option('--backend <name>', 'tensor backend: auto, tensorflow-gpu, tensorflow, wasm or cpu', 'auto')
    .option('--rounds <n>', 'interleaved rounds; each gives one observation per benchmark', '30')
    .option('--slice <ms>', 'time per benchmark per round, in milliseconds', '50')
    .option('--save <file>', 'write this run as a baseline file')
    .option('--baseline <file>', 'compare this run with a saved baseline file')
    .option('--compare <ref>', 'compare the working tree with git revision REF, both run interleaved (recommended in CI)')
    .option('--threshold <fraction>', 'smallest relative change reported as slower or faster', '0.05')
    .option('--alpha <p>', 'significance level of the rank test (Wilcoxon signed-rank for --compare, Mann–Whitney U for --baseline)', '0.01')
    .option('--allow-backend-mismatch', 'compare figures measured on different tensor backends')
    .option('--no-pin', 'in --compare and --calibrate, leave the two workers unpinned instead of on one core')
    .option('--calibrate', 'measure false alarms (the tree against itself) and power (injected slowdowns) of the comparison')
    .option('--comparisons <n>', 'comparisons per calibration setting', '20')
    .option('--target <id>', 'benchmark that gets the injected slowdowns in --calibrate')
    .option('--data <dir>', 'data folder (default: PAPERPROOF_DATA)')
    .option('--out <dir>', 'folder for bench.json, bench.html and calibration.json', DEFAULT_OUT)
    .action(async (options) => {
      setExit(await benchCommand(ROOT, { ...options, profile: parseProfile(options.profile), allowBackendMismatch: options.allowBackendMismatch === true, calibrate: options.calibrate === true }));
    });

  program
    .command('__bench-worker', { hidden: true })
    .argument('<root>', 'source tree whose speed suites to load')
    .action((root: string) => {
      runWorker(resolve(root));
      setExit(-1);
    });

  program
    .command('coverage')
    .description('measure line and branch coverage of impl/, models/ and harness/ from the test suite; write coverage.json and quality.html; exit 1 when a test failed')
    .option('--method <ids>', 'run only the properties of these methods (default: the whole test suite)')
    .option('--out <dir>', 'report folder; its results.json, when present, gets the figures', DEFAULT_OUT)
    .option('--data <dir>', 'data folder (default: PAPERPROOF_DATA)')
    .option('--quiet', 'print only warnings and the coverage table')
    .action(async (options) => {
      setExit(await coverageCommand(ROOT, { method: options.method, out: options.out, data: options.data, quiet: options.quiet }));
    });

  withMutationOptions(program.command('mutation'))
    .description('mutation-test each method against its own properties with StrykerJS; write mutation.json and quality.html; exit 1 when a run failed or ran out of budget')
    .option('--method <ids>', 'comma-separated method ids (default: every implemented method)')
    .option('--out <dir>', 'report folder; its results.json, when present, gets the figures', DEFAULT_OUT)
    .option('--data <dir>', 'data folder (default: PAPERPROOF_DATA)')
    .option('--quiet', 'print only warnings and the score table')
    .action(async (options) => {
      setExit(await mutationCommand(ROOT, { ...options, force: options.force === true }));
    });

  withMutationOptions(program.command('weekly'))
    .description('the slow checks CI skips: the main job with coverage (run --coverage), then mutation testing; one report with both pages')
    .option('--method <ids>', 'comma-separated method ids (default: every implemented method)')
    .addOption(new Option('--profile <name>', 'profile of the main job').choices([...PROFILES]).default('quick'))
    .option('--out <dir>', 'report folder', DEFAULT_OUT)
    .option('--data <dir>', 'data folder (default: PAPERPROOF_DATA)')
    .option('--quiet', 'print only warnings and the summary tables')
    .action(async (options) => {
      setExit(await weeklyCommand(ROOT, { ...options, force: options.force === true }));
    });

  program
    .command('report')
    .description('rebuild the reports from saved files: results.json (merged), bench files (benchmark history) and calibration.json')
    .requiredOption('--in <files...>', 'results.json, bench and calibration files')
    .option('--out <dir>', 'output folder', DEFAULT_OUT)
    .action(async (options) => {
      setExit(await reportCommand(options.in as string[], options.out));
    });

  return program;
}

/** Options of `run` whose values are paths. */
const RUN_PATH_OPTIONS = ['--out', '--data', '--graph', '--porcupine'];

/**
 * Makes the values of path options absolute (`--out dir` and `--out=dir`), so that a run started
 * in another working folder reads and writes the same paths.
 */
export function absolutePathOptions(args: readonly string[], names: readonly string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const name = names.find((n) => arg.startsWith(`${n}=`));
    if (name !== undefined) {
      result.push(`${name}=${resolve(arg.slice(name.length + 1))}`);
    } else if (names.includes(arg) && i + 1 < args.length) {
      result.push(arg, resolve(args[i + 1]!));
      i += 1;
    } else {
      result.push(arg);
    }
  }
  return result;
}

/** Runs the command line with `argv` and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  }, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version output end with code 0; every other commander error is bad usage.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`paperproof failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

/** Adds the options that `mutation` and `weekly` share: budgets, concurrency and the mutation files. */
function withMutationOptions(command: Command): Command {
  return command
    .option('--budget <seconds>', 'wall-clock budget of each method\'s mutation run (default: --total-budget shared equally)')
    .option('--total-budget <seconds>', 'wall-clock budget of the whole mutation run, shared equally by the methods', String(DEFAULT_TOTAL_BUDGET_SECONDS))
    .option('--concurrency <n>', 'StrykerJS test-runner processes (default: 2, or 1 on a one-core machine)')
    .option('--force', 'test every mutant again instead of reusing results from the incremental files')
    .option('--incremental-dir <dir>', 'folder of the incremental files, one per method', join(ROOT, 'mutation', 'incremental'))
    .option('--equivalents <file>', 'list of equivalent mutants with their reasons', join(ROOT, 'mutation', 'equivalent.json'));
}
