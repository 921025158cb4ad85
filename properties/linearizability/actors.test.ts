/**
 * Properties of the actor runtime and the schedule explorers: replay tokens, partial-order
 * reduction against exhaustive search, finding the injected bugs, no false alarms on the correct
 * systems, and minimal failing schedules.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { ActorSystem, DEFAULT_CONFIG, type RuntimeConfig } from '../../impl/actors/runtime';
import { EXPLORERS } from '../../impl/actors/explorers/index';
import { exploreDpor, type Dependency } from '../../impl/actors/explorers/dpor';
import { exploreDfs, exploreStatefulDfs, exploreRandom } from '../../impl/actors/explorers/simple';
import { historyOf, type HistoryChecker } from '../../impl/actors/history';
import { minimizeSchedule, replayChoices, replaySteps } from '../../impl/actors/replay';
import { decodeToken, encodeToken } from '../../impl/actors/token';
import { formatJsonHistory } from '../../impl/linearizability/parsers/write';
import type { SystemState } from '../../impl/actors/runtime';
import { SYSTEMS, harnessByName, systemByName } from '../../models/systems/index';
import { caseInvariant, propertyInvariant } from '../../harness/testing/invariant';
import { dropsOpenOperations, ignoresRealTime, realChecker } from './_subjects';

const real: HistoryChecker = (model, history) => realChecker(model, history, { timeoutMs: 10_000 });
const noRealTime: HistoryChecker = (model, history) => ignoresRealTime(model, history, { timeoutMs: 10_000 });
const pendingAbsent: HistoryChecker = (model, history) => dropsOpenOperations(model, history, { timeoutMs: 10_000 });

const BUGGY = SYSTEMS.filter((s) => !s.correct);
const system = (name: string, harness: string, config: Partial<RuntimeConfig> = {}) => new ActorSystem(systemByName(name), harnessByName(harness), { ...DEFAULT_CONFIG, ...config });

/** Replays a token: the real replay, or one that runs on to quiescence after the last step (a bug). */
type Replayer = (token: string) => SystemState;
const replayToken: Replayer = (token) => {
  const decoded = decodeToken(token);
  const s = system(decoded.system, decoded.harness, decoded.config);
  return replayChoices(s, decoded.choices).state;
};
const replayToQuiescence: Replayer = (token) => {
  const decoded = decodeToken(token);
  const s = system(decoded.system, decoded.harness, decoded.config);
  let state = replayChoices(s, decoded.choices).state;
  for (let enabled = s.enabled(state); enabled.length > 0; enabled = s.enabled(state)) state = s.apply(state, enabled[0]!).state;
  return state;
};

