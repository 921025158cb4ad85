/**
 * Chain replication of a key-value store (van Renesse and Schneider): agents form a chain
 * n0 (head) → … → tail. Writes enter at the head, which numbers them and passes them down; every
 * agent applies updates in sequence order, buffering early arrivals, so the network may reorder
 * freely; the tail acknowledges the write. Reads are answered by the tail. Linearizable.
 *
 * The buggy variant has an ordering bug: the head acknowledges a write as soon as it applies it,
 * before the tail has, so a read at the tail that starts after the write returned can miss it.
 */
import type { ActorBehavior, Outgoing, Payload, SystemDefinition } from '../../impl/actors/types';
import { clientProtocol, reply } from './common';

interface Update {
  key: string;
  value: string;
  seq: number;
  op: number;
}

interface ChainState {
  index: number;
  agents: readonly string[];
  store: Readonly<Record<string, string>>;
  /** Head: last sequence number assigned; others: last sequence number applied. */
  seq: number;
  /** Updates that arrived before their predecessors. */
  buffered: readonly Update[];
}

function chainBehavior(buggy: boolean): ActorBehavior<ChainState> {
  return {
    init: (self, agents) => ({ index: agents.indexOf(self), agents, store: {}, seq: 0, buffered: [] }),

    receive(state, message, self) {
      const p = message.payload;
      const op = Number(p.op);
      const key = String(p.key ?? '');
      const head = state.agents[0]!;
      const tailIndex = state.agents.length - 1;
      const tail = state.agents[tailIndex]!;
      const next = state.agents[state.index + 1];

      switch (p.type) {
        case 'Write': {
          if (self !== head) return { state, outbox: [{ to: head, payload: p }] };
          const update: Update = { key, value: String(p.value ?? ''), seq: state.seq + 1, op };
          const applied = { ...state, seq: update.seq, store: { ...state.store, [key]: update.value } };
          const outbox: Outgoing[] = [];
          if (buggy || next === undefined) outbox.push(reply(op, { type: 'WriteAck', op }));
          if (next !== undefined) outbox.push({ to: next, payload: { type: 'Update', ...update } });
          return { state: applied, outbox };
        }
        case 'Update': {
          // Apply in sequence order; pass each applied update on, or acknowledge it at the tail.
          let current: ChainState = { ...state, buffered: [...state.buffered, { key, value: String(p.value ?? ''), seq: Number(p.seq), op }] };
          const outbox: Outgoing[] = [];
          for (;;) {
            const ready = current.buffered.find((u) => u.seq === current.seq + 1);
            if (ready === undefined) break;
            current = { ...current, seq: ready.seq, store: { ...current.store, [ready.key]: ready.value }, buffered: current.buffered.filter((u) => u !== ready) };
            if (next !== undefined) outbox.push({ to: next, payload: { type: 'Update', ...ready } });
            else if (!buggy) outbox.push(reply(ready.op, { type: 'WriteAck', op: ready.op }));
          }
          return { state: current, outbox };
        }
        case 'Read':
          if (state.index !== tailIndex) return { state, outbox: [{ to: tail, payload: p }] };
          return { state, outbox: [reply(op, { type: 'ReadAck', op, value: state.store[key] ?? '' })] };
        default:
          throw new Error(`chain agent ${self} got an unknown message type '${p.type}'`);
      }
    },
  };
}

const chainKey = (payload: Payload) => payload.key as string | undefined;

/** Chain-replicated key-value store (linearizable). */
export const chainStore: SystemDefinition = {
  name: 'chain',
  description: 'chain-replicated key-value store: writes enter at the head, are applied in sequence order down the chain and acknowledged by the tail; the tail answers reads',
  correct: true,
  bugs: [],
  agents: 2,
  behavior: () => chainBehavior(false),
  keyOf: chainKey,
  ...clientProtocol,
};

/** Chain replication whose head acknowledges writes before the tail applied them. */
export const buggyChainStore: SystemDefinition = {
  name: 'chain-buggy',
  description: 'chain-replicated key-value store whose head acknowledges a write before the tail has applied it',
  correct: false,
  bugs: ['write acknowledged by the head before the tail applied it'],
  agents: 2,
  behavior: () => chainBehavior(true),
  keyOf: chainKey,
  ...clientProtocol,
};
