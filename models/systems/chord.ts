/**
 * An OpenChord-style ring storing keys. Agents form a ring (n0 → n1 → … → n0); a key lives at its
 * home agent, chosen by a hash of the key, which also copies every entry to its successor. Requests
 * travel along the ring until they reach the home agent, which applies a put, copies it to its
 * successor and acknowledges, or answers a get. Entries exist from the start with the empty value.
 *
 * The buggy variant has the linearizability bug class DS2 found in OpenChord: a get is answered
 * by the first agent on the route that holds a copy of the entry, and a successor's copy can lag
 * behind the home agent, so a get that starts after a put returned can still read the old value.
 */
import type { ActorBehavior, Outgoing, Payload, SystemDefinition } from '../../impl/actors/types';
import { KEY, clientProtocol, reply } from './common';

interface ChordState {
  index: number;
  agents: readonly string[];
  /** Entries this agent is home for. */
  entries: Readonly<Record<string, string>>;
  /** Copies of the predecessor's entries. */
  copies: Readonly<Record<string, string>>;
}

/** Index of the home agent of `key` among `n` agents. */
export function homeOf(key: string, n: number): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  return hash % n;
}

function chordBehavior(buggy: boolean): ActorBehavior<ChordState> {
  return {
    init(self, agents) {
      const index = agents.indexOf(self);
      const home = homeOf(KEY, agents.length);
      const successorOfHome = (home + 1) % agents.length;
      const entries: Record<string, string> = index === home ? { [KEY]: '' } : {};
      const copies: Record<string, string> = index === successorOfHome && successorOfHome !== home ? { [KEY]: '' } : {};
      return { index, agents, entries, copies };
    },

    receive(state, message, self) {
      const p = message.payload;
      const key = String(p.key ?? '');
      const op = Number(p.op);
      const n = state.agents.length;
      const home = homeOf(key, n);
      const successor = state.agents[(state.index + 1) % n]!;
      const forward: Outgoing = { to: successor, payload: p };

      switch (p.type) {
        case 'Write': {
          if (state.index !== home) return { state, outbox: [forward] };
          const value = String(p.value ?? '');
          const outbox: Outgoing[] = [reply(op, { type: 'WriteAck', op })];
          if (successor !== self) outbox.push({ to: successor, payload: { type: 'Replicate', key, value } });
          return { state: { ...state, entries: { ...state.entries, [key]: value } }, outbox };
        }
        case 'Read': {
          if (state.index === home) return { state, outbox: [reply(op, { type: 'ReadAck', op, value: state.entries[key] ?? '' })] };
          if (buggy && key in state.copies) return { state, outbox: [reply(op, { type: 'ReadAck', op, value: state.copies[key] })] };
          return { state, outbox: [forward] };
        }
        case 'Replicate':
          return { state: { ...state, copies: { ...state.copies, [key]: String(p.value ?? '') } }, outbox: [] };
        default:
          throw new Error(`chord agent ${self} got an unknown message type '${p.type}'`);
      }
    },
  };
}

const chordKey = (payload: Payload) => payload.key as string | undefined;

/** Chord ring whose gets are always answered by the key's home agent (linearizable). */
export const chordRing: SystemDefinition = {
  name: 'chord',
  description: 'OpenChord-style ring storing keys at a home agent with a copy at its successor; gets are answered by the home agent',
  correct: true,
  bugs: [],
  agents: 2,
  behavior: () => chordBehavior(false),
  keyOf: chordKey,
  ...clientProtocol,
};

/** Chord ring with the stale-copy bug DS2 found in OpenChord. */
export const buggyChordRing: SystemDefinition = {
  name: 'chord-buggy',
  description: 'OpenChord-style ring whose gets are answered by the first agent holding a copy, which may lag behind the home agent',
  correct: false,
  bugs: ['get answered from a successor copy that lags behind the home agent'],
  agents: 2,
  behavior: () => chordBehavior(true),
  keyOf: chordKey,
  ...clientProtocol,
};
