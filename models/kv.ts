/**
 * Key-value store with `get`, `put` and `append` over string keys and string values, as in
 * Porcupine's key-value test data: a missing key reads as the empty string, `put` replaces the
 * value and `append` concatenates onto it. Histories partition by key, because operations on
 * different keys never constrain each other.
 */
import { expectOperation, expectStringField } from './decode';
import { UNKNOWN, hashString, partitionByKey, type Model } from './model';

export type KvInput =
  | { f: 'get'; key: string }
  | { f: 'put'; key: string; value: string }
  | { f: 'append'; key: string; value: string };

/** Output of a get is the value read; puts and appends have no meaningful output. */
export type KvOutput = string | null;

/**
 * Store contents as a frozen map from key to value. Keys that were never written are absent,
 * which is the same as holding the empty string.
 */
export type KvState = Readonly<Record<string, string>>;

const EMPTY: KvState = Object.freeze({});

function valueOf(state: KvState, key: string): string {
  return Object.prototype.hasOwnProperty.call(state, key) ? (state[key] as string) : '';
}

function withValue(state: KvState, key: string, value: string): KvState {
  if (valueOf(state, key) === value) return state;
  const next: Record<string, string> = { ...state };
  if (value === '') delete next[key];
  else next[key] = value;
  return Object.freeze(next);
}

function sortedEntries(state: KvState): [string, string][] {
  return Object.entries(state).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Builds the key-value model; `partitioned: false` checks the whole store as one object. */
export function makeKvModel(options: { partitioned: boolean } = { partitioned: true }): Model<KvState, KvInput, KvOutput> {
  const model: Model<KvState, KvInput, KvOutput> = {
    name: options.partitioned ? 'kv' : 'kv-unpartitioned',
    description: options.partitioned
      ? 'key-value store with get/put/append, missing keys read as "", checked per key'
      : 'key-value store with get/put/append, missing keys read as "", checked as one object',

    init: () => EMPTY,

    step(state, input, output) {
      switch (input.f) {
        case 'get':
          return output === UNKNOWN || output === valueOf(state, input.key) || (output === null && valueOf(state, input.key) === '') ? [state] : [];
        case 'put':
          return [withValue(state, input.key, input.value)];
        case 'append':
          return [withValue(state, input.key, valueOf(state, input.key) + input.value)];
      }
    },

    equal(a, b) {
      if (a === b) return true;
      const ka = Object.keys(a);
      if (ka.length !== Object.keys(b).length) return false;
      return ka.every((k) => valueOf(b, k) === a[k]);
    },

    hash(state) {
      // XOR of per-entry hashes does not depend on key order.
      let h = 0;
      for (const key in state) h ^= hashString(`${key}\u0000${state[key]}`);
      return h >>> 0;
    },

    describeOperation(input, output) {
      switch (input.f) {
        case 'get':
          return `get(${JSON.stringify(input.key)}) = ${output === UNKNOWN ? '?' : JSON.stringify(output ?? '')}`;
        case 'put':
          return `put(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})`;
        case 'append':
          return `append(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})`;
      }
    },

    decodeInput(raw) {
      const input = expectOperation(raw, ['get', 'put', 'append'] as const);
      const key = expectStringField(input, 'key');
      if (input.f === 'get') return { f: 'get', key };
      return { f: input.f, key, value: expectStringField(input, 'value') };
    },

    decodeOutput(raw, input) {
      if (input.f !== 'get') return null;
      if (raw !== null && typeof raw !== 'string') throw new Error(`output of get must be a string or null, got ${JSON.stringify(raw)}`);
      return raw;
    },

    describeState(state) {
      const entries = sortedEntries(state);
      if (entries.length === 0) return '{}';
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
    },
  };

  if (options.partitioned) model.partition = (history) => partitionByKey(history, (input) => input.key);
  return model;
}

/** Key-value store checked per key. */
export const kvModel = makeKvModel({ partitioned: true });

/** Key-value store checked as one object (slower; used to test that partitioning is sound). */
export const kvUnpartitionedModel = makeKvModel({ partitioned: false });
