/**
 * Registry of schedule explorers, by the name used with `--explorer`.
 */
import type { ActorSystem } from '../runtime';
import type { ExplorationResult, ExploreOptions } from '../session';
import { exploreDpor } from './dpor';
import { exploreFastCheck } from './fast-check';
import { exploreDelayBounded, exploreDfs, explorePct, exploreRandom, exploreStatefulDfs } from './simple';
import { exploreDs2 } from './transdpor';

export interface ExplorerEntry {
  name: string;
  /** DS2's abbreviation in its result tables, when the explorer is one of the paper's. */
  ds2: string | null;
  description: string;
  /** Whether the explorer covers a whole (reduced) space, rather than sampling schedules. */
  systematic: boolean;
  explore(system: ActorSystem, options: ExploreOptions): ExplorationResult;
}

export const EXPLORERS: readonly ExplorerEntry[] = [
  { name: 'random', ds2: 'SR', description: 'random walk, uniform over enabled transitions', systematic: false, explore: exploreRandom },
  { name: 'dfs', ds2: 'EX', description: 'exhaustive depth-first search', systematic: true, explore: exploreDfs },
  { name: 'dfs-stateful', ds2: null, description: 'exhaustive depth-first search that skips states already explored from', systematic: true, explore: exploreStatefulDfs },
  { name: 'delay-bounded', ds2: 'DB', description: 'every schedule within 3 delays of the oldest-first scheduler', systematic: true, explore: (s, o) => exploreDelayBounded(s, o) },
  { name: 'dpor', ds2: null, description: 'DPOR with sleep sets (Flanagan–Godefroid), dependency: same actor or both logging', systematic: true, explore: (s, o) => exploreDpor(s, o) },
  { name: 'transdpor', ds2: 'TD', description: 'TransDPOR as DS2 implements it', systematic: true, explore: (s, o) => exploreDs2(s, 'transdpor', o) },
  { name: 'ired', ds2: 'IR', description: 'IRed: TransDPOR with root causal enablers (DS2)', systematic: true, explore: (s, o) => exploreDs2(s, 'ired', o) },
  { name: 'liviola', ds2: 'LV', description: 'LiViola: IRed with a key-aware dependency (DS2)', systematic: true, explore: (s, o) => exploreDs2(s, 'liviola', o) },
  { name: 'pct', ds2: null, description: 'PCT with actors as threads, depth 3', systematic: false, explore: (s, o) => explorePct(s, o) },
  { name: 'fast-check', ds2: null, description: 'fast-check choice vectors, shrunk and minimized on failure', systematic: false, explore: exploreFastCheck },
];

/**
 * Returns the explorer called `name`.
 *
 * @throws Error listing the known names.
 */
export function explorerByName(name: string): ExplorerEntry {
  const entry = EXPLORERS.find((e) => e.name === name);
  if (entry === undefined) throw new Error(`unknown explorer '${name}'; choose one of ${EXPLORERS.map((e) => e.name).join(', ')}`);
  return entry;
}
