/**
 * vitest setup file: applies the run's profile to fast-check defaults so that properties written
 * with plain `fc.assert` also follow it.
 */
import fc from 'fast-check';
import { profileFromEnv } from '../profile';
import { masterSeedFromEnv } from '../seed';

const profile = profileFromEnv();
fc.configureGlobal({ numRuns: profile === 'full' ? 1000 : 100, seed: masterSeedFromEnv() });
