/**
 * vitest setup file: applies the run's profile to fast-check defaults so that properties written
 * with plain `fc.assert` also follow it.
 */
import fc from 'fast-check';
import { profileFromEnv } from '../profile';
import { masterSeedFromEnv } from '../seed';
import { MUTANT_RUN_CASES, inMutantRun } from './mutant-run';

const profile = profileFromEnv();
const numRuns = profile === 'full' ? 1000 : 100;
fc.configureGlobal({ numRuns: inMutantRun() ? Math.min(numRuns, MUTANT_RUN_CASES) : numRuns, seed: masterSeedFromEnv() });
