/**
 * Run profiles: `quick` (default; CI and `npm start`) and `full` (the settings of the papers
 * where they fit one machine). Properties scale their run counts and experiments their sizes by
 * the profile.
 */

export type Profile = 'quick' | 'full';

export const PROFILES: readonly Profile[] = ['quick', 'full'];

/** Parses a profile name. @throws Error naming the value and the accepted names. */
export function parseProfile(raw: string, source = '--profile'): Profile {
  if (raw === 'quick' || raw === 'full') return raw;
  throw new Error(`${source} must be 'quick' or 'full', got '${raw}'`);
}

/** Reads the profile from `PAPERPROOF_PROFILE`, defaulting to `quick`. */
export function profileFromEnv(env: NodeJS.ProcessEnv = process.env): Profile {
  const raw = env.PAPERPROOF_PROFILE;
  return raw === undefined || raw === '' ? 'quick' : parseProfile(raw, 'PAPERPROOF_PROFILE');
}

/** A setting that differs between profiles. */
export interface PerProfile<T> {
  quick: T;
  full: T;
}

/** Picks the value for `profile`; a plain value applies to both profiles. */
export function forProfile<T>(value: T | PerProfile<T>, profile: Profile): T {
  if (value !== null && typeof value === 'object' && 'quick' in (value as object) && 'full' in (value as object)) return (value as PerProfile<T>)[profile];
  return value as T;
}
