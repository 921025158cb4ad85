/**
 * Interning of model states: each distinct state (by the model's `equal`) gets a small integer
 * id, so the search stores and compares ids instead of state objects.
 */
import type { Model } from '../../../models/model';

export class StateTable<S> {
  /** Interned states, indexed by id. */
  readonly states: S[] = [];
  /** Well-mixed 32-bit hash per id, used in memo keys. */
  readonly mixedHashes: number[] = [];
  private readonly buckets = new Map<number, number[]>();

  constructor(private readonly model: Model<S, unknown, unknown>) {}

  /** Returns the id of `state`, interning it on first sight. */
  intern(state: S): number {
    const hash = this.model.hash(state) | 0;
    let bucket = this.buckets.get(hash);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(hash, bucket);
    } else {
      for (const id of bucket) {
        if (this.model.equal(this.states[id] as S, state)) return id;
      }
    }
    const id = this.states.length;
    this.states.push(state);
    this.mixedHashes.push(mix32(hash ^ Math.imul(id + 1, 0x9e3779b1)));
    bucket.push(id);
    return id;
  }

  /** Rough bytes held, for the memory budget (64 bytes per state is an estimate). */
  get bytes(): number {
    return this.states.length * 64;
  }
}

/** Murmur3 finalizer: spreads the bits of a 32-bit value. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
