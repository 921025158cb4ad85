/**
 * The one seedable random generator used everywhere in the suite.
 *
 * It wraps pure-rand's xoroshiro128+ (the generator family fast-check itself uses) behind a small
 * mutable interface with the distributions the methods need. Two generators built from the same
 * seed produce the same stream on every platform.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { deriveSeed } from './seed';

/**
 * Seeded random generator.
 *
 * @example
 * const rng = new Rng(42);
 * rng.int(0, 5); // uniform integer in [0, 5]
 */
export class Rng {
  /** Seed this generator was built from, printed by failures so they can be replayed. */
  readonly seed: number;
  private readonly generator: JumpableRandomGenerator;
  private spareNormal: number | null = null;

  /** @param seed - any integer; only its low 32 bits are used */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng seed must be a finite integer, got ${seed}`);
    this.seed = seed | 0;
    this.generator = xoroshiro128plus(this.seed);
  }

  /** Returns a new generator whose stream depends only on this generator's seed and `label`. */
  fork(label: string): Rng {
    return new Rng(deriveSeed(this.seed, label));
  }

  /** Returns a uniform integer in [`from`, `to`], both included. */
  int(from: number, to: number): number {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) {
      throw new Error(`Rng.int needs integer bounds with from <= to, got [${from}, ${to}]`);
    }
    return uniformInt(this.generator, from, to);
  }

  /** Returns a uniform float in [0, 1) with 53 random bits. */
  float(): number {
    return uniformFloat64(this.generator);
  }

  /** Returns true with probability `p`. */
  bool(p = 0.5): boolean {
    return this.float() < p;
  }

  /** Returns a standard normal variate (Marsaglia's polar method, which caches the second variate). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }

  /** Returns a uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick needs a non-empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
