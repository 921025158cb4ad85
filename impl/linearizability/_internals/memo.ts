/**
 * Memo of explored configurations for the Wing–Gong–Lowe search: a hash set of pairs (set of
 * linearized operations, interned state id).
 *
 * Sets are bitsets of `words` 32-bit words, hashed with Zobrist keys (one random 32-bit key per
 * operation, XORed over the members), so adding or removing an operation updates the hash in O(1).
 * Entries live in flat typed arrays, which keeps the memo compact and lets it report its size for
 * the memory budget.
 */

const EMPTY = -1;

export class ConfigurationMemo {
  /** Number of stored configurations. */
  size = 0;
  private readonly words: number;
  private slots: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private stateIds: Int32Array;
  private bits: Uint32Array;
  private readonly includeState: boolean;

  /**
   * @param words - bitset length in 32-bit words
   * @param includeState - false only for a deliberately broken negative control that forgets the
   *   state part of the key
   */
  constructor(words: number, includeState = true) {
    this.words = words;
    this.includeState = includeState;
    this.slots = new Int32Array(1024).fill(EMPTY);
    this.mask = 1023;
    this.hashes = new Int32Array(512);
    this.stateIds = new Int32Array(512);
    this.bits = new Uint32Array(512 * Math.max(1, words));
  }

  /** Bytes held by the memo's arrays. */
  get bytes(): number {
    return this.slots.byteLength + this.hashes.byteLength + this.stateIds.byteLength + this.bits.byteLength;
  }

  /**
   * Adds the configuration and returns true, or returns false when it was already present.
   *
   * @param bitset - current set of linearized operations
   * @param setHash - Zobrist hash of `bitset`
   * @param stateId - interned id of the current state
   * @param stateHash - well-mixed hash of the state id
   */
  add(bitset: Uint32Array, setHash: number, stateId: number, stateHash: number): boolean {
    const words = this.words;
    const sid = this.includeState ? stateId : 0;
    const hash = this.includeState ? (setHash ^ stateHash) | 0 : setHash | 0;
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === EMPTY) break;
      if (this.hashes[entry] === hash && this.stateIds[entry] === sid) {
        const base = entry * words;
        let same = true;
        for (let w = 0; w < words; w++) {
          if (this.bits[base + w] !== bitset[w]) {
            same = false;
            break;
          }
        }
        if (same) return false;
      }
      slot = (slot + 1) & this.mask;
    }

    const entry = this.size;
    if (entry >= this.hashes.length) this.growEntries();
    this.hashes[entry] = hash;
    this.stateIds[entry] = sid;
    this.bits.set(bitset.subarray(0, words), entry * words);
    this.slots[slot] = entry;
    this.size++;
    if (this.size * 2 > this.slots.length) this.growSlots();
    return true;
  }

  private growEntries(): void {
    const capacity = this.hashes.length * 2;
    const hashes = new Int32Array(capacity);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const stateIds = new Int32Array(capacity);
    stateIds.set(this.stateIds);
    this.stateIds = stateIds;
    const bits = new Uint32Array(capacity * Math.max(1, this.words));
    bits.set(this.bits);
    this.bits = bits;
  }

  private growSlots(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.size; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
