/**
 * Seeds for every random choice in the suite.
 *
 * One master seed (the `--seed` option, or `PAPERPROOF_SEED`) drives a whole run. Each consumer
 * derives its own 32-bit seed from the master seed and a stable label, so adding a new property
 * or experiment never shifts the random streams of the others.
 */

/** Master seed used when neither `--seed` nor `PAPERPROOF_SEED` is given. */
export const DEFAULT_SEED = 20231;

/**
 * Derives a 32-bit seed from a master seed and a label with FNV-1a over the label, mixed with
 * the master seed by a Murmur3 finalizer.
 *
 * @example deriveSeed(42, 'linearizability/agrees-brute-force') // same value on every run
 * @param master - master seed of the run (any integer; only its low 32 bits are used)
 * @param label - stable name of the consumer, usually an invariant or experiment id
 */
export function deriveSeed(master: number, label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return fmix32(hash ^ Math.imul(master | 0, 0x9e3779b1)) >>> 0;
}

/**
 * Reads the master seed from the environment, or returns {@link DEFAULT_SEED}.
 *
 * @throws Error when `PAPERPROOF_SEED` is set but is not a safe integer.
 */
export function masterSeedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PAPERPROOF_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  return parseSeed(raw, 'PAPERPROOF_SEED');
}

/**
 * Parses a seed given as text.
 *
 * @param raw - the text, a decimal integer
 * @param source - where the text came from, named in the error message
 * @throws Error naming the value when it is not a safe integer.
 */
export function parseSeed(raw: string, source: string): number {
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
    throw new Error(`${source} must be an integer seed, got '${raw}'; pass a decimal integer such as 42`);
  }
  return value;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
