/**
 * Each fault step of the actor runtime changes the state exactly as its kind defines, and no
 * schedule uses more faults than its budget allows.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { ActorSystem, DEFAULT_CONFIG, type RuntimeConfig, type SystemState, type Transition } from '../../impl/actors/runtime';
import type { Harness, SystemDefinition } from '../../impl/actors/types';
import { SYSTEMS, harnessByName } from '../../models/systems/index';
import { propertyInvariant } from '../../harness/testing/invariant';

type MakeSystem = (definition: SystemDefinition, harness: Harness, config: RuntimeConfig) => ActorSystem;

/** Broken variant: a crash stops the agent but leaves the messages addressed to it in flight. */
class CrashKeepsMessages extends ActorSystem {
  override apply(state: SystemState, transition: Transition) {
    const outcome = super.apply(state, transition);
    if (transition.kind !== 'crash') return outcome;
    return { ...outcome, state: { ...outcome.state, inFlight: state.inFlight } };
  }
}

const realSystem: MakeSystem = (definition, harness, config) => new ActorSystem(definition, harness, config);
const crashKeepsMessages: MakeSystem = (definition, harness, config) => new CrashKeepsMessages(definition, harness, config);

/** Checks one step from `before` by `transition` to `after`; returns what is wrong, or null. */
function checkStep(s: ActorSystem, before: SystemState, transition: Transition, after: SystemState, effect: { actor: string; logged: boolean; created: string[] }): string | null {
  const id = ActorSystem.transitionId(transition);
  if (after.step !== before.step + 1) return `${id}: step ${before.step} became ${after.step}`;
  const { faults } = s.config;
  const used = after.faultsUsed;
  if (used.drops > faults.drops || used.duplicates > faults.duplicates || used.crashes > faults.crashes) return `${id}: used ${JSON.stringify(used)} of ${JSON.stringify(faults)}`;
  switch (transition.kind) {
    case 'crash': {
      const { actor } = transition;
      if (id !== `crash:${actor}`) return `crash of ${actor} has the id ${id}`;
      if (before.crashed.includes(actor)) return `${id}: ${actor} crashed twice`;
      if (after.crashed.join(',') !== [...before.crashed, actor].join(',')) return `${id}: crashed agents ${after.crashed.join(',')}`;
      if (used.crashes !== before.faultsUsed.crashes + 1 || used.drops !== before.faultsUsed.drops || used.duplicates !== before.faultsUsed.duplicates) return `${id}: fault counts went from ${JSON.stringify(before.faultsUsed)} to ${JSON.stringify(used)}`;
      const expected = before.inFlight.filter((m) => m.to !== actor).map((m) => m.id);
      if (after.inFlight.map((m) => m.id).join(',') !== expected.join(',')) return `${id}: in flight ${after.inFlight.map((m) => m.id).join(',')}, expected ${expected.join(',')}`;
      if (effect.actor !== actor || effect.logged || effect.created.length > 0) return `${id}: effect ${JSON.stringify(effect)}`;
      if (after.log.length !== before.log.length) return `${id}: the crash wrote to the history log`;
      return null;
    }
    case 'drop': {
      if (used.drops !== before.faultsUsed.drops + 1) return `${id}: drops went from ${before.faultsUsed.drops} to ${used.drops}`;
      if (after.inFlight.length !== before.inFlight.length - 1 || after.inFlight.some((m) => m.id === transition.message.id)) return `${id}: the message is still in flight`;
      return null;
    }
    case 'duplicate': {
      if (used.duplicates !== before.faultsUsed.duplicates + 1) return `${id}: duplicates went from ${before.faultsUsed.duplicates} to ${used.duplicates}`;
      if (!after.inFlight.some((m) => m.id === `${transition.message.id}'`)) return `${id}: no copy in flight`;
      return null;
    }
    case 'deliver':
      if (after.crashed.includes(transition.message.to)) return `${id}: delivered to a crashed agent`;
      return null;
  }
}

describe('actor faults', () => {
  propertyInvariant<MakeSystem>({
    id: 'linearizability/fault-steps-respect-budget',
    subject: realSystem,
    controls: [{ name: 'crash that leaves messages to the crashed agent in flight', subject: crashKeepsMessages }],
    numRuns: { quick: 150, full: 1500 },
    property: (make) =>
      fc.property(
        fc.constantFrom(...SYSTEMS),
        fc.constantFrom('1R+1W', '2R+1W'),
        fc.record({ network: fc.constantFrom<RuntimeConfig['network']>('unordered', 'fifo'), invokeAt: fc.constantFrom<RuntimeConfig['invokeAt']>('send', 'delivery') }),
        fc.record({ drops: fc.nat(2), duplicates: fc.nat(2), crashes: fc.integer({ min: 1, max: 2 }) }),
        fc.array(fc.nat(300), { maxLength: 40 }),
        (definition, harness, settings, faults, vector) => {
          const s = make(definition, harnessByName(harness), { ...DEFAULT_CONFIG, ...settings, faults });
          let state = s.initial();
          for (let step = 0; step < 40; step++) {
            const enabled = s.enabled(state);
            if (enabled.length === 0) break;
            // Messages sent to an agent after its crash stay in flight but are never delivered.
            const toCrashed = enabled.find((t) => t.kind !== 'crash' && state.crashed.includes(t.message.to));
            if (toCrashed !== undefined) throw new Error(`step ${step}: ${ActorSystem.transitionId(toCrashed)} is enabled although its receiver crashed`);
            const crashable = s.agentIds.filter((a) => !state.crashed.includes(a));
            const crashes = enabled.filter((t) => t.kind === 'crash').map((t) => (t.kind === 'crash' ? t.actor : ''));
            const expectedCrashes = state.faultsUsed.crashes < faults.crashes ? crashable : [];
            if (crashes.join(',') !== expectedCrashes.join(',')) throw new Error(`step ${step}: crash transitions for ${crashes.join(',')}, expected ${expectedCrashes.join(',')}`);
            // Entries of 250 and more pick a crash when one is enabled, so that most cases reach one.
            const entry = vector[step] ?? 0;
            const choice = entry >= 250 && crashes.length > 0 ? enabled.length - crashes.length + (entry % crashes.length) : entry % enabled.length;
            const transition = enabled[choice]!;
            const { state: next, effect } = s.apply(state, transition);
            const problem = checkStep(s, state, transition, next, effect);
            if (problem !== null) throw new Error(`${definition.name} ${harness} step ${step + 1}: ${problem}`);
            state = next;
          }
          return true;
        },
      ),
  });
});
