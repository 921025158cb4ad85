/**
 * A fast-check strategy: each generated case is a vector of choices, read as "at step i take the
 * enabled transition choice[i] modulo their number" (0 once the vector runs out). When a case
 * fails, fast-check shrinks it towards shorter vectors of smaller numbers, that is towards the
 * canonical schedule, and the shrunk schedule is then minimized step by step.
 */
import fc from 'fast-check';
import type { ActorSystem } from '../runtime';
import { minimizeSchedule, replaySteps } from '../replay';
import type { ExplorationResult, ExploreOptions } from '../session';
import { ExplorationSession } from '../session';
import { runOnce } from './simple';

/** Explores with fast-check; every case run, shrinking included, counts as one schedule. */
export function exploreFastCheck(system: ActorSystem, options: ExploreOptions): ExplorationResult {
  const session = new ExplorationSession('fast-check', system, options);
  let smallestFailing: string[] | null = null;

  const property = fc.property(fc.array(fc.nat({ max: 64 }), { maxLength: system.config.maxSteps }), (vector) => {
    // Past the budget or the time limit, cases pass unexamined so that fast-check stops.
    if (session.schedules >= options.budget || session.timeLimitPassed()) return true;
    let step = 0;
    const run = runOnce(system, session, (count) => (vector[step++] ?? 0) % count);
    if (run.illegal) smallestFailing = run.steps;
    return !run.illegal;
  });

  const details = fc.check(property, { seed: options.seed, numRuns: options.budget });
  if (details.failed && smallestFailing !== null && session.violation !== null) {
    // fast-check's last failing case is its most shrunk one; minimize it step by step.
    const minimal = minimizeSchedule(system, smallestFailing);
    const replayed = replaySteps(system, minimal)!;
    session.violation = { ...session.violation, token: session.tokenOf(replayed.choices), choices: replayed.choices, state: replayed.state, result: replayed.result };
  }
  return session.result(false);
}
