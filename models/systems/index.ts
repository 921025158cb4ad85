/**
 * Registry of the systems under test, by the name used with `--system`.
 */
import type { SystemDefinition } from '../../impl/actors/types';
import { buggyChainStore, chainStore } from './chain';
import { buggyChordRing, chordRing } from './chord';
import { buggyLeaderRegister, leaderRegister } from './leader-register';
import { majorityRegister } from './majority-register';
import { paxosRegister } from './paxos';

export { HARNESSES, harnessByName } from './common';

export const SYSTEMS: readonly SystemDefinition[] = [leaderRegister, buggyLeaderRegister, majorityRegister, chordRing, buggyChordRing, paxosRegister, chainStore, buggyChainStore];

/**
 * Returns the system called `name`.
 *
 * @throws Error listing the known names.
 */
export function systemByName(name: string): SystemDefinition {
  const system = SYSTEMS.find((s) => s.name === name);
  if (system === undefined) throw new Error(`unknown system '${name}'; choose one of ${SYSTEMS.map((s) => s.name).join(', ')}`);
  return system;
}
