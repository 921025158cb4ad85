/**
 * `paperproof explore`: runs an actor system under one schedule explorer, checking every history,
 * or replays a schedule from its token.
 *
 * Exit code: 0 when no violation was found, 1 when one was, 2 on bad usage.
 */
import { ActorSystem, DEFAULT_CONFIG, type RuntimeConfig } from '../../impl/actors/runtime';
import { explorerByName, EXPLORERS } from '../../impl/actors/explorers/index';
import { historyOf } from '../../impl/actors/history';
import { minimizeSchedule, replayChoices, replaySteps } from '../../impl/actors/replay';
import { decodeToken, encodeToken } from '../../impl/actors/token';
import type { CheckResult } from '../../impl/linearizability/types';
import { formatJsonHistory } from '../../impl/linearizability/parsers/write';
import type { History } from '../../models/model';
import { HARNESSES, SYSTEMS, harnessByName, systemByName } from '../../models/systems/index';
import { UsageError } from './errors';

export interface ExploreCommandOptions {
  system?: string;
  explorer: string;
  harness: string;
  budget: string;
  seed: number;
  replay?: string;
  network: string;
  invoke: string;
  faults?: string;
  online: boolean;
  all: boolean;
}

/** Runs the command and returns the exit code. */
export function exploreCommand(options: ExploreCommandOptions): number {
  if (options.replay !== undefined) return replayCommand(options);

  if (options.system === undefined) throw new UsageError(`explore needs --system NAME (one of ${SYSTEMS.map((s) => s.name).join(', ')}) or --replay TOKEN`);
  const definition = usage(() => systemByName(options.system!));
  const explorer = usage(() => explorerByName(options.explorer));
  const harness = usage(() => harnessByName(options.harness));
  const budget = Number(options.budget);
  if (!Number.isInteger(budget) || budget < 1) throw new UsageError(`--budget must be a positive number of schedules, got '${options.budget}'`);
  const config = runtimeConfig(options);
  const system = new ActorSystem(definition, harness, config);

  process.stderr.write(`exploring ${definition.name} ${harness.name} with ${explorer.name} (budget ${budget} schedules, seed ${options.seed}, ${config.network} network, invocations at ${config.invokeAt})\n`);
  const result = usage(() =>
    explorer.explore(system, {
      budget,
      seed: options.seed,
      online: options.online,
      stopAtFirstBug: !options.all,
      onProgress: (n) => process.stderr.write(`  ${n} schedules…\n`),
    }),
  );

  const summary = `${result.schedules} schedules${result.exhausted ? ' (whole space)' : ''}, ${result.uniqueHistories} distinct histories, ${result.illegalHistories} not linearizable, ${result.millis.toFixed(0)} ms`;
  if (result.violation === null) {
    process.stdout.write(`no violation in ${result.schedules} schedules (${summary})\n`);
    return 0;
  }
  // Print the smallest schedule that still fails.
  const steps = replayChoices(system, result.violation.choices).steps;
  const minimal = minimizeSchedule(system, steps);
  const replayed = replaySteps(system, minimal)!;
  const token = encodeToken({ system: definition.name, harness: harness.name, config, choices: replayed.choices });
  process.stdout.write(`VIOLATION found at schedule ${result.violation.schedule} (${summary})\n`);
  process.stdout.write(describeViolation(system, historyOf(replayed.state, harness.operations), replayed.result, minimal));
  process.stdout.write(`replay token: ${token}\n`);
  return 1;
}

function replayCommand(options: ExploreCommandOptions): number {
  const token = usage(() => decodeToken(options.replay!));
  if (options.system !== undefined && options.system !== token.system) throw new UsageError(`--system ${options.system} does not match the token's system ${token.system}; leave --system out`);
  const definition = usage(() => systemByName(token.system));
  const harness = usage(() => harnessByName(token.harness));
  const system = new ActorSystem(definition, harness, { ...DEFAULT_CONFIG, network: token.config.network, invokeAt: token.config.invokeAt, faults: token.config.faults });
  const outcome = usage(() => replayChoices(system, token.choices));
  const history = historyOf(outcome.state, harness.operations);
  process.stdout.write(`replayed ${token.choices.length} steps of ${definition.name} ${harness.name}: ${outcome.result.result === 'illegal' ? 'NOT linearizable' : outcome.result.result === 'ok' ? 'linearizable' : 'unknown'}\n`);
  process.stdout.write(formatJsonHistory(definition.model.name, history));
  if (outcome.result.result === 'illegal') process.stdout.write(describeViolation(system, history, outcome.result, outcome.steps));
  return outcome.result.result === 'illegal' ? 1 : 0;
}

function runtimeConfig(options: ExploreCommandOptions): RuntimeConfig {
  if (options.network !== 'unordered' && options.network !== 'fifo') throw new UsageError(`--network must be unordered or fifo, got '${options.network}'`);
  if (options.invoke !== 'send' && options.invoke !== 'delivery') throw new UsageError(`--invoke must be send or delivery, got '${options.invoke}'`);
  let faults = { drops: 0, duplicates: 0, crashes: 0 };
  if (options.faults !== undefined) {
    const match = /^drops=(\d),duplicates=(\d),crashes=(\d)$/.exec(options.faults);
    if (match === null) throw new UsageError(`--faults must look like drops=1,duplicates=0,crashes=0 (single digits), got '${options.faults}'`);
    faults = { drops: Number(match[1]), duplicates: Number(match[2]), crashes: Number(match[3]) };
  }
  return { ...DEFAULT_CONFIG, network: options.network, invokeAt: options.invoke, faults };
}

function describeViolation(system: ActorSystem, history: History<unknown, unknown>, result: CheckResult, steps: readonly string[]): string {
  const model = system.definition.model;
  const lines = [`schedule (${steps.length} steps): ${steps.join(' ')}`, 'history:'];
  for (const op of history) lines.push(`  ${op.client} [${op.call}, ${op.return ?? '…'}] ${model.describeOperation(op.input, op.output)}`);
  const evidence = result.partitions.find((p) => p.evidence !== undefined)?.evidence;
  if (evidence !== undefined) {
    const byId = new Map(history.map((op) => [op.id, op]));
    const show = (id: number) => `${byId.get(id)!.client} ${model.describeOperation(byId.get(id)!.input, byId.get(id)!.output)}`;
    lines.push(`longest partial linearization: ${evidence.longest.map((s) => `${show(s.op)} → ${s.stateAfter}`).join(', ') || '(empty)'}`);
    lines.push(`cannot place: ${show(evidence.blockedOp)} (${evidence.reason})`);
  }
  return `${lines.join('\n')}\n`;
}

function usage<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Names for the help text. */
export const EXPLORE_CHOICES = { systems: SYSTEMS.map((s) => s.name), explorers: EXPLORERS.map((e) => e.name), harnesses: HARNESSES.map((h) => h.name) };
