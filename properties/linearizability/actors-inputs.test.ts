/**
 * Bad input to the actor runtime, the explorers, replay tokens and the systems under test must
 * raise an Error whose message names the bad value and what to use instead.
 */
import { describe } from 'vitest';
import { setup } from 'xstate';
import { ActorSystem, DEFAULT_CONFIG, type RuntimeConfig } from '../../impl/actors/runtime';
import { EXPLORERS, explorerByName, type ExplorerEntry } from '../../impl/actors/explorers/index';
import { exploreDpor } from '../../impl/actors/explorers/dpor';
import { exploreDelayBounded, explorePct, exploreRandom } from '../../impl/actors/explorers/simple';
import { exploreDs2 } from '../../impl/actors/explorers/transdpor';
import { decodeToken, encodeToken } from '../../impl/actors/token';
import { minimizeSchedule, replayChoices } from '../../impl/actors/replay';
import { machineBehavior } from '../../impl/actors/xstate';
import type { Message, SystemDefinition } from '../../impl/actors/types';
import { HARNESSES, SYSTEMS, harnessByName, systemByName } from '../../models/systems/index';
import { caseInvariant } from '../../harness/testing/invariant';

/** The lookups the command line resolves user input with; negative controls replace one of them. */
interface Lookups {
  explorerByName: (name: string) => ExplorerEntry;
  decodeToken: typeof decodeToken;
}

const REAL: Lookups = { explorerByName, decodeToken };
/** Broken variant: an unknown explorer name silently runs exhaustive search. */
const FALLBACK_TO_DFS: Lookups = { explorerByName: (name) => EXPLORERS.find((e) => e.name === name) ?? EXPLORERS.find((e) => e.name === 'dfs')!, decodeToken };

const system = (name: string, harness: string, config: Partial<RuntimeConfig> = {}) => new ActorSystem(systemByName(name), harnessByName(harness), { ...DEFAULT_CONFIG, ...config });