describe('actor exploration', () => {
  propertyInvariant<Replayer>({
    id: 'linearizability/replay-reproduces',
    subject: replayToken,
    controls: [{ name: 'replay that runs on to quiescence after the last step', subject: replayToQuiescence }],
    numRuns: { quick: 150, full: 1500 },
    property: (replay) =>
      fc.property(
        fc.constantFrom(...SYSTEMS.map((s) => s.name)),
        fc.constantFrom('1R+1W', '2R+1W', '2R+2W'),
        fc.record({ network: fc.constantFrom('unordered', 'fifo' as const), invokeAt: fc.constantFrom('send', 'delivery' as const), drops: fc.nat(1), duplicates: fc.nat(1) }),
        fc.array(fc.nat(300), { maxLength: 40 }),
        fc.nat(40),
        (name, harness, settings, vector, cut) => {
          const config: RuntimeConfig = { ...DEFAULT_CONFIG, network: settings.network as 'unordered', invokeAt: settings.invokeAt as 'send', faults: { drops: settings.drops, duplicates: settings.duplicates, crashes: 0 } };
          const s = system(name, harness, config);
          // Run a schedule prefix of at most `cut` steps, choosing by the vector.
          let state = s.initial();
          const choices: number[] = [];
          for (let step = 0; step < cut; step++) {
            const enabled = s.enabled(state);
            if (enabled.length === 0) break;
            const choice = (vector[step] ?? 0) % enabled.length;
            choices.push(choice);
            state = s.apply(state, enabled[choice]!).state;
          }
          const token = encodeToken({ system: name, harness, config, choices });
          const replayed = replay(token);
          const text = (st: SystemState) => formatJsonHistory('kv', historyOf(st, s.harness.operations));
          return text(replayed) === text(state);
        },
      ),
  });

  // Small spaces that exhaustive search covers within seconds.
  const SMALL: [string, string, RuntimeConfig['invokeAt']][] = [
    ['register-buggy', '2R+1W', 'send'],
    ['register', '1R+1W', 'send'],
    ['chord', '2R+1W', 'delivery'],
    ['chord-buggy', '2R+1W', 'send'],
    ['chain', '2R+1W', 'send'],
    ['chain-buggy', '2R+1W', 'send'],
    ['majority-register', '1R+1W', 'delivery'],
    ['paxos', '1R+1W', 'delivery'],
    ['chord-buggy', '2R+2W', 'delivery'],
  ];
  const actorOnly: Dependency = (a, b) => a.actor === b.actor;

  caseInvariant<Dependency | null>({
    id: 'linearizability/dpor-covers-histories',
    subject: null,
    controls: [{ name: 'DPOR whose dependency ignores the history log', subject: actorOnly }],
    timeoutMs: 300_000,
    check: (dependency) => {
      const failures: string[] = [];
      for (const [name, harness, invokeAt] of SMALL) {
        const s = system(name, harness, { invokeAt });
        const exhaustive = exploreDfs(s, { budget: 200_000, seed: 1, online: false, collectHistories: true });
        const reduced = exploreDpor(s, { budget: 200_000, seed: 1, online: false, collectHistories: true, ...(dependency === null ? {} : { dependency }) });
        if (!exhaustive.exhausted || !reduced.exhausted) {
          failures.push(`${name} ${harness}: search did not finish (dfs ${exhaustive.schedules}, dpor ${reduced.schedules} schedules)`);
          continue;
        }
        const missing = exhaustive.historyKeys!.filter((k) => !reduced.historyKeys!.includes(k));
        const extra = reduced.historyKeys!.filter((k) => !exhaustive.historyKeys!.includes(k));
        if (missing.length > 0 || extra.length > 0) {
          failures.push(`${name} ${harness}: DPOR (${reduced.schedules} schedules) missed ${missing.length} and added ${extra.length} of the ${exhaustive.uniqueHistories} histories DFS reached in ${exhaustive.schedules} schedules; first missed: ${missing[0] ?? '-'}`);
        }
      }
      return { runs: SMALL.length, failures };
    },
  });

  const BUG_HARNESSES = ['2R+1W', '2R+2W'];
  caseInvariant<HistoryChecker>({
    id: 'linearizability/dfs-finds-injected-bugs',
    subject: real,
    controls: [{ name: 'exploration whose checker ignores real-time order', subject: noRealTime }],
    timeoutMs: 300_000,
    check: (checker) => {
      const failures: string[] = [];
      let runs = 0;
      for (const harness of BUG_HARNESSES) {
        for (const definition of BUGGY) {
          runs++;
          const result = exploreDfs(system(definition.name, harness), { budget: 200_000, seed: 1, stopAtFirstBug: true, checker });
          if (result.violation === null) failures.push(`${definition.name} ${harness}: no violation in ${result.schedules} schedules${result.exhausted ? ' (whole space)' : ''}`);
          // A broken variant is rejected by its first miss; searching on only costs time.
          if (checker !== real && failures.length > 0) return { runs, failures };
        }
      }
      return { runs, failures };
    },
  });

  caseInvariant<HistoryChecker>({
    id: 'linearizability/explorers-find-injected-bugs',
    subject: real,
    controls: [{ name: 'exploration whose checker ignores real-time order', subject: noRealTime }],
    timeoutMs: 300_000,
    check: (checker) => {
      const failures: string[] = [];
      let runs = 0;
      for (const definition of BUGGY) {
        for (const explorer of EXPLORERS) {
          runs++;
          const budget = 2000;
          const result = explorer.explore(system(definition.name, '2R+1W'), { budget, seed: 7, stopAtFirstBug: true, checker });
          if (result.violation === null) failures.push(`${explorer.name} on ${definition.name} 2R+1W: no violation in ${result.schedules} schedules (budget ${budget})`);
          if (checker !== real && failures.length > 0) return { runs, failures };
        }
      }
      return { runs, failures };
    },
  });

  const CORRECT_SPACES: [string, string, RuntimeConfig['invokeAt']][] = [
    ['register', '2R+1W', 'delivery'],
    ['register', '1R+1W', 'send'],
    ['majority-register', '2R+1W', 'delivery'],
    ['chord', '2R+2W', 'delivery'],
    ['chain', '2R+2W', 'delivery'],
    ['chain', '2R+1W', 'send'],
    ['paxos', '2R+1W', 'delivery'],
  ];
  caseInvariant<HistoryChecker>({
    id: 'linearizability/correct-systems-pass',
    subject: real,
    controls: [{ name: 'exploration whose checker treats pending operations as absent', subject: pendingAbsent }],
    timeoutMs: 300_000,
    check: (checker) => {
      const failures: string[] = [];
      for (const [name, harness, invokeAt] of CORRECT_SPACES) {
        // Online checking also checks every prefix, with the operations still in flight pending.
        const result = exploreStatefulDfs(system(name, harness, { invokeAt }), { budget: 500_000, seed: 1, online: true, checker });
        if (!result.exhausted) failures.push(`${name} ${harness}: exhaustive search did not finish in ${result.schedules} schedules`);
        if (result.violation !== null) failures.push(`${name} ${harness}: violation reported (token ${result.violation.token}) among ${result.uniqueHistories} histories`);
      }
      return { runs: CORRECT_SPACES.length, failures };
    },
  });

  type Minimizer = (s: ActorSystem, steps: readonly string[]) => string[];
  propertyInvariant<Minimizer>({
    id: 'linearizability/minimal-schedule-is-minimal',
    subject: minimizeSchedule,
    controls: [{ name: 'minimizer that keeps the schedule as found', subject: (_s, steps) => [...steps] }],
    numRuns: { quick: 40, full: 400 },
    property: (minimize) =>
      fc.property(fc.constantFrom(...BUGGY.map((s) => s.name)), fc.constantFrom('2R+1W', '2R+2W'), fc.constantFrom('send', 'delivery' as const), fc.integer(), (name, harness, invokeAt, seed) => {
        const s = system(name, harness, { invokeAt: invokeAt as 'send' });
        const found = exploreRandom(s, { budget: 5000, seed, stopAtFirstBug: true });
        if (found.violation === null) return false;
        const steps = replayChoices(s, found.violation.choices).steps;
        const minimal = minimize(s, steps);
        const replayed = replaySteps(s, minimal);
        if (replayed === null || replayed.result.result !== 'illegal') return false;
        for (let k = 0; k < minimal.length; k++) {
          const shorter = replaySteps(s, [...minimal.slice(0, k), ...minimal.slice(k + 1)]);
          if (shorter !== null && shorter.result.result === 'illegal') return false;
        }
        return true;
      }),
  });
});