/** Escapes text for use inside a regular expression. */
function literal(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/**
 * Runs `action` and returns a failure line unless it throws an Error whose message matches every
 * pattern; returns null when it does.
 */
function expectRejected(label: string, action: () => unknown, patterns: readonly RegExp[]): string | null {
  try {
    action();
  } catch (error) {
    if (!(error instanceof Error)) return `${label}: threw ${String(error)}, not an Error`;
    const missing = patterns.filter((p) => !p.test(error.message));
    return missing.length === 0 ? null : `${label}: message '${error.message}' does not match ${missing.join(', ')}`;
  }
  return `${label}: accepted the input without an error`;
}

/** A definition whose agent n0 reacts to every message by sending to the agent n7, which does not exist. */
const sendsToUnknownAgent: SystemDefinition = {
  ...systemByName('register'),
  name: 'sends-to-n7',
  agents: 1,
  behavior: () => ({ init: () => null, receive: (state) => ({ state, outbox: [{ to: 'n7', payload: { type: 'Ping' } }] }) }),
};

/** A machine with no transition for actor errors, so XState returns an error snapshot when one arrives. */
const plainMachine = setup({}).createMachine({ id: 'plain-machine', on: { Ping: {} } });

function message(type: string, from = 'n1', to = 'n0', fields: Record<string, unknown> = {}): Message {
  return { id: `${from}#0`, from, to, seq: 0, payload: { type, op: 0, key: 'k', ...fields } };
}

/** Every rejected input, as (label, action, patterns the message must match). */
function cases(lookups: Lookups): [string, () => unknown, RegExp[]][] {
  const faultBudgets = [
    { drops: 1, duplicates: 0, crashes: 0 },
    { drops: 0, duplicates: 1, crashes: 0 },
    { drops: 0, duplicates: 0, crashes: 1 },
  ];
  const list: [string, () => unknown, RegExp[]][] = [
    ['unknown explorer', () => lookups.explorerByName('bfs'), [/unknown explorer 'bfs'/, literal(`choose one of ${EXPLORERS.map((e) => e.name).join(', ')}`)]],
    ['unknown system', () => systemByName('raft'), [/unknown system 'raft'/, literal(`choose one of ${SYSTEMS.map((s) => s.name).join(', ')}`)]],
    ['unknown harness', () => harnessByName('9R'), [/unknown harness '9R'/, literal(`choose one of ${HARNESSES.map((h) => h.name).join(', ')}`)]],
    ['delay bound -1', () => exploreDelayBounded(system('register', '1R+1W'), { budget: 10, seed: 1, delayBound: -1 }), [/the delay bound must be a non-negative integer, got -1/]],
    ['delay bound 1.5', () => exploreDelayBounded(system('register', '1R+1W'), { budget: 10, seed: 1, delayBound: 1.5 }), [/the delay bound must be a non-negative integer, got 1\.5/]],
    ['PCT depth 0', () => explorePct(system('register', '1R+1W'), { budget: 10, seed: 1, depth: 0 }), [/the PCT depth must be a positive integer, got 0/]],
    ['PCT depth 2.5', () => explorePct(system('register', '1R+1W'), { budget: 10, seed: 1, depth: 2.5 }), [/the PCT depth must be a positive integer, got 2\.5/]],
    ['budget 0', () => exploreRandom(system('register', '1R+1W'), { budget: 0, seed: 1 }), [/the exploration budget must be a positive number of schedules, got 0/]],
    ['budget 2.5', () => exploreRandom(system('register', '1R+1W'), { budget: 2.5, seed: 1 }), [/the exploration budget must be a positive number of schedules, got 2\.5/]],
    ['negative choice', () => encodeToken({ system: 'register', harness: '1R+1W', config: DEFAULT_CONFIG, choices: [0, -1] }), [/a schedule choice must be a non-negative integer, got -1/]],
    ['fault budget 10', () => encodeToken({ system: 'register', harness: '1R+1W', config: { ...DEFAULT_CONFIG, faults: { drops: 0, duplicates: 10, crashes: 0 } }, choices: [] }), [/fault budgets in a token must be 0 to 9, got 10/]],
    ['harness with a space', () => encodeToken({ system: 'register', harness: '1R 1W', config: DEFAULT_CONFIG, choices: [] }), [/harness name '1R 1W' cannot go into a token; use letters, digits, \+ and -/]],
    ['token with 3 parts', () => lookups.decodeToken('ds2.1.register'), [/malformed replay token 'ds2\.1\.register': it has 3 dot-separated parts/, /expected ds2\.1\.<system>/]],
    ['token with another prefix', () => lookups.decodeToken('xy2.1.register.1R_1W.us.000.'), [/malformed replay token 'xy2\.1\.register\.1R_1W\.us\.000\.': it starts with 'xy2'/, /expected ds2\.1\./]],
    ['token of version 2', () => lookups.decodeToken('ds2.2.register.1R_1W.us.000.'), [/replay token version 2 is not supported; this paperproof reads version 1/]],
    ['token without a system', () => lookups.decodeToken('ds2.1..1R_1W.us.000.'), [/malformed replay token 'ds2\.1\.\.1R_1W\.us\.000\.': empty system or harness name/]],
    ['token with settings zs', () => lookups.decodeToken('ds2.1.register.1R_1W.zs.000.'), [/malformed replay token '.*': settings 'zs' must be u or f, then s or d/]],
    ['token with budgets 0a0', () => lookups.decodeToken('ds2.1.register.1R_1W.us.0a0.'), [/malformed replay token '.*': fault budgets '0a0' must be three digits/]],
    ['token with + in the schedule', () => lookups.decodeToken('ds2.1.register.1R_1W.us.000.AA+A'), [/malformed replay token '.*AA\+A': the schedule part is not base64url/]],
    // 'gA' is the single byte 0x80: a varint whose continuation bit promises a byte that never comes.
    ['token cut inside a number', () => lookups.decodeToken('ds2.1.register.1R_1W.us.000.gA'), [/malformed replay token '.*\.gA': the schedule ends inside a number \(the token was cut off\)/]],
    ['choice out of range at step 2', () => replayChoices(system('register', '1R+1W'), [0, 9]), [/replay failed at step 2: choice 9 but only \d+ transitions are enabled; the token does not belong to this system, harness or version/]],
    ['minimizing a passing schedule', () => minimizeSchedule(system('register', '1R+1W'), []), [/minimizeSchedule needs a valid schedule whose history is not linearizable/]],
    ['harness without operations', () => new ActorSystem(systemByName('register'), { name: 'idle', operations: [] }), [/harness idle has no operations/]],
    ['agent sending to an unknown actor', () => {
      const s = new ActorSystem(sendsToUnknownAgent, harnessByName('1R+1W'), { ...DEFAULT_CONFIG, invokeAt: 'delivery' });
      return s.apply(s.initial(), s.enabled(s.initial())[0]!);
    }, [/agent n0 of system sends-to-n7 sent Ping to unknown actor 'n7'/]],
    ['XState machine in an error snapshot', () => {
      const behavior = machineBehavior(plainMachine);
      return behavior.receive(behavior.init('n0', ['n0']), message('xstate.error.actor.disk', 'c0', 'n0', { error: 'disk full' }), 'n0');
    }, [/machine plain-machine failed on xstate\.error\.actor\.disk from c0: disk full/]],
    ['Nack sent to the Paxos leader', () => {
      const behavior = systemByName('paxos').behavior(0);
      return behavior.receive(behavior.init('n0', ['n0', 'n1']), message('Nack'), 'n0');
    }, [/paxos agent n0 got a Nack although n0 is the only proposer/]],
  ];
  for (const faults of faultBudgets) {
    const budgets = `${faults.drops}${faults.duplicates}${faults.crashes}`;
    list.push([`dpor with faults ${budgets}`, () => exploreDpor(system('register', '1R+1W', { faults }), { budget: 10, seed: 1 }), [/the dpor explorer does not support faults; use dfs, random or pct with --faults/]]);
    for (const variant of ['transdpor', 'ired', 'liviola'] as const) {
      list.push([`${variant} with faults ${budgets}`, () => exploreDs2(system('register', '1R+1W', { faults }), variant, { budget: 10, seed: 1 }), [literal(`the ${variant} explorer does not support faults; use dfs, random or pct with --faults`)]]);
    }
  }
  for (const name of ['chain', 'chord', 'majority-register', 'paxos']) {
    const agentName = name === 'majority-register' ? 'majority register' : name;
    list.push([`${name} agent given an unknown message`, () => {
      const behavior = systemByName(name).behavior(0);
      return behavior.receive(behavior.init('n0', ['n0', 'n1']), message('Gossip'), 'n0');
    }, [literal(`${agentName} agent n0 got an unknown message type 'Gossip'`)]]);
  }
  return list;
}

/** Inputs at the edge of each guard that must be accepted, as (label, action). */
function accepted(lookups: Lookups): [string, () => unknown][] {
  return [
    ...EXPLORERS.map((entry): [string, () => unknown] => [`explorer ${entry.name} by name`, () => {
      if (lookups.explorerByName(entry.name) !== entry) throw new Error(`the lookup of '${entry.name}' returned another explorer`);
    }]),
    ['delay bound 0', () => exploreDelayBounded(system('register', '1R+1W'), { budget: 10, seed: 1, delayBound: 0 })],
    ['PCT depth 1', () => explorePct(system('register', '1R+1W'), { budget: 10, seed: 1, depth: 1 })],
    ['budget 1', () => exploreRandom(system('register', '1R+1W'), { budget: 1, seed: 1 })],
    // Choices of 128 and more take several varint bytes.
    ['token with multi-byte choices', () => {
      const choices = [0, 127, 128, 300, 16_384];
      const decoded = lookups.decodeToken(encodeToken({ system: 'register', harness: '1R+1W', config: DEFAULT_CONFIG, choices }));
      if (decoded.choices.join(',') !== choices.join(',')) throw new Error(`choices ${choices.join(',')} came back as ${decoded.choices.join(',')}`);
    }],
  ];
}

describe('actor inputs', () => {
  caseInvariant<Lookups>({
    id: 'linearizability/actor-inputs-rejected',
    subject: REAL,
    controls: [{ name: 'explorer lookup that falls back to dfs for unknown names', subject: FALLBACK_TO_DFS }],
    check: (lookups) => {
      const failures: string[] = [];
      const rejected = cases(lookups);
      for (const [label, action, patterns] of rejected) {
        const failure = expectRejected(label, action, patterns);
        if (failure !== null) failures.push(failure);
      }
      const edges = accepted(lookups);
      for (const [label, action] of edges) {
        try {
          action();
        } catch (error) {
          failures.push(`${label}: rejected a valid input: ${(error as Error).message}`);
        }
      }
      return { runs: rejected.length + edges.length, failures };
    },
  });
});
